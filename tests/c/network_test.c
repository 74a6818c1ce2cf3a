/* The runtime without Lua: a hand-written kernel compiled through the cache, a population,
 * the step loop, monitors, global operations, refractoriness, stop conditions, and the
 * cache's integrity check, through the public header only. Runs under the sanitizers too. */
#include "annarchy.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kernel_source.h"

/* Population 0: v += 1 each step (attr 0, local), spike when v >= th (attr 1, global),
 * reset v = 0; stop condition: some neuron has v >= 2. */
static const char *KERNELS =
    "void annk_pop0_update(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    double *v = (double *)p->attr[0]; (void)c;\n"
    "    for (int32_t i = ib; i < ie; i++) {\n"
    "        int act = p->refr_left ? p->refr_left[i] == 0 : 1;\n"
    "        if (act) v[i] += 1.0;\n"
    "    }\n"
    "}\n"
    "int32_t annk_pop0_spike(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    double *v = (double *)p->attr[0]; double th = ((double *)p->attr[1])[0];\n"
    "    int32_t ns = 0;\n"
    "    for (int32_t i = ib; i < ie; i++) {\n"
    "        if (p->refr_left && p->refr_left[i] > 0) { p->refr_left[i]--; continue; }\n"
    "        if (v[i] >= th) { v[i] = 0.0; p->spiked[ib + ns++] = i; p->last_spike[i] = c->step;\n"
    "            if (p->refr_left) p->refr_left[i] = p->refr_steps[i]; }\n"
    "    }\n"
    "    return ns;\n"
    "}\n"
    "int annk_pop0_stop(annk_pop *p, const annk_ctx *c) {\n"
    "    double *v = (double *)p->attr[0]; (void)c;\n"
    "    for (int32_t i = 0; i < p->size; i++) if (v[i] >= 2.0) return 1;\n"
    "    return 0;\n"
    "}\n";

static ann_network *volatile interrupted_net;
static void on_alarm(int sig)
{
    (void)sig;
    ann_network_interrupt(interrupted_net);
}

/* A log callback that keeps the last message in the buffer `user` (512 bytes). */
static void remember(void *user, const char *msg)
{
    snprintf((char *)user, 512, "%s", msg);
}

