/* Kernel sources of the C tests: hand-written kernels after the kernel ABI header, as the
 * front end's generated sources are. */
#ifndef ANN_TEST_KERNEL_SOURCE_H
#define ANN_TEST_KERNEL_SOURCE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annarchy.h"

/* Projection 0 of the C tests: for each dendrite, the sum of w * r[pre] (attribute 0 of the
 * projection and of the pre population) is added to attribute 0 of the post neuron. */
#define PROJ0_WEIGHTED_SUM \
    "void annk_proj0_psp(annk_proj *pj, annk_pop *pre, annk_pop *post, const annk_ctx *c,\n" \
    "                    int32_t ib, int32_t ie) {\n" \
    "    const double *w = (const double *)pj->attr[0], *r = (const double *)pre->attr[0];\n" \
    "    double *sum = (double *)post->attr[0]; (void)c;\n" \
    "    int32_t d0, d1; annk_dend_range(pj, ib, ie, &d0, &d1);\n" \
    "    for (int32_t d = d0; d < d1; d++) {\n" \
    "        if (pj->post_rank[d] < ib || pj->post_rank[d] >= ie) continue;\n" \
    "        double s = 0.0;\n" \
    "        for (int64_t k = pj->row[d]; k < pj->row[d + 1]; k++) s += w[k] * r[pj->pre_rank[k]];\n" \
    "        sum[pj->post_rank[d]] += s;\n" \
    "    }\n" \
    "}\n"

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
