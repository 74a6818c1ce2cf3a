/* The embedding functions of annarchy.h: stepping, the time, names, attribute storage in
 * place, the spikes of the last step, several networks on several threads, and every refused
 * input (NULL, freed or foreign handles, unknown names, global attributes, projections,
 * stepping before compile). Expected values are worked out by hand in the comments. Runs under
 * the sanitizers too. */
#include "annarchy.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "kernel_source.h"

/* Population 0 (spiking): v += input each step (attrs 0 and 1, local); spike when v >= th
 * (attr 2, global), then v = 0. Population 1 (rate-coded): r += 1 each step. */
static const char *KERNELS =
    "void annk_pop0_update(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    double *v = (double *)p->attr[0], *in = (double *)p->attr[1]; (void)c;\n"
    "    for (int32_t i = ib; i < ie; i++) v[i] += in[i];\n"
    "}\n"
    "int32_t annk_pop0_spike(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    double *v = (double *)p->attr[0], th = ((double *)p->attr[2])[0];\n"
    "    int32_t ns = 0;\n"
    "    for (int32_t i = ib; i < ie; i++)\n"
    "        if (v[i] >= th) { v[i] = 0.0; p->spiked[ib + ns++] = i; p->last_spike[i] = c->step; }\n"
    "    return ns;\n"
    "}\n"
    "void annk_pop1_update(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    double *r = (double *)p->attr[0]; (void)c;\n"
    "    for (int32_t i = ib; i < ie; i++) r[i] += 1.0;\n"
    "}\n";

static const char *const COUNTER_ATTRS[3] = {"v", "input", "th"};

/* A network of dt 0.5 ms with the two populations, named, bound to m. */
static ann_network *make_network(const ann_module *m, ann_status *st)
{
    ann_network *net = ann_network_new(0.5, 3);
    ann_attr_spec counter[3] = {{ANN_TYPE_F64, 1}, {ANN_TYPE_F64, 1}, {ANN_TYPE_F64, 0}};
    ann_attr_spec rate = {ANN_TYPE_F64, 1};
    const char *r_name = "r";
    if (!net || ann_network_add_population(net, 4, 3, counter, 1, st) != 0
        || ann_network_add_population(net, 2, 1, &rate, 0, st) != 1
        || ann_population_set_names(net, 0, "counter", COUNTER_ATTRS, 3, st) != 0
        || ann_population_set_names(net, 1, "rates", &r_name, 1, st) != 0
        || (m && ann_network_bind(net, m, st) != 0)) {
        ann_network_free(net);
        return NULL;
    }
    ann_population_set(net, 0, 2, 0, 1.0);
    return net;
}

static int contains(const char *s, const char *part) { return strstr(s, part) != NULL; }

static void test_frame_loop(const ann_module *m)
{
    ann_status st = {0, ""};
    ann_network *net = make_network(m, &st);
    CHECK(net != NULL, "%s", st.msg);
    if (!net) return;
    CHECK_TRUE(ann_network_check(net, &st) == 0);
    CHECK_TRUE(ann_network_time(net, &st) == 0.0);

    int pop = ann_network_find_population(net, "counter", &st);
    int k_in = ann_population_find_attr(net, pop, "input", &st);
    int k_v = ann_population_find_attr(net, pop, "v", &st);
    CHECK_TRUE(pop == 0 && k_in == 1 && k_v == 0);
    CHECK_TRUE(strcmp(ann_population_name(net, 1), "rates") == 0);
    int32_t type = -1, n = -1;
    double *in = ann_population_data(net, pop, k_in, &type, &n, &st);
    double *v = ann_population_data(net, pop, k_v, NULL, NULL, &st);
    CHECK_TRUE(in != NULL && v != NULL && type == ANN_TYPE_F64 && n == 4);
    if (!in || !v) { ann_network_free(net); return; }
    for (int i = 0; i < 4; i++) in[i] = 0.25 * (i + 1);   /* written in place */

    /* v after each step (threshold 1, reset to 0):
     *   rank 0 (+0.25): .25 .5 .75 1->spike;  rank 1 (+0.5): .5 1->spike .5 1->spike
     *   rank 2 (+0.75): .75 1.5->spike .75 1.5->spike;  rank 3 (+1): spikes every step */
    static const int32_t expect_n[4] = {1, 3, 1, 4};
    static const int32_t expect[4][4] = {{3}, {1, 2, 3}, {3}, {0, 1, 2, 3}};
    for (int s = 0; s < 4; s++) {
        CHECK_TRUE(ann_network_step(net, 1, &st) == 0);
        const int32_t *ranks = NULL;
        int32_t ns = -1;
        CHECK_TRUE(ann_population_spikes(net, pop, &ranks, &ns, &st) == 0);
        CHECK(ns == expect_n[s], "step %d: %d spikes, expected %d", s + 1, ns, expect_n[s]);
        for (int32_t i = 0; i < ns && i < expect_n[s]; i++)
            CHECK(ranks[i] == expect[s][i], "step %d, spike %d: rank %d", s + 1, i, ranks[i]);
    }
    CHECK_TRUE(v[0] == 0.0 && v[1] == 0.0 && v[3] == 0.0);   /* read in place */
    CHECK_TRUE(ann_network_time(net, &st) == 2.0);           /* 4 steps of 0.5 ms */

    /* simulate: ceil(ms / dt) steps; 1.0 ms is exactly 2 steps, 1.2 ms makes 3 */
    CHECK_TRUE(ann_network_simulate(net, 1.0, &st) == 0 && ann_network_time(net, &st) == 3.0);
    CHECK_TRUE(ann_network_simulate(net, 1.2, &st) == 0 && ann_network_time(net, &st) == 4.5);
    CHECK_TRUE(ann_network_step(net, 0, &st) == 0 && ann_network_time(net, &st) == 4.5);
    double *r = ann_population_data(net, 1, 0, NULL, &n, &st);
    CHECK_TRUE(r && n == 2 && r[0] == 9.0 && r[1] == 9.0);   /* 9 steps of r += 1 */
    ann_network_free(net);
}

