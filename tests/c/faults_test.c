/* Allocation failure at every allocation of a scenario: load a kernel module (from the cache),
 * build a network (a spiking and two rate populations, a global operation, connectivity drawn
 * by a connector, a projection with delays, monitors and a projection recorder), bind it, run
 * steps, create and prune synapses from the host, load images (PNG, JPEG). The test is linked
 * with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc (see the Makefile), so every allocation
 * of the core goes through the counters below; the core itself is not changed.
 *
 * A first run counts the scenario's allocations; then, for N = 1 .. that count, the scenario
 * runs again with the Nth allocation failing. Each time, the call that met the failure must
 * return its failure value with a message (in the status and in ann_last_error), a failed
 * add must leave the network's counts unchanged, the network must still run once the
 * allocator works again, and everything must be freed (the sanitizer build checks the leaks
 * and the memory accesses). A monitor or recorder whose buffer cannot grow during a run stops
 * the run with a message naming it. */
#include "annarchy.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "kernel_source.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);

static int armed;          /* counting the scenario's allocations */
static long allocations;   /* allocations since armed */
static long fail_at;       /* the allocation that fails (0: none) */
static long failures;      /* allocations refused */

static int refuse(void)
{
    if (!armed)
        return 0;
    if (++allocations == fail_at) {
        failures++;
        return 1;
    }
    return 0;
}

void *__wrap_malloc(size_t n) { return refuse() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t size) { return refuse() ? NULL : __real_calloc(n, size); }
void *__wrap_realloc(void *p, size_t n) { return refuse() ? NULL : __real_realloc(p, n); }

/* Population 0 (spiking, v and a threshold) integrates; 1 and 2 are rate-coded, 1's r is
 * read by projection 0 through a delay of 2 steps into 2's sum. */
static const char *KERNELS =
    "void annk_pop0_update(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    double *v = (double *)p->attr[0]; (void)c;\n"
    "    for (int32_t i = ib; i < ie; i++) v[i] += 0.5 + 0.1 * i;\n"
    "}\n"
    "int32_t annk_pop0_spike(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    double *v = (double *)p->attr[0]; int32_t ns = 0;\n"
    "    for (int32_t i = ib; i < ie; i++)\n"
    "        if (v[i] >= 2.0) { v[i] = 0.0; p->spiked[ib + ns++] = i; p->last_spike[i] = c->step; }\n"
    "    return ns;\n"
    "}\n"
    "void annk_pop1_update(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    double *r = (double *)p->attr[0]; (void)c;\n"
    "    for (int32_t i = ib; i < ie; i++) r[i] += 1.0;\n"
    "}\n"
    "void annk_pop2_update(annk_pop *p, const annk_ctx *c, int32_t ib, int32_t ie) {\n"
    "    (void)p; (void)c; (void)ib; (void)ie;\n"
    "}\n"
    PROJ0_WEIGHTED_SUM;

static double final_state;  /* a checksum of the network's state after the run */
static long recording_faults;  /* runs stopped by a monitor or recorder, named in the message */

static char cache_dir[] = "/tmp/annlua-faults-XXXXXX";

/* A failing call: its message must be there, in the status and as the last error. */
static void failed_with_message(const char *call, const ann_status *st)
{
    CHECK(st->msg[0] != '\0' && strcmp(st->msg, ann_last_error()) == 0,
          "%s failed at allocation %ld without its message (status '%s', last error '%s')", call,
          fail_at, st->msg, ann_last_error());
}

/* The scenario's objects, freed whatever happened. */
typedef struct world {
    ann_module *m;
    ann_network *net;
    ann_csr c;
    ann_image img;
    double *pixels;
} world;

static void release(world *w)
{
    ann_network_free(w->net);
    ann_module_release(w->m);
    ann_csr_free(&w->c);
    ann_image_free(&w->img);
    free(w->pixels);
}

/* Once a call has failed: the allocator works again and the network, if it was bound, must
 * still run. */
static void still_usable(world *w, int bound, const char *call)
{
    ann_status st = {0, ""};
    int64_t done = 0;
    armed = 0;
    if (bound)
        CHECK(ann_network_run(w->net, 2, ANN_UNTIL_NONE, NULL, 0, &done, &st) == 0 && done == 2,
              "the network does not run after %s failed at allocation %ld: %s", call, fail_at,
              st.msg);
}

#define FAIL_IF(cond, call)                                                                \
    do {                                                                                   \
        if (cond) {                                                                        \
            failed_with_message(call, &st);                                                \
            still_usable(&w, bound, call);                                                 \
            release(&w);                                                                   \
            return 1;                                                                      \
        }                                                                                  \
    } while (0)

