/* Spikes in flight through spiking projections with per-synapse delays. Each pre row is sorted
 * by delay (stably, so a run of one delay keeps ascending post ranks), so that the synapses a
 * spike reaches in one step are one contiguous run of its row. A spike is queued once, as a
 * flight with a cursor into its row; every step lists, for each flight (oldest first), the run
 * of synapses whose delay is the flight's age, and moves the cursor past it. The kernels
 * deliver these segments, each thread the part of each segment in its block of post neurons,
 * so the additions into one post neuron come in the same order for every thread count: by
 * spike (oldest first, then in the order of pre->spiked), then in storage order.
 *
 * A divided projection (projection_divide.c) holds only its process's part of each row: it
 * queues every spike and keeps each flight until the longest delay of the projection has
 * passed, whether its part of the row is empty or not, so that every process holds the same
 * flights and the whole projection, gathered, finds them all. */
#include "projection_internal.h"

#include <stdlib.h>
#include <string.h>

void annp_flights_free(ann_flights *f)
{
    free(f->f); free(f->seg);
    memset(f, 0, sizeof *f);
}

void annp_flights_clear(ann_flights *f)
{
    f->n = 0;
    f->nseg = 0;
    f->tick = 0;
}

/* Grows *buf (elements of `size` bytes, *cap of them) to hold `need`; -1 out of memory. */
static int reserve(void **buf, int64_t *cap, int64_t need, size_t size)
{
    if (need <= *cap) return 0;
    int64_t ncap = *cap ? 2 * *cap : 64;
    while (ncap < need) ncap *= 2;
    void *b = realloc(*buf, (size_t)ncap * size);
    if (!b) return -1;
    *buf = b;
    *cap = ncap;
    return 0;
}

/* The first synapse of [e0, e1) whose delay exceeds d (the row sorted by delay): galloping
 * from e0, then bisection. */
static int64_t run_end(const annk_proj *k, int64_t e0, int64_t e1, int32_t d)
{
    int64_t lo = e0, step = 1;
    while (lo + step < e1 && annk_delay(k, lo + step) <= d) { lo += step; step *= 2; }
    int64_t hi = lo + step < e1 ? lo + step : e1;
    lo++;
    while (lo < hi) {
        int64_t m = lo + (hi - lo) / 2;
        if (annk_delay(k, m) <= d) lo = m + 1; else hi = m;
    }
    return lo;
}

enum { PREFETCH_AHEAD = 8 };

int annp_flights_queue(ann_proj *p, const annk_pop *pre)
{
    ann_flights *f = &p->flights;
    const annk_proj *k = &p->k;
    int32_t n = pre->enabled ? pre->nspiked : 0;
    if (reserve((void **)&f->f, &f->cap, f->n + n, sizeof *f->f) != 0) return -1;
    for (int32_t s = 0; s < n; s++) {
        int32_t j = pre->spiked[s];
        int64_t e0 = k->pre_row[j], e1 = k->pre_row[j + 1];
        if (e0 == e1 && !p->divided) continue;
        f->f[f->n++] = (ann_flight){e0, e1, f->tick, j, e0 < e1 ? annk_delay(k, e0) : 0};
    }
    if (reserve((void **)&f->seg, &f->segcap, f->n, sizeof *f->seg) != 0) return -1;
    f->nseg = 0;
    int64_t kept = 0;
    for (int64_t i = 0; i < f->n; i++) {
#if defined(__GNUC__) && !defined(__TINYC__)
        /* the rows due a few flights ahead: their delays are read below */
        if (i + PREFETCH_AHEAD < f->n) {
            const ann_flight *a = &f->f[i + PREFETCH_AHEAD];
            if (a->next == (int32_t)(f->tick - a->tick0 + 1))
                __builtin_prefetch((const char *)k->delay + a->cursor * k->delay_bytes);
        }
#endif
        ann_flight fl = f->f[i];
        int32_t age = (int32_t)(f->tick - fl.tick0 + 1);
        if (fl.next == age) {
            int64_t e1 = run_end(k, fl.cursor, fl.end, age);
            f->seg[f->nseg++] = (annk_seg){fl.cursor, e1, fl.j, 0};
            fl.cursor = e1;
            if (e1 < fl.end) fl.next = annk_delay(k, e1);
        }
        if (fl.cursor < fl.end || (p->divided && age < k->max_delay)) f->f[kept++] = fl;
    }
    f->n = kept;
    return 0;
}

