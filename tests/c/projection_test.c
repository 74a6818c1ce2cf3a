/* Projections without Lua, through the public header only: a connector's lists installed as a
 * rate-coded projection, its post-major view, reads and writes of weights, transmission into
 * a weighted sum, synapses created and pruned from the host, a recorder of the weights left to
 * the network to free, and refused input. The sums are worked out by hand in the comments. */
#include "annarchy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kernel_source.h"

/* Population 0 (r) and 1 (sum) keep their values; projection 0 adds, for each dendrite, the
 * sum of w * r[pre] into the post neuron's sum (zeroed by the runtime at each step). */
static const char *KERNELS =
    "void annk_pop0_update(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    (void)p; (void)c; (void)ib; (void)ie;\n"
    "}\n"
    "void annk_pop1_update(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    (void)p; (void)c; (void)ib; (void)ie;\n"
    "}\n"
    PROJ0_WEIGHTED_SUM;

static double sum_of(ann_network *net, int32_t rank) { return ann_population_get(net, 1, 0, rank); }

static void test_projection(const char *dir)
{
    ann_status st = {0, ""};
    ann_module *m = load_kernels(KERNELS, dir, "projection test");
    CHECK_TRUE(m != NULL);
    if (!m) return;
    ann_network *net = ann_network_new(1.0, 5);
    ann_attr_spec spec = {ANN_TYPE_F64, 1};
    CHECK_TRUE(ann_network_add_population(net, 3, 1, &spec, 0, &st) == 0);
    CHECK_TRUE(ann_network_add_population(net, 2, 1, &spec, 0, &st) == 1);
    CHECK_TRUE(ann_population_mark_sum(net, 1, 0, &st) == 0);
    for (int i = 0; i < 3; i++) ann_population_set(net, 0, 0, i, i + 1.0);   /* r = 1 2 3 */

    /* post 1 <- pre 1 (w 10), post 0 <- pre 2 (w 2) and pre 0 (w 1): given out of order */
    const int32_t list_post[2] = {1, 0};
    const int64_t list_row[3] = {0, 1, 3};
    const int32_t pre[3] = {1, 2, 0};
    const double w[3] = {10, 2, 1};
    ann_syn_values v = {ann_value_const(0), ann_value_const(0), 1.0, 0, {0, 0, 0, 0}};
    ann_csr c;
    CHECK_TRUE(ann_connect_from_lists(&c, 2, list_post, list_row, pre, w, NULL, 3, 2, &v, NULL,
                                      &st) == 0);
    ann_proj_attr wattr = {ANN_TYPE_F64, ANN_LOC_LOCAL, 0.0};
    ann_proj_desc desc = {0, 1, 0, 0, ANN_DELAY_NONE, 0, 1, &wattr, 0, -1, NULL, 0, NULL, 0, 0, 1, 0};
    CHECK_TRUE(ann_network_add_projection(net, &desc, &c, &st) == 0);
    ann_csr_free(&c);   /* emptied by the projection, which took its arrays */

    /* refused input: an unknown population; nothing is added */
    ann_csr empty;
    memset(&empty, 0, sizeof empty);
    ann_proj_desc bad = desc;
    bad.pre = 7;
    CHECK_TRUE(ann_network_add_projection(net, &bad, &empty, &st) < 0);
    CHECK_TRUE(strcmp(st.msg, "a projection between unknown populations") == 0);
    CHECK_TRUE(strcmp(ann_last_error(), st.msg) == 0);
    CHECK_TRUE(ann_network_projection_count(net) == 1);

    /* the post-major view: dendrites by post rank, synapses by pre rank */
    CHECK_TRUE(ann_network_projection_count(net) == 1);
    CHECK_TRUE(ann_projection_dendrite_count(net, 0) == 2);
    CHECK_TRUE(ann_projection_synapse_count(net, 0) == 3);
    const int32_t *post = ann_projection_post_ranks(net, 0);
    const int64_t *row = ann_projection_row(net, 0);
    const int32_t *pr = ann_projection_pre_ranks(net, 0);
    CHECK_TRUE(post[0] == 0 && post[1] == 1);
    CHECK_TRUE(row[0] == 0 && row[1] == 2 && row[2] == 3);
    CHECK_TRUE(pr[0] == 0 && pr[1] == 2 && pr[2] == 1);
    CHECK_TRUE(ann_projection_dendrite_of(net, 0, 1) == 1);
    CHECK_TRUE(ann_projection_synapse_index(net, 0, 0, 2) == 1);
    CHECK_TRUE(ann_projection_synapse_index(net, 0, 1, 0) == -1);
    double got[3];
    CHECK_TRUE(ann_projection_count_values(net, 0, 0, 0, 2) == 3);
    CHECK_TRUE(ann_projection_read(net, 0, 0, 0, 2, got, &st) == 0);
    CHECK_TRUE(got[0] == 1 && got[1] == 2 && got[2] == 10);
    CHECK_TRUE(ann_projection_uniform_delay(net, 0) <= 1);

    ann_proj_recorder *rec = ann_proj_recorder_new(net, 0, 0, NULL, 0, 1, 0, &st);
    CHECK_TRUE(rec != NULL);
    CHECK_TRUE(ann_proj_recorder_new(net, 5, 0, NULL, 0, 1, 0, &st) == NULL);
    CHECK_TRUE(strcmp(st.msg, "no projection 5 to record") == 0);
    CHECK_TRUE(ann_proj_recorder_new(net, 0, 0, NULL, 0, 2, 3, &st) == NULL);
    CHECK_TRUE(strcmp(st.msg, "Monitor: value of period_offset must be smaller than period.") == 0);

    CHECK_TRUE(ann_network_bind(net, m, &st) == 0);
    int64_t done;
    CHECK_TRUE(ann_network_run(net, 1, ANN_UNTIL_NONE, NULL, 0, &done, &st) == 0);
    /* sum[0] = 1 * r0 + 2 * r2 = 1 + 6 = 7; sum[1] = 10 * r1 = 20 */
    CHECK(sum_of(net, 0) == 7 && sum_of(net, 1) == 20, "sums %g %g", sum_of(net, 0),
          sum_of(net, 1));

    /* a weight written from the host: w(0 <- 2) = 0.5 -> sum[0] = 1 + 1.5 = 2.5 */
    ann_projection_set1(net, 0, 0, 1, 0.5);
    CHECK_TRUE(ann_projection_get1(net, 0, 0, 1) == 0.5);
    CHECK_TRUE(ann_network_run(net, 1, ANN_UNTIL_NONE, NULL, 0, &done, &st) == 0);
    CHECK(sum_of(net, 0) == 2.5, "sum[0] %g", sum_of(net, 0));

    /* structural plasticity: post 1 <- pre 0 with w 3 -> sum[1] = 20 + 3 = 23; pruned again */
    const int32_t newpre[1] = {0};
    const double neww[1] = {3};
    CHECK_TRUE(ann_projection_create_synapses(net, 0, 1, 1, newpre, neww, NULL, &st) == 0);
    CHECK_TRUE(ann_projection_synapse_count(net, 0) == 4);
    CHECK_TRUE(ann_projection_create_synapses(net, 0, 1, 1, newpre, neww, NULL, &st) != 0);
    CHECK_TRUE(ann_projection_synapse_count(net, 0) == 4);
    CHECK_TRUE(ann_network_run(net, 1, ANN_UNTIL_NONE, NULL, 0, &done, &st) == 0);
    CHECK(sum_of(net, 1) == 23, "sum[1] %g", sum_of(net, 1));
    CHECK_TRUE(ann_projection_prune_synapses(net, 0, 1, 1, newpre, &st) == 0);
    CHECK_TRUE(ann_projection_synapse_count(net, 0) == 3);
    CHECK_TRUE(ann_projection_prune_synapses(net, 0, 1, 1, newpre, &st) != 0);

    /* the recorder saw the weights after each of the three steps: 3, 3 and 4 values, the new
     * synapse (pre 0) before the one from pre 1 in its dendrite */
    int64_t nrec;
    const int64_t *widths;
    const double *d = ann_proj_recorder_data(rec, &nrec, &widths);
    CHECK_TRUE(nrec == 3 && widths[0] == 3 && widths[1] == 3 && widths[2] == 4);
    CHECK_TRUE(nrec == 3 && d[0] == 1 && d[3] == 1 && d[4] == 0.5 && d[8] == 3 && d[9] == 10);

    ann_network_free(net);   /* frees the projection and its recorder */
    ann_module_release(m);
}

int main(void)
{
    char dir[] = "/tmp/annlua-projection-test-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    test_projection(dir);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_SUMMARY();
}
