/* Connectivity builders (src/connect.c): exact structures of small cases, statistics of the
 * random connectors (fixed seeds: a failure is a bug, not bad luck), errors, determinism,
 * the documented draw order, the pre-major transpose, and a timing print for 10^7 synapses. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "annarchy.h"
#include "kernel/10_rng.h"

#include "check.h"

static const int32_t seq[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};

static ann_syn_values values(double w, int shared, double d_ms, double dt)
{
    ann_syn_values v;
    memset(&v, 0, sizeof v);
    v.weights = ann_value_const(w);
    v.delays = ann_value_const(d_ms);
    v.dt = dt;
    v.shared_weight = shared;
    return v;
}

static ann_dist dist(int kind, double p1, double p2)
{
    ann_dist d;
    memset(&d, 0, sizeof d);
    d.kind = kind;
    d.p1 = p1;
    d.p2 = p2;
    return d;
}

/* Invariants of every built structure: ascending dendrites and pre ranks, ranks in range,
 * consistent offsets. Returns 1 when valid. */
static int csr_valid(const ann_csr *c, int32_t pre_size, int32_t post_size)
{
    if (!c->row || !c->post_rank || !c->pre_rank || c->row[0] != 0
        || c->row[c->ndend] != c->nsyn)
        return 0;
    for (int32_t d = 0; d < c->ndend; d++) {
        if (c->post_rank[d] < 0 || c->post_rank[d] >= post_size)
            return 0;
        if (d > 0 && c->post_rank[d] <= c->post_rank[d - 1])
            return 0;
        if (c->row[d + 1] <= c->row[d])
            return 0;
        for (int64_t s = c->row[d]; s < c->row[d + 1]; s++) {
            if (c->pre_rank[s] < 0 || c->pre_rank[s] >= pre_size)
                return 0;
            if (s > c->row[d] && c->pre_rank[s] <= c->pre_rank[s - 1])
                return 0;
        }
    }
    return 1;
}

/* The dendrite of c is exactly (post, pre[0..n-1]). */
static int dend_is(const ann_csr *c, int32_t d, int32_t post, const int32_t *pre, int n)
{
    if (d >= c->ndend || c->post_rank[d] != post || c->row[d + 1] - c->row[d] != n)
        return 0;
    for (int i = 0; i < n; i++)
        if (c->pre_rank[c->row[d] + i] != pre[i])
            return 0;
    return 1;
}

static int has_synapse(const ann_csr *c, int32_t post, int32_t pre)
{
    for (int32_t d = 0; d < c->ndend; d++)
        if (c->post_rank[d] == post)
            for (int64_t s = c->row[d]; s < c->row[d + 1]; s++)
                if (c->pre_rank[s] == pre)
                    return 1;
    return 0;
}

static int same_csr(const ann_csr *a, const ann_csr *b)
{
    if (a->ndend != b->ndend || a->nsyn != b->nsyn || a->shared_w != b->shared_w
        || a->uniform_delay != b->uniform_delay || a->max_delay != b->max_delay
        || !a->w != !b->w || !a->delay != !b->delay)
        return 0;
    if (memcmp(a->post_rank, b->post_rank, (size_t)a->ndend * sizeof(int32_t))
        || memcmp(a->row, b->row, (size_t)(a->ndend + 1) * sizeof(int64_t))
        || memcmp(a->pre_rank, b->pre_rank, (size_t)a->nsyn * sizeof(int32_t)))
        return 0;
    if (a->w && memcmp(a->w, b->w, (size_t)a->nsyn * sizeof(double)))
        return 0;
    if (a->delay && memcmp(a->delay, b->delay, (size_t)a->nsyn * sizeof(int32_t)))
        return 0;
    return 1;
}

/* ---- all_to_all, one_to_one --------------------------------------------------------------- */

static void test_all_to_all(void)
{
    ann_csr c;
    ann_status st;
    ann_syn_values v = values(0.5, 1, 2.0, 0.5);
    int rc;

    rc = ann_connect_all_to_all(&c, seq, 4, 4, seq, 3, 3, 0, 0, &v, NULL, &st);
    CHECK(rc == 0 && c.ndend == 3 && c.nsyn == 12 && csr_valid(&c, 4, 3),
          "all_to_all 4->3: rc %d ndend %d nsyn %lld", rc, c.ndend, (long long)c.nsyn);
    for (int d = 0; d < 3; d++)
        CHECK(dend_is(&c, d, d, seq, 4), "all_to_all dendrite %d", d);
    CHECK(c.w == NULL && c.shared_w == 0.5, "shared weight");
    CHECK(c.delay == NULL && c.uniform_delay == 4 && c.max_delay == 4,
          "uniform delay 2 ms / 0.5 = 4 steps, got %d", c.uniform_delay);
    ann_csr_free(&c);

    /* same population, no self connections */
    v = values(0.5, 0, 0.0, 1.0);
    rc = ann_connect_all_to_all(&c, seq, 3, 3, seq, 3, 3, 1, 0, &v, NULL, &st);
    CHECK(rc == 0 && c.nsyn == 6 && csr_valid(&c, 3, 3), "all_to_all no self");
    {
        const int32_t d0[] = {1, 2}, d1[] = {0, 2}, d2[] = {0, 1};
        CHECK(dend_is(&c, 0, 0, d0, 2) && dend_is(&c, 1, 1, d1, 2) && dend_is(&c, 2, 2, d2, 2),
              "all_to_all no self: dendrites");
    }
    CHECK(c.w != NULL && c.w[0] == 0.5 && c.w[5] == 0.5, "per-synapse constant weights");
    CHECK(c.delay == NULL && c.uniform_delay == 0 && c.max_delay == 0, "delay 0 stays 0");
    ann_csr_free(&c);

    /* allowed self connections */
    rc = ann_connect_all_to_all(&c, seq, 3, 3, seq, 3, 3, 1, 1, &v, NULL, &st);
    CHECK(rc == 0 && c.nsyn == 9, "all_to_all with self");
    ann_csr_free(&c);

    /* views: unsorted pre ranks, subsets */
    {
        const int32_t pre[] = {5, 1, 3}, post[] = {4, 2}, e[] = {1, 3, 5};
        rc = ann_connect_all_to_all(&c, pre, 3, 6, post, 2, 6, 1, 0, &v, NULL, &st);
        CHECK(rc == 0 && c.ndend == 2 && dend_is(&c, 0, 2, e, 3) && dend_is(&c, 1, 4, e, 3),
              "all_to_all views");
        ann_csr_free(&c);
    }
    {
        const int32_t pre[] = {1, 2, 3}, post[] = {3, 1}, e1[] = {2, 3}, e3[] = {1, 2};
        rc = ann_connect_all_to_all(&c, pre, 3, 6, post, 2, 6, 1, 0, &v, NULL, &st);
        CHECK(rc == 0 && c.ndend == 2 && dend_is(&c, 0, 1, e1, 2) && dend_is(&c, 1, 3, e3, 2),
              "all_to_all views without self");
        ann_csr_free(&c);
    }
    {
        /* post 2's only candidate is itself: its empty dendrite is skipped */
        const int32_t pre[] = {2}, post[] = {2, 3}, e[] = {2};
        rc = ann_connect_all_to_all(&c, pre, 1, 6, post, 2, 6, 1, 0, &v, NULL, &st);
        CHECK(rc == 0 && c.ndend == 1 && c.nsyn == 1 && dend_is(&c, 0, 3, e, 1),
              "all_to_all empty dendrite skipped");
        ann_csr_free(&c);
    }
    {
        const int32_t bad[] = {1, 7};
        const int32_t dup[] = {2, 1, 2};
        rc = ann_connect_all_to_all(&c, bad, 2, 6, seq, 2, 6, 0, 0, &v, NULL, &st);
        CHECK(rc != 0 && strstr(st.msg, "out of range") && c.pre_rank == NULL,
              "rank out of range: %s", st.msg);
        rc = ann_connect_all_to_all(&c, dup, 3, 6, seq, 2, 6, 0, 0, &v, NULL, &st);
        CHECK(rc != 0 && strstr(st.msg, "twice"), "rank listed twice: %s", st.msg);
    }
}

