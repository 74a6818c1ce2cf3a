/* The network runtime: populations, projections and monitors of one network, their state,
 * and the simulation step (reference §6.1), run entirely in C. */
#ifndef ANN_NETWORK_H
#define ANN_NETWORK_H

#include "annarchy.h"
#include "kernel/00_abi.h"

#include <stddef.h>
#include <stdint.h>

typedef struct ann_network ann_network;
typedef struct ann_monitor ann_monitor;

/* Global operations computed after the neuron update (reference §4.6). */
enum { ANN_GOP_MIN = 0, ANN_GOP_MAX, ANN_GOP_MEAN, ANN_GOP_NORM1, ANN_GOP_NORM2 };

/* Stop-condition combination for ann_network_run. */
enum { ANN_UNTIL_NONE = 0, ANN_UNTIL_AND, ANN_UNTIL_OR };

/* How an attribute is stored. */
typedef struct ann_attr_spec {
    int32_t type;    /* ANNK_F64, ANNK_F32, ANNK_I32, ANNK_BOOL */
    int32_t local;   /* 1: one element per neuron; 0: one per population */
} ann_attr_spec;

ann_network *ann_network_new(double dt, uint64_t seed);
void         ann_network_free(ann_network *net);

double   ann_network_dt(const ann_network *net);
uint64_t ann_network_seed(const ann_network *net);
void     ann_network_set_seed(ann_network *net, uint64_t seed);
int64_t  ann_network_step_count(const ann_network *net);
void     ann_network_set_step_count(ann_network *net, int64_t step);

/* Constants readable by kernels (ctx->cst[k]). Returns the index. */
int      ann_network_add_constant(ann_network *net, double value);
void     ann_network_set_constant(ann_network *net, int k, double value);

/* ---- populations ---- */
int ann_network_add_population(ann_network *net, int32_t size, int32_t nattr,
                               const ann_attr_spec *attrs, int32_t spiking, ann_status *st);
int32_t    ann_network_population_count(const ann_network *net);
annk_pop  *ann_network_population(ann_network *net, int id);
int32_t    ann_population_attr_type(const ann_network *net, int pop, int attr);
int32_t    ann_population_attr_local(const ann_network *net, int pop, int attr);
/* Attribute k of a rate population is a weighted sum, zeroed at the start of every step. */
int        ann_population_mark_sum(ann_network *net, int pop, int attr, ann_status *st);
/* A global operation over a local attribute, stored in gop[index]; returns the index. */
int        ann_population_add_gop(ann_network *net, int pop, int op, int attr, ann_status *st);
int        ann_population_enable_refractory(ann_network *net, int pop, ann_status *st);
/* Windowed firing rate written into attribute r_attr (0 disables). */
int        ann_population_set_rate_window(ann_network *net, int pop, int32_t window_steps,
                                          int r_attr, ann_status *st);
/* Clears spikes, last spike steps, refractory counters, delayed values and rate windows. */
void       ann_population_clear(ann_network *net, int pop);

/* Extension buffer k of a special population (copied; k < 64). Kernels read p->ext[k]. */
int ann_population_set_ext(ann_network *net, int pop, int k, const double *data, int64_t n,
                           ann_status *st);

/* Element access with conversion: element i of attribute k (i = 0 for globals). */
double ann_population_get(const ann_network *net, int pop, int attr, int64_t i);
void   ann_population_set(ann_network *net, int pop, int attr, int64_t i, double v);

/* ---- kernels ---- */
/* Looks up the kernels of every object in the module (annk_pop<id>_update, ...). The module
 * stays owned by the caller and must outlive the network's use of it. */
int ann_network_bind(ann_network *net, const ann_module *m, ann_status *st);
/* 1 when bound */
int ann_network_is_bound(const ann_network *net);

/* Runs nsteps steps. With until != NONE, stops after the first step at which the stop
 * conditions of the listed populations hold (all of them for AND, one for OR). Writes the
 * number of steps done. Interrupted by SIGINT at a step boundary: returns non-zero with the
 * message "interrupted". */
int ann_network_run(ann_network *net, int64_t nsteps, int until, const int32_t *pops,
                    int32_t npops, int64_t *done, ann_status *st);

/* ---- monitors ---- */
/* Records attribute `attr` of population `pop` (ranks NULL = all, else nranks 0-based ranks)
 * every `period` steps from the step at which recording starts, at phase `period_offset`.
 * spike != 0 records spike steps instead. in_phase_b != 0: recorded right after transmission
 * (sums and conductances). Returns the monitor's variable handle. */
ann_monitor *ann_monitor_new(ann_network *net, int pop, const int32_t *ranks, int32_t nranks,
                             int32_t period, int32_t period_offset, ann_status *st);
void  ann_monitor_free(ann_network *net, ann_monitor *m);
int   ann_monitor_add_variable(ann_monitor *m, int attr, int32_t spike, int32_t in_phase_b,
                               ann_status *st);
void  ann_monitor_set_recording(ann_monitor *m, int32_t on);
/* Re-anchors the period phase at the current step. */
void  ann_monitor_restart_phase(ann_monitor *m);
void  ann_monitor_set_period(ann_monitor *m, int32_t period, int32_t period_offset);
/* Recorded data of variable v: nrec records of width values each. */
const double *ann_monitor_data(const ann_monitor *m, int v, int64_t *nrec, int64_t *width);
/* Spike data of variable v: n pairs (rank, step). */
const int64_t *ann_monitor_spikes(const ann_monitor *m, int v, int64_t *n);
/* Empties the buffers of variable v (all variables when v < 0). */
void  ann_monitor_clear(ann_monitor *m, int v);
/* Bytes a monitor will need for nsteps more steps. */
int64_t ann_monitor_bytes_needed(const ann_monitor *m, int64_t nsteps);
int64_t ann_monitor_bytes(const ann_monitor *m);

#endif
