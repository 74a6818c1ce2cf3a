/* Internal layout of the projections, shared by the projection_*.c files: storage and
 * views (projection.c), delay buffers (projection_delay.c), structural plasticity
 * (projection_structural.c), the step (projection_step.c) and the recorders
 * (projection_record.c). Layouts and the host API: include/annarchy.h. */
#ifndef ANN_PROJECTION_INTERNAL_H
#define ANN_PROJECTION_INTERNAL_H

#include "network_internal.h"
#include "schedule.h"
#include "status.h"

#include <stdlib.h>

#define LAST_EVENT_NONE (-10000.0)

typedef void (*proj_fn)(annk_proj *pj, annk_pop *pre, annk_pop *post, const annk_ctx *c);
/* Kernels over the post ranks [ib, ie) (see src/kernel/00_abi.h). */
typedef void (*proj_range_fn)(annk_proj *pj, annk_pop *pre, annk_pop *post, const annk_ctx *c,
                              int32_t ib, int32_t ie);
typedef void (*proj_spike_fn)(annk_proj *pj, annk_pop *pre, annk_pop *post, const annk_ctx *c,
                              const int32_t *spk, int32_t n, int32_t ib, int32_t ie);
typedef void (*proj_spike_seg_fn)(annk_proj *pj, annk_pop *pre, annk_pop *post,
                                  const annk_ctx *c, const annk_seg *seg, int64_t n,
                                  int32_t ib, int32_t ie);
typedef void (*proj_creating_fn)(annk_proj *pj, annk_pop *pre, annk_pop *post,
                                 const annk_ctx *c, int32_t dend, uint8_t *mark);
typedef void (*proj_pruning_fn)(annk_proj *pj, annk_pop *pre, annk_pop *post,
                                const annk_ctx *c, uint8_t *mark);

/* A spike in flight through a projection with per-synapse delays (src/projection_flight.c):
 * pre neuron j spiked and was queued at tick `tick0` of the projection; at tick t it reaches
 * the synapses of delay t - tick0 + 1. Its row is sorted by delay, and [cursor, end) are the
 * synapses it has yet to reach, the first of delay `next`. */
typedef struct ann_flight {
    int64_t cursor, end;
    int64_t tick0;
    int32_t j;
    int32_t next;
} ann_flight;

typedef struct ann_flights {
    ann_flight *f;       /* oldest first; spikes of one tick in the order of pre->spiked */
    int64_t     n, cap;
    int64_t     tick;    /* steps the projection has transmitted through its flights */
    annk_seg   *seg;     /* this tick's segments, in the order of f */
    int64_t     nseg, segcap;
} ann_flights;

typedef struct ann_proj {
    annk_proj      k;
    int32_t        pre, post;
    int32_t        pre_major, post_index, delay_kind, spike_events;
    ann_proj_attr *specs;
    int32_t        w_attr, last_event_attr;
    int32_t       *delayed;
    int32_t        ndelayed;
    int32_t       *pre_read;    /* pre attributes the kernels read (exchanged per step) */
    int32_t        npre_read;
    int32_t        plastic;     /* the kernels write synaptic attributes */
    int32_t        transmit_local; /* the spike kernel reads only the pre spike list (ann_proj_desc) */
    int32_t        threads;     /* threads installing the connectivity (annp_install) */
    proj_range_fn  psp, update, post_event;
    proj_fn        update_global;
    int32_t        serial;      /* annk_proj<k>_serial: bit 1 transmission, bit 2 learning */
    proj_spike_fn  spike;
    proj_spike_fn  axon;        /* pre_axon_spike events of the pre's axonal spikes */
    proj_spike_seg_fn spike_seg;
    ann_flights    flights;     /* spiking, per-synapse delays */
    proj_creating_fn creating;
    proj_pruning_fn  pruning;
    int32_t        creating_period, pruning_period;
    int64_t        creating_start, pruning_start;
    double         creating_w;
    int32_t        creating_delay;
    uint8_t       *mark;        /* structural plasticity scratch */
    int64_t        mark_cap;
    int32_t        divided;     /* holds only the synapses of post ranks [own_lo, own_hi)
                                   (projection_divide.c) */
    int32_t        own_lo, own_hi;
    int32_t        gathered;    /* whole for the host since its last division */
} ann_proj;

