/* Rows of a connector built independently: the per-row sub-streams (include/annarchy.h,
 * "Randomness"), the samplers of a row's pre indices, and the driver that sizes the final CSR
 * from the row counts and fills the rows (structure, weights, delays) on a pool of threads. */
#include "connect_internal.h"
#include "pool.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/10_rng.h"

/* ---- word streams ------------------------------------------------------------------------- */

void annc_prefix(const ann_rng *rng, uint64_t step, uint32_t pre[4])
{
    annk_rng_prefix(rng->seed, rng->stream, step, ANNK_K_ROWS, pre);
}

void annc_words_init(annc_words *s, const ann_rng *rng, uint64_t step)
{
    annc_prefix(rng, step, s->pre);
    s->block = 0;
    s->left = 0;
}

static uint32_t next_word(annc_words *s)
{
    if (s->left == 0) {
        annk_rng_block(s->pre, s->block++, 0, s->w);
        s->left = 4;
    }
    return s->w[4 - s->left--];
}

uint32_t annc_below(annc_words *s, uint32_t n)
{
    uint64_t p = (uint64_t)next_word(s) * n;
    if ((uint32_t)p < n) {
        uint32_t reject = (0u - n) % n;     /* 2^32 mod n */
        while ((uint32_t)p < reject)
            p = (uint64_t)next_word(s) * n;
    }
    return (uint32_t)(p >> 32);
}

/* ---- samplers ----------------------------------------------------------------------------- */

/* Sorts a[0..n) of values in [0, m) spread evenly (uniform draws): a counting sort into about
 * n buckets by value (tmp[n] and sc->bucket scratch), then an insertion sort, which has little
 * left to move. 1 when out of memory. */
int annc_sort_uniform(int32_t *a, int64_t n, int32_t m, annc_scratch *sc)
{
    int64_t nb = 1, *cnt;
    if (n > 32) {
        while (nb < n && nb < ((int64_t)1 << 20))
            nb *= 2;
        if (annc_scratch_tmp(sc, n))
            return 1;
        if (nb + 1 > sc->bucket_size) {
            int64_t *q = annc_resize_n(sc->bucket, nb + 1, sizeof *q);
            if (!q)
                return 1;
            sc->bucket = q;
            sc->bucket_size = nb + 1;
        }
        cnt = sc->bucket;
        memset(cnt, 0, (size_t)(nb + 1) * sizeof *cnt);
        for (int64_t i = 0; i < n; i++)
            cnt[((uint64_t)(uint32_t)a[i] * (uint64_t)nb / (uint32_t)m) + 1]++;
        for (int64_t b = 0; b < nb; b++)
            cnt[b + 1] += cnt[b];
        for (int64_t i = 0; i < n; i++)
            sc->tmp[cnt[(uint64_t)(uint32_t)a[i] * (uint64_t)nb / (uint32_t)m]++] = a[i];
        memcpy(a, sc->tmp, (size_t)n * sizeof *a);
    }
    for (int64_t i = 1; i < n; i++) {
        int32_t v = a[i];
        int64_t j = i;
        for (; j > 0 && a[j - 1] > v; j--)
            a[j] = a[j - 1];
        a[j] = v;
    }
    return 0;
}

/* k distinct indices among [0, m) into out[0..k), ascending.
 * Sparse (k^2 <= m): k independent indices, sorted, taken if no two are equal, else drawn
 * again from the next words (the accepted sets are uniform; a redraw has probability below
 * 1 - e^(-1/2)). Otherwise Floyd's sampling with marks over the candidates (sc->mark, m
 * bytes, cleared again): for j = m - k .. m - 1, t below j + 1 unless taken, else j; then read
 * off the marks when dense (8 k >= m), else sorted. */
