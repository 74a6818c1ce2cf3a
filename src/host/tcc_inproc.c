/* The in-process kernel compiler of the annlua executable: libtcc builds the shared object
 * without starting a process. Debian's libtcc.a is not position-independent, so only the
 * executable can hold it; the Lua module for plain lua5.4 runs the tcc command instead. */
#include "annarchy.h"
#include "tcc_inproc.h"

#include <libtcc.h>
#include <stdio.h>
#include <string.h>

typedef struct { char *buf; size_t len, used; } error_sink;

static void collect_error(void *opaque, const char *msg)
{
    error_sink *s = opaque;
    int n = snprintf(s->buf + s->used, s->len - s->used, "%s\n", msg);
    if (n > 0) s->used += (size_t)n < s->len - s->used ? (size_t)n : s->len - s->used - 1;
}

static int compile_with_libtcc(const char *source, const char *output_path, char *err,
                               size_t errlen)
{
    error_sink sink = {err, errlen, 0};
    err[0] = 0;
    TCCState *s = tcc_new();
    if (!s) {
        snprintf(err, errlen, "libtcc: cannot create a compiler state");
        return -1;
    }
    tcc_set_error_func(s, &sink, collect_error);
    tcc_set_output_type(s, TCC_OUTPUT_DLL);
    int rc = tcc_compile_string(s, source);
    if (rc == 0) rc = tcc_add_library(s, "m");
    if (rc == 0) rc = tcc_output_file(s, output_path);
    tcc_delete(s);
    return rc == 0 ? 0 : -1;
}

void ann_host_register_tcc(void)
{
    ann_jit_set_inproc_tcc(compile_with_libtcc, "libtcc-0.9.27-inproc");
}