/* Each refused input: a status and a message naming the fault, on the network too. */
static void test_refused(const ann_module *m)
{
    ann_status st = {0, ""};
    const char *dead = "not a live network (NULL, freed, or never created)";

    CHECK_TRUE(ann_network_step(NULL, 1, &st) != 0 && strcmp(st.msg, dead) == 0);
    CHECK_TRUE(strcmp(ann_last_error(), dead) == 0);
    CHECK_TRUE(strcmp(ann_network_error(NULL), dead) == 0);
    CHECK_TRUE(isnan(ann_network_time(NULL, &st)));
    int not_a_network = 0;
    CHECK_TRUE(ann_network_simulate((ann_network *)&not_a_network, 1.0, &st) != 0
               && strcmp(st.msg, dead) == 0);

    ann_network *freed = make_network(m, &st);
    ann_network_free(freed);
    CHECK_TRUE(ann_network_check(freed, &st) != 0 && strcmp(st.msg, dead) == 0);
    CHECK_TRUE(ann_network_step(freed, 1, &st) != 0 && strcmp(st.msg, dead) == 0);
    CHECK_TRUE(ann_network_find_population(freed, "counter", &st) == -1);
    CHECK_TRUE(ann_population_data(freed, 0, 0, NULL, NULL, &st) == NULL);
    CHECK_TRUE(ann_population_spikes(freed, 0, NULL, NULL, &st) != 0);
    CHECK_TRUE(ann_population_name(freed, 0) == NULL);

    ann_network *net = make_network(m, &st);
    CHECK(net != NULL, "%s", st.msg);
    if (!net) return;
    CHECK_TRUE(ann_network_find_population(net, "nope", &st) == -1);
    CHECK(contains(st.msg, "no population named 'nope'"), "%s", st.msg);
    CHECK_TRUE(strcmp(ann_network_error(net), st.msg) == 0);
    CHECK_TRUE(ann_population_find_attr(net, 0, "w", &st) == -1);
    CHECK(contains(st.msg, "population 'counter' has no attribute named 'w'"), "%s", st.msg);
    CHECK_TRUE(ann_population_find_attr(net, 7, "v", &st) == -1);
    CHECK(contains(st.msg, "no population 7 (it has 2)"), "%s", st.msg);
    CHECK_TRUE(ann_population_data(net, 0, 2, NULL, NULL, &st) == NULL);
    CHECK(contains(st.msg, "attribute 'th' of population 'counter' is global"), "%s", st.msg);
    CHECK_TRUE(ann_population_data(net, 0, 3, NULL, NULL, &st) == NULL);
    CHECK(contains(st.msg, "population 'counter' has no attribute 3"), "%s", st.msg);
    CHECK_TRUE(ann_population_spikes(net, 1, NULL, NULL, &st) != 0);
    CHECK(contains(st.msg, "population 'rates' is rate-coded"), "%s", st.msg);
    CHECK_TRUE(ann_network_step(net, -1, &st) != 0 && contains(st.msg, "negative"));
    CHECK_TRUE(ann_network_simulate(net, NAN, &st) != 0 && contains(st.msg, "finite"));
    CHECK_TRUE(ann_network_simulate(net, -2.0, &st) != 0 && contains(st.msg, ">= 0"));
    CHECK_TRUE(ann_population_set_names(net, 0, "x", COUNTER_ATTRS, 2, &st) != 0);
    CHECK(contains(st.msg, "2 attribute names given for 3 attributes"), "%s", st.msg);
    CHECK_TRUE(ann_network_time(net, &st) == 0.0);   /* nothing ran */
    ann_network_free(net);

    /* stepping before compile; a projection's name asked as a population's */
    ann_network *raw = make_network(NULL, &st);
    CHECK_TRUE(ann_network_step(raw, 1, &st) != 0 && contains(st.msg, "not compiled"));
    CHECK_TRUE(ann_network_simulate(raw, 5.0, &st) != 0 && contains(st.msg, "not compiled"));
    const int32_t list_post[1] = {0};
    const int64_t list_row[2] = {0, 1};
    const int32_t pre[1] = {0};
    const double w[1] = {1.0};
    ann_syn_values sv = {ann_value_const(0), ann_value_const(0), 0.5, 0, {0, 0, 0, 0}};
    ann_csr c;
    CHECK_TRUE(ann_connect_from_lists(&c, 1, list_post, list_row, pre, w, NULL, 4, 2, &sv, NULL,
                                      &st) == 0);
    ann_proj_attr wattr = {ANN_TYPE_F64, ANN_LOC_LOCAL, 0.0};
    ann_proj_desc desc = {0, 1, 0, 0, ANN_DELAY_NONE, 0, 1, &wattr, 0, -1, NULL, 0, NULL, 0, 0, 1, 0};
    CHECK_TRUE(ann_network_add_projection(raw, &desc, &c, &st) == 0);
    ann_csr_free(&c);
    const char *w_name = "w";
    CHECK_TRUE(ann_projection_set_names(raw, 0, "feed", &w_name, 1, &st) == 0);
    CHECK_TRUE(ann_network_find_population(raw, "feed", &st) == -1);
    CHECK(contains(st.msg, "'feed' is a projection, not a population"), "%s", st.msg);
    CHECK_TRUE(ann_projection_set_names(raw, 3, "x", NULL, 0, &st) != 0);
    CHECK(contains(st.msg, "no projection 3"), "%s", st.msg);
    ann_network_free(raw);
}

