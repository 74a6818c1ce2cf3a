/* fixed_total_number: a fixed total number of synapses between the candidate pairs (an
 * extension of annlua: PyNN's FixedTotalNumberConnector, NEST's fixed_total_number rule),
 * with multapses (each synapse an independent uniform pair) or without (a uniform set of
 * distinct pairs). The total is split among the rows first (a binary tree of binomial or
 * hypergeometric draws, each node its own key), then the rows are drawn independently; the
 * keys are part of the contract (include/annarchy.h, docs/internals-connectivity.md). */
#include "connect_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/10_rng.h"

/* The number of successes in n draws without replacement among N items of which K are
 * successes: inversion from the mode (the probability of the mode from log-factorials, the
 * others by their ratios, walking down and up alternately), block `sub` of elem giving the
 * uniform of attempt sub (a walk that runs out of probability through rounding retries). */
static int64_t hypergeometric(int64_t N, int64_t K, int64_t n, const uint32_t pre[4],
                              uint32_t elem)
{
    int64_t lo = n - (N - K) > 0 ? n - (N - K) : 0, hi = n < K ? n : K, mode;
    double pm;
    if (lo >= hi)
        return lo;
    mode = (int64_t)floor(((double)n + 1) * ((double)K + 1) / ((double)N + 2));
    mode = mode < lo ? lo : mode > hi ? hi : mode;
    pm = exp(annk_log_factorial((double)K) - annk_log_factorial((double)mode)
             - annk_log_factorial((double)(K - mode)) + annk_log_factorial((double)(N - K))
             - annk_log_factorial((double)(n - mode))
             - annk_log_factorial((double)(N - K - n + mode))
             - annk_log_factorial((double)N) + annk_log_factorial((double)n)
             + annk_log_factorial((double)(N - n)));
    for (uint32_t sub = 0; sub < 1000u; sub++) {
        uint32_t b[4];
        double u, pu = pm, pd = pm;
        int64_t ku = mode, kd = mode;
        annk_rng_block(pre, elem, sub, b);
        u = annk_u53(b[0], b[1]);
        if (u < pm)
            return mode;
        u -= pm;
        while ((kd > lo && pd > 1e-300) || (ku < hi && pu > 1e-300)) {
            if (kd > lo) {
                pd *= (double)kd * (double)(N - K - n + kd)
                      / ((double)(K - kd + 1) * (double)(n - kd + 1));
                kd--;
                if (u < pd)
                    return kd;
                u -= pd;
            }
            if (ku < hi) {
                pu *= (double)(K - ku) * (double)(n - ku)
                      / ((double)(ku + 1) * (double)(N - K - n + ku + 1));
                ku++;
                if (u < pu)
                    return ku;
                u -= pu;
            }
        }
    }
    return mode;   /* not reached */
}

/* The split of `number` synapses among the rows [lo, hi) at node `node` of the tree:
 * cum[] the prefix sums of the candidates; only the rows in [b, e) are written. */
typedef struct split {
    const int64_t *cum;
    int multapses;
    uint32_t pre[4];
    int32_t b, e;
    int64_t *count;         /* [e - b] */
} split;

static void split_rows(const split *sp, uint32_t node, int32_t lo, int32_t hi, int64_t n)
{
    while (hi - lo > 1) {
        if (n == 0)
            return;     /* the counts start at zero */
        int32_t mid = lo + (hi - lo) / 2;
        int64_t ml = sp->cum[mid] - sp->cum[lo], mt = sp->cum[hi] - sp->cum[lo], left;
        if (ml == 0) {
            left = 0;
        } else if (ml == mt) {
            left = n;
        } else if (sp->multapses) {
            annk_binom B;
            annk_binomial_setup((double)n, (double)ml / (double)mt, &B);
            left = (int64_t)annk_binomial_draw(&B, sp->pre, node);
        } else {
            left = hypergeometric(mt, ml, n, sp->pre, node);
        }
        /* the left half, then the right one in this loop */
        if (lo < sp->e && mid > sp->b)
            split_rows(sp, 2 * node, lo, mid, left);
        node = 2 * node + 1;
        lo = mid;
        n -= left;
        if (!(lo < sp->e && hi > sp->b))
            return;
    }
    if (lo >= sp->b && lo < sp->e)
        sp->count[lo - sp->b] = n;
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
    rank_list pre, post;
    annc_rows rs;
    values pv;
    split sp;
    int64_t *cum = NULL, *count = NULL, total;
    int rc;
    memset(out, 0, sizeof *out);
    memset(&rs, 0, sizeof rs);
    if (number < 0)
        return ann_fail(st, "%s: the number of synapses must not be negative (got %lld).", who,
                        (long long)number);
    if (number > ((int64_t)1 << 53))
        return ann_fail(st, "%s: %lld synapses are more than can be drawn.", who,
                        (long long)number);
    if (annc_values_prepare(&pv, v, 1, who, st) || annc_need_rng(&pv, rng, who, st))
        return 1;
    if (annc_rank_list_make(&pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    if (annc_rank_list_make(&post, post_ranks, npost, post_pop_size, who, "post", st)) {
        annc_rank_list_free(&pre);
        return 1;
    }
    rs.pre = &pre;
    rs.post = &post;
    rs.no_self = same_population && !allow_self;
    rs.mode = allow_multapses ? ANNC_ROW_MULTISET : ANNC_ROW_DISTINCT;
    cum = annc_alloc_n((int64_t)post.n + 1, sizeof *cum);
    if (!cum) {
        rc = annc_oom(st, who);
        goto done;
    }
    cum[0] = 0;
    for (int32_t j = 0; j < post.n; j++)
        cum[j + 1] = cum[j] + annc_candidates(&rs, j);
    total = cum[post.n];
    if (number > 0 && total == 0) {
        rc = ann_fail(st, "%s: %lld synapses requested, but there is no candidate pair.", who,
                      (long long)number);
        goto done;
    }
    if (!allow_multapses && number > total) {
        rc = ann_fail(st, "%s: %lld synapses requested without multapses, but there are only "
                      "%lld candidate pairs.", who, (long long)number, (long long)total);
        goto done;
    }
    if (number > 0 && !rng) {
        rc = ann_fail(st, "%s: a random generator is needed.", who);
        goto done;
    }
    if ((rc = annc_rows_range(&rs, &pv, who, st)) != 0)
        goto done;
    count = annc_alloc_zero(rs.end - rs.begin, sizeof *count);
    if (!count) {
        rc = annc_oom(st, who);
        goto done;
    }
    if (number > 0 && rs.end > rs.begin) {
        memset(&sp, 0, sizeof sp);
        sp.cum = cum;
        sp.multapses = allow_multapses != 0;
        annc_prefix(rng, ANNC_STEP_SPLIT, sp.pre);
        sp.b = rs.begin;
        sp.e = rs.end;
        sp.count = count;
        split_rows(&sp, 1, 0, post.n, number);
    }
    for (int32_t i = rs.begin; i < rs.end; i++)
        if (count[i - rs.begin] > UINT32_MAX) {
            rc = ann_fail(st, "%s: post-synaptic neuron %d would receive %lld synapses (at "
                          "most 2^32 - 1 per neuron).", who, (int)post.r[i],
                          (long long)count[i - rs.begin]);
            goto done;
        }
    rc = annc_build_rows(out, &rs, count, &pv, rng, who, st);
done:
    free(cum);
    free(count);
    annc_rank_list_free(&pre);
    annc_rank_list_free(&post);
    return rc;
}
