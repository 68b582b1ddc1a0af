/* rt_kernel.h — the runtime functions kernels call, the same from every back
 * end: the interpreter calls them directly, JIT-compiled and AOT kernels by
 * symbol. RT_KERNEL_ABI is the one list both the LLVM declarations and the
 * JIT's symbol table are generated from, so they cannot drift.
 *
 * Elementwise functions take and return float and are computed in float, so
 * the interpreter and compiled kernels agree bit for bit. */
#ifndef EBMC_RT_KERNEL_H
#define EBMC_RT_KERNEL_H
#include <stdint.h>

/* X(name, llvm return type, llvm parameter types as a string): v void,
 * f float, i and I 32-bit integers, l 64-bit integers, p pointers.
 * interp_stmt (compiler/ir/interp.h) is the interpreter's entry for one
 * statement, the compiled kernels' fallback; rt_par_for (runtime/core/rt_par.h)
 * runs parts of a loop nest on the worker threads. */
#define RT_KERNEL_ABI(X)                                                      \
    X(rt_fn_exp, "f", "f")                                                    \
    X(rt_fn_log, "f", "f")                                                    \
    X(rt_fn_softplus, "f", "f")                                               \
    X(rt_fn_sigmoid, "f", "f")                                                \
    X(rt_fn_abs, "f", "f")                                                    \
    X(rt_fn_sqrt, "f", "f")                                                   \
    X(rt_fn_tanh, "f", "f")                                                   \
    X(rt_fn_log1p, "f", "f")                                                  \
    X(rt_fn_logcosh, "f", "f")                                                \
    X(rt_fn_sign, "f", "f")                                                   \
    X(rt_fn_pow, "f", "ff")                                                   \
    X(rt_fn_powi, "f", "fi")                                                  \
    X(rt_uniform, "f", "lilI")                                                \
    X(rt_normal, "f", "lilI")                                                 \
    X(rt_gemm, "v", "iilllfppfp")                                             \
    X(rt_softmax_rows, "v", "pppllilill")                                     \
    X(rt_seq_gibbs, "v", "ppippplliilill")                                    \
    X(rt_gauss_full, "v", "ppipppllilill")                                    \
    X(interp_stmt, "v", "piipllll")                                           \
    X(rt_par_for, "v", "ppll")

float rt_fn_exp(float x);
float rt_fn_log(float x);
float rt_fn_softplus(float x);
float rt_fn_sigmoid(float x);
float rt_fn_abs(float x);
float rt_fn_sqrt(float x);
float rt_fn_tanh(float x);
float rt_fn_log1p(float x);
float rt_fn_logcosh(float x);
float rt_fn_sign(float x);
float rt_fn_pow(float x, float c);
float rt_fn_powi(float x, int32_t n);
/* apply function number fn (the order of RT_KERNEL_ABI's first 11) */
float rt_fn_apply(int fn, float x, float c);

/* C[M x N] = alpha * op(A) op(B) + beta * C, row-major, through CBLAS */
void rt_gemm(int32_t ta, int32_t tb, int64_t m, int64_t n, int64_t k, float alpha,
             const float *a, const float *b, float beta, float *c);
/* the same product by sums of rows when op(A) holds only 0s and 1s (or 0s
 * and one other value) and is sparse enough (rt_gemm_binary.c); 0 when it
 * declines */
int rt_gemm_binary(int32_t ta, int32_t tb, int64_t m, int64_t n, int64_t k, float alpha,
                   const float *a, const float *b, float beta, float *c);

/* Per row of width floats of in: mode 0 probabilities into out (and aux if
 * not NULL); mode 1 a one-hot draw into out, probabilities into aux; mode 2
 * the row's log-sum-exp into out[row]. Draws use element number = row0 +
 * row.
 *
 * row0, here and below: the number of the first row among all the rows of
 * the job (rows before it sit in another process: docs/distributed.md), so
 * a row draws the same numbers however the rows are split; 0 in one
 * process. */
void rt_softmax_rows(const float *in, float *out, float *aux, int64_t rows, int64_t width,
                     int32_t mode, uint64_t seed, int32_t stream, uint64_t step, int64_t row0);
/* Single-site updates of rows x n units with couplings J (n x n, per row if
 * j_batched): unit u sees a[u] + sum_{u' != u} J[u][u'] x[u'] (+ J[u][u]/2
 * for {0,1} units, for which x^2 = x); spins flip with sigmoid(2h). With
 * sample == 0 the unit takes its mean (Gauss-Seidel mean-field). Units whose
 * clamp entry is non-zero keep their value. Draws use element number
 * (row0 + row)*n + u. */
void rt_seq_gibbs(const float *a, const float *J, int32_t j_batched, float *x, float *mean, const float *clamp,
                  int64_t rows, int64_t n, int32_t spin, int32_t sample, uint64_t seed, int32_t stream, uint64_t step,
                  int64_t row0);
/* x ~ N(P^-1 a, P^-1) with precision P = -J (per row if j_batched), by
 * Cholesky; mean gets P^-1 a; with sample == 0, x is the mean. Units whose
 * clamp entry is non-zero are conditioned on: the free ones are drawn from
 * the conditional Gaussian (precision P_FF, field a_F - P_FC x_C). A
 * precision that is not positive definite gives NaN (the training guard
 * reports it). Draws use element number (row0 + row)*n + u. */
void rt_gauss_full(const float *a, const float *J, int32_t j_batched, float *x, float *mean, const float *clamp,
                   int64_t rows, int64_t n, int32_t sample, uint64_t seed, int32_t stream, uint64_t step, int64_t row0);
#endif
