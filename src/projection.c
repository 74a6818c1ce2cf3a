/* Projections in the step: transmission (phase A), delay buffers (E), synaptic updates, post
 * events and structural plasticity (G, H, I), then the recording of synaptic attributes.
 * Layouts and the host API: projection.h. The step allocates nothing, except that spike rings
 * and recording buffers grow geometrically, and structural plasticity rebuilds arrays. */
#include "elem.h"
#include "projection.h"
#include "network_internal.h"
#include "status.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAST_EVENT_NONE (-10000.0)

typedef void (*proj_fn)(annk_proj *pj, annk_pop *pre, annk_pop *post, const annk_ctx *c);
typedef void (*proj_spike_fn)(annk_proj *pj, annk_pop *pre, annk_pop *post, const annk_ctx *c,
                              const int32_t *spk, int32_t n);
typedef void (*proj_spike_syn_fn)(annk_proj *pj, annk_pop *pre, annk_pop *post,
                                  const annk_ctx *c, const int64_t *syn, const int32_t *spre,
                                  int64_t n);
typedef void (*proj_creating_fn)(annk_proj *pj, annk_pop *pre, annk_pop *post,
                                 const annk_ctx *c, int32_t dend, uint8_t *mark);
typedef void (*proj_pruning_fn)(annk_proj *pj, annk_pop *pre, annk_pop *post,
                                const annk_ctx *c, uint8_t *mark);

typedef struct ann_proj {
    annk_proj      k;
    int32_t        pre, post;
    int32_t        pre_major, post_index, delay_kind, spike_events;
    ann_proj_attr *specs;
    int32_t        w_attr, last_event_attr;
    int32_t       *delayed;
    int32_t        ndelayed;
    proj_fn        psp, update, post_event;
    proj_spike_fn  spike;
    proj_spike_syn_fn spike_syn;
    proj_creating_fn creating;
    proj_pruning_fn  pruning;
    int32_t        creating_period, pruning_period;
    int64_t        creating_start, pruning_start;
    double         creating_w;
    int32_t        creating_delay;
    uint8_t       *mark;        /* structural plasticity scratch */
    int64_t        mark_cap;
} ann_proj;

/* Delay buffers of one population (they hang off annk_pop.hist / spk_hist). */
typedef struct pop_hist {
    int32_t   len;
    int32_t   nattr;
    uint8_t  *want;      /* [nattr] */
    void   ***slots;     /* [nattr][len] -> values */
    int32_t   spikes;
    int32_t **spk;       /* [len][size] */
    int32_t  *spk_n;     /* [len] */
} pop_hist;

struct ann_proj_recorder {
    ann_network *net;
    int32_t  proj, attr;
    int32_t *dends;       /* NULL: all */
    int32_t  ndends;
    int32_t  period, period_offset;
    int64_t  phase_ref;
    int32_t  recording;
    double  *buf;
    int64_t  len, cap;
    int64_t *widths;
    int64_t  nrec, wcap;
};

struct ann_projections {
    ann_proj *p;
    int32_t   n;
    pop_hist *hist;       /* [nhist] one per population, once bound */
    int32_t   nhist;
    ann_proj_recorder **recs;
    int32_t   nrecs;
};

/* ---- small helpers ------------------------------------------------------------------------- */


static void *xcalloc(int64_t n, size_t elem)
{
    return calloc(n > 0 ? (size_t)n : 1, elem);
}

static void *xmalloc(int64_t n, size_t elem)
{
    return malloc(n > 0 ? (size_t)n * elem : 1);
}

static int oom(ann_status *st)
{
    return ann_fail(st, "annarchy: out of memory in a projection");
}

static struct ann_projections *projs_of(ann_network *net)
{
    if (!net->projs) net->projs = calloc(1, sizeof *net->projs);
    return net->projs;
}

static ann_proj *proj_at(ann_network *net, int id) { return &net->projs->p[id]; }

static int64_t attr_len(const ann_proj *p, int a)
{
    switch (p->specs[a].locality) {
    case ANN_LOC_LOCAL:      return p->k.nsyn;
    case ANN_LOC_SEMIGLOBAL: return p->k.ndend;
    default:                 return 1;
    }
}

int32_t ann_network_projection_count(const ann_network *net)
{
    return net->projs ? net->projs->n : 0;
}
annk_proj *ann_network_projection(ann_network *net, int id) { return &proj_at(net, id)->k; }
int32_t ann_projection_attr_type(const ann_network *net, int id, int attr)
{
    return net->projs->p[id].specs[attr].type;
}
int32_t ann_projection_attr_locality(const ann_network *net, int id, int attr)
{
    return net->projs->p[id].specs[attr].locality;
}
int32_t ann_projection_delay_kind(const ann_network *net, int id)
{
    return net->projs->p[id].delay_kind;
}

/* ---- the post-major view of a pre-major projection -------------------------------------- */

/* Frees the arrays of the post index when they are only a host view. */
static void drop_view(ann_proj *p)
{
    if (!p->pre_major || p->post_index) return;
    free(p->k.pre_rank); p->k.pre_rank = NULL;
    free(p->k.post_syn); p->k.post_syn = NULL;
}

/* Builds row/pre_rank/post_syn of a pre-major projection from its storage: walking pre
 * neurons in ascending rank and distributing synapses to their dendrites (a stable counting
 * sort) leaves each dendrite in ascending pre rank. row is kept up to date by the writers. */
static int ensure_view(ann_proj *p)
{
    if (!p->pre_major || p->k.post_syn) return 0;
    int64_t nsyn = p->k.nsyn;
    int32_t *pre_rank = xmalloc(nsyn, sizeof *pre_rank);
    int64_t *post_syn = xmalloc(nsyn, sizeof *post_syn);
    int64_t *fill = xmalloc(p->k.ndend, sizeof *fill);
    if (!pre_rank || !post_syn || !fill) {
        free(pre_rank); free(post_syn); free(fill);
        return -1;
    }
    for (int32_t d = 0; d < p->k.ndend; d++) fill[d] = p->k.row[d];
    for (int32_t j = 0; j < p->k.npre; j++) {
        for (int64_t e = p->k.pre_row[j]; e < p->k.pre_row[j + 1]; e++) {
            int32_t d = p->k.dend_of_rank[p->k.syn_post[e]];
            int64_t k = fill[d]++;
            pre_rank[k] = j;
            post_syn[k] = e;
        }
    }
    free(fill);
    p->k.pre_rank = pre_rank;
    p->k.post_syn = post_syn;
    return 0;
}

