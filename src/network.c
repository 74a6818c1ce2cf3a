/* The network runtime: state of populations and monitors, the thread pool and the time loop.
 *
 * One step follows reference §6.1: transmission (sums zeroed, projections), recording of
 * sums and conductances, neuron updates with spike gathering, delay buffers, global
 * operations, synaptic updates, post-synaptic events, recording, t += 1. Kernels come from
 * the generated module; everything generic (global operations, delays, monitors, firing-rate
 * windows) is done here. A step in the steady state allocates nothing: monitor buffers grow
 * geometrically. */
#include "elem.h"
#include "annarchy.h"
#include "embed_internal.h"
#include "network_internal.h"
#include "status.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LAST_SPIKE_NONE (-10000)


ann_network *ann_network_new(double dt, uint64_t seed)
{
    ann_network *net = calloc(1, sizeof *net);
    if (!net) {
        ann_fail(NULL, "out of memory creating a network");
        return NULL;
    }
    net->dt = dt;
    net->seed = seed;
    net->threads = 1;
    if (ann_embed_attach(net) != 0) {
        free(net);
        return NULL;
    }
    return net;
}

static void pop_free(ann_pop *p)
{
    for (int k = 0; p->k.attr && k < p->k.nattr; k++) free(p->k.attr[k]);
    free(p->k.attr);
    free(p->specs);
    free(p->k.gop);
    free(p->gops);
    free(p->gop_part);
    free(p->sums);
    free(p->k.spiked);
    free(p->sent);
    free(p->k.last_spike);
    free(p->k.refr_left);
    free(p->k.refr_steps);
    free(p->rate_hist);
    free(p->rate_hist_n);
    for (int k = 0; k < p->k.next; k++) free(p->k.ext[k]);
    free(p->k.ext);
    free(p->k.ext_len);
    free(p->k.scratch);
    free(p->k.axonal);
    free(p->nfired);
}

void ann_network_free(ann_network *net)
{
    if (!net) return;
    ann_embed_detach(net);
    for (int i = 0; i < net->npops; i++) pop_free(&net->pops[i]);
    free(net->pops);
    for (int i = 0; i < net->nmons; i++) ann_monitor_free(NULL, net->mons[i]);
    free(net->mons);
    ann_projections_free(net);
    ann_pool_free(net->pool);
    free(net->cst);
    free(net);
}

double   ann_network_dt(const ann_network *net) { return net->dt; }
uint64_t ann_network_seed(const ann_network *net) { return net->seed; }
void     ann_network_set_seed(ann_network *net, uint64_t seed) { net->seed = seed; }
int64_t  ann_network_step_count(const ann_network *net) { return net->step; }
void     ann_network_set_step_count(ann_network *net, int64_t step) { net->step = step; }

int ann_network_add_constant(ann_network *net, double value)
{
    double *c = realloc(net->cst, (size_t)(net->ncst + 1) * sizeof *c);
    if (!c) return -ann_fail(NULL, "out of memory adding a constant");
    net->cst = c;
    net->cst[net->ncst] = value;
    return net->ncst++;
}

void ann_network_set_constant(ann_network *net, int k, double value)
{
    if (k >= 0 && k < net->ncst) net->cst[k] = value;
}

/* ---- populations ------------------------------------------------------------------------ */

int ann_network_add_population(ann_network *net, int32_t size, int32_t nattr,
                               const ann_attr_spec *attrs, int32_t spiking, ann_status *st)
{
    if (size <= 0) return -ann_fail(st, "a population needs at least one neuron");
    ann_pop *pops = realloc(net->pops, (size_t)(net->npops + 1) * sizeof *pops);
    if (!pops) return -ann_fail(st, "out of memory");
    net->pops = pops;
    ann_pop *p = &net->pops[net->npops];
    memset(p, 0, sizeof *p);
    p->k.size = size;
    p->k.enabled = 1;
    p->k.stream = (uint32_t)(net->npops + 1);
    p->k.nattr = nattr;
    p->spiking = spiking;
    p->k.attr = calloc((size_t)nattr + 1, sizeof *p->k.attr);
    p->specs = calloc((size_t)nattr + 1, sizeof *p->specs);
    int ok = p->k.attr && p->specs;
    for (int k = 0; ok && k < nattr; k++) {
        p->specs[k] = attrs[k];
        p->k.attr[k] = calloc(attrs[k].local ? (size_t)size : 1, ann_type_size(attrs[k].type));
        ok = p->k.attr[k] != NULL;
    }
    if (ok) {
        p->nfired = calloc((size_t)net->threads, sizeof *p->nfired);
        ok = p->nfired != NULL;
    }
    if (ok && spiking) {
        p->k.scratch = calloc((size_t)size + 8, 1);
        p->k.spiked = calloc((size_t)size, sizeof *p->k.spiked);
        p->k.last_spike = malloc((size_t)size * sizeof *p->k.last_spike);
        ok = p->k.spiked && p->k.last_spike && p->k.scratch;
        for (int32_t i = 0; ok && i < size; i++) p->k.last_spike[i] = LAST_SPIKE_NONE;
    }
    if (!ok) {
        pop_free(p);
        return -ann_fail(st, "out of memory allocating a population of %d neurons", size);
    }
    return net->npops++;
}

