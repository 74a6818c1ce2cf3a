/* Delays of projections: the delay buffers of pre populations (rate-coded values and spike
 * histories), the storage of per-synapse delays (the narrowest type, rows sorted by delay),
 * and delays read and set by the host. */
#include "elem.h"
#include "projection_internal.h"

#include <stdlib.h>
#include <string.h>

/* ---- delay buffers ------------------------------------------------------------------------- */

void annp_hist_free(pop_hist *h)
{
    if (h->slots) {
        for (int a = 0; a < h->nattr; a++) {
            if (!h->slots[a]) continue;
            for (int32_t s = 0; s < h->len; s++) free(h->slots[a][s]);
            free(h->slots[a]);
        }
    }
    free(h->slots); free(h->want);
    if (h->spk) for (int32_t s = 0; s < h->len; s++) free(h->spk[s]);
    free(h->spk); free(h->spk_n);
    memset(h, 0, sizeof *h);
}

static void hist_attach(ann_pop *pop, pop_hist *h)
{
    pop->k.hist_len = h->len;
    pop->k.hist = h->slots;
    pop->k.spk_hist = h->spk;
    pop->k.spk_hist_n = h->spk_n;
}

/* Grows (or creates) the buffers of population pid to len slots, with attributes `want`
 * (nattr flags, may add to those kept) and spikes. Existing contents keep their age; new
 * older slots repeat the oldest value (rate) or hold no spike. */
static int hist_grow(ann_network *net, int pid, int32_t len, const uint8_t *want, int spikes)
{
    struct ann_projections *P = net->projs;
    ann_pop *pop = &net->pops[pid];
    pop_hist *h = &P->hist[pid];
    int32_t nattr = pop->k.nattr;
    if (len < h->len) len = h->len;
    int need = len > h->len || (spikes && !h->spikes);
    for (int a = 0; !need && want && a < nattr; a++) if (want[a] && !(h->want && h->want[a])) need = 1;
    if (!need) return 0;
    pop_hist n;
    memset(&n, 0, sizeof n);
    n.len = len;
    n.nattr = nattr;
    n.want = xcalloc(nattr, 1);
    n.slots = xcalloc(nattr, sizeof *n.slots);
    int ok = n.want && n.slots;
    int32_t size = pop->k.size;
    for (int a = 0; ok && a < nattr; a++) {
        n.want[a] = (uint8_t)((want && want[a]) || (h->want && h->want[a]));
        if (!n.want[a]) continue;
        size_t bytes = (size_t)(pop->specs[a].local ? size : 1) * ann_type_size(pop->specs[a].type);
        n.slots[a] = xcalloc(len, sizeof *n.slots[a]);
        ok = n.slots[a] != NULL;
        for (int32_t s = 0; ok && s < len; s++) {
            n.slots[a][s] = malloc(bytes);
            ok = n.slots[a][s] != NULL;
            if (!ok) break;
            /* slot age s (0 = newest) */
            const void *src = pop->k.attr[a];
            if (h->want && h->want[a] && h->len > 0) {
                int32_t age = s < h->len ? s : h->len - 1;
                src = h->slots[a][(pop->k.hist_pos + age) % h->len];
            }
            memcpy(n.slots[a][s], src, bytes);
        }
    }
    n.spikes = spikes || h->spikes;
    if (ok && n.spikes) {
        n.spk = xcalloc(len, sizeof *n.spk);
        n.spk_n = xcalloc(len, sizeof *n.spk_n);
        ok = n.spk && n.spk_n;
        for (int32_t s = 0; ok && s < len; s++) {
            n.spk[s] = xcalloc(size, sizeof **n.spk);
            ok = n.spk[s] != NULL;
            if (ok && h->spikes && s < h->len) {
                int32_t old = (pop->k.hist_pos + s) % h->len;
                n.spk_n[s] = h->spk_n[old];
                memcpy(n.spk[s], h->spk[old], (size_t)h->spk_n[old] * sizeof **n.spk);
            }
        }
    }
    if (!ok) { annp_hist_free(&n); return -1; }
    annp_hist_free(h);
    *h = n;
    pop->k.hist_pos = 0;
    hist_attach(pop, h);
    return 0;
}

void ann_projections_init_history(ann_network *net, int pid)
{
    struct ann_projections *P = net->projs;
    if (!P) return;
    for (int i = 0; i < P->nhist; i++) {
        if (pid >= 0 && i != pid) continue;
        pop_hist *h = &P->hist[i];
        ann_pop *pop = &net->pops[i];
        pop->k.hist_pos = 0;
        for (int a = 0; h->slots && a < h->nattr; a++) {
            if (!h->want[a]) continue;
            size_t bytes = (size_t)(pop->specs[a].local ? pop->k.size : 1) * ann_type_size(pop->specs[a].type);
            for (int32_t s = 0; s < h->len; s++) memcpy(h->slots[a][s], pop->k.attr[a], bytes);
        }
        if (h->spk_n) memset(h->spk_n, 0, (size_t)h->len * sizeof *h->spk_n);
    }
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        if (pid >= 0 && p->pre != pid) continue;
        annp_flights_clear(&p->flights);
    }
}

