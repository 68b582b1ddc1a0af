/* rt_dist.h — the runtime's distribution layer: N processes launched by
 * mpirun (or srun) running one job (docs/distributed.md).
 *
 * Built with Open MPI (the Makefile defines EBMC_MPI when mpicc is there)
 * and started by rt_dist_start, these are MPI calls on MPI_COMM_WORLD;
 * otherwise, or run without a launcher, they are the identity of one
 * process: rank 0 of 1, sums that leave their buffer as it is. MPI_Init
 * runs only when a launcher set its variables (OMPI_COMM_WORLD_SIZE,
 * PMIX_RANK, PMI_RANK), so a plain run pays only for loading libmpi.
 *
 * One writer: after rt_dist_init, ranks above 0 print nothing (stdout and
 * stderr go to /dev/null) except their errors, which name the rank, and
 * their atomic files (rt_atomic_open) go nowhere. A rank that reported an
 * error stops the whole job when it exits (MPI_Abort), so no rank waits
 * forever on one that is gone. */
#ifndef EBMC_RT_DIST_H
#define EBMC_RT_DIST_H
#include <stdint.h>
#include <stdio.h>

/* MPI_Init when launched by mpirun or srun (idempotent), and the exit
 * hook that finalizes, or aborts the job after an error (rt_dist_mpi.c:
 * the one file that calls MPI; ebmc's main and a built binary's call it) */
void rt_dist_start(void);
int rt_dist_rank(void);
int rt_dist_size(void);
/* ranks on this machine (the thread pool divides the CPUs among them) */
int rt_dist_local_size(void);
/* this rank's part [lo, hi) of n items: contiguous, in rank order, sizes
 * differing by at most one */
void rt_dist_share(int64_t n, int64_t *lo, int64_t *hi);
/* a seed of this rank's own: seed itself on rank 0 */
uint64_t rt_dist_seed(uint64_t seed);
/* Element-wise sums over the ranks, left on every rank: f (floats, added
 * in double) and d (doubles). Reproducible: every element is added in rank
 * order by one rank (a reduce-scatter by blocks, then an all-gather), so
 * the same N gives the same bits whatever the network. */
int rt_dist_sum(float *f, int64_t nf, double *d, int64_t nd);
/* rank 0's bytes to every rank */
int rt_dist_bcast(void *buf, int64_t bytes);
/* every rank's `bytes` (which may differ) concatenated in rank order into
 * all, on every rank; total: the sum of the sizes (may be NULL) */
int rt_dist_allgather(const void *mine, int64_t bytes, void *all, int64_t *total);
/* Rows [lo, hi) of `width` floats in mine, this rank's share of n
 * (rt_dist_share(n, &lo, &hi)), into all n rows of all in rank order, i.e.
 * row order, on every rank; one process copies them (mine may be all) */
int rt_dist_gather_rows(const float *mine, int64_t lo, int64_t hi, int64_t width, float *all);
/* where rank > 0 writes its error lines (its stderr is /dev/null), and
 * the "rank R: " that names it ("" on rank 0 and alone) */
FILE *rt_dist_errors(void);
const char *rt_dist_tag(void);
/* this rank reported an error: leaving stops the job (rt_vreport calls it) */
void rt_dist_failed(void);
int rt_dist_has_failed(void);

/* what rt_dist_start installs: the exchanges of N > 1 ranks */
typedef struct rt_dist_ops {
    int (*sum)(float *f, int64_t nf, double *d, int64_t nd);
    int (*bcast)(void *buf, int64_t bytes);
    int (*allgather)(const void *mine, int64_t bytes, void *all, int64_t *total);
} rt_dist_ops;
void rt_dist_install(const rt_dist_ops *ops, int rank, int size, int local, FILE *errors);
#endif
