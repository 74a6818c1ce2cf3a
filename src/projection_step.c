/* Projections in the step: binding their kernels, transmission (phase A), the delay buffers
 * (E), synaptic updates and post events (G, H) and structural plasticity (I). The step
 * allocates nothing, except that the lists of spikes in flight grow geometrically and
 * structural plasticity rebuilds arrays. */
#include "elem.h"
#include "projection_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        LOOK(update_global, "update_global")
        LOOK(post_event, "post")
        LOOK(spike, "spike")
        LOOK(axon, "axon")
        LOOK(spike_seg, "spike_seg")
        LOOK(creating, "creating")
        LOOK(pruning, "pruning")
#undef LOOK
        snprintf(name, sizeof name, "annk_proj%d_serial", (int)i);
        const int32_t *serial = ann_module_symbol(m, name);
        p->serial = serial ? *serial : 0;
        if (p->spike_events && (!p->spike || (p->delay_kind == ANN_DELAY_VARIABLE && !p->spike_seg)))
            return ann_fail(st, "the kernels of projection %d are missing", (int)i);
    }
    if (!P->hist) {
        P->hist = xcalloc(net->npops, sizeof *P->hist);
        if (!P->hist) return oom(st);
        P->nhist = net->npops;
    }
    for (int i = 0; i < net->npops; i++) {
        if (annp_update_history(net, i, st) != 0) return st->code;
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

int ann_projections_needs(const ann_network *net, int what)
{
    const struct ann_projections *P = net->projs;
    for (int32_t i = 0; P && i < P->n; i++) {
        const ann_proj *p = &P->p[i];
        int has = p->serial & (ANNP_SERIAL_TRANSMIT | ANNP_SERIAL_LEARN);
        if (p->spike_events && p->delay_kind == ANN_DELAY_VARIABLE) has |= ANNP_QUEUE;
        if (p->update || p->post_event) has |= ANNP_LEARN;
        if (!p->transmit_local || p->psp || p->axon) has |= ANNP_READS_PRE;
        if (has & what) return 1;
    }
    return 0;
}

/* Whether projection p transmits in this step. */
static int transmits(const ann_network *net, const ann_proj *p)
{
    return p->k.transmission && net->pops[p->post].k.enabled;
}

/* Whether p transmits through its flights of per-synapse delays in this step. */
static int flies(const ann_network *net, const ann_proj *p)
{
    return sorted_by_delay(p) && transmits(net, p);
}

void ann_projections_queue(ann_network *net, atomic_int *next)
{
    struct ann_projections *P = net->projs;
    if (!P) return;
    for (;;) {
        int32_t i = atomic_fetch_add_explicit(next, 1, memory_order_relaxed);
        if (i >= P->n) break;
        ann_proj *p = &P->p[i];
        if (flies(net, p)) annp_flights_queue(p, &net->pops[p->pre].k);
    }
}

void ann_projections_advance(ann_network *net)
{
    struct ann_projections *P = net->projs;
    for (int32_t i = 0; P && i < P->n; i++) {
        ann_proj *p = &P->p[i];
        if (flies(net, p)) annp_flights_advance(&p->flights);
    }
}

void ann_projections_transmit(ann_network *net, const annk_ctx *ctx, int w, int nw, int W)
{
    struct ann_projections *P = net->projs;
    if (!P) return;
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        ann_pop *pre = &net->pops[p->pre], *post = &net->pops[p->post];
        if (!transmits(net, p)) continue;
        int32_t ib, ie;
        ann_blocks(post->k.size, w, nw, W, &ib, &ie);
        if (ib >= ie) continue;
        /* axonal spikes of the last step, undelayed, before the somatic ones (as the
         * reference); only through synapses with pre_axon_spike */
        if (p->axon && p->k.axon_transmission && pre->k.enabled && pre->k.naxonal > 0)
            p->axon(&p->k, &pre->k, &post->k, ctx, pre->k.axonal, pre->k.naxonal, ib, ie);
        if (p->spike_events) {
            const int32_t *spk = net->transmit_sent ? pre->sent : pre->k.spiked;
            int32_t n = pre->k.enabled ? pre->k.nspiked : 0;
            if (p->delay_kind == ANN_DELAY_VARIABLE) {
                if (p->flights.nseg > 0)
                    p->spike_seg(&p->k, &pre->k, &post->k, ctx, p->flights.seg, p->flights.nseg,
                                 ib, ie);
            } else {
                int32_t d = p->delay_kind == ANN_DELAY_UNIFORM ? p->k.uniform_delay : 1;
                if (d > 1 && pre->k.hist_len > 0) {
                    int32_t slot = (pre->k.hist_pos + d - 1) % pre->k.hist_len;
                    spk = pre->k.spk_hist[slot];
                    n = pre->k.spk_hist_n[slot];
                }
                if (n > 0) p->spike(&p->k, &pre->k, &post->k, ctx, spk, n, ib, ie);
            }
        }
        if (p->psp) p->psp(&p->k, &pre->k, &post->k, ctx, ib, ie);
    }
}

