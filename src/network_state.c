/* The dynamic state of populations and projections: everything besides their attributes that
 * determines the network's future (the spikes and axonal spikes of the last step, last spike
 * times, refractory countdowns, firing-rate windows, results of global operations, delay
 * buffers and spikes in flight), read and written by the host so that a saved network
 * continues exactly.
 *
 * Each object has a list of named buffers of doubles (steps, ranks and counts are integers,
 * held exactly). Buffers whose length varies (spikes, spikes in flight) describe themselves:
 * a count followed by that many entries. History slots and events in flight are given by age
 * (0 = the newest, or the next to be delivered), so the physical position of a ring is not
 * part of the state. Writing checks the whole buffer against the object's structure before changing
 * anything. */
#include "elem.h"
#include "projection_internal.h"

#include <string.h>

enum {
    PS_SPIKED, PS_LAST_SPIKE, PS_REFR_LEFT, PS_RATE_WINDOW, PS_GOP, PS_HIST_VALUES,
    PS_HIST_SPIKES, PS_AXONAL, PS_COUNT
};
static const char *const POP_NAMES[PS_COUNT] = {
    "spiked", "last_spike", "refractory_left", "rate_window", "global_operations",
    "delayed_values", "delayed_spikes", "axonal"
};

static pop_hist *hist_of(const ann_network *net, int pop)
{
    const struct ann_projections *P = net->projs;
    if (!P || !P->hist || pop >= P->nhist || P->hist[pop].len == 0) return NULL;
    return &P->hist[pop];
}

static int hist_has_values(const pop_hist *h)
{
    for (int a = 0; h && h->want && a < h->nattr; a++) if (h->want[a]) return 1;
    return 0;
}

/* Whether population buffer b exists. */
static int pop_has(const ann_network *net, int pop, int b)
{
    const ann_pop *p = &net->pops[pop];
    const pop_hist *h = hist_of(net, pop);
    switch (b) {
    case PS_SPIKED: case PS_LAST_SPIKE: return p->spiking && p->k.last_spike != NULL;
    case PS_REFR_LEFT:   return p->k.refr_left != NULL;
    case PS_RATE_WINDOW: return p->rate_window > 0;
    case PS_GOP:         return p->ngops > 0;
    case PS_HIST_VALUES: return hist_has_values(h);
    case PS_HIST_SPIKES: return h && h->spikes;
    case PS_AXONAL:      return p->k.axonal != NULL;
    default:             return 0;
    }
}

/* The buffer index of the k-th existing buffer, -1 when none. */
static int pop_buffer(const ann_network *net, int pop, int k)
{
    for (int b = 0; b < PS_COUNT; b++) {
        if (!pop_has(net, pop, b)) continue;
        if (k-- == 0) return b;
    }
    return -1;
}

int32_t ann_population_state_count(const ann_network *net, int pop)
{
    int32_t n = 0;
    for (int b = 0; b < PS_COUNT; b++) n += pop_has(net, pop, b);
    return n;
}

const char *ann_population_state_name(const ann_network *net, int pop, int k)
{
    int b = pop_buffer(net, pop, k);
    return b < 0 ? NULL : POP_NAMES[b];
}

static int64_t hist_values_len(const ann_pop *p, const pop_hist *h)
{
    int64_t n = 0;
    for (int a = 0; a < h->nattr; a++)
        if (h->want[a]) n += (int64_t)h->len * (p->specs[a].local ? p->k.size : 1);
    return n;
}

int64_t ann_population_state_length(ann_network *net, int pop, int k)
{
    const ann_pop *p = &net->pops[pop];
    const pop_hist *h = hist_of(net, pop);
    int64_t n = 0;
    switch (pop_buffer(net, pop, k)) {
    case PS_SPIKED:      return p->k.nspiked;
    case PS_AXONAL:      return p->k.naxonal;
    case PS_LAST_SPIKE:
    case PS_REFR_LEFT:   return p->k.size;
    case PS_RATE_WINDOW: return (int64_t)p->k.size * (p->rate_window + 1);
    case PS_GOP:         return p->ngops;
    case PS_HIST_VALUES: return hist_values_len(p, h);
    case PS_HIST_SPIKES:
        for (int32_t s = 0; s < h->len; s++) n += 1 + h->spk_n[s];
        return n;
    default:             return -1;
    }
}

