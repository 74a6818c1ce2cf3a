/* Runs shared by several processes (docs/distributed.md): what they exchange so that each
 * ends every phase of the step holding what the next phase reads.
 *
 * Every thread of every process is one worker: process r with T_r threads owns the workers
 * sum(T_q, q < r) ... + T_r - 1 of W = sum(T_q), and with them a contiguous range of every
 * population (ann_blocks), the synapses reaching it included. Per step, after the neuron
 * updates, one collective gathers each process's spikes and axonal spikes (in rank order,
 * since ranges are contiguous and ordered), the attributes other processes read (pre-synaptic
 * attributes of the kernels, delayed values, every attribute of populations a serial
 * projection or a stop condition reads) and the partial results of the global operations,
 * which every process then combines in chunk order. Monitors and projection recorders gather what they record on the
 * steps they record; structural plasticity gathers its projection first. At the end of a run
 * every process holds the whole state, so that reads, writes and saves from the script (run
 * the same on every process) need no exchange. */
#include "comm.h"
#include "elem.h"
#include "projection_internal.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

struct ann_procs {
    const ann_transport *tp;
    int32_t K, rank;
    int32_t w0, T, W;        /* this process: workers w0 .. w0 + T - 1 of W */
    int32_t *first, *nthr;   /* [K] each process's first worker and thread count */
    uint8_t **share;         /* [npops][nattr] attributes exchanged at every step */
    uint8_t **want;          /* [npops][nattr] scratch: what monitors record at a step */
    uint8_t  *linked;        /* [nprojs] synapses gathered at every step (read by a Copy) */
    int32_t *counts, *displs;/* [K] bytes */
    int64_t *lo, *hi, *slo, *shi; /* [K] scratch: ranges of each process */
    int64_t *fixed;          /* [K] bytes each process sends at every step besides spikes */
    int32_t  nax;            /* npops when some population has axonal spikes, else 0 */
    int32_t *nspk;           /* [K][npops + nax + 1] spikes and axonal spikes found by each
                                process, interruption */
    int32_t interrupted;     /* some process was interrupted before the last exchange */
    int64_t  room, room_max;  /* bytes for spikes in a slot; all the spikes of a process */
    int64_t  slot;           /* bytes of each process's message */
    char    *send, *recv;    /* this process's message; every process's slot */
    char    *over, *scratch; /* spikes beyond the slots; one process's spikes together */
};

/* The room for spikes in a step's message at the start of a run (bytes; small, so that the
 * tests pass through the second collective: tests/mpi/networks.lua's COBA at its first step). */
#define SPIKE_ROOM 256

/* The neurons of a population of n that process r updates. */
static void range_of(const ann_procs *d, int32_t n, int32_t r, int32_t *b, int32_t *e)
{
    if (d->nthr[r] == 0) { *b = *e = 0; return; }
    ann_blocks(n, d->first[r], d->nthr[r], d->W, b, e);
}

static void fatal(const char *what)
{
    fprintf(stderr, "annlua (process %d): %s\n", (int)ann_mpi_rank(), what);
    ann_mpi_abort(1);
}

static void check_bytes(int64_t n)
{
    if (n > INT_MAX) fatal("more than 2 GB to exchange in one collective");
}

/* Gathers elements [b_r, e_r) * elem bytes of array a from every process r, in place. */
static void gather_ranges(ann_procs *d, void *a, size_t elem, const int64_t *b, const int64_t *e)
{
    for (int32_t r = 0; r < d->K; r++) {
        check_bytes((e[r] - b[r]) * (int64_t)elem);
        check_bytes(b[r] * (int64_t)elem);
        d->counts[r] = (int32_t)((e[r] - b[r]) * (int64_t)elem);
        d->displs[r] = (int32_t)(b[r] * (int64_t)elem);
    }
    d->tp->allgatherv(NULL, d->counts[d->rank], a, d->counts, d->displs);
}