/* Storage index of post-major synapse k. */
static int64_t storage_of(const ann_proj *p, int64_t k)
{
    return p->pre_major ? p->k.post_syn[k] : k;
}

const int64_t *ann_projection_row(ann_network *net, int id)
{
    return proj_at(net, id)->k.row;
}

const int32_t *ann_projection_pre_ranks(ann_network *net, int id)
{
    ann_proj *p = proj_at(net, id);
    if (ensure_view(p) != 0) return NULL;
    return p->k.pre_rank;
}

int32_t ann_projection_dendrite_of(ann_network *net, int id, int32_t post_rank)
{
    ann_proj *p = proj_at(net, id);
    if (post_rank < 0 || post_rank >= p->k.npost) return -1;
    return p->k.dend_of_rank[post_rank];
}

int64_t ann_projection_synapse_index(ann_network *net, int id, int32_t dend, int32_t pre_rank)
{
    ann_proj *p = proj_at(net, id);
    if (dend < 0 || dend >= p->k.ndend || ensure_view(p) != 0) return -1;
    int64_t lo = p->k.row[dend], hi = p->k.row[dend + 1];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (p->k.pre_rank[mid] < pre_rank) lo = mid + 1; else hi = mid;
    }
    if (lo < p->k.row[dend + 1] && p->k.pre_rank[lo] == pre_rank) return lo;
    return -1;
}

/* ---- installing connectivity ------------------------------------------------------------- */

/* Synapses in post-major order, with one array per local attribute and the delays; install()
 * takes the arrays over. */
typedef struct pm_data {
    int32_t  ndend;
    int64_t  nsyn;
    int32_t *post_rank;
    int64_t *row;
    int32_t *pre_rank;
    void   **local;      /* [nattr], NULL for non-local attributes */
    int32_t *delay;      /* NULL unless ANN_DELAY_VARIABLE */
} pm_data;

static void pm_free(pm_data *d, int32_t nattr)
{
    free(d->post_rank); free(d->row); free(d->pre_rank); free(d->delay);
    if (d->local) for (int a = 0; a < nattr; a++) free(d->local[a]);
    free(d->local);
    memset(d, 0, sizeof *d);
}

static void free_connectivity(ann_proj *p)
{
    free(p->k.post_rank); free(p->k.row); free(p->k.pre_rank); free(p->k.pre_row);
    free(p->k.syn_dend); free(p->k.post_row); free(p->k.post_syn); free(p->k.syn_post);
    free(p->k.delay);
    p->k.post_rank = NULL; p->k.row = NULL; p->k.pre_rank = NULL; p->k.pre_row = NULL;
    p->k.syn_dend = NULL; p->k.post_row = NULL; p->k.post_syn = NULL; p->k.syn_post = NULL;
    p->k.delay = NULL;
    for (int a = 0; a < p->k.nattr; a++) {
        if (p->specs[a].locality == ANN_LOC_LOCAL) { free(p->k.attr[a]); p->k.attr[a] = NULL; }
    }
}

/* Makes d the projection's connectivity. Semiglobal and global attributes keep their arrays
 * when the number of dendrites does not change (else they are reallocated, zeroed). On
 * failure nothing changes and d is left to the caller. */
static int install(ann_proj *p, pm_data *d, ann_status *st)
{
    int32_t nattr = p->k.nattr;
    int64_t nsyn = d->nsyn;
    int32_t *dend_of_rank = xmalloc(p->k.npost, sizeof *dend_of_rank);
    void **semi = xcalloc(nattr, sizeof *semi);
    if (!dend_of_rank || !semi) { free(dend_of_rank); free(semi); return oom(st); }
    for (int32_t r = 0; r < p->k.npost; r++) dend_of_rank[r] = -1;
    for (int32_t i = 0; i < d->ndend; i++) dend_of_rank[d->post_rank[i]] = i;
    int ok = 1;
    for (int a = 0; ok && a < nattr; a++) {
        if (p->specs[a].locality == ANN_LOC_SEMIGLOBAL && (d->ndend != p->k.ndend || !p->k.attr[a])) {
            semi[a] = xcalloc(d->ndend, ann_type_size(p->specs[a].type));
            ok = semi[a] != NULL;
        }
    }
    int64_t *pre_row = NULL, *post_syn = NULL;
    int32_t *syn_post = NULL;
    void **stor = NULL;
    int32_t *sdelay = NULL;
    if (ok && p->pre_major) {
        ann_csr c;
        memset(&c, 0, sizeof c);
        c.ndend = d->ndend; c.nsyn = nsyn; c.post_rank = d->post_rank; c.row = d->row;
        c.pre_rank = d->pre_rank;
        ann_csr_pre t;
        ann_status tst = {0, ""};
        if (ann_csr_transpose_to_pre_major(&c, p->k.npre, &t, &tst) != 0) {
            ok = 0;
        } else {
            pre_row = t.pre_row; t.pre_row = NULL;
            syn_post = xmalloc(nsyn, sizeof *syn_post);
            post_syn = xmalloc(nsyn, sizeof *post_syn);
            stor = xcalloc(nattr, sizeof *stor);
            if (d->delay) sdelay = xmalloc(nsyn, sizeof *sdelay);
            ok = syn_post && post_syn && stor && (!d->delay || sdelay);
            for (int a = 0; ok && a < nattr; a++) {
                if (p->specs[a].locality != ANN_LOC_LOCAL) continue;
                stor[a] = xmalloc(nsyn, ann_type_size(p->specs[a].type));
                ok = stor[a] != NULL;
            }
            if (ok) {
                for (int64_t e = 0; e < nsyn; e++) {
                    int64_t k = t.perm[e];
                    syn_post[e] = d->post_rank[t.syn_dend[e]];
                    post_syn[k] = e;
                    if (sdelay) sdelay[e] = d->delay[k];
                }
                for (int a = 0; a < nattr; a++) {
                    if (!stor || !stor[a]) continue;
                    size_t sz = ann_type_size(p->specs[a].type);
                    const char *src = d->local[a];
                    char *dst = stor[a];
                    for (int64_t e = 0; e < nsyn; e++)
                        memcpy(dst + (size_t)e * sz, src + (size_t)t.perm[e] * sz, sz);
                }
            }
            ann_csr_pre_free(&t);
        }
    }
    if (!ok) {
        free(dend_of_rank);
        for (int a = 0; a < nattr; a++) { free(semi[a]); if (stor) free(stor[a]); }
        free(semi); free(stor); free(pre_row); free(syn_post); free(post_syn); free(sdelay);
        return oom(st);
    }
    /* commit */
    free_connectivity(p);
    free(p->k.dend_of_rank);
    p->k.dend_of_rank = dend_of_rank;
    p->k.ndend = d->ndend;
    p->k.nsyn = nsyn;
    p->k.post_rank = d->post_rank; d->post_rank = NULL;
    p->k.row = d->row; d->row = NULL;
    for (int a = 0; a < nattr; a++) {
        if (semi[a]) { free(p->k.attr[a]); p->k.attr[a] = semi[a]; }
    }
    free(semi);
    if (p->pre_major) {
        p->k.pre_row = pre_row;
        p->k.syn_post = syn_post;
        p->k.delay = sdelay;
        for (int a = 0; a < nattr; a++) if (stor[a]) p->k.attr[a] = stor[a];
        free(stor);
        p->k.pre_rank = d->pre_rank; d->pre_rank = NULL;
        p->k.post_syn = post_syn;
        free(d->delay); d->delay = NULL;
        for (int a = 0; a < nattr; a++) { free(d->local[a]); d->local[a] = NULL; }
        drop_view(p);
    } else {
        p->k.pre_rank = d->pre_rank; d->pre_rank = NULL;
        p->k.delay = d->delay; d->delay = NULL;
        for (int a = 0; a < nattr; a++) {
            if (p->specs[a].locality == ANN_LOC_LOCAL) { p->k.attr[a] = d->local[a]; d->local[a] = NULL; }
        }
    }
    return 0;
}