static void test_run(const char *dir)
{
    ann_status st = {0, ""};
    char *src = kernel_source(KERNELS);
    ann_jit_options opt = {"tcc", NULL, dir, "test network", 0, 0};
    ann_module *m = NULL;
    CHECK_TRUE(ann_jit_load(src, &opt, &m, &st) == 0);
    if (!m) { fprintf(stderr, "%s\n", st.msg); free(src); return; }
    CHECK_TRUE(ann_module_from_cache(m) == 0);

    ann_network *net = ann_network_new(1.0, 7);
    ann_attr_spec specs[2] = {{ANN_TYPE_F64, 1}, {ANN_TYPE_F64, 0}};
    int pop = ann_network_add_population(net, 3, 2, specs, 1, &st);
    CHECK_TRUE(pop == 0);
    ann_population_set(net, pop, 1, 0, 3.0);
    ann_population_set(net, pop, 0, 1, 1.0);     /* neuron 1 starts ahead */
    int g = ann_population_add_gop(net, pop, ANN_GOP_MAX, 0, &st);
    CHECK_TRUE(g == 0);
    ann_monitor *mon = ann_monitor_new(net, pop, NULL, 0, 1, 0, &st);
    int vv = ann_monitor_add_variable(mon, 0, 0, 0, &st);
    int vs = ann_monitor_add_variable(mon, 0, 1, 0, &st);
    CHECK_TRUE(ann_network_bind(net, m, &st) == 0);

    int64_t done = 0;
    CHECK_TRUE(ann_network_run(net, 5, ANN_UNTIL_NONE, NULL, 0, &done, &st) == 0);
    CHECK_TRUE(done == 5);
    /* neuron 0: v = 1 2 0 1 2 ; neuron 1 (from 1): 2 0 1 2 0 */
    CHECK_TRUE(ann_population_get(net, pop, 0, 0) == 2.0);
    CHECK_TRUE(ann_population_get(net, pop, 0, 1) == 0.0);
    CHECK_TRUE(ann_population_gop(net, pop, 0) == 2.0);

    int64_t nrec, width;
    const double *d = ann_monitor_data(mon, vv, &nrec, &width);
    CHECK_TRUE(nrec == 5 && width == 3);
    CHECK_TRUE(d[0] == 1.0 && d[1] == 2.0 && d[3] == 2.0 && d[4] == 0.0);
    int64_t nspk;
    const int64_t *spk = ann_monitor_spikes(mon, vs, &nspk);
    /* neuron 1 spikes at steps 1 and 4; neurons 0 and 2 at step 2 */
    CHECK_TRUE(nspk == 4);
    CHECK_TRUE(spk[0] == 1 && spk[1] == 1);
    ann_monitor_clear(mon, -1);
    ann_monitor_data(mon, vv, &nrec, &width);
    CHECK_TRUE(nrec == 0);

    /* refractoriness of 2 steps on every neuron */
    CHECK_TRUE(ann_population_enable_refractory(net, pop, &st) == 0);
    for (int i = 0; i < 3; i++) ann_population_set_refractory(net, pop, i, 2);
    CHECK_TRUE(ann_population_refractory(net, pop, 1) == 2);
    ann_population_clear(net, pop);
    for (int i = 0; i < 3; i++) ann_population_set(net, pop, 0, i, 0.0);
    CHECK_TRUE(ann_network_run(net, 8, ANN_UNTIL_NONE, NULL, 0, &done, &st) == 0);
    /* v: 1 2 0(spike) 0 0 1 2 0(spike): spikes at relative steps 2 and 7 */
    ann_monitor_spikes(mon, vs, &nspk);
    CHECK_TRUE(nspk == 6);

    /* an interrupt requested from a signal handler stops the run between two steps */
    interrupted_net = net;
    signal(SIGALRM, on_alarm);
    ualarm(20000, 0);
    CHECK_TRUE(ann_network_run(net, (int64_t)1 << 40, ANN_UNTIL_NONE, NULL, 0, &done, &st) != 0);
    CHECK(strcmp(st.msg, "interrupted") == 0 && done > 0, "%s after %lld steps", st.msg,
          (long long)done);
    signal(SIGALRM, SIG_DFL);
    int64_t before = ann_network_step_count(net);
    ann_network_interrupt(net);   /* no run under way: forgotten by the next one */
    CHECK_TRUE(ann_network_run(net, 3, ANN_UNTIL_NONE, NULL, 0, &done, &st) == 0 && done == 3);
    CHECK_TRUE(ann_network_step_count(net) == before + 3);

    /* stop condition: stops after the first step where some v >= 2 */
    for (int i = 0; i < 3; i++) ann_population_set(net, pop, 0, i, 0.0);
    ann_population_clear(net, pop);
    int32_t pops[1] = {0};
    CHECK_TRUE(ann_network_run(net, 100, ANN_UNTIL_OR, pops, 1, &done, &st) == 0);
    CHECK_TRUE(done == 2);

    ann_network_free(net);
    ann_module_release(m);

    /* a second load is a cache hit; with verbose set, the core says so through the log
     * callback (and prints nothing itself) */
    char logged[512] = "";
    ann_set_log(remember, logged);
    opt.verbose = 1;
    CHECK_TRUE(ann_jit_load(src, &opt, &m, &st) == 0);
    CHECK_TRUE(m && ann_module_from_cache(m) == 1);
    CHECK(strncmp(logged, "cache hit for test network (tcc, ", 33) == 0, "log: %s", logged);
    ann_set_log(NULL, NULL);
    ann_module_release(m);
    free(src);
}

/* The blocks of ann_partition, and one network run on 1 and on 3 threads: the same values,
 * the same spikes in the same (rank) order. */