/* Delay buffers of one population (they hang off annk_pop.hist / spk_hist). */
typedef struct pop_hist {
    int32_t   len;
    int32_t   nattr;
    uint8_t  *want;      /* [nattr] */
    void   ***slots;     /* [nattr][len] -> values */
    int32_t   spikes;
    int32_t **spk;       /* [len][size] */
    int32_t  *spk_n;     /* [len] */
} pop_hist;

struct ann_proj_recorder {
    ann_network *net;
    int32_t  proj, attr;
    int32_t *dends;       /* NULL: all */
    int32_t  ndends;
    ann_schedule when;
    double  *buf;
    int64_t  len, cap;
    int64_t *widths;
    int64_t  nrec, wcap;
    char    *name;        /* NULL: named after the projection and the attribute */
};

struct ann_projections {
    ann_proj *p;
    int32_t   n;
    pop_hist *hist;       /* [nhist] one per population, once bound */
    int32_t   nhist;
    ann_proj_recorder **recs;
    int32_t   nrecs;
};

/* Synapses in post-major order, with one array per local attribute and the delays; annp_install()
 * takes the arrays over. */
typedef struct pm_data {
    int32_t  ndend;
    int64_t  nsyn;
    int32_t *post_rank;
    int64_t *row;
    int32_t *pre_rank;
    void   **local;      /* [nattr], NULL for non-local attributes */
    int32_t *delay;      /* NULL unless ANN_DELAY_VARIABLE */
} pm_data;

/* ---- small helpers ---------------------------------------------------------------------- */

static inline void *xcalloc(int64_t n, size_t elem)
{
    return calloc(n > 0 ? (size_t)n : 1, elem);
}

static inline void *xmalloc(int64_t n, size_t elem)
{
    return malloc(n > 0 ? (size_t)n * elem : 1);
}

static inline int oom(ann_status *st)
{
    return ann_fail(st, "out of memory in a projection");
}

static inline ann_proj *proj_at(ann_network *net, int id) { return &net->projs->p[id]; }

/* Stores delay v of synapse e in an array of `bytes` bytes per delay (annp_delay_bytes). */
static inline void annp_store_delay(void *a, int32_t bytes, int64_t e, int32_t v)
{
    switch (bytes) {
    case 1:  ((uint8_t *)a)[e] = (uint8_t)v; break;
    case 2:  ((uint16_t *)a)[e] = (uint16_t)v; break;
    default: ((int32_t *)a)[e] = v; break;
    }
}

/* Whether the pre rows are sorted by delay and spikes travel as flights: spiking
 * projections with per-synapse delays. */
static inline int sorted_by_delay(const ann_proj *p)
{
    return p->pre_major && p->spike_events && p->delay_kind == ANN_DELAY_VARIABLE;
}

/* Storage index of post-major synapse k. */
static inline int64_t storage_of(const ann_proj *p, int64_t k)
{
    return p->pre_major ? p->k.post_syn[k] : k;
}

/* Whether a schedule of `period` steps from `start` falls on `step`. */
static inline int due(int64_t step, int64_t start, int32_t period)
{
    if (period <= 0) return 0;
    int64_t r = (step - start) % period;
    return r == 0;
}

/* projection.c */
/* Builds the post-major view of a pre-major projection (no-op otherwise); -1 out of memory. */
int  annp_ensure_view(ann_proj *p);
void annp_pm_free(pm_data *d, int32_t nattr);
/* Makes d the projection's connectivity (its arrays taken over). */
int  annp_install(ann_proj *p, pm_data *d, ann_status *st);

/* projection_divide.c: projections whose synapses live only with the process of their post
 * neuron, on several processes. */
/* Whether projection id may be divided: no kernel of it runs over every post neuron, it is
 * not read by another (Copy, Transpose) nor recorded, has no structural plasticity, and its
 * dendrites are in ascending post rank. */
int  annp_divisible(const ann_network *net, int id);
/* Collective: keeps of c only the dendrites of the post ranks [*lo, *hi) this process updates
 * with the threads every process has now (a part drawn divided, c->part, is kept as it is, its
 * range in *lo, *hi); returns the largest delay of the whole. */
int32_t annp_divide_csr(ann_network *net, ann_csr *c, int32_t npost, int32_t *lo, int32_t *hi);
/* Keeps only the synapses of the post ranks [lo, hi) (local). */
int  annp_keep_posts(ann_proj *p, int32_t lo, int32_t hi, ann_status *st);
/* Collective: the whole projection from the parts of every process (no-op when it is whole).
 * On failure every process fails alike and the parts stay as they were. */
