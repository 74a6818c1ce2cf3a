/* Internal helpers of the connectivity builders, shared by csr.c (the structure: memory,
 * sorting, pre-major order), connect_values.c (candidate ranks, checked values),
 * connect_rows.c (per-row draws, weights and delays, the threads), connect.c (all_to_all, one_to_one, fixed_probability, fixed_number_pre/post),
 * connect_field.c (gaussian, dog) and connect_lists.c (from_lists). The contract of the
 * builders (draw order, errors) is in include/annarchy.h. */
#ifndef ANN_CONNECT_INTERNAL_H
#define ANN_CONNECT_INTERNAL_H

#include "annarchy.h"
#include "status.h"

/* A candidate list, ascending: the caller's array when it already is, else a sorted copy. */
typedef struct rank_list {
    const int32_t *r;
    int32_t *owned;
    int32_t n;
} rank_list;

/* The checked values of an ann_syn_values, the delay distribution adjusted to dt. */
typedef struct values {
    int weights_dist;
    ann_dist wdist;
    double wconst;
    int shared;
    int delays_dist;
    ann_dist ddist;
    int32_t dconst;        /* steps */
    double dt;
    ann_rows rows;
} values;

/* The keys of the per-row draws: step 4 rank + key of the generator with k = ANNK_K_ROWS
 * (include/annarchy.h, "Randomness"); the split of fixed_total_number at ANNC_STEP_SPLIT. */
enum { ANNC_KEY_ROW = 0, ANNC_KEY_WEIGHT = 1, ANNC_KEY_DELAY = 2, ANNC_KEY_PRE = 3 };
#define ANNC_STEP_SPLIT ((uint64_t)1 << 33)
static inline uint64_t annc_step(int32_t rank, int key)
{
    return 4 * (uint64_t)rank + (uint64_t)key;
}

/* The 32-bit words of one step, in order. */
typedef struct annc_words {
    uint32_t pre[4];
    uint32_t block;
    int left;
    uint32_t w[4];
} annc_words;

/* Per-thread scratch of the samplers: marks over the candidates, a sorting buffer. */
typedef struct annc_scratch {
    unsigned char *mark;
    int32_t mark_size;
    int32_t *tmp;
    int64_t tmp_size;
    int64_t *bucket;
    int64_t bucket_size;
} annc_scratch;

/* How a row draws its pre indices among its m candidates. */
enum { ANNC_ROW_ALL, ANNC_ROW_DISTINCT, ANNC_ROW_MULTISET };

/* The rows [begin, end) of a connector over candidate lists: post index i has the
 * candidates pre (without post->r[i] when no_self). */
typedef struct annc_rows {
    const rank_list *pre, *post;
    int no_self;
    int mode;
    int32_t begin, end;
    int parts;              /* a process's share of every row: gathered after the build */
} annc_rows;

enum { ANNC_MAX_THREADS = 1024 };

void *annc_alloc_n(int64_t n, size_t elem);
void *annc_alloc_zero(int64_t n, size_t elem);
void *annc_resize_n(void *p, int64_t n, size_t elem);
int annc_oom(ann_status *st, const char *who);
int annc_csr_alloc(ann_csr *c, int64_t ndend_cap, int64_t nsyn_cap);
void annc_csr_shrink(ann_csr *c);
void annc_sort_i32(int32_t *a, int64_t n);
void annc_sort_u64(uint64_t *a, int64_t n);
void annc_rank_list_free(rank_list *l);
int annc_rank_list_make(rank_list *l, const int32_t *r, int32_t n, int32_t pop_size,
                        const char *who, const char *side, ann_status *st);
int32_t annc_rank_find(const rank_list *l, int32_t x);
int annc_values_prepare(values *pv, const ann_syn_values *v, int need_weights,
                        const char *who, ann_status *st);
int annc_need_rng(const values *pv, const ann_rng *rng, const char *who, ann_status *st);