static void test_threads(const char *dir)
{
    ann_status st = {0, ""};
    int32_t b, e;
    ann_partition(1000, 3, 4, &b, &e);
    CHECK(b == 768 && e == 1000, "block [%d, %d)", (int)b, (int)e);
    ann_partition(1000, 2, 3, &b, &e);
    CHECK(b == 1000 && e == 1000, "an empty last block, not [%d, %d)", (int)b, (int)e);
    ann_partition(100, 0, 2, &b, &e);
    CHECK_TRUE(b == 0 && e == 100);

    char *src = kernel_source(KERNELS);
    ann_jit_options opt = {"tcc", NULL, dir, "test network", 0, 0};
    ann_module *m = NULL;
    CHECK_TRUE(ann_jit_load(src, &opt, &m, &st) == 0);
    free(src);
    if (!m) return;
    double v[2][1000];
    int32_t spikes[2][1000], nspk[2];
    for (int run = 0; run < 2; run++) {
        ann_network *net = ann_network_new(1.0, 7);
        ann_attr_spec specs[2] = {{ANN_TYPE_F64, 1}, {ANN_TYPE_F64, 0}};
        int pop = ann_network_add_population(net, 1000, 2, specs, 1, &st);
        ann_population_set(net, pop, 1, 0, 7.0);
        for (int i = 0; i < 1000; i++) ann_population_set(net, pop, 0, i, (double)(i % 7));
        CHECK_TRUE(ann_network_set_threads(net, run == 0 ? 1 : 3, &st) == 0);
        CHECK_TRUE(ann_network_threads(net) == (run == 0 ? 1 : 3));
        CHECK_TRUE(ann_network_bind(net, m, &st) == 0);
        int64_t done = 0;
        CHECK_TRUE(ann_network_run(net, 11, ANN_UNTIL_NONE, NULL, 0, &done, &st) == 0 && done == 11);
        for (int i = 0; i < 1000; i++) v[run][i] = ann_population_get(net, pop, 0, i);
        const int32_t *sp = ann_population_spiked(net, pop, &nspk[run]);
        for (int32_t k = 0; k < nspk[run]; k++) spikes[run][k] = sp[k];
        CHECK_TRUE(ann_network_set_threads(net, 0, &st) != 0);
        CHECK_TRUE(strstr(st.msg, "between 1 and 1024") != NULL);
        ann_network_free(net);
    }
    CHECK_TRUE(memcmp(v[0], v[1], sizeof v[0]) == 0);
    CHECK(nspk[0] == nspk[1] && nspk[0] > 100, "%d and %d spikes", (int)nspk[0], (int)nspk[1]);
    CHECK_TRUE(memcmp(spikes[0], spikes[1], (size_t)nspk[0] * sizeof spikes[0][0]) == 0);
    for (int32_t k = 1; k < nspk[1]; k++) CHECK_TRUE(spikes[1][k] > spikes[1][k - 1]);
    ann_module_release(m);
}

static void test_failures(const char *dir)
{
    ann_status st = {0, ""};
    ann_jit_options opt = {"tcc", NULL, dir, "broken network", 0, 0};
    ann_module *m = NULL;
    CHECK_TRUE(ann_jit_load("this is not C", &opt, &m, &st) != 0);
    CHECK_TRUE(strstr(st.msg, "compiling broken network with tcc failed") != NULL);
    CHECK_TRUE(m == NULL);
    ann_jit_options bad = {"icc", NULL, dir, "x", 0, 0};
    CHECK_TRUE(ann_jit_load("int x;", &bad, &m, &st) != 0);
    /* without a status: the failure is still returned, the message is the thread's last error */
    CHECK_TRUE(ann_jit_load("int x;", &bad, &m, NULL) != 0 && m == NULL);
    CHECK_TRUE(ann_jit_load("this is not C", &opt, &m, NULL) != 0 && m == NULL);
    CHECK_TRUE(strstr(ann_last_error(), "compiling broken network with tcc failed") != NULL);

    ann_network *net = ann_network_new(1.0, 1);
    CHECK_TRUE(ann_network_add_population(net, 0, 0, NULL, 0, &st) < 0);
    int64_t done;
    CHECK_TRUE(ann_network_run(net, 1, ANN_UNTIL_NONE, NULL, 0, &done, &st) != 0);
    ann_network_free(net);
}

int main(void)
{
    char dir[] = "/tmp/annlua-network-test-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    test_run(dir);
    test_threads(dir);
    test_failures(dir);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_SUMMARY();
}
