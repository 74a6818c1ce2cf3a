/* Divided projections (docs/distributed.md, "Dividing the synapses"): on several processes,
 * a projection may keep on each process only the synapses of the post neurons that process
 * updates. Its dendrites are in ascending post rank and each process's range of post ranks is
 * contiguous and ordered by process, so the parts, joined in process order, are the whole in
 * its own order. A projection is divided when it is added (annp_divide_csr), or at the start of
 * a run (annp_keep_posts) when the blocks of the processes moved; the host reads and writes the
 * whole, gathered the first time it touches the projection after a run (annp_host). */
#include "comm.h"
#include "connect_internal.h"
#include "elem.h"
#include "projection_internal.h"

#include <stdio.h>
#include <string.h>

int annp_divisible(const ann_network *net, int id)
{
    const struct ann_projections *P = net->projs;
    const ann_proj *p = &P->p[id];
    if (p->serial || p->creating || p->pruning || p->k.link || p->k.next > 0) return 0;
    if (!(p->k.ordered & ANNK_ORDERED_DEND)) return 0;
    for (int32_t j = 0; j < P->n; j++)
        if (P->p[j].k.link == &p->k) return 0;
    for (int32_t r = 0; r < P->nrecs; r++)
        if (P->recs[r]->proj == id) return 0;
    return 1;
}

int32_t annp_divide_csr(ann_network *net, ann_csr *c, int32_t npost, int32_t *lo, int32_t *hi)
{
    /* a connector's part knows the largest delay of all the parts (annc_gather_parts) */
    int32_t whole_max = c->delay ? (c->max_delay > 1 ? c->max_delay : 1) : c->uniform_delay;
    for (int64_t k = 0; c->delay && k < c->nsyn; k++)
        if (c->delay[k] > whole_max) whole_max = c->delay[k];
    if (c->part) {
        /* drawn divided: its rows are this process's for the threads of the drawing (the run
         * moves them if its blocks differ) */
        *lo = c->part_lo;
        *hi = c->part_hi;
    } else {
        ann_comm_blocks(npost, net->threads, lo, hi);
        annc_keep_ranks(c, *lo, *hi);
    }
    return whole_max;
}

/* Post-major arrays for ndend dendrites and nsyn synapses shaped like p's (local attributes,
 * delays), and per-dendrite arrays for its semiglobal attributes in semi; 1 out of memory,
 * everything freed. */
static int pm_alloc(const ann_proj *p, int32_t ndend, int64_t nsyn, pm_data *d, void **semi)
{
    int32_t nattr = p->k.nattr;
    memset(d, 0, sizeof *d);
    d->ndend = ndend;
    d->nsyn = nsyn;
    d->post_rank = xmalloc(ndend, sizeof *d->post_rank);
    d->row = xmalloc(ndend + 1, sizeof *d->row);
    d->pre_rank = xmalloc(nsyn, sizeof *d->pre_rank);
    d->local = xcalloc(nattr, sizeof *d->local);
    int ok = d->post_rank && d->row && d->pre_rank && d->local;
    if (ok && p->k.delay) ok = (d->delay = xmalloc(nsyn, sizeof *d->delay)) != NULL;
    for (int a = 0; ok && a < nattr; a++) {
        semi[a] = NULL;
        size_t sz = ann_type_size(p->specs[a].type);
        if (p->specs[a].locality == ANN_LOC_LOCAL)
            ok = (d->local[a] = xmalloc(nsyn, sz)) != NULL;
        else if (p->specs[a].locality == ANN_LOC_SEMIGLOBAL)
            ok = (semi[a] = xmalloc(ndend, sz)) != NULL;
    }
    if (ok) return 0;
    for (int a = 0; a < nattr; a++) { free(semi[a]); semi[a] = NULL; }
    annp_pm_free(d, nattr);
    return 1;
}

static void semi_free(const ann_proj *p, void **semi)
{
    for (int a = 0; a < p->k.nattr; a++) { free(semi[a]); semi[a] = NULL; }
}

/* Copies dendrites [d0, d1) of p (its post-major view) into d, shaped by pm_alloc; the row
 * ends are offsets from base. */
