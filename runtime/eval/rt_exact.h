/* rt_exact.h — exact answers for models small enough to enumerate: the
 * oracle every estimator and sampler is tested against. */
#ifndef EBMC_RT_EXACT_H
#define EBMC_RT_EXACT_H
#include "rt_model.h"

/* Largest log2 of the number of configurations rt_exact_logz will visit. */
#define RT_EXACT_MAX_LOG2 28
/* log2 of the free-energy rows (examples x hidden configurations listed)
 * exact log p(v) computes: at most with --exact, and by default */
#define RT_EXACT_MAX_COST_LOG2 32
#define RT_EXACT_AUTO_COST_LOG2 26

/* log Z by enumerating the groups the compiler did not sum out (its
 * enumeration plan), summing exp(-F) in double with log-sum-exp. */
int rt_exact_logz(const rt_model *m, rt_params *p, double *logz);
/* log2 of the hidden configurations rt_exact_loglik lists per example: 0
 * when every hidden group sums out (F(v) in closed form), else those left
 * by the compiler's plan m->cond_sum_mask (a DBM: h1, with h2 summed out);
 * -1 when a hidden group left is continuous. */
double rt_exact_cond_log2(const rt_model *m);
/* Sum over rows of log p(row) = log sum_h exp(-F(row, h)) - log Z, in
 * double: -F(row) - log Z when every hidden group sums out, else a
 * log-sum-exp over the 2^rt_exact_cond_log2 listed hidden configurations
 * per row. Models with input groups (conditional models) take log Z of
 * each row's inputs by enumeration (once per run of rows with the same
 * inputs) and ignore logz. Rows are split over the ranks of a job
 * (rt_dist.h: every rank calls it alike) and over the worker threads
 * (rt_par.h). Cost: n * 2^cond_log2 free-energy rows, plus n *
 * 2^enum_log2_states with inputs. */
int rt_exact_loglik(const rt_model *m, rt_params *p, double logz, const float *rows, int64_t n,
                    int64_t row_floats, double *sum);
/* Visits every configuration of the groups in mask (others untouched), in
 * chunks written to ws rows; calls fn(ctx, ws, rows_filled) per chunk. */
int rt_enumerate(rt_ws *w, uint64_t mask, void (*fn)(void *ctx, rt_ws *w, int64_t rows), void *ctx);
/* -sum_i p_i log p_i of the distinct rows: the best average log-likelihood
 * any model can reach on this data set */
double rt_empirical_entropy(const float *rows, int64_t n, int64_t row_floats);
#endif