static void test_delay_rounding(void)
{
    /* round(d / dt), nearest, half away from zero */
    const double ms[] = {0.0, 0.25, 0.5, 0.75, 1.0, 1.2, 1.25};
    const int32_t steps[] = {0, 1, 1, 2, 2, 2, 3};
    for (int i = 0; i < 7; i++) {
        ann_csr c;
        ann_status st;
        ann_syn_values v = values(1.0, 1, ms[i], 0.5);
        int rc = ann_connect_one_to_one(&c, seq, 2, 2, seq, 2, 2, &v, NULL, &st);
        CHECK(rc == 0 && c.uniform_delay == steps[i], "delay %g ms -> %d steps, got %d", ms[i],
              steps[i], c.uniform_delay);
        ann_csr_free(&c);
    }
    {
        ann_csr c;
        ann_status st;
        ann_syn_values v = values(1.0, 1, -1.0, 0.5);
        int rc = ann_connect_one_to_one(&c, seq, 2, 2, seq, 2, 2, &v, NULL, &st);
        CHECK(rc != 0 && strstr(st.msg, "delays are not valid"), "negative delay: %s", st.msg);
        v = values(1.0, 1, 1.0, 0.0);
        rc = ann_connect_one_to_one(&c, seq, 2, 2, seq, 2, 2, &v, NULL, &st);
        CHECK(rc != 0 && strstr(st.msg, "dt"), "dt 0: %s", st.msg);
    }
}

static void test_one_to_one(void)
{
    ann_csr c;
    ann_status st;
    ann_syn_values v = values(1.0, 0, 0.0, 1.0);
    const int32_t post[] = {2, 0, 1};
    const int32_t e0[] = {1}, e1[] = {2}, e2[] = {0};
    int rc = ann_connect_one_to_one(&c, seq, 4, 4, post, 3, 3, &v, NULL, &st);
    CHECK(rc == 0 && c.ndend == 3 && c.nsyn == 3 && csr_valid(&c, 4, 3), "one_to_one");
    CHECK(dend_is(&c, 0, 0, e0, 1) && dend_is(&c, 1, 1, e1, 1) && dend_is(&c, 2, 2, e2, 1),
          "one_to_one pairs by position, sorted by post");
    ann_csr_free(&c);
    rc = ann_connect_one_to_one(&c, seq, 5, 5, seq, 5, 5, &v, NULL, &st);
    CHECK(rc == 0 && c.nsyn == 5, "one_to_one same sizes");
    for (int d = 0; d < 5 && rc == 0; d++)
        CHECK(c.post_rank[d] == d && c.pre_rank[d] == d, "one_to_one identity %d", d);
    ann_csr_free(&c);
}

/* ---- fixed_probability -------------------------------------------------------------------- */

