/* Kernel sources of the C tests: hand-written kernels after the kernel ABI header, as the
 * front end's generated sources are. */
#ifndef ANN_TEST_KERNEL_SOURCE_H
#define ANN_TEST_KERNEL_SOURCE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annarchy.h"

/* A malloc'ed copy of ann_kernel_header followed by `kernels`. */
static inline char *kernel_source(const char *kernels)
{
    size_t n = strlen(ann_kernel_header) + strlen(kernels) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s", ann_kernel_header, kernels);
    return s;
}

/* Compiles kernels with tcc into the cache directory dir; NULL with the message printed on
 * failure. */
static inline ann_module *load_kernels(const char *kernels, const char *dir, const char *label)
{
    ann_status st = {0, ""};
    ann_jit_options opt = {"tcc", NULL, dir, label, 0, 0};
    ann_module *m = NULL;
    char *src = kernel_source(kernels);
    if (!src || ann_jit_load(src, &opt, &m, &st) != 0) printf("%s: %s\n", label, st.msg);
    free(src);
    return m;
}

#endif
