/* sgemm_rate.c — the machine's own sgemm rate for benchmark 1: cblas_sgemm
 * of the CD-1 shape (100x784 times 784x500, float32, row-major), with the
 * BLAS's default threading. Prints the median over 7 one-second windows:
 *   sgemm_seconds S   (one call)
 *   sgemm_gflops G */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(void) {
    enum { M = 100, K = 784, N = 500, W = 7 };
    float *a = malloc(sizeof(float) * M * K), *b = malloc(sizeof(float) * K * N), *c = malloc(sizeof(float) * M * N);
    for (int i = 0; i < M * K; i++) a[i] = (float)(i % 2);
    for (int i = 0; i < K * N; i++) b[i] = 0.01f * (float)(i % 7 - 3);
    double sec[W];
    for (int i = 0; i < 50; i++) cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1, a, K, b, N, 0, c, N);
    for (int w = 0; w < W; w++) {
        int n = 0;
        double t0 = now();
        while (now() - t0 < 1.0) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1, a, K, b, N, 0, c, N);
            n++;
        }
        sec[w] = (now() - t0) / n;
    }
    qsort(sec, W, sizeof sec[0], cmp);
    printf("sgemm_seconds %.9f\nsgemm_gflops %.2f\n", sec[W / 2], 2.0 * M * N * K / sec[W / 2] / 1e9);
    free(a);
    free(b);
    free(c);
    return 0;
}
