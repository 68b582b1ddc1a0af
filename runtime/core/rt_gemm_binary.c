/* rt_gemm_binary.c — GEMMs whose left operand holds only 0s and 1s
 * (binarised data, sampled states), or 0s and one other value s (the
 * compiler folds a gradient's -1/batch into the states: 0 and -0.01; the
 * product is then alpha s times the sums below). rt_gemm (rt_kernel.c)
 * calls this first; it takes the product when the operand is binary and
 * sparse enough, and declines (returns 0) otherwise, leaving it to the
 * dense sgemm.
 *
 * Every shape is one kernel: an output row is alpha times the sum of the
 * rows of a "panel" named by an index list, plus beta times its old value.
 *   v W   (ta = 0, tb = 0)  C[r, :] = sum of W[i, :] over i with v[r, i] = 1
 *   h W'  (ta = 0, tb = 1)  the same with the rows of W' (columns of W)
 *   v' P  (ta = 1)          C[i, :] = sum of P[r, :] over r with v[r, i] = 1:
 *                           the sparsity pattern is transposed into one
 *                           index list per column of v
 * The index lists are built once per call by the scan that checks the
 * operand is binary and measures its density; the scan stops at the first
 * row holding a value that is neither 0 nor 1 (a non-binary operand such as
 * probabilities costs at most one row of reads, which is why the compiler
 * passes no "binary" hint: the scan is as cheap as checking one) or once the
 * ones pass the shape's threshold. The work is cut into column blocks of C,
 * RT_SPARSE_NB = 64 floats wide, each first copied into a 64-byte aligned
 * panel (k x RT_SPARSE_NB floats: for W', 784 rows, 200 KB, in L2 while
 * every output row is summed from it), transposed for h W'; each
 * output row's block is accumulated in vector registers (four of 16 floats
 * with AVX-512, eight of 8 with AVX2, sixteen of 4 with SSE2) and written
 * once: one load and one add per vector and term.
 *
 * By density (the default), a shape is taken when the density of this
 * call's operand is at most its threshold (RT_SPARSE_* below, measured
 * with `bench_ebmc binary` against the dense sgemm, docs/performance.md).
 * EBMC_SPARSE=1 takes every binary operand of every shape whatever its
 * density and size, EBMC_SPARSE=0 none (the tests force both paths).
 *
 * Summation order: each element of the result is alpha (times s) times
 * the sum of its terms added in increasing index order (row index of W or
 * W', or batch row of P), in float, without fused multiply-adds, then plus
 * beta times its old value; the dense sgemm sums in its kernel's blocked
 * order with FMA, so the two agree to float rounding (tests/unit/test_rt_gemm_binary.c:
 * relative 1e-5). Both back ends call rt_gemm, so the JIT and the
 * interpreter stay identical, and the chunks (column blocks of C, fixed by
 * n alone) do not change any element's sum, so neither does EBMC_THREADS. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_kernel.h"
#include "rt_par.h"

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#endif

/* the largest density (ones / elements of the binary operand) at which
 * each shape is taken by default: below the break-even measured against
 * the dense sgemm (about 50%, 50% and 60%, docs/performance.md), as the
 * scan runs on one thread */
#define RT_SPARSE_VW 0.45
#define RT_SPARSE_HWT 0.45
#define RT_SPARSE_VTP 0.50
enum { RT_SPARSE_NB = 64 };

/* C[r, j0 .. j0 + w) for every r from a panel (SUM_ROWS below) */
typedef void (*sum_rows_fn)(float *restrict, int64_t, int64_t, const float *restrict, int64_t, int64_t,
                            const int32_t *restrict, const int32_t *restrict, float, float);

typedef struct Sparse {
    int32_t tb;
    int64_t m, n, k;    /* C is m x n; the panel has `rows` rows */
    int64_t rows;
    float alpha, beta;
    const float *b;     /* the panel's source: W or P (k x n), or W' stored n x k */
    const int32_t *off, *idx;
    float *panel;       /* rows x RT_SPARSE_NB per column block, 64-byte aligned */
    float *c;
    sum_rows_fn sum_rows;   /* for the vector width at hand */
} Sparse;

/* a buffer of this thread's, kept for the next call (a CD-1 batch makes
 * five calls of the same few sizes: fresh pages at every call cost more
 * than the kernels' scans); NULL when out of memory */
