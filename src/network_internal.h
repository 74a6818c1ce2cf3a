/* Internal layout of the network runtime, shared by network.c, monitor.c and projection.c. */
#ifndef ANN_NETWORK_INTERNAL_H
#define ANN_NETWORK_INTERNAL_H

#include "annarchy.h"
#include "kernel/00_abi.h"
#include "pool.h"

#include <signal.h>
#include <stdatomic.h>

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
    int32_t       *sent;        /* a copy of the spike list that transmission reads while
                                   threads overlap (network.c, overlap_init) */
} ann_pop;

struct ann_projections;   /* projection.c */
typedef struct ann_procs ann_procs;   /* network_procs.c */
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
    ann_procs *dist;        /* during a run shared by several processes */
    int32_t   divide;      /* on several processes, keep each projection's synapses only with
                              the process of their post neuron (projection_divide.c) */
    int       transmit_sent; /* during a run: transmission reads the pops' sent lists */
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

/* The neurons [*b, *e) of workers w .. w + nw - 1 of W: their blocks are consecutive. */
static inline void ann_blocks(int32_t n, int w, int nw, int W, int32_t *b, int32_t *e)
{
    int32_t b1, e0;
    ann_block(n, w, W, b, &e0);
    ann_block(n, w + nw - 1, W, &b1, e);
}

/* monitor.c: phase_b != 0 records the variables flagged for phase B (sums, conductances). */
void ann_monitor_record(ann_monitor *m, ann_network *net, const annk_ctx *ctx, int phase_b);
/* Whether m records values at this step and phase; sets want[population][attribute] of
 * what it records. */
int  ann_monitor_due(const ann_monitor *m, int64_t step, int phase_b, uint8_t *const *want);
/* Whether m records values in phase B (sums and conductances, before the neuron updates). */
int  ann_monitor_in_phase_b(const ann_monitor *m);

/* A monitor or a recorder (`what`, named `name`) could not grow its buffer at the step of
 * ctx: the run stops after this step and reports it (the first such failure of the run). */
void ann_network_record_fault(ann_network *net, const char *what, const char *name,
                              const annk_ctx *ctx);

/* projection_step.c: the projection phases of the step. Those taking (t, T) are run by every
 * thread t of T on its blocks of post neurons (with T = 1 over all of them); the others by
 * one thread. */

/* network_procs.c: a run shared by several processes (NULL dist with one process). */
/* Before a run: the partition of workers over the processes, what is exchanged per step
 * (stop: the populations of the stop condition, read whole). *out stays NULL alone. */
int  ann_procs_begin(ann_network *net, const int32_t *stop, int32_t nstop, ann_procs **out,
                    ann_status *st);
int32_t ann_procs_first_worker(const ann_procs *d);
int32_t ann_procs_workers(const ann_procs *d);
/* Whether some process was asked to stop (ann_network_interrupt) before the last exchange:
 * the processes stop at the same step. */
int32_t ann_procs_interrupted(const ann_procs *d);
/* After the neuron updates: every spike (rank order), the attributes others read and the
 * partial global operations; last_spike of others' spikes. */
void ann_procs_exchange(ann_procs *d, ann_network *net, const annk_ctx *ctx);
/* Before the monitors record at this step and phase: what they record, from its owners. */
void ann_procs_gather_monitored(ann_procs *d, ann_network *net, int64_t step, int phase_b);
/* Before structural plasticity or a recorder reads projection id: its synapses and its pre-
 * and post-synaptic populations, whole. */
void ann_procs_gather_projection(ann_procs *d, ann_network *net, int id);
/* After the learning phase: the synapses a Copy or a Transpose reads at the next step. */
void ann_procs_gather_linked(ann_procs *d, ann_network *net);
/* After a run: the whole state on every process. */
void ann_procs_end(ann_procs *d, ann_network *net);
void ann_procs_free(ann_procs *d, const ann_network *net);

/* projection_step.c: the projection phases of the step. Those taking (w, nw, W) work on the
 * blocks of post neurons of workers w .. w + nw - 1 of W (every thread of every process is
 * one worker; (0, W, W) is every neuron); the others run on one thread. */
int  ann_projections_bind(ann_network *net, const ann_module *m, ann_status *st);
/* Queues the spikes of per-synapse-delay projections (before transmission). Every thread of
 * the step calls it with the same counter (0 before the step): each takes the next projection
 * from it until none is left, so that the projections are queued in parallel (each by one
 * thread, its work the same whichever thread does it). */
void ann_projections_queue(ann_network *net, atomic_int *next);
/* Whether some projection has a transmission kernel / a learning kernel that runs on one
 * thread only, queues spikes for per-synapse delays, has learning kernels, or transmits through
 * kernels that read more of the pre neurons than their spike list (rate-coded sums included). */
enum { ANNP_SERIAL_TRANSMIT = 1, ANNP_SERIAL_LEARN = 2, ANNP_QUEUE = 4, ANNP_LEARN = 8,
       ANNP_READS_PRE = 16 };
int  ann_projections_needs(const ann_network *net, int what);
void ann_projections_transmit(ann_network *net, const annk_ctx *ctx, int w, int nw, int W);
/* Moves the rings of per-synapse-delays on (after transmission). */
void ann_projections_advance(ann_network *net);
void ann_projections_push_delays(ann_network *net, const annk_ctx *ctx);
/* The global synaptic equations (before the learning phase). */
void ann_projections_learn_global(ann_network *net, const annk_ctx *ctx);
void ann_projections_learn(ann_network *net, const annk_ctx *ctx, int w, int nw, int W);
/* Structural plasticity and the recorders (after the learning phase). */
void ann_projections_finish(ann_network *net, const annk_ctx *ctx);
void ann_projections_free(ann_network *net);

#endif
