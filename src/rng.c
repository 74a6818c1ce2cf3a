/* Host-side streams over the kernels' generator, distribution descriptors and their checks. */
#include "annarchy.h"
#include "comm.h"
#include "status.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/random.h>
#endif

#include "kernel/10_rng.h"

void ann_rng_init(ann_rng *r, uint64_t seed, uint32_t stream)
{
    memset(r, 0, sizeof *r);
    r->seed = seed;
    r->stream = stream;
}

void ann_rng_seek(ann_rng *r, uint64_t pos)
{
    r->pos = pos;
}

/* The prefix of the current position; the caller advances r->pos. */
static const uint32_t *rng_prefix(ann_rng *r)
{
    uint64_t step = r->pos >> 32;
    if (!r->has_pre || r->cached_step != step) {
        annk_rng_prefix(r->seed, r->stream, step, ANNK_K_HOST, r->pre);
        r->cached_step = step;
        r->has_pre = 1;
    }
    return r->pre;
}

double ann_rng_uniform(ann_rng *r)
{
    double x = annk_draw_uniform(rng_prefix(r), (uint32_t)r->pos);
    r->pos++;
    return x;
}

uint64_t ann_rng_below(ann_rng *r, uint64_t n)
{
    /* Reject the words below 2^64 mod n so that w mod n is exactly uniform; each block gives
     * two 64-bit words, and the position has 2^32 blocks. */
    const uint32_t *pre = rng_prefix(r);
    uint32_t elem = (uint32_t)r->pos, b[4], sub;
    uint64_t limit, w = 0;
    r->pos++;
    if (n <= 1)
        return 0;
    limit = (0 - n) % n;
    for (sub = 0; sub < 0xffffffffu; sub++) {
        annk_rng_block(pre, elem, sub, b);
        w = ((uint64_t)b[0] << 32) | b[1];
        if (w >= limit)
            break;
        w = ((uint64_t)b[2] << 32) | b[3];
        if (w >= limit)
            break;
    }
    return w % n;
}

double ann_rng_uniform_ab(ann_rng *r, double a, double b)
{
    double x = annk_draw_uniform_ab(a, b, rng_prefix(r), (uint32_t)r->pos);
    r->pos++;
    return x;
}

double ann_rng_discrete_uniform(ann_rng *r, double a, double b)
{
    double x = annk_draw_discrete_uniform(a, b, rng_prefix(r), (uint32_t)r->pos);
    r->pos++;
    return x;
}

double ann_rng_normal(ann_rng *r, double mu, double sigma)
{
    double x = annk_draw_normal(mu, sigma, rng_prefix(r), (uint32_t)r->pos);
    r->pos++;
    return x;
}

double ann_rng_lognormal(ann_rng *r, double mu, double sigma)
{
    double x = annk_draw_lognormal(mu, sigma, rng_prefix(r), (uint32_t)r->pos);
    r->pos++;
    return x;
}

double ann_rng_exponential(ann_rng *r, double lambda)
{
    double x = annk_draw_exponential(lambda, rng_prefix(r), (uint32_t)r->pos);
    r->pos++;
    return x;
}

double ann_rng_gamma(ann_rng *r, double alpha, double beta)
{
    double x = annk_draw_gamma(alpha, beta, rng_prefix(r), (uint32_t)r->pos);
    r->pos++;
    return x;
}

double ann_rng_binomial(ann_rng *r, double n, double p)
{
    double x = annk_draw_binomial(n, p, rng_prefix(r), (uint32_t)r->pos);
    r->pos++;
    return x;
}

/* ---- entropy ----------------------------------------------------------------------------- */

static uint64_t splitmix64(uint64_t x)
{
    x += 0x9E3779B97F4A7C15ull;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
    return x ^ (x >> 31);
}

