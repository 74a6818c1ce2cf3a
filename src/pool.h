/* The thread pool of a network: persistent threads that run one function together, with a
 * barrier between the phases of a step (waiting threads spin briefly, then sleep). */
#ifndef ANN_POOL_H
#define ANN_POOL_H

#include <stdint.h>

typedef struct ann_pool ann_pool;

/* fn(arg, tid) runs on every thread of the pool, tid 0 being the caller of ann_pool_run. */
typedef void (*ann_pool_fn)(void *arg, int tid);

/* A pool of n threads (the caller and n - 1 workers); NULL when threads cannot be created. */
ann_pool *ann_pool_new(int n);
void      ann_pool_free(ann_pool *pool);
int       ann_pool_size(const ann_pool *pool);
/* Runs fn on every thread and returns when all have returned. */
void      ann_pool_run(ann_pool *pool, ann_pool_fn fn, void *arg);
/* Inside fn: returns when every thread of the pool has called it. */
void      ann_pool_barrier(ann_pool *pool);
/* The number of processors online (at least 1). */
int       ann_pool_cpu_count(void);

#endif
