/* The pre-major order of post-major synapses, built on a pool of threads (projection_internal.h,
 * annp_order_*): a counting sort by pre rank. Dendrites are cut into shares of about equal
 * synapse counts, in ascending order; share t counts its synapses per pre neuron, and the
 * exclusive prefix sums over (pre neuron, share) give each share the place of its first
 * synapse in every pre row. Filling the rows share by share keeps each row in ascending
 * dendrite order, exactly as one thread walking the dendrites in order: the order does not
 * depend on the number of threads. Rows may then be sorted stably by delay. A last walk gives
 * every post-major synapse its final place, and each array is then moved into the final
 * order by one pass over the post-major synapses, reading sequentially and writing at random
 * places (prefetched ahead). */
#include "pool.h"
#include "projection_internal.h"

#include <stdint.h>
#include <string.h>

enum { ORDER_MAX_SHARES = 64, ORDER_MIN_SHARE = 65536 };

struct annp_order {
    int n;                      /* shares, one per thread */
    ann_pool *pool;             /* NULL with one share */
    int32_t npre, ndend;
    int64_t nsyn;
    const int64_t *row;         /* post-major: dendrite d holds row[d] .. row[d+1]-1 */
    const int32_t *pre_rank;    /* post-major; not read after annp_order_place */
    int32_t dend[ORDER_MAX_SHARES + 1];   /* share t: dendrites [dend[t], dend[t+1]) */
    int64_t *pre_row;           /* [npre + 1] */
    int64_t *base;              /* [n][npre]: the first place of share t in pre row j */
    int64_t *cur;               /* [n][npre]: cursors of a walk */
    int32_t *slot;              /* NULL, or [nsyn]: after the sort by delay, the place in its
                                   row of the synapse filled at e */
    uint32_t *place32;          /* the final place of every post-major synapse: place32 when */
    int64_t *place64;           /* nsyn fits 32 bits, else place64 */
};

/* The final place of post-major synapse s (after annp_order_place). */
#define PLACE(o, s) ((o)->place32 ? (int64_t)(o)->place32[s] : (o)->place64[s])

/* ---- passes ------------------------------------------------------------------------------- */

enum pass_kind { PASS_COUNT, PASS_KEYS, PASS_SORT_DELAYS, PASS_PLACE, PASS_MOVE, PASS_POST_RANK };

typedef struct pass {
    annp_order *o;
    enum pass_kind kind;
    const void *src;            /* KEYS: delays; MOVE: post-major values; POST_RANK: post ranks */
    void *dst;                  /* KEYS, SORT_DELAYS, MOVE, POST_RANK: the array filled */
    size_t size;                /* MOVE: bytes per value */
    int32_t delay_bytes;        /* SORT_DELAYS: bytes per delay of dst */
    int failed[ORDER_MAX_SHARES];
} pass;

/* How far ahead the passes prefetch (synapses): the cursor of s + 4 PREFETCH, then what the
 * cursor of s + PREFETCH points to. The random writes of the passes are their whole cost. */
enum { PREFETCH = 16 };

static void count_share(annp_order *o, int t, int *failed)
{
    int64_t *cnt = o->base + (size_t)t * (size_t)o->npre;
    int64_t last = o->row[o->dend[t + 1]];
    for (int64_t s = o->row[o->dend[t]]; s < last; s++) {
        if (s + PREFETCH < last && (uint32_t)o->pre_rank[s + PREFETCH] < (uint32_t)o->npre)
            __builtin_prefetch(&cnt[o->pre_rank[s + PREFETCH]], 1);
        int32_t j = o->pre_rank[s];
        if (j < 0 || j >= o->npre) { *failed = 1; return; }
        cnt[j]++;
    }
}

/* The walk of share t through the rows: every synapse s of the share, in post-major order,
 * takes the next place e of its pre row j (in the order of filling); ahead[e] is prefetched
 * (ahead: an array of the order of filling, or NULL). */
#define WALK(o, t, ahead, body)                                                                \
    do {                                                                                       \
        int64_t *cur_ = (o)->cur + (size_t)(t) * (size_t)(o)->npre;                            \
        const int32_t *pr_ = (o)->pre_rank;                                                    \
        int64_t first_ = (o)->row[(o)->dend[t]], last_ = (o)->row[(o)->dend[(t) + 1]];         \
        memcpy(cur_, (o)->base + (size_t)(t) * (size_t)(o)->npre,                              \
               (size_t)(o)->npre * sizeof *cur_);                                              \
        for (int64_t s = first_; s < last_; s++) {                                             \
            if (s + 4 * PREFETCH < last_) __builtin_prefetch(&cur_[pr_[s + 4 * PREFETCH]], 1); \
            if ((ahead) && s + PREFETCH < last_)                                               \
                __builtin_prefetch(&(ahead)[cur_[pr_[s + PREFETCH]]], 1);                      \
            int32_t j = pr_[s];                                                                \
            int64_t e = cur_[j]++;                                                             \
            body;                                                                              \
        }                                                                                      \
    } while (0)

