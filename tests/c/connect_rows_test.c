/* Rows drawn independently (src/connect_rows.c): every connector gives the same bits on 1 to 4
 * threads; a range of rows [b, e) is exactly those rows of the whole projection; a row
 * depends only on (seed, stream, post rank), so a view of the posts gets the same rows; out of
 * range errors. Plus the statistics of the samplers at sizes where each of their paths runs:
 * fixed_probability's count is binomial, fixed_number_pre's rows are N distinct ranks, the
 * weights have their distribution's mean and standard deviation. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "annarchy.h"

#include "check.h"

enum { NPRE = 700, NPOST = 900 };

static int32_t *iota(int32_t n)
{
    int32_t *r = malloc((size_t)n * sizeof *r);
    for (int32_t i = 0; i < n; i++)
        r[i] = i;
    return r;
}

static ann_syn_values values(void)
{
    ann_syn_values v;
    ann_dist w, d;
    memset(&v, 0, sizeof v);
    memset(&w, 0, sizeof w);
    memset(&d, 0, sizeof d);
    w.kind = ANN_DIST_NORMAL;
    w.p1 = 1.0;
    w.p2 = 0.25;
    d.kind = ANN_DIST_UNIFORM;
    d.p1 = 0.1;
    d.p2 = 3.0;
    v.weights = ann_value_dist(&w);
    v.delays = ann_value_dist(&d);
    v.dt = 0.1;
    return v;
}

static int same_csr(const ann_csr *a, const ann_csr *b)
{
    return a->ndend == b->ndend && a->nsyn == b->nsyn && a->max_delay == b->max_delay
           && !memcmp(a->post_rank, b->post_rank, (size_t)a->ndend * sizeof(int32_t))
           && !memcmp(a->row, b->row, (size_t)(a->ndend + 1) * sizeof(int64_t))
           && !memcmp(a->pre_rank, b->pre_rank, (size_t)a->nsyn * sizeof(int32_t))
           && !memcmp(a->w, b->w, (size_t)a->nsyn * sizeof(double))
           && !memcmp(a->delay, b->delay, (size_t)a->nsyn * sizeof(int32_t));
}

/* Every dendrite of part is the dendrite of the same post rank in whole. */
static int rows_of(const ann_csr *part, const ann_csr *whole)
{
    for (int32_t d = 0; d < part->ndend; d++) {
        int32_t e = 0;
        int64_t n = part->row[d + 1] - part->row[d], a = part->row[d], b;
        while (e < whole->ndend && whole->post_rank[e] != part->post_rank[d])
            e++;
        if (e == whole->ndend || whole->row[e + 1] - whole->row[e] != n)
            return 0;
        b = whole->row[e];
        if (memcmp(part->pre_rank + a, whole->pre_rank + b, (size_t)n * sizeof(int32_t))
            || memcmp(part->w + a, whole->w + b, (size_t)n * sizeof(double))
            || memcmp(part->delay + a, whole->delay + b, (size_t)n * sizeof(int32_t)))
            return 0;
    }
    return 1;
}

enum { ALL, PROB, PRE, POST, TOTAL_MULTI, TOTAL_DISTINCT, GAUSS, DOG, ONE, NKINDS };
static const char *const names[NKINDS] = {"all_to_all", "fixed_probability",
    "fixed_number_pre", "fixed_number_post", "fixed_total_number (multapses)",
    "fixed_total_number (distinct)", "gaussian", "dog", "one_to_one"};
/* the geometries of gaussian and dog: NPRE and NPOST neurons */
static const int32_t pre_geom[2] = {28, 25}, post_geom[2] = {30, 30};

static int build(int kind, ann_csr *c, const int32_t *pre, int32_t npre, const int32_t *post,
                 int32_t npost, const ann_syn_values *v, ann_rng *rng, ann_status *st)
{
    switch (kind) {
    case ALL:
        return ann_connect_all_to_all(c, pre, npre, NPOST, post, npost, NPOST, 1, 0, v, rng, st);
    case PROB:
        return ann_connect_fixed_probability(c, pre, npre, NPOST, post, npost, NPOST, 1, 0.45, 0,
                                             v, rng, st);
    case PRE:
        return ann_connect_fixed_number_pre(c, pre, npre, NPOST, post, npost, NPOST, 1, 250, 0,
                                            v, rng, st);
    case POST:
        return ann_connect_fixed_number_post(c, pre, npre, NPOST, post, npost, NPOST, 1, 300, 0,
                                             v, rng, st);
    case TOTAL_MULTI:
        return ann_connect_fixed_total_number(c, pre, npre, NPOST, post, npost, NPOST, 1, 250000,
                                              0, 1, v, rng, st);
    case TOTAL_DISTINCT:
        return ann_connect_fixed_total_number(c, pre, npre, NPOST, post, npost, NPOST, 1, 250000,
                                              0, 0, v, rng, st);
    case GAUSS:
        return ann_connect_gaussian(c, pre_geom, 2, post_geom, 2, 0, 1.0, 0.5, 0.01, 1, v, rng,
                                    st);
    case DOG:
        return ann_connect_dog(c, pre_geom, 2, post_geom, 2, 0, 1.0, 0.3, 0.5, 0.6, 0.01, 1, v,
                               rng, st);
    default:
        return ann_connect_one_to_one(c, pre, npre, NPOST, post, npost, NPOST, v, rng, st);
    }
}