static void test_fixed_probability(void)
{
    ann_csr c, ref;
    ann_status st;
    ann_rng rng;
    ann_syn_values v = values(1.0, 1, 0.0, 1.0);
    int32_t *ranks;
    int rc;

    ann_rng_init(&rng, 1, 0);
    rc = ann_connect_fixed_probability(&c, seq, 10, 10, seq, 10, 10, 0, 0.0, 0, &v, &rng,
                                       &st);
    CHECK(rc == 0 && c.ndend == 0 && c.nsyn == 0 && c.row[0] == 0,
          "p = 0: empty, no draw");
    ann_csr_free(&c);

    rc = ann_connect_fixed_probability(&c, seq, 6, 6, seq, 6, 6, 1, 1.0, 0, &v, &rng, &st);
    ann_connect_all_to_all(&ref, seq, 6, 6, seq, 6, 6, 1, 0, &v, NULL, &st);
    CHECK(rc == 0 && same_csr(&c, &ref), "p = 1 == all_to_all without self");
    ann_csr_free(&c);
    ann_csr_free(&ref);

    {
        const int32_t pre[] = {7, 1, 5, 3}, post[] = {2, 0}, e[] = {1, 3, 5, 7};
        rc = ann_connect_fixed_probability(&c, pre, 4, 8, post, 2, 8, 0, 1.0, 0, &v, &rng,
                                           &st);
        CHECK(rc == 0 && c.ndend == 2 && dend_is(&c, 0, 0, e, 4) && dend_is(&c, 1, 2, e, 4),
              "fixed_probability p = 1 on views");
        ann_csr_free(&c);
    }

    /* The number of synapses over 4e6 candidate pairs, p = 0.1, self connections excluded
     * (2000 self pairs): within 4 standard deviations of the mean. */
    {
        const int32_t n = 2000;
        const double p = 0.1;
        double pairs = (double)n * n - n, mean = pairs * p, sd = sqrt(pairs * p * (1 - p));
        int self = 0;
        ranks = malloc(n * sizeof *ranks);
        for (int32_t i = 0; i < n; i++)
            ranks[i] = i;
        rc = ann_connect_fixed_probability(&c, ranks, n, n, ranks, n, n, 1, p, 0, &v, &rng,
                                           &st);
        CHECK(rc == 0 && csr_valid(&c, n, n), "fixed_probability large: valid");
        CHECK(fabs((double)c.nsyn - mean) < 4 * sd, "fixed_probability: %lld synapses, "
              "expected %.0f +- %.0f", (long long)c.nsyn, mean, sd);
        for (int32_t d = 0; d < c.ndend; d++)
            for (int64_t s = c.row[d]; s < c.row[d + 1]; s++)
                self += c.pre_rank[s] == c.post_rank[d];
        CHECK(self == 0, "fixed_probability: %d self connections", self);
        /* dendrite sizes: Binomial(n - 1, p); their mean and variance */
        {
            double m = 0, var = 0;
            for (int32_t d = 0; d < c.ndend; d++)
                m += (double)(c.row[d + 1] - c.row[d]);
            m /= c.ndend;
            for (int32_t d = 0; d < c.ndend; d++) {
                double x = (double)(c.row[d + 1] - c.row[d]) - m;
                var += x * x;
            }
            var /= c.ndend - 1;
            CHECK(c.ndend == n && fabs(var / ((n - 1) * p * (1 - p)) - 1) < 0.15,
                  "dendrite size variance %.1f, expected %.1f", var, (n - 1) * p * (1 - p));
        }
        ann_csr_free(&c);
        free(ranks);
    }

    /* Independence spot checks: 6x6 pairs, p = 0.3, 6000 draws of the projection. Marginal of
     * one pair, joint of two pairs in one dendrite and of two pairs across a dendrite
     * boundary (the skips run over the concatenated pairs), and a pair after a self pair. */
    {
        const int T = 6000;
        const double p = 0.3;
        int a = 0, ab = 0, cd = 0, cpd = 0, e = 0, ef = 0;
        for (int t = 0; t < T; t++) {
            int ha, hb, hc, hd, he, hf;
            ann_rng_init(&rng, 3, (uint32_t)t);
            ann_connect_fixed_probability(&c, seq, 6, 6, seq, 6, 6, 1, p, 0, &v, &rng, &st);
            ha = has_synapse(&c, 2, 3);
            hb = has_synapse(&c, 2, 4);
            hc = has_synapse(&c, 2, 5);
            hd = has_synapse(&c, 3, 0);
            he = has_synapse(&c, 4, 5);
            hf = has_synapse(&c, 1, 0);
            a += ha;
            ab += ha && hb;
            cd += hc && hd;
            cpd += hc;
            e += he;
            ef += he && hf;
            ann_csr_free(&c);
        }
        {
            double sa = 4 * sqrt(p * (1 - p) / T), sj = 4 * sqrt(p * p * (1 - p * p) / T);
            CHECK(fabs((double)a / T - p) < sa, "P(pair) = %.4f", (double)a / T);
            CHECK(fabs((double)cpd / T - p) < sa, "P(last pair of a dendrite) = %.4f",
                  (double)cpd / T);
            CHECK(fabs((double)e / T - p) < sa, "P(pair 4<-5) = %.4f", (double)e / T);
            CHECK(fabs((double)ab / T - p * p) < sj, "P(two pairs, one dendrite) = %.4f",
                  (double)ab / T);
            CHECK(fabs((double)cd / T - p * p) < sj, "P(two pairs across dendrites) = %.4f",
                  (double)cd / T);
            CHECK(fabs((double)ef / T - p * p) < sj, "P(two pairs, different dendrites) = "
                  "%.4f", (double)ef / T);
        }
    }
    rc = ann_connect_fixed_probability(&c, seq, 4, 4, seq, 4, 4, 0, NAN, 0, &v, &rng, &st);
    CHECK(rc != 0, "p = NaN is an error");
}

/* ---- fixed_number_pre / post -------------------------------------------------------------- */

