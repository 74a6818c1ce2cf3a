/* Projections: their storage (connectivity in the layout of its access pattern, synaptic
 * attributes), the post-major view of pre-major storage, and the host's reads and writes. */
#include "elem.h"
#include "projection_internal.h"

#include <stdlib.h>
#include <string.h>

static struct ann_projections *projs_of(ann_network *net)
{
    if (!net->projs) net->projs = calloc(1, sizeof *net->projs);
    return net->projs;
}

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
annk_proj *ann_network_projection(ann_network *net, int id) { return &annp_host(net, id)->k; }
int32_t ann_projection_attr_type(const ann_network *net, int id, int attr)
{
    return net->projs->p[id].specs[attr].type;
}
int32_t ann_projection_attr_locality(const ann_network *net, int id, int attr)
{
    return net->projs->p[id].specs[attr].locality;
}
int32_t ann_projection_pre(const ann_network *net, int id) { return net->projs->p[id].pre; }
int32_t ann_projection_post(const ann_network *net, int id) { return net->projs->p[id].post; }

int32_t ann_projection_attr_count(const ann_network *net, int id)
{
    return net->projs->p[id].k.nattr;
}

/* The host sees the whole projection: those below gather a divided one, or count its parts
 * (projection_divide.c). */
int32_t ann_projection_dendrite_count(ann_network *net, int id)
{
    int32_t ndend;
    int64_t nsyn;
    annp_whole_counts(proj_at(net, id), &ndend, &nsyn);
    return ndend;
}

const int32_t *ann_projection_post_ranks(ann_network *net, int id)
{
    return annp_host(net, id)->k.post_rank;
}

int64_t ann_projection_synapse_count(ann_network *net, int id)
{
    int32_t ndend;
    int64_t nsyn;
    annp_whole_counts(proj_at(net, id), &ndend, &nsyn);
    return nsyn;
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
int annp_ensure_view(ann_proj *p)
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

const int64_t *ann_projection_row(ann_network *net, int id)
{
    return annp_host(net, id)->k.row;
}

const int32_t *ann_projection_pre_ranks(ann_network *net, int id)
{
    ann_proj *p = annp_host(net, id);
    if (annp_ensure_view(p) != 0) return NULL;
    return p->k.pre_rank;
}

int32_t ann_projection_dendrite_of(ann_network *net, int id, int32_t post_rank)
{
    ann_proj *p = annp_host(net, id);
    if (post_rank < 0 || post_rank >= p->k.npost) return -1;
    return p->k.dend_of_rank[post_rank];
}

int64_t ann_projection_synapse_index(ann_network *net, int id, int32_t dend, int32_t pre_rank)
{
    ann_proj *p = annp_host(net, id);
    if (dend < 0 || dend >= p->k.ndend || annp_ensure_view(p) != 0) return -1;
    int64_t lo = p->k.row[dend], hi = p->k.row[dend + 1];
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (p->k.pre_rank[mid] < pre_rank) lo = mid + 1; else hi = mid;
    }
    if (lo < p->k.row[dend + 1] && p->k.pre_rank[lo] == pre_rank) return lo;
    return -1;
}


/* ---- installing connectivity ------------------------------------------------------------- */

void annp_pm_free(pm_data *d, int32_t nattr)
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
    for (int a = 0; p->specs && p->k.attr && a < p->k.nattr; a++) {
        if (p->specs[a].locality == ANN_LOC_LOCAL) { free(p->k.attr[a]); p->k.attr[a] = NULL; }
    }
}

/* The ANNK_ORDERED_* flags: dendrites in ascending post rank and, pre-major, every pre row
 * or every run of one delay within a row too: the kernels then find the part of a thread by
 * bisection (annk_dend_range, annk_row_range, annk_seg_range). */
