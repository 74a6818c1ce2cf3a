/* Counter-based random numbers: Philox4x32-10 and the distributions built on it.
 *
 * This header is prepended to every generated kernel and included by src/rng.c, so the host
 * and the kernels draw from one definition. It must stay plain C99 that gcc and tcc 0.9.27
 * both compile: static inline functions only, no other headers than <stdint.h> and <math.h>.
 *
 * Philox4x32-10 is the block function of Salmon, Moraes, Dror and Shaw, "Parallel random
 * numbers: as easy as 1, 2, 3" (SC'11): a 128-bit counter and a 64-bit key give 128
 * pseudo-random bits; for a fixed key it is a bijection on the counter.
 *
 * Mapping of a draw (seed, stream, elem, step, k), with `sub` the internal sub-draw index:
 *
 *   stage 1  key     = (seed & 0xffffffff, seed >> 32)
 *            counter = (stream, k, step & 0xffffffff, step >> 32)          ->  P[0..3]
 *   stage 2  key     = (P[0], P[1])
 *            counter = (elem, sub, P[2], P[3])                             ->  B[0..3]
 *
 * Distinct (stream, k, step) give distinct P for one seed (bijection), so two stage-2 inputs
 * with distinct (stream, k, step) differ either in the key or in counter words 2-3; within one
 * P, distinct (elem, sub) are distinct counters. No two draws share an input, every field
 * keeps its full width (seed 64, stream 32, k 32, step 64, elem 32 bits) and stage 1 does not
 * depend on the element, so a kernel loop over elements computes it once (annk_rng_prefix)
 * -- gcc hoists it by itself out of a loop calling annk_normal(...) with invariant arguments.
 *
 * A block B gives two doubles in [0,1) with 53 random bits each:
 *   u0 = ((B[0] << 32 | B[1]) >> 11) * 2^-53,   u1 = ((B[2] << 32 | B[3]) >> 11) * 2^-53.
 * Sub-draws used by each distribution (always from the same (stream, elem, step, k)):
 *   uniform, uniform_ab, discrete_uniform, exponential   block 0, u0
 *   normal, lognormal (Box-Muller, cosine branch)         block 0, u0 and u1
 *   gamma      rejection round j: block 2j (normal), block 2j+1 u0 (acceptance);
 *              alpha < 1 boost: block 1 u1
 *   binomial   n*min(p,1-p) < 10, inversion attempt j: block j, u0;
 *              otherwise BTRS (Hormann 1993) round j: block j, u0 and u1
 * so every k has 2^32 blocks of its own: k values never share random bits.
 *
 * Reserved: k = ANNK_K_HOST (0xffffffff) is used by the host-side streams of src/rng.c;
 * kernels use k < 2^31 (the code generator numbers the random terms of a model from 0).
 *
 * Invalid parameters (sigma < 0, lambda <= 0, alpha < 0, p outside [0, 1], ...) give NaN:
 * the host checks them before a network is built (ann_dist_check).
 */
#ifndef ANNK_RNG_H
#define ANNK_RNG_H

#include <stdint.h>
#include <math.h>

#define ANNK_K_HOST 0xffffffffu
#define ANNK_TWO_PI 6.283185307179586476925286766559
#define ANNK_INV_2_53 (1.0 / 9007199254740992.0)

/* ---- the block function ------------------------------------------------------------------ */

static inline void annk_philox4x32_10(const uint32_t ctr[4], const uint32_t key[2],
                                      uint32_t out[4])
{
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3];
    uint32_t k0 = key[0], k1 = key[1];
    int r;
    for (r = 0; r < 10; r++) {
        uint64_t p0 = (uint64_t)0xD2511F53u * c0;
        uint64_t p1 = (uint64_t)0xCD9E8D57u * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1;
        c3 = (uint32_t)p0;
        c0 = n0;
        c2 = n2;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    out[0] = c0;
    out[1] = c1;
    out[2] = c2;
    out[3] = c3;
}

/* Stage 1: everything that does not depend on the element. */
static inline void annk_rng_prefix(uint64_t seed, uint32_t stream, uint64_t step, uint32_t k,
                                   uint32_t pre[4])
{
    uint32_t ctr[4], key[2];
    key[0] = (uint32_t)seed;
    key[1] = (uint32_t)(seed >> 32);
    ctr[0] = stream;
    ctr[1] = k;
    ctr[2] = (uint32_t)step;
    ctr[3] = (uint32_t)(step >> 32);
    annk_philox4x32_10(ctr, key, pre);
}

