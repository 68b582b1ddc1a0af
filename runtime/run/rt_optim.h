/* rt_optim.h — the optimisers' step on one parameter tensor, on the ascent
 * direction g (the gradient of the log-likelihood, or minus a loss's):
 * element-wise float loops split over the worker threads, written so the C
 * compiler vectorises them (rt_optim.c). Shared by rt_train.c and
 * rt_wake_sleep.c; the finite check by rt_diverge.c. */
#ifndef EBMC_RT_OPTIM_H
#define EBMC_RT_OPTIM_H
#include <stdint.h>

/* SGD with momentum: v = mom v + lr (g - decay x); x += v */
void rt_optim_sgd(float *x, float *v, const float *g, int64_t n, float lr, float mom, float decay);

/* Adam (Kingma & Ba 2015) with bias correction, step t >= 1:
 * m = b1 m + (1 - b1) gd, s = b2 s + (1 - b2) gd^2 with gd = g - decay x,
 * x += lr (m / (1 - b1^t)) / (sqrt(s / (1 - b2^t)) + eps) */
void rt_optim_adam(float *x, float *m, float *s, const float *g, int64_t n, double lr, double beta1, double beta2,
                   double eps, int64_t t, float decay);

/* 1 when every one of x[0..n) is finite: the divergence checks' pass over
 * every gradient and parameter (rt_diverge.c), vectorised here too */
int rt_optim_finite(const float *x, int64_t n);
#endif
