/* The MPI transport (src/comm.h), built into libannlua_mpi.so with mpicc when MPI is installed
 * and loaded by the core only under an MPI launcher. MPI is started with
 * MPI_THREAD_FUNNELED: only the thread that loaded the plugin calls MPI. */
#include "comm.h"

#include <mpi.h>
#include <stdio.h>

static void gather(const void *send, int32_t nbytes, void *recv)
{
    MPI_Allgather(send, nbytes, MPI_BYTE, recv, nbytes, MPI_BYTE, MPI_COMM_WORLD);
}

static void gatherv(const void *send, int32_t nbytes, void *recv, const int32_t *counts,
                    const int32_t *displs)
{
    MPI_Allgatherv(send ? send : MPI_IN_PLACE, nbytes, MPI_BYTE, recv, counts, displs,
                   MPI_BYTE, MPI_COMM_WORLD);
}

static void barrier(void) { MPI_Barrier(MPI_COMM_WORLD); }

static void stop_all(int code)
{
    fflush(stdout);
    fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, code);
}

static void finalize(void)
{
    int done = 0;
    MPI_Finalized(&done);
    if (!done) MPI_Finalize();
}

int annlua_mpi_open(ann_transport *t, char *err, size_t errlen);

int annlua_mpi_open(ann_transport *t, char *err, size_t errlen)
{
    int provided = 0, rank = 0, size = 1;
    if (MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        snprintf(err, errlen, "MPI_Init_thread failed");
        return -1;
    }
    if (provided < MPI_THREAD_FUNNELED) {
        snprintf(err, errlen, "this MPI does not allow threads (MPI_THREAD_FUNNELED)");
        MPI_Finalize();
        return -1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    t->rank = rank;
    t->size = size;
    t->allgather = gather;
    t->allgatherv = gatherv;
    t->barrier = barrier;
    t->abort = stop_all;
    t->finalize = finalize;
    return 0;
}
