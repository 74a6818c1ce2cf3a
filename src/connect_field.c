/* The distance-based connectors gaussian and dog (reference §9.2), on geometries. */
#include "connect_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- gaussian / dog ----------------------------------------------------------------------- */

typedef struct field {
    int dog;
    double a1, s1, a2, s2;
    double threshold;       /* kept iff w > threshold (gaussian) or |w| > threshold (dog) */
} field;

static int geom_size(const int32_t *g, int nd, int32_t *size, const char *who,
                     const char *side, ann_status *st)
{
    int64_t n = 1;
    if (nd < 1 || !g)
        return ann_fail(st, "%s: the %s-synaptic population needs a geometry.", who, side);
    for (int d = 0; d < nd; d++) {
        if (g[d] < 1)
            return ann_fail(st, "%s: invalid %s-synaptic geometry (dimension %d is %d).", who,
                            side, d + 1, (int)g[d]);
        n *= g[d];
        if (n > INT32_MAX)
            return ann_fail(st, "%s: the %s-synaptic population is too large.", who, side);
    }
    *size = (int32_t)n;
    return 0;
}

/* Normalised coordinates of a row-major rank: the last dimension varies fastest. */
static void norm_coords(int32_t rank, const int32_t *g, int nd, double *x)
{
    for (int d = nd - 1; d >= 0; d--) {
        int32_t c = rank % g[d];
        rank /= g[d];
        x[d] = g[d] > 1 ? (double)c / (double)(g[d] - 1) : 0.0;
    }
}

static int build_field(ann_csr *out, const int32_t *pre_geom, int pre_ndim,
                       const int32_t *post_geom, int post_ndim, int32_t same_population,
                       const field *f, int32_t allow_self, const ann_syn_values *v,
                       ann_rng *rng, const char *who, ann_status *st)
{
    values pv;
    int32_t npre, npost, ndend = 0, begin, end;
    int parts;
    int no_self = same_population && !allow_self;
    double *pre_x = NULL, post_x[64];
    int64_t cap, nsyn = 0;
    memset(out, 0, sizeof *out);
    if (geom_size(pre_geom, pre_ndim, &npre, who, "pre", st)
        || geom_size(post_geom, post_ndim, &npost, who, "post", st))
        return 1;
    if (pre_ndim != post_ndim)
        return ann_fail(st, "%s: the pre- and post-synaptic populations must have the same "
                        "number of dimensions (%d and %d).", who, pre_ndim, post_ndim);
    if (pre_ndim > 64)
        return ann_fail(st, "%s: at most 64 dimensions are supported.", who);
    if (!(f->s1 != 0) || !isfinite(f->s1) || (f->dog && (!(f->s2 != 0) || !isfinite(f->s2))))
        return ann_fail(st, "%s: sigma must be a non-zero finite number.", who);
    if (annc_values_prepare(&pv, v, 0, who, st) || annc_need_rng(&pv, rng, who, st)
        || annc_span(&pv, NULL, npost, &begin, &end, &parts, who, st))
        return 1;
    pre_x = annc_alloc_n((int64_t)npre * pre_ndim, sizeof *pre_x);
    cap = (int64_t)npre * npost < 65536 ? (int64_t)npre * npost : 65536;
    if (!pre_x || annc_csr_alloc(out, npost, cap))
        goto nomem;
    out->w = annc_alloc_n(cap, sizeof *out->w);
    if (!out->w)
        goto nomem;
    for (int32_t r = 0; r < npre; r++)
        norm_coords(r, pre_geom, pre_ndim, pre_x + (int64_t)r * pre_ndim);
    {
        const double c1 = 1.0 / (2 * f->s1 * f->s1);
        const double c2 = f->dog ? 1.0 / (2 * f->s2 * f->s2) : 0.0;
        for (int32_t i = begin; i < end; i++) {
            int64_t s0 = nsyn;
            norm_coords(i, post_geom, post_ndim, post_x);
            for (int32_t r = 0; r < npre; r++) {
                const double *x = pre_x + (int64_t)r * pre_ndim;
                double d2 = 0, w;
                int keep;
                if (no_self && r == i)
                    continue;
                for (int d = 0; d < pre_ndim; d++)
                    d2 += (post_x[d] - x[d]) * (post_x[d] - x[d]);
                if (f->dog) {
                    w = f->a1 * exp(-d2 * c1) - f->a2 * exp(-d2 * c2);
                    keep = fabs(w) > f->threshold;
                } else {
                    w = f->a1 * exp(-d2 * c1);
                    keep = w > f->threshold;
                }
                if (!keep)
                    continue;
                if (nsyn == cap) {
                    int64_t ncap = cap * 2;
                    int32_t *q = annc_resize_n(out->pre_rank, ncap, sizeof *out->pre_rank);
                    double *qw;
                    if (!q)
                        goto nomem;
                    out->pre_rank = q;
                    qw = annc_resize_n(out->w, ncap, sizeof *out->w);
                    if (!qw)
                        goto nomem;
                    out->w = qw;
                    cap = ncap;
                }
                out->pre_rank[nsyn] = r;
                out->w[nsyn] = w;
                nsyn++;
            }
            if (nsyn > s0) {
                out->post_rank[ndend++] = i;
                out->row[ndend] = nsyn;
            }
        }
    }
    out->ndend = ndend;
    out->nsyn = nsyn;
    annc_csr_shrink(out);
    {
        double *qw = annc_resize_n(out->w, nsyn, sizeof *out->w);
        if (qw)
            out->w = qw;
    }
    free(pre_x);
    if (annc_fill_values(out, &pv, rng, 0, 1, who, st)) {
        ann_csr_free(out);
        return parts ? annc_gather_parts(out, 1, &pv.rows, parts, who, st) : 1;
    }
    return parts ? annc_gather_parts(out, 0, &pv.rows, parts, who, st) : 0;

nomem:
    free(pre_x);
    ann_csr_free(out);
    annc_oom(st, who);
    return parts ? annc_gather_parts(out, 1, &pv.rows, parts, who, st) : 1;
}

int ann_connect_gaussian(ann_csr *out,
                         const int32_t *pre_geom, int pre_ndim,
                         const int32_t *post_geom, int post_ndim,
                         int32_t same_population, double amp, double sigma, double limit,
                         int32_t allow_self,
                         const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    field f;
    memset(&f, 0, sizeof f);
    f.a1 = amp;
    f.s1 = sigma;
    f.threshold = limit * amp;
    return build_field(out, pre_geom, pre_ndim, post_geom, post_ndim, same_population, &f,
                       allow_self, v, rng, "gaussian", st);
}

int ann_connect_dog(ann_csr *out,
                    const int32_t *pre_geom, int pre_ndim,
                    const int32_t *post_geom, int post_ndim,
                    int32_t same_population, double amp_pos, double sigma_pos,
                    double amp_neg, double sigma_neg, double limit, int32_t allow_self,
                    const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    field f;
    memset(&f, 0, sizeof f);
    f.dog = 1;
    f.a1 = amp_pos;
    f.s1 = sigma_pos;
    f.a2 = amp_neg;
    f.s2 = sigma_neg;
    f.threshold = limit * fabs(amp_pos - amp_neg);
    return build_field(out, pre_geom, pre_ndim, post_geom, post_ndim, same_population, &f,
                       allow_self, v, rng, "dog", st);
}
