/* rt_kernel.c — elementwise functions, GEMM and softmax rows for kernels. */
#include "rt_kernel.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "rt_par.h"

float rt_fn_abs(float x) { return fabsf(x); }
float rt_fn_sqrt(float x) { return sqrtf(x); }
float rt_fn_sign(float x) { return (float)((x > 0) - (x < 0)); }
float rt_fn_pow(float x, float c) { return powf(x, c); }
float rt_fn_powi(float x, int32_t n) {
    float r = 1.0f, b = n < 0 ? 1.0f / x : x;
    for (int32_t k = n < 0 ? -n : n; k; k >>= 1, b *= b)
        if (k & 1) r *= b;
    return r;
}

float rt_fn_apply(int fn, float x, float c) {
    switch (fn) {
    case 0: return rt_fn_exp(x);
    case 1: return rt_fn_log(x);
    case 2: return rt_fn_softplus(x);
    case 3: return rt_fn_sigmoid(x);
    case 4: return rt_fn_abs(x);
    case 5: return rt_fn_sqrt(x);
    case 6: return rt_fn_tanh(x);
    case 7: return rt_fn_log1p(x);
    case 8: return rt_fn_logcosh(x);
    case 9: return rt_fn_sign(x);
    default: return rt_fn_pow(x, c);
    }
}

/* A GEMM is cut into chunks of rows or columns of C (the larger of its
 * dimensions), each a single-threaded sgemm that the worker threads
 * (runtime/core/rt_par.c) take one at a time; OpenBLAS's own threads are
 * off while it runs: they would compete with the workers for the cores,
 * and on the machines measured (docs/performance.md) the split is faster
 * than OpenBLAS's threading at these sizes. The chunks' bounds depend only
 * on the GEMM's shape, and a GEMM is cut the same way when one thread runs
 * it: every element of C comes from the same sgemm call whatever
 * EBMC_THREADS is (where a part starts changes the last bits under some
 * OpenBLAS kernels' edge handling), so results do not depend on it. */
typedef struct GemmPart {
    int32_t ta, tb, by_rows;
    int64_t m, n, k;
    float alpha, beta;
    const float *a, *b;
    float *c;
} GemmPart;

static void sgemm(int32_t ta, int32_t tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a, int64_t lda,
                  const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, (int)m, (int)n, (int)k,
                alpha, a, (int)lda, b, (int)ldb, beta, c, (int)ldc);
}

static void gemm_part(void *ctx, int64_t lo, int64_t hi) {
    const GemmPart *g = ctx;
    int64_t lda = g->ta ? g->m : g->k, ldb = g->tb ? g->k : g->n;
    if (g->by_rows)   /* rows lo..hi of C: those rows of op(A) */
        sgemm(g->ta, g->tb, hi - lo, g->n, g->k, g->alpha, g->ta ? g->a + lo : g->a + lo * g->k, lda, g->b, ldb,
              g->beta, g->c + lo * g->n, g->n);
    else              /* columns lo..hi of C: those columns of op(B) */
        sgemm(g->ta, g->tb, g->m, hi - lo, g->k, g->alpha, g->a, lda, g->tb ? g->b + lo * g->k : g->b + lo, ldb,
              g->beta, g->c + lo, g->n);
}

/* rows or columns of C per chunk: 64 (a multiple of every sgemm kernel's
 * unroll), more when that would be under ~1M multiply-adds; a GEMM under
 * ~2M is one chunk */
static int64_t gemm_chunk(int64_t m, int64_t n, int64_t k) {
    int64_t len = m >= n ? m : n, per = (m >= n ? n : m) * k;
    if (per * len < (2 << 20)) return len;
    int64_t c = ((1 << 20) / (per ? per : 1) + 15) / 16 * 16;
    return c > 64 ? c : 64;
}

void rt_gemm(int32_t ta, int32_t tb, int64_t m, int64_t n, int64_t k, float alpha,
             const float *a, const float *b, float beta, float *c) {
    if (m == 0 || n == 0) return;
    if (k == 0) {
        for (int64_t i = 0; i < m * n; i++) c[i] = beta == 0 ? 0 : beta * c[i];
        return;
    }
    if (rt_gemm_binary(ta, tb, m, n, k, alpha, a, b, beta, c)) return;
    GemmPart g = {ta, tb, m >= n, m, n, k, alpha, beta, a, b, c};
    int blas = openblas_get_num_threads();
    openblas_set_num_threads(1);
    rt_par_chunks(gemm_part, &g, g.by_rows ? m : n, gemm_chunk(m, n, k));
    openblas_set_num_threads(blas);
}