/* Gathers a per-neuron array of population p (elem bytes per neuron). */
static void gather_neurons(ann_procs *d, ann_network *net, int pop, void *a, size_t elem)
{
    for (int32_t r = 0; r < d->K; r++) {
        int32_t rb, re;
        range_of(d, net->pops[pop].k.size, r, &rb, &re);
        d->lo[r] = rb; d->hi[r] = re;
    }
    gather_ranges(d, a, elem, d->lo, d->hi);
}

static size_t attr_bytes(const ann_pop *p, int a) { return ann_type_size(p->specs[a].type); }

/* Local attributes of a population (those set in want, all with NULL) from their owners. */
static void gather_population(ann_procs *d, ann_network *net, int pop, const uint8_t *want)
{
    ann_pop *p = &net->pops[pop];
    for (int a = 0; a < p->k.nattr; a++)
        if (p->specs[a].local && (!want || want[a]))
            gather_neurons(d, net, pop, p->k.attr[a], attr_bytes(p, a));
}

void ann_procs_gather_monitored(ann_procs *d, ann_network *net, int64_t step, int phase_b)
{
    int any = 0;
    for (int m = 0; m < net->nmons; m++) any |= ann_monitor_due(net->mons[m], step, phase_b, d->want);
    if (!any) return;
    for (int i = 0; i < net->npops; i++) {
        int some = 0;
        for (int a = 0; a < net->pops[i].k.nattr; a++) some |= d->want[i][a];
        if (some) gather_population(d, net, i, d->want[i]);
        memset(d->want[i], 0, (size_t)net->pops[i].k.nattr);
    }
}

/* ---- the run ---------------------------------------------------------------------------- */

/* Whether a projection's kernels may change its synapses on every process apart (gathering a
 * projection every process computed whole copies the same values). */
static int changes_apart(const ann_proj *p)
{
    return p->plastic || p->update || p->post_event;
}

static void mark_all(ann_procs *d, const ann_network *net, int pop)
{
    for (int a = 0; a < net->pops[pop].k.nattr; a++) d->share[pop][a] = 1;
}

/* What other processes read at every step (only local attributes are exchanged). */
static void mark_shared(ann_procs *d, const ann_network *net, const int32_t *stop, int32_t nstop)
{
    const struct ann_projections *P = net->projs;
    int serial = 0;
    for (int32_t i = 0; P && i < P->n; i++) serial |= P->p[i].serial;
    for (int32_t i = 0; P && i < P->n; i++) {
        const ann_proj *p = &P->p[i];
        for (int32_t k = 0; k < p->npre_read; k++) d->share[p->pre][p->pre_read[k]] = 1;
        for (int32_t k = 0; k < p->ndelayed; k++) d->share[p->pre][p->delayed[k]] = 1;
        /* with a serial kernel, the phase runs every projection on every process over every
         * post neuron */
        if (serial) { mark_all(d, net, p->pre); mark_all(d, net, p->post); }
        /* a Copy or a Transpose reads its linked projection's synapses at every step */
        for (int32_t j = 0; p->k.link && j < P->n; j++)
            if (p->k.link == &P->p[j].k && changes_apart(&P->p[j])) d->linked[j] = 1;
    }
    for (int i = 0; i < net->npops; i++) {
        const ann_pop *p = &net->pops[i];
        /* a firing-rate window's global operations are computed over the whole population */
        for (int g = 0; p->rate_window && g < p->ngops; g++) d->share[i][p->gops[g].attr] = 1;
    }
    for (int32_t i = 0; i < nstop; i++) mark_all(d, net, stop[i]);
}

/* Populations that run in this step (enabled stays as it is during a run). */
static int exchanged(const ann_pop *p) { return p->k.enabled; }

/* Populations whose spikes of the step are exchanged (those the step gathers). */
static int fires(const ann_pop *p) { return p->k.enabled && p->spike; }

/* Populations whose axonal spikes of the step are exchanged. */
static int fires_axonal(const ann_pop *p) { return fires(p) && p->k.axonal; }

