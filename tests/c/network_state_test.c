/* The dynamic state of a network (src/network_state.c) through the public header: a spiking
 * population with refractoriness and a global operation is run, its buffers are copied into a
 * second network of the same structure, and both continue identically; buffers that do not fit
 * the structure are refused and change nothing. Runs under the sanitizers too. */
#include "annarchy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kernel_source.h"

/* Population 0: v += 1 + rank each step unless refractory (attr 0, local), spike when v >= 4,
 * reset v = 0. */
static const char *KERNELS =
    "void annk_pop0_update(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    double *v = (double *)p->attr[0]; (void)c;\n"
    "    for (int32_t i = ib; i < ie; i++) if (p->refr_left[i] == 0) v[i] += 1.0 + i;\n"
    "}\n"
    "int32_t annk_pop0_spike(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    double *v = (double *)p->attr[0];\n"
    "    int32_t ns = 0;\n"
    "    for (int32_t i = ib; i < ie; i++) {\n"
    "        if (p->refr_left[i] > 0) { p->refr_left[i]--; continue; }\n"
    "        if (v[i] >= 4.0) { v[i] = 0.0; p->spiked[ib + ns++] = i; p->last_spike[i] = c->step;\n"
    "            p->refr_left[i] = p->refr_steps[i]; }\n"
    "    }\n"
    "    return ns;\n"
    "}\n";

static ann_network *make(const ann_module *m, ann_monitor **mon)
{
    ann_status st = {0, ""};
    ann_network *net = ann_network_new(1.0, 3);
    ann_attr_spec specs[1] = {{ANN_TYPE_F64, 1}};
    int pop = ann_network_add_population(net, 4, 1, specs, 1, &st);
    CHECK_TRUE(pop == 0);
    CHECK_TRUE(ann_population_enable_refractory(net, pop, &st) == 0);
    for (int32_t i = 0; i < 4; i++) ann_population_set_refractory(net, pop, i, 2);
    CHECK_TRUE(ann_population_add_gop(net, pop, ANN_GOP_MAX, 0, &st) == 0);
    *mon = ann_monitor_new(net, pop, NULL, 0, 1, 0, &st);
    ann_monitor_add_variable(*mon, 0, 1, 0, &st);
    CHECK_TRUE(ann_network_bind(net, m, &st) == 0);
    return net;
}

/* Buffer `name` of population 0, or -1. */
static int find(const ann_network *net, const char *name)
{
    for (int k = 0; k < ann_population_state_count(net, 0); k++)
        if (strcmp(ann_population_state_name(net, 0, k), name) == 0) return k;
    return -1;
}

