/* The thread pool of the runtime (src/pool.h, private: this test includes it on purpose):
 * every thread runs the function, barriers separate phases (each thread sees what the others
 * wrote before the barrier), many short runs and many barriers in a row, with more threads
 * than processors too, so that threads go to sleep and are woken. Runs under ASan and TSan. */
#include "pool.h"

#include <stdio.h>
#include <stdlib.h>

#include "check.h"

#define NT_MAX 6
#define ROUNDS 2000

typedef struct job {
    ann_pool *pool;
    int n;
    long cell[NT_MAX];   /* written by thread t in a phase, read by all in the next */
    long sum[NT_MAX];
    int bad[NT_MAX];
} job;

static void phases(void *arg, int t)
{
    job *j = arg;
    for (int r = 0; r < ROUNDS; r++) {
        j->cell[t] = (long)r * 10 + t;
        ann_pool_barrier(j->pool);
        long s = 0;
        for (int u = 0; u < j->n; u++) s += j->cell[u];
        long want = 0;
        for (int u = 0; u < j->n; u++) want += (long)r * 10 + u;
        if (s != want) j->bad[t] = 1;
        j->sum[t] = s;
        ann_pool_barrier(j->pool);
    }
}

static void count(void *arg, int t)
{
    job *j = arg;
    j->cell[t] += 1;
}

int main(void)
{
    CHECK_TRUE(ann_pool_cpu_count() >= 1);
    for (int n = 1; n <= NT_MAX; n++) {
        job j = {0};
        j.n = n;
        j.pool = ann_pool_new(n);
        CHECK_TRUE(j.pool != NULL);
        CHECK_TRUE(ann_pool_size(j.pool) == n);
        ann_pool_run(j.pool, phases, &j);
        for (int t = 0; t < n; t++) CHECK(!j.bad[t], "thread %d of %d saw a phase unfinished", t, n);
        for (int t = 0; t < n; t++) j.cell[t] = 0;
        for (int r = 0; r < 500; r++) ann_pool_run(j.pool, count, &j);
        for (int t = 0; t < n; t++) CHECK_TRUE(j.cell[t] == 500);
        ann_pool_free(j.pool);
    }
    return CHECK_SUMMARY();
}
