/* test_rt_dist.c — the distribution layer (rt_dist.h), alone (make test:
 * one process, every call the identity) and under `mpirun -np 2`
 * (tests/e2e/mpi.sh). Only rank 0 prints, so each case counts the
 * failures of every rank with rt_dist_sum and checks that count on rank 0:
 *   - rt_dist_share cuts n into contiguous parts in rank order, n < ranks too;
 *   - rt_dist_sum of floats and doubles, n not a multiple of the ranks,
 *     equals the sum in rank order (in double, one rounding) bit for bit
 *     (with 3 ranks, a sum in another order gives other bits);
 *   - rt_dist_allgather of parts of different sizes, in rank order;
 *   - rt_dist_gather_rows of the shares of 7 and of 2 rows of 3 floats
 *     (a rank with none when there are 3), each row where its number says;
 *   - EBMC_DIST_CHECK finds parameters that differ on rank 1, and only then. */
#include <stdlib.h>

#include "check.h"
#include "rt.h"
#include "rt_dist.h"
#include "rt_train_dist.h"

/* the number of failures on all ranks together */
static int all_failures(int mine) {
    double d = mine;
    if (rt_dist_sum(NULL, 0, &d, 1)) return -1;
    return (int)d;
}

static void share_partitions(void) {
    int bad = 0, N = rt_dist_size();
    const int64_t ns[] = {0, 1, 7, 30, 1001};
    for (int t = 0; t < 5; t++) {
        int64_t lo, hi, mine[2], *all = malloc(sizeof(int64_t) * 2 * (size_t)N);
        rt_dist_share(ns[t], &lo, &hi);
        mine[0] = lo, mine[1] = hi;
        rt_dist_allgather(mine, sizeof mine, all, NULL);
        int64_t at = 0;
        for (int r = 0; r < N; r++) {
            bad += all[2 * r] != at || all[2 * r + 1] < all[2 * r] || all[2 * r + 1] - all[2 * r] > ns[t] / N + 1;
            at = all[2 * r + 1];
        }
        bad += at != ns[t];
        free(all);
    }
    CHECK(all_failures(bad) == 0, "a share is not [n r/N, n (r+1)/N) on some rank");
}

/* doubles whose sum depends on the order (3 ranks: 1 + 1e16 - 1e16 is 0 in
 * rank order, 1 backwards); floats added in double are exact for a few ranks */
static double big(int r) { return r == 0 ? 1.0 : r % 2 ? 1e16 : -1e16; }

static void sum_in_rank_order(void) {
    int bad = 0, N = rt_dist_size(), R = rt_dist_rank();
    const int64_t ns[] = {1, 7, 1000};
    for (int t = 0; t < 3; t++) {
        int64_t n = ns[t];
        float *f = malloc(sizeof(float) * (size_t)n);
        double *d = malloc(sizeof(double) * (size_t)n);
        for (int64_t k = 0; k < n; k++) {
            f[k] = (float)(0.1 * (double)(R + 1) + 1e-3 * (double)k);
            d[k] = big(R) + (double)k;
        }
        if (rt_dist_sum(f, n, d, n)) bad++;
        for (int64_t k = 0; k < n; k++) {
            double sf = 0, sd = 0;
            for (int r = 0; r < N; r++) {
                sf += (float)(0.1 * (double)(r + 1) + 1e-3 * (double)k);
                sd += big(r) + (double)k;
            }
            bad += f[k] != (float)sf || d[k] != sd;
        }
        free(f);
        free(d);
    }
    CHECK(all_failures(bad) == 0, "a sum differs from the rank-order sum");
}

static void allgather_uneven(void) {
    int N = rt_dist_size(), R = rt_dist_rank(), bad = 0;
    unsigned char mine[16], all[256];
    for (int k = 0; k <= R; k++) mine[k] = (unsigned char)R;
    int64_t total = -1;
    if (rt_dist_allgather(mine, R + 1, all, &total)) bad++;
    bad += total != (int64_t)N * (N + 1) / 2;
    int64_t at = 0;
    for (int r = 0; r < N; r++)
        for (int k = 0; k <= r; k++) bad += all[at++] != r;
    CHECK(all_failures(bad) == 0, "allgather: parts not in rank order (total %lld)", (long long)total);
}

static void gather_rows(void) {
    int bad = 0;
    for (int64_t n = 7; n >= 2; n -= 5) {
        int64_t lo, hi;
        rt_dist_share(n, &lo, &hi);
        float mine[7 * 3 + 1], all[7 * 3];
        for (int64_t r = lo; r < hi; r++)
            for (int k = 0; k < 3; k++) mine[(r - lo) * 3 + k] = (float)(10 * r + k);
        for (int i = 0; i < 21; i++) all[i] = -1;
        if (rt_dist_gather_rows(mine, lo, hi, 3, all)) bad++;
        for (int64_t r = 0; r < n; r++)
            for (int k = 0; k < 3; k++) bad += all[r * 3 + k] != (float)(10 * r + k);
    }
    CHECK(all_failures(bad) == 0, "gather_rows: a row out of place");
}

static void parameter_check(void) {
    float w[5] = {1, 2, 3, 4, 5}, g[5] = {0};
    float *value[1] = {w}, *grad[1] = {g};
    rt_param q = {0};
    q.name = "w";
    q.size = 5;
    rt_model m = {0};
    m.nparams = 1;
    m.params = &q;
    rt_params p = {0};
    p.n = 1;
    p.value = value;
    p.grad = grad;
    setenv("EBMC_DIST_CHECK", "1", 1);
    int bad = rt_train_dist_same(&m, &p, 1) != 0;   /* equal everywhere */
    if (rt_dist_rank() == 1) w[3] = nextafterf(w[3], 5);
    int rc = rt_train_dist_same(&m, &p, 2);
    if (rt_dist_size() > 1) bad += rc == 0 || !strstr(rt_last_error(), "rank 1 differ");
    else bad += rc != 0;
    unsetenv("EBMC_DIST_CHECK");
    CHECK(all_failures(bad) == 0, "EBMC_DIST_CHECK missed a difference, or saw one where there is none: %s",
          rt_last_error());
}

int main(void) {
    rt_dist_start();   /* MPI only when mpirun started us */
    TEST(share_partitions);
    TEST(sum_in_rank_order);
    TEST(allgather_uneven);
    TEST(gather_rows);
    TEST(parameter_check);
    CHECK_DONE();
}
