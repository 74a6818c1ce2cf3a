/* Monitors without Lua, through the public header only: values of chosen ranks every step,
 * every other step at a phase, spikes of a subset, clearing, pausing, the memory estimate,
 * a refused phase, and ownership (one monitor freed early, the other by the network; the
 * sanitizer run checks that nothing leaks or is freed twice). The expected numbers are worked
 * out by hand in the comments. */
#include "annarchy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kernel_source.h"

/* v += 1 each step; a neuron spikes when v >= 3 and is reset to 0. */
static const char *KERNELS =
    "void annk_pop0_update(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    double *v = (double *)p->attr[0]; (void)c;\n"
    "    for (int32_t i = ib; i < ie; i++) v[i] += 1.0;\n"
    "}\n"
    "int32_t annk_pop0_spike(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    double *v = (double *)p->attr[0];\n"
    "    int32_t ns = 0;\n"
    "    for (int32_t i = ib; i < ie; i++)\n"
    "        if (v[i] >= 3.0) { v[i] = 0.0; p->spiked[ib + ns++] = i; p->last_spike[i] = c->step; }\n"
    "    return ns;\n"
    "}\n";

static void test_monitors(const char *dir)
{
    ann_status st = {0, ""};
    ann_module *m = load_kernels(KERNELS, dir, "monitor test");
    CHECK_TRUE(m != NULL);
    if (!m) return;
    ann_network *net = ann_network_new(1.0, 3);
    ann_attr_spec spec = {ANN_TYPE_F64, 1};
    CHECK_TRUE(ann_network_add_population(net, 4, 1, &spec, 1, &st) == 0);
    const double v0[4] = {0, 1, 2, 10};
    for (int i = 0; i < 4; i++) ann_population_set(net, 0, 0, i, v0[i]);

    int32_t ranks[2] = {1, 3};
    ann_monitor *a = ann_monitor_new(net, 0, ranks, 2, 1, 0, &st);
    CHECK_TRUE(a != NULL);
    int av = ann_monitor_add_variable(a, 0, 0, 0, &st);
    int as = ann_monitor_add_variable(a, 0, 1, 0, &st);
    CHECK_TRUE(av == 0 && as == 1);
    ann_monitor *b = ann_monitor_new(net, 0, NULL, 0, 2, 1, &st);
    int bv = ann_monitor_add_variable(b, 0, 0, 0, &st);
    CHECK_TRUE(b != NULL && bv == 0);

    /* a phase outside the period is refused, with the message on the status and the thread */
    CHECK_TRUE(ann_monitor_new(net, 0, NULL, 0, 2, 2, &st) == NULL);
    CHECK(strcmp(st.msg, "Monitor: value of period_offset must be smaller than period.") == 0,
          "message: %s", st.msg);
    CHECK_TRUE(strcmp(ann_last_error(), st.msg) == 0);
    CHECK_TRUE(ann_monitor_new(net, 1, NULL, 0, 1, 0, &st) == NULL);
    CHECK_TRUE(strcmp(st.msg, "no population 1 to monitor") == 0);
    int32_t bad_rank = 4;
    CHECK_TRUE(ann_monitor_new(net, 0, &bad_rank, 1, 1, 0, &st) == NULL);
    CHECK_TRUE(strcmp(st.msg, "rank 4 is not in population 0") == 0);
    CHECK_TRUE(ann_monitor_add_variable(b, 1, 0, 0, &st) < 0);
    CHECK_TRUE(strcmp(st.msg, "population 0 has no attribute 1 to monitor") == 0);

    CHECK_TRUE(ann_network_bind(net, m, &st) == 0);
    int64_t done = 0;
    CHECK_TRUE(ann_network_run(net, 4, ANN_UNTIL_NONE, NULL, 0, &done, &st) == 0 && done == 4);
    /* v after each step (update, then spike and reset):
     *   step 0: 1 2 3 11 -> ranks 2, 3 spike -> 1 2 0 0
     *   step 1: 2 3 1 1  -> rank 1           -> 2 0 1 1
     *   step 2: 3 1 2 2  -> rank 0           -> 0 1 2 2
     *   step 3: 1 2 3 3  -> ranks 2, 3       -> 1 2 0 0 */
    int64_t nrec, width;
    const double *d = ann_monitor_data(a, av, &nrec, &width);
    const double want_a[8] = {2, 0, 0, 1, 1, 2, 2, 0};   /* ranks 1 and 3, steps 0..3 */
    CHECK_TRUE(nrec == 4 && width == 2);
    for (int i = 0; i < 8 && nrec == 4; i++) CHECK(d[i] == want_a[i], "a[%d] = %g", i, d[i]);
    int64_t nspk;
    const int64_t *spk = ann_monitor_spikes(a, as, &nspk);
    const int64_t want_spk[6] = {3, 0, 1, 1, 3, 3};      /* (rank, step) of ranks 1 and 3 */
    CHECK_TRUE(nspk == 3);
    for (int i = 0; i < 6 && nspk == 3; i++) CHECK(spk[i] == want_spk[i], "spike[%d]", i);
    d = ann_monitor_data(b, bv, &nrec, &width);
    const double want_b[8] = {2, 0, 1, 1, 1, 2, 0, 0};   /* every rank at steps 1 and 3 */
    CHECK_TRUE(nrec == 2 && width == 4);
    for (int i = 0; i < 8 && nrec == 2; i++) CHECK(d[i] == want_b[i], "b[%d] = %g", i, d[i]);

    /* clearing one variable keeps the other */
    ann_monitor_clear(a, av);
    ann_monitor_data(a, av, &nrec, &width);
    ann_monitor_spikes(a, as, &nspk);
    CHECK_TRUE(nrec == 0 && nspk == 3);
    ann_monitor_clear(a, -1);
    ann_monitor_spikes(a, as, &nspk);
    CHECK_TRUE(nspk == 0);

    /* paused: nothing recorded */
    ann_monitor_set_recording(b, 0);
    CHECK_TRUE(ann_network_run(net, 2, ANN_UNTIL_NONE, NULL, 0, &done, &st) == 0);
    ann_monitor_data(b, bv, &nrec, &width);
    CHECK_TRUE(nrec == 2);

    /* memory: b holds 8 values in a first buffer of 256; 10 more steps at period 2 need at
     * most 10/2 + 1 = 6 records of 4 values: (8 + 24) * 8 bytes, within the 2048 it has;
     * 1000 steps need (8 + 501 * 4) * 8 = 16096 bytes, 14048 more. */
    CHECK_TRUE(ann_monitor_bytes_needed(b, 10) == 0);
    CHECK(ann_monitor_bytes_needed(b, 1000) == 14048, "%lld",
          (long long)ann_monitor_bytes_needed(b, 1000));

    /* one owner: a is freed now, b by the network */
    ann_monitor_free(net, a);
    CHECK_TRUE(ann_network_run(net, 1, ANN_UNTIL_NONE, NULL, 0, &done, &st) == 0);
    ann_network_free(net);
    ann_module_release(m);
}

int main(void)
{
    char dir[] = "/tmp/annlua-monitor-test-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    test_monitors(dir);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_SUMMARY();
}
