/* Connectivity builders (reference §9.2, §9.4, §9.6): post-major CSR, then weights and
 * delays. The draw order is part of the contract (connect.h, docs/internals-connectivity.md). */
#include "annarchy.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

/* ---- memory ------------------------------------------------------------------------------- */

/* n elements (at least one, so that a built array is never NULL); NULL on overflow or
 * exhaustion. */
static void *alloc_n(int64_t n, size_t elem)
{
    if (n < 1)
        n = 1;
    if ((uint64_t)n > SIZE_MAX / elem)
        return NULL;
    return malloc((size_t)n * elem);
}

static void *alloc_zero(int64_t n, size_t elem)
{
    if (n < 1)
        n = 1;
    if ((uint64_t)n > SIZE_MAX / elem)
        return NULL;
    return calloc((size_t)n, elem);
}

/* p resized to n elements (at least one); NULL on failure, p then still valid. */
static void *resize_n(void *p, int64_t n, size_t elem)
{
    if (n < 1)
        n = 1;
    if ((uint64_t)n > SIZE_MAX / elem)
        return NULL;
    return realloc(p, (size_t)n * elem);
}

static int oom(ann_status *st, const char *who)
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
static int csr_alloc(ann_csr *c, int64_t ndend_cap, int64_t nsyn_cap)
{
    c->post_rank = alloc_n(ndend_cap, sizeof *c->post_rank);
    c->row = alloc_n(ndend_cap + 1, sizeof *c->row);
    c->pre_rank = alloc_n(nsyn_cap, sizeof *c->pre_rank);
    if (!c->post_rank || !c->row || !c->pre_rank)
        return 1;
    c->row[0] = 0;
    return 0;
}

/* Gives back what a grown structure over-reserved; failure to shrink is harmless. */
static void csr_shrink(ann_csr *c)
{
    int32_t *post_rank = resize_n(c->post_rank, c->ndend, sizeof *c->post_rank);
    int64_t *row = resize_n(c->row, (int64_t)c->ndend + 1, sizeof *c->row);
    int32_t *pre_rank = resize_n(c->pre_rank, c->nsyn, sizeof *c->pre_rank);
    if (post_rank)
        c->post_rank = post_rank;
    if (row)
        c->row = row;
    if (pre_rank)
        c->pre_rank = pre_rank;
}

/* ---- sorting ------------------------------------------------------------------------------ */

/* Quicksort (median of three, Hoare partition, recursion on the smaller side) with an
 * insertion sort below 17 elements. The median of three guarantees both sides non-empty. */