/* Bytes of a message's head: the counts of spikes (and of axonal spikes), the interruption. */
static int64_t head_bytes(const ann_procs *d, const ann_network *net)
{
    return (int64_t)(net->npops + d->nax + 1) * 4;
}

/* Bytes process r sends at every step besides its spikes. */
static int64_t fixed_bytes(const ann_procs *d, const ann_network *net, int32_t r)
{
    int64_t n = 0;
    for (int i = 0; i < net->npops; i++) {
        const ann_pop *p = &net->pops[i];
        if (!exchanged(p)) continue;
        int32_t b, e;
        range_of(d, p->k.size, r, &b, &e);
        for (int a = 0; a < p->k.nattr; a++)
            if (d->share[i][a] && p->specs[a].local) n += (int64_t)(e - b) * (int64_t)attr_bytes(p, a);
        if (p->ngops && !p->rate_window && e > b)
            n += (int64_t)p->ngops * ((e - 1) / 256 - b / 256 + 1) * (int64_t)sizeof(double);
    }
    return n;
}

void ann_procs_free(ann_procs *d, const ann_network *net)
{
    if (!d) return;
    for (int i = 0; d->share && i < net->npops; i++) free(d->share[i]);
    for (int i = 0; d->want && i < net->npops; i++) free(d->want[i]);
    free(d->share); free(d->want); free(d->linked);
    free(d->first); free(d->nthr); free(d->counts); free(d->displs); free(d->fixed); free(d->nspk);
    free(d->lo); free(d->hi); free(d->slo); free(d->shi);
    free(d->send); free(d->recv); free(d->over); free(d->scratch);
    free(d);
}

/* The message of a process at every step is one slot, of the same size for all (a single
 * collective of fixed size): its spike counts and interruption flag, the fixed part, then its
 * spikes up to the slot's end. Spikes that do not fit follow in a second collective, and the
 * room for spikes then grows to twice the largest message seen (every process sees the same
 * counts, so all grow alike). */
static void size_slot(ann_procs *d, const ann_network *net)
{
    int64_t fixed = 0;
    for (int32_t r = 0; r < d->K; r++) if (d->fixed[r] > fixed) fixed = d->fixed[r];
    int64_t slot = head_bytes(d, net) + fixed + d->room;
    d->slot = (slot + 7) / 8 * 8;
    check_bytes(d->slot * d->K);
}

/* Before a run: each projection divided (net->divide, annp_divisible) holds the synapses of
 * this process's post neurons, the others the whole. */
static int divide_projections(ann_procs *d, ann_network *net, ann_status *st)
{
    for (int32_t i = 0; net->projs && i < net->projs->n; i++) {
        ann_proj *p = proj_at(net, i);
        int32_t lo, hi;
        range_of(d, p->k.npost, d->rank, &lo, &hi);
        int want = net->divide && annp_divisible(net, i);
        if (p->divided && (!want || p->own_lo != lo || p->own_hi != hi)
            && annp_gather_whole(p, st) != 0)
            return st->code;
        if (want && !p->divided && annp_keep_posts(p, lo, hi, st) != 0) fatal(st->msg);
    }
    return 0;
}

