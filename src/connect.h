/* Connectivity builders: the connector methods of a projection (reference §9.2), producing
 * its synapses in post-major CSR form, with a weight and a delay (in steps) per synapse.
 *
 * Layout (docs/internals-connectivity.md): dendrites in ascending post rank, each holding
 * its synapses in ascending pre rank. Ranks are 0-based ranks of the underlying populations,
 * also when pre or post is a view: a builder takes the candidate ranks (the view's ranks, or
 * 0..N-1 for a whole population) in any order, without repetitions.
 *
 * Randomness: every draw comes from the ann_rng the caller passes, at consecutive positions,
 * in this order: (1) the draws choosing which synapses exist (per builder, documented below),
 * (2) one weight per synapse in the final (post-major) order when the weights are a
 * distribution, (3) one delay per synapse in the final order when the delays are a
 * distribution. Nothing else is drawn, so a seed determines the whole projection. rng may be
 * NULL for a call that draws nothing (an error otherwise).
 *
 * Errors: every builder returns 0, or non-zero with the message in st; on return, *out is
 * either a complete structure or all-NULL (nothing half-built, nothing leaked), so
 * ann_csr_free(out) is always safe afterwards. *out is overwritten on entry: free a previous
 * structure first.
 */
#ifndef ANN_CONNECT_H
#define ANN_CONNECT_H

#include <stdint.h>

#include "annarchy.h"
#include "rng.h"

/* ---- the structure ------------------------------------------------------------------------ */

typedef struct ann_csr {
    int32_t  ndend;         /* dendrites (post neurons with >= 1 synapse) */
    int64_t  nsyn;
    int32_t *post_rank;     /* [ndend], ascending */
    int64_t *row;           /* [ndend + 1]: dendrite d holds synapses row[d] .. row[d+1]-1 */
    int32_t *pre_rank;      /* [nsyn], ascending inside each dendrite */
    double  *w;             /* [nsyn], or NULL when the weight is one shared constant */
    int32_t *delay;         /* [nsyn] steps, or NULL when delays are uniform */
    double   shared_w;      /* the weight of every synapse when w is NULL (else 0) */
    int32_t  uniform_delay; /* the delay of every synapse, steps, when delay is NULL (else 0) */
    int32_t  max_delay;     /* uniform_delay, or the largest per-synapse delay (0 if none) */
} ann_csr;

/* Frees the arrays and zeroes *c; c may be NULL. post_rank, row and pre_rank of a built
 * structure are never NULL, even when it has no synapse. */
void ann_csr_free(ann_csr *c);

/* ---- weights and delays ------------------------------------------------------------------- */

enum { ANN_VALUE_CONST = 0, ANN_VALUE_DIST = 1 };

/* A constant, or a distribution drawn once per synapse. */
typedef struct ann_value {
    int32_t  kind;          /* ANN_VALUE_CONST or ANN_VALUE_DIST */
    double   constant;
    ann_dist dist;
} ann_value;

ann_value ann_value_const(double x);
ann_value ann_value_dist(const ann_dist *d);

/* The values every synapse receives.
 *
 * Delays are in ms and become round(d/dt) steps (nearest, half away from zero). A constant
 * delay gives delay == NULL and uniform_delay = round(d/dt), 0 included: 0 and 1 step mean
 * the same thing (no delay buffer, reference §9.6) and the caller treats them alike. A
 * distribution of delays is drawn with its lower clipping bound raised to dt (and, for
 * Uniform and DiscreteUniform, its min raised to dt when dt is below max); it must be
 * bounded above (a max, or the natural bound of Uniform, DiscreteUniform and Binomial), else
 * the reference's error. Negative or non-finite constants are errors.
 *
 * shared_weight: with a constant weight, keep w NULL and report the constant in shared_w
 * (the single-weight storage of §9.4); otherwise w holds one value per synapse. */
typedef struct ann_syn_values {
    ann_value weights;      /* ignored by gaussian and dog, whose weights are computed */
    ann_value delays;       /* ms */
    double    dt;           /* ms per step, > 0 */
    int32_t   shared_weight;
} ann_syn_values;

/* ---- connectors --------------------------------------------------------------------------- */

/* Common arguments: the candidate ranks `pre_ranks[npre]` and `post_ranks[npost]` (ranks of
 * the underlying populations, each in [0, pop_size), no repetition, any order);
 * `same_population`: pre and post are the same population object for the self-connection
 * rule (for all_to_all the reference tests the underlying populations, for the others the
 * objects passed: the caller decides); `allow_self`: when 0 and same_population, a post
 * neuron never receives a synapse from the pre neuron of the same rank. */