int32_t   ann_network_population_count(const ann_network *net) { return net->npops; }
annk_pop *ann_network_population(ann_network *net, int id) { return &net->pops[id].k; }
_Static_assert((int)ANN_TYPE_F64 == (int)ANNK_F64 && (int)ANN_TYPE_F32 == (int)ANNK_F32
               && (int)ANN_TYPE_I32 == (int)ANNK_I32 && (int)ANN_TYPE_BOOL == (int)ANNK_BOOL,
               "attribute types of the API and the kernel ABI");

int32_t ann_population_size(const ann_network *net, int pop) { return net->pops[pop].k.size; }
int32_t ann_population_attr_count(const ann_network *net, int pop) { return net->pops[pop].k.nattr; }
int32_t ann_population_enabled(const ann_network *net, int pop) { return net->pops[pop].k.enabled; }

void ann_population_set_enabled(ann_network *net, int pop, int32_t on)
{
    net->pops[pop].k.enabled = on != 0;
}

int32_t ann_population_ext_count(const ann_network *net, int pop) { return net->pops[pop].k.next; }

const double *ann_population_ext(const ann_network *net, int pop, int k, int64_t *n)
{
    const annk_pop *p = &net->pops[pop].k;
    *n = k >= 0 && k < p->next ? p->ext_len[k] : 0;
    return *n > 0 ? p->ext[k] : NULL;
}

double ann_population_gop(const ann_network *net, int pop, int index)
{
    return net->pops[pop].k.gop[index];
}

const int32_t *ann_population_spiked(const ann_network *net, int pop, int32_t *n)
{
    *n = net->pops[pop].k.nspiked;
    return net->pops[pop].k.spiked;
}

int32_t ann_population_refractory(const ann_network *net, int pop, int32_t rank)
{
    const int32_t *r = net->pops[pop].k.refr_steps;
    return r ? r[rank] : 0;
}

void ann_population_set_refractory(ann_network *net, int pop, int32_t rank, int32_t steps)
{
    int32_t *r = net->pops[pop].k.refr_steps;
    if (r) r[rank] = steps;
}

int32_t   ann_population_attr_type(const ann_network *net, int pop, int attr)
{
    return net->pops[pop].specs[attr].type;
}
int32_t   ann_population_attr_local(const ann_network *net, int pop, int attr)
{
    return net->pops[pop].specs[attr].local;
}

int ann_population_mark_sum(ann_network *net, int pop, int attr, ann_status *st)
{
    ann_pop *p = &net->pops[pop];
    int32_t *s = realloc(p->sums, (size_t)(p->nsums + 1) * sizeof *s);
    if (!s) return ann_fail(st, "out of memory");
    p->sums = s;
    p->sums[p->nsums++] = attr;
    return 0;
}

/* Global operations are reduced in fixed chunks of GOP_CHUNK neurons (a block of a thread is
 * made of whole chunks): each chunk's min, max or sum is computed by the thread owning it,
 * right after its neurons' update, and thread 0 combines the chunks in rank order. The result
 * is thus the same for every number of threads. */
#define GOP_CHUNK 256

static int32_t gop_chunks(const ann_pop *p) { return (p->k.size + GOP_CHUNK - 1) / GOP_CHUNK; }

int ann_population_add_gop(ann_network *net, int pop, int op, int attr, ann_status *st)
{
    ann_pop *p = &net->pops[pop];
    ann_gop *g = realloc(p->gops, (size_t)(p->ngops + 1) * sizeof *g);
    if (!g) return -ann_fail(st, "out of memory");
    p->gops = g;
    double *v = realloc(p->k.gop, (size_t)(p->ngops + 1) * sizeof *v);
    if (!v) return -ann_fail(st, "out of memory");
    p->k.gop = v;
    double *part = realloc(p->gop_part, (size_t)(p->ngops + 1) * (size_t)gop_chunks(p) * sizeof *part);
    if (!part) return -ann_fail(st, "out of memory");
    p->gop_part = part;
    p->gops[p->ngops].op = op;
    p->gops[p->ngops].attr = attr;
    p->k.gop[p->ngops] = 0.0;
    return p->ngops++;
}

