/* The transport of this process: one process by default, MPI through the plugin
 * libannlua_mpi.so when an MPI launcher started the process (src/comm.h). */

#include "annarchy.h"
#include "comm.h"

#include <dlfcn.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PLUGIN "libannlua_mpi.so"

static void one_gather(const void *send, int32_t nbytes, void *recv)
{
    if (send != recv) memmove(recv, send, (size_t)nbytes);
}

static void one_gatherv(const void *send, int32_t nbytes, void *recv, const int32_t *counts,
                        const int32_t *displs)
{
    (void)counts;
    if (send) memmove((char *)recv + displs[0], send, (size_t)nbytes);
}

static void one_barrier(void) {}
static void one_abort(int code) { fflush(NULL); exit(code); }
static void one_finalize(void) {}

static ann_transport transport = {0, 1, one_gather, one_gatherv, one_barrier, one_abort,
                                  one_finalize};
static int started;

static int launched_by_mpi(void)
{
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK");
}

/* The plugin: $ANNLUA_MPI_PLUGIN, else next to the binary holding the core (the source tree's
 * annlua, build/, an installed bin/ or lib/), else the loader's search path. */
static void *open_plugin(char *err, size_t errlen)
{
    const char *env = getenv("ANNLUA_MPI_PLUGIN");
    if (env && *env) {
        void *h = dlopen(env, RTLD_NOW | RTLD_GLOBAL);
        if (!h) snprintf(err, errlen, "%s", dlerror());
        return h;
    }
    static const char *const rel[] = {PLUGIN, "build/" PLUGIN, "../lib/" PLUGIN,
                                      "../../" PLUGIN, "../../../" PLUGIN};
    Dl_info info;
    if (dladdr(&transport, &info) && info.dli_fname) {
        char self[4096], path[4200];
        snprintf(self, sizeof self, "%s", info.dli_fname);
        const char *dir = dirname(self);
        for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
            snprintf(path, sizeof path, "%s/%s", dir, rel[i]);
            void *h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
            if (h) return h;
        }
    }
    void *h = dlopen(PLUGIN, RTLD_NOW | RTLD_GLOBAL);
    if (!h) snprintf(err, errlen, "%s", dlerror());
    return h;
}

static void finalize_at_exit(void) { transport.finalize(); }

static void start(void)
{
    started = 1;
    if (!launched_by_mpi()) return;
    char err[512] = "";
    void *h = open_plugin(err, sizeof err);
    ann_transport_open_fn open = NULL;
    if (h) *(void **)&open = dlsym(h, ANN_TRANSPORT_OPEN);
    ann_transport t = transport;
    if (h && !open) snprintf(err, sizeof err, "%s has no %s", PLUGIN, ANN_TRANSPORT_OPEN);
    if (!open || open(&t, err, sizeof err) != 0) {
        /* launched as several processes, each would run the whole network alone */
        fprintf(stderr, "annlua: started by mpirun, but the MPI transport cannot be loaded: %s\n"
                "annlua: build it with `make` where mpicc exists, or set ANNLUA_MPI_PLUGIN\n", err);
        exit(1);
    }
    transport = t;
    atexit(finalize_at_exit);
}

const ann_transport *ann_comm(void)
{
    if (!started) start();
    return &transport;
}

int32_t ann_mpi_rank(void) { return ann_comm()->rank; }
int32_t ann_mpi_size(void) { return ann_comm()->size; }

void ann_mpi_abort(int code)
{
    ann_comm()->abort(code);
    exit(code);
}

void ann_comm_blocks(int32_t n, int32_t threads, int32_t *lo, int32_t *hi)
{
    const ann_transport *tp = ann_comm();
    int32_t T = threads < 1 ? 1 : threads, W = 0, first = 0, x;
    int32_t *nthr = malloc((size_t)tp->size * sizeof *nthr);
    if (!nthr) {
        fprintf(stderr, "annlua (process %d): out of memory dividing a population\n", (int)tp->rank);
        ann_mpi_abort(1);
    }
    tp->allgather(&T, (int32_t)sizeof T, nthr);
    for (int32_t r = 0; r < tp->size; r++) {
        if (r == tp->rank) first = W;
        W += nthr[r];
    }
    free(nthr);
    ann_partition(n, first, W, lo, &x);
    ann_partition(n, first + T - 1, W, &x, hi);
}

/* Bytes of the whole array one collective carries at most (the transport counts in int32). */
#define WINDOW ((int64_t)1 << 30)

void ann_comm_gather_parts(void *whole, const void *mine, size_t elem, const int64_t *at,
                           int32_t *counts, int32_t *displs)
{
    const ann_transport *tp = ann_comm();
    int32_t K = tp->size, me = tp->rank;
    int64_t step = WINDOW / (int64_t)elem, total = at[K];
    static const char none;
    for (int64_t s = 0; s < total; s += step) {
        int64_t t = total - s < step ? total : s + step;
        for (int32_t r = 0; r < K; r++) {
            int64_t lo = at[r] > s ? at[r] : s, hi = at[r + 1] < t ? at[r + 1] : t;
            if (hi < lo)
                hi = lo = s;
            counts[r] = (int32_t)((hi - lo) * (int64_t)elem);
            displs[r] = (int32_t)((lo - s) * (int64_t)elem);
        }
        /* never NULL (in place): this process's elements from position displs[me] */
        const char *send = &none;
        if (counts[me] > 0)
            send = (const char *)mine + (s + displs[me] / (int64_t)elem - at[me]) * (int64_t)elem;
        tp->allgatherv(send, counts[me], (char *)whole + s * (int64_t)elem, counts, displs);
    }
}
