/* fixed_total_number: a fixed total number of synapses between the candidate pairs (an
 * extension of annlua: PyNN's FixedTotalNumberConnector, NEST's fixed_total_number rule),
 * with multapses (each synapse an independent uniform pair) or without (a uniform set of
 * distinct pairs). Post-major CSR then weights and delays, as every builder; the draw order
 * is part of the contract (include/annarchy.h, docs/internals-connectivity.md). */
#include "connect_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Sorts a[0..n) (values in [0, m)) with an LSD radix sort of 8-bit digits, tmp[n] scratch;
 * short lists go to the quicksort. */
static void sort_indices(int32_t *a, int32_t *tmp, int64_t n, int32_t m)
{
    int32_t *src = a, *dst = tmp;
    if (n < 128) {
        annc_sort_i32(a, n);
        return;
    }
    for (int shift = 0; shift < 32 && ((uint32_t)(m - 1) >> shift) != 0; shift += 8) {
        int64_t count[257] = {0};
        for (int64_t i = 0; i < n; i++)
            count[(((uint32_t)src[i] >> shift) & 0xffu) + 1]++;
        for (int d = 0; d < 256; d++)
            count[d + 1] += count[d];
        for (int64_t i = 0; i < n; i++)
            dst[count[((uint32_t)src[i] >> shift) & 0xffu]++] = src[i];
        int32_t *t = src;
        src = dst;
        dst = t;
    }
    if (src != a)
        memcpy(a, src, (size_t)n * sizeof *a);
}

/* The candidates of post index j: m_j pre indices, all of them or all but `skip` (the index
 * of the own rank among the pre candidates, -1 if none). */
typedef struct candidates {
    rank_list pre, post;
    int32_t *skip;          /* [post.n] */
    int64_t total;          /* sum of m_j */
} candidates;

static int32_t cand_count(const candidates *c, int32_t j)
{
    return c->pre.n - (c->skip[j] >= 0);
}

static int32_t cand_rank(const candidates *c, int32_t j, int32_t idx)
{
    return c->pre.r[idx + (c->skip[j] >= 0 && idx >= c->skip[j])];
}

static void cand_free(candidates *c)
{
    annc_rank_list_free(&c->pre);
    annc_rank_list_free(&c->post);
    free(c->skip);
}

/* With multapses: the per-post counts are multinomial, drawn as conditional binomials (one
 * draw per post candidate), then each dendrite's pre indices uniformly with replacement. */
static int draw_multapses(ann_csr *out, const candidates *c, int64_t number, ann_rng *rng)
{
    int64_t left = number, rest = c->total, maxn = 0, s = 0;
    int32_t *tmp;
    for (int32_t j = 0; j < c->post.n; j++) {
        int32_t m = cand_count(c, j);
        int64_t n = (int64_t)ann_rng_binomial(rng, (double)left, rest > 0 ? (double)m / rest : 0);
        out->row[j + 1] = n;   /* counts for now */
        left -= n;
        rest -= m;
        if (n > maxn)
            maxn = n;
    }
    tmp = annc_alloc_n(maxn, sizeof *tmp);
    if (!tmp)
        return 1;
    for (int32_t j = 0; j < c->post.n; j++) {
        int64_t n = out->row[j + 1];
        int32_t m = cand_count(c, j);
        if (n == 0)
            continue;
        int32_t *a = out->pre_rank + s;
        ann_rng_fill_below(rng, m, a, n);
        sort_indices(a, tmp, n, m);
        for (int64_t i = 0; i < n; i++)
            a[i] = cand_rank(c, j, a[i]);
        out->post_rank[out->ndend++] = c->post.r[j];
        s += n;
        out->row[out->ndend] = s;
    }
    free(tmp);
    return 0;
}

/* A set of pair indices (open addressing, key + 1 stored, 0 empty). */
typedef struct pair_set {
    uint64_t *slot;
    uint64_t mask;
} pair_set;

static int set_insert(pair_set *h, uint64_t x)   /* 1 if x was already there */
{
    uint64_t i = (x * 0x9E3779B97F4A7C15ull >> 17) & h->mask;
    while (h->slot[i]) {
        if (h->slot[i] == x + 1)
            return 1;
        i = (i + 1) & h->mask;
    }
    h->slot[i] = x + 1;
    return 0;
}