/* What the delayed projections need from their pre populations. */
static int history_needs(ann_network *net, int pid, int32_t *len, uint8_t *want, int *spikes)
{
    struct ann_projections *P = net->projs;
    *len = 0; *spikes = 0;
    int any = 0;
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        if (p->pre != pid || p->delay_kind == ANN_DELAY_NONE) continue;
        if (p->spike_events && p->delay_kind == ANN_DELAY_UNIFORM) {
            *spikes = 1;
            any = 1;
            if (p->k.max_delay > *len) *len = p->k.max_delay;
        }
        if (p->ndelayed > 0) {
            any = 1;
            for (int32_t k = 0; k < p->ndelayed; k++) want[p->delayed[k]] = 1;
            if (p->k.max_delay > *len) *len = p->k.max_delay;
        }
    }
    return any;
}

int annp_update_history(ann_network *net, int pid, ann_status *st)
{
    uint8_t *want = xcalloc(net->pops[pid].k.nattr, 1);
    if (!want) return oom(st);
    int32_t len;
    int spikes;
    int rc = 0;
    if (history_needs(net, pid, &len, want, &spikes) && len > 0)
        rc = hist_grow(net, pid, len, want, spikes);
    free(want);
    return rc ? oom(st) : 0;
}

/* ---- storage of per-synapse delays ---------------------------------------------------------- */

int32_t annp_delay_bytes(int32_t max_delay)
{
    return max_delay < 256 ? 1 : max_delay < 65536 ? 2 : 4;
}

void *annp_delays_narrow(const int32_t *pm, int64_t nsyn, int32_t bytes)
{
    void *out = xmalloc(nsyn, (size_t)bytes);
    if (!out) return NULL;
    for (int64_t e = 0; e < nsyn; e++) annp_store_delay(out, bytes, e, pm[e]);
    return out;
}

/* ---- delays from the host ------------------------------------------------------------------ */

int32_t ann_projection_uniform_delay(ann_network *net, int id)
{
    return proj_at(net, id)->k.uniform_delay;
}

int ann_projection_delays(ann_network *net, int id, int32_t *out, ann_status *st)
{
    ann_proj *p = annp_host(net, id);
    if (!p->k.delay) {
        for (int64_t k = 0; k < p->k.nsyn; k++) out[k] = p->k.uniform_delay;
        return 0;
    }
    if (annp_ensure_view(p) != 0) return oom(st);
    for (int64_t k = 0; k < p->k.nsyn; k++) out[k] = annk_delay(&p->k, storage_of(p, k));
    return 0;
}

/* After max_delay grew: buffers of the pre population, or the ring. */
int annp_grow_buffers(ann_network *net, ann_proj *p, int32_t newmax, ann_status *st)
{
    int32_t old = p->k.max_delay;
    if (newmax <= old) return 0;
    if (sorted_by_delay(p)) {
        p->k.max_delay = newmax;
        return 0;
    }
    p->k.max_delay = newmax;
    if (net->projs->hist && annp_update_history(net, p->pre, st) != 0) {
        p->k.max_delay = old;
        return st->code;
    }
    return 0;
}

int ann_projection_set_uniform_delay(ann_network *net, int id, int32_t steps, ann_status *st)
{
    ann_proj *p = annp_host(net, id);
    if (steps < 1) steps = 1;
    if (p->delay_kind == ANN_DELAY_NONE) {
        if (steps == 1) return 0;
        return ann_fail(st, "set_delay: the projection was instantiated without delays, "
                        "it is too late to create them");
    }
    if (p->delay_kind == ANN_DELAY_VARIABLE) {
        int32_t *all = xmalloc(p->k.nsyn, sizeof *all);
        if (!all) return oom(st);
        for (int64_t k = 0; k < p->k.nsyn; k++) all[k] = steps;
        int rc = ann_projection_set_delays(net, id, all, st);
        free(all);
        return rc;
    }
    if (annp_grow_buffers(net, p, steps, st) != 0) return st->code;
    p->k.uniform_delay = steps;
    return 0;
}

int ann_projection_set_delays(ann_network *net, int id, const int32_t *steps, ann_status *st)
{
    ann_proj *p = annp_host(net, id);
    if (p->delay_kind != ANN_DELAY_VARIABLE) {
        for (int64_t k = 1; k < p->k.nsyn; k++) {
            if (steps[k] != steps[0])
                return ann_fail(st, "set_delay: the projection uses one delay for every "
                                "synapse; per-synapse delays must be chosen at connection time");
        }
        return ann_projection_set_uniform_delay(net, id, p->k.nsyn > 0 ? steps[0] : 1, st);
    }
    int32_t m = 1;
    for (int64_t k = 0; k < p->k.nsyn; k++) if (steps[k] > m) m = steps[k];
    if (annp_ensure_view(p) != 0) return oom(st);
    if (annp_grow_buffers(net, p, m, st) != 0) return st->code;
    /* stored anew: the type may widen, and sorted rows are sorted again */
    return annp_restructure(p, p->k.row, p->k.pre_rank, NULL, p->k.nsyn, NULL, NULL, steps, st);
}