static void test_threads_and_rows(void)
{
    int32_t *pre = iota(NPRE), *post = iota(NPOST);
    int32_t view[NPOST / 3];
    for (int32_t i = 0; i < NPOST / 3; i++)
        view[i] = 3 * i + 1;
    for (int kind = 0; kind < NKINDS; kind++) {
        ann_syn_values v = values();
        ann_rng rng;
        ann_status st;
        ann_csr one, c;
        int rc, ranged = kind != POST && kind != ONE;
        ann_rng_init(&rng, 11, 3);
        rc = build(kind, &one, pre, NPRE, post, NPOST, &v, &rng, &st);
        CHECK(rc == 0 && (kind == ONE || one.nsyn > 200000), "%s: built (%s), %lld synapses", names[kind],
              rc ? st.msg : "", (long long)one.nsyn);
        for (int32_t t = 2; t <= 4; t++) {
            v.rows.threads = t;
            rc = build(kind, &c, pre, NPRE, post, NPOST, &v, &rng, &st);
            CHECK(rc == 0 && same_csr(&one, &c), "%s: %d threads give the same bits",
                  names[kind], (int)t);
            ann_csr_free(&c);
        }
        v.rows.threads = 3;
        v.rows.begin = 100;
        v.rows.end = 457;
        rc = build(kind, &c, pre, NPRE, post, NPOST, &v, &rng, &st);
        if (ranged) {
            CHECK(rc == 0 && c.ndend > 0 && c.post_rank[0] >= 100
                  && c.post_rank[c.ndend - 1] < 457 && rows_of(&c, &one),
                  "%s: rows [100, 457) are those of the whole", names[kind]);
            ann_csr_free(&c);
            v.rows.begin = 5;
            v.rows.end = NPOST + 1;
            rc = build(kind, &c, pre, NPRE, post, NPOST, &v, &rng, &st);
            CHECK(rc != 0 && strstr(st.msg, "rows [5, 901)"), "%s: out of range: %s",
                  names[kind], st.msg);
        } else {
            CHECK(rc != 0 && strstr(st.msg, "range of rows"), "%s: a range is refused: %s",
                  names[kind], st.msg);
        }
        ann_csr_free(&c);
        /* A view of the posts: each of its rows is the whole's row of that rank. */
        memset(&v.rows, 0, sizeof v.rows);
        if (kind == ALL || kind == PROB || kind == PRE) {
            rc = build(kind, &c, pre, NPRE, view, NPOST / 3, &v, &rng, &st);
            CHECK(rc == 0 && c.ndend > 0 && rows_of(&c, &one),
                  "%s: a row depends on its post rank only", names[kind]);
            ann_csr_free(&c);
        }
        ann_csr_free(&one);
    }
    free(pre);
    free(post);
}

/* fixed_probability's total count against Binomial(pairs, p) and fixed_number_pre's rows,
 * sparse (k^2 <= m: the independent draws), medium (Floyd and a sort) and dense (Floyd and
 * the marks); weights' mean and sd against the distribution's. */
static void test_statistics(void)
{
    static const int32_t ks[3] = {20, 300, 3000};
    const int32_t m = 4000, npost = 400;
    int32_t *pre = iota(m), *post = iota(npost);
    ann_syn_values v = values();
    ann_rng rng;
    ann_status st;
    ann_csr c;
    for (int s = 0; s < 3; s++) {
        double p = (double)ks[s] / m, pairs = (double)m * npost;
        double mean = pairs * p, sd = sqrt(pairs * p * (1 - p));
        ann_rng_init(&rng, 21, (uint32_t)s);
        int rc = ann_connect_fixed_probability(&c, pre, m, m, post, npost, npost, 0, p, 0, &v,
                                               &rng, &st);
        CHECK(rc == 0 && fabs((double)c.nsyn - mean) < 5 * sd,
              "fixed_probability(%g): %lld synapses, expected %.0f +- %.0f", p,
              (long long)c.nsyn, mean, sd);
        ann_csr_free(&c);

        rc = ann_connect_fixed_number_pre(&c, pre, m, m, post, npost, npost, 0, ks[s], 0, &v,
                                          &rng, &st);
        int ok = rc == 0 && c.ndend == npost && c.nsyn == (int64_t)npost * ks[s];
        double *hits = calloc((size_t)m, sizeof *hits), chi = 0, expect;
        for (int32_t d = 0; ok && d < c.ndend; d++)
            for (int64_t k = c.row[d]; k < c.row[d + 1]; k++) {
                ok &= k == c.row[d] || c.pre_rank[k] > c.pre_rank[k - 1];
                hits[c.pre_rank[k]] += 1;
            }
        CHECK(ok, "fixed_number_pre(%d of %d): %d rows of distinct ascending ranks", ks[s], m,
              npost);
        /* each pre is in a row with probability k / m: a chi-square over the pre ranks */
        expect = (double)npost * ks[s] / m;
        for (int32_t r = 0; r < m; r++)
            chi += (hits[r] - expect) * (hits[r] - expect) / (expect * (1 - (double)ks[s] / m));
        CHECK(fabs(chi - (m - 1)) < 6 * sqrt(2.0 * (m - 1)),
              "fixed_number_pre(%d): uniform over the pre ranks, chi2 %.0f (dof %d)", ks[s], chi,
              m - 1);
        if (s == 1) {
            double sum = 0, sum2 = 0, n = (double)c.nsyn;
            for (int64_t k = 0; k < c.nsyn; k++) {
                sum += c.w[k];
                sum2 += c.w[k] * c.w[k];
            }
            double wm = sum / n, wsd = sqrt(sum2 / n - wm * wm);
            CHECK(fabs(wm - 1.0) < 5 * 0.25 / sqrt(n) && fabs(wsd - 0.25) < 0.01,
                  "Normal(1, 0.25) weights: mean %.5f, sd %.5f", wm, wsd);
        }
        free(hits);
        ann_csr_free(&c);
    }
    free(pre);
    free(post);
}

int main(void)
{
    test_threads_and_rows();
    test_statistics();
    return CHECK_SUMMARY();
}