static void test_fixed_number_pre(void)
{
    ann_csr c;
    ann_status st;
    ann_rng rng;
    ann_syn_values v = values(1.0, 1, 0.0, 1.0);
    int rc;
    ann_rng_init(&rng, 7, 0);

    rc = ann_connect_fixed_number_pre(&c, seq, 16, 16, seq, 12, 16, 1, 5, 0, &v, &rng, &st);
    CHECK(rc == 0 && c.ndend == 12 && c.nsyn == 60 && csr_valid(&c, 16, 16),
          "fixed_number_pre: 12 dendrites of 5 distinct ascending pre ranks");
    for (int32_t d = 0; d < c.ndend && rc == 0; d++) {
        CHECK(c.row[d + 1] - c.row[d] == 5, "dendrite %d size", d);
        for (int64_t s = c.row[d]; s < c.row[d + 1]; s++)
            CHECK(c.pre_rank[s] != c.post_rank[d], "own rank in dendrite %d", d);
    }
    CHECK(rng.pos == 0, "the generator names the stream, its position stays");
    ann_csr_free(&c);

    /* number == the candidates: all of them, no draw */
    ann_rng_init(&rng, 7, 0);
    rc = ann_connect_fixed_number_pre(&c, seq, 6, 6, seq, 4, 4, 0, 6, 0, &v, &rng, &st);
    for (int32_t d = 0; d < 4 && rc == 0; d++)
        CHECK(dend_is(&c, d, d, seq, 6), "fixed_number_pre all %d", d);
    CHECK(rc == 0, "every candidate taken");
    ann_csr_free(&c);
    {
        /* without self: post 2 takes the 4 others */
        const int32_t e[] = {0, 1, 3, 4};
        rc = ann_connect_fixed_number_pre(&c, seq, 5, 5, seq + 2, 1, 5, 1, 4, 0, &v, &rng, &st);
        CHECK(rc == 0 && dend_is(&c, 0, 2, e, 4), "fixed_number_pre all but own");
        ann_csr_free(&c);
    }

    ann_rng_init(&rng, 7, 0);
    rc = ann_connect_fixed_number_pre(&c, seq, 5, 5, seq, 5, 5, 0, 0, 0, &v, &rng, &st);
    CHECK(rc == 0 && c.ndend == 0 && c.nsyn == 0, "number 0: empty");
    ann_csr_free(&c);
    rc = ann_connect_fixed_number_pre(&c, seq, 5, 5, seq, 5, 5, 0, 2, 0, &v, NULL, &st);
    CHECK(rc != 0 && c.pre_rank == NULL, "a draw without a generator is an error");
    rc = ann_connect_fixed_number_pre(&c, seq, 5, 5, seq, 5, 5, 0, 6, 0, &v, &rng, &st);
    CHECK(rc != 0 && strcmp(st.msg, "fixed_number_pre: the number of pre-synaptic neurons "
                            "exceeds the size of the population.") == 0,
          "number > pre size: %s", st.msg);
    rc = ann_connect_fixed_number_pre(&c, seq, 5, 5, seq, 5, 5, 1, 5, 0, &v, &rng, &st);
    CHECK(rc != 0 && strstr(st.msg, "exceeds the size of the population"),
          "number == size without self: %s", st.msg);

    /* Uniformity: 20000 posts choose 3 of 10 pre; each pre ~ Binomial(20000, 0.3). */
    {
        const int32_t n = 20000;
        int32_t *post = malloc(n * sizeof *post);
        int64_t cnt[10] = {0};
        double sd = sqrt(n * 0.3 * 0.7);
        for (int32_t i = 0; i < n; i++)
            post[i] = i;
        rc = ann_connect_fixed_number_pre(&c, seq, 10, 10, post, n, n, 0, 3, 0, &v, &rng, &st);
        for (int64_t s = 0; s < c.nsyn; s++)
            cnt[c.pre_rank[s]]++;
        for (int r = 0; r < 10; r++)
            CHECK(fabs((double)cnt[r] - n * 0.3) < 4 * sd, "pre %d chosen %lld times", r,
                  (long long)cnt[r]);
        ann_csr_free(&c);
        free(post);
    }
    /* Without self: post 0 of a population of 5 takes 2 of {1, 2, 3, 4}, each with p = 1/2
     * (the reference's redraw gives the same); pairs {a, b} each with p = 1/6. */
    {
        const int T = 6000;
        int cnt[5] = {0}, pair12 = 0;
        for (int t = 0; t < T; t++) {
            ann_rng_init(&rng, 7, (uint32_t)t);
            rc = ann_connect_fixed_number_pre(&c, seq, 5, 5, seq, 1, 5, 1, 2, 0, &v, &rng, &st);
            for (int64_t s = 0; s < c.nsyn; s++)
                cnt[c.pre_rank[s]]++;
            pair12 += c.pre_rank[0] == 1 && c.pre_rank[1] == 2;
            ann_csr_free(&c);
        }
        CHECK(cnt[0] == 0, "own rank drawn %d times", cnt[0]);
        for (int r = 1; r < 5; r++)
            CHECK(fabs(cnt[r] - T * 0.5) < 4 * sqrt(T * 0.25), "pre %d: %d / %d", r, cnt[r], T);
        CHECK(fabs(pair12 - T / 6.0) < 4 * sqrt(T * (1 / 6.0) * (5 / 6.0)), "pair {1,2}: %d",
              pair12);
    }
}

static void test_fixed_number_post(void)
{
    ann_csr c, ref;
    ann_status st;
    ann_rng rng;
    ann_syn_values v = values(1.0, 1, 0.0, 1.0);
    int rc;
    int cnt[16];
    ann_rng_init(&rng, 11, 0);

    rc = ann_connect_fixed_number_post(&c, seq, 16, 16, seq, 12, 16, 1, 4, 0, &v, &rng, &st);
    CHECK(rc == 0 && c.nsyn == 64 && csr_valid(&c, 16, 16), "fixed_number_post: 16 x 4");
    memset(cnt, 0, sizeof cnt);
    for (int32_t d = 0; d < c.ndend && rc == 0; d++)
        for (int64_t s = c.row[d]; s < c.row[d + 1]; s++) {
            cnt[c.pre_rank[s]]++;
            CHECK(c.pre_rank[s] != c.post_rank[d], "self connection %d", c.post_rank[d]);
        }
    for (int r = 0; r < 16; r++)
        CHECK(cnt[r] == 4, "pre %d in %d dendrites", r, cnt[r]);
    ann_csr_free(&c);

    /* number == post size: every post; number == post size - 1 without self: all but own */
    rc = ann_connect_fixed_number_post(&c, seq, 5, 5, seq, 4, 4, 0, 4, 0, &v, &rng, &st);
    ann_connect_all_to_all(&ref, seq, 5, 5, seq, 4, 4, 0, 0, &v, NULL, &st);
    CHECK(rc == 0 && same_csr(&c, &ref), "fixed_number_post all");
    ann_csr_free(&c);
    ann_csr_free(&ref);
    rc = ann_connect_fixed_number_post(&c, seq, 5, 5, seq, 5, 5, 1, 4, 0, &v, &rng, &st);
    ann_connect_all_to_all(&ref, seq, 5, 5, seq, 5, 5, 1, 0, &v, NULL, &st);
    CHECK(rc == 0 && same_csr(&c, &ref), "fixed_number_post all but own");
    ann_csr_free(&c);
    ann_csr_free(&ref);

    /* a post chosen by nobody: its dendrite is skipped */
    {
        const int32_t pre[] = {0};
        rc = ann_connect_fixed_number_post(&c, pre, 1, 5, seq, 8, 8, 0, 2, 0, &v, &rng, &st);
        CHECK(rc == 0 && c.ndend == 2 && c.nsyn == 2 && csr_valid(&c, 5, 8),
              "fixed_number_post skips empty dendrites");
        ann_csr_free(&c);
    }

    rc = ann_connect_fixed_number_post(&c, seq, 5, 5, seq, 4, 4, 0, 5, 0, &v, &rng, &st);
    CHECK(rc != 0 && strcmp(st.msg, "fixed_number_post: the number of post-synaptic neurons "
                            "exceeds the size of the population.") == 0,
          "number > post size: %s", st.msg);

    /* uniformity over posts: 20000 pre choose 3 of 10 posts */
    {
        const int32_t n = 20000;
        int32_t *pre = malloc(n * sizeof *pre);
        double sd = sqrt(n * 0.3 * 0.7);
        for (int32_t i = 0; i < n; i++)
            pre[i] = i;
        rc = ann_connect_fixed_number_post(&c, pre, n, n, seq, 10, 10, 0, 3, 0, &v, &rng, &st);
        CHECK(rc == 0 && c.ndend == 10 && c.nsyn == 3 * n && csr_valid(&c, n, 10),
              "fixed_number_post large");
        for (int32_t d = 0; d < c.ndend; d++) {
            double k = (double)(c.row[d + 1] - c.row[d]);
            CHECK(fabs(k - n * 0.3) < 4 * sd, "post %d receives %.0f", c.post_rank[d], k);
        }
        ann_csr_free(&c);
        free(pre);
    }
}