static void sort_i32(int32_t *a, int64_t n)
{
    while (n > 16) {
        int32_t x = a[0], y = a[n / 2], z = a[n - 1], p, t;
        int64_t i = -1, j = n;
        if (x > y) { t = x; x = y; y = t; }
        if (y > z) { y = z; }
        p = x > y ? x : y;
        for (;;) {
            do i++; while (a[i] < p);
            do j--; while (a[j] > p);
            if (i >= j)
                break;
            t = a[i]; a[i] = a[j]; a[j] = t;
        }
        if (j + 1 < n - j - 1) {
            sort_i32(a, j + 1);
            a += j + 1;
            n -= j + 1;
        } else {
            sort_i32(a + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    for (int64_t i = 1; i < n; i++) {
        int32_t v = a[i];
        int64_t j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

static void sort_u64(uint64_t *a, int64_t n)
{
    while (n > 16) {
        uint64_t x = a[0], y = a[n / 2], z = a[n - 1], p, t;
        int64_t i = -1, j = n;
        if (x > y) { t = x; x = y; y = t; }
        if (y > z) { y = z; }
        p = x > y ? x : y;
        for (;;) {
            do i++; while (a[i] < p);
            do j--; while (a[j] > p);
            if (i >= j)
                break;
            t = a[i]; a[i] = a[j]; a[j] = t;
        }
        if (j + 1 < n - j - 1) {
            sort_u64(a, j + 1);
            a += j + 1;
            n -= j + 1;
        } else {
            sort_u64(a + j + 1, n - j - 1);
            n = j + 1;
        }
    }
    for (int64_t i = 1; i < n; i++) {
        uint64_t v = a[i];
        int64_t j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
}

/* ---- candidate ranks ---------------------------------------------------------------------- */

/* A candidate list, ascending: the caller's array when it already is, else a sorted copy. */
typedef struct rank_list {
    const int32_t *r;
    int32_t *owned;
    int32_t n;
} rank_list;

static void rank_list_free(rank_list *l)
{
    free(l->owned);
    l->owned = NULL;
    l->r = NULL;
}

static int rank_list_make(rank_list *l, const int32_t *r, int32_t n, int32_t pop_size,
                          const char *who, const char *side, ann_status *st)
{
    int ascending = 1;
    memset(l, 0, sizeof *l);
    if (n < 0 || pop_size < 0 || (n > 0 && !r))
        return ann_fail(st, "%s: invalid list of %s-synaptic ranks.", who, side);
    for (int32_t i = 0; i < n; i++) {
        if (r[i] < 0 || r[i] >= pop_size)
            return ann_fail(st, "%s: the %s-synaptic rank %d is out of range (the population "
                            "has %d neurons).", who, side, (int)r[i], (int)pop_size);
        if (i > 0 && r[i] <= r[i - 1])
            ascending = 0;
    }
    l->n = n;
    if (ascending) {
        l->r = r;
        return 0;
    }
    l->owned = alloc_n(n, sizeof *l->owned);
    if (!l->owned)
        return oom(st, who);
    memcpy(l->owned, r, (size_t)n * sizeof *r);
    sort_i32(l->owned, n);
    l->r = l->owned;
    for (int32_t i = 1; i < n; i++)
        if (l->owned[i] == l->owned[i - 1]) {
            int32_t dup = l->owned[i];
            rank_list_free(l);
            return ann_fail(st, "%s: the %s-synaptic rank %d is listed twice.", who, side,
                            (int)dup);
        }
    return 0;
}

/* Index of rank x in an ascending list, or -1. */
static int32_t rank_find(const rank_list *l, int32_t x)
{
    int32_t lo = 0, hi = l->n;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (l->r[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->n && l->r[lo] == x ? lo : -1;
}

/* ---- weights and delays ------------------------------------------------------------------- */

ann_value ann_value_const(double x)
{
    ann_value v;
    memset(&v, 0, sizeof v);
    v.kind = ANN_VALUE_CONST;
    v.constant = x;
    return v;
}

ann_value ann_value_dist(const ann_dist *d)
{
    ann_value v;
    memset(&v, 0, sizeof v);
    v.kind = ANN_VALUE_DIST;
    v.dist = *d;
    return v;
}

/* The checked values of an ann_syn_values, the delay distribution adjusted to dt. */
typedef struct values {
    int weights_dist;
    ann_dist wdist;
    double wconst;
    int shared;
    int delays_dist;
    ann_dist ddist;
    int32_t dconst;        /* steps */
    double dt;
} values;

static int values_prepare(values *pv, const ann_syn_values *v, int need_weights,
                          const char *who, ann_status *st)
{
    ann_status dst;
    memset(pv, 0, sizeof *pv);
    if (!v)
        return ann_fail(st, "%s: missing weights and delays.", who);
    if (!(v->dt > 0) || !isfinite(v->dt))
        return ann_fail(st, "%s: dt must be a positive number of ms.", who);
    pv->dt = v->dt;
    if (need_weights) {
        if (v->weights.kind == ANN_VALUE_DIST) {
            if (ann_dist_check(&v->weights.dist, st))
                return 1;
            pv->weights_dist = 1;
            pv->wdist = v->weights.dist;
        } else if (v->weights.kind == ANN_VALUE_CONST) {
            pv->wconst = v->weights.constant;
            pv->shared = v->shared_weight != 0;
        } else {
            return ann_fail(st, "%s: weights are not valid!", who);
        }
    }
    if (v->delays.kind == ANN_VALUE_CONST) {
        double s = round(v->delays.constant / v->dt);
        if (!(v->delays.constant >= 0) || !isfinite(v->delays.constant) || s > INT32_MAX)
            return ann_fail(st, "Projection connector: delays are not valid! (%g ms)",
                            v->delays.constant);
        pv->dconst = (int32_t)s;
    } else if (v->delays.kind == ANN_VALUE_DIST) {
        ann_dist d = v->delays.dist;
        double upper = INFINITY;
        if (ann_dist_check(&d, st))
            return 1;
        /* No delay below one step (§9.6): min raised to dt. For the uniform kinds min is the
         * distribution's own lower bound, as in the reference. */
        if ((d.kind == ANN_DIST_UNIFORM || d.kind == ANN_DIST_DISCRETE_UNIFORM)
            && d.p1 < v->dt && v->dt < d.p2)
            d.p1 = v->dt;
        if (!d.has_min || d.min < v->dt) {
            d.has_min = 1;
            d.min = v->dt;
        }
        if (d.kind == ANN_DIST_UNIFORM || d.kind == ANN_DIST_DISCRETE_UNIFORM)
            upper = d.p2;
        else if (d.kind == ANN_DIST_BINOMIAL)
            upper = d.p1;
        if (d.has_max && d.max < upper)
            upper = d.max;
        if (!isfinite(upper))
            return ann_fail(st, "Projection connector: if you use a non-bounded random "
                            "distribution for the delays (e.g. Normal), you need to set the "
                            "max argument to limit the maximal delay.");
        if (round(upper / v->dt) > INT32_MAX)
            return ann_fail(st, "Projection connector: delays are not valid! (max %g ms is "
                            "too many steps)", upper);
        if (ann_dist_check(&d, &dst))
            return ann_fail(st, "Projection connector: delays are not valid! (%s)", dst.msg);
        pv->delays_dist = 1;
        pv->ddist = d;
    } else {
        return ann_fail(st, "Projection connector: delays are not valid!");
    }
    return 0;
}

/* Draw phase 2: one weight per synapse in post-major order (or the shared constant). */
static int fill_weights(ann_csr *c, const values *pv, ann_rng *rng, const char *who,
                        ann_status *st)
{
    if (!pv->weights_dist && pv->shared) {
        c->w = NULL;
        c->shared_w = pv->wconst;
        return 0;
    }
    c->w = alloc_n(c->nsyn, sizeof *c->w);
    if (!c->w)
        return oom(st, who);
    if (pv->weights_dist) {
        ann_dist_fill(&pv->wdist, rng, c->w, c->nsyn);
    } else {
        for (int64_t s = 0; s < c->nsyn; s++)
            c->w[s] = pv->wconst;
    }
    return 0;
}

/* Draw phase 3: one delay per synapse in post-major order (or the uniform delay). */
static int fill_delays(ann_csr *c, const values *pv, ann_rng *rng, const char *who,
                       ann_status *st)
{
    int32_t mx = 0;
    if (!pv->delays_dist) {
        c->delay = NULL;
        c->uniform_delay = pv->dconst;
        c->max_delay = pv->dconst;
        return 0;
    }
    c->delay = alloc_n(c->nsyn, sizeof *c->delay);
    if (!c->delay)
        return oom(st, who);
    for (int64_t s = 0; s < c->nsyn; s++) {
        double x = round(ann_dist_sample(&pv->ddist, rng) / pv->dt);
        int32_t d = x > 0 ? (x < INT32_MAX ? (int32_t)x : INT32_MAX) : 0;
        c->delay[s] = d;
        if (d > mx)
            mx = d;
    }
    c->uniform_delay = 0;
    c->max_delay = mx;
    return 0;
}

/* Phases 2 and 3 of a structure whose connectivity is complete; frees it on failure. */
static int finish(ann_csr *c, const values *pv, ann_rng *rng, const char *who, ann_status *st)
{
    if (fill_weights(c, pv, rng, who, st) || fill_delays(c, pv, rng, who, st)) {
        ann_csr_free(c);
        return 1;
    }
    return 0;
}

static int need_rng(const values *pv, ann_rng *rng, const char *who, ann_status *st)
{
    if (!rng && (pv->weights_dist || pv->delays_dist))
        return ann_fail(st, "%s: a random generator is needed for random weights or delays.",
                        who);
    return 0;
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
    values pv;
    int no_self = same_population && !allow_self;
    int64_t nsyn = 0;
    int32_t ndend = 0;
    memset(out, 0, sizeof *out);
    if (values_prepare(&pv, v, 1, who, st) || need_rng(&pv, rng, who, st))
        return 1;
    if (rank_list_make(&pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    if (rank_list_make(&post, post_ranks, npost, post_pop_size, who, "post", st)) {
        rank_list_free(&pre);
        return 1;
    }
    for (int32_t i = 0; i < post.n; i++) {
        int32_t k = pre.n - (no_self && rank_find(&pre, post.r[i]) >= 0);
        if (k > 0) {
            ndend++;
            nsyn += k;
        }
    }
    if (csr_alloc(out, ndend, nsyn)) {
        ann_csr_free(out);
        rank_list_free(&pre);
        rank_list_free(&post);
        return oom(st, who);
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
    rank_list_free(&pre);
    rank_list_free(&post);
    return finish(out, &pv, rng, who, st);
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
    if (values_prepare(&pv, v, 1, who, st) || need_rng(&pv, rng, who, st))
        return 1;
    /* Checked for range and repetitions only: the pairing follows the caller's order. */
    if (rank_list_make(&pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    rank_list_free(&pre);
    if (rank_list_make(&post, post_ranks, npost, post_pop_size, who, "post", st))
        return 1;
    rank_list_free(&post);
    pairs = alloc_n(n, sizeof *pairs);
    if (!pairs || csr_alloc(out, n, n)) {
        free(pairs);
        ann_csr_free(out);
        return oom(st, who);
    }
    for (int32_t k = 0; k < n; k++)
        pairs[k] = (uint64_t)(uint32_t)post_ranks[k] << 32 | (uint32_t)pre_ranks[k];
    sort_u64(pairs, n);
    for (int32_t k = 0; k < n; k++) {
        out->post_rank[k] = (int32_t)(pairs[k] >> 32);
        out->pre_rank[k] = (int32_t)(uint32_t)pairs[k];
        out->row[k + 1] = k + 1;
    }
    out->ndend = n;
    out->nsyn = n;
    free(pairs);
    return finish(out, &pv, rng, who, st);
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
    if (values_prepare(&pv, v, 1, who, st) || need_rng(&pv, rng, who, st))
        return 1;
    if (!rng && p > 0 && p < 1)
        return ann_fail(st, "%s: a random generator is needed.", who);
    if (rank_list_make(&pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    if (rank_list_make(&post, post_ranks, npost, post_pop_size, who, "post", st)) {
        rank_list_free(&pre);
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
    if (csr_alloc(out, post.n, cap))
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
                int32_t *q = resize_n(out->pre_rank, ncap, sizeof *out->pre_rank);
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
    csr_shrink(out);
    rank_list_free(&pre);
    rank_list_free(&post);
    return finish(out, &pv, rng, who, st);

nomem:
    ann_csr_free(out);
    rank_list_free(&pre);
    rank_list_free(&post);
    return oom(st, who);
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
        sort_i32(chosen, number);
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
    if (values_prepare(&pv, v, 1, who, st) || need_rng(&pv, rng, who, st))
        return 1;
    if (rank_list_make(&pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    if (rank_list_make(&post, post_ranks, npost, post_pop_size, who, "post", st)) {
        rank_list_free(&pre);
        return 1;
    }
    /* Checked before any draw: a post whose own rank is excluded has one candidate less. */
    if (no_self && number == pre.n)
        for (int32_t i = 0; i < post.n; i++)
            if (rank_find(&pre, post.r[i]) >= 0) {
                int32_t r = post.r[i];
                rank_list_free(&pre);
                rank_list_free(&post);
                return ann_fail(st, "fixed_number_pre: the number of pre-synaptic neurons "
                                "exceeds the size of the population. (post-synaptic neuron %d "
                                "cannot connect to itself and has %d other candidates)",
                                (int)r, (int)npre - 1);
            }
    if (number > 0 && number < pre.n && !rng) {
        rank_list_free(&pre);
        rank_list_free(&post);
        return ann_fail(st, "%s: a random generator is needed.", who);
    }
    mark = alloc_zero(pre.n, 1);
    chosen = alloc_n(number, sizeof *chosen);
    if (!mark || !chosen
        || csr_alloc(out, number > 0 ? post.n : 0, (int64_t)post.n * number))
        goto nomem;
    if (number > 0) {
        for (int32_t i = 0; i < post.n; i++) {
            int32_t own = no_self ? rank_find(&pre, post.r[i]) : -1;
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
    rank_list_free(&pre);
    rank_list_free(&post);
    return finish(out, &pv, rng, who, st);

nomem:
    free(mark);
    free(chosen);
    ann_csr_free(out);
    rank_list_free(&pre);
    rank_list_free(&post);
    return oom(st, who);
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
    if (values_prepare(&pv, v, 1, who, st) || need_rng(&pv, rng, who, st))
        return 1;
    if (rank_list_make(&pre, pre_ranks, npre, pre_pop_size, who, "pre", st))
        return 1;
    if (rank_list_make(&post, post_ranks, npost, post_pop_size, who, "post", st)) {
        rank_list_free(&pre);
        return 1;
    }
    if (number > 0 && number < post.n && pre.n > 0 && !rng) {
        rank_list_free(&pre);
        rank_list_free(&post);
        return ann_fail(st, "%s: a random generator is needed.", who);
    }
    per_pre = number;
    mark = alloc_zero(post.n, 1);
    picks = alloc_n((int64_t)pre.n * per_pre, sizeof *picks);
    cursor = alloc_zero(post.n, sizeof *cursor);
    if (!mark || !picks || !cursor)
        goto nomem;

    /* Phase 1: the draws, pre after pre in ascending rank. */
    for (int32_t k = 0; k < pre.n && number > 0; k++) {
        int32_t own = no_self ? rank_find(&post, pre.r[k]) : -1;
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
    if (csr_alloc(out, ndend, npicks))
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
        int32_t own = no_self ? rank_find(&post, pre.r[k]) : -1;
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
    rank_list_free(&pre);
    rank_list_free(&post);
    return finish(out, &pv, rng, who, st);

nomem:
    free(mark);
    free(picks);
    free(cursor);
    ann_csr_free(out);
    rank_list_free(&pre);
    rank_list_free(&post);
    return oom(st, who);
}

/* ---- gaussian / dog ----------------------------------------------------------------------- */

typedef struct field {
    int dog;
    double a1, s1, a2, s2;
    double threshold;       /* kept iff w > threshold (gaussian) or |w| > threshold (dog) */
} field;

static int geom_size(const int32_t *g, int nd, int32_t *size, const char *who,
                     const char *side, ann_status *st)
{
    int64_t n = 1;
    if (nd < 1 || !g)
        return ann_fail(st, "%s: the %s-synaptic population needs a geometry.", who, side);
    for (int d = 0; d < nd; d++) {
        if (g[d] < 1)
            return ann_fail(st, "%s: invalid %s-synaptic geometry (dimension %d is %d).", who,
                            side, d + 1, (int)g[d]);
        n *= g[d];
        if (n > INT32_MAX)
            return ann_fail(st, "%s: the %s-synaptic population is too large.", who, side);
    }
    *size = (int32_t)n;
    return 0;
}

/* Normalised coordinates of a row-major rank: the last dimension varies fastest. */
static void norm_coords(int32_t rank, const int32_t *g, int nd, double *x)
{
    for (int d = nd - 1; d >= 0; d--) {
        int32_t c = rank % g[d];
        rank /= g[d];
        x[d] = g[d] > 1 ? (double)c / (double)(g[d] - 1) : 0.0;
    }
}

static int build_field(ann_csr *out, const int32_t *pre_geom, int pre_ndim,
                       const int32_t *post_geom, int post_ndim, int32_t same_population,
                       const field *f, int32_t allow_self, const ann_syn_values *v,
                       ann_rng *rng, const char *who, ann_status *st)
{
    values pv;
    int32_t npre, npost, ndend = 0;
    int no_self = same_population && !allow_self;
    double *pre_x = NULL, post_x[64];
    int64_t cap, nsyn = 0;
    memset(out, 0, sizeof *out);
    if (geom_size(pre_geom, pre_ndim, &npre, who, "pre", st)
        || geom_size(post_geom, post_ndim, &npost, who, "post", st))
        return 1;
    if (pre_ndim != post_ndim)
        return ann_fail(st, "%s: the pre- and post-synaptic populations must have the same "
                        "number of dimensions (%d and %d).", who, pre_ndim, post_ndim);
    if (pre_ndim > 64)
        return ann_fail(st, "%s: at most 64 dimensions are supported.", who);
    if (!(f->s1 != 0) || !isfinite(f->s1) || (f->dog && (!(f->s2 != 0) || !isfinite(f->s2))))
        return ann_fail(st, "%s: sigma must be a non-zero finite number.", who);
    if (values_prepare(&pv, v, 0, who, st) || need_rng(&pv, rng, who, st))
        return 1;
    pre_x = alloc_n((int64_t)npre * pre_ndim, sizeof *pre_x);
    cap = (int64_t)npre * npost < 65536 ? (int64_t)npre * npost : 65536;
    if (!pre_x || csr_alloc(out, npost, cap))
        goto nomem;
    out->w = alloc_n(cap, sizeof *out->w);
    if (!out->w)
        goto nomem;
    for (int32_t r = 0; r < npre; r++)
        norm_coords(r, pre_geom, pre_ndim, pre_x + (int64_t)r * pre_ndim);
    {
        const double c1 = 1.0 / (2 * f->s1 * f->s1);
        const double c2 = f->dog ? 1.0 / (2 * f->s2 * f->s2) : 0.0;
        for (int32_t i = 0; i < npost; i++) {
            int64_t s0 = nsyn;
            norm_coords(i, post_geom, post_ndim, post_x);
            for (int32_t r = 0; r < npre; r++) {
                const double *x = pre_x + (int64_t)r * pre_ndim;
                double d2 = 0, w;
                int keep;
                if (no_self && r == i)
                    continue;
                for (int d = 0; d < pre_ndim; d++)
                    d2 += (post_x[d] - x[d]) * (post_x[d] - x[d]);
                if (f->dog) {
                    w = f->a1 * exp(-d2 * c1) - f->a2 * exp(-d2 * c2);
                    keep = fabs(w) > f->threshold;
                } else {
                    w = f->a1 * exp(-d2 * c1);
                    keep = w > f->threshold;
                }
                if (!keep)
                    continue;
                if (nsyn == cap) {
                    int64_t ncap = cap * 2;
                    int32_t *q = resize_n(out->pre_rank, ncap, sizeof *out->pre_rank);
                    double *qw;
                    if (!q)
                        goto nomem;
                    out->pre_rank = q;
                    qw = resize_n(out->w, ncap, sizeof *out->w);
                    if (!qw)
                        goto nomem;
                    out->w = qw;
                    cap = ncap;
                }
                out->pre_rank[nsyn] = r;
                out->w[nsyn] = w;
                nsyn++;
            }
            if (nsyn > s0) {
                out->post_rank[ndend++] = i;
                out->row[ndend] = nsyn;
            }
        }
    }
    out->ndend = ndend;
    out->nsyn = nsyn;
    csr_shrink(out);
    {
        double *qw = resize_n(out->w, nsyn, sizeof *out->w);
        if (qw)
            out->w = qw;
    }
    free(pre_x);
    if (fill_delays(out, &pv, rng, who, st)) {
        ann_csr_free(out);
        return 1;
    }
    return 0;

nomem:
    free(pre_x);
    ann_csr_free(out);
    return oom(st, who);
}

int ann_connect_gaussian(ann_csr *out,
                         const int32_t *pre_geom, int pre_ndim,
                         const int32_t *post_geom, int post_ndim,
                         int32_t same_population, double amp, double sigma, double limit,
                         int32_t allow_self,
                         const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    field f;
    memset(&f, 0, sizeof f);
    f.a1 = amp;
    f.s1 = sigma;
    f.threshold = limit * amp;
    return build_field(out, pre_geom, pre_ndim, post_geom, post_ndim, same_population, &f,
                       allow_self, v, rng, "gaussian", st);
}

int ann_connect_dog(ann_csr *out,
                    const int32_t *pre_geom, int pre_ndim,
                    const int32_t *post_geom, int post_ndim,
                    int32_t same_population, double amp_pos, double sigma_pos,
                    double amp_neg, double sigma_neg, double limit, int32_t allow_self,
                    const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    field f;
    memset(&f, 0, sizeof f);
    f.dog = 1;
    f.a1 = amp_pos;
    f.s1 = sigma_pos;
    f.a2 = amp_neg;
    f.s2 = sigma_neg;
    f.threshold = limit * fabs(amp_pos - amp_neg);
    return build_field(out, pre_geom, pre_ndim, post_geom, post_ndim, same_population, &f,
                       allow_self, v, rng, "dog", st);
}

/* ---- from_lists --------------------------------------------------------------------------- */

static int duplicate(ann_status *st)
{
    return ann_fail(st, "The same synapse has been declared multiple times! Check your code.");
}

/* Sorts synapses [a, b) of c by pre rank, carrying w and delay along; keys and the scratch
 * arrays hold at least b - a elements. */
static void sort_dendrite(ann_csr *c, int64_t a, int64_t b, uint64_t *keys, double *wtmp,
                          int32_t *dtmp)
{
    int64_t n = b - a;
    for (int64_t s = 0; s < n; s++)
        keys[s] = (uint64_t)(uint32_t)c->pre_rank[a + s] << 32 | (uint64_t)s;
    sort_u64(keys, n);
    for (int64_t s = 0; s < n; s++)
        c->pre_rank[a + s] = (int32_t)(keys[s] >> 32);
    if (c->w) {
        for (int64_t s = 0; s < n; s++)
            wtmp[s] = c->w[a + (int64_t)(uint32_t)keys[s]];
        memcpy(c->w + a, wtmp, (size_t)n * sizeof *wtmp);
    }
    if (c->delay) {
        for (int64_t s = 0; s < n; s++)
            dtmp[s] = c->delay[a + (int64_t)(uint32_t)keys[s]];
        memcpy(c->delay + a, dtmp, (size_t)n * sizeof *dtmp);
    }
}

int ann_connect_from_lists(ann_csr *out, int32_t nlists,
                           const int32_t *list_post, const int64_t *list_row,
                           const int32_t *pre, const double *w, const double *delay_ms,
                           int32_t pre_pop_size, int32_t post_pop_size,
                           const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    static const char who[] = "from_lists";
    values pv;
    int64_t *pos = NULL;        /* per post rank: count, then write position */
    uint64_t *keys = NULL;
    double *wtmp = NULL;
    int32_t *dtmp = NULL;
    int64_t nsyn = 0, longest = 0;
    int32_t ndend = 0;
    memset(out, 0, sizeof *out);
    if (nlists < 0 || pre_pop_size < 0 || post_pop_size < 0
        || (nlists > 0 && (!list_post || !list_row)))
        return ann_fail(st, "%s: invalid lists.", who);
    if (values_prepare(&pv, v, !w, who, st))
        return 1;
    if (!rng && ((!w && pv.weights_dist) || (!delay_ms && pv.delays_dist)))
        return ann_fail(st, "%s: a random generator is needed for random weights or delays.",
                        who);

    /* Validation before anything is built. */
    pos = alloc_zero(post_pop_size, sizeof *pos);
    if (!pos)
        return oom(st, who);
    for (int32_t i = 0; i < nlists; i++) {
        int64_t a = list_row[i], b = list_row[i + 1];
        if (a < 0 || b < a) {
            free(pos);
            return ann_fail(st, "%s: invalid offsets of list %d.", who, (int)i + 1);
        }
        if (a == b)
            continue;
        if (!pre) {
            free(pos);
            return ann_fail(st, "%s: invalid lists.", who);
        }
        if (list_post[i] < 0 || list_post[i] >= post_pop_size) {
            int32_t r = list_post[i];
            free(pos);
            return ann_fail(st, "%s: the post-synaptic rank %d is out of range (the "
                            "population has %d neurons).", who, (int)r, (int)post_pop_size);
        }
        for (int64_t s = a; s < b; s++) {
            if (pre[s] < 0 || pre[s] >= pre_pop_size) {
                int32_t r = pre[s];
                free(pos);
                return ann_fail(st, "%s: the pre-synaptic rank %d is out of range (the "
                                "population has %d neurons).", who, (int)r,
                                (int)pre_pop_size);
            }
            if (delay_ms && (!(delay_ms[s] >= 0) || !isfinite(delay_ms[s])
                             || round(delay_ms[s] / pv.dt) > INT32_MAX)) {
                double d = delay_ms[s];
                free(pos);
                return ann_fail(st, "Projection connector: delays are not valid! (%g ms)", d);
            }
        }
        if (pos[list_post[i]] == 0)
            ndend++;
        pos[list_post[i]] += b - a;
        nsyn += b - a;
    }
    /* More synapses than pre neurons in one dendrite: some pair repeats. */
    for (int32_t r = 0; r < post_pop_size && nlists > 0; r++) {
        if (pos[r] > pre_pop_size) {
            free(pos);
            return duplicate(st);
        }
        if (pos[r] > longest)
            longest = pos[r];
    }

    if (csr_alloc(out, ndend, nsyn))
        goto nomem;
    if (w && !(out->w = alloc_n(nsyn, sizeof *out->w)))
        goto nomem;
    if (delay_ms && !(out->delay = alloc_n(nsyn, sizeof *out->delay)))
        goto nomem;
    {
        int64_t at = 0;
        ndend = 0;
        for (int32_t r = 0; r < post_pop_size && nlists > 0; r++)
            if (pos[r] > 0) {
                int64_t cnt = pos[r];
                out->post_rank[ndend] = r;
                pos[r] = at;
                at += cnt;
                out->row[++ndend] = at;
            }
    }
    out->ndend = ndend;
    out->nsyn = nsyn;
    /* Scatter, in the order of the lists: merged lists keep their relative order. */
    for (int32_t i = 0; i < nlists; i++) {
        int64_t a = list_row[i], b = list_row[i + 1];
        for (int64_t s = a; s < b; s++) {
            int64_t at = pos[list_post[i]]++;
            out->pre_rank[at] = pre[s];
            if (w)
                out->w[at] = w[s];
            if (delay_ms)
                out->delay[at] = (int32_t)round(delay_ms[s] / pv.dt);
        }
    }
    free(pos);
    pos = NULL;

    /* Sort each dendrite by pre rank where needed; equal neighbours are duplicates. */
    for (int32_t d = 0; d < ndend; d++) {
        int64_t a = out->row[d], b = out->row[d + 1];
        int sorted = 1;
        for (int64_t s = a + 1; s < b; s++)
            if (out->pre_rank[s] <= out->pre_rank[s - 1]) {
                if (out->pre_rank[s] == out->pre_rank[s - 1]) {
                    ann_csr_free(out);
                    free(keys);
                    free(wtmp);
                    free(dtmp);
                    return duplicate(st);
                }
                sorted = 0;
            }
        if (sorted)
            continue;
        if (!keys) {
            keys = alloc_n(longest, sizeof *keys);
            wtmp = alloc_n(longest, sizeof *wtmp);
            dtmp = alloc_n(longest, sizeof *dtmp);
            if (!keys || !wtmp || !dtmp)
                goto nomem;
        }
        sort_dendrite(out, a, b, keys, wtmp, dtmp);
        for (int64_t s = a + 1; s < b; s++)
            if (out->pre_rank[s] == out->pre_rank[s - 1]) {
                ann_csr_free(out);
                free(keys);
                free(wtmp);
                free(dtmp);
                return duplicate(st);
            }
    }
    free(keys);
    free(wtmp);
    free(dtmp);
    keys = NULL;
    wtmp = NULL;
    dtmp = NULL;

    if (delay_ms) {
        int32_t mx = 0, uniform = 1;
        for (int64_t s = 0; s < nsyn; s++) {
            if (out->delay[s] != out->delay[0])
                uniform = 0;
            if (out->delay[s] > mx)
                mx = out->delay[s];
        }
        out->max_delay = mx;
        if (uniform) {
            out->uniform_delay = nsyn > 0 ? out->delay[0] : 0;
            free(out->delay);
            out->delay = NULL;
        }
    }
    if (!w && fill_weights(out, &pv, rng, who, st)) {
        ann_csr_free(out);
        return 1;
    }
    if (!delay_ms && fill_delays(out, &pv, rng, who, st)) {
        ann_csr_free(out);
        return 1;
    }
    return 0;

nomem:
    free(pos);
    free(keys);
    free(wtmp);
    free(dtmp);
    ann_csr_free(out);
    return oom(st, who);
}

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
    out->pre_row = alloc_zero((int64_t)pre_pop_size + 1, sizeof *out->pre_row);
    out->syn_dend = alloc_n(c->nsyn, sizeof *out->syn_dend);
    out->perm = alloc_n(c->nsyn, sizeof *out->perm);
    cur = alloc_n(pre_pop_size, sizeof *cur);
    if (!out->pre_row || !out->syn_dend || !out->perm || !cur) {
        free(cur);
        ann_csr_pre_free(out);
        return oom(st, who);
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