enum { SCRATCH_OFF, SCRATCH_IDX, SCRATCH_ROFF, SCRATCH_RIDX, SCRATCH_NEXT, SCRATCH_PANEL, SCRATCHES };
static void *scratch(int slot, size_t bytes) {
    static _Thread_local struct {
        void *p;
        size_t cap;
    } s[SCRATCHES];
    if (s[slot].cap < bytes) {
        free(s[slot].p);
        s[slot].p = aligned_alloc(64, (bytes + 63) / 64 * 64);
        s[slot].cap = s[slot].p ? bytes : 0;
    }
    return s[slot].p;
}

/* C[r, j0 .. j0 + w) for every r, w <= RT_SPARSE_NB, from a panel whose
 * rows hold RT_SPARSE_NB readable floats (those past w are not used): the
 * loop the sparse path spends its time in. One body, instantiated for the
 * vector width of each instruction set (16 floats a register with AVX-512,
 * 8 with AVX2, 4 with the SSE2 baseline) and picked at run time: GCC's
 * generic 64-byte vectors compiled for AVX2 went through memory, 4.5x
 * slower. The accumulators are an array whose loops are unrolled, so they
 * live in registers. */
#define SUM_ROWS(NAME, L)                                                                                          \
    static void NAME(float *restrict c, int64_t ldc, int64_t m, const float *restrict panel, int64_t ldp, int64_t w, \
                     const int32_t *restrict off, const int32_t *restrict idx, float alpha, float beta) {        \
        typedef float vec __attribute__((vector_size(4 * L)));                                                   \
        enum { V = RT_SPARSE_NB / L };                                                                          \
        for (int64_t r = 0; r < m; r++) {                                                                       \
            const int32_t *ix = idx + off[r], *end = idx + off[r + 1];                                          \
            vec acc[V], t;                                                                                      \
            _Pragma("GCC unroll 16") for (int q = 0; q < V; q++) acc[q] = (vec){0};                             \
            for (; ix < end; ix++) {                                                                            \
                const float *p = panel + (int64_t)*ix * ldp;                                                    \
                _Pragma("GCC unroll 16") for (int q = 0; q < V; q++) memcpy(&t, p + L * q, sizeof t), acc[q] += t; \
            }                                                                                                   \
            float *cr = c + r * ldc;                                                                            \
            if (w == RT_SPARSE_NB) {                                                                            \
                _Pragma("GCC unroll 16") for (int q = 0; q < V; q++) {                                          \
                    vec x = alpha * acc[q];                                                                     \
                    if (beta != 0) memcpy(&t, cr + L * q, sizeof t), x += beta * t;                             \
                    memcpy(cr + L * q, &x, sizeof x);                                                           \
                }                                                                                               \
            } else {                                                                                            \
                float s[RT_SPARSE_NB];                                                                          \
                memcpy(s, acc, sizeof s);                                                                       \
                for (int64_t j = 0; j < w; j++) cr[j] = beta == 0 ? alpha * s[j] : alpha * s[j] + beta * cr[j]; \
            }                                                                                                   \
        }                                                                                                       \
    }

SUM_ROWS(sum_rows_plain, 4)
#if defined(__GNUC__) && defined(__x86_64__)
__attribute__((target("avx2"))) SUM_ROWS(sum_rows_avx2, 8)
__attribute__((target("avx512f"))) SUM_ROWS(sum_rows_avx512, 16)
#endif

/* the widest vectors to use, 2: AVX-512, 1: AVX2, 0: the SSE2 baseline:
 * the widest the processor has; EBMC_SPARSE_ISA=sse2 or avx2 caps it
 * (test_rt_gemm_binary runs every instantiation of the scan and the sums) */
static int isa_level(void) {
#if defined(__GNUC__) && defined(__x86_64__)
    const char *cap = getenv("EBMC_SPARSE_ISA");
    int most = cap && !strcmp(cap, "sse2") ? 0 : cap && !strcmp(cap, "avx2") ? 1 : 2;
    if (most >= 2 && __builtin_cpu_supports("avx512f")) return 2;
    if (most >= 1 && __builtin_cpu_supports("avx2")) return 1;
#endif
    return 0;
}

static sum_rows_fn sum_rows_for_cpu(int isa) {
#if defined(__GNUC__) && defined(__x86_64__)
    if (isa == 2) return sum_rows_avx512;
    if (isa == 1) return sum_rows_avx2;
#else
    (void)isa;
#endif
    return sum_rows_plain;
}