static int32_t is_ordered(const annk_proj *k, int pre_major)
{
    for (int32_t d = 1; d < k->ndend; d++)
        if (k->post_rank[d] <= k->post_rank[d - 1]) return 0;
    if (!pre_major) return ANNK_ORDERED_DEND;
    int32_t flags = ANNK_ORDERED_DEND | ANNK_ORDERED_ROWS | ANNK_ORDERED_SEGMENTS;
    for (int32_t j = 0; j < k->npre; j++) {
        for (int64_t e = k->pre_row[j] + 1; e < k->pre_row[j + 1]; e++) {
            if (k->syn_post[e] >= k->syn_post[e - 1]) continue;
            flags &= ~ANNK_ORDERED_ROWS;
            if (!k->delay || annk_delay(k, e) == annk_delay(k, e - 1)) return ANNK_ORDERED_DEND;
        }
    }
    return flags;
}

/* The pre-major storage of the post-major d on the projection's threads: pre_row, syn_post,
 * the local attributes in stor, the delays sorted per row (sdelay) and, with a post index,
 * post_syn. Each array is moved on its own and its post-major source freed at once (the
 * arrays of d are consumed), so that at most one attribute is held in both orders. 1 on
 * failure, everything of its own freed. */
static int install_pre_major(ann_proj *p, pm_data *d, int32_t dbytes, int64_t **pre_row,
                             int32_t **syn_post, void **stor, void **sdelay, int64_t **post_syn,
                             ann_status *st)
{
    int64_t nsyn = d->nsyn;
    annp_order *o = annp_order_new(d, p->k.npre, p->threads, st);
    if (!o) return 1;
    int ok = 1;
    if (d->delay) {
        *sdelay = annp_order_sort_by_delay(o, d->delay, dbytes);
        ok = *sdelay != NULL;
        free(d->delay); d->delay = NULL;
    }
    /* the post-major pre ranks stay only as the post index */
    if (ok && !p->post_index) {
        ok = !annp_order_place(o, d->pre_rank);
        d->pre_rank = NULL;
    } else if (ok) {
        ok = !annp_order_place(o, NULL);
    }
    for (int a = 0; ok && a < p->k.nattr; a++) {
        if (p->specs[a].locality != ANN_LOC_LOCAL) continue;
        size_t sz = ann_type_size(p->specs[a].type);
        stor[a] = xmalloc(nsyn, sz);
        ok = stor[a] != NULL;
        if (ok) annp_order_move(o, d->local[a], stor[a], sz);
        free(d->local[a]); d->local[a] = NULL;
    }
    if (ok) {
        *syn_post = xmalloc(nsyn, sizeof **syn_post);
        ok = *syn_post != NULL;
        if (ok) annp_order_post_ranks(o, d->post_rank, *syn_post);
    }
    /* the post-major view is kept only where post events need it */
    if (ok && p->post_index) {
        *post_syn = xmalloc(nsyn, sizeof **post_syn);
        ok = *post_syn != NULL;
        if (ok) annp_order_places(o, *post_syn);
    }
    if (ok) *pre_row = annp_order_take_pre_row(o);
    annp_order_free(o);
    if (ok) return 0;
    for (int a = 0; a < p->k.nattr; a++) { free(stor[a]); stor[a] = NULL; }
    free(*sdelay); free(*syn_post); free(*post_syn);
    *sdelay = NULL; *syn_post = NULL; *post_syn = NULL;
    oom(st);
    return 1;
}

/* Makes d the projection's connectivity. Semiglobal and global attributes keep their arrays
 * when the number of dendrites does not change (else they are reallocated, zeroed). On
 * failure the projection is unchanged and d is left to the caller (some of its arrays may
 * have been freed). */
