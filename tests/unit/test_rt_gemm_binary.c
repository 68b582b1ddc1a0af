/* test_rt_gemm_binary.c — the sparse path of rt_gemm (runtime/core/
 * rt_gemm_binary.c) against the dense cblas_sgemm, for its three shapes:
 * the fields v W (ta = 0, tb = 0), the way back h W' (tb = 1, W stored
 * n x k) and the gradient statistic v' P (ta = 1), on random binary
 * operands (Philox seed 11) of densities 0.01, 0.13, 0.5 and 0.9, at the
 * CD-1 size (100 x 784 x 500) and at sizes that are no multiple of the
 * kernel's 64-column blocks (37 x 130 x 91, 3 x 5 x 7), with alpha and beta
 * other than 0 and 1 (and beta = 0 over a C of NaNs, which must not leak),
 * one row of op(A) all ones, one all zeros and one column all zeros, and
 * operands of 0 and -0.01 as well as of 0 and 1 (the compiler folds a
 * gradient's -1/batch into the states it multiplies). Each
 * element must be within 1e-5 of the sum of its terms' magnitudes (the two
 * paths add in different orders), with the processor's widest kernel and
 * with its AVX2 and SSE2 instantiations (EBMC_SPARSE_ISA). Then which
 * calls take the path by default (density thresholds, non-binary values,
 * tiny products). */
#include <cblas.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "rt.h"
#include "rt_kernel.h"

static float *normal(int64_t n, uint32_t stream) {
    float *x = malloc(sizeof(float) * (size_t)n);
    for (int64_t i = 0; i < n; i++) x[i] = rt_normal(11, stream, 0, (uint32_t)i);
    return x;
}

/* op(A) (m x k) of 0s and `one`s (1, or a gradient's folded -1/batch) at
 * this density, stored k x m when ta; row 0 all ones, row 1 all zeros,
 * column 2 all zeros (when they exist) */
static float *binary(int32_t ta, int64_t m, int64_t k, double density, float one, uint32_t stream) {
    float *x = malloc(sizeof(float) * (size_t)(m * k));
    for (int64_t r = 0; r < m; r++)
        for (int64_t i = 0; i < k; i++) {
            float v = rt_uniform(11, stream, 0, (uint32_t)(r * k + i)) < density ? one : 0.0f;
            if (r == 0) v = one;
            if ((r == 1 && m > 2) || (i == 2 && k > 3)) v = 0;
            x[ta ? i * m + r : r * k + i] = v;
        }
    return x;
}

/* sparse against dense for one shape, size, density and alpha, beta:
 * the largest |sparse - dense| / sum of the terms' magnitudes */
static double compare(int32_t ta, int32_t tb, int64_t m, int64_t n, int64_t k, double density, float one,
                      float alpha, float beta, int *taken) {
    float *a = binary(ta, m, k, density, one, 10 + (uint32_t)(1000 * density)), *b = normal(n * k, 1);
    float *absa = binary(ta, m, k, density, fabsf(one), 10 + (uint32_t)(1000 * density));
    float *c0 = normal(m * n, 2), *s = malloc(sizeof(float) * (size_t)(m * n)), *d = malloc(sizeof(float) * (size_t)(m * n));
    float *absb = malloc(sizeof(float) * (size_t)(n * k)), *mag = malloc(sizeof(float) * (size_t)(m * n));
    for (int64_t i = 0; i < n * k; i++) absb[i] = fabsf(b[i]);
    for (int64_t i = 0; i < m * n; i++) s[i] = beta == 0 ? NAN : c0[i], d[i] = c0[i];
    *taken = rt_gemm_binary(ta, tb, m, n, k, alpha, a, b, beta, s);
    enum CBLAS_TRANSPOSE oa = ta ? CblasTrans : CblasNoTrans, ob = tb ? CblasTrans : CblasNoTrans;
    int lda = (int)(ta ? m : k), ldb = (int)(tb ? k : n);
    cblas_sgemm(CblasRowMajor, oa, ob, (int)m, (int)n, (int)k, alpha, a, lda, b, ldb, beta, d, (int)n);
    cblas_sgemm(CblasRowMajor, oa, ob, (int)m, (int)n, (int)k, fabsf(alpha), absa, lda, absb, ldb, 0, mag, (int)n);
    double w = 0;
    for (int64_t i = 0; i < m * n; i++) {
        double t = mag[i] + fabsf(beta * c0[i]);
        double e = fabs((double)s[i] - d[i]) / (t > 1e-30 ? t : 1e-30);
        if (e > w || e != e) w = e;
    }
    free(a), free(absa), free(b), free(c0), free(s), free(d), free(absb), free(mag);
    return w;
}

