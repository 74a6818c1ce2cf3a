/* The kernel ABI: the data the runtime hands to generated kernels.
 *
 * This header (with the other headers of src/kernel, in name order) is embedded in the core and
 * starts every generated kernel source, so the runtime and the kernels always agree on these
 * layouts. It must compile with gcc and tcc alike: plain C99, no system header but the three
 * below. Generated code holds structure only; every value lives in these structures. */
#ifndef ANNK_ABI_H
#define ANNK_ABI_H
#include <stdint.h>
#include <math.h>
#include <string.h>

/* Element types of attributes. */
enum { ANNK_F64 = 0, ANNK_F32 = 1, ANNK_I32 = 2, ANNK_BOOL = 3 };

/* What every kernel of one step may read. */
typedef struct annk_ctx {
    int64_t step;        /* the step being computed (0 for the first) */
    double  dt;          /* ms */
    double  t;           /* step * dt, ms */
    uint64_t seed;       /* the network's seed */
    const double *cst;   /* constants, by index */
} annk_ctx;

/* A population. Attribute k lives at attr[k]: `size` elements when local, 1 when global. */
typedef struct annk_pop {
    int32_t  size;
    int32_t  enabled;
    uint32_t stream;       /* random stream of this population */
    int32_t  nattr;
    void   **attr;
    double  *gop;          /* results of global operations (min, max, mean...), one step old */
    /* spiking populations */
    int32_t *spiked;       /* ranks (0-based) that spiked in the current step */
    int32_t  nspiked;
    int64_t *last_spike;   /* step of each neuron's last spike, -10000 before any */
    int32_t *refr_left;    /* steps of refractoriness left, NULL without refractory period */
    int32_t *refr_steps;   /* each neuron's refractory period in steps */
    /* delayed values for projections reading pre.x through delays (rate-coded): the value
     * of attribute k from d steps ago (d >= 1) is hist[k][(hist_pos + d - 1) % hist_len] */
    int32_t  hist_len;
    int32_t  hist_pos;
    void  ***hist;
    /* delayed spikes (spiking): the ranks that spiked d steps ago (d >= 1) */
    int32_t **spk_hist;
    int32_t  *spk_hist_n;
    /* extension buffers of special populations (inputs): buffer k holds ext_len[k] doubles
     * written from the host (rates of a TimedArray, spike steps of a SpikeSourceArray...) */
    int32_t  next;
    double **ext;
    int64_t *ext_len;
    /* one byte per neuron (and 8 spare) for the spike pass: which neurons fire */
    uint8_t *scratch;
    /* axonal spikes (a model with axon_spike, NULL otherwise): the ranks that emitted one in
     * the current step. A spike kernel writes those of its block [ib, ie) at axonal + ib,
     * followed by -1 when they are fewer than ie - ib; the runtime joins the blocks. */
    int32_t *axonal;
    int32_t  naxonal;
} annk_pop;

/* A projection. Synapses are stored dendrite by dendrite (post-major, ascending pre rank)
 * for rate-coded projections, pre-synaptic neuron by neuron for spiking ones (see
 * docs/internals.md). Attribute k: nsyn elements (local), ndend (semiglobal) or 1 (global). */