/* Without multapses: Floyd's sampling of `number` distinct pair indices among the `total`
 * candidate pairs, numbered post-major (post index, then candidate index). */
static int draw_distinct(ann_csr *out, const candidates *c, int64_t number, ann_rng *rng)
{
    pair_set h;
    uint64_t cap = 2;
    uint64_t *chosen;
    int64_t k = 0, base = 0;
    while (cap < (uint64_t)number * 2)
        cap *= 2;
    h.mask = cap - 1;
    h.slot = annc_alloc_zero((int64_t)cap, sizeof *h.slot);
    chosen = annc_alloc_n(number, sizeof *chosen);
    if (!h.slot || !chosen) {
        free(h.slot);
        free(chosen);
        return 1;
    }
    for (int64_t j = c->total - number; j < c->total; j++) {
        uint64_t t = ann_rng_below(rng, (uint64_t)j + 1);
        if (set_insert(&h, t)) {
            t = (uint64_t)j;
            set_insert(&h, t);
        }
        chosen[k++] = t;
    }
    free(h.slot);
    annc_sort_u64(chosen, number);
    k = 0;
    for (int32_t j = 0; j < c->post.n; j++) {
        int64_t m = cand_count(c, j), s0 = k;
        for (; k < number && (int64_t)chosen[k] < base + m; k++)
            out->pre_rank[k] = cand_rank(c, j, (int32_t)((int64_t)chosen[k] - base));
        if (k > s0) {
            out->post_rank[out->ndend++] = c->post.r[j];
            out->row[out->ndend] = k;
        }
        base += m;
    }
    free(chosen);
    return 0;
}

int ann_connect_fixed_total_number(ann_csr *out,
                                   const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                                   const int32_t *post_ranks, int32_t npost,
                                   int32_t post_pop_size,
                                   int32_t same_population, int64_t number, int32_t allow_self,
                                   int32_t allow_multapses,
                                   const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    static const char who[] = "fixed_total_number";
    candidates c;
    values pv;
    int no_self = same_population && !allow_self, rc;
    memset(out, 0, sizeof *out);
    memset(&c, 0, sizeof c);
    if (number < 0)
        return ann_fail(st, "%s: the number of synapses must not be negative (got %lld).", who,
                        (long long)number);
    if (annc_values_prepare(&pv, v, 1, who, st) || annc_need_rng(&pv, rng, who, st))
        return 1;
    if (annc_rank_list_make(&c.pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    if (annc_rank_list_make(&c.post, post_ranks, npost, post_pop_size, who, "post", st)) {
        annc_rank_list_free(&c.pre);
        return 1;
    }
    c.skip = annc_alloc_n(c.post.n, sizeof *c.skip);
    if (!c.skip) {
        cand_free(&c);
        return annc_oom(st, who);
    }
    for (int32_t j = 0; j < c.post.n; j++) {
        c.skip[j] = no_self ? annc_rank_find(&c.pre, c.post.r[j]) : -1;
        c.total += cand_count(&c, j);
    }
    if (number > 0 && c.total == 0) {
        cand_free(&c);
        return ann_fail(st, "%s: %lld synapses requested, but there is no candidate pair.", who,
                        (long long)number);
    }
    if (!allow_multapses && number > c.total) {
        cand_free(&c);
        return ann_fail(st, "%s: %lld synapses requested without multapses, but there are only "
                        "%lld candidate pairs.", who, (long long)number, (long long)c.total);
    }
    if (number > 0 && !rng) {
        cand_free(&c);
        return ann_fail(st, "%s: a random generator is needed.", who);
    }
    if (annc_csr_alloc(out, c.post.n, number)) {
        ann_csr_free(out);
        cand_free(&c);
        return annc_oom(st, who);
    }
    if (number == 0)
        rc = 0;
    else if (allow_multapses)
        rc = draw_multapses(out, &c, number, rng);
    else
        rc = draw_distinct(out, &c, number, rng);
    cand_free(&c);
    if (rc) {
        ann_csr_free(out);
        return annc_oom(st, who);
    }
    out->nsyn = number;
    annc_csr_shrink(out);
    return annc_finish(out, &pv, rng, who, st);
}