void rt_softmax_rows(const float *in, float *out, float *aux, int64_t rows, int64_t width,
                     int32_t mode, uint64_t seed, int32_t stream, uint64_t step, int64_t row0) {
    for (int64_t r = 0; r < rows; r++) {
        const float *x = in + r * width;
        float mx = x[0];
        for (int64_t k = 1; k < width; k++)
            if (x[k] > mx) mx = x[k];
        float sum = 0;
        for (int64_t k = 0; k < width; k++) sum += expf(x[k] - mx);
        if (mode == 2) {
            out[r] = mx + logf(sum);
            continue;
        }
        float *p = mode == 0 ? out + r * width : aux + r * width;
        for (int64_t k = 0; k < width; k++) p[k] = expf(x[k] - mx) / sum;
        if (mode == 0) {
            if (aux)
                for (int64_t k = 0; k < width; k++) aux[r * width + k] = p[k];
            continue;
        }
        float u = rt_uniform(seed, (uint32_t)stream, step, (uint32_t)(row0 + r)), acc = 0;
        int64_t pick = width - 1;
        for (int64_t k = 0; k < width; k++) {
            acc += p[k];
            if (u < acc) {
                pick = k;
                break;
            }
        }
        for (int64_t k = 0; k < width; k++) out[r * width + k] = k == pick ? 1.0f : 0.0f;
    }
}

void rt_seq_gibbs(const float *a, const float *J, int32_t j_batched, float *x, float *mean, const float *clamp,
                  int64_t rows, int64_t n, int32_t spin, int32_t sample, uint64_t seed, int32_t stream, uint64_t step,
                  int64_t row0) {
    for (int64_t r = 0; r < rows; r++) {
        const float *Jr = J + (j_batched ? r * n * n : 0), *ar = a + r * n;
        const float *cr = clamp ? clamp + r * n : NULL;
        float *xr = x + r * n, *mr = mean + r * n;
        for (int64_t u = 0; u < n; u++) {
            if (cr && cr[u] != 0) {
                mr[u] = xr[u];
                continue;
            }
            const float *row = Jr + u * n;
            float h = ar[u];
            for (int64_t k = 0; k < n; k++)
                if (k != u) h += row[k] * xr[k];
            float p, m;
            if (spin) {
                p = rt_fn_sigmoid(2.0f * h);
                m = rt_fn_tanh(h);
            } else {
                h += 0.5f * row[u];
                p = m = rt_fn_sigmoid(h);
            }
            mr[u] = m;
            if (!sample) xr[u] = m;
            else {
                int on = rt_uniform(seed, (uint32_t)stream, step, (uint32_t)((row0 + r) * n + u)) < p;
                xr[u] = spin ? (on ? 1.0f : -1.0f) : (on ? 1.0f : 0.0f);
            }
        }
    }
}

extern void spotrf_(const char *uplo, const int *n, float *a, const int *lda, int *info);

void rt_gauss_full(const float *a, const float *J, int32_t j_batched, float *x, float *mean, const float *clamp,
                   int64_t rows, int64_t n, int32_t sample, uint64_t seed, int32_t stream, uint64_t step, int64_t row0) {
    float *L = malloc(sizeof(float) * (size_t)(n * n)), *y = malloc(sizeof(float) * (size_t)n);
    float *f = malloc(sizeof(float) * (size_t)n);
    int64_t *free_idx = malloc(sizeof(int64_t) * (size_t)n);
    for (int64_t r = 0; r < rows; r++) {
        const float *Jr = J + (j_batched ? r * n * n : 0), *cr = clamp ? clamp + r * n : NULL;
        float *xr = x + r * n, *mr = mean + r * n;
        /* the free units F; the clamped ones C shift the field: a_F - P_FC x_C */
        int64_t nf = 0;
        for (int64_t u = 0; u < n; u++)
            if (!cr || cr[u] == 0) free_idx[nf++] = u;
        for (int64_t i = 0; i < nf; i++) {
            int64_t u = free_idx[i];
            float fi = a[r * n + u];
            for (int64_t c = 0; cr && c < n; c++)
                if (cr[c] != 0) fi += Jr[u * n + c] * xr[c];
            f[i] = fi;
            for (int64_t k = 0; k < nf; k++) L[i * nf + k] = -Jr[u * n + free_idx[k]];
        }
        for (int64_t u = 0; u < n; u++) mr[u] = xr[u];
        if (nf == 0) continue;
        int nn = (int)nf, info = 0;
        /* row-major P is its own transpose: LAPACK's upper factor U (column
         * major) is, read row-major, the lower L with P = L L' */
        spotrf_("U", &nn, L, &nn, &info);
        if (info != 0) {
            for (int64_t i = 0; i < nf; i++) xr[free_idx[i]] = mr[free_idx[i]] = NAN;
            continue;
        }
        cblas_strsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, nn, L, nn, f, 1);
        cblas_strsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, nn, L, nn, f, 1);
        if (sample) {
            for (int64_t i = 0; i < nf; i++) y[i] = rt_normal(seed, (uint32_t)stream, step, (uint32_t)((row0 + r) * n + free_idx[i]));
            cblas_strsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, nn, L, nn, y, 1);
        }
        for (int64_t i = 0; i < nf; i++) {
            mr[free_idx[i]] = f[i];
            xr[free_idx[i]] = sample ? f[i] + y[i] : f[i];
        }
    }
    free(L);
    free(y);
    free(f);
    free(free_idx);
}
