/* Connectivity builders (reference §9.2): all_to_all, one_to_one, fixed_probability,
 * fixed_number_pre and fixed_number_post, post-major CSR with weights and delays. Each row
 * draws from its own key (include/annarchy.h, "Randomness"; docs/internals-connectivity.md),
 * so the rows are built on the threads of v->rows with the same result for any number. */
#include "connect_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/10_rng.h"

/* The candidate lists of a builder over rank lists, checked; 1 with the message in st. */
static int rows_open(annc_rows *rs, rank_list *pre, rank_list *post,
                     const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                     const int32_t *post_ranks, int32_t npost, int32_t post_pop_size,
                     int no_self, int mode, const values *pv, const char *who, ann_status *st)
{
    memset(rs, 0, sizeof *rs);
    if (annc_rank_list_make(pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    if (annc_rank_list_make(post, post_ranks, npost, post_pop_size, who, "post", st)) {
        annc_rank_list_free(pre);
        return 1;
    }
    rs->pre = pre;
    rs->post = post;
    rs->no_self = no_self;
    rs->mode = mode;
    if (annc_rows_range(rs, pv, who, st)) {
        annc_rank_list_free(pre);
        annc_rank_list_free(post);
        return 1;
    }
    return 0;
}

/* Builds the rows of rs with count[], then frees the lists and count. */
static int rows_close(ann_csr *out, annc_rows *rs, rank_list *pre, rank_list *post,
                      int64_t *count, const values *pv, const ann_rng *rng, const char *who,
                      ann_status *st)
{
    int rc = annc_build_rows(out, rs, count, pv, rng, who, st);
    free(count);
    annc_rank_list_free(pre);
    annc_rank_list_free(post);
    return rc;
}

static void rows_abort(rank_list *pre, rank_list *post, int64_t *count)
{
    free(count);
    annc_rank_list_free(pre);
    annc_rank_list_free(post);
}

/* ---- all_to_all, one_to_one --------------------------------------------------------------- */

int ann_connect_all_to_all(ann_csr *out,
                           const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                           const int32_t *post_ranks, int32_t npost, int32_t post_pop_size,
                           int32_t same_population, int32_t allow_self,
                           const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    static const char who[] = "all_to_all";
    rank_list pre, post;
    annc_rows rs;
    values pv;
    int64_t *count;
    memset(out, 0, sizeof *out);
    if (annc_values_prepare(&pv, v, 1, who, st) || annc_need_rng(&pv, rng, who, st))
        return 1;
    if (rows_open(&rs, &pre, &post, pre_ranks, npre, pre_pop_size, post_ranks, npost,
                  post_pop_size, same_population && !allow_self, ANNC_ROW_ALL, &pv, who, st))
        return 1;
    count = annc_alloc_n(rs.end - rs.begin, sizeof *count);
    if (!count) {
        rows_abort(&pre, &post, count);
        return annc_oom(st, who);
    }
    for (int32_t i = rs.begin; i < rs.end; i++)
        count[i - rs.begin] = annc_candidates(&rs, i);
    return rows_close(out, &rs, &pre, &post, count, &pv, rng, who, st);
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
    if (annc_values_prepare(&pv, v, 1, who, st) || annc_need_rng(&pv, rng, who, st)
        || annc_whole_only(&pv, who, st))
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

/* The binomial count of each row, on the threads: Binomial(m, p) at elem 0xffffffff of the
 * row's structure key (the setup kept while m repeats). */
typedef struct prob_counts {
    const annc_rows *rs;
    const ann_rng *rng;
    double p;
    int64_t *count;
    int n;
} prob_counts;

static void prob_count_share(void *arg, int t)
{
    prob_counts *pc = arg;
    const annc_rows *rs = pc->rs;
    int64_t rows = rs->end - rs->begin;
    int32_t i0 = rs->begin + (int32_t)(rows * t / pc->n);
    int32_t i1 = rs->begin + (int32_t)(rows * (t + 1) / pc->n);
    annk_binom B;
    int32_t setup_m = -1;
    memset(&B, 0, sizeof B);
    for (int32_t i = i0; i < i1; i++) {
        int32_t m = annc_candidates(rs, i);
        uint32_t pre[4];
        if (m != setup_m) {
            annk_binomial_setup((double)m, pc->p, &B);
            setup_m = m;
        }
        annc_prefix(pc->rng, annc_step(rs->post->r[i], ANNC_KEY_ROW), pre);
        pc->count[i - rs->begin] = (int64_t)annk_binomial_draw(&B, pre, 0xffffffffu);
    }
}

int ann_connect_fixed_probability(ann_csr *out,
                                  const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                                  const int32_t *post_ranks, int32_t npost,
                                  int32_t post_pop_size,
                                  int32_t same_population, double p, int32_t allow_self,
                                  const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    static const char who[] = "fixed_probability";
    rank_list pre, post;
    annc_rows rs;
    values pv;
    int64_t *count;
    memset(out, 0, sizeof *out);
    if (isnan(p))
        return ann_fail(st, "%s: the probability must be a number.", who);
    if (annc_values_prepare(&pv, v, 1, who, st) || annc_need_rng(&pv, rng, who, st))
        return 1;
    if (!rng && p > 0 && p < 1)
        return ann_fail(st, "%s: a random generator is needed.", who);
    if (rows_open(&rs, &pre, &post, pre_ranks, npre, pre_pop_size, post_ranks, npost,
                  post_pop_size, same_population && !allow_self, ANNC_ROW_DISTINCT, &pv, who,
                  st))
        return 1;
    count = annc_alloc_n(rs.end - rs.begin, sizeof *count);
    if (!count) {
        rows_abort(&pre, &post, count);
        return annc_oom(st, who);
    }
    if (p > 0 && p < 1) {
        prob_counts pc = {&rs, rng, p, count, 1};
        annc_run(pv.rows.threads, (int64_t)(rs.end - rs.begin) * 16, prob_count_share, &pc,
                 &pc.n);
    } else {
        for (int32_t i = rs.begin; i < rs.end; i++)
            count[i - rs.begin] = p >= 1 ? annc_candidates(&rs, i) : 0;
    }
    return rows_close(out, &rs, &pre, &post, count, &pv, rng, who, st);
}

/* ---- fixed_number_pre / fixed_number_post ------------------------------------------------- */

int ann_connect_fixed_number_pre(ann_csr *out,
                                 const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                                 const int32_t *post_ranks, int32_t npost, int32_t post_pop_size,
                                 int32_t same_population, int32_t number, int32_t allow_self,
                                 const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    static const char who[] = "fixed_number_pre";
    rank_list pre, post;
    annc_rows rs;
    values pv;
    int64_t *count;
    memset(out, 0, sizeof *out);
    if (number < 0)
        return ann_fail(st, "%s: the number of pre-synaptic neurons must be positive.", who);
    if (number > npre)
        return ann_fail(st, "fixed_number_pre: the number of pre-synaptic neurons exceeds the "
                        "size of the population.");
    if (annc_values_prepare(&pv, v, 1, who, st) || annc_need_rng(&pv, rng, who, st))
        return 1;
    if (rows_open(&rs, &pre, &post, pre_ranks, npre, pre_pop_size, post_ranks, npost,
                  post_pop_size, same_population && !allow_self, ANNC_ROW_DISTINCT, &pv, who,
                  st))
        return 1;
    /* Checked before any draw: a post whose own rank is excluded has one candidate less. */
    if (rs.no_self && number == pre.n)
        for (int32_t i = 0; i < post.n; i++)
            if (annc_own(&rs, i) >= 0) {
                int32_t r = post.r[i];
                rows_abort(&pre, &post, NULL);
                return ann_fail(st, "fixed_number_pre: the number of pre-synaptic neurons "
                                "exceeds the size of the population. (post-synaptic neuron %d "
                                "cannot connect to itself and has %d other candidates)",
                                (int)r, (int)npre - 1);
            }
    if (number > 0 && number < pre.n && !rng) {
        rows_abort(&pre, &post, NULL);
        return ann_fail(st, "%s: a random generator is needed.", who);
    }
    count = annc_alloc_n(rs.end - rs.begin, sizeof *count);
    if (!count) {
        rows_abort(&pre, &post, count);
        return annc_oom(st, who);
    }
    for (int32_t i = rs.begin; i < rs.end; i++)
        count[i - rs.begin] = number;
    return rows_close(out, &rs, &pre, &post, count, &pv, rng, who, st);
}

/* The draws of fixed_number_post, pre after pre on the threads: pre k takes cnt[k] posts,
 * written at picks + at[k]. */
typedef struct post_picks {
    const rank_list *pre, *post;
    int no_self;
    const ann_rng *rng;
    const int64_t *at;
    int32_t *picks;
    int n;
    int failed[ANNC_MAX_THREADS];
} post_picks;

static void post_picks_share(void *arg, int t)
{
    post_picks *pp = arg;
    int32_t k0 = (int32_t)((int64_t)pp->pre->n * t / pp->n);
    int32_t k1 = (int32_t)((int64_t)pp->pre->n * (t + 1) / pp->n);
    annc_scratch sc;
    memset(&sc, 0, sizeof sc);
    sc.mark_size = pp->post->n;
    for (int32_t k = k0; k < k1; k++) {
        int32_t own = pp->no_self ? annc_rank_find(pp->post, pp->pre->r[k]) : -1;
        int32_t m = pp->post->n - (own >= 0), cnt = (int32_t)(pp->at[k + 1] - pp->at[k]);
        int32_t *ch = pp->picks + pp->at[k];
        annc_words s;
        annc_words_init(&s, pp->rng, annc_step(pp->pre->r[k], ANNC_KEY_PRE));
        if (annc_sample(&s, ANNC_ROW_DISTINCT, m, cnt, ch, &sc)) {
            pp->failed[t] = 1;
            break;
        }
        for (int32_t c = 0; c < cnt; c++)
            if (own >= 0 && ch[c] >= own)
                ch[c]++;
    }
    annc_scratch_free(&sc);
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
    post_picks pp;
    int no_self = same_population && !allow_self;
    int64_t *at = NULL;         /* per pre: offset of its picks */
    int64_t *cursor = NULL;     /* per post index: count, then write position */
    int32_t *picks = NULL;      /* post indices chosen by each pre, pre after pre */
    int64_t nsyn = 0;
    int32_t ndend = 0, r0, r1, lo, hi;
    int parts;
    memset(out, 0, sizeof *out);
    if (number < 0)
        return ann_fail(st, "%s: the number of post-synaptic neurons must be positive.", who);
    if (number > npost)
        return ann_fail(st, "fixed_number_post: the number of post-synaptic neurons exceeds "
                        "the size of the population.");
    if (annc_values_prepare(&pv, v, 1, who, st) || annc_need_rng(&pv, rng, who, st)
        || annc_whole_only(&pv, who, st))
        return 1;
    if (annc_rank_list_make(&pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    if (annc_rank_list_make(&post, post_ranks, npost, post_pop_size, who, "post", st)) {
        annc_rank_list_free(&pre);
        return 1;
    }
    if (number > 0 && number < post.n && pre.n > 0 && !rng) {
        rows_abort(&pre, &post, NULL);
        return ann_fail(st, "%s: a random generator is needed.", who);
    }
    /* on several processes, the weights and delays of this process's share of the rows only:
     * the post ranks [lo, hi) */
    annc_span(&pv, post.r, post.n, &r0, &r1, &parts, who, st);   /* every row: cannot fail */
    lo = r0 < post.n ? post.r[r0] : INT32_MAX;
    hi = r1 < post.n ? post.r[r1] : INT32_MAX;
    at = annc_alloc_n((int64_t)pre.n + 1, sizeof *at);
    cursor = annc_alloc_zero(post.n, sizeof *cursor);
    if (!at || !cursor)
        goto nomem;
    at[0] = 0;
    for (int32_t k = 0; k < pre.n; k++) {
        int32_t own = no_self ? annc_rank_find(&post, pre.r[k]) : -1;
        int32_t m = post.n - (own >= 0);
        at[k + 1] = at[k] + (number < m ? number : m);
    }
    picks = annc_alloc_n(at[pre.n], sizeof *picks);
    if (!picks)
        goto nomem;

    /* Phase 1: the draws of each pre (its own key). */
    memset(&pp, 0, sizeof pp);
    pp.pre = &pre;
    pp.post = &post;
    pp.no_self = no_self;
    pp.rng = rng;
    pp.at = at;
    pp.picks = picks;
    annc_run(pv.rows.threads, at[pre.n], post_picks_share, &pp, &pp.n);
    for (int t = 0; t < pp.n; t++)
        if (pp.failed[t])
            goto nomem;

    /* Phase 2: dendrites from the counts, then the pre ranks in ascending order. */
    for (int64_t e = 0; e < at[pre.n]; e++)
        cursor[picks[e]]++;
    for (int32_t j = 0; j < post.n; j++)
        if (cursor[j] > 0)
            ndend++;
    if (annc_csr_alloc(out, ndend, at[pre.n]))
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
    for (int32_t k = 0; k < pre.n; k++)
        for (int64_t e = at[k]; e < at[k + 1]; e++)
            out->pre_rank[cursor[picks[e]]++] = pre.r[k];
    out->ndend = ndend;
    out->nsyn = nsyn;
    free(at);
    free(picks);
    free(cursor);
    rows_abort(&pre, &post, NULL);
    if (!parts)
        return annc_finish(out, &pv, rng, who, st);
    annc_keep_ranks(out, lo, hi);
    return annc_gather_parts(out, annc_finish(out, &pv, rng, who, st), &pv.rows, parts, who, st);

nomem:
    free(at);
    free(picks);
    free(cursor);
    ann_csr_free(out);
    rows_abort(&pre, &post, NULL);
    annc_oom(st, who);
    return parts ? annc_gather_parts(out, 1, &pv.rows, parts, who, st) : 1;
}