/* ---- gaussian / dog ----------------------------------------------------------------------- */

static void test_gaussian_dog(void)
{
    ann_csr c;
    ann_status st;
    ann_syn_values v = values(123.0, 1, 1.0, 1.0);
    int rc;

    /* 1-D: pre 5 at x = r/4, post 3 at x = i/2; amp 1, sigma 0.5: w = exp(-2 d^2), kept iff
     * w > 0.5. */
    {
        const int32_t gpre[] = {5}, gpost[] = {3};
        const int32_t e0[] = {0, 1, 2}, e1[] = {0, 1, 2, 3, 4}, e2[] = {2, 3, 4};
        const double w0[] = {1.0, exp(-0.125), exp(-0.5)};
        const double w1[] = {exp(-0.5), exp(-0.125), 1.0, exp(-0.125), exp(-0.5)};
        rc = ann_connect_gaussian(&c, gpre, 1, gpost, 1, 0, 1.0, 0.5, 0.5, 0, &v, NULL, &st);
        CHECK(rc == 0 && c.ndend == 3 && c.nsyn == 11 && c.w != NULL && csr_valid(&c, 5, 3),
              "gaussian 1-D: rc %d nsyn %lld", rc, (long long)c.nsyn);
        CHECK(dend_is(&c, 0, 0, e0, 3) && dend_is(&c, 1, 1, e1, 5) && dend_is(&c, 2, 2, e2, 3),
              "gaussian 1-D ranks");
        for (int s = 0; s < 3 && rc == 0; s++)
            CHECK(fabs(c.w[s] - w0[s]) < 1e-15, "gaussian 1-D w[0][%d] = %.17g", s, c.w[s]);
        for (int s = 0; s < 5 && rc == 0; s++)
            CHECK(fabs(c.w[3 + s] - w1[s]) < 1e-15, "gaussian 1-D w[1][%d]", s);
        CHECK(c.delay == NULL && c.uniform_delay == 1, "gaussian delays");
        ann_csr_free(&c);
    }
    /* 2-D: pre (3,3) at (x/2, y/2), rank x*3 + y; post (2,2) at (x, y); amp 2, sigma 0.5,
     * limit 0.3: w = 2 exp(-2 d^2) kept iff w > 0.6. Post rank 1 = (0, 1): pre (0,1) d2 .25,
     * (0,2) 0, (1,1) .5, (1,2) .25 kept; the others have d2 >= 1. */
    {
        const int32_t gpre[] = {3, 3}, gpost[] = {2, 2}, e1[] = {1, 2, 4, 5};
        const double w1[] = {2 * exp(-0.5), 2.0, 2 * exp(-1.0), 2 * exp(-0.5)};
        rc = ann_connect_gaussian(&c, gpre, 2, gpost, 2, 0, 2.0, 0.5, 0.3, 0, &v, NULL, &st);
        CHECK(rc == 0 && c.ndend == 4 && csr_valid(&c, 9, 4), "gaussian 2-D");
        CHECK(rc == 0 && dend_is(&c, 1, 1, e1, 4), "gaussian 2-D post 1 ranks");
        for (int s = 0; s < 4 && rc == 0; s++)
            CHECK(fabs(c.w[c.row[1] + s] - w1[s]) < 1e-15, "gaussian 2-D w[1][%d]", s);
        /* every dendrite against a direct evaluation */
        for (int32_t i = 0; i < 4 && rc == 0; i++) {
            double px = i / 2, py = i % 2;
            int64_t s = c.row[i];
            for (int32_t r = 0; r < 9; r++) {
                double dx = (r / 3) / 2.0 - px, dy = (r % 3) / 2.0 - py;
                double w = 2.0 * exp(-(dx * dx + dy * dy) / (2 * 0.25));
                if (w > 0.6) {
                    CHECK(s < c.row[i + 1] && c.pre_rank[s] == r && fabs(c.w[s] - w) < 1e-15,
                          "gaussian 2-D post %d pre %d", i, r);
                    s++;
                }
            }
            CHECK(s == c.row[i + 1], "gaussian 2-D post %d size", i);
        }
        ann_csr_free(&c);
    }
    /* same population without self connections */
    {
        const int32_t g[] = {5};
        rc = ann_connect_gaussian(&c, g, 1, g, 1, 1, 1.0, 10.0, 0.01, 0, &v, NULL, &st);
        CHECK(rc == 0 && c.nsyn == 20, "gaussian without self: %lld", (long long)c.nsyn);
        for (int32_t d = 0; d < c.ndend; d++)
            for (int64_t s = c.row[d]; s < c.row[d + 1]; s++)
                CHECK(c.pre_rank[s] != c.post_rank[d], "gaussian self %d", d);
        ann_csr_free(&c);
    }
    /* dog 1-D: amp_pos 1, sigma_pos 0.25, amp_neg 0.5, sigma_neg 1, limit 0.5: kept iff
     * |w| > 0.25. Post 0 at x = 0: d2 = 0, 1/16, 1/4, 9/16, 1 -> w = .5, .122 (dropped),
     * -.306, -.366, -.303. */
    {
        const int32_t gpre[] = {5}, gpost[] = {3}, e0[] = {0, 2, 3, 4};
        const double w0[] = {0.5, exp(-2.0) - 0.5 * exp(-0.125), exp(-4.5) - 0.5 * exp(-0.28125),
                             exp(-8.0) - 0.5 * exp(-0.5)};
        rc = ann_connect_dog(&c, gpre, 1, gpost, 1, 0, 1.0, 0.25, 0.5, 1.0, 0.5, 0, &v, NULL,
                             &st);
        CHECK(rc == 0 && csr_valid(&c, 5, 3) && dend_is(&c, 0, 0, e0, 4), "dog 1-D ranks");
        for (int s = 0; s < 4 && rc == 0; s++)
            CHECK(fabs(c.w[s] - w0[s]) < 1e-15, "dog w[0][%d] = %.17g, expected %.17g", s,
                  c.w[s], w0[s]);
        ann_csr_free(&c);
    }
    /* dog 2-D against a direct evaluation */
    {
        const int32_t gpre[] = {4, 3}, gpost[] = {3, 2};
        rc = ann_connect_dog(&c, gpre, 2, gpost, 2, 0, 1.0, 0.3, 0.4, 0.8, 0.1, 0, &v, NULL,
                             &st);
        CHECK(rc == 0 && csr_valid(&c, 12, 6), "dog 2-D");
        for (int32_t i = 0, d = 0; i < 6 && rc == 0; i++) {
            double px = (i / 2) / 2.0, py = i % 2;
            int64_t n = 0;
            for (int32_t r = 0; r < 12; r++) {
                double dx = (r / 3) / 3.0 - px, dy = (r % 3) / 2.0 - py, d2 = dx * dx + dy * dy;
                double w = exp(-d2 / (2 * 0.09)) - 0.4 * exp(-d2 / (2 * 0.64));
                if (fabs(w) > 0.1 * 0.6) {
                    int64_t s = c.row[d] + n;
                    CHECK(d < c.ndend && c.post_rank[d] == i && c.pre_rank[s] == r
                          && fabs(c.w[s] - w) < 1e-15, "dog 2-D post %d pre %d", i, r);
                    n++;
                }
            }
            if (n > 0) {
                CHECK(c.row[d + 1] - c.row[d] == n, "dog 2-D size of post %d", i);
                d++;
            }
        }
        ann_csr_free(&c);
    }
    {
        const int32_t g1[] = {6}, g2[] = {2, 3};
        rc = ann_connect_gaussian(&c, g1, 1, g2, 2, 0, 1.0, 0.5, 0.01, 0, &v, NULL, &st);
        CHECK(rc != 0 && strstr(st.msg, "same number of dimensions") && c.pre_rank == NULL,
              "mismatched dimensions: %s", st.msg);
        rc = ann_connect_dog(&c, g2, 2, g1, 1, 0, 1.0, 0.5, 0.5, 1.0, 0.01, 0, &v, NULL, &st);
        CHECK(rc != 0 && strstr(st.msg, "same number of dimensions"), "dog dimensions: %s",
              st.msg);
    }
}

