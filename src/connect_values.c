/* Candidate rank lists, and the weights and delays every synapse of a connector receives
 * (reference §9.4, §9.6). */
#include "connect_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- candidate ranks ---------------------------------------------------------------------- */

void annc_rank_list_free(rank_list *l)
{
    free(l->owned);
    l->owned = NULL;
    l->r = NULL;
}

int annc_rank_list_make(rank_list *l, const int32_t *r, int32_t n, int32_t pop_size,
                        const char *who, const char *side, ann_status *st)
{
    int ascending = 1;
    memset(l, 0, sizeof *l);
    if (n < 0 || pop_size < 0 || (n > 0 && !r))
        return ann_fail(st, "%s: invalid list of %s-synaptic ranks.", who, side);
    for (int32_t i = 0; i < n; i++) {
        if (r[i] < 0 || r[i] >= pop_size)
            return ann_fail(st, "%s: the %s-synaptic rank %d is out of range (the population "
                            "has %d neurons).", who, side, (int)r[i], (int)pop_size);
        if (i > 0 && r[i] <= r[i - 1])
            ascending = 0;
    }
    l->n = n;
    if (ascending) {
        l->r = r;
        return 0;
    }
    l->owned = annc_alloc_n(n, sizeof *l->owned);
    if (!l->owned)
        return annc_oom(st, who);
    memcpy(l->owned, r, (size_t)n * sizeof *r);
    annc_sort_i32(l->owned, n);
    l->r = l->owned;
    for (int32_t i = 1; i < n; i++)
        if (l->owned[i] == l->owned[i - 1]) {
            int32_t dup = l->owned[i];
            annc_rank_list_free(l);
            return ann_fail(st, "%s: the %s-synaptic rank %d is listed twice.", who, side,
                            (int)dup);
        }
    return 0;
}

/* Index of rank x in an ascending list, or -1. */
int32_t annc_rank_find(const rank_list *l, int32_t x)
{
    int32_t lo = 0, hi = l->n;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (l->r[mid] < x)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < l->n && l->r[lo] == x ? lo : -1;
}


/* ---- weights and delays ------------------------------------------------------------------- */

ann_value ann_value_const(double x)
{
    ann_value v;
    memset(&v, 0, sizeof v);
    v.kind = ANN_VALUE_CONST;
    v.constant = x;
    return v;
}

ann_value ann_value_dist(const ann_dist *d)
{
    ann_value v;
    memset(&v, 0, sizeof v);
    v.kind = ANN_VALUE_DIST;
    v.dist = *d;
    return v;
}

int annc_values_prepare(values *pv, const ann_syn_values *v, int need_weights,
                        const char *who, ann_status *st)
{
    ann_status dst;
    memset(pv, 0, sizeof *pv);
    if (!v)
        return ann_fail(st, "%s: missing weights and delays.", who);
    if (!(v->dt > 0) || !isfinite(v->dt))
        return ann_fail(st, "%s: dt must be a positive number of ms.", who);
    pv->dt = v->dt;
    pv->rows = v->rows;
    if (need_weights) {
        if (v->weights.kind == ANN_VALUE_DIST) {
            if (ann_dist_check(&v->weights.dist, st))
                return 1;
            pv->weights_dist = 1;
            pv->wdist = v->weights.dist;
        } else if (v->weights.kind == ANN_VALUE_CONST) {
            pv->wconst = v->weights.constant;
            pv->shared = v->shared_weight != 0;
        } else {
            return ann_fail(st, "%s: weights are not valid!", who);
        }
    }
    if (v->delays.kind == ANN_VALUE_CONST) {
        double s = round(v->delays.constant / v->dt);
        if (!(v->delays.constant >= 0) || !isfinite(v->delays.constant) || s > INT32_MAX)
            return ann_fail(st, "Projection connector: delays are not valid! (%g ms)",
                            v->delays.constant);
        pv->dconst = (int32_t)s;
    } else if (v->delays.kind == ANN_VALUE_DIST) {
        ann_dist d = v->delays.dist;
        double upper = INFINITY;
        if (ann_dist_check(&d, st))
            return 1;
        /* No delay below one step (§9.6): min raised to dt. For the uniform kinds min is the
         * distribution's own lower bound, as in the reference. */
        if ((d.kind == ANN_DIST_UNIFORM || d.kind == ANN_DIST_DISCRETE_UNIFORM)
            && d.p1 < v->dt && v->dt < d.p2)
            d.p1 = v->dt;
        if (!d.has_min || d.min < v->dt) {
            d.has_min = 1;
            d.min = v->dt;
        }
        if (d.kind == ANN_DIST_UNIFORM || d.kind == ANN_DIST_DISCRETE_UNIFORM)
            upper = d.p2;
        else if (d.kind == ANN_DIST_BINOMIAL)
            upper = d.p1;
        if (d.has_max && d.max < upper)
            upper = d.max;
        if (!isfinite(upper))
            return ann_fail(st, "Projection connector: if you use a non-bounded random "
                            "distribution for the delays (e.g. Normal), you need to set the "
                            "max argument to limit the maximal delay.");
        if (round(upper / v->dt) > INT32_MAX)
            return ann_fail(st, "Projection connector: delays are not valid! (max %g ms is "
                            "too many steps)", upper);
        if (ann_dist_check(&d, &dst))
            return ann_fail(st, "Projection connector: delays are not valid! (%s)", dst.msg);
        pv->delays_dist = 1;
        pv->ddist = d;
    } else {
        return ann_fail(st, "Projection connector: delays are not valid!");
    }
    return 0;
}

int annc_need_rng(const values *pv, const ann_rng *rng, const char *who, ann_status *st)
{
    if (!rng && (pv->weights_dist || pv->delays_dist))
        return ann_fail(st, "%s: a random generator is needed for random weights or delays.",
                        who);
    return 0;
}