/* Runs the scenario; 0 when every call succeeded, 1 when one failed (and was checked). */
static int scenario(const char *source)
{
    ann_status st = {0, ""};
    world w;
    int bound = 0;
    memset(&w, 0, sizeof w);
    ann_jit_options opt = {"tcc", NULL, cache_dir, "faults test", 0, 0};

    FAIL_IF(ann_jit_load(source, &opt, &w.m, &st) != 0, "ann_jit_load");
    w.net = ann_network_new(1.0, 11);
    if (!w.net) {                       /* its documented failure: NULL */
        armed = 0;
        release(&w);
        return 1;
    }
    ann_attr_spec spiking[2] = {{ANN_TYPE_F64, 1}, {ANN_TYPE_F64, 0}};
    ann_attr_spec rate = {ANN_TYPE_F64, 1};
    if (ann_network_add_constant(w.net, 0.25) < 0) {       /* no status: the last error */
        snprintf(st.msg, sizeof st.msg, "%s", ann_last_error());
        FAIL_IF(1, "ann_network_add_constant");
    }
    FAIL_IF(ann_network_add_population(w.net, 5, 2, spiking, 1, &st) < 0,
            "ann_network_add_population");
    int32_t before = ann_network_population_count(w.net);
    if (ann_network_add_population(w.net, 4, 1, &rate, 0, &st) < 0) {
        CHECK(ann_network_population_count(w.net) == before,
              "a failed ann_network_add_population added a population (allocation %ld)", fail_at);
        FAIL_IF(1, "ann_network_add_population");
    }
    FAIL_IF(ann_network_add_population(w.net, 3, 1, &rate, 0, &st) < 0,
            "ann_network_add_population");
    FAIL_IF(ann_population_mark_sum(w.net, 2, 0, &st) != 0, "ann_population_mark_sum");
    FAIL_IF(ann_population_add_gop(w.net, 1, ANN_GOP_MEAN, 0, &st) != 0, "ann_population_add_gop");
    FAIL_IF(ann_population_enable_refractory(w.net, 0, &st) != 0,
            "ann_population_enable_refractory");

    int32_t pre[4] = {0, 1, 2, 3}, post[3] = {0, 1, 2};
    ann_dist uniform;
    memset(&uniform, 0, sizeof uniform);
    uniform.kind = ann_dist_kind_from_name("Uniform");
    uniform.p1 = 0.0;
    uniform.p2 = 1.0;
    ann_syn_values v = {ann_value_dist(&uniform), ann_value_const(2.0), 1.0, 0, {0, 0, 0, 0}};
    ann_rng rng;
    ann_rng_init(&rng, 11, 0x40000000u);
    FAIL_IF(ann_connect_fixed_probability(&w.c, pre, 4, 4, post, 3, 3, 0, 0.7, 1, &v, &rng,
                                          &st) != 0, "ann_connect_fixed_probability");
    ann_proj_attr wattr = {ANN_TYPE_F64, ANN_LOC_LOCAL, 0.5};
    int32_t delayed[1] = {0};
    ann_proj_desc desc = {1, 2, 0, 0, ANN_DELAY_UNIFORM, 0, 1, &wattr, 0, -1, delayed, 1, NULL, 0, 0, 1, 0};
    if (ann_network_add_projection(w.net, &desc, &w.c, &st) < 0) {
        CHECK(ann_network_projection_count(w.net) == 0,
              "a failed ann_network_add_projection added a projection (allocation %ld)", fail_at);
        FAIL_IF(1, "ann_network_add_projection");
    }

    ann_monitor *mv = ann_monitor_new(w.net, 0, NULL, 0, 1, 0, &st);
    FAIL_IF(!mv, "ann_monitor_new");
    FAIL_IF(ann_monitor_add_variable(mv, 0, 0, 0, &st) < 0, "ann_monitor_add_variable");
    FAIL_IF(ann_monitor_add_variable(mv, 0, 1, 0, &st) < 0, "ann_monitor_add_variable (spikes)");
    FAIL_IF(ann_monitor_set_name(mv, "m_voltage", &st) != 0, "ann_monitor_set_name");
    int32_t ranks[2] = {2, 0};
    ann_monitor *ms = ann_monitor_new(w.net, 2, ranks, 2, 3, 1, &st);
    FAIL_IF(!ms, "ann_monitor_new (ranks)");
    FAIL_IF(ann_monitor_add_variable(ms, 0, 0, 1, &st) < 0, "ann_monitor_add_variable (sum)");
    FAIL_IF(ann_monitor_set_name(ms, "m_sum", &st) != 0, "ann_monitor_set_name");
    ann_proj_recorder *rw = ann_proj_recorder_new(w.net, 0, 0, NULL, 0, 2, 0, &st);
    FAIL_IF(!rw, "ann_proj_recorder_new");
    FAIL_IF(ann_proj_recorder_set_name(rw, "r_weight", &st) != 0, "ann_proj_recorder_set_name");

    FAIL_IF(ann_network_bind(w.net, w.m, &st) != 0, "ann_network_bind");
    bound = 1;
    int64_t done = 0;
    if (ann_network_run(w.net, 30, ANN_UNTIL_NONE, NULL, 0, &done, &st) != 0) {
        if (strstr(st.msg, "out of memory growing its buffer")) {
            CHECK(strstr(st.msg, "monitor \"m_voltage\"") || strstr(st.msg, "monitor \"m_sum\"")
                  || strstr(st.msg, "recorder \"r_weight\""),
                  "a recording failure does not name its monitor: %s", st.msg);
            CHECK(done < 30, "a run whose recording failed went on to its end (%lld steps)",
                  (long long)done);
            recording_faults++;
        }
        FAIL_IF(1, "ann_network_run");
    }
    int32_t d0 = ann_projection_dendrite_of(w.net, 0, 0);
    if (d0 >= 0) {
        int32_t missing[4], n = 0;
        for (int32_t r = 0; r < 4; r++)
            if (ann_projection_synapse_index(w.net, 0, d0, r) < 0) missing[n++] = r;
        if (n > 0) {
            int64_t nsyn = ann_network_projection_count(w.net) ?
                           ann_projection_synapse_count(w.net, 0) : 0;
            if (ann_projection_create_synapses(w.net, 0, d0, n, missing, NULL, NULL, &st) != 0) {
                CHECK(ann_projection_synapse_count(w.net, 0) == nsyn,
                      "a failed create_synapses changed the projection (allocation %ld)", fail_at);
                FAIL_IF(1, "ann_projection_create_synapses");
            }
            FAIL_IF(ann_projection_prune_synapses(w.net, 0, d0, 1, missing, &st) != 0,
                    "ann_projection_prune_synapses");
        }
    }
    FAIL_IF(ann_network_run(w.net, 30, ANN_UNTIL_NONE, NULL, 0, &done, &st) != 0,
            "ann_network_run");

    final_state = 0.0;
    for (int32_t i = 0; i < 5; i++) final_state += ann_population_get(w.net, 0, 0, i) * (i + 1);
    for (int32_t i = 0; i < 3; i++) final_state += ann_population_get(w.net, 2, 0, i) * (i + 7);

    FAIL_IF(ann_image_load("tests/fuzz/corpus/png/palette.png", &w.img, &st) != 0,
            "ann_image_load (PNG)");
    ann_image_free(&w.img);
    FAIL_IF(ann_image_load("tests/fuzz/corpus/jpeg/progressive.jpg", &w.img, &st) != 0,
            "ann_image_load (JPEG)");
    w.pixels = __real_malloc(6 * 5 * 3 * sizeof *w.pixels);   /* the test's, not the core's */
    int resized, sw, sh;
    FAIL_IF(!w.pixels || ann_image_for_population("tests/fuzz/corpus/png/rgb.png", 5, 6, 3,
                                                  w.pixels, &resized, &sw, &sh, &st) != 0,
            "ann_image_for_population");
    armed = 0;
    release(&w);
    return 0;
}