/* ---- from_lists --------------------------------------------------------------------------- */

static void test_from_lists(void)
{
    ann_csr c;
    ann_status st;
    ann_syn_values v = values(9.0, 1, 0.0, 0.5);
    int rc;
    /* lists: post 3 <- {4, 1}; post 1 <- {2}; post 7 <- {} (ignored); post 3 <- {0} */
    const int32_t lpost[] = {3, 1, 7, 3};
    const int64_t lrow[] = {0, 2, 3, 3, 4};
    const int32_t pre[] = {4, 1, 2, 0};
    const double w[] = {0.4, 0.1, 0.2, 0.0};
    const double d_ms[] = {1.0, 2.0, 1.5, 0.5};
    const int32_t e1[] = {2}, e3[] = {0, 1, 4};

    rc = ann_connect_from_lists(&c, 4, lpost, lrow, pre, w, d_ms, 5, 8, &v, NULL, &st);
    CHECK(rc == 0 && c.ndend == 2 && c.nsyn == 4 && csr_valid(&c, 5, 8), "from_lists: %s",
          rc ? st.msg : "");
    CHECK(dend_is(&c, 0, 1, e1, 1) && dend_is(&c, 1, 3, e3, 3), "from_lists sorted, merged");
    CHECK(rc == 0 && c.w && c.w[0] == 0.2 && c.w[1] == 0.0 && c.w[2] == 0.1 && c.w[3] == 0.4,
          "from_lists weights follow their synapses");
    CHECK(rc == 0 && c.delay && c.delay[0] == 3 && c.delay[1] == 1 && c.delay[2] == 4
          && c.delay[3] == 2 && c.max_delay == 4, "from_lists delays follow their synapses");
    ann_csr_free(&c);

    /* no arrays: weights and delays from v; equal delays collapse to a uniform one */
    {
        const double same[] = {1.0, 1.0, 1.0, 1.0};
        rc = ann_connect_from_lists(&c, 4, lpost, lrow, pre, NULL, same, 5, 8, &v, NULL, &st);
        CHECK(rc == 0 && c.w == NULL && c.shared_w == 9.0 && c.delay == NULL
              && c.uniform_delay == 2 && c.max_delay == 2, "from_lists uniform");
        ann_csr_free(&c);
    }
    {
        const int32_t dpost[] = {3, 1, 3};
        const int64_t drow[] = {0, 2, 3, 4};
        const int32_t dpre[] = {4, 1, 2, 1};
        const int32_t dpre2[] = {2, 2};
        const int64_t drow2[] = {0, 2};
        const int32_t bad[] = {5};
        const int64_t brow[] = {0, 1};
        rc = ann_connect_from_lists(&c, 3, dpost, drow, dpre, NULL, NULL, 5, 8, &v, NULL, &st);
        CHECK(rc != 0 && strcmp(st.msg, "The same synapse has been declared multiple times! "
                                "Check your code.") == 0 && c.pre_rank == NULL,
              "duplicate across merged lists: %s", st.msg);
        rc = ann_connect_from_lists(&c, 1, dpost, drow2, dpre2, NULL, NULL, 5, 8, &v, NULL,
                                    &st);
        CHECK(rc != 0 && strstr(st.msg, "multiple times"), "duplicate in one list");
        rc = ann_connect_from_lists(&c, 1, dpost, brow, bad, NULL, NULL, 5, 8, &v, NULL, &st);
        CHECK(rc != 0 && strstr(st.msg, "out of range"), "from_lists range: %s", st.msg);
    }
    /* a larger unsorted case against a sorted rebuild */
    {
        enum { NP = 50, NQ = 40 };
        int32_t lp[NQ], pr[NQ * 20];
        int64_t lr[NQ + 1];
        double ww[NQ * 20];
        ann_rng rng;
        int64_t n = 0;
        int ok = 1;
        ann_rng_init(&rng, 5, 0);
        lr[0] = 0;
        for (int q = 0; q < NQ; q++) {
            lp[q] = NQ - 1 - q;
            for (int k = 0; k < 20; k++) {
                pr[n] = (int32_t)((k * 37 + q) % NP);   /* distinct in one list */
                ww[n] = pr[n] * 1000.0 + lp[q];
                n++;
            }
            lr[q + 1] = n;
        }
        rc = ann_connect_from_lists(&c, NQ, lp, lr, pr, ww, NULL, NP, NQ, &v, &rng, &st);
        CHECK(rc == 0 && c.ndend == NQ && c.nsyn == n && csr_valid(&c, NP, NQ),
              "from_lists unsorted");
        for (int32_t d = 0; d < c.ndend && rc == 0; d++)
            for (int64_t s = c.row[d]; s < c.row[d + 1]; s++)
                ok &= c.w[s] == c.pre_rank[s] * 1000.0 + c.post_rank[d];
        CHECK(ok, "from_lists: weights permuted with their pre ranks");
        ann_csr_free(&c);
    }
}