/* panel[i, jj] = b[jj, i] for i < rows, jj < w (b's rows ldb apart): the
 * panel of h W' is a block of W' */
static void transpose_plain(float *restrict panel, const float *restrict b, int64_t ldb, int64_t i0, int64_t rows,
                            int64_t j0, int64_t w) {
    for (int64_t i = i0; i < rows; i++)
        for (int64_t jj = j0; jj < w; jj++) panel[i * RT_SPARSE_NB + jj] = b[jj * ldb + i];
}

#if defined(__GNUC__) && defined(__x86_64__)
/* 8 x 8 tiles transposed in registers (unpack, shuffle, swap halves) */
__attribute__((target("avx2"))) static void transpose_avx2(float *restrict panel, const float *restrict b, int64_t ldb,
                                                           int64_t rows, int64_t w) {
    int64_t i = 0, wt = w / 8 * 8;
    for (; i + 8 <= rows; i += 8) {
        for (int64_t jj = 0; jj < wt; jj += 8) {
            const float *s = b + jj * ldb + i;
            __m256 r0 = _mm256_loadu_ps(s), r1 = _mm256_loadu_ps(s + ldb), r2 = _mm256_loadu_ps(s + 2 * ldb);
            __m256 r3 = _mm256_loadu_ps(s + 3 * ldb), r4 = _mm256_loadu_ps(s + 4 * ldb);
            __m256 r5 = _mm256_loadu_ps(s + 5 * ldb), r6 = _mm256_loadu_ps(s + 6 * ldb);
            __m256 r7 = _mm256_loadu_ps(s + 7 * ldb);
            __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1);
            __m256 t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3);
            __m256 t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
            __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
            __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xee);
            __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xee);
            __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xee);
            __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xee);
            float *d = panel + i * RT_SPARSE_NB + jj;
            _mm256_storeu_ps(d, _mm256_permute2f128_ps(u0, u4, 0x20));
            _mm256_storeu_ps(d + RT_SPARSE_NB, _mm256_permute2f128_ps(u1, u5, 0x20));
            _mm256_storeu_ps(d + 2 * RT_SPARSE_NB, _mm256_permute2f128_ps(u2, u6, 0x20));
            _mm256_storeu_ps(d + 3 * RT_SPARSE_NB, _mm256_permute2f128_ps(u3, u7, 0x20));
            _mm256_storeu_ps(d + 4 * RT_SPARSE_NB, _mm256_permute2f128_ps(u0, u4, 0x31));
            _mm256_storeu_ps(d + 5 * RT_SPARSE_NB, _mm256_permute2f128_ps(u1, u5, 0x31));
            _mm256_storeu_ps(d + 6 * RT_SPARSE_NB, _mm256_permute2f128_ps(u2, u6, 0x31));
            _mm256_storeu_ps(d + 7 * RT_SPARSE_NB, _mm256_permute2f128_ps(u3, u7, 0x31));
        }
        transpose_plain(panel, b, ldb, i, i + 8, wt, w);
    }
    transpose_plain(panel, b, ldb, i, rows, 0, w);
}
#endif

static void transpose_panel(float *restrict panel, const float *restrict b, int64_t ldb, int64_t rows, int64_t w) {
#if defined(__GNUC__) && defined(__x86_64__)
    if (__builtin_cpu_supports("avx2")) {
        transpose_avx2(panel, b, ldb, rows, w);
        return;
    }
#endif
    transpose_plain(panel, b, ldb, 0, rows, 0, w);
}

