/* Internal layout of the network runtime, shared by network.c, monitor.c and projection.c. */
#ifndef ANN_NETWORK_INTERNAL_H
#define ANN_NETWORK_INTERNAL_H

#include "annarchy.h"
#include "kernel/00_abi.h"
#include "pool.h"

#include <signal.h>

typedef void (*annk_global_fn)(annk_pop *p, const annk_ctx *c);
typedef void (*annk_pop_fn)(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie);
typedef int32_t (*annk_spike_fn)(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie);
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
    double        *gop_part;    /* [ngops][chunks of 256 neurons] partial results */
    int32_t        rate_window; /* steps; 0 = no windowed rate */
    int32_t        rate_attr;
    int64_t       *rate_hist;   /* [size * rate_window] spike steps */
    int32_t       *rate_hist_n; /* [size * 2] head, count */
    annk_global_fn global;
    annk_pop_fn    update;
    annk_spike_fn  spike;
    annk_stop_fn   stop;
    int32_t       *nfired;      /* [threads] spikes found by each thread's block */
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
    int32_t   threads;     /* 1 + the pool's workers */
    ann_pool *pool;        /* NULL with one thread */
    volatile sig_atomic_t interrupt;   /* set by ann_network_interrupt, polled by the run */
    ann_status record_fault;  /* the first recording that failed in this run (code != 0) */
};

/* The block [*b, *e) of neurons of a population of n that thread t of T works on
 * (ann_partition; docs/internals.md). */
static inline void ann_block(int32_t n, int t, int T, int32_t *b, int32_t *e)
{
    int64_t per = ((int64_t)n + T - 1) / T;
    per = (per + 255) / 256 * 256;
    int64_t lo = per * t, hi = per * (t + 1);
    *b = (int32_t)(lo < n ? lo : n);
    *e = (int32_t)(hi < n ? hi : n);
}

/* monitor.c: phase_b != 0 records the variables flagged for phase B (sums, conductances). */
void ann_monitor_record(ann_monitor *m, ann_network *net, const annk_ctx *ctx, int phase_b);

/* A monitor or a recorder (`what`, named `name`) could not grow its buffer at the step of
 * ctx: the run stops after this step and reports it (the first such failure of the run). */
void ann_network_record_fault(ann_network *net, const char *what, const char *name,
                              const annk_ctx *ctx);

/* projection_step.c: the projection phases of the step. Those taking (t, T) are run by every
 * thread t of T on its blocks of post neurons (with T = 1 over all of them); the others by
 * one thread. */
int  ann_projections_bind(ann_network *net, const ann_module *m, ann_status *st);
/* Queues the spikes of per-synapse-delay projections (before transmission). */
void ann_projections_queue(ann_network *net);
/* Whether some projection has a transmission kernel / a learning kernel that runs on one
 * thread only, queues spikes for per-synapse delays, or has learning kernels. */
enum { ANNP_SERIAL_TRANSMIT = 1, ANNP_SERIAL_LEARN = 2, ANNP_QUEUE = 4, ANNP_LEARN = 8 };
int  ann_projections_needs(const ann_network *net, int what);
void ann_projections_transmit(ann_network *net, const annk_ctx *ctx, int t, int T);
/* Moves the rings of per-synapse-delays on (after transmission). */
void ann_projections_advance(ann_network *net);
void ann_projections_push_delays(ann_network *net, const annk_ctx *ctx);
/* The global synaptic equations (before the learning phase). */
void ann_projections_learn_global(ann_network *net, const annk_ctx *ctx);
void ann_projections_learn(ann_network *net, const annk_ctx *ctx, int t, int T);
/* Structural plasticity and the recorders (after the learning phase). */
void ann_projections_finish(ann_network *net, const annk_ctx *ctx);
void ann_projections_free(ann_network *net);

#endif