int annp_install(ann_proj *p, pm_data *d, ann_status *st)
{
    int32_t nattr = p->k.nattr;
    int64_t nsyn = d->nsyn;
    int32_t *dend_of_rank = xmalloc(p->k.npost, sizeof *dend_of_rank);
    void **semi = xcalloc(nattr, sizeof *semi);
    void **stor = xcalloc(nattr, sizeof *stor);
    if (!dend_of_rank || !semi || !stor) {
        free(dend_of_rank); free(semi); free(stor);
        return oom(st);
    }
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
    void *sdelay = NULL;
    int32_t dmax = 1;
    for (int64_t k = 0; d->delay && k < nsyn; k++) if (d->delay[k] > dmax) dmax = d->delay[k];
    int32_t dbytes = annp_delay_bytes(dmax);
    if (ok && d->delay && !p->pre_major) {
        sdelay = annp_delays_narrow(d->delay, nsyn, dbytes);
        ok = sdelay != NULL;
    }
    int failed = !ok;
    if (ok && p->pre_major)
        failed = install_pre_major(p, d, dbytes, &pre_row, &syn_post, stor, &sdelay, &post_syn, st);
    else if (!ok)
        oom(st);
    if (failed) {
        free(dend_of_rank);
        for (int a = 0; a < nattr; a++) free(semi[a]);
        free(semi); free(stor); free(sdelay);
        return st->code;
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
    p->k.delay = sdelay;
    p->k.delay_bytes = sdelay ? dbytes : 0;
    free(d->delay); d->delay = NULL;
    p->k.pre_rank = d->pre_rank; d->pre_rank = NULL;
    if (p->pre_major) {
        p->k.pre_row = pre_row;
        p->k.syn_post = syn_post;
        for (int a = 0; a < nattr; a++) if (stor[a]) p->k.attr[a] = stor[a];
        p->k.post_syn = post_syn;
        drop_view(p);
    } else {
        for (int a = 0; a < nattr; a++) {
            if (p->specs[a].locality == ANN_LOC_LOCAL) { p->k.attr[a] = d->local[a]; d->local[a] = NULL; }
        }
    }
    free(stor);
    p->k.ordered = is_ordered(&p->k, p->pre_major);
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
        if (!d->local[a]) { annp_pm_free(d, nattr); return oom(st); }
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
            if (!d->delay) { annp_pm_free(d, nattr); return oom(st); }
            for (int64_t k = 0; k < c->nsyn; k++) d->delay[k] = c->uniform_delay;
        }
        for (int64_t k = 0; k < c->nsyn; k++) if (d->delay[k] < 1) d->delay[k] = 1;
    } else if (c->delay) {
        /* all the same value? then it is uniform after all */
        for (int64_t k = 1; k < c->nsyn; k++) {
            if (c->delay[k] != c->delay[0]) {
                annp_pm_free(d, nattr);
                return ann_fail(st, "internal error: per-synapse delays in a projection "
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
        for (int64_t e = 0; e < p->k.nsyn; e++) if (annk_delay(&p->k, e) > m) m = annk_delay(&p->k, e);
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


int ann_network_add_projection(ann_network *net, const ann_proj_desc *d, ann_csr *c,
                               ann_status *st)
{
    struct ann_projections *P = projs_of(net);
    if (!P) return -oom(st);
    if (net->bound) {
        return -ann_fail(st, "you cannot add a projection after the network has been "
                         "compiled");
    }
    if (d->pre < 0 || d->pre >= net->npops || d->post < 0 || d->post >= net->npops)
        return -ann_fail(st, "a projection between unknown populations");
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
    p->plastic = d->plastic;
    p->transmit_local = d->transmit_local;
    p->threads = d->threads;
    p->k.npre = net->pops[d->pre].k.size;
    p->k.npost = net->pops[d->post].k.size;
    p->k.transmission = p->k.update = p->k.plasticity = p->k.axon_transmission = 1;
    p->k.update_period = 1;
    p->k.stream = 0x10000000u + (uint32_t)P->n;
    p->k.nattr = d->nattr;
    p->specs = xcalloc(d->nattr, sizeof *p->specs);
    p->k.attr = xcalloc(d->nattr, sizeof *p->k.attr);
    p->delayed = xcalloc(d->ndelayed, sizeof *p->delayed);
    p->pre_read = xcalloc(d->npre_read, sizeof *p->pre_read);
    int ok = p->specs && p->k.attr && p->delayed && p->pre_read;
    for (int a = 0; ok && a < d->nattr; a++) {
        p->specs[a] = d->attrs[a];
        if (d->attrs[a].locality == ANN_LOC_GLOBAL) {
            p->k.attr[a] = xcalloc(1, ann_type_size(d->attrs[a].type));
            ok = p->k.attr[a] != NULL;
            if (ok) ann_store_elem(p->k.attr[a], d->attrs[a].type, 0, d->attrs[a].init);
        }
    }
    if (ok) {
        if (d->ndelayed > 0)
            memcpy(p->delayed, d->delayed, (size_t)d->ndelayed * sizeof *p->delayed);
        p->ndelayed = d->ndelayed;
        for (int32_t k = 0; k < d->npre_read; k++) {
            int32_t a = d->pre_read[k];
            if (a >= 0 && a < net->pops[d->pre].k.nattr) p->pre_read[p->npre_read++] = a;
        }
    }
    /* on several processes, dividing (or given a part): only the synapses of this process's
     * post neurons */
    int32_t whole_max = 0, divided = c->part || (net->divide && ann_mpi_size() > 1);
    if (ok && divided)
        whole_max = annp_divide_csr(net, c, p->k.npost, &p->own_lo, &p->own_hi);
    pm_data pm;
    int rc = ok ? 0 : oom(st);
    if (rc == 0) rc = pm_from_csr(p, c, &pm, st);
    if (rc == 0) {
        /* semiglobal arrays are allocated by install (ndend changes from 0) */
        rc = annp_install(p, &pm, st);
        annp_pm_free(&pm, p->k.nattr);
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
        if (whole_max > p->k.max_delay) p->k.max_delay = whole_max;
        p->divided = divided;
    }
    if (rc != 0) {
        free_connectivity(p);
        for (int a = 0; a < d->nattr; a++) free(p->k.attr ? p->k.attr[a] : NULL);
        free(p->k.attr); free(p->specs); free(p->delayed); free(p->pre_read); free(p->k.dend_of_rank);
        return -1;
    }
    ann_csr_free(c);
    return P->n++;
}

int ann_projection_set_connectivity(ann_network *net, int id, ann_csr *c, ann_status *st)
{
    ann_proj *p = proj_at(net, id);
    if (p->delay_kind == ANN_DELAY_NONE && c->delay == NULL && c->uniform_delay > 1)
        return ann_fail(st, "the projection was built without delays: it is too late "
                        "to create them");
    pm_data pm;
    /* a part drawn divided (c->part) stays this process's part; the front end gives the whole */
    int32_t part = c->part, part_lo = c->part_lo, part_hi = c->part_hi, whole_max = c->max_delay;
    if (pm_from_csr(p, c, &pm, st) != 0) return st->code;
    int32_t old_max = p->k.max_delay;
    if (annp_install(p, &pm, st) != 0) { annp_pm_free(&pm, p->k.nattr); return st->code; }
    annp_pm_free(&pm, p->k.nattr);
    p->divided = part;
    p->gathered = 0;
    p->own_lo = part_lo;
    p->own_hi = part_hi;
    if (p->delay_kind != ANN_DELAY_NONE) p->k.uniform_delay = c->uniform_delay < 1 ? 1 : c->uniform_delay;
    set_shared_weight(p, c);
    ann_csr_free(c);
    int32_t m = max_of_delays(p);
    if (part && whole_max > m) m = whole_max;
    p->k.max_delay = old_max;
    if (annp_grow_buffers(net, p, m, st) != 0) return st->code;
    annp_flights_clear(&p->flights);
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

/* The projection for the host's access to attribute attr: global values are the same on every
 * process, the others need the whole projection. */
static ann_proj *host_attr(ann_network *net, int id, int attr)
{
    ann_proj *p = proj_at(net, id);
    return p->specs[attr].locality == ANN_LOC_GLOBAL ? p : annp_host(net, id);
}

/* Whether [d0, d1) is every dendrite of the divided p, with *nsyn the synapses of all (a
 * collective, like every host access to a divided projection). */
static int every_dendrite(ann_proj *p, int32_t d0, int32_t d1, int64_t *nsyn)
{
    if (!p->divided || d0 != 0) return 0;
    int32_t ndend;
    annp_whole_counts(p, &ndend, nsyn);
    return d1 == ndend;
}

int64_t ann_projection_count_values(ann_network *net, int id, int attr, int32_t d0, int32_t d1)
{
    ann_proj *p = proj_at(net, id);
    int64_t nsyn;
    if (p->specs[attr].locality == ANN_LOC_LOCAL && every_dendrite(p, d0, d1, &nsyn)) return nsyn;
    p = host_attr(net, id, attr);
    switch (p->specs[attr].locality) {
    case ANN_LOC_LOCAL:      return p->k.row[d1] - p->k.row[d0];
    case ANN_LOC_SEMIGLOBAL: return d1 - d0;
    default:                 return 1;
    }
}

int ann_projection_read(ann_network *net, int id, int attr, int32_t d0, int32_t d1,
                        double *out, ann_status *st)
{
    ann_proj *p = host_attr(net, id, attr);
    const void *a = p->k.attr[attr];
    int32_t type = p->specs[attr].type;
    switch (p->specs[attr].locality) {
    case ANN_LOC_LOCAL: {
        if (annp_ensure_view(p) != 0) return oom(st);
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
    int64_t nsyn;
    if (n == 1 && p->specs[attr].locality != ANN_LOC_GLOBAL && every_dendrite(p, d0, d1, &nsyn)) {
        /* one value for every synapse or dendrite: each process sets its own */
        int64_t len = attr_len(p, attr);
        for (int64_t k = 0; k < len; k++) ann_store_elem(p->k.attr[attr], p->specs[attr].type, k, in[0]);
        return 0;
    }
    p = host_attr(net, id, attr);
    void *a = p->k.attr[attr];
    int32_t type = p->specs[attr].type;
    int64_t want = ann_projection_count_values(net, id, attr, d0, d1);
    if (n != 1 && n != want)
        return ann_fail(st, "expected %lld values, got %lld", (long long)want, (long long)n);
    switch (p->specs[attr].locality) {
    case ANN_LOC_LOCAL: {
        if (annp_ensure_view(p) != 0) return oom(st);
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
    ann_proj *p = host_attr(net, id, attr);
    if (p->specs[attr].locality == ANN_LOC_LOCAL) {
        if (annp_ensure_view(p) != 0) return 0.0;
        k = storage_of(p, k);
    } else if (p->specs[attr].locality == ANN_LOC_GLOBAL) {
        k = 0;
    }
    return ann_load_elem(p->k.attr[attr], p->specs[attr].type, k);
}

void ann_projection_set1(ann_network *net, int id, int attr, int64_t k, double v)
{
    ann_proj *p = host_attr(net, id, attr);
    if (p->specs[attr].locality == ANN_LOC_LOCAL) {
        if (annp_ensure_view(p) != 0) return;
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

void ann_projection_set_axon_transmission(ann_network *net, int id, int32_t on)
{
    proj_at(net, id)->k.axon_transmission = on != 0;
}

void ann_projection_set_schedule(ann_network *net, int id, int32_t period, int64_t offset)
{
    ann_proj *p = proj_at(net, id);
    p->k.update_period = period < 1 ? 1 : period;
    int64_t o = offset % p->k.update_period;
    if (o < 0) o += p->k.update_period;
    p->k.update_offset = (int32_t)o;
}


void ann_projections_free(ann_network *net)
{
    struct ann_projections *P = net->projs;
    if (!P) return;
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        free_connectivity(p);
        for (int a = 0; a < p->k.nattr; a++) free(p->k.attr[a]);
        free(p->k.attr); free(p->specs); free(p->delayed); free(p->pre_read); free(p->k.dend_of_rank);
        free(p->mark);
        for (int k = 0; k < p->k.next; k++) free(p->k.ext[k]);
        free(p->k.ext); free(p->k.ext_len);
        annp_flights_free(&p->flights);
    }
    free(P->p);
    for (int i = 0; i < P->nhist; i++) annp_hist_free(&P->hist[i]);
    free(P->hist);
    for (int32_t i = 0; i < P->nrecs; i++) ann_proj_recorder_free(NULL, P->recs[i]);
    free(P->recs);
    free(P);
    net->projs = NULL;
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
    if (p->k.delay) b += p->k.nsyn * p->k.delay_bytes;
    const ann_flights *f = &p->flights;
    b += f->cap * (int64_t)sizeof *f->f + f->segcap * (int64_t)sizeof *f->seg;
    return b;
}