int ann_procs_begin(ann_network *net, const int32_t *stop, int32_t nstop, ann_procs **out,
                   ann_status *st)
{
    *out = NULL;
    const ann_transport *tp = ann_comm();
    if (tp->size == 1) return 0;
    ann_procs *d = calloc(1, sizeof *d);
    if (!d) return ann_fail(st, "out of memory");
    d->tp = tp;
    d->K = tp->size;
    d->rank = tp->rank;
    for (int i = 0; i < net->npops; i++) if (net->pops[i].k.axonal) d->nax = net->npops;
    d->first = calloc((size_t)d->K, sizeof *d->first);
    d->nthr = calloc((size_t)d->K, sizeof *d->nthr);
    d->counts = calloc((size_t)d->K, sizeof *d->counts);
    d->displs = calloc((size_t)d->K, sizeof *d->displs);
    d->fixed = calloc((size_t)d->K, sizeof *d->fixed);
    d->lo = calloc((size_t)d->K, sizeof *d->lo);
    d->hi = calloc((size_t)d->K, sizeof *d->hi);
    d->slo = calloc((size_t)d->K, sizeof *d->slo);
    d->shi = calloc((size_t)d->K, sizeof *d->shi);
    d->nspk = calloc((size_t)d->K * (size_t)(net->npops + d->nax + 2), sizeof *d->nspk);
    d->share = calloc((size_t)net->npops + 1, sizeof *d->share);
    d->want = calloc((size_t)net->npops + 1, sizeof *d->want);
    d->linked = calloc((size_t)(net->projs ? net->projs->n : 0) + 1, 1);
    int ok = d->first && d->nthr && d->counts && d->displs && d->fixed && d->nspk && d->share
             && d->linked
             && d->lo && d->hi && d->slo && d->shi
             && d->want;
    for (int i = 0; ok && i < net->npops; i++) {
        d->share[i] = calloc((size_t)net->pops[i].k.nattr + 1, 1);
        d->want[i] = calloc((size_t)net->pops[i].k.nattr + 1, 1);
        ok = d->share[i] && d->want[i];
    }
    if (!ok) { ann_procs_free(d, net); return ann_fail(st, "out of memory"); }
    /* processes may run different numbers of threads: workers are numbered across them */
    int32_t T = net->threads;
    tp->allgather(&T, sizeof T, d->nthr);
    for (int32_t r = 0; r < d->K; r++) {
        d->first[r] = d->W;
        d->W += d->nthr[r];
    }
    d->w0 = d->first[d->rank];
    d->T = T;
    if (divide_projections(d, net, st) != 0) { ann_procs_free(d, net); return st->code; }
    mark_shared(d, net, stop, nstop);
    /* the largest message: every attribute and partial, and every neuron spiking */
    for (int32_t r = 0; r < d->K; r++) d->fixed[r] = fixed_bytes(d, net, r);
    for (int i = 0; i < net->npops; i++)
        d->room_max += (int64_t)net->pops[i].k.size * (net->pops[i].k.axonal ? 8 : 4);
    check_bytes(d->room_max);
    d->room = d->room_max < SPIKE_ROOM ? d->room_max : SPIKE_ROOM;
    size_slot(d, net);
    int64_t head = head_bytes(d, net);
    d->send = malloc((size_t)(head + d->fixed[d->rank] + d->room_max) + 8);
    d->recv = malloc((size_t)(d->slot * d->K));
    d->over = malloc((size_t)d->room_max + 8);
    d->scratch = malloc((size_t)d->room_max + 8);
    if (!d->send || !d->recv || !d->over || !d->scratch) {
        ann_procs_free(d, net);
        return ann_fail(st, "out of memory");
    }
    *out = d;
    return 0;
}

int32_t ann_procs_first_worker(const ann_procs *d) { return d->w0; }
int32_t ann_procs_workers(const ann_procs *d) { return d->W; }
int32_t ann_procs_interrupted(const ann_procs *d) { return d->interrupted; }

/* ---- the step ---------------------------------------------------------------------------- */

/* Packs (pack != 0) or unpacks the fixed part of process r's message at buf; returns its
 * end. */
static char *move_fixed(ann_procs *d, ann_network *net, int32_t r, char *buf, int pack)
{
    for (int i = 0; i < net->npops; i++) {
        ann_pop *p = &net->pops[i];
        if (!exchanged(p)) continue;
        int32_t b, e;
        range_of(d, p->k.size, r, &b, &e);
        if (e <= b) continue;
        for (int a = 0; a < p->k.nattr; a++) {
            if (!d->share[i][a] || !p->specs[a].local) continue;
            size_t sz = attr_bytes(p, a), n = (size_t)(e - b) * sz;
            char *at = (char *)p->k.attr[a] + (size_t)b * sz;
            if (pack) memcpy(buf, at, n); else memcpy(at, buf, n);
            buf += n;
        }
        if (p->ngops && !p->rate_window) {
            int32_t c0 = b / 256, nc = (e - 1) / 256 - c0 + 1, chunks = (p->k.size + 255) / 256;
            for (int g = 0; g < p->ngops; g++) {
                double *part = p->gop_part + (size_t)g * (size_t)chunks + c0;
                size_t n = (size_t)nc * sizeof *part;
                if (pack) memcpy(buf, part, n); else memcpy(part, buf, n);
                buf += n;
            }
        }
    }
    return buf;
}

