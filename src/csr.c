/* The post-major CSR structure: memory, sorting, and its pre-major transpose. */
#include "connect_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- memory ------------------------------------------------------------------------------- */

/* n elements (at least one, so that a built array is never NULL); NULL on overflow or
 * exhaustion. */
void *annc_alloc_n(int64_t n, size_t elem)
{
    if (n < 1)
        n = 1;
    if ((uint64_t)n > SIZE_MAX / elem)
        return NULL;
    return malloc((size_t)n * elem);
}

void *annc_alloc_zero(int64_t n, size_t elem)
{
    if (n < 1)
        n = 1;
    if ((uint64_t)n > SIZE_MAX / elem)
        return NULL;
    return calloc((size_t)n, elem);
}

/* p resized to n elements (at least one); NULL on failure, p then still valid. */
void *annc_resize_n(void *p, int64_t n, size_t elem)
{
    if (n < 1)
        n = 1;
    if ((uint64_t)n > SIZE_MAX / elem)
        return NULL;
    return realloc(p, (size_t)n * elem);
}

int annc_oom(ann_status *st, const char *who)
{
    return ann_fail(st, "%s: out of memory while building the connectivity.", who);
}

void ann_csr_free(ann_csr *c)
{
    if (!c)
        return;
    free(c->post_rank);
    free(c->row);
    free(c->pre_rank);
    free(c->w);
    free(c->delay);
    memset(c, 0, sizeof *c);
}

/* post_rank[ndend_cap], row[ndend_cap + 1], pre_rank[nsyn_cap]; row[0] = 0. */
int annc_csr_alloc(ann_csr *c, int64_t ndend_cap, int64_t nsyn_cap)
{
    c->post_rank = annc_alloc_n(ndend_cap, sizeof *c->post_rank);
    c->row = annc_alloc_n(ndend_cap + 1, sizeof *c->row);
    c->pre_rank = annc_alloc_n(nsyn_cap, sizeof *c->pre_rank);
    if (!c->post_rank || !c->row || !c->pre_rank)
        return 1;
    c->row[0] = 0;
    return 0;
}

/* Gives back what a grown structure over-reserved; failure to shrink is harmless. */
void annc_csr_shrink(ann_csr *c)
{
    int32_t *post_rank = annc_resize_n(c->post_rank, c->ndend, sizeof *c->post_rank);
    int64_t *row = annc_resize_n(c->row, (int64_t)c->ndend + 1, sizeof *c->row);
    int32_t *pre_rank = annc_resize_n(c->pre_rank, c->nsyn, sizeof *c->pre_rank);
    if (post_rank)
        c->post_rank = post_rank;
    if (row)
        c->row = row;
    if (pre_rank)
        c->pre_rank = pre_rank;
}


/* ---- sorting ------------------------------------------------------------------------------ */

/* Quicksort (median of three, Hoare partition, recursion on the smaller side) with an
 * insertion sort below 17 elements. The median of three guarantees both sides non-empty. One
 * definition for the two key types: a sorted list of integers is the same whatever sorts it. */
#define ANNC_DEFINE_SORT(NAME, T)                                                             \
    void NAME(T *a, int64_t n)                                                                \
    {                                                                                         \
        while (n > 16) {                                                                      \
            T x = a[0], y = a[n / 2], z = a[n - 1], p, t;                                     \
            int64_t i = -1, j = n;                                                            \
            if (x > y) { t = x; x = y; y = t; }                                               \
            if (y > z) { y = z; }                                                             \
            p = x > y ? x : y;                                                                \
            for (;;) {                                                                        \
                do i++; while (a[i] < p);                                                     \
                do j--; while (a[j] > p);                                                     \
                if (i >= j)                                                                   \
                    break;                                                                    \
                t = a[i]; a[i] = a[j]; a[j] = t;                                              \
            }                                                                                 \
            if (j + 1 < n - j - 1) {                                                          \
                NAME(a, j + 1);                                                               \
                a += j + 1;                                                                   \
                n -= j + 1;                                                                   \
            } else {                                                                          \
                NAME(a + j + 1, n - j - 1);                                                   \
                n = j + 1;                                                                    \
            }                                                                                 \
        }                                                                                     \
        for (int64_t i = 1; i < n; i++) {                                                     \
            T v = a[i];                                                                       \
            int64_t j = i;                                                                    \
            for (; j > 0 && a[j - 1] > v; j--)                                                \
                a[j] = a[j - 1];                                                              \
            a[j] = v;                                                                         \
        }                                                                                     \
    }

ANNC_DEFINE_SORT(annc_sort_i32, int32_t)
ANNC_DEFINE_SORT(annc_sort_u64, uint64_t)


/* ---- pre-major order ---------------------------------------------------------------------- */

void ann_csr_pre_free(ann_csr_pre *p)
{
    if (!p)
        return;
    free(p->pre_row);
    free(p->syn_dend);
    free(p->perm);
    memset(p, 0, sizeof *p);
}

int ann_csr_transpose_to_pre_major(const ann_csr *c, int32_t pre_pop_size, ann_csr_pre *out,
                                   ann_status *st)
{
    static const char who[] = "transpose";
    int64_t *cur = NULL;
    memset(out, 0, sizeof *out);
    if (!c || pre_pop_size < 0 || c->nsyn < 0 || c->ndend < 0)
        return ann_fail(st, "%s: invalid connectivity.", who);
    for (int64_t s = 0; s < c->nsyn; s++)
        if (c->pre_rank[s] < 0 || c->pre_rank[s] >= pre_pop_size)
            return ann_fail(st, "%s: the pre-synaptic rank %d is out of range (the population "
                            "has %d neurons).", who, (int)c->pre_rank[s], (int)pre_pop_size);
    out->npre = pre_pop_size;
    out->nsyn = c->nsyn;
    out->pre_row = annc_alloc_zero((int64_t)pre_pop_size + 1, sizeof *out->pre_row);
    out->syn_dend = annc_alloc_n(c->nsyn, sizeof *out->syn_dend);
    out->perm = annc_alloc_n(c->nsyn, sizeof *out->perm);
    cur = annc_alloc_n(pre_pop_size, sizeof *cur);
    if (!out->pre_row || !out->syn_dend || !out->perm || !cur) {
        free(cur);
        ann_csr_pre_free(out);
        return annc_oom(st, who);
    }
    for (int64_t s = 0; s < c->nsyn; s++)
        out->pre_row[c->pre_rank[s] + 1]++;
    for (int32_t r = 0; r < pre_pop_size; r++) {
        out->pre_row[r + 1] += out->pre_row[r];
        cur[r] = out->pre_row[r];
    }
    /* Dendrites in order: each pre row receives its entries in ascending dendrite order. */
    for (int32_t d = 0; d < c->ndend; d++)
        for (int64_t s = c->row[d]; s < c->row[d + 1]; s++) {
            int64_t e = cur[c->pre_rank[s]]++;
            out->syn_dend[e] = d;
            out->perm[e] = s;
        }
    free(cur);
    return 0;
}

void ann_csr_pre_gather_f64(const ann_csr_pre *p, const double *src, double *dst)
{
    for (int64_t e = 0; e < p->nsyn; e++)
        dst[e] = src[p->perm[e]];
}

void ann_csr_pre_gather_i32(const ann_csr_pre *p, const int32_t *src, int32_t *dst)
{
    for (int64_t e = 0; e < p->nsyn; e++)
        dst[e] = src[p->perm[e]];
}