/* ---- random weights and delays, draw order, determinism ----------------------------------- */

static void test_random_values(void)
{
    ann_csr a, b;
    ann_status st;
    ann_rng r1, r2;
    ann_syn_values v = values(0.0, 0, 0.0, 0.1);
    ann_dist nd = dist(ANN_DIST_NORMAL, 2.0, 1.0);
    int rc;

    /* unbounded delays */
    v.weights = ann_value_dist(&nd);
    v.delays = ann_value_dist(&nd);
    ann_rng_init(&r1, 3, 0);
    rc = ann_connect_all_to_all(&a, seq, 3, 3, seq, 3, 3, 0, 0, &v, &r1, &st);
    CHECK(rc != 0 && strstr(st.msg, "you need to set the max argument to limit the maximal "
                            "delay.") && a.pre_rank == NULL,
          "unbounded random delays: %s", st.msg);
    /* bounded: min raised to dt, max from the distribution */
    nd.has_max = 1;
    nd.max = 2.5;
    v.delays = ann_value_dist(&nd);
    rc = ann_connect_all_to_all(&a, seq, 10, 10, seq, 10, 10, 0, 0, &v, &r1, &st);
    CHECK(rc == 0 && a.delay != NULL && a.w != NULL, "bounded random delays");
    {
        int32_t lo = 1000, hi = 0;
        for (int64_t s = 0; s < a.nsyn && rc == 0; s++) {
            lo = a.delay[s] < lo ? a.delay[s] : lo;
            hi = a.delay[s] > hi ? a.delay[s] : hi;
        }
        CHECK(lo >= 1 && hi <= 25 && a.max_delay == hi, "delays in [1, 25] steps: %d..%d",
              lo, hi);
    }
    ann_csr_free(&a);
    {
        /* Uniform(0, 0.5) with dt = 0.1: min raised to dt, so steps 1..5 */
        ann_dist u = dist(ANN_DIST_UNIFORM, 0.0, 0.5);
        int32_t lo = 1000, hi = 0;
        v.delays = ann_value_dist(&u);
        rc = ann_connect_all_to_all(&a, seq, 16, 16, seq, 16, 16, 0, 0, &v, &r1, &st);
        for (int64_t s = 0; s < a.nsyn && rc == 0; s++) {
            lo = a.delay[s] < lo ? a.delay[s] : lo;
            hi = a.delay[s] > hi ? a.delay[s] : hi;
        }
        CHECK(rc == 0 && lo == 1 && hi == 5, "uniform delays: %d..%d", lo, hi);
        ann_csr_free(&a);
        v.delays = ann_value_dist(&nd);
    }

    /* Keys: the weights of the row of post rank r are the positions of step 4 r + 1, its
     * delays those of step 4 r + 2 (k = ANNK_K_ROWS), from the first synapse of the row. */
    ann_rng_init(&r1, 99, 4);
    rc = ann_connect_fixed_number_pre(&a, seq, 12, 12, seq, 9, 9, 0, 4, 0, &v, &r1, &st);
    {
        ann_dist clipped = nd;
        int ok = rc == 0 && a.ndend == 9;
        clipped.has_min = 1;
        clipped.min = 0.1;
        for (int32_t d = 0; ok && d < a.ndend; d++) {
            double w[4], dl[4];
            uint32_t pre[4];
            int64_t n = a.row[d + 1] - a.row[d];
            annk_rng_prefix(99, 4, 4 * (uint64_t)a.post_rank[d] + 1, ANNK_K_ROWS, pre);
            ann_dist_fill_prefix(&v.weights.dist, pre, 0, w, n);
            ok &= memcmp(w, a.w + a.row[d], (size_t)n * sizeof *w) == 0;
            annk_rng_prefix(99, 4, 4 * (uint64_t)a.post_rank[d] + 2, ANNK_K_ROWS, pre);
            ann_dist_fill_prefix(&clipped, pre, 0, dl, n);
            for (int64_t s = 0; s < n; s++)
                ok &= a.delay[a.row[d] + s] == (int32_t)round(dl[s] / 0.1);
        }
        CHECK(ok, "weights and delays keyed by the post rank and the index in the row");
    }

    /* Determinism: the same seed gives the same projection, another seed another one. */
    ann_rng_init(&r2, 99, 4);
    rc = ann_connect_fixed_number_pre(&b, seq, 12, 12, seq, 9, 9, 0, 4, 0, &v, &r2, &st);
    CHECK(rc == 0 && same_csr(&a, &b), "fixed_number_pre deterministic");
    ann_csr_free(&a);
    ann_csr_free(&b);
    {
        int32_t ranks[300];
        for (int i = 0; i < 300; i++)
            ranks[i] = i;
        ann_rng_init(&r1, 2024, 0);
        ann_rng_init(&r2, 2024, 0);
        ann_connect_fixed_probability(&a, ranks, 300, 300, ranks, 300, 300, 1, 0.05, 0, &v, &r1,
                                      &st);
        ann_connect_fixed_probability(&b, ranks, 300, 300, ranks, 300, 300, 1, 0.05, 0, &v, &r2,
                                      &st);
        CHECK(same_csr(&a, &b) && a.nsyn > 0, "fixed_probability deterministic");
        ann_csr_free(&b);
        ann_rng_init(&r2, 2025, 0);
        ann_connect_fixed_probability(&b, ranks, 300, 300, ranks, 300, 300, 1, 0.05, 0, &v, &r2,
                                      &st);
        CHECK(!same_csr(&a, &b), "another seed, another projection");
        ann_csr_free(&a);
        ann_csr_free(&b);
        ann_rng_init(&r1, 2024, 0);
        ann_rng_init(&r2, 2024, 0);
        ann_connect_fixed_number_post(&a, ranks, 300, 300, ranks, 200, 300, 1, 7, 0, &v, &r1,
                                      &st);
        ann_connect_fixed_number_post(&b, ranks, 300, 300, ranks, 200, 300, 1, 7, 0, &v, &r2,
                                      &st);
        CHECK(same_csr(&a, &b) && a.nsyn == 2100, "fixed_number_post deterministic");
        ann_csr_free(&a);
        ann_csr_free(&b);
    }
    {
        ann_dist bad = dist(ANN_DIST_UNIFORM, 1.0, 0.0);
        v.weights = ann_value_dist(&bad);
        rc = ann_connect_all_to_all(&a, seq, 3, 3, seq, 3, 3, 0, 0, &v, &r1, &st);
        CHECK(rc != 0 && strstr(st.msg, "Uniform: the minimum value"), "bad weight dist: %s",
              st.msg);
    }
}

