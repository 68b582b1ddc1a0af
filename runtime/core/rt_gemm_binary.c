/* rt_gemm_binary.c — GEMMs whose left operand holds only 0s and 1s
 * (binarised data, sampled states): v W is, for each row of v, the sum of
 * the rows of W where v is 1, and v' P adds row r of P into row i of the
 * result wherever v[r, i] is 1. rt_gemm (rt_kernel.c) calls this first;
 * it takes the product when the operand is binary and sparse enough.
 *
 * By default only the fields v W take it, and only when the density of
 * this call's batch is at most RT_GEMM_SPARSE_DENSITY, measured by the scan
 * that checks the operand is binary (it stops at the first value that is
 * neither 0 nor 1, or once the ones pass the threshold, so a dense batch
 * costs a fraction of the scan). The threshold and the choice to leave
 * v' P dense by default come from measurements on a loaded machine
 * (docs/performance.md): the row sums of v W were 2.4 to 3.3 times faster
 * than the dense sgemm at 5% ones, 1.3 times at 13%, half as fast at 30%;
 * the scatter of v' P was no faster. EBMC_SPARSE=1 takes every binary
 * operand of either product whatever its density and size, EBMC_SPARSE=0
 * none (the tests force both paths).
 *
 * Summation order: each element of the result is alpha times the sum of
 * its terms in increasing index order (row index of W, or batch row of P),
 * in float, without fused multiply-adds, plus beta times its old value;
 * the dense sgemm sums in its kernel's blocked order with FMA, so the two
 * agree to float rounding (tests/unit/test_rt_gemm_binary.c: relative
 * 1e-5). Both back ends call rt_gemm, so the JIT and the interpreter stay
 * identical, and the chunks (rows of the result) do not change any
 * element's sum, so neither does EBMC_THREADS. */
#include <stdlib.h>
#include <string.h>

#include "rt_kernel.h"
#include "rt_par.h"

#define RT_GEMM_SPARSE_DENSITY 0.15

typedef struct Sparse {
    int32_t ta;
    int64_t m, n, k;
    float alpha, beta;
    const float *a, *b;
    float *c;
} Sparse;

static void finish_row(float *restrict c, const float *restrict s, int64_t n, float alpha, float beta) {
    if (beta == 0)
        for (int64_t j = 0; j < n; j++) c[j] = alpha * s[j];
    else
        for (int64_t j = 0; j < n; j++) c[j] = alpha * s[j] + beta * c[j];
}

/* the one loop the sparse path spends its time in: vectorised for the
 * processor at hand (the build's baseline is SSE2) */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__)
__attribute__((target_clones("avx512f", "avx2", "default"), optimize("tree-vectorize")))
#endif
static void add_row(float *restrict s, const float *restrict b, int64_t n) {
    for (int64_t j = 0; j < n; j++) s[j] += b[j];
}

/* rows [lo, hi) of C */
static void sparse_part(void *ctx, int64_t lo, int64_t hi) {
    const Sparse *p = ctx;
    int64_t n = p->n, k = p->k, m = p->m;
    float *s = calloc((size_t)((hi - lo) * n), sizeof(float));
    if (!p->ta) {
        /* C[r, :] = sum over i with A[r, i] = 1 of B[i, :] */
        for (int64_t r = lo; r < hi; r++) {
            const float *ar = p->a + r * k;
            float *sr = s + (r - lo) * n;
            for (int64_t i = 0; i < k; i++)
                if (ar[i] != 0) add_row(sr, p->b + i * n, n);
        }
    } else {
        /* A is k x m: C[i, :] = sum over rows r with A[r, i] = 1 of B[r, :] */
        for (int64_t r = 0; r < k; r++) {
            const float *ar = p->a + r * m, *br = p->b + r * n;
            for (int64_t i = lo; i < hi; i++)
                if (ar[i] != 0) add_row(s + (i - lo) * n, br, n);
        }
    }
    for (int64_t r = lo; r < hi; r++) finish_row(p->c + r * n, s + (r - lo) * n, n, p->alpha, p->beta);
    free(s);
}

int rt_gemm_binary(int32_t ta, int32_t tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                   const float *b, float beta, float *c) {
    /* read at every call (next to a GEMM, nothing): tests switch it */
    const char *e = getenv("EBMC_SPARSE");
    int mode = e && *e == '0' ? 0 : e && *e == '1' ? 1 : 2;   /* never, always, by density */
    /* B's rows must be contiguous: the rows of W (not W') are what is
     * summed; by density, only products worth the scan */
    if (!mode || tb || (mode == 2 && (ta || m * n * k < (1 << 20)))) return 0;
    int64_t ones = 0, total = m * k;
    int64_t most = mode == 2 ? (int64_t)(RT_GEMM_SPARSE_DENSITY * (double)total) : total;
    for (int64_t i = 0; i < total; i++) {
        if (a[i] == 1.0f) {
            if (++ones > most) return 0;
        } else if (a[i] != 0.0f)
            return 0;
    }
    Sparse p = {ta, m, n, k, alpha, beta, a, b, c};
    rt_par_chunks(sparse_part, &p, m, 16);
    return 1;
}
