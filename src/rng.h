/* Host-side random streams and distribution descriptors, on the counter-based generator of
 * src/kernel/10_rng.h (the same functions the generated kernels call).
 *
 * A stream (seed, stream id) is a sequence of positions 0, 1, 2, ...; position `pos` is the
 * kernel draw (seed, stream, elem = pos mod 2^32, step = pos / 2^32, k = ANNK_K_HOST), so a
 * value depends only on (seed, stream, position), never on what was drawn before, on the
 * number of threads or on how the positions are split between calls. Every value of a
 * distribution takes exactly one position, whatever the number of uniforms it needs.
 *
 * Stream ids: the runtime numbers its own streams from 0; ANN_RNG_STREAM_OBJECT is the stream
 * of stand-alone distribution objects (`ann.Normal(0, 1, {seed = 1}):get_values(...)`).
 */
#ifndef ANN_RNG_H
#define ANN_RNG_H

#include <stddef.h>
#include <stdint.h>

#define ANN_RNG_STREAM_OBJECT 0xffffffffu

typedef struct ann_rng {
    uint64_t seed;
    uint32_t stream;
    uint64_t pos;        /* the next position to draw */
    /* cache of the generator's stage 1 for step `cached_step` (valid if has_pre) */
    uint64_t cached_step;
    uint32_t pre[4];
    int has_pre;
} ann_rng;

void ann_rng_init(ann_rng *r, uint64_t seed, uint32_t stream);
void ann_rng_seek(ann_rng *r, uint64_t pos);

/* Each of these consumes one position. */
double ann_rng_uniform(ann_rng *r);                           /* [0, 1), 53 bits */
uint64_t ann_rng_below(ann_rng *r, uint64_t n);               /* [0, n), unbiased; n > 0 */
double ann_rng_uniform_ab(ann_rng *r, double a, double b);    /* [a, b) */
double ann_rng_discrete_uniform(ann_rng *r, double a, double b); /* integers in [a, b] */
double ann_rng_normal(ann_rng *r, double mu, double sigma);
double ann_rng_lognormal(ann_rng *r, double mu, double sigma);
double ann_rng_exponential(ann_rng *r, double lambda);        /* rate: mean 1/lambda */
double ann_rng_gamma(ann_rng *r, double alpha, double beta);  /* shape, scale */
double ann_rng_binomial(ann_rng *r, double n, double p);

/* A seed from the operating system's entropy (getrandom, /dev/urandom, else clock and pid). */
uint64_t ann_seed_from_entropy(void);

/* ---- distribution descriptors ------------------------------------------------------------ */

typedef enum ann_dist_kind {
    ANN_DIST_UNIFORM = 0,      /* p1 = min, p2 = max: [min, max) */
    ANN_DIST_DISCRETE_UNIFORM, /* p1 = min, p2 = max: integers in [min, max] */
    ANN_DIST_NORMAL,           /* p1 = mu, p2 = sigma */
    ANN_DIST_LOGNORMAL,        /* p1 = mu, p2 = sigma of the underlying normal */
    ANN_DIST_EXPONENTIAL,      /* p1 = lambda, a rate (mean 1/lambda); p2 unused */
    ANN_DIST_GAMMA,            /* p1 = alpha (shape), p2 = beta (scale) */
    ANN_DIST_BINOMIAL,         /* p1 = n, p2 = p */
    ANN_DIST_NKINDS
} ann_dist_kind;

typedef struct ann_dist {
    int kind;                  /* an ann_dist_kind */
    double p1, p2;
    double min, max;           /* clipping bounds, used when has_min / has_max */
    int has_min, has_max;
} ann_dist;

/* "Uniform", "DiscreteUniform", "Normal", "LogNormal", "Exponential", "Gamma", "Binomial". */
const char *ann_dist_kind_name(int kind);            /* NULL for an unknown kind */
int ann_dist_kind_from_name(const char *name);       /* -1 for an unknown name */

/* 0 if the parameters are valid; otherwise -1 and the reference's message in err. */
int ann_dist_check(const ann_dist *d, char *err, size_t errlen);

/* One value of d (one position of r), clipped to [min, max] where given. d must be valid. */
double ann_dist_sample(const ann_dist *d, ann_rng *r);

/* n values at the next n positions of r: out[i] is position (r->pos before the call) + i. */
void ann_dist_fill(const ann_dist *d, ann_rng *r, double *out, int64_t n);

#endif /* ANN_RNG_H */
