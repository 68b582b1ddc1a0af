/* test_rt_gemm_binary.c — the sparse path of rt_gemm (runtime/core/
 * rt_gemm_binary.c) against the dense sgemm, on random binary operands of
 * densities 0.01, 0.13, 0.5 and 1 (Philox seed 11): the fields v W of a
 * 100x784 batch and a 784x500 W, and the gradient statistic
 * -1/100 v' P + beta G of the same batch and a 100x500 P, each element
 * within 1e-5 of the sum of its terms' magnitudes (the two paths add in
 * different orders); by default the sparse path is taken only for v W on
 * a sparse enough binary batch. */
#include <cblas.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "rt.h"
#include "rt_kernel.h"

enum { B = 100, V = 784, H = 500 };

static float *binary(int64_t n, double density, uint32_t stream) {
    float *x = malloc(sizeof(float) * (size_t)n);
    for (int64_t i = 0; i < n; i++) x[i] = rt_uniform(11, stream, 0, (uint32_t)i) < density ? 1.0f : 0.0f;
    return x;
}

static float *normal(int64_t n, uint32_t stream) {
    float *x = malloc(sizeof(float) * (size_t)n);
    for (int64_t i = 0; i < n; i++) x[i] = rt_normal(11, stream, 0, (uint32_t)i);
    return x;
}

/* the largest |sparse - dense| / sum |terms| over the elements */
static double worst(const float *s, const float *d, const float *mag, int64_t n) {
    double w = 0;
    for (int64_t i = 0; i < n; i++) {
        double e = fabs((double)s[i] - d[i]) / (mag[i] > 1e-30f ? mag[i] : 1e-30f);
        if (e > w || e != e) w = e;
    }
    return w;
}

static void fields_and_gradients_agree(void) {
    const double density[] = {0.01, 0.13, 0.5, 1.0};
    float *W = normal(V * H, 1), *P = normal(B * H, 2), *G0 = normal(V * H, 3);
    float *absW = malloc(sizeof(float) * V * H), *absP = malloc(sizeof(float) * B * H);
    for (int i = 0; i < V * H; i++) absW[i] = fabsf(W[i]);
    for (int i = 0; i < B * H; i++) absP[i] = fabsf(P[i]);
    float *s = malloc(sizeof(float) * V * H), *d = malloc(sizeof(float) * V * H), *mag = malloc(sizeof(float) * V * H);
    for (int t = 0; t < 4; t++) {
        float *v = binary(B * V, density[t], 10 + (uint32_t)t);
        /* fields: v W */
        CHECK(rt_gemm_binary(0, 0, B, H, V, 1, v, W, 0, s), "density %g: fields declined", density[t]);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, H, V, 1, v, V, W, H, 0, d, H);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, H, V, 1, v, V, absW, H, 0, mag, H);
        double e = worst(s, d, mag, B * H);
        CHECK(e <= 1e-5, "density %g: fields differ by %g of their terms' sum", density[t], e);
        /* gradient statistic: G = -1/B v' P + G0 */
        memcpy(s, G0, sizeof(float) * V * H);
        memcpy(d, G0, sizeof(float) * V * H);
        CHECK(rt_gemm_binary(1, 0, V, H, B, -1.0f / B, v, P, 1, s), "density %g: gradient declined", density[t]);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, V, H, B, -1.0f / B, v, V, P, H, 1, d, H);
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, V, H, B, 1.0f / B, v, V, absP, H, 0, mag, H);
        for (int i = 0; i < V * H; i++) mag[i] += fabsf(G0[i]);
        e = worst(s, d, mag, V * H);
        CHECK(e <= 1e-5, "density %g: gradients differ by %g of their terms' sum", density[t], e);
        free(v);
    }
    free(W), free(P), free(G0), free(absW), free(absP), free(s), free(d), free(mag);
}

static void taken_only_where_it_should(void) {
    float *W = normal(V * H, 1), *c = malloc(sizeof(float) * V * H);
    float *sparse = binary(B * V, 0.13, 20), *dense = binary(B * V, 0.5, 21), *half = binary(B * V, 0.13, 20);
    half[7] = 0.5f;
    setenv("EBMC_SPARSE", "auto", 1);
    CHECK(rt_gemm_binary(0, 0, B, H, V, 1, sparse, W, 0, c), "13%% binary: sparse");
    CHECK(!rt_gemm_binary(0, 0, B, H, V, 1, dense, W, 0, c), "50%% binary: dense");
    CHECK(!rt_gemm_binary(0, 0, B, H, V, 1, half, W, 0, c), "a value of 0.5: dense");
    CHECK(!rt_gemm_binary(0, 1, B, V, H, 1, sparse, W, 0, c), "op(B) = W' (rows not contiguous): dense");
    CHECK(!rt_gemm_binary(0, 0, 4, 5, 6, 1, sparse, W, 0, c), "a tiny product: dense");
    CHECK(!rt_gemm_binary(1, 0, V, H, B, 1, sparse, W, 0, c), "v' P: dense unless forced");
    setenv("EBMC_SPARSE", "0", 1);
    CHECK(!rt_gemm_binary(0, 0, B, H, V, 1, sparse, W, 0, c), "EBMC_SPARSE=0: dense");
    setenv("EBMC_SPARSE", "1", 1);
    CHECK(rt_gemm_binary(0, 0, B, H, V, 1, dense, W, 0, c), "EBMC_SPARSE=1: sparse at 50%%");
    CHECK(rt_gemm_binary(0, 0, 4, 5, 6, 1, sparse, W, 0, c), "EBMC_SPARSE=1: sparse when tiny");
    CHECK(rt_gemm_binary(1, 0, V, H, B, 1, sparse, W, 0, c), "EBMC_SPARSE=1: v' P sparse");
    free(W), free(c), free(sparse), free(dense), free(half);
}

int main(void) {
    setenv("EBMC_SPARSE", "1", 1);
    TEST(fields_and_gradients_agree);
    TEST(taken_only_where_it_should);
    CHECK_DONE();
}