int ann_population_enable_refractory(ann_network *net, int pop, ann_status *st)
{
    ann_pop *p = &net->pops[pop];
    if (p->k.refr_left) return 0;
    p->k.refr_left = calloc((size_t)p->k.size, sizeof *p->k.refr_left);
    p->k.refr_steps = calloc((size_t)p->k.size, sizeof *p->k.refr_steps);
    if (!p->k.refr_left || !p->k.refr_steps) {
        free(p->k.refr_left); free(p->k.refr_steps);
        p->k.refr_left = p->k.refr_steps = NULL;
        return ann_fail(st, "out of memory");
    }
    return 0;
}

int ann_population_set_rate_window(ann_network *net, int pop, int32_t window_steps, int r_attr,
                                   ann_status *st)
{
    ann_pop *p = &net->pops[pop];
    free(p->rate_hist); free(p->rate_hist_n);
    p->rate_hist = NULL; p->rate_hist_n = NULL;
    p->rate_window = 0;
    if (window_steps <= 0) return 0;
    /* per neuron, a ring of the spike steps of the last window (at most window_steps) */
    p->rate_hist = calloc((size_t)p->k.size * (size_t)window_steps, sizeof *p->rate_hist);
    p->rate_hist_n = calloc((size_t)p->k.size * 2, sizeof *p->rate_hist_n);
    if (!p->rate_hist || !p->rate_hist_n) {
        free(p->rate_hist); free(p->rate_hist_n);
        p->rate_hist = NULL; p->rate_hist_n = NULL;
        return ann_fail(st, "out of memory for the firing-rate window");
    }
    p->rate_window = window_steps;
    p->rate_attr = r_attr;
    return 0;
}

void ann_population_clear(ann_network *net, int pop)
{
    ann_pop *p = &net->pops[pop];
    p->k.nspiked = 0;
    p->k.naxonal = 0;
    if (p->k.last_spike)
        for (int32_t i = 0; i < p->k.size; i++) p->k.last_spike[i] = LAST_SPIKE_NONE;
    if (p->k.refr_left) memset(p->k.refr_left, 0, (size_t)p->k.size * sizeof *p->k.refr_left);
    if (p->rate_hist_n) memset(p->rate_hist_n, 0, (size_t)p->k.size * 2 * sizeof *p->rate_hist_n);
    /* delayed values start again from the current (initial) values, delayed spikes are gone */
    ann_projections_init_history(net, pop);
}

int ann_population_set_ext(ann_network *net, int pop, int k, const double *data, int64_t n,
                           ann_status *st)
{
    annk_pop *p = &net->pops[pop].k;
    if (k < 0 || k > 64) return ann_fail(st, "extension buffer %d out of range", k);
    if (k >= p->next) {
        double **ext = realloc(p->ext, (size_t)(k + 1) * sizeof *ext);
        if (!ext) return ann_fail(st, "out of memory");
        p->ext = ext;
        int64_t *len = realloc(p->ext_len, (size_t)(k + 1) * sizeof *len);
        if (!len) return ann_fail(st, "out of memory");
        p->ext_len = len;
        for (int j = p->next; j <= k; j++) { p->ext[j] = NULL; p->ext_len[j] = 0; }
        p->next = k + 1;
    }
    double *buf = malloc((size_t)(n > 0 ? n : 1) * sizeof *buf);
    if (!buf) return ann_fail(st, "out of memory for %lld values", (long long)n);
    if (n > 0) memcpy(buf, data, (size_t)n * sizeof *buf);
    free(p->ext[k]);
    p->ext[k] = buf;
    p->ext_len[k] = n;
    return 0;
}

double ann_population_get(const ann_network *net, int pop, int attr, int64_t i)
{
    const ann_pop *p = &net->pops[pop];
    return ann_load_elem(p->k.attr[attr], p->specs[attr].type, p->specs[attr].local ? i : 0);
}

void ann_population_set(ann_network *net, int pop, int attr, int64_t i, double v)
{
    ann_pop *p = &net->pops[pop];
    ann_store_elem(p->k.attr[attr], p->specs[attr].type, p->specs[attr].local ? i : 0, v);
}