/* column blocks [lo, hi) of C */
static void sparse_part(void *ctx, int64_t lo, int64_t hi) {
    const Sparse *p = ctx;
    sum_rows_fn sum_rows = p->sum_rows;
    for (int64_t blk = lo; blk < hi; blk++) {
        int64_t j0 = blk * RT_SPARSE_NB, w = p->n - j0 < RT_SPARSE_NB ? p->n - j0 : RT_SPARSE_NB;
        /* the rows of B in place when every one starts on a cache line */
        if (!p->tb && w == RT_SPARSE_NB && (uintptr_t)(p->b + j0) % 64 == 0 && p->n % 16 == 0) {
            sum_rows(p->c + j0, p->n, p->m, p->b + j0, p->n, w, p->off, p->idx, p->alpha, p->beta);
            continue;
        }
        /* else a copy, 64-byte aligned: of W' (panel[i, jj] = B[j0 + jj, i]),
         * or of B's rows (of 500 floats, 2000 bytes apart, most rows would
         * start mid-line, and the sums read 1.4 times slower from such
         * rows), the last, narrower block zero-padded to full vectors */
        float *panel = p->panel + blk * p->rows * RT_SPARSE_NB;
        if (p->tb) transpose_panel(panel, p->b + j0 * p->k, p->k, p->rows, w);
        else
            for (int64_t i = 0; i < p->rows; i++)
                memcpy(panel + i * RT_SPARSE_NB, p->b + i * p->n + j0, sizeof(float) * (size_t)w);
        if (w < RT_SPARSE_NB)   /* the lanes summed but not stored: zeros, not stale floats */
            for (int64_t i = 0; i < p->rows; i++)
                memset(panel + i * RT_SPARSE_NB + w, 0, sizeof(float) * (size_t)(RT_SPARSE_NB - w));
        sum_rows(p->c + j0, p->n, p->m, panel, RT_SPARSE_NB, w, p->off, p->idx, p->alpha, p->beta);
    }
}

/* the columns i < k of row a holding the value one (1, or the operand's
 * scale), in increasing order, into out; returns how many, or -1 when a
 * value is neither 0 nor one */
static int64_t scan_row_plain(const float *a, int64_t k, float one, int32_t *out) {
    int64_t n = 0, bad = 0;
    for (int64_t i = 0; i < k; i++) {   /* branch-free: every index written, kept where a 1 is */
        out[n] = (int32_t)i;
        n += a[i] == one;
        bad |= a[i] != 0.0f && a[i] != one;
    }
    return bad ? -1 : n;
}

#if defined(__GNUC__) && defined(__x86_64__)
/* the same, 8 values at a time: a compare gives the mask of ones, and only
 * its set bits cost anything */
__attribute__((target("avx2,bmi"))) static int64_t scan_row_avx2(const float *a, int64_t k, float v1, int32_t *out) {
    const __m256 zero = _mm256_setzero_ps(), one = _mm256_set1_ps(v1);
    int64_t n = 0, i = 0;
    for (; i + 8 <= k; i += 8) {
        __m256 x = _mm256_loadu_ps(a + i);
        unsigned ones = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(x, one, _CMP_EQ_OQ));
        unsigned zeros = (unsigned)_mm256_movemask_ps(_mm256_cmp_ps(x, zero, _CMP_EQ_OQ));
        if ((ones | zeros) != 0xff) return -1;
        for (; ones; ones &= ones - 1) out[n++] = (int32_t)(i + __builtin_ctz(ones));
    }
    int64_t rest = scan_row_plain(a + i, k - i, v1, out + n);
    if (rest < 0) return -1;
    for (int64_t j = n; j < n + rest; j++) out[j] += (int32_t)i;
    return n + rest;
}

/* 16 values at a time: the mask of ones compresses a vector of their
 * indices, stored whole (it may write 15 indices past the list: they are
 * inside the row's share of idx and overwritten or dropped) */
__attribute__((target("avx512f"))) static int64_t scan_row_avx512(const float *a, int64_t k, float v1, int32_t *out) {
    const __m512 zero = _mm512_setzero_ps(), one = _mm512_set1_ps(v1);
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    int64_t n = 0, i = 0;
    for (; i + 16 <= k; i += 16) {
        __m512 x = _mm512_loadu_ps(a + i);
        __mmask16 ones = _mm512_cmp_ps_mask(x, one, _CMP_EQ_OQ), zeros = _mm512_cmp_ps_mask(x, zero, _CMP_EQ_OQ);
        if ((__mmask16)(ones | zeros) != 0xffff) return -1;
        if (!ones) continue;
        __m512i at = _mm512_maskz_compress_epi32(ones, _mm512_add_epi32(iota, _mm512_set1_epi32((int)i)));
        _mm512_storeu_si512(out + n, at);
        n += __builtin_popcount(ones);
    }
    int64_t rest = scan_row_plain(a + i, k - i, v1, out + n);
    if (rest < 0) return -1;
    for (int64_t j = n; j < n + rest; j++) out[j] += (int32_t)i;
    return n + rest;
}

