/* fixed_total_number (src/connect_total.c): the exact total, the multinomial spread of the
 * per-post and per-pair counts (chi-square against the uniform draw of pairs, bounds at six
 * standard deviations of the statistic, fixed seeds: a failure is a bug, not bad luck), the
 * self-connection rule, distinct pairs without multapses, determinism, the documented draw
 * order, errors, and a timing print for 10^7 synapses. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "annarchy.h"
#include "kernel/10_rng.h"

#include "check.h"

static ann_syn_values values(double w)
{
    ann_syn_values v;
    memset(&v, 0, sizeof v);
    v.weights = ann_value_const(w);
    v.delays = ann_value_const(0.0);
    v.dt = 0.1;
    return v;
}

static int32_t *iota(int32_t first, int32_t n)
{
    int32_t *r = malloc((size_t)n * sizeof *r);
    for (int32_t i = 0; i < n; i++)
        r[i] = first + i;
    return r;
}

/* Ascending dendrites, non-decreasing pre ranks, ranks in range, consistent offsets. */
static int csr_valid(const ann_csr *c, int32_t pre_size, int32_t post_size)
{
    if (!c->row || !c->post_rank || !c->pre_rank || c->row[0] != 0 || c->row[c->ndend] != c->nsyn)
        return 0;
    for (int32_t d = 0; d < c->ndend; d++) {
        if (c->post_rank[d] < 0 || c->post_rank[d] >= post_size
            || (d > 0 && c->post_rank[d] <= c->post_rank[d - 1]) || c->row[d + 1] <= c->row[d])
            return 0;
        for (int64_t s = c->row[d]; s < c->row[d + 1]; s++)
            if (c->pre_rank[s] < 0 || c->pre_rank[s] >= pre_size
                || (s > c->row[d] && c->pre_rank[s] < c->pre_rank[s - 1]))
                return 0;
    }
    return 1;
}

/* counts[post * pre_size + pre] of a structure. */
static int64_t *pair_counts(const ann_csr *c, int32_t pre_size, int32_t post_size)
{
    int64_t *n = calloc((size_t)pre_size * post_size, sizeof *n);
    for (int32_t d = 0; d < c->ndend; d++)
        for (int64_t s = c->row[d]; s < c->row[d + 1]; s++)
            n[(int64_t)c->post_rank[d] * pre_size + c->pre_rank[s]]++;
    return n;
}

/* Chi-square statistic of observed counts against expected ones (cells with expected > 0). */
static double chi2(const double *obs, const double *expect, int64_t n, int64_t *dof)
{
    double x = 0;
    *dof = -1;
    for (int64_t i = 0; i < n; i++)
        if (expect[i] > 0) {
            x += (obs[i] - expect[i]) * (obs[i] - expect[i]) / expect[i];
            (*dof)++;
        }
    return x;
}

/* |chi2 - dof| within six standard deviations (sqrt(2 dof)) of the statistic. */
static int chi2_ok(double x, int64_t dof)
{
    return fabs(x - (double)dof) < 6 * sqrt(2.0 * (double)dof);
}

static void test_multapses(void)
{
    /* 20 pre x 30 post, 60000 synapses: each pair is drawn 100 times on average. */
    int32_t *pre = iota(0, 20), *post = iota(0, 30);
    ann_syn_values v = values(1.0);
    ann_rng rng;
    ann_status st;
    ann_csr c;
    ann_rng_init(&rng, 7, 1);
    int rc = ann_connect_fixed_total_number(&c, pre, 20, 20, post, 30, 30, 0, 60000, 0, 1, &v,
                                            &rng, &st);
    CHECK(rc == 0 && c.nsyn == 60000 && csr_valid(&c, 20, 30), "multapses: exact total, valid");
    int64_t *n = pair_counts(&c, 20, 30), dof;
    double obs_post[30] = {0}, exp_post[30], obs_pair[600], exp_pair[600];
    for (int i = 0; i < 600; i++) {
        obs_pair[i] = (double)n[i];
        exp_pair[i] = 100.0;
        obs_post[i / 20] += (double)n[i];
    }
    for (int j = 0; j < 30; j++)
        exp_post[j] = 2000.0;
    double x = chi2(obs_post, exp_post, 30, &dof);
    CHECK(chi2_ok(x, dof), "multapses: per-post counts, chi2 %.1f for %lld dof", x, (long long)dof);
    x = chi2(obs_pair, exp_pair, 600, &dof);
    CHECK(chi2_ok(x, dof), "multapses: per-pair counts, chi2 %.1f for %lld dof", x, (long long)dof);
    free(n);
    ann_csr_free(&c);

    /* 1000 synapses over 600 pairs: a pair holds Poisson(5/3) synapses, approximately: the
     * expected number of distinct pairs is 600 (1 - (1 - 1/600)^1000). */
    ann_rng_init(&rng, 7, 2);
    rc = ann_connect_fixed_total_number(&c, pre, 20, 20, post, 30, 30, 0, 1000, 0, 1, &v, &rng,
                                        &st);
    n = pair_counts(&c, 20, 30);
    int distinct = 0, multi = 0;
    for (int i = 0; i < 600; i++) {
        distinct += n[i] > 0;
        multi += n[i] > 1;
    }
    double e = 600 * (1 - pow(1 - 1.0 / 600, 1000));
    CHECK(rc == 0 && fabs(distinct - e) < 6 * sqrt(e * (1 - e / 600)) && multi > 0,
          "multapses: %d distinct pairs (expected %.1f), %d with several synapses", distinct, e,
          multi);
    free(n);
    ann_csr_free(&c);

    /* Determinism: the same seed and stream, the same structure; another stream, another. */
    ann_csr a, b;
    ann_rng_init(&rng, 11, 3);
    ann_connect_fixed_total_number(&a, pre, 20, 20, post, 30, 30, 0, 5000, 0, 1, &v, &rng, &st);
    ann_rng_init(&rng, 11, 3);
    ann_connect_fixed_total_number(&b, pre, 20, 20, post, 30, 30, 0, 5000, 0, 1, &v, &rng, &st);
    CHECK(a.ndend == b.ndend && memcmp(a.row, b.row, (size_t)(a.ndend + 1) * sizeof *a.row) == 0
          && memcmp(a.pre_rank, b.pre_rank, 5000 * sizeof *a.pre_rank) == 0,
          "multapses: deterministic for a seed");
    ann_csr_free(&b);
    ann_rng_init(&rng, 11, 4);
    ann_connect_fixed_total_number(&b, pre, 20, 20, post, 30, 30, 0, 5000, 0, 1, &v, &rng, &st);
    CHECK(memcmp(a.pre_rank, b.pre_rank, 5000 * sizeof *a.pre_rank) != 0,
          "multapses: another stream draws another structure");
    ann_csr_free(&a);
    ann_csr_free(&b);
    free(pre);
    free(post);
}