static uint64_t local_entropy(void)
{
    uint64_t s = 0;
    struct timespec ts;
#if defined(__linux__)
    if (getrandom(&s, sizeof s, 0) == (ssize_t)sizeof s)
        return s;
#endif
    {
        FILE *f = fopen("/dev/urandom", "rb");
        if (f) {
            size_t got = fread(&s, sizeof s, 1, f);
            fclose(f);
            if (got == 1)
                return s;
        }
    }
    /* Last resort: not secret, but different between processes and between calls. */
    clock_gettime(CLOCK_REALTIME, &ts);
    s = splitmix64((uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec);
    s = splitmix64(s ^ (uint64_t)getpid());
    return splitmix64(s ^ (uint64_t)(uintptr_t)&ts);
}

/* Processes sharing networks (mpirun) all take the draw of rank 0: they run the same script,
 * so they ask for it at the same point. */
uint64_t ann_seed_from_entropy(void)
{
    uint64_t s = local_entropy();
    const ann_transport *tp = ann_comm();
    if (tp->size == 1) return s;
    uint64_t *all = malloc((size_t)tp->size * sizeof *all);
    if (!all) return s;
    tp->allgather(&s, sizeof s, all);
    s = all[0];
    free(all);
    return s;
}

/* ---- descriptors ------------------------------------------------------------------------- */

static const char *const kind_names[ANN_DIST_NKINDS] = {
    "Uniform", "DiscreteUniform", "Normal", "LogNormal", "Exponential", "Gamma", "Binomial"
};

/* Names of p1 and p2 in messages. */
static const char *const p1_names[ANN_DIST_NKINDS] = {
    "min", "min", "mu", "mu", "lambda", "alpha", "n"
};
static const char *const p2_names[ANN_DIST_NKINDS] = {
    "max", "max", "sigma", "sigma", NULL, "beta", "p"
};

const char *ann_dist_kind_name(int kind)
{
    return kind >= 0 && kind < ANN_DIST_NKINDS ? kind_names[kind] : NULL;
}

int ann_dist_kind_from_name(const char *name)
{
    int k;
    for (k = 0; k < ANN_DIST_NKINDS; k++)
        if (strcmp(name, kind_names[k]) == 0)
            return k;
    return -1;
}

/* The shortest of %.15g / %.17g that reads back as x. */
static void fmt_num(char *buf, size_t n, double x)
{
    snprintf(buf, n, "%.15g", x);
    if (isfinite(x) && strtod(buf, NULL) != x)
        snprintf(buf, n, "%.17g", x);
}

int ann_dist_check(const ann_dist *d, ann_status *st)
{
    const char *name = ann_dist_kind_name(d->kind);
    double p1 = d->p1, p2 = d->p2;
    char s1[32], s2[32];
    if (!name)
        return ann_fail(st, "unknown distribution kind %d", d->kind);
    fmt_num(s1, sizeof s1, p1);
    fmt_num(s2, sizeof s2, p2);
    if (!isfinite(p1))
        return ann_fail(st, "%s: %s should be a finite number (%s = %s).", name,
                     p1_names[d->kind], p1_names[d->kind], s1);
    if (p2_names[d->kind] && !isfinite(p2))
        return ann_fail(st, "%s: %s should be a finite number (%s = %s).", name,
                     p2_names[d->kind], p2_names[d->kind], s2);
    switch (d->kind) {
    case ANN_DIST_UNIFORM:
    case ANN_DIST_DISCRETE_UNIFORM:
        if (p1 >= p2)
            return ann_fail(st, "%s: the minimum value (min = %s) should be smaller "
                         "than the maximum value (max = %s).", name, s1, s2);
        if (d->kind == ANN_DIST_DISCRETE_UNIFORM && ceil(p1) > floor(p2))
            return ann_fail(st, "%s: there is no integer between min = %s and "
                         "max = %s.", name, s1, s2);
        break;
    case ANN_DIST_NORMAL:
    case ANN_DIST_LOGNORMAL:
        if (p2 < 0)
            return ann_fail(st, "%s: the standard deviation (sigma = %s) should be "
                         "positive.", name, s2);
        break;
    case ANN_DIST_EXPONENTIAL:
        if (p1 <= 0)
            return ann_fail(st, "%s: the rate (lambda = %s) should be positive.", name,
                         s1);
        break;
    case ANN_DIST_GAMMA:
        if (p1 < 0)
            return ann_fail(st, "%s: the shape (alpha = %s) should be positive.", name,
                         s1);
        if (p2 < 0)
            return ann_fail(st, "%s: the scale (beta = %s) should be positive.", name,
                         s2);
        break;
    case ANN_DIST_BINOMIAL:
        if (p1 < 0 || p1 != floor(p1) || p1 > 9007199254740992.0)
            return ann_fail(st, "%s: the number of trials (n = %s) should be a "
                         "non-negative integer.", name, s1);
        if (!(p2 >= 0 && p2 <= 1))
            return ann_fail(st, "%s: the probability (p = %s) should be between 0 "
                         "and 1.", name, s2);
        break;
    default:
        break;
    }
    if (d->has_min && isnan(d->min))
        return ann_fail(st, "%s: min should be a number (min = nan).", name);
    if (d->has_max && isnan(d->max))
        return ann_fail(st, "%s: max should be a number (max = nan).", name);
    if (d->has_min && d->has_max && d->min > d->max) {
        fmt_num(s1, sizeof s1, d->min);
        fmt_num(s2, sizeof s2, d->max);
        return ann_fail(st, "%s: the clipping bounds are inverted (min = %s is larger "
                     "than max = %s).", name, s1, s2);
    }
    return 0;
}

static double draw(const ann_dist *d, const uint32_t *pre, uint32_t elem)
{
    switch (d->kind) {
    case ANN_DIST_UNIFORM:
        return annk_draw_uniform_ab(d->p1, d->p2, pre, elem);
    case ANN_DIST_DISCRETE_UNIFORM:
        return annk_draw_discrete_uniform(d->p1, d->p2, pre, elem);
    case ANN_DIST_NORMAL:
        return annk_draw_normal(d->p1, d->p2, pre, elem);
    case ANN_DIST_LOGNORMAL:
        return annk_draw_lognormal(d->p1, d->p2, pre, elem);
    case ANN_DIST_EXPONENTIAL:
        return annk_draw_exponential(d->p1, pre, elem);
    case ANN_DIST_GAMMA:
        return annk_draw_gamma(d->p1, d->p2, pre, elem);
    case ANN_DIST_BINOMIAL:
        return annk_draw_binomial(d->p1, d->p2, pre, elem);
    default:
        return NAN;
    }
}

static double clip(const ann_dist *d, double x)
{
    if (d->has_min && x < d->min)
        x = d->min;
    if (d->has_max && x > d->max)
        x = d->max;
    return x;
}

double ann_dist_sample(const ann_dist *d, ann_rng *r)
{
    double x = clip(d, draw(d, rng_prefix(r), (uint32_t)r->pos));
    r->pos++;
    return x;
}

/* The 64-bit words (annk_word, sub-draw 0) of elements e0 .. e0 + n - 1: one Philox block
 * for the two elements that share it (e and e + 4 in a group of eight), where annk_word
 * computes it for each. */
static void fill_words(const uint32_t pre[4], uint32_t e0, int32_t n, uint64_t *w)
{
    uint32_t b[4];
    for (int32_t k = 0; k < n; k++) {
        uint32_t e = e0 + (uint32_t)k;
        int high = (e >> 2) & 1u;
        if (high && k >= 4)
            continue;   /* given by element e - 4 */
        annk_rng_block(pre, ((e >> 3) << 2) | (e & 3u), 0, b);
        w[k] = high ? ((uint64_t)b[2] << 32) | b[3] : ((uint64_t)b[0] << 32) | b[1];
        if (!high && k + 4 < n)
            w[k + 4] = ((uint64_t)b[2] << 32) | b[3];
    }
}

enum { WORDS_CHUNK = 256 };

/* The words of the next positions of r, at most `left` and WORDS_CHUNK, all on one prefix
 * (*pre); returns their number. The caller advances r->pos by it. */
static int32_t next_words(ann_rng *r, int64_t left, uint64_t *w, const uint32_t **pre)
{
    uint32_t e0 = (uint32_t)r->pos;
    uint64_t room = ((uint64_t)1 << 32) - e0;   /* positions left on this prefix */
    int32_t m = left < WORDS_CHUNK ? (int32_t)left : WORDS_CHUNK;
    if ((uint64_t)m > room)
        m = (int32_t)room;
    *pre = rng_prefix(r);
    fill_words(*pre, e0, m, w);
    return m;
}

/* The high 64 bits of w * n (n < 2^32), the low ones in *lo. */
static uint64_t mul_n(uint64_t w, uint64_t n, uint64_t *lo)
{
    uint64_t a = (w & 0xffffffffu) * n, b = (w >> 32) * n;
    uint64_t t = b << 32;
    *lo = t + a;
    return (b >> 32) + (*lo < t);
}

void ann_rng_fill_below(ann_rng *r, int32_t n, int32_t *out, int64_t count)
{
    uint64_t w[WORDS_CHUNK];
    const uint64_t un = (uint64_t)n, reject = (0 - un) % un;   /* 2^64 mod n */
    int64_t i = 0;
    while (i < count) {
        const uint32_t *pre;
        uint32_t e0 = (uint32_t)r->pos;
        int32_t m = next_words(r, count - i, w, &pre);
        for (int32_t k = 0; k < m; k++) {
            uint64_t lo, hi = mul_n(w[k], un, &lo);
            for (uint32_t sub = 1; lo < reject; sub++)
                hi = mul_n(annk_word(pre, e0 + (uint32_t)k, sub), un, &lo);
            out[i + k] = (int32_t)hi;
        }
        r->pos += (uint64_t)m;
        i += m;
    }
}

/* Does the distribution read one word per element (annk_word, sub-draw 0) first? */
static int reads_word(const ann_dist *d)
{
    return d->kind == ANN_DIST_UNIFORM || d->kind == ANN_DIST_DISCRETE_UNIFORM
           || d->kind == ANN_DIST_EXPONENTIAL || d->kind == ANN_DIST_NORMAL
           || d->kind == ANN_DIST_LOGNORMAL;
}

/* The draw of element e of such a distribution from its word w: draw()'s value. */
static double from_word(const ann_dist *d, const uint32_t pre[4], uint32_t e, uint64_t w)
{
    switch (d->kind) {
    case ANN_DIST_UNIFORM:
        return annk_uniform_ab_of(d->p1, d->p2, annk_w53(w));
    case ANN_DIST_DISCRETE_UNIFORM:
        return annk_discrete_uniform_of(d->p1, d->p2, annk_w53(w));
    case ANN_DIST_EXPONENTIAL:
        return annk_exponential_of(d->p1, annk_w53(w));
    case ANN_DIST_NORMAL:
        return annk_normal_of(d->p1, d->p2, annk_zig(pre, e, w));
    default:
        return annk_lognormal_of(d->p1, d->p2, annk_zig(pre, e, w));
    }
}

void ann_dist_fill_prefix(const ann_dist *d, const uint32_t pre[4], uint32_t e0, double *out,
                          int64_t n)
{
    uint64_t w[WORDS_CHUNK];
    int64_t i = 0;
    if (!reads_word(d)) {
        for (; i < n; i++)
            out[i] = clip(d, draw(d, pre, e0 + (uint32_t)i));
        return;
    }
    while (i < n) {
        int32_t m = n - i < WORDS_CHUNK ? (int32_t)(n - i) : WORDS_CHUNK;
        uint32_t e = e0 + (uint32_t)i;
        fill_words(pre, e, m, w);
        for (int32_t k = 0; k < m; k++)
            out[i + k] = clip(d, from_word(d, pre, e + (uint32_t)k, w[k]));
        i += m;
    }
}

/* The same values as n calls of ann_dist_sample: the positions of each step at once. */
void ann_dist_fill(const ann_dist *d, ann_rng *r, double *out, int64_t n)
{
    int64_t i = 0;
    while (i < n) {
        uint64_t room = ((uint64_t)1 << 32) - (uint32_t)r->pos;   /* positions on this step */
        int64_t m = (uint64_t)(n - i) < room ? n - i : (int64_t)room;
        ann_dist_fill_prefix(d, rng_prefix(r), (uint32_t)r->pos, out + i, m);
        r->pos += (uint64_t)m;
        i += m;
    }
}
