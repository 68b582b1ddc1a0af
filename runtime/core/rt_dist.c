/* rt_dist.c — the job's ranks as the rest of the runtime sees them
 * (rt_dist.h): one process until rt_dist_start (rt_dist_mpi.c) installs
 * MPI's exchanges. This file references no MPI symbol, so a program that
 * links libebmrt.a without rt_dist_start (an embedding program, a fuzzer)
 * needs no -lmpi and is one process. */
#include "rt_dist.h"

#include <string.h>

static struct {
    int rank, size, local, failed;
    FILE *errors;
    char tag[32];
    rt_dist_ops ops;
} d = {0, 1, 1, 0, NULL, "", {0}};

void rt_dist_install(const rt_dist_ops *ops, int rank, int size, int local, FILE *errors) {
    d.ops = *ops;
    d.rank = rank;
    d.size = size;
    d.local = local > 0 ? local : 1;
    d.errors = errors;
    if (size > 1 && rank > 0) snprintf(d.tag, sizeof d.tag, "rank %d: ", rank);
}

int rt_dist_rank(void) { return d.rank; }
int rt_dist_size(void) { return d.size; }
int rt_dist_local_size(void) { return d.local; }
const char *rt_dist_tag(void) { return d.tag; }
FILE *rt_dist_errors(void) { return d.errors ? d.errors : stderr; }
void rt_dist_failed(void) { d.failed = 1; }
int rt_dist_has_failed(void) { return d.failed; }

void rt_dist_share(int64_t n, int64_t *lo, int64_t *hi) {
    *lo = n * d.rank / d.size;
    *hi = n * (d.rank + 1) / d.size;
}

uint64_t rt_dist_seed(uint64_t seed) { return seed ^ ((uint64_t)d.rank * 0xD1B54A32D192ED03ULL); }

int rt_dist_sum(float *f, int64_t nf, double *x, int64_t nd) { return d.size > 1 ? d.ops.sum(f, nf, x, nd) : 0; }

int rt_dist_bcast(void *buf, int64_t bytes) { return d.size > 1 ? d.ops.bcast(buf, bytes) : 0; }

int rt_dist_gather_rows(const float *mine, int64_t lo, int64_t hi, int64_t width, float *all) {
    return rt_dist_allgather(mine, (int64_t)sizeof(float) * (hi - lo) * width, all, NULL);
}

int rt_dist_allgather(const void *mine, int64_t bytes, void *all, int64_t *total) {
    if (d.size > 1) return d.ops.allgather(mine, bytes, all, total);
    if (bytes) memmove(all, mine, (size_t)bytes);
    if (total) *total = bytes;
    return 0;
}
