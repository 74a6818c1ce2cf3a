/* annarchy.h — the public C API of the annlua simulator core.
 *
 * Opaque handles, create/destroy pairs, fixed-width types, no macros a caller needs: the same
 * header serves C programs and LuaJIT's ffi.cdef. Every function that can fail returns 0 on
 * success and a non-zero status otherwise, with a message readable by ann_last_error() on the
 * object concerned (or passed back through an ann_status).
 *
 * This header grows with the core; embedding (loading a model script from C and stepping it)
 * is completed by a later issue. */
#ifndef ANNARCHY_H
#define ANNARCHY_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A status: code 0 means success; msg holds a human-readable message otherwise. */
typedef struct ann_status {
    int  code;
    char msg[2048];
} ann_status;

const char *ann_version(void);

/* ---- kernel compilation and the on-disk cache ------------------------------------------- */

typedef struct ann_module ann_module;   /* a loaded kernel library */

/* Which compiler builds kernels: "cc" (system compiler, optimised; the default) or "tcc". */
typedef struct ann_jit_options {
    const char *compiler;     /* "cc", "tcc" or NULL (= "cc") */
    const char *flags;        /* extra flags, or NULL */
    const char *directory;    /* cache directory, or NULL for the default */
    const char *label;        /* what is compiled, for messages ("network 1") */
    int32_t     verbose;      /* log compile/cache decisions on stderr */
    int32_t     rebuild;      /* compile even when the cache has the library */
} ann_jit_options;

/* Compiles `source` (or finds it in the cache), loads it and returns the module. */
int   ann_jit_load(const char *source, const ann_jit_options *opt, ann_module **out,
                   ann_status *st);
void *ann_module_symbol(const ann_module *m, const char *name);
const char *ann_module_path(const ann_module *m);
/* 1 when the last ann_jit_load call found the library in the cache. */
int32_t ann_module_from_cache(const ann_module *m);
void  ann_module_release(ann_module *m);

/* The cache: its directory (ANNLUA_CACHE, else $XDG_CACHE_HOME/annlua, else ~/.cache/annlua),
 * its number of entries and total size, and emptying it. */
int ann_cache_dir(char *dir, size_t dirlen);
int ann_cache_info(char *dir, size_t dirlen, long *entries, long long *bytes);
int ann_cache_clear(long *removed);

/* An in-process compiler (libtcc inside the annlua executable): builds a shared object from
 * C source at output_path. Returns 0 on success, else writes a message to err. */
typedef int (*ann_inproc_compiler)(const char *source, const char *output_path, char *err,
                                   size_t errlen);
void ann_jit_set_inproc_tcc(ann_inproc_compiler fn, const char *identity);

/* ==== extensions: TensorBoard event files and Keras HDF5 files ============================ */

/* ---- TensorBoard event files (src/tfevents.c) ---------------------------------------------
 * A writer owns one file events.out.tfevents.<seconds>.<host>.<pid>.<n> in a directory it
 * creates when missing. The file is a sequence of records: the data length (uint64, little
 * endian), the masked CRC-32C of those 8 bytes (uint32 LE), the data, the masked CRC-32C of the
 * data; each record's data is one protobuf Event. The first record is the file version event
 * ("brain.Event:2"). Records are buffered and flushed every 10 events, every 10 seconds, on
 * ann_tfwriter_flush and on ann_tfwriter_close. Steps are the Event's step; wall times are the
 * seconds since the epoch at the call. */
typedef struct ann_tfwriter ann_tfwriter;

uint32_t ann_crc32c(const void *data, size_t n);
/* TensorBoard's mask: ((crc >> 15) | (crc << 17)) + 0xa282ead8 (mod 2^32). */
uint32_t ann_crc32c_masked(const void *data, size_t n);

int  ann_tfwriter_open(const char *directory, ann_tfwriter **out, ann_status *st);
const char *ann_tfwriter_path(const ann_tfwriter *w);
/* A Summary with one simple_value. */
int  ann_tfwriter_scalar(ann_tfwriter *w, const char *tag, double value, int64_t step,
                         ann_status *st);
/* A Summary with one HistogramProto of the n values (n >= 1, finite), binned like
 * TensorBoard's default: edges -1e20 < ... < -1e-12, 0, 1e-12 < ... (factor 1.1) < 1e20,
 * counted as numpy.histogram does, trimmed to the buckets from the one before the first
 * non-empty bucket to the last non-empty one. */
int  ann_tfwriter_histogram(ann_tfwriter *w, const char *tag, const double *values, size_t n,
                            int64_t step, ann_status *st);
/* A Summary with one Image: rgb holds height * width * 3 bytes, row-major, encoded as PNG. */
int  ann_tfwriter_image(ann_tfwriter *w, const char *tag, int32_t height, int32_t width,
                        const unsigned char *rgb, int64_t step, ann_status *st);
/* The same from a PNG or JPEG file, alpha dropped, grey expanded to RGB. */
int  ann_tfwriter_image_file(ann_tfwriter *w, const char *tag, const char *path, int64_t step,
                             ann_status *st);
/* One hyper-parameter value: kind 0 number, 1 string, 2 boolean (number != 0). */
typedef struct ann_hparam {
    const char *name;
    int32_t     kind;
    double      number;
    const char *string;
} ann_hparam;
/* The three summaries of TensorBoard's hparams plugin: _hparams_/experiment (the parameters'
 * names and types, the metrics' tags), _hparams_/session_start_info (the values) and
 * _hparams_/session_end_info (status success). */
int  ann_tfwriter_hparams(ann_tfwriter *w, const ann_hparam *params, size_t nparams,
                          const char *const *metrics, size_t nmetrics, ann_status *st);
int  ann_tfwriter_flush(ann_tfwriter *w, ann_status *st);
/* Flushes and closes; returns the status of the last write. */
int  ann_tfwriter_close(ann_tfwriter *w, ann_status *st);

/* ---- HDF5 files, read-only (src/hdf5_reader.c) ----------------------------------------------
 * Enough of HDF5 to read a Keras model file: string attributes and numeric datasets. Object
 * paths are HDF5 paths ("/" is the file, "model_weights/dense/dense/kernel:0"). */
typedef struct ann_h5file ann_h5file;

int  ann_h5_open(const char *path, ann_h5file **out, ann_status *st);
void ann_h5_close(ann_h5file *f);
/* 1 when the object (group or dataset) exists, else 0. */
int  ann_h5_exists(ann_h5file *f, const char *object);
/* The string attribute `name` of `object`: a scalar string or an array of strings (fixed or
 * variable length). *out receives the *count strings one after another, each ended by a NUL,
 * in one malloc'd block the caller frees. */
int  ann_h5_string_attribute(ann_h5file *f, const char *object, const char *name, char **out,
                             size_t *count, ann_status *st);
/* A numeric dataset's rank (at most 8) and dimensions. */
int  ann_h5_dataset_shape(ann_h5file *f, const char *path, int32_t *rank, int64_t *dims,
                          ann_status *st);
/* Reads the whole dataset, converted to double, row-major; count must be its element count. */
int  ann_h5_dataset_read(ann_h5file *f, const char *path, double *out, size_t count,
                         ann_status *st);

#ifdef __cplusplus
}
#endif
#endif