static void test_self(void)
{
    /* pre ranks 0..9, post ranks 5..14 of one population of 15, self pairs forbidden: posts
     * 5..9 have 9 candidates, posts 10..14 have 10, 95 pairs in all. */
    int32_t *pre = iota(0, 10), *post = iota(5, 10);
    ann_syn_values v = values(1.0);
    ann_rng rng;
    ann_status st;
    ann_csr c;
    ann_rng_init(&rng, 3, 1);
    int rc = ann_connect_fixed_total_number(&c, pre, 10, 15, post, 10, 15, 1, 95000, 0, 1, &v,
                                            &rng, &st);
    CHECK(rc == 0 && c.nsyn == 95000 && csr_valid(&c, 15, 15), "no self: exact total, valid");
    int64_t *n = pair_counts(&c, 15, 15), dof;
    double obs[225], expect[225];
    int self = 0;
    for (int q = 0; q < 15; q++)
        for (int r = 0; r < 15; r++) {
            int cand = q >= 5 && r < 10 && q != r;
            obs[q * 15 + r] = (double)n[q * 15 + r];
            expect[q * 15 + r] = cand ? 1000.0 : 0.0;
            if (!cand && n[q * 15 + r] > 0)
                self++;
        }
    double x = chi2(obs, expect, 225, &dof);
    CHECK(self == 0 && dof == 94 && chi2_ok(x, dof),
          "no self: %d synapses outside the candidates, chi2 %.1f for %lld dof", self, x,
          (long long)dof);
    free(n);
    ann_csr_free(&c);

    /* Self pairs allowed: they are drawn like the others. */
    ann_rng_init(&rng, 3, 2);
    rc = ann_connect_fixed_total_number(&c, pre, 10, 15, post, 10, 15, 1, 10000, 1, 1, &v, &rng,
                                        &st);
    n = pair_counts(&c, 15, 15);
    int64_t diag = 0;
    for (int q = 5; q < 10; q++)
        diag += n[q * 15 + q];
    /* 5 of the 100 pairs: Binomial(10000, 0.05), mean 500, sd 21.8 */
    CHECK(rc == 0 && fabs((double)diag - 500) < 6 * 21.8, "self allowed: %lld self synapses",
          (long long)diag);
    free(n);
    ann_csr_free(&c);
    free(pre);
    free(post);
}

