/* rt_exact.h — exact answers for models small enough to enumerate: the
 * oracle every estimator and sampler is tested against. */
#ifndef EBMC_RT_EXACT_H
#define EBMC_RT_EXACT_H
#include "rt_model.h"

/* Largest log2 of the number of configurations rt_exact_logz will visit. */
#define RT_EXACT_MAX_LOG2 28

/* log Z by enumerating the groups the compiler did not sum out (its
 * enumeration plan), summing exp(-F) in double with log-sum-exp. */
int rt_exact_logz(const rt_model *m, rt_params *p, double *logz);
/* sum over rows of log p(row) = -F(row) - log Z; needs m->fe_exact. */
int rt_exact_loglik(const rt_model *m, rt_params *p, double logz, const float *rows, int64_t n,
                    int64_t row_floats, double *sum);
/* Visits every configuration of the groups in mask (others untouched), in
 * chunks written to ws rows; calls fn(ctx, ws, rows_filled) per chunk. */
int rt_enumerate(rt_ws *w, uint64_t mask, void (*fn)(void *ctx, rt_ws *w, int64_t rows), void *ctx);
/* -sum_i p_i log p_i of the distinct rows: the best average log-likelihood
 * any model can reach on this data set */
double rt_empirical_entropy(const float *rows, int64_t n, int64_t row_floats);
#endif