void ann_procs_exchange(ann_procs *d, ann_network *net, const annk_ctx *ctx)
{
    /* counts: spikes of each population [0, np), axonal spikes [np, np + nax), interruption */
    int32_t np = net->npops, na = d->nax, lists = np + na, stride = lists + 1;
    int64_t head = head_bytes(d, net);
    int32_t *mine = d->nspk + (size_t)d->rank * (size_t)stride;
    for (int i = 0; i < np; i++) {
        const ann_pop *p = &net->pops[i];
        mine[i] = fires(p) ? p->k.nspiked : 0;
        if (na) mine[np + i] = fires_axonal(p) ? p->k.naxonal : 0;
    }
    mine[lists] = net->interrupt != 0 || net->record_fault.code != 0;
    memcpy(d->send, mine, (size_t)head);
    char *spk = move_fixed(d, net, d->rank, d->send + head, 1), *end = spk;
    for (int l = 0; l < lists; l++) {
        const ann_pop *p = &net->pops[l % np];
        memcpy(end, l < np ? p->k.spiked : p->k.axonal, (size_t)mine[l] * 4);
        end += (size_t)mine[l] * 4;
    }
    d->tp->allgather(d->send, (int32_t)d->slot, d->recv);
    int64_t over = 0, largest = 0;
    for (int32_t r = 0; r < d->K; r++) {
        int32_t *c = d->nspk + (size_t)r * (size_t)stride;
        memcpy(c, d->recv + r * d->slot, (size_t)head);
        d->interrupted |= c[lists];
        int64_t n = 0, room = d->slot - head - d->fixed[r];
        for (int l = 0; l < lists; l++) n += (int64_t)c[l] * 4;
        if (n > largest) largest = n;
        d->counts[r] = (int32_t)(n > room ? n - room : 0);
        d->displs[r] = (int32_t)over;
        over += d->counts[r];
    }
    if (over > 0) {
        int64_t room = d->slot - head - d->fixed[d->rank];
        d->tp->allgatherv(spk + room, d->counts[d->rank], d->over, d->counts, d->displs);
    }
    for (int i = 0; i < np; i++) {
        if (fires(&net->pops[i])) net->pops[i].k.nspiked = 0;
        if (fires_axonal(&net->pops[i])) net->pops[i].k.naxonal = 0;
    }
    for (int32_t r = 0; r < d->K; r++) {
        const char *buf = spk;
        if (r != d->rank) {
            char *at = move_fixed(d, net, r, d->recv + r * d->slot + head, 0);
            buf = at;
            if (d->counts[r] > 0) {
                int64_t room = d->slot - head - d->fixed[r];
                memcpy(d->scratch, at, (size_t)room);
                memcpy(d->scratch + room, d->over + d->displs[r], (size_t)d->counts[r]);
                buf = d->scratch;
            }
        }
        const int32_t *c = d->nspk + (size_t)r * (size_t)stride;
        for (int l = 0; l < lists; l++) {
            ann_pop *p = &net->pops[l % np];
            int32_t n = c[l];
            if (n == 0) continue;
            int32_t *count = l < np ? &p->k.nspiked : &p->k.naxonal;
            int32_t *to = (l < np ? p->k.spiked : p->k.axonal) + *count;
            memcpy(to, buf, (size_t)n * sizeof *to);
            buf += (size_t)n * sizeof *to;
            if (r != d->rank && l < np)
                for (int32_t k = 0; k < n; k++) p->k.last_spike[to[k]] = ctx->step;
            *count += n;
        }
    }
    if (over > 0) {
        d->room = 2 * largest < d->room_max ? 2 * largest : d->room_max;
        size_slot(d, net);
        char *recv = realloc(d->recv, (size_t)(d->slot * d->K));
        if (!recv) fatal("out of memory for the spikes of the processes");
        d->recv = recv;
    }
}