/* The CSR of a connector as pm_data: the structure arrays are taken over; local attributes
 * get their init values (w the connector's weights); delays follow the delay kind. */
static int pm_from_csr(ann_proj *p, ann_csr *c, pm_data *d, ann_status *st)
{
    memset(d, 0, sizeof *d);
    int32_t nattr = p->k.nattr;
    d->local = xcalloc(nattr, sizeof *d->local);
    if (!d->local) return oom(st);
    for (int a = 0; a < nattr; a++) {
        if (p->specs[a].locality != ANN_LOC_LOCAL) continue;
        int32_t type = p->specs[a].type;
        if (a == p->w_attr && c->w && type == ANNK_F64) {
            d->local[a] = c->w;
            c->w = NULL;
            continue;
        }
        d->local[a] = xmalloc(c->nsyn, ann_type_size(type));
        if (!d->local[a]) { pm_free(d, nattr); return oom(st); }
        for (int64_t k = 0; k < c->nsyn; k++) {
            double v = p->specs[a].init;
            if (a == p->w_attr) v = c->w ? c->w[k] : c->shared_w;
            else if (a == p->last_event_attr) v = LAST_EVENT_NONE;
            ann_store_elem(d->local[a], type, k, v);
        }
    }
    if (p->delay_kind == ANN_DELAY_VARIABLE) {
        if (c->delay) {
            d->delay = c->delay;
            c->delay = NULL;
        } else {
            d->delay = xmalloc(c->nsyn, sizeof *d->delay);
            if (!d->delay) { pm_free(d, nattr); return oom(st); }
            for (int64_t k = 0; k < c->nsyn; k++) d->delay[k] = c->uniform_delay;
        }
        for (int64_t k = 0; k < c->nsyn; k++) if (d->delay[k] < 1) d->delay[k] = 1;
    } else if (c->delay) {
        /* all the same value? then it is uniform after all */
        for (int64_t k = 1; k < c->nsyn; k++) {
            if (c->delay[k] != c->delay[0]) {
                pm_free(d, nattr);
                return ann_fail(st, "annarchy: internal error: per-synapse delays in a projection "
                                "planned with uniform delays");
            }
        }
        if (c->nsyn > 0) c->uniform_delay = c->delay[0];
    }
    d->ndend = c->ndend; d->nsyn = c->nsyn;
    d->post_rank = c->post_rank; c->post_rank = NULL;
    d->row = c->row; c->row = NULL;
    d->pre_rank = c->pre_rank; c->pre_rank = NULL;
    return 0;
}

static int32_t max_of_delays(const ann_proj *p)
{
    int32_t m = 1;
    if (p->k.delay) {
        for (int64_t e = 0; e < p->k.nsyn; e++) if (p->k.delay[e] > m) m = p->k.delay[e];
    } else if (p->k.uniform_delay > m) {
        m = p->k.uniform_delay;
    }
    return m;
}

/* The global w of a shared-weight projection from the connector. */
static void set_shared_weight(ann_proj *p, const ann_csr *c)
{
    if (p->w_attr < 0 || p->specs[p->w_attr].locality != ANN_LOC_GLOBAL) return;
    double w = c->w ? (c->nsyn > 0 ? c->w[0] : 0.0) : c->shared_w;
    ann_store_elem(p->k.attr[p->w_attr], p->specs[p->w_attr].type, 0, w);
}

static int ring_resize(ann_proj *p, int32_t len);
static int grow_buffers(ann_network *net, ann_proj *p, int32_t newmax, ann_status *st);

