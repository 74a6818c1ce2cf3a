/* The thread pool (pool.h). One primitive, a counting barrier with a generation number:
 * arriving threads spin on the generation for a while (a phase of a step is short) and then
 * sleep on a condition variable; the last to arrive bumps the generation and wakes sleepers.
 * Idle workers wait at the same barrier for the next ann_pool_run.
 *
 * A forked child process (child.c) has only the thread that forked: a pool it inherited has
 * no workers there. The pool remembers the process that started its workers; in another
 * process, ann_pool_run starts new ones and ann_pool_free frees without joining. */
#include "pool.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define CPU_RELAX() _mm_pause()
#else
#define CPU_RELAX() ((void)0)
#endif

/* A waiting thread spins (when the pool has no more threads than processors) for some
 * microseconds, then yields the processor a few times, then sleeps: with more threads than
 * processors, spinning only delays the thread everyone waits for. */
#define SPIN_LIMIT 4000
#define YIELD_LIMIT 4

struct ann_pool {
    int n;
    int spin;              /* SPIN_LIMIT, or 0 with more threads than processors */
    pid_t owner;           /* the process the workers run in */
    pthread_t *workers;
    atomic_int arrived;
    atomic_uint generation;
    atomic_int sleepers;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    ann_pool_fn fn;        /* NULL tells the workers to exit */
    void *arg;
};

void ann_pool_barrier(ann_pool *pool)
{
    if (pool->n == 1) return;
    unsigned gen = atomic_load_explicit(&pool->generation, memory_order_acquire);
    if (atomic_fetch_add_explicit(&pool->arrived, 1, memory_order_acq_rel) == pool->n - 1) {
        atomic_store_explicit(&pool->arrived, 0, memory_order_relaxed);
        atomic_fetch_add_explicit(&pool->generation, 1, memory_order_acq_rel);
        /* a sleeper tests the generation under the mutex: broadcasting under it wakes
         * every thread that went to sleep before the bump */
        if (atomic_load_explicit(&pool->sleepers, memory_order_acquire) > 0) {
            pthread_mutex_lock(&pool->mu);
            pthread_cond_broadcast(&pool->cv);
            pthread_mutex_unlock(&pool->mu);
        }
        return;
    }
    for (int s = 0; s < pool->spin; s++) {
        if (atomic_load_explicit(&pool->generation, memory_order_acquire) != gen) return;
        CPU_RELAX();
    }
    for (int s = 0; s < YIELD_LIMIT; s++) {
        if (atomic_load_explicit(&pool->generation, memory_order_acquire) != gen) return;
        sched_yield();
    }
    pthread_mutex_lock(&pool->mu);
    atomic_fetch_add_explicit(&pool->sleepers, 1, memory_order_acq_rel);
    while (atomic_load_explicit(&pool->generation, memory_order_acquire) == gen)
        pthread_cond_wait(&pool->cv, &pool->mu);
    atomic_fetch_sub_explicit(&pool->sleepers, 1, memory_order_acq_rel);
    pthread_mutex_unlock(&pool->mu);
}

typedef struct worker_arg { ann_pool *pool; int tid; } worker_arg;

static void *worker_main(void *p)
{
    worker_arg *w = p;
    ann_pool *pool = w->pool;
    int tid = w->tid;
    free(w);
    for (;;) {
        ann_pool_barrier(pool);            /* the start of a run */
        ann_pool_fn fn = pool->fn;
        if (!fn) return NULL;
        fn(pool->arg, tid);
        ann_pool_barrier(pool);            /* its end */
    }
}

/* Starts the workers 1 .. n-1 of a pool whose barrier is reset; 0 on success. On failure the
 * workers that started are ended and the pool is left with n = 1. */
static int start_workers(ann_pool *pool)
{
    int n = pool->n, started = 0;
    pool->owner = getpid();
    for (int t = 1; t < n; t++) {
        worker_arg *w = malloc(sizeof *w);
        if (!w) break;
        w->pool = pool;
        w->tid = t;
        if (pthread_create(&pool->workers[t], NULL, worker_main, w) != 0) { free(w); break; }
        started++;
    }
    if (started == n - 1) return 0;
    /* the threads that started wait at the start barrier for n arrivals: release them */
    pool->fn = NULL;
    pool->n = started + 1;
    ann_pool_barrier(pool);
    for (int t = 1; t <= started; t++) pthread_join(pool->workers[t], NULL);
    pool->n = 1;
    return 1;
}

/* The barrier's state as a new pool has it (in a forked child, the inherited mutex may be
 * held by a thread that does not exist there). */
static void reset_barrier(ann_pool *pool)
{
    pthread_mutex_init(&pool->mu, NULL);
    pthread_cond_init(&pool->cv, NULL);
    atomic_init(&pool->arrived, 0);
    atomic_init(&pool->generation, 0);
    atomic_init(&pool->sleepers, 0);
}

ann_pool *ann_pool_new(int n)
{
    if (n < 1) n = 1;
    ann_pool *pool = calloc(1, sizeof *pool);
    if (!pool) return NULL;
    pool->n = 1;
    pool->owner = getpid();
    reset_barrier(pool);
    if (n == 1) return pool;
    pool->workers = calloc((size_t)n, sizeof *pool->workers);
    if (!pool->workers) { ann_pool_free(pool); return NULL; }
    pool->n = n;
    pool->spin = n <= ann_pool_cpu_count() ? SPIN_LIMIT : 0;
    if (start_workers(pool) != 0) { ann_pool_free(pool); return NULL; }
    return pool;
}

/* In a process other than the workers' (a forked child): new workers for this process. The
 * network's work is cut for n threads, so a child that cannot start them cannot run it. */
static void adopt(ann_pool *pool)
{
    reset_barrier(pool);
    if (start_workers(pool) != 0) abort();
}

void ann_pool_run(ann_pool *pool, ann_pool_fn fn, void *arg)
{
    if (pool->n == 1) { fn(arg, 0); return; }
    if (pool->owner != getpid()) adopt(pool);
    pool->fn = fn;
    pool->arg = arg;
    ann_pool_barrier(pool);
    fn(arg, 0);
    ann_pool_barrier(pool);
}

void ann_pool_free(ann_pool *pool)
{
    if (!pool) return;
    if (pool->n > 1 && pool->owner == getpid()) {
        pool->fn = NULL;
        ann_pool_barrier(pool);
        for (int t = 1; t < pool->n; t++) pthread_join(pool->workers[t], NULL);
    }
    free(pool->workers);
    pthread_mutex_destroy(&pool->mu);
    pthread_cond_destroy(&pool->cv);
    free(pool);
}

int ann_pool_size(const ann_pool *pool) { return pool ? pool->n : 1; }

int ann_pool_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : (int)n;
}
