/* Connectivity builders (reference §9.2): all_to_all, one_to_one, fixed_probability,
 * fixed_number_pre and fixed_number_post, post-major CSR then weights and delays. The draw
 * order is part of the contract (include/annarchy.h, docs/internals-connectivity.md). */
#include "connect_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- all_to_all, one_to_one --------------------------------------------------------------- */

int ann_connect_all_to_all(ann_csr *out,
                           const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                           const int32_t *post_ranks, int32_t npost, int32_t post_pop_size,
                           int32_t same_population, int32_t allow_self,
                           const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    static const char who[] = "all_to_all";
    rank_list pre, post;
    values pv;
    int no_self = same_population && !allow_self;
    int64_t nsyn = 0;
    int32_t ndend = 0;
    memset(out, 0, sizeof *out);
    if (annc_values_prepare(&pv, v, 1, who, st) || annc_need_rng(&pv, rng, who, st))
        return 1;
    if (annc_rank_list_make(&pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    if (annc_rank_list_make(&post, post_ranks, npost, post_pop_size, who, "post", st)) {
        annc_rank_list_free(&pre);
        return 1;
    }
    for (int32_t i = 0; i < post.n; i++) {
        int32_t k = pre.n - (no_self && annc_rank_find(&pre, post.r[i]) >= 0);
        if (k > 0) {
            ndend++;
            nsyn += k;
        }
    }
    if (annc_csr_alloc(out, ndend, nsyn)) {
        ann_csr_free(out);
        annc_rank_list_free(&pre);
        annc_rank_list_free(&post);
        return annc_oom(st, who);
    }
    for (int32_t i = 0; i < post.n; i++) {
        int32_t own = post.r[i];
        int64_t s0 = out->nsyn, s = s0;
        for (int32_t k = 0; k < pre.n; k++)
            if (!(no_self && pre.r[k] == own))
                out->pre_rank[s++] = pre.r[k];
        if (s > s0) {
            out->post_rank[out->ndend++] = own;
            out->row[out->ndend] = s;
            out->nsyn = s;
        }
    }
    annc_rank_list_free(&pre);
    annc_rank_list_free(&post);
    return annc_finish(out, &pv, rng, who, st);
}

int ann_connect_one_to_one(ann_csr *out,
                           const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                           const int32_t *post_ranks, int32_t npost, int32_t post_pop_size,
                           const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    static const char who[] = "one_to_one";
    rank_list pre, post;
    values pv;
    int32_t n = npre < npost ? npre : npost;
    uint64_t *pairs;
    memset(out, 0, sizeof *out);
    if (annc_values_prepare(&pv, v, 1, who, st) || annc_need_rng(&pv, rng, who, st))
        return 1;
    /* Checked for range and repetitions only: the pairing follows the caller's order. */
    if (annc_rank_list_make(&pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    annc_rank_list_free(&pre);
    if (annc_rank_list_make(&post, post_ranks, npost, post_pop_size, who, "post", st))
        return 1;
    annc_rank_list_free(&post);
    pairs = annc_alloc_n(n, sizeof *pairs);
    if (!pairs || annc_csr_alloc(out, n, n)) {
        free(pairs);
        ann_csr_free(out);
        return annc_oom(st, who);
    }
    for (int32_t k = 0; k < n; k++)
        pairs[k] = (uint64_t)(uint32_t)post_ranks[k] << 32 | (uint32_t)pre_ranks[k];
    annc_sort_u64(pairs, n);
    for (int32_t k = 0; k < n; k++) {
        out->post_rank[k] = (int32_t)(pairs[k] >> 32);
        out->pre_rank[k] = (int32_t)(uint32_t)pairs[k];
        out->row[k + 1] = k + 1;
    }
    out->ndend = n;
    out->nsyn = n;
    free(pairs);
    return annc_finish(out, &pv, rng, who, st);
}

/* ---- fixed_probability -------------------------------------------------------------------- */

int ann_connect_fixed_probability(ann_csr *out,
                                  const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                                  const int32_t *post_ranks, int32_t npost,
                                  int32_t post_pop_size,
                                  int32_t same_population, double p, int32_t allow_self,
                                  const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    static const char who[] = "fixed_probability";
    rank_list pre, post;
    values pv;
    int no_self = same_population && !allow_self;
    int64_t total, cap, nsyn = 0;
    int32_t ndend = 0;
    memset(out, 0, sizeof *out);
    if (isnan(p))
        return ann_fail(st, "%s: the probability must be a number.", who);
    if (annc_values_prepare(&pv, v, 1, who, st) || annc_need_rng(&pv, rng, who, st))
        return 1;
    if (!rng && p > 0 && p < 1)
        return ann_fail(st, "%s: a random generator is needed.", who);
    if (annc_rank_list_make(&pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    if (annc_rank_list_make(&post, post_ranks, npost, post_pop_size, who, "post", st)) {
        annc_rank_list_free(&pre);
        return 1;
    }
    total = (int64_t)pre.n * post.n;
    if (p <= 0 || total == 0) {
        cap = 0;
    } else if (p >= 1) {
        cap = total;
    } else {
        /* The expected count and a margin that is almost never exceeded (else: doubling). */
        double mean = (double)total * p, sd = sqrt(mean * (1 - p));
        double c = mean + 8 * sd + 1024;
        cap = c < (double)total ? (int64_t)c : total;
    }
    if (annc_csr_alloc(out, post.n, cap))
        goto nomem;

    if (p >= 1) {
        for (int32_t i = 0; i < post.n; i++) {
            int64_t s0 = nsyn;
            for (int32_t k = 0; k < pre.n; k++)
                if (!(no_self && pre.r[k] == post.r[i]))
                    out->pre_rank[nsyn++] = pre.r[k];
            if (nsyn > s0) {
                out->post_rank[ndend++] = post.r[i];
                out->row[ndend] = nsyn;
            }
        }
    } else if (p > 0 && total > 0) {
        /* Geometric skipping over the pairs (i, k), post-major: the gap before the next
         * synapse is floor(log(1 - u) / log(1 - p)). */
        const double inv_log = 1.0 / log1p(-p);
        const int64_t n_pre = pre.n;
        int64_t i = 0, k = -1, cur = -1;
        for (;;) {
            /* 1 - u is exact for a 53-bit u, and in (0, 1]; gap >= 0, so the conversion
             * truncates it to its floor (cheaper than floor(), a call without SSE4.1). */
            double gap = log(1.0 - ann_rng_uniform(rng)) * inv_log;
            int64_t left = total - (i * n_pre + k) - 1;    /* pairs after the current one */
            if (!(gap < (double)left))
                break;
            k += (int64_t)gap + 1;
            if (k >= n_pre) {
                i += k / n_pre;
                k %= n_pre;
            }
            if (no_self && pre.r[k] == post.r[i])
                continue;
            if (nsyn == cap) {
                int64_t ncap = cap * 2 < total ? cap * 2 : total;
                int32_t *q = annc_resize_n(out->pre_rank, ncap, sizeof *out->pre_rank);
                if (!q)
                    goto nomem;
                out->pre_rank = q;
                cap = ncap;
            }
            if (i != cur) {
                if (cur >= 0)
                    out->row[ndend] = nsyn;
                out->post_rank[ndend++] = post.r[i];
                cur = i;
            }
            out->pre_rank[nsyn++] = pre.r[k];
        }
        out->row[ndend] = nsyn;
    }
    out->ndend = ndend;
    out->nsyn = nsyn;
    annc_csr_shrink(out);
    annc_rank_list_free(&pre);
    annc_rank_list_free(&post);
    return annc_finish(out, &pv, rng, who, st);

nomem:
    ann_csr_free(out);
    annc_rank_list_free(&pre);
    annc_rank_list_free(&post);
    return annc_oom(st, who);
}

/* ---- fixed_number_pre / fixed_number_post ------------------------------------------------- */

/* Floyd's sampling of `number` distinct indices among [0, m) (number < m): `number` draws.
 * Marks them in mark[] and lists them (unordered) in chosen[]. */
static void floyd_sample(ann_rng *rng, int32_t m, int32_t number, unsigned char *mark,
                         int32_t *chosen)
{
    int32_t c = 0;
    for (int32_t j = m - number; j < m; j++) {
        int32_t t = (int32_t)ann_rng_below(rng, (uint64_t)j + 1);
        if (mark[t])
            t = j;
        mark[t] = 1;
        chosen[c++] = t;
    }
}

/* Sorts a Floyd sample and clears its marks: a scan of the marks when the sample is dense,
 * a sort when it is sparse. */
static void sample_sort(int32_t m, int32_t number, unsigned char *mark, int32_t *chosen)
{
    if ((int64_t)number * 8 >= m) {
        int32_t c = 0;
        for (int32_t j = 0; j < m; j++)
            if (mark[j]) {
                mark[j] = 0;
                chosen[c++] = j;
            }
    } else {
        annc_sort_i32(chosen, number);
        for (int32_t c = 0; c < number; c++)
            mark[chosen[c]] = 0;
    }
}

int ann_connect_fixed_number_pre(ann_csr *out,
                                 const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                                 const int32_t *post_ranks, int32_t npost, int32_t post_pop_size,
                                 int32_t same_population, int32_t number, int32_t allow_self,
                                 const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    static const char who[] = "fixed_number_pre";
    rank_list pre, post;
    values pv;
    int no_self = same_population && !allow_self;
    unsigned char *mark = NULL;
    int32_t *chosen = NULL;
    int64_t nsyn = 0;
    memset(out, 0, sizeof *out);
    if (number < 0)
        return ann_fail(st, "%s: the number of pre-synaptic neurons must be positive.", who);
    if (number > npre)
        return ann_fail(st, "fixed_number_pre: the number of pre-synaptic neurons exceeds the "
                        "size of the population.");
    if (annc_values_prepare(&pv, v, 1, who, st) || annc_need_rng(&pv, rng, who, st))
        return 1;
    if (annc_rank_list_make(&pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    if (annc_rank_list_make(&post, post_ranks, npost, post_pop_size, who, "post", st)) {
        annc_rank_list_free(&pre);
        return 1;
    }
    /* Checked before any draw: a post whose own rank is excluded has one candidate less. */
    if (no_self && number == pre.n)
        for (int32_t i = 0; i < post.n; i++)
            if (annc_rank_find(&pre, post.r[i]) >= 0) {
                int32_t r = post.r[i];
                annc_rank_list_free(&pre);
                annc_rank_list_free(&post);
                return ann_fail(st, "fixed_number_pre: the number of pre-synaptic neurons "
                                "exceeds the size of the population. (post-synaptic neuron %d "
                                "cannot connect to itself and has %d other candidates)",
                                (int)r, (int)npre - 1);
            }
    if (number > 0 && number < pre.n && !rng) {
        annc_rank_list_free(&pre);
        annc_rank_list_free(&post);
        return ann_fail(st, "%s: a random generator is needed.", who);
    }
    mark = annc_alloc_zero(pre.n, 1);
    chosen = annc_alloc_n(number, sizeof *chosen);
    if (!mark || !chosen
        || annc_csr_alloc(out, number > 0 ? post.n : 0, (int64_t)post.n * number))
        goto nomem;
    if (number > 0) {
        for (int32_t i = 0; i < post.n; i++) {
            int32_t own = no_self ? annc_rank_find(&pre, post.r[i]) : -1;
            int32_t m = pre.n - (own >= 0);
            if (number == m) {
                for (int32_t j = 0; j < m; j++)
                    chosen[j] = j;
            } else {
                floyd_sample(rng, m, number, mark, chosen);
                sample_sort(m, number, mark, chosen);
            }
            /* Index j among the candidates without the own rank -> index in pre. */
            for (int32_t c = 0; c < number; c++) {
                int32_t j = chosen[c];
                out->pre_rank[nsyn++] = pre.r[own >= 0 && j >= own ? j + 1 : j];
            }
            out->post_rank[i] = post.r[i];
            out->row[i + 1] = nsyn;
        }
        out->ndend = post.n;
    }
    out->nsyn = nsyn;
    free(mark);
    free(chosen);
    annc_rank_list_free(&pre);
    annc_rank_list_free(&post);
    return annc_finish(out, &pv, rng, who, st);

nomem:
    free(mark);
    free(chosen);
    ann_csr_free(out);
    annc_rank_list_free(&pre);
    annc_rank_list_free(&post);
    return annc_oom(st, who);
}

int ann_connect_fixed_number_post(ann_csr *out,
                                  const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                                  const int32_t *post_ranks, int32_t npost,
                                  int32_t post_pop_size,
                                  int32_t same_population, int32_t number, int32_t allow_self,
                                  const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    static const char who[] = "fixed_number_post";
    rank_list pre, post;
    values pv;
    int no_self = same_population && !allow_self;
    unsigned char *mark = NULL;
    int32_t *picks = NULL;      /* post indices chosen by each pre, pre after pre */
    int64_t *cursor = NULL;     /* per post index: count, then write position */
    int64_t npicks = 0, nsyn = 0;
    int32_t per_pre, ndend = 0;
    memset(out, 0, sizeof *out);
    if (number < 0)
        return ann_fail(st, "%s: the number of post-synaptic neurons must be positive.", who);
    if (number > npost)
        return ann_fail(st, "fixed_number_post: the number of post-synaptic neurons exceeds "
                        "the size of the population.");
    if (annc_values_prepare(&pv, v, 1, who, st) || annc_need_rng(&pv, rng, who, st))
        return 1;
    if (annc_rank_list_make(&pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    if (annc_rank_list_make(&post, post_ranks, npost, post_pop_size, who, "post", st)) {
        annc_rank_list_free(&pre);
        return 1;
    }
    if (number > 0 && number < post.n && pre.n > 0 && !rng) {
        annc_rank_list_free(&pre);
        annc_rank_list_free(&post);
        return ann_fail(st, "%s: a random generator is needed.", who);
    }
    per_pre = number;
    mark = annc_alloc_zero(post.n, 1);
    picks = annc_alloc_n((int64_t)pre.n * per_pre, sizeof *picks);
    cursor = annc_alloc_zero(post.n, sizeof *cursor);
    if (!mark || !picks || !cursor)
        goto nomem;

    /* Phase 1: the draws, pre after pre in ascending rank. */
    for (int32_t k = 0; k < pre.n && number > 0; k++) {
        int32_t own = no_self ? annc_rank_find(&post, pre.r[k]) : -1;
        int32_t m = post.n - (own >= 0);
        int32_t *ch = picks + npicks;
        int32_t cnt = number < m ? number : m;
        if (cnt == m) {
            for (int32_t j = 0; j < m; j++)
                ch[j] = j;
        } else {
            floyd_sample(rng, m, number, mark, ch);
            sample_sort(m, number, mark, ch);
        }
        for (int32_t c = 0; c < cnt; c++) {
            int32_t j = ch[c];
            if (own >= 0 && j >= own)
                ch[c] = j + 1;
            cursor[ch[c]]++;
        }
        npicks += cnt;
    }

    /* Phase 2: dendrites from the counts, then the pre ranks in ascending order. */
    for (int32_t j = 0; j < post.n; j++)
        if (cursor[j] > 0)
            ndend++;
    if (annc_csr_alloc(out, ndend, npicks))
        goto nomem;
    ndend = 0;
    for (int32_t j = 0; j < post.n; j++)
        if (cursor[j] > 0) {
            int64_t cnt = cursor[j];
            out->post_rank[ndend] = post.r[j];
            cursor[j] = nsyn;
            nsyn += cnt;
            out->row[++ndend] = nsyn;
        }
    npicks = 0;
    for (int32_t k = 0; k < pre.n && number > 0; k++) {
        int32_t own = no_self ? annc_rank_find(&post, pre.r[k]) : -1;
        int32_t m = post.n - (own >= 0);
        int32_t cnt = number < m ? number : m;
        for (int32_t c = 0; c < cnt; c++)
            out->pre_rank[cursor[picks[npicks + c]]++] = pre.r[k];
        npicks += cnt;
    }
    out->ndend = ndend;
    out->nsyn = nsyn;
    free(mark);
    free(picks);
    free(cursor);
    annc_rank_list_free(&pre);
    annc_rank_list_free(&post);
    return annc_finish(out, &pv, rng, who, st);

nomem:
    free(mark);
    free(picks);
    free(cursor);
    ann_csr_free(out);
    annc_rank_list_free(&pre);
    annc_rank_list_free(&post);
    return annc_oom(st, who);
}