static void all_shapes_agree_with_dense(void) {
    const double density[] = {0.01, 0.13, 0.5, 0.9};
    const int64_t size[][3] = {{100, 500, 784}, {37, 130, 91}, {3, 5, 7}};   /* rows, cols of A, B's other side */
    const float ab[][2] = {{1, 0}, {-0.01f, 1}, {0.5f, -2}};
    const char *name[] = {"v W", "h W'", "v' P"};
    for (int shape = 0; shape < 3; shape++)
        for (int z = 0; z < 3; z++)
            for (int t = 0; t < 4; t++) {
                int32_t ta = shape == 2, tb = shape == 1;
                int64_t m = size[z][0], n = size[z][1], k = size[z][2];
                if (ta) m = size[z][2], k = size[z][0];   /* v' P: the batch is k */
                float alpha = ab[(t + z) % 3][0], beta = ab[(t + z) % 3][1], one = t % 2 ? -0.01f : 1;
                int taken;
                double e = compare(ta, tb, m, n, k, density[t], one, alpha, beta, &taken);
                CHECK(taken, "%s %ldx%ldx%ld at density %g: declined", name[shape], (long)m, (long)n, (long)k,
                      density[t]);
                CHECK(e <= 1e-5, "%s %ldx%ldx%ld at density %g of %g, alpha %g beta %g: differs by %g of its terms' sum",
                      name[shape], (long)m, (long)n, (long)k, density[t], one, alpha, beta, e);
            }
}

static void taken_only_where_it_should(void) {
    enum { B = 100, V = 784, H = 500 };
    float *W = normal(V * H, 1), *c = malloc(sizeof(float) * V * H);
    float *sparse = binary(0, B, V, 0.13, 1, 20), *dense = binary(0, B, V, 0.7, 1, 21), *half = binary(0, B, V, 0.13, 1, 20);
    float *scaled = binary(0, B, V, 0.13, -0.01f, 20), *two = binary(0, B, V, 0.13, -0.01f, 20);
    float *forty = binary(0, B, V, 0.4, 1, 22);
    half[B * V - 1] = 0.5f;
    two[B * V - 1] = 0.01f;   /* 0, -0.01 and 0.01: three values */
    setenv("EBMC_SPARSE", "auto", 1);
    CHECK(rt_gemm_binary(0, 0, B, H, V, 1, sparse, W, 0, c), "v W at 13%%: sparse");
    CHECK(rt_gemm_binary(0, 1, B, V, H, 1, sparse, W, 0, c), "h W' at 13%%: sparse");
    CHECK(rt_gemm_binary(1, 0, V, H, B, 1, sparse, W, 0, c), "v' P at 13%%: sparse");
    CHECK(rt_gemm_binary(0, 0, B, H, V, 1, forty, W, 0, c), "v W at 40%%: sparse");
    CHECK(!rt_gemm_binary(0, 0, B, H, V, 1, dense, W, 0, c), "v W at 70%%: dense");
    CHECK(!rt_gemm_binary(0, 1, B, V, H, 1, dense, W, 0, c), "h W' at 70%%: dense");
    CHECK(!rt_gemm_binary(1, 0, V, H, B, 1, dense, W, 0, c), "v' P at 70%%: dense");
    CHECK(!rt_gemm_binary(0, 0, B, H, V, 1, half, W, 0, c), "a value of 0.5 in the last row: dense");
    CHECK(rt_gemm_binary(1, 0, V, H, B, 1, scaled, W, 0, c), "v' P with v of 0 and -0.01 at 13%%: sparse");
    CHECK(!rt_gemm_binary(1, 0, V, H, B, 1, two, W, 0, c), "v' P with v of 0, -0.01 and 0.01: dense");
    CHECK(!rt_gemm_binary(0, 0, 4, 5, 6, 1, sparse, W, 0, c), "a tiny product: dense");
    setenv("EBMC_SPARSE", "0", 1);
    CHECK(!rt_gemm_binary(0, 0, B, H, V, 1, sparse, W, 0, c), "EBMC_SPARSE=0: dense");
    setenv("EBMC_SPARSE", "1", 1);
    CHECK(rt_gemm_binary(0, 0, B, H, V, 1, dense, W, 0, c), "EBMC_SPARSE=1: sparse at 70%%");
    CHECK(rt_gemm_binary(0, 0, 4, 5, 6, 1, sparse, W, 0, c), "EBMC_SPARSE=1: sparse when tiny");
    CHECK(!rt_gemm_binary(0, 0, B, H, V, 1, half, W, 0, c), "EBMC_SPARSE=1: a value of 0.5 still dense");
    CHECK(!rt_gemm_binary(1, 1, V, V, B, 1, sparse, W, 0, c), "EBMC_SPARSE=1: A' B' (no kernel emits it) dense");
    free(W), free(c), free(sparse), free(dense), free(half), free(scaled), free(two), free(forty);
}

/* the kernel's AVX2 and SSE2 instantiations (the processor's widest ran
 * above) on the sizes that are no multiple of the block */
static void narrower_kernels_agree(void) {
    const char *isa[] = {"avx2", "sse2"};
    for (int q = 0; q < 2; q++) {
        setenv("EBMC_SPARSE_ISA", isa[q], 1);
        for (int shape = 0; shape < 3; shape++) {
            int taken;
            double e = compare(shape == 2, shape == 1, 37, 130, 91, 0.13, shape == 2 ? -0.01f : 1, 0.5f, -2, &taken);
            CHECK(taken && e <= 1e-5, "%s, shape %d: taken %d, differs by %g of its terms' sum", isa[q], shape, taken, e);
        }
    }
    unsetenv("EBMC_SPARSE_ISA");
}

int main(void) {
    setenv("EBMC_SPARSE", "1", 1);
    TEST(all_shapes_agree_with_dense);
    TEST(narrower_kernels_agree);
    TEST(taken_only_where_it_should);
    CHECK_DONE();
}