int ann_network_add_projection(ann_network *net, const ann_proj_desc *d, ann_csr *c,
                               ann_status *st)
{
    struct ann_projections *P = projs_of(net);
    if (!P) return -oom(st);
    if (net->bound) {
        return -ann_fail(st, "annarchy: you cannot add a projection after the network has been "
                         "compiled");
    }
    if (d->pre < 0 || d->pre >= net->npops || d->post < 0 || d->post >= net->npops)
        return -ann_fail(st, "annarchy: a projection between unknown populations");
    ann_proj *arr = realloc(P->p, (size_t)(P->n + 1) * sizeof *arr);
    if (!arr) return -oom(st);
    P->p = arr;
    ann_proj *p = &P->p[P->n];
    memset(p, 0, sizeof *p);
    p->pre = d->pre; p->post = d->post;
    p->pre_major = d->pre_major;
    p->post_index = d->pre_major && d->post_index;
    p->delay_kind = d->delay_kind;
    p->spike_events = d->spike_events;
    p->w_attr = d->w_attr;
    p->last_event_attr = d->last_event_attr;
    p->k.npre = net->pops[d->pre].k.size;
    p->k.npost = net->pops[d->post].k.size;
    p->k.transmission = p->k.update = p->k.plasticity = 1;
    p->k.update_period = 1;
    p->k.stream = 0x10000000u + (uint32_t)P->n;
    p->k.nattr = d->nattr;
    p->specs = xcalloc(d->nattr, sizeof *p->specs);
    p->k.attr = xcalloc(d->nattr, sizeof *p->k.attr);
    p->delayed = xcalloc(d->ndelayed, sizeof *p->delayed);
    int ok = p->specs && p->k.attr && p->delayed;
    for (int a = 0; ok && a < d->nattr; a++) {
        p->specs[a] = d->attrs[a];
        if (d->attrs[a].locality == ANN_LOC_GLOBAL) {
            p->k.attr[a] = xcalloc(1, ann_type_size(d->attrs[a].type));
            ok = p->k.attr[a] != NULL;
            if (ok) ann_store_elem(p->k.attr[a], d->attrs[a].type, 0, d->attrs[a].init);
        }
    }
    if (ok) {
        memcpy(p->delayed, d->delayed, (size_t)d->ndelayed * sizeof *p->delayed);
        p->ndelayed = d->ndelayed;
    }
    pm_data pm;
    int rc = ok ? 0 : oom(st);
    if (rc == 0) rc = pm_from_csr(p, c, &pm, st);
    if (rc == 0) {
        /* semiglobal arrays are allocated by install (ndend changes from 0) */
        rc = install(p, &pm, st);
        pm_free(&pm, p->k.nattr);
    }
    if (rc == 0) {
        p->k.uniform_delay = c->uniform_delay < 1 ? 1 : c->uniform_delay;
        if (p->delay_kind == ANN_DELAY_NONE) p->k.uniform_delay = 1;
        set_shared_weight(p, c);
        for (int a = 0; a < d->nattr; a++) {
            if (p->specs[a].locality != ANN_LOC_SEMIGLOBAL) continue;
            for (int32_t i = 0; i < p->k.ndend; i++)
                ann_store_elem(p->k.attr[a], p->specs[a].type, i, p->specs[a].init);
        }
        p->k.max_delay = max_of_delays(p);
        if (p->delay_kind == ANN_DELAY_VARIABLE && p->spike_events)
            rc = ring_resize(p, p->k.max_delay);
    }
    if (rc != 0) {
        free_connectivity(p);
        for (int a = 0; a < d->nattr; a++) free(p->k.attr ? p->k.attr[a] : NULL);
        free(p->k.attr); free(p->specs); free(p->delayed); free(p->k.dend_of_rank);
        return -1;
    }
    ann_csr_free(c);
    return P->n++;
}

int ann_projection_set_connectivity(ann_network *net, int id, ann_csr *c, ann_status *st)
{
    ann_proj *p = proj_at(net, id);
    if (p->delay_kind == ANN_DELAY_NONE && c->delay == NULL && c->uniform_delay > 1)
        return ann_fail(st, "annarchy: the projection was built without delays: it is too late "
                        "to create them");
    pm_data pm;
    if (pm_from_csr(p, c, &pm, st) != 0) return st->code;
    int32_t old_max = p->k.max_delay;
    if (install(p, &pm, st) != 0) { pm_free(&pm, p->k.nattr); return st->code; }
    pm_free(&pm, p->k.nattr);
    if (p->delay_kind != ANN_DELAY_NONE) p->k.uniform_delay = c->uniform_delay < 1 ? 1 : c->uniform_delay;
    set_shared_weight(p, c);
    ann_csr_free(c);
    int32_t m = max_of_delays(p);
    p->k.max_delay = old_max;
    if (grow_buffers(net, p, m, st) != 0) return st->code;
    if (p->k.ring) {
        for (int32_t s = 0; s < p->k.max_delay; s++) p->k.ring_n[s] = 0;
    }
    return 0;
}

/* ---- delay buffers ------------------------------------------------------------------------- */

static void hist_free(pop_hist *h)
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
    if (!ok) { hist_free(&n); return -1; }
    hist_free(h);
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
        if (p->k.ring_n) memset(p->k.ring_n, 0, (size_t)p->k.max_delay * sizeof *p->k.ring_n);
        p->k.ring_pos = 0;
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

static int update_history(ann_network *net, int pid, ann_status *st)
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

/* The spike ring of a projection with per-synapse delays: len slots, contents re-slotted. */
static int ring_resize(ann_proj *p, int32_t len)
{
    int32_t old = p->k.ring ? p->k.max_delay : 0;
    if (len < 1) len = 1;
    if (p->k.ring && len <= old) return 0;
    int64_t **ring = xcalloc(len, sizeof *ring);
    int32_t **ring_pre = xcalloc(len, sizeof *ring_pre);
    int64_t *n = xcalloc(len, sizeof *n), *cap = xcalloc(len, sizeof *cap);
    if (!ring || !ring_pre || !n || !cap) {
        free(ring); free(ring_pre); free(n); free(cap);
        return -1;
    }
    for (int32_t s = 0; s < old; s++) {
        int32_t from = (p->k.ring_pos + s) % old;
        ring[s] = p->k.ring[from];
        ring_pre[s] = p->k.ring_pre[from];
        n[s] = p->k.ring_n[from];
        cap[s] = p->k.ring_cap[from];
    }
    free(p->k.ring); free(p->k.ring_pre); free(p->k.ring_n); free(p->k.ring_cap);
    p->k.ring = ring; p->k.ring_pre = ring_pre; p->k.ring_n = n; p->k.ring_cap = cap;
    p->k.ring_pos = 0;
    return 0;
}

static int ring_push(annk_proj *k, int32_t slot, int64_t e, int32_t j)
{
    if (k->ring_n[slot] == k->ring_cap[slot]) {
        int64_t ncap = k->ring_cap[slot] ? 2 * k->ring_cap[slot] : 64;
        int64_t *r = realloc(k->ring[slot], (size_t)ncap * sizeof *r);
        if (!r) return -1;
        k->ring[slot] = r;
        int32_t *q = realloc(k->ring_pre[slot], (size_t)ncap * sizeof *q);
        if (!q) return -1;
        k->ring_pre[slot] = q;
        k->ring_cap[slot] = ncap;
    }
    k->ring[slot][k->ring_n[slot]] = e;
    k->ring_pre[slot][k->ring_n[slot]] = j;
    k->ring_n[slot]++;
    return 0;
}

/* ---- delays from the host ------------------------------------------------------------------ */

int32_t ann_projection_uniform_delay(ann_network *net, int id)
{
    return proj_at(net, id)->k.uniform_delay;
}

int ann_projection_delays(ann_network *net, int id, int32_t *out, ann_status *st)
{
    ann_proj *p = proj_at(net, id);
    if (!p->k.delay) {
        for (int64_t k = 0; k < p->k.nsyn; k++) out[k] = p->k.uniform_delay;
        return 0;
    }
    if (ensure_view(p) != 0) return oom(st);
    for (int64_t k = 0; k < p->k.nsyn; k++) out[k] = p->k.delay[storage_of(p, k)];
    return 0;
}