void ann_population_state_get(ann_network *net, int pop, int k, double *out)
{
    const ann_pop *p = &net->pops[pop];
    const pop_hist *h = hist_of(net, pop);
    int32_t size = p->k.size;
    int64_t o = 0;
    switch (pop_buffer(net, pop, k)) {
    case PS_SPIKED:
        for (int32_t s = 0; s < p->k.nspiked; s++) out[s] = p->k.spiked[s];
        break;
    case PS_AXONAL:
        for (int32_t s = 0; s < p->k.naxonal; s++) out[s] = p->k.axonal[s];
        break;
    case PS_LAST_SPIKE:
        for (int32_t i = 0; i < size; i++) out[i] = (double)p->k.last_spike[i];
        break;
    case PS_REFR_LEFT:
        for (int32_t i = 0; i < size; i++) out[i] = p->k.refr_left[i];
        break;
    case PS_RATE_WINDOW: {
        /* per neuron: the count, then the spike steps of the window, oldest first */
        int32_t W = p->rate_window;
        for (int32_t i = 0; i < size; i++) {
            int32_t head = p->rate_hist_n[2 * i], count = p->rate_hist_n[2 * i + 1];
            const int64_t *ring = &p->rate_hist[(size_t)i * (size_t)W];
            out[o++] = count;
            for (int32_t s = 0; s < W; s++) out[o++] = s < count ? (double)ring[(head + s) % W] : 0.0;
        }
        break;
    }
    case PS_GOP:
        memcpy(out, p->k.gop, (size_t)p->ngops * sizeof *out);
        break;
    case PS_HIST_VALUES:
        /* per delayed attribute (ascending index), per age (0 = the last step), the values */
        for (int a = 0; a < h->nattr; a++) {
            if (!h->want[a]) continue;
            int64_t n = p->specs[a].local ? size : 1;
            for (int32_t s = 0; s < h->len; s++) {
                const void *slot = h->slots[a][(p->k.hist_pos + s) % h->len];
                for (int64_t i = 0; i < n; i++) out[o++] = ann_load_elem(slot, p->specs[a].type, i);
            }
        }
        break;
    case PS_HIST_SPIKES:
        /* per age: the number of spikes, then the ranks */
        for (int32_t s = 0; s < h->len; s++) {
            int32_t slot = (p->k.hist_pos + s) % h->len;
            out[o++] = h->spk_n[slot];
            for (int32_t j = 0; j < h->spk_n[slot]; j++) out[o++] = h->spk[slot][j];
        }
        break;
    default:
        break;
    }
}

/* Steps are held exactly by doubles up to 2^53. */
#define STEP_MAX 9007199254740992.0

static int is_int_in(double v, double lo, double hi)
{
    return v >= lo && v <= hi && v == (double)(int64_t)v;
}

/* The spikes of one step: at most size ranks of 0..size-1. */
static int check_ranks(const double *in, int64_t n, int32_t size, ann_status *st, const char *what)
{
    if (n > size) return ann_fail(st, "%s: %lld spikes in a population of %d neurons", what,
                                  (long long)n, (int)size);
    for (int64_t s = 0; s < n; s++)
        if (!is_int_in(in[s], 0, size - 1))
            return ann_fail(st, "%s: %g is not a rank of a population of %d neurons", what, in[s],
                            (int)size);
    return 0;
}

static int pop_check(const ann_network *net, int pop, int b, const double *in, int64_t n,
                     ann_status *st)
{
    const ann_pop *p = &net->pops[pop];
    const pop_hist *h = hist_of(net, pop);
    int32_t size = p->k.size;
    const char *name = POP_NAMES[b];
    int64_t want = -1;
    switch (b) {
    case PS_SPIKED:
    case PS_AXONAL:      return check_ranks(in, n, size, st, name);
    case PS_LAST_SPIKE:
    case PS_REFR_LEFT:   want = size; break;
    case PS_RATE_WINDOW: want = (int64_t)size * (p->rate_window + 1); break;
    case PS_GOP:         want = p->ngops; break;
    case PS_HIST_VALUES: want = hist_values_len(p, h); break;
    default:             break;
    }
    if (b == PS_HIST_SPIKES) {
        int64_t o = 0;
        for (int32_t s = 0; s < h->len; s++) {
            if (o >= n || !is_int_in(in[o], 0, size) || o + 1 + (int64_t)in[o] > n)
                return ann_fail(st, "%s: not %d steps of spikes of a population of %d neurons "
                                "(the delays differ)", name, (int)h->len, (int)size);
            if (check_ranks(in + o + 1, (int64_t)in[o], size, st, name) != 0) return st->code;
            o += 1 + (int64_t)in[o];
        }
        if (o != n)
            return ann_fail(st, "%s: more than %d steps of spikes (the delays differ)", name,
                            (int)h->len);
        return 0;
    }
    if (n != want)
        return ann_fail(st, "%s: %lld values, the population keeps %lld (its structure differs)",
                        name, (long long)n, (long long)want);
    for (int64_t i = 0; i < n; i++) {
        int ok = 1;
        if (b == PS_LAST_SPIKE) ok = is_int_in(in[i], -STEP_MAX, STEP_MAX);
        else if (b == PS_REFR_LEFT) ok = is_int_in(in[i], 0, INT32_MAX);
        else if (b == PS_RATE_WINDOW)
            ok = i % (p->rate_window + 1) == 0 ? is_int_in(in[i], 0, p->rate_window)
                                                : is_int_in(in[i], -STEP_MAX, STEP_MAX);
        if (!ok) return ann_fail(st, "%s: value %lld (%g) is not valid", name, (long long)i, in[i]);
    }
    return 0;
}