static void test_distinct(void)
{
    int32_t *pre = iota(0, 8), *post = iota(0, 6);
    ann_syn_values v = values(1.0);
    ann_rng rng;
    ann_status st;
    ann_csr c;
    /* Every pair in 1000 runs of 12 synapses among 48 pairs: Binomial(1000, 1/4) each. */
    double obs[48] = {0}, expect[48];
    int dup = 0, ok = 1;
    for (int run = 0; run < 1000; run++) {
        ann_rng_init(&rng, 5, (uint32_t)run);
        int rc = ann_connect_fixed_total_number(&c, pre, 8, 8, post, 6, 6, 0, 12, 0, 0, &v, &rng,
                                                &st);
        ok = ok && rc == 0 && c.nsyn == 12 && csr_valid(&c, 8, 6);
        for (int32_t d = 0; d < c.ndend; d++)
            for (int64_t s = c.row[d]; s < c.row[d + 1]; s++) {
                obs[c.post_rank[d] * 8 + c.pre_rank[s]] += 1;
                dup += s > c.row[d] && c.pre_rank[s] == c.pre_rank[s - 1];
            }
        ann_csr_free(&c);
    }
    for (int i = 0; i < 48; i++)
        expect[i] = 250.0;
    int64_t dof;
    double x = chi2(obs, expect, 48, &dof);
    /* the counts are negatively correlated (fixed total): the statistic is smaller, the bound
     * of the independent case still holds */
    CHECK(ok && dup == 0 && chi2_ok(x, dof), "distinct: valid, %d repeated pairs, chi2 %.1f", dup,
          x);
    /* All pairs: the all_to_all structure. */
    ann_rng_init(&rng, 5, 0);
    int rc = ann_connect_fixed_total_number(&c, pre, 8, 8, post, 6, 6, 0, 48, 0, 0, &v, &rng, &st);
    int all = rc == 0 && c.ndend == 6 && c.nsyn == 48;
    for (int64_t s = 0; all && s < 48; s++)
        all = c.pre_rank[s] == s % 8;
    CHECK(all, "distinct: number == pairs gives every pair");
    ann_csr_free(&c);
    free(pre);
    free(post);
}

static void test_order_and_errors(void)
{
    int32_t *pre = iota(0, 10), *post = iota(0, 4);
    ann_syn_values v = values(1.0);
    ann_dist d;
    memset(&d, 0, sizeof d);
    d.kind = ann_dist_kind_from_name("Normal");
    d.p1 = 1.0;
    d.p2 = 0.5;
    v.weights = ann_value_dist(&d);
    ann_rng rng;
    ann_status st;
    ann_csr c;
    ann_rng_init(&rng, 9, 1);
    int rc = ann_connect_fixed_total_number(&c, pre, 10, 10, post, 4, 4, 0, 100, 0, 1, &v, &rng,
                                            &st);
    double w[100];
    int keyed = rc == 0 && c.w != NULL;
    for (int32_t k = 0; keyed && k < c.ndend; k++) {
        uint32_t key[4];
        int64_t n = c.row[k + 1] - c.row[k];
        annk_rng_prefix(9, 1, 4 * (uint64_t)c.post_rank[k] + 1, ANNK_K_ROWS, key);
        ann_dist_fill_prefix(&d, key, 0, w, n);
        keyed = memcmp(c.w + c.row[k], w, (size_t)n * sizeof *w) == 0;
    }
    CHECK(keyed,
          "weights keyed by the post rank and the index in the row");
    ann_csr_free(&c);
    v = values(1.0);

    ann_rng_init(&rng, 9, 1);
    rc = ann_connect_fixed_total_number(&c, pre, 10, 10, post, 4, 4, 0, 0, 0, 1, &v, &rng, &st);
    CHECK(rc == 0 && c.nsyn == 0 && c.ndend == 0 && c.row, "number 0: empty");
    ann_csr_free(&c);
    rc = ann_connect_fixed_total_number(&c, pre, 10, 10, post, 4, 4, 0, -1, 0, 1, &v, &rng, &st);
    CHECK(rc != 0 && strstr(st.msg, "fixed_total_number") && strstr(st.msg, "negative")
          && c.pre_rank == NULL, "negative number: %s", st.msg);
    rc = ann_connect_fixed_total_number(&c, pre, 10, 10, post, 4, 4, 0, 41, 0, 0, &v, &rng, &st);
    CHECK(rc != 0 && strstr(st.msg, "without multapses") && strstr(st.msg, "40"),
          "too many without multapses: %s", st.msg);
    rc = ann_connect_fixed_total_number(&c, pre, 1, 1, pre, 1, 1, 1, 3, 0, 1, &v, &rng, &st);
    CHECK(rc != 0 && strstr(st.msg, "no candidate pair"), "no candidate pair: %s", st.msg);
    rc = ann_connect_fixed_total_number(&c, pre, 10, 10, post, 4, 4, 0, 5, 0, 1, &v, NULL, &st);
    CHECK(rc != 0 && strstr(st.msg, "random generator"), "no generator: %s", st.msg);
    free(pre);
    free(post);
}

static void timing(void)
{
    /* 10^7 synapses between 10^4 x 10^4 neurons, with multapses */
    int32_t *r = iota(0, 10000);
    ann_syn_values v = values(1.0);
    v.shared_weight = 1;
    ann_rng rng;
    ann_status st;
    ann_csr c;
    ann_rng_init(&rng, 1, 1);
    clock_t t0 = clock();
    int rc = ann_connect_fixed_total_number(&c, r, 10000, 10000, r, 10000, 10000, 1, 10000000, 1,
                                            1, &v, &rng, &st);
    double s = (double)(clock() - t0) / CLOCKS_PER_SEC;
    CHECK(rc == 0 && c.nsyn == 10000000, "10^7 synapses");
    printf("fixed_total_number: 10^7 synapses in %.2f s\n", s);
    ann_csr_free(&c);
    free(r);
}

int main(void)
{
    test_multapses();
    test_self();
    test_distinct();
    test_order_and_errors();
    timing();
    return CHECK_SUMMARY();
}