/* The delays in the order of filling. */
static void keys_share(const pass *ps, int t)
{
    annp_order *o = ps->o;
    const int32_t *delay = ps->src;
    int32_t *key = ps->dst;
    WALK(o, t, key, key[e] = delay[s]; (void)j);
}

/* The final place of every synapse. */
static void place_share(annp_order *o, int t)
{
    if (o->slot) {
        const int64_t *pre_row = o->pre_row;
        const int32_t *slot = o->slot;
        /* pre_row[j] is a random read too: prefetched with the slot */
#define PRE_ROW_AHEAD() if (s + PREFETCH < last_) __builtin_prefetch(&pre_row[pr_[s + PREFETCH]])
        if (o->place32) WALK(o, t, slot, PRE_ROW_AHEAD(); o->place32[s] = (uint32_t)(pre_row[j] + slot[e]));
        else WALK(o, t, slot, PRE_ROW_AHEAD(); o->place64[s] = pre_row[j] + slot[e]);
#undef PRE_ROW_AHEAD
    } else {
        if (o->place32) WALK(o, t, (const int32_t *)NULL, o->place32[s] = (uint32_t)e; (void)j);
        else WALK(o, t, (const int32_t *)NULL, o->place64[s] = e; (void)j);
    }
}

/* dst[place of s] = value for every synapse s of share t (d its dendrite), the place of
 * s + PREFETCH prefetched. */
#define SCATTER(o, t, dst, value)                                                              \
    do {                                                                                       \
        int64_t last_ = (o)->row[(o)->dend[(t) + 1]];                                          \
        for (int32_t d = (o)->dend[t]; d < (o)->dend[(t) + 1]; d++) {                          \
            for (int64_t s = (o)->row[d]; s < (o)->row[d + 1]; s++) {                          \
                if (s + PREFETCH < last_) __builtin_prefetch(&(dst)[PLACE(o, s + PREFETCH)], 1); \
                (dst)[PLACE(o, s)] = (value);                                                  \
            }                                                                                  \
        }                                                                                      \
    } while (0)

static void move_share(const pass *ps, int t)
{
    annp_order *o = ps->o;
    switch (ps->size) {
    case 8: {
        const uint64_t *src = ps->src;
        uint64_t *dst = ps->dst;
        SCATTER(o, t, dst, src[s]);
        break;
    }
    case 4: {
        const uint32_t *src = ps->src;
        uint32_t *dst = ps->dst;
        SCATTER(o, t, dst, src[s]);
        break;
    }
    case 1: {
        const uint8_t *src = ps->src;
        uint8_t *dst = ps->dst;
        SCATTER(o, t, dst, src[s]);
        break;
    }
    default: {
        const char *src = ps->src;
        char *dst = ps->dst;
        size_t sz = ps->size;
        for (int64_t s = o->row[o->dend[t]]; s < o->row[o->dend[t + 1]]; s++)
            memcpy(dst + (size_t)PLACE(o, s) * sz, src + (size_t)s * sz, sz);
        break;
    }
    }
}

/* ---- the sort of the rows by delay -------------------------------------------------------- */

/* Per-thread scratch of the row sort. */
typedef struct row_scratch {
    int32_t *ord, *tmp;
    int64_t *count;
    int64_t ncount;
} row_scratch;

/* Stable sort of the positions ord[0, n) by key[ord[.]] (bottom-up merge, tmp of n). */
static void merge_sort_by(int32_t *ord, int32_t *tmp, int32_t n, const int32_t *key)
{
    for (int32_t w = 1; w < n; w *= 2) {
        for (int32_t lo = 0; lo < n; lo += 2 * w) {
            int32_t mid = n - lo > w ? lo + w : n, hi = n - lo > 2 * w ? lo + 2 * w : n;
            int32_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi) tmp[o++] = key[ord[b]] < key[ord[a]] ? ord[b++] : ord[a++];
            while (a < mid) tmp[o++] = ord[a++];
            while (b < hi) tmp[o++] = ord[b++];
        }
        memcpy(ord, tmp, (size_t)n * sizeof *ord);
    }
}

/* Row [r0, r0 + n) of key (its delays in the order of filling): writes the delays, stably
 * sorted, to out and replaces each key by the place of its synapse in the sorted row. 1 when
 * out of memory. */
