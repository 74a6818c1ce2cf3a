/* The embedding library (annlua.h) with the core's embedding functions: a host runs model
 * scripts, hands out networks by name, keeps them alive while it holds them, and turns every
 * fault (scripts with errors, unknown or uncompiled networks, NULL or closed hosts) into a
 * status with a message; no signal handler is left behind; two hosts run on two threads.
 * Expected values are worked out by hand in the comments. Runs under the sanitizers too. */
#include "annlua.h"

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* r follows dr/dt = I + sum(exc) (explicit Euler, dt = 0.5 ms) with a weight of 0 on the
 * projection 'loop': r grows by 0.5 * I per step. */
static const char *MODEL =
    "local ann = require('annarchy')\n"
    "local Grow = ann.Neuron{parameters = 'I = 2.0', equations = 'dr/dt = I + sum(exc)'}\n"
    "net = ann.Network{dt = 0.5, seed = 1}\n"
    "local grow = net:create(3, Grow, {name = 'grow'})\n"
    "net:connect(grow, grow, 'exc', {name = 'loop'}):all_to_all(0.0)\n"
    "net:compile{compiler = 'tcc'}\n"
    "raw = ann.Network{dt = 1.0}\n"
    "raw:create(1, Grow, {name = 'idle'})\n"
    "answer = 42\n"
    "return {net = net, other = net}\n";

static int contains(const char *s, const char *part) { return strstr(s, part) != NULL; }

static int sigint_is_default(void)
{
    struct sigaction now;
    sigaction(SIGINT, NULL, &now);
    return now.sa_handler == SIG_DFL;
}

static void test_host(void)
{
    ann_status st = {0, ""};
    annlua_host *h = annlua_open(NULL, &st);
    CHECK(h != NULL, "%s", st.msg);
    if (!h) return;
    CHECK(annlua_run_string(h, MODEL, "=model", &st) == 0, "%s", st.msg);
    ann_network *net = annlua_network(h, "net", &st);
    CHECK(net != NULL, "%s", st.msg);
    if (!net) { annlua_close(h); return; }
    CHECK_TRUE(annlua_network(h, "other", &st) == net);   /* a field of the returned table */
    CHECK_TRUE(annlua_network(h, NULL, &st) != net);      /* the last created: raw, not compiled */
    CHECK(contains(st.msg, "network 2 is not compiled"), "%s", st.msg);

    int pop = ann_network_find_population(net, "grow", &st);
    int k = ann_population_find_attr(net, pop, "r", &st);
    int32_t n = 0;
    double *r = ann_population_data(net, pop, k, NULL, &n, &st);
    CHECK(r != NULL && n == 3, "%s", st.msg);
    CHECK_TRUE(ann_network_simulate(net, 2.0, &st) == 0);   /* 4 steps: r = 4 * 0.5 * 2 = 4 */
    CHECK_TRUE(r && r[0] == 4.0 && r[2] == 4.0);
    CHECK_TRUE(sigint_is_default());

    /* Lua sees what C did, through the same storage */
    CHECK(annlua_run_string(h, "assert(net.time == 2.0 and net:get_population('grow').r[1] == 4.0)",
                            "=check", &st) == 0, "%s", st.msg);
    CHECK(annlua_run_string(h, "net:simulate(1.0)", "=lua step", &st) == 0, "%s", st.msg);
    CHECK_TRUE(r && r[1] == 6.0 && ann_network_time(net, &st) == 3.0);
    CHECK_TRUE(sigint_is_default());   /* a simulate from Lua inside the host installs nothing */

    /* pinned: the script drops the network, the host's handle lives on */
    CHECK(annlua_run_string(h, "net = nil; collectgarbage(); collectgarbage()",
                            "=drop", &st) == 0, "%s", st.msg);
    CHECK_TRUE(ann_network_check(net, &st) == 0 && ann_network_step(net, 2, &st) == 0);
    CHECK_TRUE(r && r[0] == 8.0);
    CHECK_TRUE(annlua_release(h, net, &st) == 0);
    CHECK(annlua_run_string(h, "collectgarbage(); collectgarbage()", "=gc", &st) == 0, "%s", st.msg);
    CHECK_TRUE(ann_network_step(net, 1, &st) != 0 && contains(st.msg, "not a live network"));
    CHECK_TRUE(annlua_release(h, net, &st) != 0 && contains(st.msg, "already released"));

    /* closing the host frees the networks it gave */
    CHECK(annlua_run_string(h, MODEL, "=model", &st) == 0, "%s", st.msg);
    ann_network *again = annlua_network(h, "net", &st);
    CHECK_TRUE(ann_network_check(again, &st) == 0);
    annlua_close(h);
    CHECK_TRUE(ann_network_check(again, &st) != 0);
    CHECK_TRUE(annlua_run_string(h, "x = 1", NULL, &st) != 0);
    CHECK(contains(st.msg, "not an open annlua host"), "%s", st.msg);
}