int ann_population_state_set(ann_network *net, int pop, int k, const double *in, int64_t n,
                             int32_t check_only, ann_status *st)
{
    int b = pop_buffer(net, pop, k);
    if (b < 0) return ann_fail(st, "population %d has no state buffer %d", pop, k);
    if (pop_check(net, pop, b, in, n, st) != 0) return st->code;
    if (check_only) return 0;
    ann_pop *p = &net->pops[pop];
    pop_hist *h = hist_of(net, pop);
    int32_t size = p->k.size;
    int64_t o = 0;
    switch (b) {
    case PS_SPIKED:
        for (int64_t s = 0; s < n; s++) p->k.spiked[s] = (int32_t)in[s];
        p->k.nspiked = (int32_t)n;
        break;
    case PS_AXONAL:
        for (int64_t s = 0; s < n; s++) p->k.axonal[s] = (int32_t)in[s];
        p->k.naxonal = (int32_t)n;
        break;
    case PS_LAST_SPIKE:
        for (int32_t i = 0; i < size; i++) p->k.last_spike[i] = (int64_t)in[i];
        break;
    case PS_REFR_LEFT:
        for (int32_t i = 0; i < size; i++) p->k.refr_left[i] = (int32_t)in[i];
        break;
    case PS_RATE_WINDOW: {
        int32_t W = p->rate_window;
        for (int32_t i = 0; i < size; i++) {
            int64_t *ring = &p->rate_hist[(size_t)i * (size_t)W];
            p->rate_hist_n[2 * i] = 0;
            p->rate_hist_n[2 * i + 1] = (int32_t)in[o++];
            for (int32_t s = 0; s < W; s++) ring[s] = (int64_t)in[o++];
        }
        break;
    }
    case PS_GOP:
        memcpy(p->k.gop, in, (size_t)n * sizeof *in);
        break;
    case PS_HIST_VALUES:
        for (int a = 0; a < h->nattr; a++) {
            if (!h->want[a]) continue;
            int64_t m = p->specs[a].local ? size : 1;
            for (int32_t s = 0; s < h->len; s++) {
                void *slot = h->slots[a][(p->k.hist_pos + s) % h->len];
                for (int64_t i = 0; i < m; i++) ann_store_elem(slot, p->specs[a].type, i, in[o++]);
            }
        }
        break;
    case PS_HIST_SPIKES:
        for (int32_t s = 0; s < h->len; s++) {
            int32_t slot = (p->k.hist_pos + s) % h->len;
            int32_t cnt = (int32_t)in[o++];
            h->spk_n[slot] = cnt;
            for (int32_t j = 0; j < cnt; j++) h->spk[slot][j] = (int32_t)in[o++];
        }
        break;
    default:
        break;
    }
    return 0;
}

/* ---- projections: the spikes in flight of per-synapse delays (projection_flight.c) ---------- */

static const char *const FLIGHT_NAME = "spikes_in_flight";

static int proj_has_flights(const ann_network *net, int id)
{
    return sorted_by_delay(&net->projs->p[id]);
}

int32_t ann_projection_state_count(const ann_network *net, int id)
{
    return proj_has_flights(net, id);
}

const char *ann_projection_state_name(const ann_network *net, int id, int k)
{
    return k == 0 && proj_has_flights(net, id) ? FLIGHT_NAME : NULL;
}

/* The spikes in flight of the whole projection: gathered when divided (projection_divide.c). */
int64_t ann_projection_state_length(ann_network *net, int id, int k)
{
    if (k != 0 || !proj_has_flights(net, id)) return -1;
    return annp_flights_state_length(annp_host(net, id));
}

/* Per age (0 = delivered at the next step): the number of events, then (synapse, pre rank)
 * pairs; the synapse is its index in the projection's storage. */
void ann_projection_state_get(ann_network *net, int id, int k, double *out)
{
    if (k != 0 || !proj_has_flights(net, id)) return;
    annp_flights_state_get(annp_host(net, id), out);
}

int ann_projection_state_set(ann_network *net, int id, int k, const double *in, int64_t n,
                             int32_t check_only, ann_status *st)
{
    if (k != 0 || !proj_has_flights(net, id))
        return ann_fail(st, "projection %d has no state buffer %d", id, k);
    return annp_flights_state_set(annp_host(net, id), in, n, check_only, st);
}
