/* libFuzzer harness of the HDF5 reader (src/hdf5_reader.c) as the Keras loader drives it: the
 * model_config attribute of the root, the layer_names of model_weights, each layer's
 * weight_names, then each weight's shape and values. Every call must succeed or fail with a
 * message; sanitizers catch the rest. */
#include "annarchy.h"
#include "fuzz_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_NAMES 8
#define MAX_VALUES (1 << 20)

static void must_say_why(const ann_status *st)
{
    if (!st->msg[0])
        abort();
}

static void read_dataset(ann_h5file *f, const char *path)
{
    ann_status st;
    int32_t rank = 0;
    int64_t dims[8];
    size_t count = 1;
    double *values;
    if (!ann_h5_exists(f, path))
        return;
    if (ann_h5_dataset_shape(f, path, &rank, dims, &st) != 0) {
        must_say_why(&st);
        return;
    }
    for (int32_t i = 0; i < rank; i++) {
        if (dims[i] < 0 || dims[i] > MAX_VALUES || count * (size_t)dims[i] > MAX_VALUES)
            return;
        count *= (size_t)dims[i];
    }
    values = malloc((count ? count : 1) * sizeof *values);
    if (!values)
        return;
    if (ann_h5_dataset_read(f, path, values, count, &st) != 0)
        must_say_why(&st);
    free(values);
}

/* Calls fn(f, prefix/name) for each of the strings of attribute `attr` of `object`. */
static void each_name(ann_h5file *f, const char *object, const char *attr, const char *prefix,
                      void (*fn)(ann_h5file *, const char *))
{
    ann_status st;
    char *names = NULL, path[512];
    size_t count = 0;
    if (ann_h5_string_attribute(f, object, attr, &names, &count, &st) != 0) {
        must_say_why(&st);
        return;
    }
    const char *s = names;
    for (size_t i = 0; i < count && i < MAX_NAMES; i++) {
        snprintf(path, sizeof path, "%s/%s", prefix, s);
        fn(f, path);
        s += strlen(s) + 1;
    }
    free(names);
}

static void read_layer(ann_h5file *f, const char *group)
{
    if (ann_h5_exists(f, group))
        each_name(f, group, "weight_names", group, read_dataset);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ann_status st;
    ann_h5file *f = NULL;
    char *cfg = NULL;
    size_t count = 0;
    const char *path = fuzz_file(data, size, ".h5");
    if (!path)
        return 0;
    if (ann_h5_open(path, &f, &st) != 0) {
        must_say_why(&st);
        fuzz_file_cleanup();
        return 0;
    }
    if (ann_h5_string_attribute(f, "/", "model_config", &cfg, &count, &st) == 0)
        free(cfg);
    else
        must_say_why(&st);
    if (ann_h5_exists(f, "model_weights"))
        each_name(f, "model_weights", "layer_names", "model_weights", read_layer);
    read_dataset(f, "data");
    ann_h5_close(f);
    fuzz_file_cleanup();
    return 0;
}