/* ---- kernels ---------------------------------------------------------------------------- */

int ann_network_bind(ann_network *net, const ann_module *m, ann_status *st)
{
    char name[64];
    for (int i = 0; i < net->npops; i++) {
        ann_pop *p = &net->pops[i];
        snprintf(name, sizeof name, "annk_pop%d_global", i);
        *(void **)&p->global = ann_module_symbol(m, name);
        snprintf(name, sizeof name, "annk_pop%d_update", i);
        *(void **)&p->update = ann_module_symbol(m, name);
        snprintf(name, sizeof name, "annk_pop%d_spike", i);
        *(void **)&p->spike = ann_module_symbol(m, name);
        snprintf(name, sizeof name, "annk_pop%d_stop", i);
        *(void **)&p->stop = ann_module_symbol(m, name);
        if (!p->update)
            return ann_fail(st, "the kernels of population %d are missing", i);
        /* a model with axonal spikes: its spike kernel lists them (annk_pop.axonal) */
        snprintf(name, sizeof name, "annk_pop%d_axonal", i);
        if (ann_module_symbol(m, name) && !p->k.axonal) {
            p->k.axonal = calloc((size_t)p->k.size, sizeof *p->k.axonal);
            if (!p->k.axonal)
                return ann_fail(st, "out of memory for the axonal spikes of population %d", i);
        }
    }
    if (ann_projections_bind(net, m, st) != 0) return st->code;
    net->bound = 1;
    return 0;
}

/* ---- threads ---------------------------------------------------------------------------- */

int32_t ann_cpu_count(void) { return ann_pool_cpu_count(); }

int32_t ann_network_threads(const ann_network *net) { return net->threads; }

void ann_network_set_divide_synapses(ann_network *net, int32_t on) { net->divide = on != 0; }
int32_t ann_network_divide_synapses(const ann_network *net) { return net->divide; }

int ann_network_set_threads(ann_network *net, int32_t n, ann_status *st)
{
    if (n < 1 || n > 1024)
        return ann_fail(st, "the number of threads must be between 1 and 1024, not %d", (int)n);
    if (n == net->threads) return 0;
    int32_t **nfired = calloc((size_t)net->npops + 1, sizeof *nfired);
    int ok = nfired != NULL;
    for (int i = 0; ok && i < net->npops; i++) {
        nfired[i] = calloc((size_t)n, sizeof **nfired);
        ok = nfired[i] != NULL;
    }
    ann_pool *pool = NULL;
    if (ok && n > 1) {
        pool = ann_pool_new(n);
        ok = pool != NULL;
    }
    if (!ok) {
        for (int i = 0; nfired && i < net->npops; i++) free(nfired[i]);
        free(nfired);
        return ann_fail(st, "cannot start %d threads", (int)n);
    }
    ann_pool_free(net->pool);
    net->pool = pool;
    net->threads = n;
    for (int i = 0; i < net->npops; i++) {
        free(net->pops[i].nfired);
        net->pops[i].nfired = nfired[i];
    }
    free(nfired);
    return 0;
}

void ann_partition(int32_t size, int32_t t, int32_t nthreads, int32_t *begin, int32_t *end)
{
    ann_block(size, t, nthreads, begin, end);
}

int ann_network_is_bound(const ann_network *net) { return net->bound; }

/* ---- the step --------------------------------------------------------------------------- */

/* The partial results of the chunks of neurons [b, e) (b a multiple of GOP_CHUNK). */
static void gop_partials(ann_pop *p, int32_t b, int32_t e)
{
    int32_t nc = gop_chunks(p);
    for (int g = 0; g < p->ngops; g++) {
        const void *a = p->k.attr[p->gops[g].attr];
        int32_t type = p->specs[p->gops[g].attr].type;
        double *part = p->gop_part + (size_t)g * (size_t)nc;
        for (int32_t c0 = b; c0 < e; c0 += GOP_CHUNK) {
            int32_t c1 = e - c0 < GOP_CHUNK ? e : c0 + GOP_CHUNK;
            double acc;
            switch (p->gops[g].op) {
            case ANN_GOP_MIN:
                acc = ann_load_elem(a, type, c0);
                for (int32_t i = c0 + 1; i < c1; i++) { double x = ann_load_elem(a, type, i); if (x < acc) acc = x; }
                break;
            case ANN_GOP_MAX:
                acc = ann_load_elem(a, type, c0);
                for (int32_t i = c0 + 1; i < c1; i++) { double x = ann_load_elem(a, type, i); if (x > acc) acc = x; }
                break;
            case ANN_GOP_MEAN:
                acc = 0;
                for (int32_t i = c0; i < c1; i++) acc += ann_load_elem(a, type, i);
                break;
            case ANN_GOP_NORM1:
                acc = 0;
                for (int32_t i = c0; i < c1; i++) acc += fabs(ann_load_elem(a, type, i));
                break;
            default:
                acc = 0;
                for (int32_t i = c0; i < c1; i++) { double x = ann_load_elem(a, type, i); acc += x * x; }
                break;
            }
            part[c0 / GOP_CHUNK] = acc;
        }
    }
}

