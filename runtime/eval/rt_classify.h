/* rt_classify.h — p(target group | rest) by enumeration (internal to the
 * runtime; the public entry is rt_classify in rt_train.h). */
#ifndef EBMC_RT_CLASSIFY_H
#define EBMC_RT_CLASSIFY_H
#include "rt_train.h"

int64_t rt_target_configs(const rt_model *m, int g);
int rt_conditional_check(const rt_model *m, int target);
/* One pass over n data rows in w (w->B >= n * configs): sums log p(truth |
 * rest) into *cond_loglik, counts correct predictions; with grad != 0 also
 * accumulates the gradient of the average log p(truth | rest) in the
 * parameters' gradient buffers. */
int rt_conditional_pass(const rt_model *m, rt_ws *w, int target, const float *rows, int64_t n, int64_t row_floats,
                        int grad, double *cond_loglik, int64_t *correct);
/* p(target configuration k | rest) of n rows at probs[r * configs + k],
 * the hidden groups summed out (as rt_classify). */
int rt_conditional_probs(const rt_model *m, rt_params *p, int target, const float *rows, int64_t n,
                         int64_t row_floats, double *probs);
/* where group g starts in a row of visible (then input) values */
int64_t rt_target_offset(const rt_model *m, int g);
/* The fraction of n rows whose target group's most probable configuration
 * under mean field (iters sweeps of rt_mean_field, the target and a
 * fraction `missing` of the other visible units free, drawn by seed) is
 * the true one (rt_classify_mf.c). 0, or -1 after rt_fail. */
int rt_classify_mean_field(const rt_model *m, rt_params *p, int target, const float *rows, int64_t n, int64_t rf,
                           int iters, double missing, uint64_t seed, double *accuracy);
#endif