/* ---- projections and the end of a run ------------------------------------------------------ */


/* Gathers the per-synapse and per-dendrite attributes of projection id: each process's
 * dendrites (ascending post rank) are one range, their synapses one range of the post-major
 * order. */
static void gather_synapses(ann_procs *d, ann_network *net, int id)
{
    ann_proj *p = proj_at(net, id);
    if (p->k.ndend == 0 || !changes_apart(p) || p->divided) return;
    if (annp_ensure_view(p) != 0) fatal("out of memory gathering a projection");
    int64_t *db = d->lo, *de = d->hi, *sb = d->slo, *se = d->shi;
    for (int32_t r = 0; r < d->K; r++) {
        int32_t ib, ie, d0, d1;
        range_of(d, p->k.npost, r, &ib, &ie);
        int32_t lo = 0, hi = p->k.ndend;
        while (lo < hi) { int32_t m = lo + (hi - lo) / 2; if (p->k.post_rank[m] < ib) lo = m + 1; else hi = m; }
        d0 = lo;
        hi = p->k.ndend;
        while (lo < hi) { int32_t m = lo + (hi - lo) / 2; if (p->k.post_rank[m] < ie) lo = m + 1; else hi = m; }
        d1 = lo;
        db[r] = d0; de[r] = d1;
        sb[r] = p->k.row[d0]; se[r] = p->k.row[d1];
    }
    void *tmp = NULL;
    for (int a = 0; a < p->k.nattr; a++) {
        size_t sz = ann_type_size(p->specs[a].type);
        char *arr = p->k.attr[a];
        if (p->specs[a].locality == ANN_LOC_SEMIGLOBAL) {
            gather_ranges(d, arr, sz, db, de);
        } else if (p->specs[a].locality == ANN_LOC_LOCAL) {
            if (!p->pre_major) { gather_ranges(d, arr, sz, sb, se); continue; }
            /* pre-major storage: through the post-major order */
            if (!tmp && !(tmp = malloc((size_t)p->k.nsyn * 8 + 8)))
                fatal("out of memory gathering a projection");
            for (int64_t k = sb[d->rank]; k < se[d->rank]; k++)
                memcpy((char *)tmp + k * (int64_t)sz, arr + storage_of(p, k) * (int64_t)sz, sz);
            gather_ranges(d, tmp, sz, sb, se);
            for (int64_t k = 0; k < p->k.nsyn; k++)
                memcpy(arr + storage_of(p, k) * (int64_t)sz, (char *)tmp + k * (int64_t)sz, sz);
        }
    }
    free(tmp);
}

void ann_procs_gather_projection(ann_procs *d, ann_network *net, int id)
{
    const ann_proj *p = proj_at(net, id);
    gather_population(d, net, p->pre, NULL);
    if (p->post != p->pre) gather_population(d, net, p->post, NULL);
    gather_synapses(d, net, id);
}

void ann_procs_gather_linked(ann_procs *d, ann_network *net)
{
    for (int32_t i = 0; net->projs && i < net->projs->n; i++)
        if (d->linked[i]) gather_synapses(d, net, i);
}

void ann_procs_end(ann_procs *d, ann_network *net)
{
    for (int i = 0; i < net->npops; i++) {
        ann_pop *p = &net->pops[i];
        gather_population(d, net, i, NULL);
        if (p->k.refr_left) gather_neurons(d, net, i, p->k.refr_left, sizeof *p->k.refr_left);
    }
    const struct ann_projections *P = net->projs;
    for (int32_t i = 0; P && i < P->n; i++)
        gather_synapses(d, net, i);
}