/* Combines the chunks in rank order (min and max as a scan from the first chunk, sums from
 * zero). */
static void gop_combine(ann_pop *p)
{
    int32_t nc = gop_chunks(p);
    for (int g = 0; g < p->ngops; g++) {
        const double *part = p->gop_part + (size_t)g * (size_t)nc;
        int op = p->gops[g].op;
        double acc = op == ANN_GOP_MIN || op == ANN_GOP_MAX ? part[0] : 0.0;
        for (int32_t c = op == ANN_GOP_MIN || op == ANN_GOP_MAX ? 1 : 0; c < nc; c++) {
            if (op == ANN_GOP_MIN) { if (part[c] < acc) acc = part[c]; }
            else if (op == ANN_GOP_MAX) { if (part[c] > acc) acc = part[c]; }
            else acc += part[c];
        }
        if (op == ANN_GOP_MEAN) acc /= p->k.size;
        else if (op == ANN_GOP_NORM2) acc = sqrt(acc);
        p->k.gop[g] = acc;
    }
}

/* The windowed mean firing rate of reference §6.4: r = 1000/window_ms * spikes in window. */
static void update_rate_window(ann_pop *p, const annk_ctx *ctx)
{
    int32_t W = p->rate_window;
    for (int32_t s = 0; s < p->k.nspiked; s++) {
        int32_t i = p->k.spiked[s];
        int32_t *head = &p->rate_hist_n[2 * i], *count = &p->rate_hist_n[2 * i + 1];
        int64_t *ring = &p->rate_hist[(size_t)i * (size_t)W];
        ring[(*head + *count) % W] = ctx->step;
        if (*count < W) (*count)++; else *head = (*head + 1) % W;
    }
    double scale = 1000.0 / ((double)W * ctx->dt);
    for (int32_t i = 0; i < p->k.size; i++) {
        int32_t *head = &p->rate_hist_n[2 * i], *count = &p->rate_hist_n[2 * i + 1];
        int64_t *ring = &p->rate_hist[(size_t)i * (size_t)W];
        while (*count > 0 && ring[*head] <= ctx->step - W) {
            *head = (*head + 1) % W;
            (*count)--;
        }
        ann_store_elem(p->k.attr[p->rate_attr], p->specs[p->rate_attr].type, i, scale * *count);
    }
}

static void zero_sums(ann_pop *p, int32_t b, int32_t e)
{
    for (int s = 0; s < p->nsums; s++) {
        int k = p->sums[s];
        size_t sz = ann_type_size(p->specs[k].type);
        memset((char *)p->k.attr[k] + (size_t)b * sz, 0, (size_t)(e - b) * sz);
    }
}

/* Denormal numbers are flushed to zero while the network runs (DESIGN rule 4): decaying
 * variables otherwise slow the kernels down by orders of magnitude near zero. The host's
 * floating-point mode is restored afterwards. */
#if defined(__SSE2__)
#include <xmmintrin.h>
typedef unsigned int fp_mode;
static fp_mode fp_fast_begin(void)
{
    fp_mode old = _mm_getcsr();
    _mm_setcsr(old | 0x8040u);   /* FTZ (bit 15) and DAZ (bit 6) */
    return old;
}
static void fp_fast_end(fp_mode old) { _mm_setcsr(old); }
#else
typedef int fp_mode;
static fp_mode fp_fast_begin(void) { return 0; }
static void fp_fast_end(fp_mode old) { (void)old; }
#endif

static int stop_conditions_hold(ann_network *net, int until, const int32_t *pops, int32_t npops,
                                const annk_ctx *ctx)
{
    int any = 0, all = 1;
    for (int32_t i = 0; i < npops; i++) {
        ann_pop *p = &net->pops[pops[i]];
        int holds = p->stop ? p->stop(&p->k, ctx) : 0;
        any |= holds;
        all &= holds;
    }
    return until == ANN_UNTIL_OR ? any : all;
}