static int64_t scan_row(int isa, const float *a, int64_t k, float one, int32_t *out) {
    return isa == 2 ? scan_row_avx512(a, k, one, out) : isa == 1 ? scan_row_avx2(a, k, one, out)
                                                                 : scan_row_plain(a, k, one, out);
}
#else
static int64_t scan_row(int isa, const float *a, int64_t k, float one, int32_t *out) {
    (void)isa;
    return scan_row_plain(a, k, one, out);
}
#endif

/* one list per row of A (m x k) of the columns holding 1, in increasing
 * order: row r's is idx[off[r] .. off[r + 1]). 0 when a value is not 0 or
 * 1, or the ones pass `most` */
static int rows_lists(int isa, const float *a, int64_t m, int64_t k, float one, int64_t most, int32_t *off,
                      int32_t *idx) {
    off[0] = 0;
    for (int64_t r = 0; r < m; r++) {
        int64_t n = scan_row(isa, a + r * k, k, one, idx + off[r]);
        if (n < 0 || off[r] + n > most) return 0;
        off[r + 1] = (int32_t)(off[r] + n);
    }
    return 1;
}

/* ta = 1, A stored k x m: one list per column i of A of the rows r holding
 * 1, in increasing order (the pattern transposed): the rows' lists, then
 * each one moved to its column's list */
static int column_lists(int isa, const float *a, int64_t m, int64_t k, float one, int64_t most, int32_t *off,
                        int32_t *idx) {
    int32_t *roff = scratch(SCRATCH_ROFF, sizeof(int32_t) * (size_t)(k + 1));
    int32_t *ridx = scratch(SCRATCH_RIDX, sizeof(int32_t) * (size_t)(m * k + 1));
    int32_t *next = scratch(SCRATCH_NEXT, sizeof(int32_t) * (size_t)(m + 1));
    int ok = roff && ridx && next && rows_lists(isa, a, k, m, one, most, roff, ridx);
    if (ok) {
        memset(off, 0, sizeof(int32_t) * (size_t)(m + 1));
        for (int64_t e = 0; e < roff[k]; e++) off[ridx[e] + 1]++;
        for (int64_t i = 0; i < m; i++) off[i + 1] += off[i];
        memcpy(next, off, sizeof(int32_t) * (size_t)m);
        /* rows in increasing order, so each column's list is increasing */
        for (int64_t r = 0; r < k; r++)
            for (int64_t e = roff[r]; e < roff[r + 1]; e++) idx[next[ridx[e]]++] = (int32_t)r;
    }
    return ok;
}

int rt_gemm_binary(int32_t ta, int32_t tb, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                   const float *b, float beta, float *c) {
    /* read at every call (next to a GEMM, nothing): tests switch it */
    const char *e = getenv("EBMC_SPARSE");
    int mode = e && *e == '0' ? 0 : e && *e == '1' ? 1 : 2;   /* never, always, by density */
    /* index lists are int32; a transposed A with B transposed too is not
     * a shape any kernel emits */
    if (!mode || (ta && tb) || m * k >= INT32_MAX || (mode == 2 && m * n * k < (1 << 20))) return 0;
    double most_density = ta ? RT_SPARSE_VTP : tb ? RT_SPARSE_HWT : RT_SPARSE_VW;
    int64_t total = m * k, most = mode == 2 ? (int64_t)(most_density * (double)total) : total;
    int64_t blocks = (n + RT_SPARSE_NB - 1) / RT_SPARSE_NB;
    int32_t *off = scratch(SCRATCH_OFF, sizeof(int32_t) * (size_t)(m + 1));
    int32_t *idx = scratch(SCRATCH_IDX, sizeof(int32_t) * (size_t)(total + 16));
    float *panel = scratch(SCRATCH_PANEL, sizeof(float) * (size_t)(k * RT_SPARSE_NB * blocks));
    if (!off || !idx || !panel) return 0;
    /* the operand's one: its first value other than 0 (the compiler folds
     * a gradient's 1/batch into the states, making them 0 and -0.01) */
    float one = 1;
    for (int64_t i = 0; i < total; i++)
        if (a[i] != 0) {
            one = a[i];
            break;
        }
    if (!isfinite(one)) return 0;
    int isa = isa_level();
    if (!(ta ? column_lists(isa, a, m, k, one, most, off, idx) : rows_lists(isa, a, m, k, one, most, off, idx)))
        return 0;
    Sparse p = {tb, m, n, k, k, alpha * one, beta, b, off, idx, panel, c, sum_rows_for_cpu(isa)};
    rt_par_chunks(sparse_part, &p, blocks, 1);
    return 1;
}