void annp_flights_advance(ann_flights *f)
{
    f->nseg = 0;
    f->tick++;
}

/* The first synapse of row j whose delay is at least d. */
static int64_t first_from(const annk_proj *k, int32_t j, int32_t d)
{
    int64_t lo = k->pre_row[j], hi = k->pre_row[j + 1];
    while (lo < hi) {
        int64_t m = lo + (hi - lo) / 2;
        if (annk_delay(k, m) < d) lo = m + 1; else hi = m;
    }
    return lo;
}

void annp_flights_rebase(ann_proj *p)
{
    ann_flights *f = &p->flights;
    int64_t kept = 0;
    for (int64_t i = 0; i < f->n; i++) {
        ann_flight fl = f->f[i];
        int32_t age = (int32_t)(f->tick - fl.tick0 + 1);
        fl.cursor = first_from(&p->k, fl.j, age);
        fl.end = p->k.pre_row[fl.j + 1];
        if (fl.cursor == fl.end && !(p->divided && age <= p->k.max_delay)) continue;
        fl.next = fl.cursor < fl.end ? annk_delay(&p->k, fl.cursor) : 0;
        f->f[kept++] = fl;
    }
    f->n = kept;
    f->nseg = 0;
}

/* ---- the state buffer ----------------------------------------------------------------------- */

/* Writes the events of the flights into out (NULL: only counts them) and returns the length:
 * at age s (delivered s steps after the next), each flight's run of delay age + s. */
static int64_t write_events(const ann_proj *p, double *out)
{
    const ann_flights *f = &p->flights;
    const annk_proj *k = &p->k;
    int64_t o = 0;
    for (int32_t s = 0; s < k->max_delay; s++) {
        int64_t head = o++, cnt = 0;
        for (int64_t i = 0; i < f->n; i++) {
            int32_t d = (int32_t)(f->tick - f->f[i].tick0 + 1) + s;
            int64_t e1 = first_from(k, f->f[i].j, d + 1);
            for (int64_t e = first_from(k, f->f[i].j, d); e < e1; e++, cnt++, o += 2) {
                if (!out) continue;
                out[o] = (double)e;
                out[o + 1] = f->f[i].j;
            }
        }
        if (out) out[head] = (double)cnt;
    }
    return o;
}

int64_t annp_flights_state_length(const ann_proj *p)
{
    return write_events(p, NULL);
}

void annp_flights_state_get(const ann_proj *p, double *out)
{
    write_events(p, out);
}

static int cmp_flight(const void *a, const void *b)
{
    const ann_flight *x = a, *y = b;
    if (x->tick0 != y->tick0) return x->tick0 < y->tick0 ? -1 : 1;
    return (x->j > y->j) - (x->j < y->j);
}

/* Reads the events of a state buffer back into flights: every event (e, j) at age s comes from
 * the spike of j queued at tick tick + s + 1 - delay(e); the flights, in order of their tick
 * and pre rank, must give back exactly the buffer (every synapse of the row it has yet to
 * reach, in storage order). check_only checks only what does not depend on the delays (the
 * layout, and that every event names a synapse of its pre neuron's row). */