static void test_refused(const char *dir)
{
    ann_status st = {0, ""};
    CHECK_TRUE(annlua_run_string(NULL, "x = 1", NULL, &st) != 0);
    CHECK(contains(st.msg, "not an open annlua host (NULL, closed, or never opened)"), "%s", st.msg);
    CHECK_TRUE(annlua_network(NULL, "net", &st) == NULL);
    CHECK_TRUE(contains(annlua_error(NULL), "not an open annlua host"));
    CHECK_TRUE(annlua_open("/nonexistent", &st) == NULL);
    CHECK(contains(st.msg, "module 'annarchy' not found"), "%s", st.msg);

    annlua_host *h = annlua_open(NULL, &st);
    CHECK(h != NULL, "%s", st.msg);
    if (!h) return;
    CHECK_TRUE(annlua_network(h, NULL, &st) == NULL);
    CHECK(contains(st.msg, "the model script created no network"), "%s", st.msg);
    CHECK_TRUE(annlua_run_string(h, MODEL, "=model", &st) == 0);
    ann_network *net = annlua_network(h, "net", &st);
    CHECK_TRUE(ann_network_find_population(net, "loop", &st) == -1);   /* named by the front end */
    CHECK(contains(st.msg, "'loop' is a projection, not a population"), "%s", st.msg);
    CHECK_TRUE(ann_population_find_attr(net, 0, "_sum_exc", &st) == 2);   /* I, r, then the sum */
    CHECK_TRUE(annlua_network(h, "nope", &st) == NULL);
    CHECK(contains(st.msg, "no network named 'nope'"), "%s", st.msg);
    CHECK_TRUE(strcmp(annlua_error(h), st.msg) == 0);
    CHECK_TRUE(annlua_network(h, "answer", &st) == NULL);
    CHECK(contains(st.msg, "'answer' is a number, not a network"), "%s", st.msg);
    CHECK_TRUE(annlua_network(h, "raw", &st) == NULL);
    CHECK(contains(st.msg, "network 2 ('raw') is not compiled: the model script must call net:compile()"),
          "%s", st.msg);

    /* a model script with an error: at run time, in its syntax, a file that is missing */
    CHECK_TRUE(annlua_run_string(h, "local ann = require('annarchy')\nann.Network{dt = -1}",
                                 "=bad model", &st) != 0);
    CHECK(contains(st.msg, "ann.Network: dt must be a positive") && contains(st.msg, "bad model:2"),
          "%s", st.msg);
    char path[256];
    snprintf(path, sizeof path, "%s/broken.lua", dir);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs("local ann = require('annarchy')\nlocal net = ann.Network(\n", f);
        fclose(f);
    }
    CHECK_TRUE(annlua_run_file(h, path, 0, NULL, &st) != 0);
    CHECK(contains(st.msg, "broken.lua:3:") && contains(st.msg, "expected"), "%s", st.msg);
    CHECK_TRUE(annlua_run_file(h, "/nonexistent/model.lua", 0, NULL, &st) != 0);
    CHECK(contains(st.msg, "cannot open /nonexistent/model.lua"), "%s", st.msg);
    const char *args[2] = {"a", NULL};
    CHECK_TRUE(annlua_run_file(h, path, 2, args, &st) != 0 && contains(st.msg, "argument 2 is NULL"));
    CHECK_TRUE(annlua_release(h, NULL, &st) != 0 && contains(st.msg, "not given by this host"));
    /* the host is still usable after its failures */
    CHECK(annlua_run_string(h, "return {n = net}", NULL, &st) == 0, "%s", st.msg);
    CHECK_TRUE(annlua_network(h, "n", &st) != NULL);
    annlua_close(h);
    annlua_close(NULL);
}

/* One host per thread, each running the model and stepping its network: after 10 ms (20
 * steps) r = 20 * 0.5 * 2 = 20 in both. */
static void *host_thread(void *arg)
{
    double *r_out = arg;
    ann_status st;
    *r_out = -1.0;
    annlua_host *h = annlua_open(NULL, &st);
    ann_network *net = h && annlua_run_string(h, MODEL, "=model", &st) == 0
                           ? annlua_network(h, "net", &st) : NULL;
    int k = net ? ann_population_find_attr(net, 0, "r", &st) : -1;
    double *r = k >= 0 ? ann_population_data(net, 0, k, NULL, NULL, &st) : NULL;
    if (r && ann_network_simulate(net, 10.0, &st) == 0) *r_out = r[1];
    annlua_close(h);
    return NULL;
}

static void test_threads(void)
{
    pthread_t th[2];
    double r[2];
    for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, host_thread, &r[i]);
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    CHECK(r[0] == 20.0 && r[1] == 20.0, "r = %g, %g", r[0], r[1]);
}

int main(void)
{
    char dir[] = "/tmp/annlua-host-test-XXXXXX";
    if (!mkdtemp(dir)) return 2;
    setenv("ANNLUA_CACHE", dir, 1);
    test_host();
    test_refused(dir);
    test_threads();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return CHECK_SUMMARY();
}