/* After max_delay grew: buffers of the pre population, or the ring. */
static int grow_buffers(ann_network *net, ann_proj *p, int32_t newmax, ann_status *st)
{
    int32_t old = p->k.max_delay;
    if (newmax <= old) return 0;
    if (p->delay_kind == ANN_DELAY_VARIABLE && p->spike_events) {
        if (ring_resize(p, newmax) != 0) return oom(st);
        p->k.max_delay = newmax;
        return 0;
    }
    p->k.max_delay = newmax;
    if (net->projs->hist && update_history(net, p->pre, st) != 0) {
        p->k.max_delay = old;
        return st->code;
    }
    return 0;
}

int ann_projection_set_uniform_delay(ann_network *net, int id, int32_t steps, ann_status *st)
{
    ann_proj *p = proj_at(net, id);
    if (steps < 1) steps = 1;
    if (p->delay_kind == ANN_DELAY_NONE) {
        if (steps == 1) return 0;
        return ann_fail(st, "annarchy: set_delay: the projection was instantiated without delays, "
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
    if (grow_buffers(net, p, steps, st) != 0) return st->code;
    p->k.uniform_delay = steps;
    return 0;
}

int ann_projection_set_delays(ann_network *net, int id, const int32_t *steps, ann_status *st)
{
    ann_proj *p = proj_at(net, id);
    if (p->delay_kind != ANN_DELAY_VARIABLE) {
        for (int64_t k = 1; k < p->k.nsyn; k++) {
            if (steps[k] != steps[0])
                return ann_fail(st, "annarchy: set_delay: the projection uses one delay for every "
                                "synapse; per-synapse delays must be chosen at connection time");
        }
        return ann_projection_set_uniform_delay(net, id, p->k.nsyn > 0 ? steps[0] : 1, st);
    }
    int32_t m = 1;
    for (int64_t k = 0; k < p->k.nsyn; k++) if (steps[k] > m) m = steps[k];
    if (ensure_view(p) != 0) return oom(st);
    if (grow_buffers(net, p, m, st) != 0) return st->code;
    for (int64_t k = 0; k < p->k.nsyn; k++)
        p->k.delay[storage_of(p, k)] = steps[k] < 1 ? 1 : steps[k];
    return 0;
}

/* ---- extension buffers of shared-weight projections ------------------------------------- */

int ann_projection_set_ext(ann_network *net, int id, int k, const double *data, int64_t n,
                           ann_status *st)
{
    annk_proj *p = &proj_at(net, id)->k;
    if (k < 0 || k >= 64) return ann_fail(st, "annarchy: extension buffer %d out of range", k);
    if (k >= p->next) {
        double **ext = realloc(p->ext, (size_t)(k + 1) * sizeof *ext);
        if (!ext) return oom(st);
        p->ext = ext;
        int64_t *len = realloc(p->ext_len, (size_t)(k + 1) * sizeof *len);
        if (!len) return oom(st);
        p->ext_len = len;
        for (int j = p->next; j <= k; j++) { p->ext[j] = NULL; p->ext_len[j] = 0; }
        p->next = k + 1;
    }
    double *buf = xmalloc(n > 0 ? n : 1, sizeof *buf);
    if (!buf) return oom(st);
    if (n > 0) memcpy(buf, data, (size_t)n * sizeof *buf);
    free(p->ext[k]);
    p->ext[k] = buf;
    p->ext_len[k] = n;
    return 0;
}

void ann_projection_link(ann_network *net, int id, int other)
{
    proj_at(net, id)->k.link = other >= 0 ? &proj_at(net, other)->k : NULL;
}

/* ---- attributes from the host ------------------------------------------------------------ */

int64_t ann_projection_count_values(ann_network *net, int id, int attr, int32_t d0, int32_t d1)
{
    ann_proj *p = proj_at(net, id);
    switch (p->specs[attr].locality) {
    case ANN_LOC_LOCAL:      return p->k.row[d1] - p->k.row[d0];
    case ANN_LOC_SEMIGLOBAL: return d1 - d0;
    default:                 return 1;
    }
}

int ann_projection_read(ann_network *net, int id, int attr, int32_t d0, int32_t d1,
                        double *out, ann_status *st)
{
    ann_proj *p = proj_at(net, id);
    const void *a = p->k.attr[attr];
    int32_t type = p->specs[attr].type;
    switch (p->specs[attr].locality) {
    case ANN_LOC_LOCAL: {
        if (ensure_view(p) != 0) return oom(st);
        int64_t base = p->k.row[d0], n = p->k.row[d1] - base;
        for (int64_t i = 0; i < n; i++) out[i] = ann_load_elem(a, type, storage_of(p, base + i));
        return 0;
    }
    case ANN_LOC_SEMIGLOBAL:
        for (int32_t d = d0; d < d1; d++) out[d - d0] = ann_load_elem(a, type, d);
        return 0;
    default:
        out[0] = ann_load_elem(a, type, 0);
        return 0;
    }
}

int ann_projection_write(ann_network *net, int id, int attr, int32_t d0, int32_t d1,
                         const double *in, int64_t n, ann_status *st)
{
    ann_proj *p = proj_at(net, id);
    void *a = p->k.attr[attr];
    int32_t type = p->specs[attr].type;
    int64_t want = ann_projection_count_values(net, id, attr, d0, d1);
    if (n != 1 && n != want)
        return ann_fail(st, "annarchy: expected %lld values, got %lld", (long long)want, (long long)n);
    switch (p->specs[attr].locality) {
    case ANN_LOC_LOCAL: {
        if (ensure_view(p) != 0) return oom(st);
        int64_t base = p->k.row[d0];
        for (int64_t i = 0; i < want; i++) ann_store_elem(a, type, storage_of(p, base + i), in[n == 1 ? 0 : i]);
        return 0;
    }
    case ANN_LOC_SEMIGLOBAL:
        for (int32_t d = d0; d < d1; d++) ann_store_elem(a, type, d, in[n == 1 ? 0 : d - d0]);
        return 0;
    default:
        ann_store_elem(a, type, 0, in[0]);
        return 0;
    }
}

double ann_projection_get1(ann_network *net, int id, int attr, int64_t k)
{
    ann_proj *p = proj_at(net, id);
    if (p->specs[attr].locality == ANN_LOC_LOCAL) {
        if (ensure_view(p) != 0) return 0.0;
        k = storage_of(p, k);
    } else if (p->specs[attr].locality == ANN_LOC_GLOBAL) {
        k = 0;
    }
    return ann_load_elem(p->k.attr[attr], p->specs[attr].type, k);
}

void ann_projection_set1(ann_network *net, int id, int attr, int64_t k, double v)
{
    ann_proj *p = proj_at(net, id);
    if (p->specs[attr].locality == ANN_LOC_LOCAL) {
        if (ensure_view(p) != 0) return;
        k = storage_of(p, k);
    } else if (p->specs[attr].locality == ANN_LOC_GLOBAL) {
        k = 0;
    }
    ann_store_elem(p->k.attr[attr], p->specs[attr].type, k, v);
}

void ann_projection_set_flags(ann_network *net, int id, int32_t transmission, int32_t update,
                              int32_t plasticity)
{
    ann_proj *p = proj_at(net, id);
    p->k.transmission = transmission;
    p->k.update = update;
    p->k.plasticity = plasticity;
}

void ann_projection_set_schedule(ann_network *net, int id, int32_t period, int64_t offset)
{
    ann_proj *p = proj_at(net, id);
    p->k.update_period = period < 1 ? 1 : period;
    int64_t o = offset % p->k.update_period;
    if (o < 0) o += p->k.update_period;
    p->k.update_offset = (int32_t)o;
}

/* ---- structural changes -------------------------------------------------------------------- */

/* Rebuilds the projection from its post-major view where dendrite contents change: new[k] of
 * the new post-major order comes from old synapse src[k] (>= 0) or is created (-1) with
 * weight nw[k] and delay ndel[k]. Pending spikes in the ring follow their synapse. */
static int restructure(ann_proj *p, const int64_t *row, const int32_t *pre_rank,
                       const int64_t *src, int64_t nsyn, const double *nw, const int32_t *ndel,
                       ann_status *st)
{
    if (ensure_view(p) != 0) return oom(st);
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
    /* old storage index -> new post-major index, for the ring */
    int64_t *old_to_new = NULL;
    if (ok && p->k.ring) {
        old_to_new = xmalloc(p->k.nsyn, sizeof *old_to_new);
        ok = old_to_new != NULL;
        if (ok) for (int64_t e = 0; e < p->k.nsyn; e++) old_to_new[e] = -1;
    }
    if (!ok) { free(old_to_new); pm_free(&d, nattr); return oom(st); }
    memcpy(d.post_rank, p->k.post_rank, (size_t)p->k.ndend * sizeof *d.post_rank);
    memcpy(d.row, row, (size_t)(p->k.ndend + 1) * sizeof *d.row);
    memcpy(d.pre_rank, pre_rank, (size_t)nsyn * sizeof *d.pre_rank);
    for (int64_t k = 0; k < nsyn; k++) {
        int64_t e = src[k] >= 0 ? storage_of(p, src[k]) : -1;
        if (e >= 0 && old_to_new) old_to_new[e] = k;
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
        if (d.delay) d.delay[k] = e >= 0 ? p->k.delay[e] : (ndel ? ndel[k] : p->k.uniform_delay);
    }
    /* pending events: old storage index -> new post-major index */
    if (p->k.ring) {
        for (int32_t s = 0; s < p->k.max_delay; s++) {
            int64_t m = 0;
            for (int64_t i = 0; i < p->k.ring_n[s]; i++) {
                int64_t nk = old_to_new[p->k.ring[s][i]];
                if (nk < 0) continue;
                p->k.ring[s][m] = nk;
                p->k.ring_pre[s][m] = p->k.ring_pre[s][i];
                m++;
            }
            p->k.ring_n[s] = m;
        }
    }
    free(old_to_new);
    if (install(p, &d, st) != 0) { pm_free(&d, nattr); return st->code; }
    pm_free(&d, nattr);
    if (p->k.ring) {
        /* new post-major index -> new storage index */
        if (p->pre_major && ensure_view(p) != 0) return oom(st);
        for (int32_t s = 0; s < p->k.max_delay; s++)
            for (int64_t i = 0; i < p->k.ring_n[s]; i++)
                p->k.ring[s][i] = storage_of(p, p->k.ring[s][i]);
    }
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
    ann_proj *p = proj_at(net, id);
    if (dend < 0 || dend >= p->k.ndend) return ann_fail(st, "annarchy: no such dendrite");
    if (ensure_view(p) != 0) return oom(st);
    /* sort the new ones by rank, carrying their weights and delays */
    int64_t *order = xmalloc(n, sizeof *order);
    int32_t *ranks = xmalloc(n, sizeof *ranks);
    if (!order || !ranks) { free(order); free(ranks); return oom(st); }
    for (int32_t i = 0; i < n; i++) ranks[i] = pre[i];
    qsort(ranks, (size_t)n, sizeof *ranks, cmp_i32);
    for (int32_t i = 0; i < n; i++) {
        if (ranks[i] < 0 || ranks[i] >= p->k.npre) {
            free(order); free(ranks);
            return ann_fail(st, "annarchy: create_synapse: the pre-synaptic rank %d is out of range",
                            (int)pre[i] + 1);
        }
        if ((i > 0 && ranks[i] == ranks[i - 1]) || ann_projection_synapse_index(net, id, dend, ranks[i]) >= 0) {
            int32_t r = ranks[i];
            free(order); free(ranks);
            return ann_fail(st, "annarchy: Dendrite.create_synapse(): the synapse of rank %d already "
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
            rc = grow_buffers(net, p, m, st);
        if (rc == 0) rc = restructure(p, row, pr, src, nsyn, nw, nd, st);
    }
    free(order); free(ranks); free(row); free(pr); free(src); free(nw); free(nd);
    return rc;
}

int ann_projection_prune_synapses(ann_network *net, int id, int32_t dend, int32_t n,
                                  const int32_t *pre, ann_status *st)
{
    ann_proj *p = proj_at(net, id);
    if (dend < 0 || dend >= p->k.ndend) return ann_fail(st, "annarchy: no such dendrite");
    if (ensure_view(p) != 0) return oom(st);
    uint8_t *gone = xcalloc(p->k.nsyn, 1);
    if (!gone) return oom(st);
    int64_t removed = 0;
    for (int32_t i = 0; i < n; i++) {
        int64_t k = ann_projection_synapse_index(net, id, dend, pre[i]);
        if (k < 0 || gone[k]) {
            free(gone);
            return ann_fail(st, "annarchy: Dendrite.prune_synapse(): the synapse with the "
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
        rc = restructure(p, row, pr, src, nsyn, NULL, NULL, st);
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

static int due(int64_t step, int64_t start, int32_t period)
{
    if (period <= 0) return 0;
    int64_t r = (step - start) % period;
    return r == 0;
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
static void run_creating(ann_network *net, ann_proj *p, const annk_ctx *ctx)
{
    if (ensure_view(p) != 0 || mark_reserve(p, p->k.npre) != 0) return;
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
            restructure(p, row, pr, src, nsyn, nw, ndl, &st);
        }
        free(row); free(pr); free(src); free(nw); free(ndl);
    }
    free(nd); free(nr);
}

/* Phase I, pruning: the kernel marks synapses (storage order) to remove. */
static void run_pruning(ann_network *net, ann_proj *p, const annk_ctx *ctx)
{
    if (ensure_view(p) != 0 || mark_reserve(p, p->k.nsyn) != 0) return;
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
        restructure(p, row, pr, src, nsyn, NULL, NULL, &st);
    }
    free(row); free(pr); free(src);
}

/* ---- binding and the step ------------------------------------------------------------------ */

int ann_projections_bind(ann_network *net, const ann_module *m, ann_status *st)
{
    struct ann_projections *P = net->projs;
    if (!P || P->n == 0) return 0;
    char name[80];
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
#define LOOK(field, suffix) \
        snprintf(name, sizeof name, "annk_proj%d_" suffix, (int)i); \
        *(void **)&p->field = ann_module_symbol(m, name);
        LOOK(psp, "psp")
        LOOK(update, "update")
        LOOK(post_event, "post")
        LOOK(spike, "spike")
        LOOK(spike_syn, "spike_syn")
        LOOK(creating, "creating")
        LOOK(pruning, "pruning")
#undef LOOK
        if (p->spike_events && (!p->spike || (p->delay_kind == ANN_DELAY_VARIABLE && !p->spike_syn)))
            return ann_fail(st, "annarchy: the kernels of projection %d are missing", (int)i);
    }
    if (!P->hist) {
        P->hist = xcalloc(net->npops, sizeof *P->hist);
        if (!P->hist) return oom(st);
        P->nhist = net->npops;
    }
    for (int i = 0; i < net->npops; i++) {
        if (update_history(net, i, st) != 0) return st->code;
    }
    return 0;
}

void ann_projections_push_delays(ann_network *net, const annk_ctx *ctx)
{
    (void)ctx;
    struct ann_projections *P = net->projs;
    if (!P || !P->hist) return;
    for (int i = 0; i < P->nhist; i++) {
        pop_hist *h = &P->hist[i];
        ann_pop *pop = &net->pops[i];
        if (h->len == 0 || !pop->k.enabled) continue;
        int32_t pos = (pop->k.hist_pos + h->len - 1) % h->len;
        pop->k.hist_pos = pos;
        for (int a = 0; h->slots && a < h->nattr; a++) {
            if (!h->want[a]) continue;
            size_t bytes = (size_t)(pop->specs[a].local ? pop->k.size : 1) * ann_type_size(pop->specs[a].type);
            memcpy(h->slots[a][pos], pop->k.attr[a], bytes);
        }
        if (h->spikes) {
            memcpy(h->spk[pos], pop->k.spiked, (size_t)pop->k.nspiked * sizeof *pop->k.spiked);
            h->spk_n[pos] = pop->k.nspiked;
        }
    }
}

void ann_projections_transmit(ann_network *net, const annk_ctx *ctx)
{
    struct ann_projections *P = net->projs;
    if (!P) return;
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        ann_pop *pre = &net->pops[p->pre], *post = &net->pops[p->post];
        if (!p->k.transmission || !post->k.enabled) continue;
        if (p->spike_events) {
            const int32_t *spk = pre->k.spiked;
            int32_t n = pre->k.enabled ? pre->k.nspiked : 0;
            if (p->delay_kind == ANN_DELAY_VARIABLE) {
                annk_proj *k = &p->k;
                int32_t len = k->max_delay;
                for (int32_t s = 0; s < n; s++) {
                    int32_t j = spk[s];
                    for (int64_t e = k->pre_row[j]; e < k->pre_row[j + 1]; e++) {
                        int32_t slot = (k->ring_pos + k->delay[e] - 1) % len;
                        ring_push(k, slot, e, j);
                    }
                }
                int32_t slot = k->ring_pos;
                if (k->ring_n[slot] > 0)
                    p->spike_syn(k, &pre->k, &post->k, ctx, k->ring[slot], k->ring_pre[slot],
                                 k->ring_n[slot]);
                k->ring_n[slot] = 0;
                k->ring_pos = (slot + 1) % len;
            } else {
                int32_t d = p->delay_kind == ANN_DELAY_UNIFORM ? p->k.uniform_delay : 1;
                if (d > 1 && pre->k.hist_len > 0) {
                    int32_t slot = (pre->k.hist_pos + d - 1) % pre->k.hist_len;
                    spk = pre->k.spk_hist[slot];
                    n = pre->k.spk_hist_n[slot];
                }
                if (n > 0) p->spike(&p->k, &pre->k, &post->k, ctx, spk, n);
            }
        }
        if (p->psp) p->psp(&p->k, &pre->k, &post->k, ctx);
    }
}

static void record_projection(ann_proj_recorder *r, ann_network *net, const annk_ctx *ctx);

void ann_projections_learn(ann_network *net, const annk_ctx *ctx)
{
    struct ann_projections *P = net->projs;
    if (!P) return;
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        ann_pop *post = &net->pops[p->post];
        if (!p->update || !p->k.transmission || !p->k.update || !post->k.enabled) continue;
        int64_t r = (ctx->step - p->k.update_offset) % p->k.update_period;
        if (r != 0) continue;
        p->update(&p->k, &net->pops[p->pre].k, &post->k, ctx);
    }
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        ann_pop *post = &net->pops[p->post];
        if (!p->post_event || !p->k.transmission || !post->k.enabled || post->k.nspiked == 0)
            continue;
        p->post_event(&p->k, &net->pops[p->pre].k, &post->k, ctx);
    }
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        if (p->creating && due(ctx->step, p->creating_start, p->creating_period))
            run_creating(net, p, ctx);
    }
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        if (p->pruning && due(ctx->step, p->pruning_start, p->pruning_period))
            run_pruning(net, p, ctx);
    }
    for (int32_t i = 0; i < P->nrecs; i++) record_projection(P->recs[i], net, ctx);
}

