/* The pre-major layout of a spiking projection (src/projection_order.c) is the same on 1 to 4
 * threads and equals an independent serial computation: the synapses sorted by (pre rank,
 * delay, post-major index) with qsort. The connectivity has uneven dendrites (empty ones
 * included), post neurons without a dendrite, pre neurons without synapses and repeated pairs;
 * each weight names its post-major synapse, so the test sees where every value went. Also: a
 * pre rank outside the population is refused with an error. */
#include "annarchy.h"
#include "kernel/00_abi.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"

enum { NPRE = 3000, NPOST = 5000, MAX_DELAY = 40 };

static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Dendrites for every post rank not a multiple of 3; of those, every 50th is empty and the
 * others hold 0 to 239 synapses; pre ranks never end in 7 (those pre neurons have no
 * synapse) and may repeat in a dendrite. Weight of synapse s: s + 0.5. */
static void make_csr(ann_csr *c, int with_delays)
{
    memset(c, 0, sizeof *c);
    int64_t cap = (int64_t)NPOST * 240;
    c->post_rank = malloc(NPOST * sizeof *c->post_rank);
    c->row = malloc((NPOST + 1) * sizeof *c->row);
    c->pre_rank = malloc((size_t)cap * sizeof *c->pre_rank);
    c->row[0] = 0;
    for (int32_t r = 0; r < NPOST; r++) {
        if (r % 3 == 0) continue;
        int32_t d = c->ndend++;
        int64_t n = r % 50 == 1 ? 0 : (int64_t)(mix((uint64_t)r) % 240);
        int32_t *out = c->pre_rank + c->nsyn;
        for (int64_t k = 0; k < n; k++) {
            int32_t j = (int32_t)(mix((uint64_t)r * 1000 + (uint64_t)k) % NPRE);
            out[k] = j % 10 == 7 ? j - 1 : j;
        }
        qsort(out, (size_t)n, sizeof *out, cmp_i32);
        c->post_rank[d] = r;
        c->nsyn += n;
        c->row[d + 1] = c->nsyn;
    }
    c->w = malloc((size_t)c->nsyn * sizeof *c->w);
    for (int64_t s = 0; s < c->nsyn; s++) c->w[s] = (double)s + 0.5;
    if (with_delays) {
        c->delay = malloc((size_t)c->nsyn * sizeof *c->delay);
        for (int64_t s = 0; s < c->nsyn; s++)
            c->delay[s] = 1 + (int32_t)(mix((uint64_t)s + 77) % MAX_DELAY);
        c->max_delay = MAX_DELAY;
    } else {
        c->uniform_delay = 1;
        c->max_delay = 1;
    }
}

static ann_csr copy_csr(const ann_csr *c)
{
    ann_csr k = *c;
    k.post_rank = malloc((size_t)c->ndend * sizeof *k.post_rank);
    k.row = malloc((size_t)(c->ndend + 1) * sizeof *k.row);
    k.pre_rank = malloc((size_t)c->nsyn * sizeof *k.pre_rank);
    k.w = malloc((size_t)c->nsyn * sizeof *k.w);
    memcpy(k.post_rank, c->post_rank, (size_t)c->ndend * sizeof *k.post_rank);
    memcpy(k.row, c->row, (size_t)(c->ndend + 1) * sizeof *k.row);
    memcpy(k.pre_rank, c->pre_rank, (size_t)c->nsyn * sizeof *k.pre_rank);
    memcpy(k.w, c->w, (size_t)c->nsyn * sizeof *k.w);
    if (c->delay) {
        k.delay = malloc((size_t)c->nsyn * sizeof *k.delay);
        memcpy(k.delay, c->delay, (size_t)c->nsyn * sizeof *k.delay);
    }
    return k;
}

/* A synapse of the serial reference. */
typedef struct ref_syn { int32_t pre, delay, post; int64_t s; } ref_syn;

static int cmp_ref(const void *a, const void *b)
{
    const ref_syn *x = a, *y = b;
    if (x->pre != y->pre) return (x->pre > y->pre) - (x->pre < y->pre);
    if (x->delay != y->delay) return (x->delay > y->delay) - (x->delay < y->delay);
    return (x->s > y->s) - (x->s < y->s);
}

