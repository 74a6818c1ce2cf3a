/* Projections in the runtime: connectivity in the layout of their access pattern, synaptic
 * attributes, delays, the projection phases of the step, structural plasticity, and the
 * recording of synaptic attributes.
 *
 * Layouts (DESIGN rule 4):
 *   post-major (rate-coded, gather): dendrite d holds synapses row[d] .. row[d+1]-1, in
 *     ascending pre rank pre_rank[]; the storage index of a synapse is its post-major index.
 *   pre-major (spiking with events, scatter): pre neuron j owns synapses pre_row[j] ..
 *     pre_row[j+1]-1 in ascending post rank, syn_post[] gives their post rank. The "post
 *     index" (row, pre_rank in post-major order and post_syn[k], the storage index of
 *     post-major synapse k) is kept when post events need it, and otherwise built lazily for
 *     the host (reads, writes, recording) and dropped when the structure changes.
 * The host API below always speaks post-major order: dendrites in ascending post rank,
 * synapses in ascending pre rank. Ranks and indices are 0-based. */
#ifndef ANN_PROJECTION_H
#define ANN_PROJECTION_H

#include "annarchy.h"
#include "connect.h"
#include "network.h"

enum { ANN_LOC_GLOBAL = 0, ANN_LOC_LOCAL = 1, ANN_LOC_SEMIGLOBAL = 2 };
enum { ANN_DELAY_NONE = 0, ANN_DELAY_UNIFORM = 1, ANN_DELAY_VARIABLE = 2 };

typedef struct ann_proj_attr {
    int32_t type;        /* ANNK_F64, ANNK_F32, ANNK_I32, ANNK_BOOL */
    int32_t locality;    /* ANN_LOC_* */
    double  init;        /* value of a synapse created later (structural plasticity) */
} ann_proj_attr;

typedef struct ann_proj_desc {
    int32_t pre, post;           /* population ids */
    int32_t pre_major;           /* layout */
    int32_t post_index;          /* pre-major: keep the post index (post events) */
    int32_t delay_kind;          /* ANN_DELAY_*: decided by the front end (structure) */
    int32_t spike_events;        /* delivers pre-synaptic spikes (uniform delays read the
                                    pre population's spike history) */
    int32_t nattr;
    const ann_proj_attr *attrs;
    int32_t w_attr;              /* the weight's attribute, -1 if none */
    int32_t last_event_attr;     /* _last_event (event-driven variables), -1 if none */
    const int32_t *delayed;      /* pre attributes read through the delay buffers (rate) */
    int32_t ndelayed;
} ann_proj_desc;

/* Adds a projection with the connectivity c, whose arrays it takes over (c is left empty).
 * Returns the id (0, 1, ...) or a negative number with the message in st. */
int ann_network_add_projection(ann_network *net, const ann_proj_desc *d, ann_csr *c,
                               ann_status *st);
/* Replaces the connectivity (reset with new draws): attributes are zeroed, delays taken from
 * c. The delay kind and the maximal delay may not grow beyond the buffers. */
int ann_projection_set_connectivity(ann_network *net, int id, ann_csr *c, ann_status *st);

int32_t    ann_network_projection_count(const ann_network *net);
annk_proj *ann_network_projection(ann_network *net, int id);
int32_t    ann_projection_attr_type(const ann_network *net, int id, int attr);
int32_t    ann_projection_attr_locality(const ann_network *net, int id, int attr);
int32_t    ann_projection_delay_kind(const ann_network *net, int id);

/* The post-major view: row[ndend + 1] and pre_rank[nsyn] (NULL when out of memory). */
const int64_t *ann_projection_row(ann_network *net, int id);
const int32_t *ann_projection_pre_ranks(ann_network *net, int id);
/* Dendrite of a post rank, -1 when none; post-major index of synapse (dendrite, pre rank),
 * -1 when none. */
int32_t ann_projection_dendrite_of(ann_network *net, int id, int32_t post_rank);
int64_t ann_projection_synapse_index(ann_network *net, int id, int32_t dend, int32_t pre_rank);

/* Values of attribute attr: local -> the synapses of dendrites [d0, d1) in post-major order;
 * semiglobal -> one per dendrite of [d0, d1); global -> one value. Returns the count. */