void ann_projections_free(ann_network *net)
{
    struct ann_projections *P = net->projs;
    if (!P) return;
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        free_connectivity(p);
        for (int a = 0; a < p->k.nattr; a++) free(p->k.attr[a]);
        free(p->k.attr); free(p->specs); free(p->delayed); free(p->k.dend_of_rank);
        free(p->mark);
        for (int k = 0; k < p->k.next; k++) free(p->k.ext[k]);
        free(p->k.ext); free(p->k.ext_len);
        if (p->k.ring) {
            for (int32_t s = 0; s < p->k.max_delay; s++) { free(p->k.ring[s]); free(p->k.ring_pre[s]); }
            free(p->k.ring); free(p->k.ring_pre); free(p->k.ring_n); free(p->k.ring_cap);
        }
    }
    free(P->p);
    for (int i = 0; i < P->nhist; i++) hist_free(&P->hist[i]);
    free(P->hist);
    for (int32_t i = 0; i < P->nrecs; i++) {
        P->recs[i]->net = NULL;   /* the Lua side frees its recorders */
    }
    free(P->recs);
    free(P);
    net->projs = NULL;
}

/* ---- recording ------------------------------------------------------------------------------ */

ann_proj_recorder *ann_proj_recorder_new(ann_network *net, int id, int attr,
                                         const int32_t *dends, int32_t ndends, int32_t period,
                                         int32_t period_offset, ann_status *st)
{
    struct ann_projections *P = net->projs;
    if (period < 1) period = 1;
    if (period_offset < 0 || period_offset >= period) {
        ann_fail(st, "annarchy: Monitor: value of period_offset must be smaller than period.");
        return NULL;
    }
    ann_proj_recorder *r = calloc(1, sizeof *r);
    ann_proj_recorder **recs = realloc(P->recs, (size_t)(P->nrecs + 1) * sizeof *recs);
    if (recs) P->recs = recs;
    if (!r || !recs) { free(r); oom(st); return NULL; }
    if (dends) {
        r->dends = xmalloc(ndends, sizeof *r->dends);
        if (!r->dends) { free(r); oom(st); return NULL; }
        memcpy(r->dends, dends, (size_t)ndends * sizeof *dends);
        r->ndends = ndends;
    }
    r->net = net;
    r->proj = id;
    r->attr = attr;
    r->period = period;
    r->period_offset = period_offset;
    r->phase_ref = net->step;
    r->recording = 1;
    P->recs[P->nrecs++] = r;
    return r;
}