/* connect_rows.c */
void annc_prefix(const ann_rng *rng, uint64_t step, uint32_t pre[4]);
void annc_words_init(annc_words *s, const ann_rng *rng, uint64_t step);
uint32_t annc_below(annc_words *s, uint32_t n);            /* [0, n), n > 0 */
int annc_scratch_tmp(annc_scratch *sc, int64_t n);
int annc_sort_uniform(int32_t *a, int64_t n, int32_t m, annc_scratch *sc);
void annc_scratch_free(annc_scratch *sc);
/* k indices among [0, m), ascending: distinct (k <= m) or with repetitions; 1 when out of
 * memory. */
int annc_sample(annc_words *s, int mode, int32_t m, int64_t k, int32_t *out, annc_scratch *sc);
int32_t annc_own(const annc_rows *rs, int32_t i);          /* own index among pre, or -1 */
int32_t annc_candidates(const annc_rows *rs, int32_t i);
/* fn(arg, t) for t < n threads, n at most `threads` and what `work` (synapses) is worth. */
void annc_run(int32_t threads, int64_t work, void (*fn)(void *, int), void *arg, int *n);
/* The rows [*begin, *end) of n post candidates (ascending ranks cand, NULL: 0 .. n - 1) to
 * build: pv->rows' range (an error outside [0, n)), or, for every row, this process's share of
 * them (annc_share, or annc_divided_share when the synapses are divided). */
int annc_span(const values *pv, const int32_t *cand, int32_t n, int32_t *begin, int32_t *end,
              int *parts, const char *who, ann_status *st);
/* rs->begin/end/parts by annc_span over rs->post. */
int annc_rows_range(annc_rows *rs, const values *pv, const char *who, ann_status *st);
int annc_whole_only(const values *pv, const char *who, ann_status *st);
/* The CSR of the rows of rs, count[i - begin] synapses for row i, with weights and delays;
 * with rs->parts, the whole gathered from every process's part (annc_gather_parts). */
int annc_build_rows(ann_csr *out, const annc_rows *rs, const int64_t *count, const values *pv,
                    const ann_rng *rng, const char *who, ann_status *st);
/* The weights (weights != 0), the delays (delays != 0) or both of a built structure, per
 * dendrite on the threads of pv->rows; annc_finish does both and frees it on failure. */
int annc_fill_values(ann_csr *c, const values *pv, const ann_rng *rng, int weights,
                     int delays, const char *who, ann_status *st);
int annc_finish(ann_csr *c, const values *pv, const ann_rng *rng, const char *who,
                ann_status *st);

/* connect_gather.c: building in parts on the processes of a distributed run. */
/* What becomes of the rows a process draws: the whole alone, its part of the whole gathered
 * from every process's, its part kept (the synapses divided: ann_rows.divide_size). */
enum { ANNC_WHOLE = 0, ANNC_GATHER = 1, ANNC_KEEP = 2 };
/* This process's share [*b, *e) of n rows: the r-th of K equal shares in order; *parts is
 * ANNC_GATHER when several processes run (the shares are then gathered). */
void annc_share(int32_t n, int32_t *b, int32_t *e, int *parts);
/* Collective: the candidates [*b, *e) of n (ascending ranks cand, NULL: 0 .. n - 1) whose post
 * ranks this process updates: its blocks of rows->divide_size neurons for rows->threads
 * threads on every process. */
void annc_divided_share(const ann_rows *rows, const int32_t *cand, int32_t n, int32_t *b,
                        int32_t *e);
/* Keeps only the dendrites of post ranks [lo, hi) (with their weights and delays), in place. */
void annc_keep_ranks(ann_csr *c, int32_t lo, int32_t hi);
/* Replaces the part c drawn by this process (failed: its build failed, c empty, the message
 * in st) by the whole: the parts of every process, in process order; with parts ANNC_KEEP,
 * keeps the part (c->part, the post ranks of rows' division), its max_delay that of the
 * whole. A collective: every process calls it. On failure anywhere, every process returns 1
 * with c freed. */
int annc_gather_parts(ann_csr *c, int failed, const ann_rows *rows, int parts, const char *who,
                      ann_status *st);

#endif