/* Whether p's synaptic equations run at this step. */
static int updates(const ann_network *net, const ann_proj *p, const annk_ctx *ctx)
{
    if (!p->update || !p->k.transmission || !p->k.update || !net->pops[p->post].k.enabled)
        return 0;
    return (ctx->step - p->k.update_offset) % p->k.update_period == 0;
}

static int post_events(const ann_network *net, const ann_proj *p)
{
    const annk_pop *post = &net->pops[p->post].k;
    return p->post_event && p->k.transmission && post->enabled && post->nspiked > 0;
}

void ann_projections_learn_global(ann_network *net, const annk_ctx *ctx)
{
    struct ann_projections *P = net->projs;
    for (int32_t i = 0; P && i < P->n; i++) {
        ann_proj *p = &P->p[i];
        if (p->update_global && updates(net, p, ctx))
            p->update_global(&p->k, &net->pops[p->pre].k, &net->pops[p->post].k, ctx);
    }
}

void ann_projections_learn(ann_network *net, const annk_ctx *ctx, int w, int nw, int W)
{
    struct ann_projections *P = net->projs;
    if (!P) return;
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        if (!updates(net, p, ctx)) continue;
        int32_t ib, ie;
        ann_blocks(p->k.npost, w, nw, W, &ib, &ie);
        if (ib < ie) p->update(&p->k, &net->pops[p->pre].k, &net->pops[p->post].k, ctx, ib, ie);
    }
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        if (!post_events(net, p)) continue;
        int32_t ib, ie;
        ann_blocks(p->k.npost, w, nw, W, &ib, &ie);
        if (ib < ie)
            p->post_event(&p->k, &net->pops[p->pre].k, &net->pops[p->post].k, ctx, ib, ie);
    }
}

void ann_projections_finish(ann_network *net, const annk_ctx *ctx)
{
    struct ann_projections *P = net->projs;
    if (!P) return;
    /* shared by several processes, these phases run on every process over the whole
     * projection, gathered first */
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        if (p->creating && due(ctx->step, p->creating_start, p->creating_period)) {
            if (net->dist) ann_procs_gather_projection(net->dist, net, i);
            annp_run_creating(net, p, ctx);
        }
    }
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        if (p->pruning && due(ctx->step, p->pruning_start, p->pruning_period)) {
            if (net->dist) ann_procs_gather_projection(net->dist, net, i);
            annp_run_pruning(net, p, ctx);
        }
    }
    for (int32_t i = 0; i < P->nrecs; i++) {
        ann_proj_recorder *r = P->recs[i];
        if (net->dist && r->when.recording && ann_schedule_due(&r->when, ctx->step))
            ann_procs_gather_projection(net->dist, net, r->proj);
        annp_record(r, net, ctx);
    }
}