static int sort_row(int32_t *key, int32_t n, void *out, int32_t bytes, row_scratch *sc)
{
    int32_t lo = 0, hi = 0;
    int sorted = 1;
    for (int32_t e = 0; e < n; e++) {
        if (e == 0 || key[e] < lo) lo = key[e];
        if (e == 0 || key[e] > hi) hi = key[e];
        if (e > 0 && key[e] < key[e - 1]) sorted = 0;
    }
    if (sorted) {
        for (int32_t e = 0; e < n; e++) {
            annp_store_delay(out, bytes, e, key[e]);
            key[e] = e;
        }
        return 0;
    }
    int64_t range = (int64_t)hi - lo + 1;
    if (range <= (int64_t)n + 256) {
        /* counting sort over the row's delays */
        if (range + 1 > sc->ncount) {
            int64_t *c = realloc(sc->count, (size_t)(range + 1) * sizeof *c);
            if (!c) return 1;
            sc->count = c;
            sc->ncount = range + 1;
        }
        memset(sc->count, 0, (size_t)(range + 1) * sizeof *sc->count);
        for (int32_t e = 0; e < n; e++) sc->count[key[e] - lo + 1]++;
        for (int64_t v = 0; v < range; v++) sc->count[v + 1] += sc->count[v];
        for (int32_t e = 0; e < n; e++) sc->ord[sc->count[key[e] - lo]++] = e;
    } else {
        for (int32_t e = 0; e < n; e++) sc->ord[e] = e;
        merge_sort_by(sc->ord, sc->tmp, n, key);
    }
    for (int32_t i = 0; i < n; i++) annp_store_delay(out, bytes, i, key[sc->ord[i]]);
    for (int32_t i = 0; i < n; i++) key[sc->ord[i]] = i;
    return 0;
}

/* The first of the n ranges of starts[0..n] (ascending) that starts at x or later (n if
 * none): the first pre row or dendrite of a share of the synapses. */
static int32_t first_starting(const int64_t *starts, int32_t n, int64_t x)
{
    int32_t lo = 0, hi = n;
    while (lo < hi) {
        int32_t mid = lo + (hi - lo) / 2;
        if (starts[mid] < x) lo = mid + 1; else hi = mid;
    }
    return lo;
}

static void sort_share(pass *ps, int t)
{
    annp_order *o = ps->o;
    int32_t j0 = first_starting(o->pre_row, o->npre, o->nsyn * t / o->n);
    int32_t j1 = t == o->n - 1 ? o->npre : first_starting(o->pre_row, o->npre, o->nsyn * (t + 1) / o->n);
    int64_t longest = 0;
    for (int32_t j = j0; j < j1; j++)
        if (o->pre_row[j + 1] - o->pre_row[j] > longest) longest = o->pre_row[j + 1] - o->pre_row[j];
    row_scratch sc = {xmalloc(longest, sizeof *sc.ord), xmalloc(longest, sizeof *sc.tmp), NULL, 0};
    int ok = sc.ord && sc.tmp;
    char *out = ps->dst;
    for (int32_t j = j0; ok && j < j1; j++) {
        int64_t r0 = o->pre_row[j];
        ok = !sort_row(o->slot + r0, (int32_t)(o->pre_row[j + 1] - r0),
                       out + (size_t)r0 * (size_t)ps->delay_bytes, ps->delay_bytes, &sc);
    }
    free(sc.ord); free(sc.tmp); free(sc.count);
    ps->failed[t] = !ok;
}

/* ---- the driver --------------------------------------------------------------------------- */

static void run_share(void *arg, int t)
{
    pass *ps = arg;
    annp_order *o = ps->o;
    switch (ps->kind) {
    case PASS_COUNT:
        count_share(o, t, &ps->failed[t]);
        break;
    case PASS_KEYS:
        keys_share(ps, t);
        break;
    case PASS_SORT_DELAYS:
        sort_share(ps, t);
        break;
    case PASS_PLACE:
        place_share(o, t);
        break;
    case PASS_MOVE:
        move_share(ps, t);
        break;
    case PASS_POST_RANK: {
        const int32_t *post_rank = ps->src;
        int32_t *dst = ps->dst;
        SCATTER(o, t, dst, post_rank[d]);
        break;
    }
    }
}

/* Runs a pass on every share; 0, or 1 when a share failed. */
static int run(pass *ps)
{
    annp_order *o = ps->o;
    if (o->pool) ann_pool_run(o->pool, run_share, ps);
    else run_share(ps, 0);
    for (int t = 0; t < o->n; t++)
        if (ps->failed[t]) return 1;
    return 0;
}

