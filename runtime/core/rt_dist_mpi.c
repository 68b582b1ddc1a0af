/* rt_dist_mpi.c — rt_dist's exchanges on MPI_COMM_WORLD (rt_dist.h).
 * Only the main thread calls MPI (MPI_THREAD_FUNNELED): the worker threads
 * of rt_par never exchange anything. Built without Open MPI (no
 * EBMC_MPI), rt_dist_start does nothing and the job is one process. */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt.h"
#include "rt_dist.h"
#ifdef EBMC_MPI
#include <mpi.h>

static int rank_, size_ = 1;
static int launched(void) {
    return getenv("OMPI_COMM_WORLD_SIZE") || getenv("PMIX_RANK") || getenv("PMI_RANK") || getenv("PMI_SIZE");
}

/* at exit: a rank that failed takes the others down with it (they may be
 * waiting for its part of a sum); otherwise the ordinary goodbye */
static void finish(void) {
    fflush(NULL);
    if (rt_dist_has_failed() && size_ > 1) MPI_Abort(MPI_COMM_WORLD, rt_error_is_internal() ? 2 : 1);
    MPI_Finalize();
}

static int sum(float *f, int64_t nf, double *d, int64_t nd);
static int bcast(void *buf, int64_t bytes);
static int allgather(const void *mine, int64_t bytes, void *all, int64_t *total);

void rt_dist_start(void) {
    static int done;
    if (done || !launched()) return;
    done = 1;
    int provided, local;
    MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
    MPI_Comm node;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
    MPI_Comm_size(node, &local);
    MPI_Comm_free(&node);
    atexit(finish);
    FILE *errors = NULL;
    if (rank_ > 0) {
        /* one writer: this rank's output goes nowhere, its errors to the
         * stderr it was started with */
        int keep = dup(2), nul = open("/dev/null", O_WRONLY);
        if (keep >= 0 && (errors = fdopen(keep, "w"))) setvbuf(errors, NULL, _IOLBF, 0);
        fflush(stdout);
        fflush(stderr);
        if (nul >= 0) {
            dup2(nul, 1);
            dup2(nul, 2);
            close(nul);
        }
    }
    static const rt_dist_ops ops = {sum, bcast, allgather};
    rt_dist_install(&ops, rank_, size_, local, errors);
}

static int too_big(int64_t bytes) {
    return bytes > INT_MAX ? rt_fail("one exchange between ranks of %lld bytes: more than MPI's 2 GiB", (long long)bytes) : 0;
}

static int sum(float *f, int64_t nf, double *d, int64_t nd) {
    int N = size_;
    /* rank j adds up block j: floats [nf j/N, nf (j+1)/N), doubles likewise */
    int *cnt = malloc(sizeof(int) * 4 * (size_t)N), *dsp = cnt + N, *rcnt = cnt + 2 * N, *rdsp = cnt + 3 * N;
    int64_t total = 4 * nf + 8 * nd;
    if (too_big(total * N)) {
        free(cnt);
        return -1;
    }
    char *send = malloc((size_t)total + 1), *recv;
    int64_t at = 0;
    for (int j = 0; j < N; j++) {
        int64_t f0 = nf * j / N, f1 = nf * (j + 1) / N, d0 = nd * j / N, d1 = nd * (j + 1) / N;
        if (f1 > f0) memcpy(send + at, f + f0, 4 * (size_t)(f1 - f0));
        if (d1 > d0) memcpy(send + at + 4 * (f1 - f0), d + d0, 8 * (size_t)(d1 - d0));
        dsp[j] = (int)at;
        cnt[j] = (int)(4 * (f1 - f0) + 8 * (d1 - d0));
        at += cnt[j];
    }
    int64_t f0 = nf * rank_ / N, f1 = nf * (rank_ + 1) / N, d0 = nd * rank_ / N, d1 = nd * (rank_ + 1) / N;
    int mine = cnt[rank_];
    for (int i = 0; i < N; i++) rcnt[i] = mine, rdsp[i] = i * mine;
    recv = malloc((size_t)mine * (size_t)N + 1);
    MPI_Alltoallv(send, cnt, dsp, MPI_BYTE, recv, rcnt, rdsp, MPI_BYTE, MPI_COMM_WORLD);
    /* my block, added in rank order, into the front of recv */
    char *out = malloc((size_t)mine + 1);
    for (int64_t k = 0; k < f1 - f0; k++) {
        double s = 0;
        for (int i = 0; i < N; i++) {
            float x;
            memcpy(&x, recv + (size_t)i * (size_t)mine + 4 * (size_t)k, 4);
            s += x;
        }
        float r = (float)s;
        memcpy(out + 4 * k, &r, 4);
    }
    for (int64_t k = 0; k < d1 - d0; k++) {
        double s = 0;
        for (int i = 0; i < N; i++) {
            double x;
            memcpy(&x, recv + (size_t)i * (size_t)mine + 4 * (size_t)(f1 - f0) + 8 * (size_t)k, 8);
            s += x;
        }
        memcpy(out + 4 * (f1 - f0) + 8 * k, &s, 8);
    }
    MPI_Allgatherv(out, mine, MPI_BYTE, send, cnt, dsp, MPI_BYTE, MPI_COMM_WORLD);
    for (int j = 0; j < N; j++) {
        int64_t a0 = nf * j / N, a1 = nf * (j + 1) / N, b0 = nd * j / N, b1 = nd * (j + 1) / N;
        if (a1 > a0) memcpy(f + a0, send + dsp[j], 4 * (size_t)(a1 - a0));
        if (b1 > b0) memcpy(d + b0, send + dsp[j] + 4 * (a1 - a0), 8 * (size_t)(b1 - b0));
    }
    free(out);
    free(recv);
    free(send);
    free(cnt);
    return 0;
}

static int bcast(void *buf, int64_t bytes) {
    if (too_big(bytes)) return -1;
    MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
    return 0;
}

static int allgather(const void *mine, int64_t bytes, void *all, int64_t *total) {
    long long b = bytes, *each = malloc(sizeof(long long) * (size_t)size_);
    MPI_Allgather(&b, 1, MPI_LONG_LONG, each, 1, MPI_LONG_LONG, MPI_COMM_WORLD);
    int *cnt = malloc(sizeof(int) * 2 * (size_t)size_), *dsp = cnt + size_;
    int64_t at = 0;
    for (int j = 0; j < size_; j++) {
        cnt[j] = (int)each[j];
        dsp[j] = (int)at;
        at += each[j];
    }
    free(each);
    if (too_big(at)) {
        free(cnt);
        return -1;
    }
    MPI_Allgatherv(mine, (int)bytes, MPI_BYTE, all, cnt, dsp, MPI_BYTE, MPI_COMM_WORLD);
    free(cnt);
    if (total) *total = at;
    return 0;
}
#else
void rt_dist_start(void) {}
#endif
