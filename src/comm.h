/* The transport between the processes of one distributed run (docs/distributed.md).
 *
 * One process (the default) needs no transport: every collective below copies its input.
 * Launched by an MPI launcher (mpirun sets OMPI_COMM_WORLD_SIZE, PMIX_RANK or PMI_RANK), the
 * core loads the plugin libannlua_mpi.so (src/mpi/comm_mpi.c) at run time, so that annlua
 * starts on a machine without MPI. Collectives are called by one thread of each process (the
 * thread that first asked for the transport) in the same order on every process. */
#ifndef ANN_COMM_H
#define ANN_COMM_H

#include <stddef.h>
#include <stdint.h>

typedef struct ann_transport {
    int32_t rank, size;
    /* Every process gives nbytes (the same on all); recv gets them in rank order. */
    void (*allgather)(const void *send, int32_t nbytes, void *recv);
    /* Process r gives counts[r] bytes, stored at recv + displs[r]. send NULL: the process's
     * own part is already in place in recv. */
    void (*allgatherv)(const void *send, int32_t nbytes, void *recv, const int32_t *counts,
                       const int32_t *displs);
    void (*barrier)(void);
    /* Ends every process of the run with the exit code (never returns). */
    void (*abort)(int code);
    void (*finalize)(void);
} ann_transport;

/* The plugin's entry point: starts MPI and fills t; non-zero with a message in err. */
typedef int (*ann_transport_open_fn)(ann_transport *t, char *err, size_t errlen);
#define ANN_TRANSPORT_OPEN "annlua_mpi_open"

/* The transport of this process (started on first use). */
const ann_transport *ann_comm(void);

/* Collective: the neurons [*lo, *hi) of a population of n that this process updates when it
 * runs `threads` threads (each process its own number): its workers' consecutive blocks
 * (ann_partition over the workers of every process, numbered in process order). */
void ann_comm_blocks(int32_t n, int32_t threads, int32_t *lo, int32_t *hi);

/* Collective: process r's at[r + 1] - at[r] elements of elem bytes (this process's at mine)
 * into whole at element at[r], on every process; a window of at most 1 GB of the whole per
 * collective. counts and displs: scratch of size() elements. */
void ann_comm_gather_parts(void *whole, const void *mine, size_t elem, const int64_t *at,
                           int32_t *counts, int32_t *displs);

#endif