void ann_proj_recorder_free(ann_network *net, ann_proj_recorder *r)
{
    if (!r) return;
    if (net && r->net && net->projs) {
        struct ann_projections *P = net->projs;
        for (int32_t i = 0; i < P->nrecs; i++) {
            if (P->recs[i] != r) continue;
            memmove(&P->recs[i], &P->recs[i + 1], (size_t)(P->nrecs - i - 1) * sizeof *P->recs);
            P->nrecs--;
            break;
        }
    }
    free(r->dends); free(r->buf); free(r->widths);
    free(r);
}

void ann_proj_recorder_set_recording(ann_proj_recorder *r, int32_t on) { r->recording = on; }

void ann_proj_recorder_set_period(ann_proj_recorder *r, int32_t period, int32_t offset)
{
    r->period = period < 1 ? 1 : period;
    r->period_offset = offset;
    if (r->net) r->phase_ref = r->net->step;
}

static int grow_buf(void **buf, int64_t *cap, int64_t need, size_t elem)
{
    if (need <= *cap) return 0;
    int64_t ncap = *cap ? *cap : 256;
    while (ncap < need) ncap *= 2;
    void *nb = realloc(*buf, (size_t)ncap * elem);
    if (!nb) return -1;
    *buf = nb;
    *cap = ncap;
    return 0;
}