int64_t ann_projection_count_values(ann_network *net, int id, int attr, int32_t d0, int32_t d1);
int ann_projection_read(ann_network *net, int id, int attr, int32_t d0, int32_t d1,
                        double *out, ann_status *st);
/* Writes the same range from `in` (n values), or the single value in[0] to all when n == 1. */
int ann_projection_write(ann_network *net, int id, int attr, int32_t d0, int32_t d1,
                         const double *in, int64_t n, ann_status *st);
/* One element: post-major synapse k (local), dendrite k (semiglobal), 0 (global). */
double ann_projection_get1(ann_network *net, int id, int attr, int64_t k);
void   ann_projection_set1(ann_network *net, int id, int attr, int64_t k, double v);

/* Delays in steps. Uniform: one value >= 1. Variable: per synapse in post-major order (out
 * must hold nsyn values). Setting grows the buffers when needed. */
int32_t ann_projection_uniform_delay(ann_network *net, int id);
int ann_projection_delays(ann_network *net, int id, int32_t *out, ann_status *st);
int ann_projection_set_uniform_delay(ann_network *net, int id, int32_t steps, ann_status *st);
int ann_projection_set_delays(ann_network *net, int id, const int32_t *steps, ann_status *st);

/* Extension buffer k (< 64) of a shared-weight projection (copied); kernels read pj->ext[k].
 * ann_projection_link makes pj->link of projection id point to projection other (-1: none). */
int ann_projection_set_ext(ann_network *net, int id, int k, const double *data, int64_t n,
                           ann_status *st);
void ann_projection_link(ann_network *net, int id, int other);

/* Flags and the learning schedule (period >= 1 steps, offset: an absolute step). */
void ann_projection_set_flags(ann_network *net, int id, int32_t transmission, int32_t update,
                              int32_t plasticity);
void ann_projection_set_schedule(ann_network *net, int id, int32_t period, int64_t offset);

/* Structural plasticity from the host: synapses from the pre ranks pre[0..n-1] (any order)
 * into dendrite dend, with weights w (NULL: the attribute's init) and delays (steps, NULL:
 * the uniform delay, or 1). Errors before changing anything if one exists (create) or is
 * missing (prune). */
int ann_projection_create_synapses(ann_network *net, int id, int32_t dend, int32_t n,
                                   const int32_t *pre, const double *w, const int32_t *delay,
                                   ann_status *st);
int ann_projection_prune_synapses(ann_network *net, int id, int32_t dend, int32_t n,
                                  const int32_t *pre, ann_status *st);
/* Model-driven creating / pruning: on (period in steps, counted from the current step) or
 * off (period 0). The creating weight and delay (steps) of new synapses. */
void ann_projection_set_creating(ann_network *net, int id, int32_t period, double w,
                                 int32_t delay);
void ann_projection_set_pruning(ann_network *net, int id, int32_t period);

/* Fills every delay buffer with the current values (rate) or no spike, and empties the
 * spike rings: after initial values are transferred, and at reset. pop < 0: all. */
void ann_projections_init_history(ann_network *net, int pop);

/* ---- recording synaptic attributes (at the end of the step's projection phases) ---------- */

typedef struct ann_proj_recorder ann_proj_recorder;

/* Records attribute attr of projection id for the dendrites dends[0..ndends-1] (NULL: all),
 * every period steps at phase period_offset, counted from the current step. */
ann_proj_recorder *ann_proj_recorder_new(ann_network *net, int id, int attr,
                                         const int32_t *dends, int32_t ndends, int32_t period,
                                         int32_t period_offset, ann_status *st);
void ann_proj_recorder_free(ann_network *net, ann_proj_recorder *r);
void ann_proj_recorder_set_recording(ann_proj_recorder *r, int32_t on);
void ann_proj_recorder_set_period(ann_proj_recorder *r, int32_t period, int32_t offset);
/* All records back to back; widths[i] the number of values of record i. */
const double  *ann_proj_recorder_data(const ann_proj_recorder *r, int64_t *nrec,
                                      const int64_t **widths);
void    ann_proj_recorder_clear(ann_proj_recorder *r);
int64_t ann_proj_recorder_bytes(const ann_proj_recorder *r);

/* Bytes used by projection id (connectivity, attributes, delays, rings). */
int64_t ann_projection_bytes(ann_network *net, int id);

#endif