int main(void)
{
    long total;
    if (!mkdtemp(cache_dir)) {
        perror("mkdtemp");
        return 2;
    }
    char *source = kernel_source(KERNELS);
    ann_module *m = load_kernels(KERNELS, cache_dir, "faults test");  /* fills the cache */
    CHECK_TRUE(m != NULL);
    ann_module_release(m);

    armed = 1;
    allocations = 0;
    fail_at = 0;
    CHECK(scenario(source) == 0, "the scenario fails without injected faults: %s", ann_last_error());
    total = allocations;
    double clean_state = final_state;
    CHECK(total > 50, "only %ld allocations counted: the wrapping does not work", total);

    long failed_calls = 0;
    for (fail_at = 1; fail_at <= total; fail_at++) {
        armed = 1;
        allocations = 0;
        final_state = 0.0;
        int stopped = scenario(source);
        failed_calls += stopped;
        /* An allocation that may fail without failing a call (a buffer that is not shrunk, a
         * cache entry compiled again) must not change the results. */
        if (!stopped)
            CHECK(final_state == clean_state, "allocation %ld failed silently and changed the "
                  "network's state (%.17g instead of %.17g)", fail_at, final_state, clean_state);
        if (!stopped && getenv("FAULTS_VERBOSE"))
            printf("allocation %ld failed without stopping the scenario\n", fail_at);
        armed = 0;
    }
    printf("%ld allocations in the scenario, each made to fail once: %ld failures injected, "
           "%ld scenarios stopped by a failing call\n", total, failures, failed_calls);
    CHECK(failures == total, "%ld of %ld allocations were reached", failures, total);
    CHECK(recording_faults >= 3, "only %ld runs were stopped by a recording failure", recording_faults);

    long removed;
    setenv("ANNLUA_CACHE", cache_dir, 1);
    ann_cache_clear(&removed);
    rmdir(cache_dir);
    free(source);
    return CHECK_SUMMARY();
}