static ref_syn *reference(const ann_csr *c)
{
    ref_syn *r = malloc((size_t)c->nsyn * sizeof *r);
    for (int32_t d = 0; d < c->ndend; d++)
        for (int64_t s = c->row[d]; s < c->row[d + 1]; s++)
            r[s] = (ref_syn){c->pre_rank[s], c->delay ? c->delay[s] : 0, c->post_rank[d], s};
    qsort(r, (size_t)c->nsyn, sizeof *r, cmp_ref);
    return r;
}

/* Projection id of net against the reference: every pre row, post rank, weight, delay and,
 * with a post index, the place of every post-major synapse. */
static int same_layout(ann_network *net, int id, const ann_csr *c, const ref_syn *ref,
                       int post_index)
{
    const annk_proj *k = ann_network_projection(net, id);
    if (k->nsyn != c->nsyn || k->pre_row[0] != 0 || k->pre_row[NPRE] != c->nsyn) return 0;
    int64_t e = 0;
    for (int32_t j = 0; j < NPRE; j++) {
        while (e < c->nsyn && ref[e].pre == j) e++;
        if (k->pre_row[j + 1] != e) return 0;
    }
    const double *w = k->attr[0];
    for (e = 0; e < c->nsyn; e++) {
        if (k->syn_post[e] != ref[e].post || w[e] != (double)ref[e].s + 0.5) return 0;
        if (c->delay && annk_delay(k, e) != ref[e].delay) return 0;
        if (post_index && k->post_syn[ref[e].s] != e) return 0;
    }
    return 1;
}

/* A network of the pre and the post population, spiking, one attribute each. */
static ann_network *two_populations(void)
{
    ann_status st = {0, ""};
    ann_network *net = ann_network_new(1.0, 5);
    ann_attr_spec spec = {ANN_TYPE_F64, 1};
    CHECK_TRUE(ann_network_add_population(net, NPRE, 1, &spec, 1, &st) == 0);
    CHECK_TRUE(ann_network_add_population(net, NPOST, 1, &spec, 1, &st) == 1);
    return net;
}

static void test_threads(int with_delays)
{
    ann_status st = {0, ""};
    ann_network *net = two_populations();
    ann_csr c;
    make_csr(&c, with_delays);
    CHECK(c.nsyn > 4 * 65536, "%lld synapses: too few for 4 threads", (long long)c.nsyn);
    ref_syn *ref = reference(&c);
    ann_proj_attr wattr = {ANN_TYPE_F64, ANN_LOC_LOCAL, 0.0};
    for (int32_t threads = 1; threads <= 4; threads++) {
        /* delays: post index kept; without: dropped */
        ann_proj_desc desc = {0, 1, 1, with_delays, with_delays ? ANN_DELAY_VARIABLE : ANN_DELAY_NONE,
                              1, 1, &wattr, 0, -1, NULL, 0, NULL, 0, 0, threads, 0};
        ann_csr k = copy_csr(&c);
        int id = ann_network_add_projection(net, &desc, &k, &st);
        CHECK(id == threads - 1, "add_projection on %d threads: %s", (int)threads, st.msg);
        if (id < 0) { ann_csr_free(&k); continue; }
        CHECK(same_layout(net, id, &c, ref, with_delays),
              "%d threads, %s: the layout differs from the serial one", (int)threads,
              with_delays ? "delays" : "no delays");
    }
    free(ref);
    ann_csr_free(&c);
    ann_network_free(net);
}

static void test_refused(void)
{
    ann_status st = {0, ""};
    ann_network *net = two_populations();
    ann_csr c;
    make_csr(&c, 0);
    c.pre_rank[c.nsyn / 2] = NPRE;
    ann_proj_attr wattr = {ANN_TYPE_F64, ANN_LOC_LOCAL, 0.0};
    ann_proj_desc desc = {0, 1, 1, 0, ANN_DELAY_NONE, 1, 1, &wattr, 0, -1, NULL, 0, NULL, 0, 0, 2, 0};
    CHECK_TRUE(ann_network_add_projection(net, &desc, &c, &st) < 0);
    CHECK(strcmp(st.msg, "a pre-synaptic rank of a projection is outside its population of "
                 "3000 neurons") == 0, "message: %s", st.msg);
    CHECK_TRUE(ann_network_projection_count(net) == 0);
    ann_csr_free(&c);
    ann_network_free(net);
}

int main(void)
{
    test_threads(1);
    test_threads(0);
    test_refused();
    return CHECK_SUMMARY();
}
