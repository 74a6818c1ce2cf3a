/* Internal layout of the network runtime, shared by network.c, monitor.c and projection.c. */
#ifndef ANN_NETWORK_INTERNAL_H
#define ANN_NETWORK_INTERNAL_H

#include "annarchy.h"
#include "kernel/00_abi.h"

#include <signal.h>

typedef void (*annk_pop_fn)(annk_pop *p, const annk_ctx *c);
typedef int (*annk_stop_fn)(annk_pop *p, const annk_ctx *c);

typedef struct ann_gop { int32_t op, attr; } ann_gop;

typedef struct ann_pop {
    annk_pop       k;          /* what kernels see */
    ann_attr_spec *specs;      /* [nattr] */
    int32_t        spiking;
    int32_t       *sums;       /* attributes zeroed at the start of each step */
    int32_t        nsums;
    ann_gop       *gops;
    int32_t        ngops;
    int32_t        rate_window; /* steps; 0 = no windowed rate */
    int32_t        rate_attr;
    int64_t       *rate_hist;   /* [size * rate_window] spike steps */
    int32_t       *rate_hist_n; /* [size * 2] head, count */
    annk_pop_fn    update, spike;
    annk_stop_fn   stop;
} ann_pop;

struct ann_projections;   /* projection.c */
struct ann_embed;         /* embed_internal.h: names and the network's last message */

struct ann_network {
    double    dt;
    uint64_t  seed;
    int64_t   step;
    double   *cst;
    int32_t   ncst;
    ann_pop  *pops;
    int32_t   npops;
    ann_monitor **mons;
    int32_t   nmons;
    struct ann_projections *projs;
    struct ann_embed *embed;
    int32_t   bound;
    volatile sig_atomic_t interrupt;   /* set by ann_network_interrupt, polled by the run */
};

void ann_network_single_step(ann_network *net);

/* monitor.c: phase_b != 0 records the variables flagged for phase B (sums, conductances). */
void ann_monitor_record(ann_monitor *m, ann_network *net, const annk_ctx *ctx, int phase_b);

/* projection.c: the projection phases of the step. */
int  ann_projections_bind(ann_network *net, const ann_module *m, ann_status *st);
void ann_projections_transmit(ann_network *net, const annk_ctx *ctx);
void ann_projections_push_delays(ann_network *net, const annk_ctx *ctx);
void ann_projections_learn(ann_network *net, const annk_ctx *ctx);
void ann_projections_free(ann_network *net);

#endif
