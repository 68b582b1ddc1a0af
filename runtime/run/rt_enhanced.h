/* rt_enhanced.h — the enhanced gradient of an RBM (Cho, Raiko & Ilin 2011,
 * "Enhanced gradient and adaptive learning rate for training restricted
 * Boltzmann machines"; Cho, Ilin & Raiko 2011/2013 for Gaussian visibles).
 *
 * With x the visible statistic of the coupling (v for binary units,
 * v / sigma^2 for Gaussian ones), h the hidden one, <.>_d and <.>_m the
 * data and model averages and <.>_dm = (<.>_d + <.>_m) / 2:
 *     eW[i,j] = cov_d(x_i, h_j) - cov_m(x_i, h_j),
 *               cov_P(x_i, h_j) = <(x_i - <x_i>_dm)(h_j - <h_j>_dm)>_P
 *     eb[i]   = <x_i>_d - <x_i>_m - sum_j <h_j>_dm eW[i,j]
 *     ec[j]   = <h_j>_d - <h_j>_m - sum_i <x_i>_dm eW[i,j]
 * Every other parameter keeps its plain gradient.
 *
 * The roles W, b, c are found from the model's own gradient kernel: on a
 * few data rows (and the zero row), W's statistic must equal
 * (b's statistic - b's statistic at v = 0) times c's, element by element,
 * in exactly one assignment of the parameters. x's means are b's
 * statistic's means less its value at v = 0 (b / sigma^2 for a Gaussian
 * visible whose energy is (v - b)^2 / 2 sigma^2). */
#ifndef EBMC_RT_ENHANCED_H
#define EBMC_RT_ENHANCED_H
#include "rt_model.h"

typedef struct rt_enhanced rt_enhanced;

/* The roles, checked on up to 4 of the n rows; NULL with rt_fail naming
 * what does not fit (one visible and one hidden group, bernoulli or
 * gaussian, summed out; a W, b, c as above). */
rt_enhanced *rt_enhanced_new(const rt_model *m, rt_params *p, const float *rows, int64_t n, int64_t row_floats);
void rt_enhanced_free(rt_enhanced *e);
/* A batch, around the two phases of the plain gradient (the data phase
 * with weights -1/B, the model phase with +1/C, into zeroed gradients):
 * begin before the data phase (it leaves the gradients zero), data_done
 * after it, apply after the model phase (the gradients become the
 * enhanced ones). In a job of several ranks (rt_dist.h) apply comes after
 * the exchange of the gradients and adds the ranks' data means itself;
 * -1 after a failed exchange. */
void rt_enhanced_begin(rt_enhanced *e);
void rt_enhanced_data_done(rt_enhanced *e);
int rt_enhanced_apply(rt_enhanced *e);
/* the parameters found: W, b, c (indices into m->params) */
void rt_enhanced_roles(const rt_enhanced *e, int *W, int *b, int *c);
#endif