static void test_copy(const ann_module *m)
{
    ann_status st = {0, ""};
    ann_monitor *ma, *mb;
    ann_network *a = make(m, &ma), *b = make(m, &mb);
    CHECK_TRUE(ann_network_run(a, 4, ANN_UNTIL_NONE, NULL, 0, NULL, &st) == 0);

    /* the buffers of a spiking population with refractoriness and a global operation */
    CHECK(ann_population_state_count(a, 0) == 4, "%d buffers", ann_population_state_count(a, 0));
    CHECK_TRUE(find(a, "spiked") >= 0 && find(a, "last_spike") >= 0);
    CHECK_TRUE(find(a, "refractory_left") >= 0 && find(a, "global_operations") >= 0);
    CHECK_TRUE(find(a, "delayed_spikes") < 0 && ann_population_state_name(a, 0, 4) == NULL);
    CHECK_TRUE(ann_population_state_length(a, 0, 4) == -1);
    CHECK_TRUE(ann_network_projection_count(a) == 0);

    /* by hand: v grows by 1 + rank while not refractory, fires at 4; a spike makes the neuron
     * refractory for 2 steps (the spike pass counts down). Steps 0-3: rank 3 fires at steps 0
     * and 3, ranks 1 and 2 at step 1, rank 0 at step 3. */
    double buf[8];
    ann_population_state_get(a, 0, find(a, "last_spike"), buf);
    CHECK(buf[0] == 3 && buf[1] == 1 && buf[2] == 1 && buf[3] == 3, "last spikes %g %g %g %g", buf[0],
          buf[1], buf[2], buf[3]);
    CHECK_TRUE(ann_population_state_length(a, 0, find(a, "spiked")) == 2);
    ann_population_state_get(a, 0, find(a, "spiked"), buf);
    CHECK(buf[0] == 0 && buf[1] == 3, "spiked %g %g", buf[0], buf[1]);
    ann_population_state_get(a, 0, find(a, "refractory_left"), buf);
    CHECK(buf[0] == 2 && buf[1] == 0 && buf[2] == 0 && buf[3] == 2, "refractory %g %g %g %g", buf[0],
          buf[1], buf[2], buf[3]);
    ann_population_state_get(a, 0, find(a, "global_operations"), buf);
    /* max(v) = 0: ranks 0 and 3 were just reset, ranks 1 and 2 stayed at 0 while refractory */
    CHECK(buf[0] == 0.0, "max(v) = %g", buf[0]);

    /* copy everything into b: attributes, the step, every buffer */
    for (int32_t i = 0; i < 4; i++) ann_population_set(b, 0, 0, i, ann_population_get(a, 0, 0, i));
    ann_network_set_step_count(b, ann_network_step_count(a));
    for (int k = 0; k < ann_population_state_count(a, 0); k++) {
        int64_t n = ann_population_state_length(a, 0, k);
        double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
        ann_population_state_get(a, 0, k, v);
        CHECK(ann_population_state_set(b, 0, k, v, n, 0, &st) == 0, "%s: %s",
              ann_population_state_name(a, 0, k), st.msg);
        free(v);
    }
    ann_monitor_clear(ma, 0);
    CHECK_TRUE(ann_network_run(a, 9, ANN_UNTIL_NONE, NULL, 0, NULL, &st) == 0);
    CHECK_TRUE(ann_network_run(b, 9, ANN_UNTIL_NONE, NULL, 0, NULL, &st) == 0);
    int64_t na, nb;
    const int64_t *sa = ann_monitor_spikes(ma, 0, &na), *sb = ann_monitor_spikes(mb, 0, &nb);
    CHECK(na == nb && na > 0 && memcmp(sa, sb, (size_t)na * 2 * sizeof *sa) == 0,
          "%lld and %lld spikes", (long long)na, (long long)nb);
    for (int32_t i = 0; i < 4; i++)
        CHECK_TRUE(ann_population_get(a, 0, 0, i) == ann_population_get(b, 0, 0, i));
    ann_network_free(a);
    ann_network_free(b);
}

static void test_refused(const ann_module *m)
{
    ann_status st = {0, ""};
    ann_monitor *mon;
    ann_network *net = make(m, &mon);
    CHECK_TRUE(ann_network_run(net, 5, ANN_UNTIL_NONE, NULL, 0, NULL, &st) == 0);
    int ks = find(net, "spiked"), kr = find(net, "refractory_left"), kl = find(net, "last_spike");
    double before[4], after[4];
    ann_population_state_get(net, 0, kr, before);
    double three[3] = {0, 0, 0};
    CHECK_TRUE(ann_population_state_set(net, 0, kr, three, 3, 0, &st) != 0);
    CHECK(strstr(st.msg, "refractory_left: 3 values, the population keeps 4") != NULL, "%s", st.msg);
    double neg[4] = {0, -1, 0, 0};
    CHECK_TRUE(ann_population_state_set(net, 0, kr, neg, 4, 0, &st) != 0);
    CHECK(strstr(st.msg, "refractory_left: value 1 (-1) is not valid") != NULL, "%s", st.msg);
    ann_population_state_get(net, 0, kr, after);
    CHECK_TRUE(memcmp(before, after, sizeof before) == 0);
    double ranks[2] = {1, 4};
    CHECK_TRUE(ann_population_state_set(net, 0, ks, ranks, 2, 0, &st) != 0);
    CHECK(strstr(st.msg, "spiked: 4 is not a rank of a population of 4 neurons") != NULL, "%s", st.msg);
    double half[4] = {0, 0.5, 0, 0};
    CHECK_TRUE(ann_population_state_set(net, 0, kl, half, 4, 0, &st) != 0);
    /* check_only: a fitting buffer passes and changes nothing */
    double zero[4] = {0, 0, 0, 0};
    CHECK_TRUE(ann_population_state_set(net, 0, kr, zero, 4, 1, &st) == 0);
    ann_population_state_get(net, 0, kr, after);
    CHECK_TRUE(memcmp(before, after, sizeof before) == 0);
    CHECK_TRUE(ann_population_state_set(net, 0, 9, zero, 4, 0, &st) != 0);
    ann_network_free(net);
}

int main(void)
{
    char dir[] = "/tmp/annlua-network-state-test-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    ann_module *m = load_kernels(KERNELS, dir, "network state test");
    if (m) {
        test_copy(m);
        test_refused(m);
        ann_module_release(m);
    } else {
        CHECK(0, "the kernels do not compile");
    }
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_SUMMARY();
}