int  annp_gather_whole(ann_proj *p, ann_status *st);
/* Collective when p is divided: its dendrites and synapses on every process together. */
void annp_whole_counts(ann_proj *p, int32_t *ndend, int64_t *nsyn);
/* The projection as the host reads and writes it: whole (collective when it is divided: a
 * process that cannot gather stops every process with the message). */
ann_proj *annp_host(ann_network *net, int id);

/* projection_order.c: the pre-major order of post-major synapses (pre rows in ascending
 * dendrite order, then, if asked, each row sorted stably by delay), built on up to `threads`
 * threads; the same order for any number. d->row must live as long as the order, d->pre_rank
 * until annp_order_place. NULL with st set when out of memory or
 * when a pre rank is outside [0, npre). */
typedef struct annp_order annp_order;
annp_order *annp_order_new(const pm_data *d, int32_t npre, int32_t threads, ann_status *st);
/* pre_row[npre + 1] of the order, the caller's to free. */
int64_t *annp_order_take_pre_row(annp_order *o);
/* Sorts every row stably by the post-major delays and returns them in the final order,
 * `bytes` bytes each; NULL out of memory. Before annp_order_place. */
void *annp_order_sort_by_delay(annp_order *o, const int32_t *delay, int32_t bytes);
/* The final place of every synapse, for the moves below; 1 out of memory. reuse: NULL, or
 * d->pre_rank given up by the caller (the order then frees it, writing the places over it
 * where they fit 32 bits). */
int annp_order_place(annp_order *o, int32_t *reuse);
/* dst[final place of s] = src[s] for every post-major synapse s, `size` bytes each. */
void annp_order_move(annp_order *o, const void *src, void *dst, size_t size);
/* syn_post[final place of s] = the post rank of the dendrite of s. */
void annp_order_post_ranks(annp_order *o, const int32_t *post_rank, int32_t *syn_post);
/* post_syn[s] = the final place of s. */
void annp_order_places(const annp_order *o, int64_t *post_syn);
void annp_order_free(annp_order *o);

/* projection_delay.c */
void annp_hist_free(pop_hist *h);
/* Sizes the delay buffers of population pid for the projections reading it. */
int  annp_update_history(ann_network *net, int pid, ann_status *st);
/* The bytes per delay of the narrowest unsigned type holding max_delay (1, 2 or 4). */
int32_t annp_delay_bytes(int32_t max_delay);
/* The delays pm[e] in `bytes` bytes each; NULL out of memory. */
void *annp_delays_narrow(const int32_t *pm, int64_t nsyn, int32_t bytes);
/* After max_delay grew to newmax: buffers of the pre population (or, with flights, only
 * max_delay). */
int  annp_grow_buffers(ann_network *net, ann_proj *p, int32_t newmax, ann_status *st);

/* projection_flight.c */
void annp_flights_free(ann_flights *f);
void annp_flights_clear(ann_flights *f);
/* Queues the spikes of pre->spiked and lists this tick's segments; -1 out of memory. */
int  annp_flights_queue(ann_proj *p, const annk_pop *pre);
void annp_flights_advance(ann_flights *f);
/* After the storage was rebuilt (sorted anew): each flight's cursor from its delay; flights
 * whose row has no synapse left to reach are dropped. */
void annp_flights_rebase(ann_proj *p);
/* The state buffer: per age (0 = delivered at the next step), the number of events, then
 * (synapse in storage order, pre rank) pairs. */
int64_t annp_flights_state_length(const ann_proj *p);
void annp_flights_state_get(const ann_proj *p, double *out);
int  annp_flights_state_set(ann_proj *p, const double *in, int64_t n, int32_t check_only,
                            ann_status *st);

/* projection_structural.c */
/* Rebuilds the projection from its post-major view: new synapse k of the new post-major order
 * comes from old synapse src[k] (>= 0; src NULL: k itself) or is created (-1) with weight
 * nw[k] and delay ndel[k]; `delays` (or NULL) replaces every delay. Flights follow. */
int  annp_restructure(ann_proj *p, const int64_t *row, const int32_t *pre_rank,
                      const int64_t *src, int64_t nsyn, const double *nw, const int32_t *ndel,
                      const int32_t *delays, ann_status *st);
/* phase I */
void annp_run_creating(ann_network *net, ann_proj *p, const annk_ctx *ctx);
void annp_run_pruning(ann_network *net, ann_proj *p, const annk_ctx *ctx);

/* projection_record.c: records at the end of the step's projection phases */
void annp_record(ann_proj_recorder *r, ann_network *net, const annk_ctx *ctx);

#endif