static void record_projection(ann_proj_recorder *r, ann_network *net, const annk_ctx *ctx)
{
    if (!r->recording) return;
    int64_t phase = (ctx->step - r->phase_ref) % r->period;
    if (phase < 0) phase += r->period;
    if (phase != r->period_offset) return;
    ann_proj *p = proj_at(net, r->proj);
    int32_t loc = p->specs[r->attr].locality;
    if (loc == ANN_LOC_LOCAL && ensure_view(p) != 0) return;
    int64_t w = 0;
    if (loc == ANN_LOC_GLOBAL) w = 1;
    else if (!r->dends) w = loc == ANN_LOC_LOCAL ? p->k.nsyn : p->k.ndend;
    else for (int32_t i = 0; i < r->ndends; i++)
        w += loc == ANN_LOC_LOCAL ? p->k.row[r->dends[i] + 1] - p->k.row[r->dends[i]] : 1;
    if (grow_buf((void **)&r->buf, &r->cap, r->len + w, sizeof *r->buf) != 0) return;
    if (grow_buf((void **)&r->widths, &r->wcap, r->nrec + 1, sizeof *r->widths) != 0) return;
    double *out = r->buf + r->len;
    const void *a = p->k.attr[r->attr];
    int32_t type = p->specs[r->attr].type;
    if (loc == ANN_LOC_GLOBAL) {
        out[0] = ann_load_elem(a, type, 0);
    } else if (!r->dends) {
        for (int64_t k = 0; k < w; k++)
            out[k] = ann_load_elem(a, type, loc == ANN_LOC_LOCAL ? storage_of(p, k) : k);
    } else {
        int64_t o = 0;
        for (int32_t i = 0; i < r->ndends; i++) {
            int32_t d = r->dends[i];
            if (loc == ANN_LOC_SEMIGLOBAL) { out[o++] = ann_load_elem(a, type, d); continue; }
            for (int64_t k = p->k.row[d]; k < p->k.row[d + 1]; k++)
                out[o++] = ann_load_elem(a, type, storage_of(p, k));
        }
    }
    r->len += w;
    r->widths[r->nrec++] = w;
}

const double *ann_proj_recorder_data(const ann_proj_recorder *r, int64_t *nrec,
                                     const int64_t **widths)
{
    *nrec = r->nrec;
    *widths = r->widths;
    return r->buf;
}

void ann_proj_recorder_clear(ann_proj_recorder *r)
{
    r->len = 0;
    r->nrec = 0;
}

int64_t ann_proj_recorder_bytes(const ann_proj_recorder *r)
{
    return r->cap * (int64_t)sizeof(double) + r->wcap * (int64_t)sizeof(int64_t);
}

int64_t ann_projection_bytes(ann_network *net, int id)
{
    ann_proj *p = proj_at(net, id);
    int64_t b = 0;
    for (int a = 0; a < p->k.nattr; a++) b += attr_len(p, a) * (int64_t)ann_type_size(p->specs[a].type);
    b += (int64_t)(p->k.ndend + 1) * 8 + (int64_t)p->k.ndend * 4 + (int64_t)p->k.npost * 4;
    if (p->pre_major) {
        b += (int64_t)(p->k.npre + 1) * 8 + p->k.nsyn * 4;
        if (p->k.post_syn) b += p->k.nsyn * 12;
    } else {
        b += p->k.nsyn * 4;
    }
    if (p->k.delay) b += p->k.nsyn * 4;
    return b;
}
