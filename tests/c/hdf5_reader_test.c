/* The HDF5 reader (src/hdf5_reader.c), without Lua, on a file written here with libhdf5: a
 * variable-length string attribute, an array of fixed-length strings, a numeric dataset in a
 * nested group, a group's members, and the errors for missing or mistyped objects; then the
 * same file read in a child process (src/keras_file.c) and looked up in the parent. */
#include <hdf5.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "annarchy.h"

#include "check.h"

static void write_file(const char *path)
{
    hid_t f = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
    hid_t scalar = H5Screate(H5S_SCALAR);
    hid_t vl = H5Tcopy(H5T_C_S1);
    H5Tset_size(vl, H5T_VARIABLE);
    const char *text = "{\"config\": 1}";
    hid_t a = H5Acreate2(f, "model_config", vl, scalar, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, vl, &text);
    H5Aclose(a);
    hsize_t two = 2;
    hid_t space2 = H5Screate_simple(1, &two, NULL);
    hid_t fixed = H5Tcopy(H5T_C_S1);
    H5Tset_size(fixed, 8);
    H5Tset_strpad(fixed, H5T_STR_NULLPAD);
    char names[16] = "dense/k\0b";
    hid_t lcpl = H5Pcreate(H5P_LINK_CREATE);
    H5Pset_create_intermediate_group(lcpl, 1);
    hid_t g = H5Gcreate2(f, "model_weights/dense/dense", lcpl, H5P_DEFAULT, H5P_DEFAULT);
    H5Pclose(lcpl);
    a = H5Acreate2(g, "weight_names", fixed, space2, H5P_DEFAULT, H5P_DEFAULT);
    H5Awrite(a, fixed, names);
    H5Aclose(a);
    hsize_t dims[2] = {2, 3};
    hid_t space = H5Screate_simple(2, dims, NULL);
    float values[6] = {1, 2, 3, 4, 5, 6.5f};
    hid_t d = H5Dcreate2(g, "kernel:0", H5T_IEEE_F32LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dwrite(d, H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, values);
    H5Dclose(d);
    H5Sclose(space);
    H5Gclose(g);
    H5Tclose(fixed);
    H5Sclose(space2);
    H5Tclose(vl);
    H5Sclose(scalar);
    H5Fclose(f);
}

int main(void)
{
    char path[] = "/tmp/hdf5_reader_testXXXXXX";
    int fd = mkstemp(path);
    if (fd >= 0) close(fd);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    write_file(path);

    ann_h5file *f = NULL;
    ann_status st = {0};
    CHECK(ann_h5_open(path, &f, &st) == 0, "open: %s", st.msg);
    if (!f) return CHECK_SUMMARY();
    char *block = NULL;
    size_t count = 0;
    CHECK(ann_h5_string_attribute(f, "/", "model_config", &block, &count, &st) == 0 && count == 1 &&
          strcmp(block, "{\"config\": 1}") == 0, "variable-length string: %s", st.msg);
    free(block);
    block = NULL;
    CHECK(ann_h5_string_attribute(f, "/", "weight_names", &block, &count, &st) != 0 &&
          strstr(st.msg, "no attribute 'weight_names'"), "missing attribute: %s", st.msg);
    CHECK(ann_h5_string_attribute(f, "model_weights/dense/dense", "weight_names", &block, &count,
                                  &st) == 0 && count == 2 && strcmp(block, "dense/k") == 0 &&
          strcmp(block + 8, "b") == 0, "fixed-length strings: %s", st.msg);
    free(block);
    CHECK(ann_h5_exists(f, "model_weights/dense/dense/kernel:0") == 1, "exists");
    CHECK(ann_h5_exists(f, "model_weights/nothing/kernel:0") == 0, "does not exist");
    int32_t rank = 0;
    int64_t dims[8];
    const char *k = "model_weights/dense/dense/kernel:0";
    CHECK(ann_h5_dataset_shape(f, k, &rank, dims, &st) == 0 && rank == 2 && dims[0] == 2 &&
          dims[1] == 3, "shape: %s", st.msg);
    double v[6];
    CHECK(ann_h5_dataset_read(f, k, v, 6, &st) == 0 && v[0] == 1 && v[5] == 6.5, "read: %s", st.msg);
    CHECK(ann_h5_dataset_read(f, k, v, 5, &st) != 0 && strstr(st.msg, "6 elements, not 5"),
          "count: %s", st.msg);
    CHECK(ann_h5_dataset_shape(f, "model_weights", &rank, dims, &st) != 0 &&
          strstr(st.msg, "is not a dataset"), "a group: %s", st.msg);
    CHECK(ann_h5_members(f, "model_weights", &block, &count, &st) == 0 && count == 1 &&
          strcmp(block, "dense") == 0, "members: %s", st.msg);
    free(block);
    ann_h5_close(f);
    CHECK(ann_h5_open("/nonexistent.h5", &f, &st) != 0 && strstr(st.msg, "not a readable HDF5"),
          "missing file: %s", st.msg);

    /* the same file read in a child process: the layer group 'dense' has no weight_names, so
     * dense/kernel:0 and dense/bias:0 are looked for in it; the first exists */
    ann_keras_file *kf = NULL;
    CHECK(ann_keras_read(path, 0, &kf, &st) == 0, "keras_read: %s", st.msg);
    if (!kf) return CHECK_SUMMARY();
    const char *strings = NULL;
    CHECK(ann_keras_string_attribute(kf, "/", "model_config", &strings, &count, &st) == 0 &&
          count == 1 && strcmp(strings, "{\"config\": 1}") == 0, "model_config: %s", st.msg);
    CHECK(ann_keras_exists(kf, "/") && ann_keras_exists(kf, "model_weights/dense") &&
          ann_keras_exists(kf, k) && !ann_keras_exists(kf, "model_weights/dense/dense/bias:0"),
          "what exists");
    CHECK(ann_keras_string_attribute(kf, "model_weights/dense", "weight_names", &strings, &count,
                                     &st) != 0 && strstr(st.msg, "no attribute 'weight_names'"),
          "the child's message: %s", st.msg);
    const int64_t *d = NULL;
    const double *values = NULL;
    CHECK(ann_keras_dataset(kf, k, &rank, &d, &values, &count, &st) == 0 && rank == 2 &&
          d[0] == 2 && d[1] == 3 && count == 6 && values[0] == 1 && values[5] == 6.5,
          "dataset: %s", st.msg);
    CHECK(ann_keras_dataset(kf, "model_weights/x", &rank, &d, &values, &count, &st) != 0 &&
          strstr(st.msg, "no dataset 'model_weights/x'"), "not read: %s", st.msg);
    ann_keras_free(kf);
    CHECK(ann_keras_read("/nonexistent.h5", 0, &kf, &st) != 0 &&
          strstr(st.msg, "not a readable HDF5") && kf == NULL, "missing file: %s", st.msg);
    unlink(path);
    return CHECK_SUMMARY();
}
