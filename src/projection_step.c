/* Projections in the step: binding their kernels, transmission (phase A), the delay buffers
 * (E), synaptic updates and post events (G, H) and structural plasticity (I). The step
 * allocates nothing, except that spike rings grow geometrically and structural plasticity
 * rebuilds arrays. */
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
        LOOK(post_event, "post")
        LOOK(spike, "spike")
        LOOK(spike_syn, "spike_syn")
        LOOK(creating, "creating")
        LOOK(pruning, "pruning")
#undef LOOK
        if (p->spike_events && (!p->spike || (p->delay_kind == ANN_DELAY_VARIABLE && !p->spike_syn)))
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
                        annp_ring_push(k, slot, e, j);
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
            annp_run_creating(net, p, ctx);
    }
    for (int32_t i = 0; i < P->n; i++) {
        ann_proj *p = &P->p[i];
        if (p->pruning && due(ctx->step, p->pruning_start, p->pruning_period))
            annp_run_pruning(net, p, ctx);
    }
    for (int32_t i = 0; i < P->nrecs; i++) annp_record(P->recs[i], net, ctx);
}