/* One run on the pool: every thread runs the steps, each on its blocks of neurons
 * (ann_block), with a barrier wherever a phase reads what another thread wrote; thread 0 alone
 * runs the phases that are not split (between barriers). Shared by several processes, thread t
 * of this process is worker w0 + t of W (network_procs.c), and thread 0 exchanges with the
 * other processes what the next phase reads. */
typedef struct run_state {
    ann_network *net;
    int64_t nsteps, n;
    int until;
    const int32_t *pops;
    int32_t npops;
    int go;                 /* thread 0's decision before each step */
    int interrupted;
    int serial_transmit, serial_learn, queue, globals, learn;
    int phase_b;            /* phase B has work: monitors of sums, global equations */
    int overlap;            /* transmission overlaps other threads' updates (overlap_init) */
    atomic_int queue_next;  /* the next projection to queue spikes of (ann_projections_queue) */
    int w0, W;              /* this process's first worker, workers of every process */
    ann_procs *dist;         /* NULL with one process */
} run_state;

static void barrier(const ann_network *net)
{
    if (net->pool) ann_pool_barrier(net->pool);
}

void ann_network_record_fault(ann_network *net, const char *what, const char *name,
                              const annk_ctx *ctx)
{
    if (net->record_fault.code) return;
    net->record_fault.code = 1;
    snprintf(net->record_fault.msg, sizeof net->record_fault.msg,
             "%s \"%s\": out of memory growing its buffer at step %lld (the records of that step "
             "are missing); the run stopped after that step", what, name, (long long)ctx->step);
}

/* Thread 0, between steps: whether to run another one. */
static void decide(run_state *r)
{
    ann_network *net = r->net;
    int stop = r->dist ? ann_procs_interrupted(r->dist)
                       : net->interrupt || net->record_fault.code;
    r->go = r->n < r->nsteps && !stop;
    if (r->n < r->nsteps && stop) r->interrupted = 1;
    atomic_store_explicit(&r->queue_next, 0, memory_order_relaxed);
}

/* The spikes of thread blocks, written at p->spiked + block start, moved together in rank
 * order. */
static void gather_spikes(ann_pop *p, int T, int w0, int W)
{
    int32_t ns = 0;
    for (int t = 0; t < T; t++) {
        int32_t b, e;
        ann_block(p->k.size, w0 + t, W, &b, &e);
        if (p->nfired[t] > 0 && b != ns)
            memmove(p->k.spiked + ns, p->k.spiked + b, (size_t)p->nfired[t] * sizeof *p->k.spiked);
        ns += p->nfired[t];
    }
    p->k.nspiked = ns;
}

/* The axonal spikes of thread blocks, written at p->axonal + block start and ended by -1 when
 * shorter than the block, moved together in rank order. */
static void gather_axonal(ann_pop *p, int T, int w0, int W)
{
    int32_t na = 0;
    for (int t = 0; t < T; t++) {
        int32_t b, e;
        ann_block(p->k.size, w0 + t, W, &b, &e);
        for (int32_t i = b; i < e && p->k.axonal[i] >= 0; i++) p->k.axonal[na++] = p->k.axonal[i];
    }
    p->k.naxonal = na;
}

/* Neurons per call of the update and the spike test: the spike test reads what the update just
 * wrote while it is still in the cache. A multiple of ANNK_CHUNK (the chunk of the buffered
 * random draws), so that the chunks of draws are the same. */
enum { UPDATE_CHUNK = 2048 };

/* C, D: the update and the spike test of the block [b, e) of thread t, chunk by chunk; the
 * spikes of each chunk (written at its start) are moved after those of the chunks before. */
static void update_and_test(ann_pop *p, const annk_ctx *ctx, int t, int32_t b, int32_t e)
{
    /* axonal spikes are listed per call, ended by -1: one call for the block */
    int32_t chunk = p->k.axonal ? e - b : UPDATE_CHUNK;
    int32_t nf = 0;
    for (int32_t c0 = b; c0 < e; c0 += chunk) {
        int32_t c1 = e - c0 < chunk ? e : c0 + chunk;
        p->update(&p->k, ctx, c0, c1);
        if (!p->spike) continue;
        int32_t k = p->spike(&p->k, ctx, c0, c1);
        if (k > 0 && c0 != b + nf)
            memmove(p->k.spiked + b + nf, p->k.spiked + c0, (size_t)k * sizeof *p->k.spiked);
        nf += k;
    }
    p->nfired[t] = nf;
}