annp_order *annp_order_new(const pm_data *d, int32_t npre, int32_t threads, ann_status *st)
{
    annp_order *o = calloc(1, sizeof *o);
    if (!o) { oom(st); return NULL; }
    int64_t useful = 1 + d->nsyn / ORDER_MIN_SHARE;
    int n = threads < 1 ? 1 : threads > ORDER_MAX_SHARES ? ORDER_MAX_SHARES : threads;
    if (useful < n) n = (int)useful;
    if (n > 1) {
        o->pool = ann_pool_new(n);
        if (!o->pool) n = 1;
    }
    o->n = n;
    o->npre = npre;
    o->ndend = d->ndend;
    o->nsyn = d->nsyn;
    o->row = d->row;
    o->pre_rank = d->pre_rank;
    for (int t = 0; t < n; t++) o->dend[t] = first_starting(o->row, o->ndend, o->nsyn * t / n);
    o->dend[n] = o->ndend;
    o->pre_row = xmalloc((int64_t)npre + 1, sizeof *o->pre_row);
    o->base = xcalloc((int64_t)n * npre, sizeof *o->base);
    o->cur = xmalloc((int64_t)n * npre, sizeof *o->cur);
    if (!o->pre_row || !o->base || !o->cur) {
        annp_order_free(o);
        oom(st);
        return NULL;
    }
    pass ps = {.o = o, .kind = PASS_COUNT};
    if (run(&ps)) {
        annp_order_free(o);
        ann_fail(st, "a pre-synaptic rank of a projection is outside its population of %d "
                 "neurons", (int)npre);
        return NULL;
    }
    /* counts -> exclusive prefix sums over (pre neuron, share) */
    o->pre_row[0] = 0;
    for (int32_t j = 0; j < npre; j++) {
        int64_t at = o->pre_row[j];
        for (int t = 0; t < n; t++) {
            int64_t *b = &o->base[(size_t)t * (size_t)npre + (size_t)j];
            int64_t c = *b;
            *b = at;
            at += c;
        }
        o->pre_row[j + 1] = at;
    }
    return o;
}

int64_t *annp_order_take_pre_row(annp_order *o)
{
    int64_t *r = o->pre_row;
    o->pre_row = NULL;
    return r;
}


void *annp_order_sort_by_delay(annp_order *o, const int32_t *delay, int32_t bytes)
{
    int32_t *key = xmalloc(o->nsyn, sizeof *key);
    void *out = xmalloc(o->nsyn, (size_t)bytes);
    if (!key || !out) { free(key); free(out); return NULL; }
    /* the delays in the order of filling, then each row sorted */
    pass keys = {.o = o, .kind = PASS_KEYS, .src = delay, .dst = key};
    run(&keys);
    o->slot = key;
    pass sort = {.o = o, .kind = PASS_SORT_DELAYS, .dst = out, .delay_bytes = bytes};
    if (run(&sort)) { free(o->slot); o->slot = NULL; free(out); return NULL; }
    return out;
}

int annp_order_place(annp_order *o, int32_t *reuse)
{
    if (o->nsyn <= (int64_t)UINT32_MAX) {
        /* each place is written over its pre rank once the walk has read it */
        o->place32 = reuse ? (uint32_t *)reuse : xmalloc(o->nsyn, sizeof *o->place32);
        reuse = NULL;
    } else {
        o->place64 = xmalloc(o->nsyn, sizeof *o->place64);
    }
    if (!o->place32 && !o->place64) { free(reuse); return 1; }
    pass ps = {.o = o, .kind = PASS_PLACE};
    run(&ps);
    free(o->base); free(o->cur); free(o->slot); free(reuse);
    o->base = o->cur = NULL;
    o->slot = NULL;
    o->pre_rank = NULL;
    return 0;
}

void annp_order_move(annp_order *o, const void *src, void *dst, size_t size)
{
    pass ps = {.o = o, .kind = PASS_MOVE, .src = src, .dst = dst, .size = size};
    run(&ps);
}

void annp_order_post_ranks(annp_order *o, const int32_t *post_rank, int32_t *syn_post)
{
    pass ps = {.o = o, .kind = PASS_POST_RANK, .src = post_rank, .dst = syn_post};
    run(&ps);
}

void annp_order_places(const annp_order *o, int64_t *post_syn)
{
    for (int64_t s = 0; s < o->nsyn; s++) post_syn[s] = PLACE(o, s);
}

void annp_order_free(annp_order *o)
{
    if (!o) return;
    ann_pool_free(o->pool);
    free(o->pre_row); free(o->base); free(o->cur); free(o->slot);
    free(o->place32); free(o->place64);
    free(o);
}
