/* libFuzzer harness of the Keras loader's file reading (src/keras_file.c): the file is read by
 * libhdf5 in a child process, whose description the harness's process decodes; then the
 * lookups the loader makes, for every layer name found in model_config: the layer's group,
 * its weight_names, each weight. A crash, hang or memory exhaustion inside libhdf5 ends only
 * the child and must come back as a failure with a message, like every other failure;
 * sanitizers catch the rest in the harness's process. */
#include "annarchy.h"
#include "fuzz_file.h"

#include <pthread.h>
#include <sanitizer/common_interface_defs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The time a child gets: an input on which libhdf5 loops costs this much. The files the
 * fuzzer makes are small and read in a few milliseconds; at 1 s (the loader allows a small
 * file 10 s), the few inputs that send libhdf5 into a loop took most of the time. */
#define SECONDS 0.02

/* In the child process: a fault inside libhdf5 ends the child, which the harness's process
 * reports as a failure. libFuzzer's handlers would save the input as a crash of the target:
 * they are taken away there (a sanitizer's report still goes to stderr). */
static void plain_child(void)
{
    static const int faults[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    __sanitizer_set_death_callback(NULL);
    for (size_t i = 0; i < sizeof faults / sizeof *faults; i++)
        signal(faults[i], SIG_DFL);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    pthread_atfork(NULL, NULL, plain_child);
    return 0;
}

static void must_say_why(const ann_status *st)
{
    if (!st->msg[0])
        abort();
}

static void read_weights(const ann_keras_file *k, const char *group)
{
    ann_status st;
    const char *names, *values;
    const int64_t *dims;
    const double *v;
    int32_t rank;
    size_t count, n;
    char path[512];
    if (!ann_keras_exists(k, group))
        return;
    if (ann_keras_string_attribute(k, group, "weight_names", &names, &count, &st) != 0) {
        must_say_why(&st);
        return;
    }
    values = names;
    for (size_t i = 0; i < count; i++, values += strlen(values) + 1) {
        snprintf(path, sizeof path, "%s/%s", group, values);
        if (!ann_keras_exists(k, path))
            continue;
        if (ann_keras_dataset(k, path, &rank, &dims, &v, &n, &st) != 0)
            must_say_why(&st);
    }
}

/* Each "name": "<layer>" of the configuration, as the loader finds the layers. */
static void read_layers(const ann_keras_file *k, const char *config)
{
    static const char key[] = "\"name\": \"";
    char group[256];
    for (const char *p = strstr(config, key); p; p = strstr(p, key)) {
        p += sizeof key - 1;
        const char *end = strchr(p, '"');
        if (!end)
            return;
        snprintf(group, sizeof group, "model_weights/%.*s", (int)(end - p), p);
        read_weights(k, group);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ann_status st;
    ann_keras_file *k = NULL;
    const char *config;
    size_t count = 0;
    const char *path = fuzz_file(data, size, ".h5");
    if (!path)
        return 0;
    if (ann_keras_read(path, SECONDS, &k, &st) != 0) {
        must_say_why(&st);
        fuzz_file_cleanup();
        return 0;
    }
    if (ann_keras_string_attribute(k, "/", "model_config", &config, &count, &st) == 0)
        read_layers(k, config);
    else
        must_say_why(&st);
    ann_keras_free(k);
    fuzz_file_cleanup();
    return 0;
}
