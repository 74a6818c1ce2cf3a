/* Projections in the step: transmission (phase A), delay buffers (E), synaptic updates, post
 * events and structural plasticity (G, H, I). Connectivity and the projection kernels are
 * added by the projection work (issue 5); until a network has projections these phases are
 * empty loops. */
#include "network_internal.h"

#include <stdlib.h>

struct ann_projections {
    int32_t n;
};

int ann_projections_bind(ann_network *net, const ann_module *m, ann_status *st)
{
    (void)net; (void)m; (void)st;
    return 0;
}

void ann_projections_transmit(ann_network *net, const annk_ctx *ctx) { (void)net; (void)ctx; }
void ann_projections_push_delays(ann_network *net, const annk_ctx *ctx) { (void)net; (void)ctx; }
void ann_projections_learn(ann_network *net, const annk_ctx *ctx) { (void)net; (void)ctx; }
void ann_projections_free(ann_network *net) { free(net->projs); net->projs = NULL; }
