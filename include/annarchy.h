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

#ifdef __cplusplus
}
#endif
#endif