/* Two networks, each stepped on its own thread, end as the same networks stepped one after
 * the other. */
typedef struct job { ann_network *net; double input; int rc; } job;

static void *run_job(void *arg)
{
    job *j = arg;
    ann_status st;
    double *in = ann_population_data(j->net, 0, 1, NULL, NULL, &st);
    j->rc = in == NULL;
    for (int frame = 0; !j->rc && frame < 2000; frame++) {
        for (int i = 0; i < 4; i++) in[i] = j->input * (i + 1) * (1 + frame % 3);
        j->rc = ann_network_simulate(j->net, 2.0, &st);
    }
    return NULL;
}

static void test_threads(const ann_module *m)
{
    ann_status st;
    job jobs[4];
    for (int k = 0; k < 4; k++) {
        jobs[k].net = make_network(m, &st);
        jobs[k].input = k % 2 ? 0.125 : 0.3;
    }
    pthread_t th[2];
    for (int k = 0; k < 2; k++) pthread_create(&th[k], NULL, run_job, &jobs[k]);
    for (int k = 0; k < 2; k++) pthread_join(th[k], NULL);
    run_job(&jobs[2]);
    run_job(&jobs[3]);
    for (int k = 0; k < 2; k++) {
        CHECK_TRUE(jobs[k].rc == 0 && jobs[k + 2].rc == 0);
        CHECK_TRUE(ann_network_time(jobs[k].net, &st) == 2000.0 * 2.0);
        for (int i = 0; i < 4; i++)
            CHECK(ann_population_get(jobs[k].net, 0, 0, i)
                      == ann_population_get(jobs[k + 2].net, 0, 0, i),
                  "thread %d, rank %d", k, i);
        CHECK_TRUE(ann_population_get(jobs[k].net, 1, 0, 0) == 8000.0);
    }
    for (int k = 0; k < 4; k++) ann_network_free(jobs[k].net);
}

int main(void)
{
    char dir[] = "/tmp/annlua-embed-test-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    ann_module *m = load_kernels(KERNELS, dir, "embed test");
    CHECK_TRUE(m != NULL);
    if (m) {
        test_frame_loop(m);
        test_refused(m);
        test_threads(m);
        ann_module_release(m);
    }
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_SUMMARY();
}