static void copy_dendrites(const ann_proj *p, int32_t d0, int32_t d1, int64_t base, pm_data *d,
                           void **semi)
{
    int64_t s0 = p->k.row[d0], n = p->k.row[d1] - s0;
    memcpy(d->post_rank, p->k.post_rank + d0, (size_t)(d1 - d0) * sizeof *d->post_rank);
    for (int32_t i = 0; i <= d1 - d0; i++) d->row[i] = p->k.row[d0 + i] - s0 + base;
    memcpy(d->pre_rank, p->k.pre_rank + s0, (size_t)n * sizeof *d->pre_rank);
    for (int a = 0; a < p->k.nattr; a++) {
        size_t sz = ann_type_size(p->specs[a].type);
        const char *from = p->k.attr[a];
        if (d->local[a]) {
            for (int64_t k = 0; k < n; k++)
                memcpy((char *)d->local[a] + k * (int64_t)sz, from + storage_of(p, s0 + k) * (int64_t)sz, sz);
        } else if (semi[a]) {
            memcpy(semi[a], from + (size_t)d0 * sz, (size_t)(d1 - d0) * sz);
        }
    }
    for (int64_t k = 0; d->delay && k < n; k++) d->delay[k] = annk_delay(&p->k, storage_of(p, s0 + k));
}

/* Makes d p's storage, its semiglobal values those of semi (both consumed on success); the
 * spikes in flight are set on the new storage, divided or not. */
static int reinstall(ann_proj *p, pm_data *d, void **semi, int divided, ann_status *st)
{
    int32_t ndend = d->ndend;
    if (annp_install(p, d, st) != 0) return st->code;
    for (int a = 0; a < p->k.nattr; a++)
        if (semi[a]) memcpy(p->k.attr[a], semi[a], (size_t)ndend * ann_type_size(p->specs[a].type));
    p->divided = divided;
    if (sorted_by_delay(p)) annp_flights_rebase(p);
    return 0;
}

/* The first dendrite of p whose post rank is at least r (dendrites in ascending post rank). */
static int32_t dendrite_from(const ann_proj *p, int32_t r)
{
    int32_t lo = 0, hi = p->k.ndend;
    while (lo < hi) {
        int32_t m = lo + (hi - lo) / 2;
        if (p->k.post_rank[m] < r) lo = m + 1; else hi = m;
    }
    return lo;
}

int annp_keep_posts(ann_proj *p, int32_t lo, int32_t hi, ann_status *st)
{
    if (annp_ensure_view(p) != 0) return oom(st);
    int32_t d0 = dendrite_from(p, lo), d1 = dendrite_from(p, hi);
    pm_data d;
    void **semi = xcalloc(p->k.nattr, sizeof *semi);
    if (!semi || pm_alloc(p, d1 - d0, p->k.row[d1] - p->k.row[d0], &d, semi)) {
        free(semi);
        return oom(st);
    }
    copy_dendrites(p, d0, d1, 0, &d, semi);
    int rc = reinstall(p, &d, semi, 1, st);
    annp_pm_free(&d, p->k.nattr);
    semi_free(p, semi);
    free(semi);
    if (rc == 0) { p->own_lo = lo; p->own_hi = hi; p->gathered = 0; }
    return rc;
}

/* What each process tells the others before gathering. */
enum { INFO_OK, INFO_NDEND, INFO_NSYN, INFO_N };

