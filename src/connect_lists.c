/* A user's lists of synapses as a projection (from_lists: LIL, matrices, sparse, functions). */
#include "connect_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

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
    annc_sort_u64(keys, n);
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
    if (annc_values_prepare(&pv, v, !w, who, st) || annc_whole_only(&pv, who, st))
        return 1;
    if (!rng && ((!w && pv.weights_dist) || (!delay_ms && pv.delays_dist)))
        return ann_fail(st, "%s: a random generator is needed for random weights or delays.",
                        who);

    /* Validation before anything is built. */
    pos = annc_alloc_zero(post_pop_size, sizeof *pos);
    if (!pos)
        return annc_oom(st, who);
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

    if (annc_csr_alloc(out, ndend, nsyn))
        goto nomem;
    if (w && !(out->w = annc_alloc_n(nsyn, sizeof *out->w)))
        goto nomem;
    if (delay_ms && !(out->delay = annc_alloc_n(nsyn, sizeof *out->delay)))
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
            keys = annc_alloc_n(longest, sizeof *keys);
            wtmp = annc_alloc_n(longest, sizeof *wtmp);
            dtmp = annc_alloc_n(longest, sizeof *dtmp);
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
    if ((!w || !delay_ms) && annc_fill_values(out, &pv, rng, !w, !delay_ms, who, st)) {
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
    return annc_oom(st, who);
}
