/* Structural plasticity: synapses created and pruned by the host or by the model (phase I). */
#include "elem.h"
#include "projection_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- structural changes -------------------------------------------------------------------- */

int annp_restructure(ann_proj *p, const int64_t *row, const int32_t *pre_rank,
                     const int64_t *src, int64_t nsyn, const double *nw, const int32_t *ndel,
                     const int32_t *delays, ann_status *st)
{
    if (annp_ensure_view(p) != 0) return oom(st);
    int32_t nattr = p->k.nattr;
    pm_data d;
    memset(&d, 0, sizeof d);
    d.ndend = p->k.ndend;
    d.nsyn = nsyn;
    d.post_rank = xmalloc(p->k.ndend, sizeof *d.post_rank);
    d.row = xmalloc(p->k.ndend + 1, sizeof *d.row);
    d.pre_rank = xmalloc(nsyn, sizeof *d.pre_rank);
    d.local = xcalloc(nattr, sizeof *d.local);
    int ok = d.post_rank && d.row && d.pre_rank && d.local;
    if (ok && p->k.delay) { d.delay = xmalloc(nsyn, sizeof *d.delay); ok = d.delay != NULL; }
    for (int a = 0; ok && a < nattr; a++) {
        if (p->specs[a].locality != ANN_LOC_LOCAL) continue;
        d.local[a] = xmalloc(nsyn, ann_type_size(p->specs[a].type));
        ok = d.local[a] != NULL;
    }
    if (!ok) { annp_pm_free(&d, nattr); return oom(st); }
    memcpy(d.post_rank, p->k.post_rank, (size_t)p->k.ndend * sizeof *d.post_rank);
    memcpy(d.row, row, (size_t)(p->k.ndend + 1) * sizeof *d.row);
    memcpy(d.pre_rank, pre_rank, (size_t)nsyn * sizeof *d.pre_rank);
    for (int64_t k = 0; k < nsyn; k++) {
        int64_t from = src ? src[k] : k;
        int64_t e = from >= 0 ? storage_of(p, from) : -1;
        for (int a = 0; a < nattr; a++) {
            if (!d.local[a]) continue;
            int32_t type = p->specs[a].type;
            double v;
            if (e >= 0) v = ann_load_elem(p->k.attr[a], type, e);
            else if (a == p->w_attr) v = nw ? nw[k] : p->specs[a].init;
            else if (a == p->last_event_attr) v = LAST_EVENT_NONE;
            else v = p->specs[a].init;
            ann_store_elem(d.local[a], type, k, v);
        }
        if (!d.delay) continue;
        if (delays) d.delay[k] = delays[k] < 1 ? 1 : delays[k];
        else d.delay[k] = e >= 0 ? annk_delay(&p->k, e) : (ndel ? ndel[k] : p->k.uniform_delay);
    }
    if (annp_install(p, &d, st) != 0) { annp_pm_free(&d, nattr); return st->code; }
    annp_pm_free(&d, nattr);
    /* spikes in flight reach the synapses of the new storage whose delay has not passed */
    if (sorted_by_delay(p)) annp_flights_rebase(p);
    return 0;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

int ann_projection_create_synapses(ann_network *net, int id, int32_t dend, int32_t n,
                                   const int32_t *pre, const double *w, const int32_t *delay,
                                   ann_status *st)
{
    ann_proj *p = annp_host(net, id);
    if (dend < 0 || dend >= p->k.ndend) return ann_fail(st, "no such dendrite");
    if (annp_ensure_view(p) != 0) return oom(st);
    /* sort the new ones by rank, carrying their weights and delays */
    int64_t *order = xmalloc(n, sizeof *order);
    int32_t *ranks = xmalloc(n, sizeof *ranks);
    if (!order || !ranks) { free(order); free(ranks); return oom(st); }
    for (int32_t i = 0; i < n; i++) ranks[i] = pre[i];
    qsort(ranks, (size_t)n, sizeof *ranks, cmp_i32);
    for (int32_t i = 0; i < n; i++) {
        if (ranks[i] < 0 || ranks[i] >= p->k.npre) {
            free(order); free(ranks);
            return ann_fail(st, "create_synapse: the pre-synaptic rank %d is out of range",
                            (int)pre[i] + 1);
        }
        if ((i > 0 && ranks[i] == ranks[i - 1]) || ann_projection_synapse_index(net, id, dend, ranks[i]) >= 0) {
            int32_t r = ranks[i];
            free(order); free(ranks);
            return ann_fail(st, "Dendrite.create_synapse(): the synapse of rank %d already "
                            "exists for the dendrite of post-synaptic neuron %d", (int)r + 1,
                            (int)p->k.post_rank[dend] + 1);
        }
        /* position of ranks[i] in the caller's list */
        for (int32_t j = 0; j < n; j++) if (pre[j] == ranks[i]) { order[i] = j; break; }
    }
    int64_t nsyn = p->k.nsyn + n;
    int64_t *row = xmalloc(p->k.ndend + 1, sizeof *row);
    int32_t *pr = xmalloc(nsyn, sizeof *pr);
    int64_t *src = xmalloc(nsyn, sizeof *src);
    double *nw = xmalloc(nsyn, sizeof *nw);
    int32_t *nd = xmalloc(nsyn, sizeof *nd);
    int rc = 0;
    if (!row || !pr || !src || !nw || !nd) {
        rc = oom(st);
    } else {
        int64_t k = 0;
        for (int32_t d = 0; d < p->k.ndend; d++) {
            row[d] = k;
            int64_t a = p->k.row[d], b = p->k.row[d + 1];
            int32_t i = 0;
            while (a < b || (d == dend && i < n)) {
                int take_new = d == dend && i < n && (a >= b || ranks[i] < p->k.pre_rank[a]);
                if (take_new) {
                    pr[k] = ranks[i];
                    src[k] = -1;
                    nw[k] = w ? w[order[i]] : p->specs[p->w_attr >= 0 ? p->w_attr : 0].init;
                    nd[k] = delay ? delay[order[i]] : p->k.uniform_delay;
                    if (nd[k] < 1) nd[k] = 1;
                    i++;
                } else {
                    pr[k] = p->k.pre_rank[a];
                    src[k] = a;
                    a++;
                }
                k++;
            }
        }
        row[p->k.ndend] = k;
        int32_t m = 1;
        for (int32_t i = 0; delay && i < n; i++) if (delay[i] > m) m = delay[i];
        if (p->delay_kind == ANN_DELAY_VARIABLE && m > p->k.max_delay)
            rc = annp_grow_buffers(net, p, m, st);
        if (rc == 0) rc = annp_restructure(p, row, pr, src, nsyn, nw, nd, NULL, st);
    }
    free(order); free(ranks); free(row); free(pr); free(src); free(nw); free(nd);
    return rc;
}

int ann_projection_prune_synapses(ann_network *net, int id, int32_t dend, int32_t n,
                                  const int32_t *pre, ann_status *st)
{
    ann_proj *p = annp_host(net, id);
    if (dend < 0 || dend >= p->k.ndend) return ann_fail(st, "no such dendrite");
    if (annp_ensure_view(p) != 0) return oom(st);
    uint8_t *gone = xcalloc(p->k.nsyn, 1);
    if (!gone) return oom(st);
    int64_t removed = 0;
    for (int32_t i = 0; i < n; i++) {
        int64_t k = ann_projection_synapse_index(net, id, dend, pre[i]);
        if (k < 0 || gone[k]) {
            free(gone);
            return ann_fail(st, "Dendrite.prune_synapse(): the synapse with the "
                            "pre-synaptic neuron of rank %d did not exist", (int)pre[i] + 1);
        }
        gone[k] = 1;
        removed++;
    }
    int64_t nsyn = p->k.nsyn - removed;
    int64_t *row = xmalloc(p->k.ndend + 1, sizeof *row);
    int32_t *pr = xmalloc(nsyn, sizeof *pr);
    int64_t *src = xmalloc(nsyn, sizeof *src);
    int rc = 0;
    if (!row || !pr || !src) {
        rc = oom(st);
    } else {
        int64_t k = 0;
        for (int32_t d = 0; d < p->k.ndend; d++) {
            row[d] = k;
            for (int64_t a = p->k.row[d]; a < p->k.row[d + 1]; a++) {
                if (gone[a]) continue;
                pr[k] = p->k.pre_rank[a];
                src[k] = a;
                k++;
            }
        }
        row[p->k.ndend] = k;
        rc = annp_restructure(p, row, pr, src, nsyn, NULL, NULL, NULL, st);
    }
    free(gone); free(row); free(pr); free(src);
    return rc;
}

void ann_projection_set_creating(ann_network *net, int id, int32_t period, double w,
                                 int32_t delay)
{
    ann_proj *p = proj_at(net, id);
    p->creating_period = period;
    p->creating_start = net->step;
    p->creating_w = w;
    p->creating_delay = delay < 1 ? 1 : delay;
}

void ann_projection_set_pruning(ann_network *net, int id, int32_t period)
{
    ann_proj *p = proj_at(net, id);
    p->pruning_period = period;
    p->pruning_start = net->step;
}

static int mark_reserve(ann_proj *p, int64_t n)
{
    if (n <= p->mark_cap) return 0;
    uint8_t *m = realloc(p->mark, (size_t)(n > 0 ? n : 1));
    if (!m) return -1;
    p->mark = m;
    p->mark_cap = n;
    return 0;
}

/* Phase I, creating: each dendrite marks the pre ranks that get a new synapse. */
void annp_run_creating(ann_network *net, ann_proj *p, const annk_ctx *ctx)
{
    if (annp_ensure_view(p) != 0 || mark_reserve(p, p->k.npre) != 0) return;
    ann_pop *pre = &net->pops[p->pre], *post = &net->pops[p->post];
    int64_t extra = 0, cap = 0;
    int32_t *nd = NULL, *nr = NULL;
    for (int32_t d = 0; d < p->k.ndend; d++) {
        memset(p->mark, 0, (size_t)p->k.npre);
        for (int64_t k = p->k.row[d]; k < p->k.row[d + 1]; k++) p->mark[p->k.pre_rank[k]] = 2;
        p->creating(&p->k, &pre->k, &post->k, ctx, d, p->mark);
        for (int32_t q = 0; q < p->k.npre; q++) {
            if (p->mark[q] != 1) continue;
            if (extra == cap) {
                cap = cap ? 2 * cap : 64;
                int32_t *a = realloc(nd, (size_t)cap * sizeof *a);
                if (!a) { free(nd); free(nr); return; }
                nd = a;
                int32_t *b = realloc(nr, (size_t)cap * sizeof *b);
                if (!b) { free(nd); free(nr); return; }
                nr = b;
            }
            nd[extra] = d;
            nr[extra] = q;
            extra++;
        }
    }
    if (extra > 0) {
        int64_t nsyn = p->k.nsyn + extra;
        int64_t *row = xmalloc(p->k.ndend + 1, sizeof *row);
        int32_t *pr = xmalloc(nsyn, sizeof *pr);
        int64_t *src = xmalloc(nsyn, sizeof *src);
        double *nw = xmalloc(nsyn, sizeof *nw);
        int32_t *ndl = xmalloc(nsyn, sizeof *ndl);
        if (row && pr && src && nw && ndl) {
            int64_t k = 0, x = 0;
            for (int32_t d = 0; d < p->k.ndend; d++) {
                row[d] = k;
                int64_t a = p->k.row[d], b = p->k.row[d + 1];
                while (a < b || (x < extra && nd[x] == d)) {
                    if (x < extra && nd[x] == d && (a >= b || nr[x] < p->k.pre_rank[a])) {
                        pr[k] = nr[x]; src[k] = -1; nw[k] = p->creating_w;
                        ndl[k] = p->creating_delay; x++;
                    } else {
                        pr[k] = p->k.pre_rank[a]; src[k] = a; a++;
                    }
                    k++;
                }
            }
            row[p->k.ndend] = k;
            ann_status st = {0, ""};
            annp_restructure(p, row, pr, src, nsyn, nw, ndl, NULL, &st);
        }
        free(row); free(pr); free(src); free(nw); free(ndl);
    }
    free(nd); free(nr);
}

/* Phase I, pruning: the kernel marks synapses (storage order) to remove. */
void annp_run_pruning(ann_network *net, ann_proj *p, const annk_ctx *ctx)
{
    if (annp_ensure_view(p) != 0 || mark_reserve(p, p->k.nsyn) != 0) return;
    ann_pop *pre = &net->pops[p->pre], *post = &net->pops[p->post];
    memset(p->mark, 0, (size_t)p->k.nsyn);
    p->pruning(&p->k, &pre->k, &post->k, ctx, p->mark);
    int64_t removed = 0;
    for (int64_t e = 0; e < p->k.nsyn; e++) removed += p->mark[e] != 0;
    if (removed == 0) return;
    int64_t nsyn = p->k.nsyn - removed;
    int64_t *row = xmalloc(p->k.ndend + 1, sizeof *row);
    int32_t *pr = xmalloc(nsyn, sizeof *pr);
    int64_t *src = xmalloc(nsyn, sizeof *src);
    if (row && pr && src) {
        int64_t k = 0;
        for (int32_t d = 0; d < p->k.ndend; d++) {
            row[d] = k;
            for (int64_t a = p->k.row[d]; a < p->k.row[d + 1]; a++) {
                if (p->mark[storage_of(p, a)]) continue;
                pr[k] = p->k.pre_rank[a]; src[k] = a; k++;
            }
        }
        row[p->k.ndend] = k;
        ann_status st = {0, ""};
        annp_restructure(p, row, pr, src, nsyn, NULL, NULL, NULL, &st);
    }
    free(row); free(pr); free(src);
}
