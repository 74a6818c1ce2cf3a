/* Internal helpers of the connectivity builders, shared by csr.c (the structure: memory,
 * sorting, pre-major order), connect_values.c (candidate ranks, weights and delays),
 * connect.c (all_to_all, one_to_one, fixed_probability, fixed_number_pre/post),
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
} values;

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
int annc_fill_weights(ann_csr *c, const values *pv, ann_rng *rng, const char *who,
                      ann_status *st);
int annc_fill_delays(ann_csr *c, const values *pv, ann_rng *rng, const char *who,
                     ann_status *st);
int annc_finish(ann_csr *c, const values *pv, ann_rng *rng, const char *who, ann_status *st);
int annc_need_rng(const values *pv, ann_rng *rng, const char *who, ann_status *st);

#endif