/* Stage 2: block `sub` of element `elem`. */
static inline void annk_rng_block(const uint32_t pre[4], uint32_t elem, uint32_t sub,
                                  uint32_t out[4])
{
    uint32_t ctr[4], key[2];
    key[0] = pre[0];
    key[1] = pre[1];
    ctr[0] = elem;
    ctr[1] = sub;
    ctr[2] = pre[2];
    ctr[3] = pre[3];
    annk_philox4x32_10(ctr, key, out);
}

static inline double annk_u53(uint32_t hi, uint32_t lo)
{
    return (double)((((uint64_t)hi << 32) | lo) >> 11) * ANNK_INV_2_53;
}

/* ---- distributions on a prefix (host streams and hand-hoisted kernel loops) ---------------- */

static inline double annk_draw_uniform(const uint32_t pre[4], uint32_t elem)
{
    uint32_t b[4];
    annk_rng_block(pre, elem, 0, b);
    return annk_u53(b[0], b[1]);
}

/* Box-Muller on block `sub`: sqrt(-2 log(1 - u0)) cos(2 pi u1), 1 - u0 in (0, 1]. */
static inline double annk_std_normal_block(const uint32_t pre[4], uint32_t elem, uint32_t sub)
{
    uint32_t b[4];
    annk_rng_block(pre, elem, sub, b);
    return sqrt(-2.0 * log(1.0 - annk_u53(b[0], b[1]))) * cos(ANNK_TWO_PI * annk_u53(b[2], b[3]));
}

static inline double annk_draw_uniform_ab(double a, double b, const uint32_t pre[4],
                                          uint32_t elem)
{
    return a + (b - a) * annk_draw_uniform(pre, elem);
}

/* Integers in [ceil(a), floor(b)], both ends included. */
static inline double annk_draw_discrete_uniform(double a, double b, const uint32_t pre[4],
                                                uint32_t elem)
{
    double lo = ceil(a), hi = floor(b), x;
    if (!(lo <= hi))
        return NAN;
    x = lo + floor(annk_draw_uniform(pre, elem) * (hi - lo + 1.0));
    return x > hi ? hi : x;
}

static inline double annk_draw_normal(double mu, double sigma, const uint32_t pre[4],
                                      uint32_t elem)
{
    if (!(sigma >= 0.0))
        return NAN;
    return mu + sigma * annk_std_normal_block(pre, elem, 0);
}

static inline double annk_draw_lognormal(double mu, double sigma, const uint32_t pre[4],
                                         uint32_t elem)
{
    if (!(sigma >= 0.0))
        return NAN;
    return exp(mu + sigma * annk_std_normal_block(pre, elem, 0));
}

/* lambda is a rate: the mean is 1/lambda. */
static inline double annk_draw_exponential(double lambda, const uint32_t pre[4], uint32_t elem)
{
    if (!(lambda > 0.0))
        return NAN;
    return -log1p(-annk_draw_uniform(pre, elem)) / lambda;
}

/* Shape alpha, scale beta. Marsaglia and Tsang (2000); alpha < 1 draws Gamma(alpha + 1) and
 * multiplies by U^(1/alpha). */
static inline double annk_draw_gamma(double alpha, double beta, const uint32_t pre[4],
                                     uint32_t elem)
{
    double a, d, c, x, v, u, x2;
    uint32_t b[4], j;
    if (!(alpha >= 0.0) || !(beta >= 0.0))
        return NAN;
    if (alpha == 0.0)
        return 0.0;
    a = alpha < 1.0 ? alpha + 1.0 : alpha;
    d = a - 1.0 / 3.0;
    c = 1.0 / sqrt(9.0 * d);
    for (j = 0; j < 100000u; j++) {
        x = annk_std_normal_block(pre, elem, 2u * j);
        v = 1.0 + c * x;
        if (v <= 0.0)
            continue;
        v = v * v * v;
        annk_rng_block(pre, elem, 2u * j + 1u, b);
        u = annk_u53(b[0], b[1]);
        x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2 || log(u) < 0.5 * x2 + d * (1.0 - v + log(v))) {
            double g = d * v;
            if (alpha < 1.0) {
                annk_rng_block(pre, elem, 1u, b);
                g *= pow(1.0 - annk_u53(b[2], b[3]), 1.0 / alpha);
            }
            return g * beta;
        }
    }
    return NAN; /* not reached for finite parameters */
}

/* log(k!) for k >= 0: exact below 10, Stirling's series (error < 1e-17 relative) above. */
static inline double annk_log_factorial(double k)
{
    static const double small[10] = {
        0.0, 0.0, 0.6931471805599453, 1.791759469228055, 3.1780538303479458,
        4.787491742782046, 6.579251212010101, 8.525161361065415, 10.60460290274525,
        12.801827480081469
    };
    double z, iz, iz2;
    if (k < 10.0)
        return small[(int)k];
    z = k + 1.0;
    iz = 1.0 / z;
    iz2 = iz * iz;
    return (z - 0.5) * log(z) - z + 0.91893853320467274178 /* log(2 pi)/2 */
           + iz * (1.0 / 12.0 - iz2 * (1.0 / 360.0 - iz2 * (1.0 / 1260.0 - iz2 / 1680.0)));
}