static void step(run_state *r, int t, int T, const annk_ctx *ctx)
{
    ann_network *net = r->net;
    /* A: transmission (each thread into its own blocks: zeroing and sums need no barrier) */
    for (int i = 0; i < net->npops; i++) {
        ann_pop *p = &net->pops[i];
        if (!p->k.enabled || !p->nsums) continue;
        int32_t b, e;
        ann_block(p->k.size, r->w0 + t, r->W, &b, &e);
        zero_sums(p, b, e);
    }
    /* the spikes of the last step enter the per-synapse delay queues, projections in parallel */
    if (r->queue) ann_projections_queue(net, &r->queue_next);
    if (r->serial_transmit) {
        barrier(net);
        if (t == 0) {
            /* every process computes every sum, from zero */
            for (int i = 0; r->dist && i < net->npops; i++)
                if (net->pops[i].k.enabled) zero_sums(&net->pops[i], 0, net->pops[i].k.size);
            ann_projections_transmit(net, ctx, 0, r->W, r->W);
        }
    } else {
        if (r->queue) barrier(net);
        ann_projections_transmit(net, ctx, r->w0 + t, 1, r->W);
    }
    /* Each thread transmits into the blocks it updates next: no barrier unless the kernels
     * read pre neurons that other threads update, or phase B reads every block */
    if (!r->overlap) barrier(net);
    /* B: record sums and conductances; the rings move on; global equations */
    if (t == 0) {
        if (r->queue) ann_projections_advance(net);
        if (r->dist) ann_procs_gather_monitored(r->dist, net, ctx->step, 1);
        for (int m = 0; m < net->nmons; m++) ann_monitor_record(net->mons[m], net, ctx, 1);
        for (int i = 0; i < net->npops; i++) {
            ann_pop *p = &net->pops[i];
            if (p->k.enabled && p->global) p->global(&p->k, ctx);
        }
    }
    if (r->phase_b) barrier(net);
    /* C+D: neuron updates and spikes, block by block; random draws are keyed by (seed,
     * object, element, step) inside the kernels */
    for (int i = 0; i < net->npops; i++) {
        ann_pop *p = &net->pops[i];
        if (!p->k.enabled) continue;
        int32_t b, e;
        ann_block(p->k.size, r->w0 + t, r->W, &b, &e);
        if (b >= e) { p->nfired[t] = 0; continue; }
        update_and_test(p, ctx, t, b, e);
        /* F (part): global operations of the block; a firing-rate window changes r later */
        if (p->ngops && !p->rate_window) gop_partials(p, b, e);
    }
    barrier(net);
    if (t == 0) {
        for (int i = 0; i < net->npops; i++) {
            ann_pop *p = &net->pops[i];
            if (!p->k.enabled || !p->spike) continue;
            gather_spikes(p, T, r->w0, r->W);
            if (r->overlap)
                memcpy(p->sent, p->k.spiked, (size_t)p->k.nspiked * sizeof *p->sent);
            if (p->k.axonal) gather_axonal(p, T, r->w0, r->W);
        }
        if (r->dist) ann_procs_exchange(r->dist, net, ctx);
        for (int i = 0; i < net->npops; i++) {
            ann_pop *p = &net->pops[i];
            if (p->k.enabled && p->spike && p->rate_window) update_rate_window(p, ctx);
        }
        /* E: delay buffers */
        ann_projections_push_delays(net, ctx);
        /* F: global operations, read by the next step */
        for (int i = 0; i < net->npops; i++) {
            ann_pop *p = &net->pops[i];
            if (!p->k.enabled || !p->ngops) continue;
            if (p->rate_window) gop_partials(p, 0, p->k.size);
            gop_combine(p);
        }
        ann_projections_learn_global(net, ctx);
    }
    /* G, H: synaptic updates and post-synaptic events */
    if (r->learn) {
        barrier(net);
        if (!r->serial_learn) ann_projections_learn(net, ctx, r->w0 + t, 1, r->W);
        else if (t == 0) ann_projections_learn(net, ctx, 0, r->W, r->W);
        barrier(net);
    }
    if (t == 0 && r->dist) ann_procs_gather_linked(r->dist, net);
    /* I: structural plasticity, recorders; J: recording */
    if (t == 0) {
        ann_projections_finish(net, ctx);
        if (r->dist) ann_procs_gather_monitored(r->dist, net, ctx->step, 0);
        for (int m = 0; m < net->nmons; m++) ann_monitor_record(net->mons[m], net, ctx, 0);
        net->step++;
    }
}