int annp_flights_state_set(ann_proj *p, const double *in, int64_t n, int32_t check_only,
                           ann_status *st)
{
    static const char name[] = "spikes_in_flight";
    const annk_proj *k = &p->k;
    int64_t o = 0, nev = 0;
    for (int32_t s = 0; s < k->max_delay; s++) {
        if (o >= n || !(in[o] >= 0 && in[o] == (double)(int64_t)in[o]) || o + 1 + 2 * (int64_t)in[o] > n)
            return ann_fail(st, "%s: not %d steps of events (the delays differ)", name,
                            (int)k->max_delay);
        int64_t cnt = (int64_t)in[o++];
        for (int64_t i = 0; i < cnt; i++, o += 2) {
            double e = in[o], j = in[o + 1];
            if (!(e >= 0 && e < (double)k->nsyn && e == (double)(int64_t)e && j >= 0
                  && j < k->npre && j == (double)(int32_t)j)
                || (int64_t)e < k->pre_row[(int32_t)j] || (int64_t)e >= k->pre_row[(int32_t)j + 1])
                return ann_fail(st, "%s: event (%g, %g) is not a synapse of the projection",
                                name, e, j);
        }
        nev += cnt;
    }
    if (o != n)
        return ann_fail(st, "%s: more than %d steps of events (the delays differ)", name,
                        (int)k->max_delay);
    /* the rest depends on the delays, which a load restores after this check */
    if (check_only) return 0;
    int64_t o2 = 0;
    for (int32_t s = 0; s < k->max_delay; s++) {
        int64_t cnt = (int64_t)in[o2++];
        for (int64_t i = 0; i < cnt; i++, o2 += 2) {
            int32_t d = annk_delay(k, (int64_t)in[o2]);
            if (d < s + 2)
                return ann_fail(st, "%s: event (%g, %g) is due in %d steps, beyond its delay of "
                                "%d steps", name, in[o2], in[o2 + 1], s + 1, (int)d);
        }
    }
    /* one flight per (tick, pre rank), sorted; duplicates merged */
    ann_flight *fl = xmalloc(nev, sizeof *fl);
    if (!fl) return oom(st);
    int64_t nf = 0;
    o = 0;
    int64_t tick = p->flights.tick;
    for (int32_t s = 0; s < k->max_delay; s++) {
        int64_t cnt = (int64_t)in[o++];
        for (int64_t i = 0; i < cnt; i++, o += 2) {
            int64_t e = (int64_t)in[o];
            int32_t j = (int32_t)in[o + 1];
            fl[nf++] = (ann_flight){0, k->pre_row[j + 1], tick + s + 1 - annk_delay(k, e), j, 0};
        }
    }
    qsort(fl, (size_t)nf, sizeof *fl, cmp_flight);
    int64_t m = 0;
    for (int64_t i = 0; i < nf; i++)
        if (m == 0 || cmp_flight(&fl[m - 1], &fl[i]) != 0) fl[m++] = fl[i];
    ann_proj probe = *p;
    probe.flights.f = fl;
    probe.flights.n = m;
    probe.flights.cap = nev;
    for (int64_t i = 0; i < m; i++) {
        fl[i].cursor = first_from(k, fl[i].j, (int32_t)(tick - fl[i].tick0 + 1));
        fl[i].next = fl[i].cursor < fl[i].end ? annk_delay(k, fl[i].cursor) : 0;
    }
    int same = write_events(&probe, NULL) == n;
    double *back = same ? xmalloc(n, sizeof *back) : NULL;
    if (same && !back) { free(fl); return oom(st); }
    if (same) write_events(&probe, back);
    for (int64_t i = 0; same && i < n; i++) same = back[i] == in[i];
    free(back);
    if (!same) {
        free(fl);
        return ann_fail(st, "%s: the events are not those of whole spikes travelling along "
                        "the projection's delays", name);
    }
    if (reserve((void **)&p->flights.f, &p->flights.cap, m, sizeof *fl) != 0) {
        free(fl);
        return oom(st);
    }
    memcpy(p->flights.f, fl, (size_t)m * sizeof *fl);
    p->flights.n = m;
    p->flights.nseg = 0;
    free(fl);
    return 0;
}