static int sample_distinct(annc_words *s, int32_t m, int32_t k, int32_t *out, annc_scratch *sc)
{
    if (k == m) {
        for (int32_t j = 0; j < m; j++)
            out[j] = j;
        return 0;
    }
    if ((int64_t)k * k <= m) {
        for (;;) {
            int repeated = 0;
            for (int32_t c = 0; c < k; c++)
                out[c] = (int32_t)annc_below(s, (uint32_t)m);
            if (annc_sort_uniform(out, k, m, sc))
                return 1;
            for (int32_t c = 1; c < k; c++)
                repeated |= out[c] == out[c - 1];
            if (!repeated)
                return 0;
        }
    }
    if (!sc->mark) {
        sc->mark = calloc((size_t)sc->mark_size, 1);
        if (!sc->mark)
            return 1;
    }
    {
        int32_t c = 0;
        for (int32_t j = m - k; j < m; j++) {
            int32_t t = (int32_t)annc_below(s, (uint32_t)j + 1);
            if (sc->mark[t])
                t = j;
            sc->mark[t] = 1;
            out[c++] = t;
        }
    }
    if ((int64_t)k * 8 >= m) {
        int32_t c = 0;
        for (int32_t j = 0; j < m; j++)
            if (sc->mark[j]) {
                sc->mark[j] = 0;
                out[c++] = j;
            }
        return 0;
    }
    for (int32_t c = 0; c < k; c++)
        sc->mark[out[c]] = 0;
    return annc_sort_uniform(out, k, m, sc);
}

int annc_scratch_tmp(annc_scratch *sc, int64_t n)
{
    if (n > sc->tmp_size) {
        int32_t *t = annc_resize_n(sc->tmp, n, sizeof *t);
        if (!t)
            return 1;
        sc->tmp = t;
        sc->tmp_size = n;
    }
    return 0;
}

void annc_scratch_free(annc_scratch *sc)
{
    free(sc->mark);
    free(sc->tmp);
    free(sc->bucket);
    memset(sc, 0, sizeof *sc);
}

int annc_sample(annc_words *s, int mode, int32_t m, int64_t k, int32_t *out, annc_scratch *sc)
{
    if (mode == ANNC_ROW_MULTISET) {
        for (int64_t i = 0; i < k; i++)
            out[i] = (int32_t)annc_below(s, (uint32_t)m);
        return annc_sort_uniform(out, k, m, sc);
    }
    return sample_distinct(s, m, (int32_t)k, out, sc);
}

/* ---- candidates --------------------------------------------------------------------------- */

int32_t annc_own(const annc_rows *rs, int32_t i)
{
    return rs->no_self ? annc_rank_find(rs->pre, rs->post->r[i]) : -1;
}

int32_t annc_candidates(const annc_rows *rs, int32_t i)
{
    return rs->pre->n - (annc_own(rs, i) >= 0);
}

/* ---- weights and delays of one dendrite --------------------------------------------------- */

static void fill_row_weights(const values *pv, const ann_rng *rng, int32_t post_rank, double *w,
                             int64_t n)
{
    if (pv->weights_dist) {
        uint32_t pre[4];
        annc_prefix(rng, annc_step(post_rank, ANNC_KEY_WEIGHT), pre);
        ann_dist_fill_prefix(&pv->wdist, pre, 0, w, n);
    } else {
        for (int64_t s = 0; s < n; s++)
            w[s] = pv->wconst;
    }
}

enum { DELAY_CHUNK = 256 };

/* The delays of a dendrite in steps; returns the largest. */
static int32_t fill_row_delays(const values *pv, const ann_rng *rng, int32_t post_rank,
                               int32_t *delay, int64_t n)
{
    double buf[DELAY_CHUNK];
    int32_t mx = 0;
    uint32_t pre[4];
    annc_prefix(rng, annc_step(post_rank, ANNC_KEY_DELAY), pre);
    for (int64_t s = 0; s < n; s += DELAY_CHUNK) {
        int64_t c = n - s < DELAY_CHUNK ? n - s : DELAY_CHUNK;
        ann_dist_fill_prefix(&pv->ddist, pre, (uint32_t)s, buf, c);
        for (int64_t k = 0; k < c; k++) {
            double x = round(buf[k] / pv->dt);
            int32_t d = x > 0 ? (x < INT32_MAX ? (int32_t)x : INT32_MAX) : 0;
            delay[s + k] = d;
            if (d > mx)
                mx = d;
        }
    }
    return mx;
}

/* ---- the pool ----------------------------------------------------------------------------- */

/* Threads worth starting for this much work (the result is the same with any number). */
static int threads_for(int32_t threads, int64_t work)
{
    int64_t useful = 1 + work / 65536;
    if (threads < 1)
        threads = 1;
    if (threads > ANNC_MAX_THREADS)
        threads = ANNC_MAX_THREADS;
    return useful < threads ? (int)useful : threads;
}

