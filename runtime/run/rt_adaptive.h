/* rt_adaptive.h — a learning rate chosen by likelihood, batch by batch
 * (Cho, Raiko & Ilin 2011, "Enhanced gradient and adaptive learning rate for
 * training restricted Boltzmann machines", section 4).
 *
 * Before each update, the update is tried at the rates lr / f, lr and
 * lr * f; each gives parameters theta', whose log-likelihood gain over the
 * batch is estimated with the negative phase's samples v' as importance
 * samples of the current model:
 *     gain = - mean_data (F'(v) - F(v)) - log mean_model exp(-(F'(v') - F(v')))
 * (the second term is log Z'/Z = log E_p[exp(F - F')]). The rate with the
 * largest gain is the batch's, and the next batch starts from it. */
#ifndef EBMC_RT_ADAPTIVE_H
#define EBMC_RT_ADAPTIVE_H
#include "rt_model.h"

/* applies the run's update to the parameters at learning rate lr */
typedef void (*rt_step_fn)(void *ctx, double lr);

typedef struct rt_adaptive rt_adaptive;

/* NULL with rt_fail when the model has no closed-form free energy */
rt_adaptive *rt_adaptive_new(const rt_model *m, rt_params *p, double factor);
void rt_adaptive_free(rt_adaptive *a);
/* data: a workspace whose visible groups hold the batch; model: one whose
 * visible groups hold the negative phase's samples. Returns the rate of
 * the largest estimated gain among lr / factor, lr, lr * factor; the
 * parameters and the optimiser's state are as they were. gains (3 values,
 * may be NULL) get the estimates in that order. In a job of several ranks
 * (rt_dist.h) every rank calls it with its rows of the batch and the
 * ranks' sums are combined: every rank gets the whole batch's choice. NAN
 * after a failed exchange. */
double rt_adaptive_choose(rt_adaptive *a, rt_ws *data, rt_ws *model, double lr, rt_step_fn step, void *ctx,
                          double *gains);
#endif