/* Number of successes in n trials of probability p. */
static inline double annk_draw_binomial(double n, double p, const uint32_t pre[4],
                                        uint32_t elem)
{
    double q, r, k;
    uint32_t b[4], j;
    int flip;
    if (!(n >= 0.0) || !(p >= 0.0 && p <= 1.0) || n > 9007199254740992.0)
        return NAN;
    n = floor(n);
    if (n == 0.0 || p == 0.0)
        return 0.0;
    if (p == 1.0)
        return n;
    flip = p > 0.5;
    if (flip)
        p = 1.0 - p;
    q = 1.0 - p;
    k = 0.0;
    if (n * p < 10.0) {
        /* Inversion: walk the probabilities P(0), P(1), ... with P(x) = P(x-1)(a/x - s).
         * The mean is below 10, so a walk past 110 only happens through rounding: retry. */
        double s = p / q, a = (n + 1.0) * s, p0 = exp(n * log1p(-p));
        double lim = n < 110.0 ? n : 110.0;
        for (j = 0; j < 1000u; j++) {
            double u;
            annk_rng_block(pre, elem, j, b);
            u = annk_u53(b[0], b[1]);
            r = p0;
            for (k = 0.0; k <= lim; k += 1.0) {
                if (u < r)
                    return flip ? n - k : k;
                u -= r;
                r *= a / (k + 1.0) - s;
            }
        }
        return NAN; /* not reached */
    } else {
        /* BTRS: transformed rejection with squeeze (W. Hormann, "The generation of binomial
         * random variates", J. Statist. Comput. Simul. 46, 1993). */
        double spq = sqrt(n * p * q);
        double bb = 1.15 + 2.53 * spq;
        double a = -0.0873 + 0.0248 * bb + 0.01 * p;
        double c = n * p + 0.5;
        double vr = 0.92 - 4.2 / bb;
        double alpha = (2.83 + 5.1 / bb) * spq;
        double lpq = log(p / q);
        double m = floor((n + 1.0) * p);
        double h = annk_log_factorial(m) + annk_log_factorial(n - m);
        for (j = 0; j < 100000u; j++) {
            double u, v, us;
            annk_rng_block(pre, elem, j, b);
            u = annk_u53(b[0], b[1]) - 0.5;
            v = annk_u53(b[2], b[3]);
            us = 0.5 - fabs(u);
            if (us <= 0.0)
                continue;
            k = floor((2.0 * a / us + bb) * u + c);
            if (k < 0.0 || k > n)
                continue;
            if (us >= 0.07 && v <= vr)
                return flip ? n - k : k;
            v = log(v * alpha / (a / (us * us) + bb));
            if (v <= h - annk_log_factorial(k) - annk_log_factorial(n - k) + (k - m) * lpq)
                return flip ? n - k : k;
        }
        return NAN; /* not reached */
    }
}

/* ---- the kernel interface: one call per draw ------------------------------------------------ */

static inline double annk_uniform(uint64_t seed, uint32_t stream, uint32_t elem, uint64_t step,
                                  uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_uniform(pre, elem);
}

static inline double annk_uniform_ab(double a, double b, uint64_t seed, uint32_t stream,
                                     uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_uniform_ab(a, b, pre, elem);
}

static inline double annk_discrete_uniform(double a, double b, uint64_t seed, uint32_t stream,
                                           uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_discrete_uniform(a, b, pre, elem);
}

static inline double annk_normal(double mu, double sigma, uint64_t seed, uint32_t stream,
                                 uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_normal(mu, sigma, pre, elem);
}

static inline double annk_lognormal(double mu, double sigma, uint64_t seed, uint32_t stream,
                                    uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_lognormal(mu, sigma, pre, elem);
}

static inline double annk_exponential(double lambda, uint64_t seed, uint32_t stream,
                                      uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_exponential(lambda, pre, elem);
}

static inline double annk_gamma(double alpha, double beta, uint64_t seed, uint32_t stream,
                                uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_gamma(alpha, beta, pre, elem);
}

static inline double annk_binomial(double n, double p, uint64_t seed, uint32_t stream,
                                   uint32_t elem, uint64_t step, uint32_t k)
{
    uint32_t pre[4];
    annk_rng_prefix(seed, stream, step, k, pre);
    return annk_draw_binomial(n, p, pre, elem);
}

#endif /* ANNK_RNG_H */