void annc_run(int32_t threads, int64_t work, void (*fn)(void *, int), void *arg, int *nthreads)
{
    int n = threads_for(threads, work);
    ann_pool *pool = n > 1 ? ann_pool_new(n) : NULL;
    *nthreads = n;
    if (pool) {
        ann_pool_run(pool, fn, arg);
        ann_pool_free(pool);
    } else {
        for (int t = 0; t < n; t++)
            fn(arg, t);
    }
}

/* The first dendrite starting at synapse s or later (ndend if none). */
static int32_t first_dend(const ann_csr *c, int64_t s)
{
    int32_t lo = 0, hi = c->ndend;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (c->row[mid] < s)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The dendrites of thread t of n: an equal share of the synapses. */
static void dend_share(const ann_csr *c, int t, int n, int32_t *d0, int32_t *d1)
{
    *d0 = first_dend(c, c->nsyn * t / n);
    *d1 = t == n - 1 ? c->ndend : first_dend(c, c->nsyn * (t + 1) / n);
}

/* ---- the driver --------------------------------------------------------------------------- */

typedef struct job {
    ann_csr *c;
    const annc_rows *rs;        /* NULL: the structure is built, only values */
    const int32_t *dend_row;    /* row index of each dendrite (with rs) */
    const values *pv;
    const ann_rng *rng;
    int n;                      /* threads */
    int do_w, do_d;
    int failed[ANNC_MAX_THREADS];
    int32_t max_delay[ANNC_MAX_THREADS];
} job;

static void fill_share(void *arg, int t)
{
    job *j = arg;
    ann_csr *c = j->c;
    annc_scratch sc;
    int32_t d0, d1, mx = 0;
    memset(&sc, 0, sizeof sc);
    if (j->rs)
        sc.mark_size = j->rs->pre->n;
    dend_share(c, t, j->n, &d0, &d1);
    for (int32_t d = d0; d < d1; d++) {
        int64_t a = c->row[d], n = c->row[d + 1] - a;
        int32_t rank = c->post_rank[d];
        if (j->rs) {
            const annc_rows *rs = j->rs;
            int32_t i = j->dend_row[d], own = annc_own(rs, i);
            int32_t m = rs->pre->n - (own >= 0), *out = c->pre_rank + a;
            if (rs->mode == ANNC_ROW_ALL) {
                for (int32_t k = 0; k < m; k++)
                    out[k] = k;
            } else {
                annc_words s;
                annc_words_init(&s, j->rng, annc_step(rank, ANNC_KEY_ROW));
                if (annc_sample(&s, rs->mode, m, n, out, &sc)) {
                    j->failed[t] = 1;
                    break;
                }
            }
            /* candidate index -> pre rank, the own rank skipped */
            for (int64_t k = 0; k < n; k++)
                out[k] = rs->pre->r[out[k] + (own >= 0 && out[k] >= own)];
        }
        if (j->do_w)
            fill_row_weights(j->pv, j->rng, rank, c->w + a, n);
        if (j->do_d) {
            int32_t x = fill_row_delays(j->pv, j->rng, rank, c->delay + a, n);
            if (x > mx)
                mx = x;
        }
    }
    j->max_delay[t] = mx;
    annc_scratch_free(&sc);
}

/* Weights (do_w) and delays (do_d) of every dendrite of a built structure, on the pool. */
static int fill(ann_csr *c, const annc_rows *rs, const int32_t *dend_row, const values *pv,
                const ann_rng *rng, int do_w, int do_d, int32_t threads)
{
    job j;
    memset(&j, 0, sizeof j);
    j.c = c;
    j.rs = rs;
    j.dend_row = dend_row;
    j.pv = pv;
    j.rng = rng;
    j.do_w = do_w;
    j.do_d = do_d;
    annc_run(threads, c->nsyn, fill_share, &j, &j.n);
    for (int t = 0; t < j.n; t++) {
        if (j.failed[t])
            return 1;
        if (j.max_delay[t] > c->max_delay)
            c->max_delay = j.max_delay[t];
    }
    return 0;
}

/* The weight array, or the shared constant; 1 when it cannot be allocated. */
static int alloc_weights(ann_csr *c, const values *pv)
{
    if (!pv->weights_dist && pv->shared) {
        c->w = NULL;
        c->shared_w = pv->wconst;
        return 0;
    }
    c->w = annc_alloc_n(c->nsyn, sizeof *c->w);
    return c->w == NULL;
}

/* The delay array, or the uniform delay; 1 when it cannot be allocated. */
static int alloc_delays(ann_csr *c, const values *pv)
{
    c->max_delay = 0;
    if (!pv->delays_dist) {
        c->delay = NULL;
        c->uniform_delay = pv->dconst;
        c->max_delay = pv->dconst;
        return 0;
    }
    c->uniform_delay = 0;
    c->delay = annc_alloc_n(c->nsyn, sizeof *c->delay);
    return c->delay == NULL;
}

int annc_fill_values(ann_csr *c, const values *pv, const ann_rng *rng, int weights,
                     int delays, const char *who, ann_status *st)
{
    if ((weights && alloc_weights(c, pv)) || (delays && alloc_delays(c, pv)))
        return annc_oom(st, who);
    weights = weights && c->w != NULL;
    delays = delays && c->delay != NULL;
    if ((weights || delays) && fill(c, NULL, NULL, pv, rng, weights, delays, pv->rows.threads))
        return annc_oom(st, who);
    return 0;
}

int annc_finish(ann_csr *c, const values *pv, const ann_rng *rng, const char *who,
                ann_status *st)
{
    if (annc_fill_values(c, pv, rng, 1, 1, who, st)) {
        ann_csr_free(c);
        return 1;
    }
    return 0;
}

/* The part of rs's rows (count[i - begin] synapses for row i), with weights and delays. */
static int build_part(ann_csr *out, const annc_rows *rs, const int64_t *count, const values *pv,
                      const ann_rng *rng, const char *who, ann_status *st)
{
    int32_t ndend = 0, *dend_row = NULL;
    int64_t nsyn = 0;
    for (int32_t i = rs->begin; i < rs->end; i++)
        if (count[i - rs->begin] > 0) {
            ndend++;
            nsyn += count[i - rs->begin];
        }
    dend_row = annc_alloc_n(ndend, sizeof *dend_row);
    if (!dend_row || annc_csr_alloc(out, ndend, nsyn))
        goto nomem;
    for (int32_t i = rs->begin; i < rs->end; i++) {
        int64_t k = count[i - rs->begin];
        if (k > 0) {
            dend_row[out->ndend] = i;
            out->post_rank[out->ndend++] = rs->post->r[i];
            out->nsyn += k;
            out->row[out->ndend] = out->nsyn;
        }
    }
    if (alloc_weights(out, pv) || alloc_delays(out, pv)
        || fill(out, rs, dend_row, pv, rng, out->w != NULL, out->delay != NULL,
             pv->rows.threads))
        goto nomem;
    free(dend_row);
    return 0;

nomem:
    free(dend_row);
    ann_csr_free(out);
    return annc_oom(st, who);
}

int annc_build_rows(ann_csr *out, const annc_rows *rs, const int64_t *count, const values *pv,
                    const ann_rng *rng, const char *who, ann_status *st)
{
    int rc = build_part(out, rs, count, pv, rng, who, st);
    return rs->parts ? annc_gather_parts(out, rc, &pv->rows, rs->parts, who, st) : rc;
}

int annc_span(const values *pv, const int32_t *cand, int32_t n, int32_t *begin, int32_t *end,
              int *parts, const char *who, ann_status *st)
{
    const ann_rows *r = &pv->rows;
    *parts = ANNC_WHOLE;
    if (r->begin == 0 && r->end == 0) {
        annc_share(n, begin, end, parts);
        if (*parts && r->divide_size > 0) {
            annc_divided_share(r, cand, n, begin, end);
            *parts = ANNC_KEEP;
        }
        return 0;
    }
    if (r->begin < 0 || r->end < r->begin || r->end > n)
        return ann_fail(st, "%s: the rows [%d, %d) are not within the %d post-synaptic "
                        "candidates.", who, (int)r->begin, (int)r->end, (int)n);
    *begin = r->begin;
    *end = r->end;
    return 0;
}

int annc_rows_range(annc_rows *rs, const values *pv, const char *who, ann_status *st)
{
    return annc_span(pv, rs->post->r, rs->post->n, &rs->begin, &rs->end, &rs->parts, who, st);
}

int annc_whole_only(const values *pv, const char *who, ann_status *st)
{
    if (pv->rows.begin != 0 || pv->rows.end != 0)
        return ann_fail(st, "%s: builds every row at once (a range of rows is not supported).",
                        who);
    return 0;
}