/* Every post gets every pre. No connectivity draw. */
int ann_connect_all_to_all(ann_csr *out,
                           const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                           const int32_t *post_ranks, int32_t npost, int32_t post_pop_size,
                           int32_t same_population, int32_t allow_self,
                           const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* post_ranks[k] <- pre_ranks[k] for k < min(npre, npost), pairing by position in the lists
 * as given (the reference's warning on different sizes is the caller's). No connectivity
 * draw. */
int ann_connect_one_to_one(ann_csr *out,
                           const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                           const int32_t *post_ranks, int32_t npost, int32_t post_pop_size,
                           const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* Each (post, pre) candidate pair independently with probability p (p <= 0: none, p >= 1:
 * all, NaN: error); empty dendrites are skipped.
 * Draws: the pairs are enumerated post-major (ascending post rank, then ascending pre rank,
 * self pairs included); one uniform u per draw gives the number of pairs skipped before the
 * next synapse, floor(log(1 - u) / log(1 - p)); draws continue until the enumeration is
 * passed, so there are (synapses + self pairs hit + 1) draws. A self pair hit when self
 * connections are forbidden is dropped. No draw when p <= 0, p >= 1 or no pair exists. */
int ann_connect_fixed_probability(ann_csr *out,
                                  const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                                  const int32_t *post_ranks, int32_t npost,
                                  int32_t post_pop_size,
                                  int32_t same_population, double p, int32_t allow_self,
                                  const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* For each post, `number` distinct pre ranks, uniformly among the candidates (without the
 * own rank when forbidden: the distribution of the reference's redraw).
 * Draws: for each post in ascending rank, Floyd's sampling over the m candidates (m = npre,
 * or npre - 1 without the own rank): `number` draws ann_rng_below(j + 1) for j = m - number
 * .. m - 1; no draw when number == m. */
int ann_connect_fixed_number_pre(ann_csr *out,
                                 const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                                 const int32_t *post_ranks, int32_t npost, int32_t post_pop_size,
                                 int32_t same_population, int32_t number, int32_t allow_self,
                                 const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* For each pre, `number` distinct posts (all candidates when number >= their count m; m =
 * npost, or npost - 1 without the own rank); error if number > npost. Dendrites are built
 * from the pre ranks that chose each post; empty dendrites are skipped.
 * Draws: for each pre in ascending rank, Floyd's sampling as fixed_number_pre, none when
 * number >= m. */
int ann_connect_fixed_number_post(ann_csr *out,
                                  const int32_t *pre_ranks, int32_t npre, int32_t pre_pop_size,
                                  const int32_t *post_ranks, int32_t npost,
                                  int32_t post_pop_size,
                                  int32_t same_population, int32_t number, int32_t allow_self,
                                  const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* Whole populations with geometries (row-major ranks: rank = x*B + y for (A, B)); both must
 * have the same number of dimensions. Normalised coordinate c / (dim - 1) per dimension (0
 * when dim == 1), d2 the squared distance:
 *   gaussian  w = amp exp(-d2 / (2 sigma^2)), kept iff w > limit * amp;
 *   dog       w = amp_pos exp(-d2 / (2 sigma_pos^2)) - amp_neg exp(-d2 / (2 sigma_neg^2)),
 *             kept iff |w| > limit * |amp_pos - amp_neg|.
 * w is always per synapse (v->weights and v->shared_weight are ignored). No connectivity
 * draw (only delays, if they are a distribution). */
int ann_connect_gaussian(ann_csr *out,
                         const int32_t *pre_geom, int pre_ndim,
                         const int32_t *post_geom, int post_ndim,
                         int32_t same_population, double amp, double sigma, double limit,
                         int32_t allow_self,
                         const ann_syn_values *v, ann_rng *rng, ann_status *st);

int ann_connect_dog(ann_csr *out,
                    const int32_t *pre_geom, int pre_ndim,
                    const int32_t *post_geom, int post_ndim,
                    int32_t same_population, double amp_pos, double sigma_pos,
                    double amp_neg, double sigma_neg, double limit, int32_t allow_self,
                    const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* A user's lists (LILConnectivity, from_matrix, from_sparse, from_function): list i gives
 * post rank list_post[i] and the synapses list_row[i] .. list_row[i+1]-1 of the flat arrays
 * pre[], w[] and delay_ms[] (list_row[0] may be > 0; ranks of the underlying populations).
 * w == NULL: weights from v->weights (shared_weight honoured); delay_ms == NULL: delays from
 * v->delays; a given delay_ms is rounded per synapse, and collapses to a uniform delay when
 * all synapses have the same number of steps. Dendrites are sorted by post rank (lists of the
 * same post rank merged), synapses by pre rank; empty lists are ignored; the same (post, pre)
 * twice is an error. v is always needed (dt). Draws: only weights (when w == NULL) and delays
 * (when delay_ms == NULL), as above. */
int ann_connect_from_lists(ann_csr *out, int32_t nlists,
                           const int32_t *list_post, const int64_t *list_row,
                           const int32_t *pre, const double *w, const double *delay_ms,
                           int32_t pre_pop_size, int32_t post_pop_size,
                           const ann_syn_values *v, ann_rng *rng, ann_status *st);

/* ---- pre-major view (spike propagation) --------------------------------------------------- */

/* Synapses in pre-major order: pre neuron r has entries pre_row[r] .. pre_row[r+1]-1, in
 * ascending dendrite (hence post rank) order; entry e is synapse perm[e] of the post-major
 * structure, in dendrite syn_dend[e]. perm is int64 (a projection may exceed 2^31 synapses);
 * it serves to permute weights and delays once and may then be freed. */
typedef struct ann_csr_pre {
    int32_t  npre;          /* pre_pop_size */
    int64_t  nsyn;
    int64_t *pre_row;       /* [npre + 1] */
    int32_t *syn_dend;      /* [nsyn] */
    int64_t *perm;          /* [nsyn] */
} ann_csr_pre;

/* O(nsyn + pre_pop_size), a counting sort. Same error contract as the builders. */
int ann_csr_transpose_to_pre_major(const ann_csr *c, int32_t pre_pop_size, ann_csr_pre *out,
                                   ann_status *st);
void ann_csr_pre_free(ann_csr_pre *p);

/* dst[e] = src[perm[e]] for the nsyn entries (src in post-major order). */
void ann_csr_pre_gather_f64(const ann_csr_pre *p, const double *src, double *dst);
void ann_csr_pre_gather_i32(const ann_csr_pre *p, const int32_t *src, int32_t *dst);

#endif /* ANN_CONNECT_H */