static void run_steps(void *arg, int t)
{
    run_state *r = arg;
    ann_network *net = r->net;
    int T = net->threads;
    fp_mode mode = fp_fast_begin();
    if (t == 0) decide(r);
    barrier(net);
    while (r->go) {
        annk_ctx ctx = {net->step, net->dt, (double)net->step * net->dt, net->seed, net->cst};
        step(r, t, T, &ctx);
        if (t == 0) {
            r->n++;
            if (r->until != ANN_UNTIL_NONE && stop_conditions_hold(net, r->until, r->pops, r->npops, &ctx))
                r->nsteps = r->n;
            decide(r);
        }
        barrier(net);
    }
    fp_fast_end(mode);
}

/* Whether threads may transmit spikes while others already update their neurons (one barrier
 * less per step): when every transmission kernel reads of the pre neurons only their spike
 * list, and phase B has nothing to read. The kernels then read a copy of the list made when it
 * is gathered (ann_pop.sent), since the spike phase of thread 0 writes into the list itself. */
static void overlap_init(run_state *r)
{
    ann_network *net = r->net;
    r->overlap = net->threads > 1 && ann_mpi_size() <= 1 && !r->phase_b && !r->queue
                 && !r->serial_transmit && !ann_projections_needs(net, ANNP_READS_PRE);
    for (int i = 0; r->overlap && i < net->npops; i++) {
        ann_pop *p = &net->pops[i];
        if (!p->k.spiked) continue;
        if (!p->sent) p->sent = malloc((size_t)(p->k.size > 0 ? p->k.size : 1) * sizeof *p->sent);
        if (!p->sent) r->overlap = 0;      /* the barrier instead: the same results */
        else memcpy(p->sent, p->k.spiked, (size_t)p->k.nspiked * sizeof *p->sent);
    }
}

static void run_state_init(run_state *r, ann_network *net, int64_t nsteps)
{
    memset(r, 0, sizeof *r);
    r->net = net;
    r->nsteps = nsteps;
    r->until = ANN_UNTIL_NONE;
    r->W = net->threads;
    int parallel = net->threads > 1 || ann_mpi_size() > 1;
    r->serial_transmit = parallel && ann_projections_needs(net, ANNP_SERIAL_TRANSMIT);
    r->serial_learn = parallel && ann_projections_needs(net, ANNP_SERIAL_LEARN);
    r->queue = ann_projections_needs(net, ANNP_QUEUE);
    r->learn = ann_projections_needs(net, ANNP_LEARN);
    for (int i = 0; i < net->npops; i++) r->globals |= net->pops[i].global != NULL;
    r->phase_b = r->globals;
    for (int m = 0; m < net->nmons; m++) r->phase_b |= ann_monitor_in_phase_b(net->mons[m]);
    overlap_init(r);
}

static void run(run_state *r)
{
    ann_network *net = r->net;
    if (net->pool) ann_pool_run(net->pool, run_steps, r);
    else run_steps(r, 0);
}

int ann_network_run(ann_network *net, int64_t nsteps, int until, const int32_t *pops,
                    int32_t npops, int64_t *done, ann_status *st)
{
    if (!net->bound) return ann_fail(st, "the network is not compiled yet");
    net->interrupt = 0;
    net->record_fault.code = 0;
    run_state r;
    run_state_init(&r, net, nsteps);
    r.until = until;
    r.pops = pops;
    r.npops = npops;
    if (ann_procs_begin(net, until != ANN_UNTIL_NONE ? pops : NULL,
                       until != ANN_UNTIL_NONE ? npops : 0, &r.dist, st) != 0)
        return st->code;
    if (r.dist) {
        r.w0 = ann_procs_first_worker(r.dist);
        r.W = ann_procs_workers(r.dist);
    }
    net->dist = r.dist;
    net->transmit_sent = r.overlap;
    run(&r);
    if (r.dist) ann_procs_end(r.dist, net);
    net->dist = NULL;
    net->transmit_sent = 0;
    ann_procs_free(r.dist, net);
    if (done) *done = r.n;
    if (net->record_fault.code) {
        net->record_fault.code = 0;
        return ann_fail(st, "%s", net->record_fault.msg);
    }
    return r.interrupted ? ann_fail(st, "interrupted") : 0;
}

void ann_network_interrupt(ann_network *net)
{
    net->interrupt = 1;
}