/* ---- transpose ---------------------------------------------------------------------------- */

static void test_transpose(void)
{
    ann_csr c;
    ann_csr_pre t;
    ann_status st;
    ann_rng rng;
    ann_dist u = dist(ANN_DIST_UNIFORM, 0.0, 1.0);
    ann_syn_values v = values(0.0, 0, 0.0, 1.0);
    int32_t pre[40], post[30];
    int ok = 1, rc;
    for (int i = 0; i < 40; i++)
        pre[i] = 2 * i + 1;           /* a view of 40 odd ranks of a population of 100 */
    for (int i = 0; i < 30; i++)
        post[i] = 59 - 2 * i;         /* unsorted view */
    v.weights = ann_value_dist(&u);
    ann_rng_init(&rng, 8, 0);
    rc = ann_connect_fixed_probability(&c, pre, 40, 100, post, 30, 60, 0, 0.3, 0, &v, &rng,
                                       &st);
    CHECK(rc == 0 && csr_valid(&c, 100, 60), "transpose input");
    rc = ann_csr_transpose_to_pre_major(&c, 100, &t, &st);
    CHECK(rc == 0 && t.npre == 100 && t.nsyn == c.nsyn && t.pre_row[0] == 0
          && t.pre_row[100] == c.nsyn, "transpose sizes");
    {
        char *seen = calloc((size_t)c.nsyn, 1);
        int32_t *dend_of = malloc((size_t)c.nsyn * sizeof *dend_of);
        for (int32_t d = 0; d < c.ndend; d++)
            for (int64_t s = c.row[d]; s < c.row[d + 1]; s++)
                dend_of[s] = d;
        for (int32_t r = 0; r < 100; r++)
            for (int64_t e = t.pre_row[r]; e < t.pre_row[r + 1]; e++) {
                int64_t s = t.perm[e];
                ok &= s >= 0 && s < c.nsyn && !seen[s];
                if (!ok)
                    break;
                seen[s] = 1;
                ok &= c.pre_rank[s] == r && dend_of[s] == t.syn_dend[e];
                ok &= e == t.pre_row[r] || t.syn_dend[e] > t.syn_dend[e - 1];
            }
        CHECK(ok, "transpose: a permutation, rows by pre rank, ascending dendrites");
        free(seen);
        free(dend_of);
    }
    /* round trip: back to post-major by a counting sort on syn_dend */
    {
        int64_t *cur = malloc((size_t)(c.ndend + 1) * sizeof *cur);
        int32_t *pre2 = malloc((size_t)c.nsyn * sizeof *pre2);
        double *wpre = malloc((size_t)c.nsyn * sizeof *wpre);
        double *w2 = malloc((size_t)c.nsyn * sizeof *w2);
        ann_csr_pre_gather_f64(&t, c.w, wpre);
        memcpy(cur, c.row, (size_t)(c.ndend + 1) * sizeof *cur);
        for (int32_t r = 0; r < 100; r++)
            for (int64_t e = t.pre_row[r]; e < t.pre_row[r + 1]; e++) {
                int64_t s = cur[t.syn_dend[e]]++;
                pre2[s] = r;
                w2[s] = wpre[e];
            }
        CHECK(memcmp(pre2, c.pre_rank, (size_t)c.nsyn * sizeof *pre2) == 0
              && memcmp(w2, c.w, (size_t)c.nsyn * sizeof *w2) == 0, "transpose round trip");
        free(cur);
        free(pre2);
        free(wpre);
        free(w2);
    }
    ann_csr_pre_free(&t);
    rc = ann_csr_transpose_to_pre_major(&c, 50, &t, &st);
    CHECK(rc != 0 && t.pre_row == NULL, "transpose with a too small pre population");
    ann_csr_free(&c);
}

/* ---- timing ------------------------------------------------------------------------------- */

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void test_timing(void)
{
    const int32_t n = 10000;
    int32_t *ranks = malloc(n * sizeof *ranks);
    ann_csr c;
    ann_csr_pre t;
    ann_status st;
    ann_rng rng;
    ann_syn_values v = values(0.5, 0, 1.0, 0.1);
    ann_dist u = dist(ANN_DIST_UNIFORM, 0.0, 1.0);
    double t0, t1, t2, t3;
    int rc;
    for (int32_t i = 0; i < n; i++)
        ranks[i] = i;
    ann_rng_init(&rng, 42, 0);
    t0 = now();
    rc = ann_connect_fixed_probability(&c, ranks, n, n, ranks, n, n, 1, 0.1, 0, &v, &rng, &st);
    t1 = now();
    CHECK(rc == 0 && c.nsyn > 9900000 && c.nsyn < 10100000, "10^7 synapses: %lld",
          (long long)c.nsyn);
    printf("fixed_probability 10^4 x 10^4, p = 0.1: %lld synapses in %.3f s "
           "(constant weights, per synapse), %.1f bytes/synapse\n", (long long)c.nsyn, t1 - t0,
           (double)(c.nsyn * 12 + (int64_t)c.ndend * 12) / (double)c.nsyn);
    t2 = now();
    rc = ann_csr_transpose_to_pre_major(&c, n, &t, &st);
    t3 = now();
    printf("transpose to pre-major: %.3f s\n", t3 - t2);
    ann_csr_pre_free(&t);
    ann_csr_free(&c);
    v.weights = ann_value_dist(&u);
    t0 = now();
    rc = ann_connect_fixed_probability(&c, ranks, n, n, ranks, n, n, 1, 0.1, 0, &v, &rng, &st);
    t1 = now();
    printf("the same with Uniform(0, 1) weights: %.3f s\n", t1 - t0);
    CHECK(rc == 0, "timing run 2");
    ann_csr_free(&c);
    free(ranks);
}

int main(void)
{
    test_all_to_all();
    test_delay_rounding();
    test_one_to_one();
    test_fixed_probability();
    test_fixed_number_pre();
    test_fixed_number_post();
    test_gaussian_dog();
    test_from_lists();
    test_random_values();
    test_transpose();
    test_timing();
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