typedef struct annk_proj {
    int32_t  ndend;        /* dendrites: post neurons with at least one synapse */
    int64_t  nsyn;
    int32_t *post_rank;    /* [ndend] post rank of each dendrite */
    int64_t *row;          /* [ndend + 1] synapse range of each dendrite (post-major layout) */
    int32_t *pre_rank;     /* [nsyn] pre rank of each synapse (post-major layout) */
    int64_t *pre_row;      /* [pre size + 1] synapse range of each pre neuron (pre-major layout) */
    int32_t *syn_dend;     /* [nsyn] dendrite of each synapse (pre-major layout) */
    int32_t *dend_of_rank; /* [post size] dendrite of each post rank, -1 when none */
    int64_t *post_row;     /* [ndend + 1] (pre-major layout) ranges in post_syn */
    int64_t *post_syn;     /* synapse indices of each dendrite (pre-major layout) */
    int32_t  nattr;
    void   **attr;
    void    *delay;        /* [nsyn] delay in steps (non-uniform delays), else NULL: the
                            * narrowest unsigned type holding max_delay (delay_bytes 1: uint8,
                            * 2: uint16, 4: int32); read it with annk_delay */
    int32_t  delay_bytes;
    int32_t  uniform_delay;/* steps, when delays are uniform (1 = no buffer) */
    int32_t  max_delay;
    int32_t  transmission, update, plasticity;
    int32_t  update_period, update_offset;
    uint32_t stream;
    int32_t  *syn_post;    /* [nsyn] post rank of each synapse (pre-major layout) */
    int32_t   npre, npost; /* sizes of the pre and post populations */
    /* shared-weight projections (Convolution, Pooling, Copy, Transpose): extension buffer k
     * holds ext_len[k] doubles written from the host (filters, centres, geometries); link is
     * the projection whose synapses a Copy or a Transpose reads, else NULL */
    int32_t  next;
    double **ext;
    int64_t *ext_len;
    struct annk_proj *link;
    int32_t   ordered;     /* ANNK_ORDERED_* flags: ranges are then found by bisection */
    int32_t   axon_transmission;  /* axonal spikes reach the synapses (pre_axon_spike) */
} annk_proj;

/* annk_proj.ordered: post_rank ascending (dendrites); every pre row (pre-major) ascending in
 * post rank (rows); within every pre row, each run of synapses of one delay ascending in
 * post rank (segments: the rows of spiking projections with per-synapse delays are sorted
 * by delay, see annk_seg). */
enum { ANNK_ORDERED_DEND = 1, ANNK_ORDERED_ROWS = 2, ANNK_ORDERED_SEGMENTS = 4 };

/* The delay of synapse e (storage order) of a projection with per-synapse delays. */
static inline int32_t annk_delay(const annk_proj *pj, int64_t e)
{
    switch (pj->delay_bytes) {
    case 1:  return ((const uint8_t *)pj->delay)[e];
    case 2:  return ((const uint16_t *)pj->delay)[e];
    default: return ((const int32_t *)pj->delay)[e];
    }
}

/* A hint that *p will be read soon (nothing under tcc). */
#if defined(__GNUC__) && !defined(__TINYC__)
#define ANNK_PREFETCH(p) __builtin_prefetch(p)
#else
#define ANNK_PREFETCH(p) ((void)(p))
#endif

/* The post-spike kernel of a pre-major projection follows, for each spiking post neuron, a
 * chain of dependent loads: its dendrite (dend_of_rank), the dendrite's bounds (row), the
 * synapse indices (post_syn), then the synapses' scattered storage. Before handling spiking
 * neuron s (of those in [ib, ie)) it fetches each link early for a later neuron, one neuron
 * further per link back: the dendrite of neuron s + 4, the bounds of s + 3, the first indices
 * of s + 2; the kernel fetches the storage of s + 1 itself (it knows the attributes). */
static inline void annk_post_fetch_ahead(const annk_proj *pj, const annk_pop *post, int32_t s,
                                         int32_t ib, int32_t ie)
{
    const int32_t n = post->nspiked;
    const int32_t *sp = post->spiked;
    if (s + 4 < n) ANNK_PREFETCH(pj->dend_of_rank + sp[s + 4]);
    if (s + 3 < n && sp[s + 3] >= ib && sp[s + 3] < ie) {
        const int32_t d = pj->dend_of_rank[sp[s + 3]];
        if (d >= 0) ANNK_PREFETCH(pj->row + d);
    }
    if (s + 2 < n && sp[s + 2] >= ib && sp[s + 2] < ie) {
        const int32_t d = pj->dend_of_rank[sp[s + 2]];
        if (d >= 0) ANNK_PREFETCH(pj->post_syn + pj->row[d]);
    }
}

