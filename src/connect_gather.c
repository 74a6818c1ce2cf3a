/* A connectivity drawn in parts by the processes of a distributed run (docs/distributed.md):
 * each process draws the rows of its share of the post candidates (annc_span), then the parts
 * are gathered, in process order, into the whole on every process: the same structure, bit
 * for bit, as one process drawing every row. */
#include "comm.h"
#include "connect_internal.h"

#include <stdlib.h>
#include <string.h>

void annc_share(int32_t n, int32_t *b, int32_t *e, int *parts)
{
    const ann_transport *tp = ann_comm();
    *parts = tp->size > 1;
    *b = (int32_t)((int64_t)n * tp->rank / tp->size);
    *e = (int32_t)((int64_t)n * (tp->rank + 1) / tp->size);
}

void annc_divided_share(const ann_rows *rows, const int32_t *cand, int32_t n, int32_t *b,
                        int32_t *e)
{
    int32_t lo, hi;
    ann_comm_blocks(rows->divide_size, rows->threads, &lo, &hi);
    /* the candidates (ascending ranks; NULL: 0 .. n - 1) of the post ranks [lo, hi) */
    int32_t bound[2] = {lo, hi}, at[2];
    for (int k = 0; k < 2; k++) {
        int32_t l = 0, h = n;
        while (l < h) {
            int32_t m = l + (h - l) / 2;
            if ((cand ? cand[m] : m) < bound[k]) l = m + 1; else h = m;
        }
        at[k] = l;
    }
    *b = at[0];
    *e = at[1];
}

void annc_keep_ranks(ann_csr *c, int32_t lo, int32_t hi)
{
    int32_t d0 = 0, d1;
    while (d0 < c->ndend && c->post_rank[d0] < lo)
        d0++;
    for (d1 = d0; d1 < c->ndend && c->post_rank[d1] < hi; d1++)
        ;
    int64_t s0 = c->row[d0], s1 = c->row[d1];
    memmove(c->post_rank, c->post_rank + d0, (size_t)(d1 - d0) * sizeof *c->post_rank);
    for (int32_t d = 0; d <= d1 - d0; d++)
        c->row[d] = c->row[d0 + d] - s0;
    memmove(c->pre_rank, c->pre_rank + s0, (size_t)(s1 - s0) * sizeof *c->pre_rank);
    if (c->w) memmove(c->w, c->w + s0, (size_t)(s1 - s0) * sizeof *c->w);
    if (c->delay) memmove(c->delay, c->delay + s0, (size_t)(s1 - s0) * sizeof *c->delay);
    c->ndend = d1 - d0;
    c->nsyn = s1 - s0;
}

/* What each process tells the others of its part. */
enum { INFO_FAILED, INFO_NDEND, INFO_NSYN, INFO_MAX_DELAY, INFO_N };

int annc_gather_parts(ann_csr *c, int failed, const ann_rows *rows, int parts, const char *who,
                      ann_status *st)
{
    const ann_transport *tp = ann_comm();
    int32_t K = tp->size, me = tp->rank;
    int64_t info[INFO_N] = {failed != 0, failed ? 0 : c->ndend, failed ? 0 : c->nsyn,
                            failed ? 0 : c->max_delay};
    int64_t *all = malloc((size_t)K * sizeof info), *dat = malloc((size_t)(K + 1) * sizeof *dat),
            *sat = malloc((size_t)(K + 1) * sizeof *sat);
    int32_t *counts = malloc((size_t)K * sizeof *counts), *displs = malloc((size_t)K * sizeof *displs);
    ann_csr w;
    int bad = !all || !dat || !sat || !counts || !displs;
    memset(&w, 0, sizeof w);
    if (bad) {
        /* the others cannot be told: this process stops the run with the message */
        free(all); free(dat); free(sat); free(counts); free(displs);
        ann_csr_free(c);
        annc_oom(st, who);
        return 1;
    }
    tp->allgather(info, (int32_t)sizeof info, all);
    dat[0] = sat[0] = 0;
    for (int32_t r = 0; r < K; r++) {
        const int64_t *x = all + (size_t)r * INFO_N;
        failed |= x[INFO_FAILED] != 0;
        dat[r + 1] = dat[r] + x[INFO_NDEND];
        sat[r + 1] = sat[r] + x[INFO_NSYN];
        if (!failed && x[INFO_MAX_DELAY] > w.max_delay)
            w.max_delay = (int32_t)x[INFO_MAX_DELAY];
    }
    if (parts == ANNC_KEEP) {
        /* every process keeps its part, knowing the largest delay of all */
        free(all); free(dat); free(sat); free(counts); free(displs);
        if (!failed) {
            c->max_delay = w.max_delay;
            c->part = 1;
            ann_comm_blocks(rows->divide_size, rows->threads, &c->part_lo, &c->part_hi);
            return 0;
        }
        ann_csr_free(c);
        if (!info[INFO_FAILED]) ann_fail(st, "%s: out of memory on another process.", who);
        return 1;
    }
    /* every process allocates the whole; each learns whether all could */
    int64_t ok = 0, *oks = all;
    if (!failed) {
        ok = annc_csr_alloc(&w, dat[K], sat[K]) == 0;
        if (ok && c->w)
            ok = (w.w = annc_alloc_n(sat[K], sizeof *w.w)) != NULL;
        if (ok && c->delay)
            ok = (w.delay = annc_alloc_n(sat[K], sizeof *w.delay)) != NULL;
    }
    if (!failed) {
        tp->allgather(&ok, (int32_t)sizeof ok, oks);
        for (int32_t r = 0; r < K; r++)
            failed |= !oks[r];
    }
    if (failed) {
        int mine = info[INFO_FAILED] || !ok;
        ann_csr_free(&w);
        ann_csr_free(c);
        free(all); free(dat); free(sat); free(counts); free(displs);
        if (!mine)
            ann_fail(st, "%s: out of memory on another process.", who);
        else if (!info[INFO_FAILED])
            annc_oom(st, who);
        return 1;
    }
    /* dendrite ends as offsets in the whole */
    for (int32_t d = 1; d <= c->ndend; d++)
        c->row[d] += sat[me];
    ann_comm_gather_parts(w.post_rank, c->post_rank, sizeof *w.post_rank, dat, counts, displs);
    ann_comm_gather_parts(w.row + 1, c->row + 1, sizeof *w.row, dat, counts, displs);
    ann_comm_gather_parts(w.pre_rank, c->pre_rank, sizeof *w.pre_rank, sat, counts, displs);
    if (c->w)
        ann_comm_gather_parts(w.w, c->w, sizeof *w.w, sat, counts, displs);
    if (c->delay)
        ann_comm_gather_parts(w.delay, c->delay, sizeof *w.delay, sat, counts, displs);
    w.ndend = (int32_t)dat[K];
    w.nsyn = sat[K];
    w.shared_w = c->shared_w;
    w.uniform_delay = c->uniform_delay;
    if (!c->delay)
        w.max_delay = c->max_delay;
    ann_csr_free(c);
    *c = w;
    free(all); free(dat); free(sat); free(counts); free(displs);
    return 0;
}