int annp_gather_whole(ann_proj *p, ann_status *st)
{
    if (!p->divided) return 0;
    const ann_transport *tp = ann_comm();
    int32_t K = tp->size, nattr = p->k.nattr;
    int64_t info[INFO_N] = {annp_ensure_view(p) == 0, p->k.ndend, p->k.nsyn};
    int64_t *all = xmalloc((int64_t)K * INFO_N, sizeof *all);
    int64_t *dat = xmalloc(K + 1, sizeof *dat), *sat = xmalloc(K + 1, sizeof *sat);
    int32_t *counts = xmalloc(K, sizeof *counts), *displs = xmalloc(K, sizeof *displs);
    void **mysemi = xcalloc(nattr, sizeof *mysemi);   /* this process's semiglobal values */
    pm_data mine, w;
    memset(&mine, 0, sizeof mine);
    memset(&w, 0, sizeof w);
    if (!all || !dat || !sat || !counts || !displs || !mysemi) {
        /* the others cannot be told: this process stops the run with the message */
        fprintf(stderr, "annlua (process %d): out of memory gathering a projection\n", (int)tp->rank);
        ann_mpi_abort(1);
    }
    void **wsemi = xcalloc(nattr, sizeof *wsemi);
    /* this process's part, post-major, then the whole */
    info[INFO_OK] = info[INFO_OK] && wsemi
                    && !pm_alloc(p, p->k.ndend, p->k.nsyn, &mine, mysemi);
    tp->allgather(info, (int32_t)sizeof info, all);
    int ok = 1;
    dat[0] = sat[0] = 0;
    for (int32_t r = 0; r < K; r++) {
        ok &= all[r * INFO_N + INFO_OK] != 0;
        dat[r + 1] = dat[r] + all[r * INFO_N + INFO_NDEND];
        sat[r + 1] = sat[r] + all[r * INFO_N + INFO_NSYN];
    }
    int64_t whole_ok = ok && !pm_alloc(p, (int32_t)dat[K], sat[K], &w, wsemi);
    tp->allgather(&whole_ok, (int32_t)sizeof whole_ok, all);
    for (int32_t r = 0; r < K; r++) ok &= all[r] != 0;
    int rc = 0;
    if (ok) {
        copy_dendrites(p, 0, p->k.ndend, sat[tp->rank], &mine, mysemi);
        ann_comm_gather_parts(w.post_rank, mine.post_rank, sizeof *w.post_rank, dat, counts, displs);
        w.row[0] = 0;
        ann_comm_gather_parts(w.row + 1, mine.row + 1, sizeof *w.row, dat, counts, displs);
        ann_comm_gather_parts(w.pre_rank, mine.pre_rank, sizeof *w.pre_rank, sat, counts, displs);
        for (int a = 0; a < nattr; a++) {
            size_t sz = ann_type_size(p->specs[a].type);
            if (w.local[a]) ann_comm_gather_parts(w.local[a], mine.local[a], sz, sat, counts, displs);
            else if (wsemi[a]) ann_comm_gather_parts(wsemi[a], mysemi[a], sz, dat, counts, displs);
        }
        if (w.delay) ann_comm_gather_parts(w.delay, mine.delay, sizeof *w.delay, sat, counts, displs);
        annp_pm_free(&mine, nattr);
        semi_free(p, mysemi);
        rc = reinstall(p, &w, wsemi, 0, st);
        p->gathered = 1;
        if (rc != 0) {
            /* installing failed here after the others installed: nothing consistent is left */
            fprintf(stderr, "annlua (process %d): out of memory gathering a projection\n", (int)tp->rank);
            ann_mpi_abort(1);
        }
    } else {
        rc = ann_fail(st, "out of memory gathering the synapses of a projection from the processes");
    }
    annp_pm_free(&mine, nattr);
    annp_pm_free(&w, nattr);
    if (wsemi) semi_free(p, wsemi);
    semi_free(p, mysemi);
    free(wsemi); free(mysemi); free(all); free(dat); free(sat); free(counts); free(displs);
    return rc;
}

void annp_whole_counts(ann_proj *p, int32_t *ndend, int64_t *nsyn)
{
    *ndend = p->k.ndend;
    *nsyn = p->k.nsyn;
    if (!p->divided) return;
    const ann_transport *tp = ann_comm();
    int64_t mine[2] = {p->k.ndend, p->k.nsyn}, *all = xmalloc(2 * (int64_t)tp->size, sizeof *all);
    if (!all) {
        fprintf(stderr, "annlua (process %d): out of memory counting synapses\n", (int)tp->rank);
        ann_mpi_abort(1);
    }
    tp->allgather(mine, (int32_t)sizeof mine, all);
    *ndend = 0;
    *nsyn = 0;
    for (int32_t r = 0; r < tp->size; r++) { *ndend += (int32_t)all[2 * r]; *nsyn += all[2 * r + 1]; }
    free(all);
}

ann_proj *annp_host(ann_network *net, int id)
{
    ann_proj *p = proj_at(net, id);
    ann_status st;
    memset(&st, 0, sizeof st);
    if (p->divided && annp_gather_whole(p, &st) != 0) {
        fprintf(stderr, "annlua (process %d): %s\n", (int)ann_mpi_rank(), st.msg);
        ann_mpi_abort(1);
    }
    return p;
}

int ann_projection_release(ann_network *net, int id, ann_status *st)
{
    ann_proj *p = proj_at(net, id);
    /* only what the next run divides again (not a projection kept whole) */
    if (!p->gathered || p->divided || !net->divide || !annp_divisible(net, id)) return 0;
    return annp_keep_posts(p, p->own_lo, p->own_hi, st);
}