/* Spiking projections with per-synapse delays keep each pre row sorted by delay, so that the
 * synapses a spike reaches in one step are one run [e0, e1) of its row: the step delivers a
 * list of such segments (pre rank j), oldest spike first. */
typedef struct annk_seg {
    int64_t e0, e1;
    int32_t j;
    int32_t pad;
} annk_seg;

/* Work is split by post-synaptic neuron: every kernel is called over a range [ib, ie) of the
 * ranks of its (post-synaptic) population and touches only what belongs to those neurons
 * (their attributes, their dendrites, the synapses reaching them). The runtime calls a kernel
 * once with [0, size) on one thread, or once per thread with contiguous blocks. */

/* The dendrites [*d0, *d1) to visit for post ranks [ib, ie); a loop over them must still
 * skip post ranks outside the range when the projection is not ordered. */
static inline void annk_dend_range(const annk_proj *pj, int32_t ib, int32_t ie,
                                   int32_t *d0, int32_t *d1)
{
    *d0 = 0; *d1 = pj->ndend;
    if (!(pj->ordered & ANNK_ORDERED_DEND) || (ib <= 0 && ie >= pj->npost)) return;
    int32_t lo = 0, hi = pj->ndend;
    while (lo < hi) { int32_t m = lo + (hi - lo) / 2; if (pj->post_rank[m] < ib) lo = m + 1; else hi = m; }
    *d0 = lo;
    hi = pj->ndend;
    while (lo < hi) { int32_t m = lo + (hi - lo) / 2; if (pj->post_rank[m] < ie) lo = m + 1; else hi = m; }
    *d1 = lo;
}

/* [*e0, *e1): the synapses of [lo, hi), whose post ranks sp[] ascend, with post ranks in
 * [ib, ie). A bound that cuts nothing (ib at or below the first rank, ie above the last: the
 * first and the last block of a split) costs no search. */
static inline void annk_ordered_part(const int32_t *sp, int64_t lo, int64_t hi, int32_t ib,
                                     int32_t ie, int64_t *e0, int64_t *e1)
{
    *e0 = lo; *e1 = hi;
    if (lo == hi) return;
    if (sp[lo] < ib) {
        int64_t h = hi;
        while (lo < h) { int64_t m = lo + (h - lo) / 2; if (sp[m] < ib) lo = m + 1; else h = m; }
        *e0 = lo;
    }
    if (lo < hi && sp[hi - 1] >= ie) {
        while (lo < hi) { int64_t m = lo + (hi - lo) / 2; if (sp[m] < ie) lo = m + 1; else hi = m; }
        *e1 = lo;
    }
}

/* The synapses [*e0, *e1) of pre neuron j (pre-major layout) to visit for post ranks
 * [ib, ie); the same caveat as annk_dend_range. */
static inline void annk_row_range(const annk_proj *pj, int32_t j, int32_t ib, int32_t ie,
                                  int64_t *e0, int64_t *e1)
{
    *e0 = pj->pre_row[j]; *e1 = pj->pre_row[j + 1];
    if (!(pj->ordered & ANNK_ORDERED_ROWS) || (ib <= 0 && ie >= pj->npost)) return;
    annk_ordered_part(pj->syn_post, *e0, *e1, ib, ie, e0, e1);
}

/* The synapses [*e0, *e1) of segment sg to visit for post ranks [ib, ie); the same caveat as
 * annk_dend_range. */
static inline void annk_seg_range(const annk_proj *pj, const annk_seg *sg, int32_t ib, int32_t ie,
                                  int64_t *e0, int64_t *e1)
{
    *e0 = sg->e0; *e1 = sg->e1;
    if (!(pj->ordered & ANNK_ORDERED_SEGMENTS) || (ib <= 0 && ie >= pj->npost)) return;
    annk_ordered_part(pj->syn_post, *e0, *e1, ib, ie, e0, e1);
}
#endif
