/* rt_methods.h — training methods with loops of their own: closed-form EM
 * for linear-Gaussian models, ICA, slow feature analysis, sparse coding,
 * wake-sleep and REINFORCE for directed models. rt_train hands them any
 * method from RT_EM on; each lives in its own file and reports through the
 * same rt_train_report as the stochastic loop. */
#ifndef EBMC_RT_METHODS_H
#define EBMC_RT_METHODS_H
#include <stdio.h>

#include "rt_train.h"

int rt_train_method(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
                    rt_train_report *rep);

int rt_em(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
          rt_train_report *rep);        /* rt_linear.c */
int rt_ica(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
           rt_train_report *rep);       /* rt_ica.c */
int rt_sfa(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
           rt_train_report *rep);       /* rt_sfa.c */
int rt_sparse(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
              rt_train_report *rep);    /* rt_sparse.c */
int rt_wake_sleep(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
                  rt_train_report *rep);   /* rt_wake_sleep.c: wake-sleep and REINFORCE */
int rt_mp(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
          rt_train_report *rep);          /* rt_mp.c: cfg->mp_net minimised in m's place */

/* ---- helpers the methods share (rt_methods.c) ---- */
double rt_method_now(void);
/* the report's entry for epoch (1-based), NAN-filled; allocates per_epoch
 * for cfg->epochs on the first call */
rt_epoch_stats *rt_method_epoch(rt_train_report *rep, const rt_train_cfg *cfg, int epoch);
/* "epoch  3/10  NAME value ... 0.12 s" when progress is on; 1 when printed */
int rt_method_progress(FILE *progress, const rt_train_cfg *cfg, const rt_epoch_stats *st, const char *what,
                        double value);
/* the run's reporter (cfg->on_progress: ebmc's live bar and --log), as
 * rt_train tells it: after a batch (done rows of n in batches of B; recon
 * the running value shown, or NAN), and once an epoch's st is complete
 * (its --log line; prints: the method printed a line for it, so the bar
 * makes way) */
void rt_method_batch(const rt_train_cfg *cfg, int epoch, int64_t done, int64_t n, int64_t B, double recon);
void rt_method_epoch_end(const rt_train_cfg *cfg, const rt_epoch_stats *st, int64_t batches, double recon, int prints);
/* Adam or SGD with momentum on the ascent direction in p->grad (as
 * rt_train's optimiser: weight decay on parameters of 2+ dimensions) */
void rt_method_step(const rt_model *m, rt_params *p, const rt_train_cfg *cfg, double lr, double mom, double wd);
/* the model's roles x = W.h + b + noise, or an error naming the method */
const rt_linear *rt_method_linear(const rt_model *m, const char *method, int prior);
/* the visible group x's values: rows of the data, which must be x alone */
int rt_method_check_rows(const rt_model *m, const rt_dataset *data, int x);

/* ---- linear-Gaussian models (rt_linear.c) ---- */
/* E = u'Pu/2 - a'u + c over every group's units u (declaration order,
 * inputs excluded): P (n x n) and a (n) from the dE.<g> kernels; n is
 * rt_linear_units(m). */
int64_t rt_linear_units(const rt_model *m);
int rt_linear_joint(const rt_model *m, rt_params *p, double *P, double *a);
/* Exact average log p(visible) of rows (the hidden groups integrated out);
 * the rows split over the ranks of a job (every rank calls it alike). */
int rt_linear_loglik(const rt_model *m, rt_params *p, const float *rows, int64_t n, int64_t row_floats, double *avg);
/* Tipping & Bishop's closed-form PPCA maximum likelihood from the sample
 * covariance's eigendecomposition: W = U_k (L_k - s2 I)^1/2 (d x k,
 * row-major), b = the mean, s2 = the mean of the d - k smallest
 * eigenvalues. */
int rt_ppca_closed_form(const float *rows, int64_t n, int64_t d, int k, double *W, double *b, double *s2);

/* ---- REINFORCE (rt_wake_sleep.c) ---- */
/* The model p and its recognition model q (q reads p's visible group as an
 * input of the same name and produces p's hidden group as a visible one),
 * with workspaces for rows = examples x samples. NULL after an error. */
typedef struct rt_reinforce rt_reinforce;
rt_reinforce *rt_reinforce_new(const rt_model *p, rt_params *pp, const rt_model *q, rt_params *qp, int64_t rows,
                               uint64_t seed);
/* One batch of n examples of x with S samples of h ~ q(h | x) each: fills
 * pp->grad with the ascent direction of the ELBO in p's parameters and
 * qp->grad with REINFORCE's in q's: the learning signal minus the baseline
 * (RT_BASELINE_*) times the score, divided by the residual's running
 * deviation when normalize. RT_BASELINE_LEARNED: b(x) = mu + c + v.x;
 * RT_BASELINE_OPTIMAL: that plus, per parameter k, the optimal constant
 * E[sig g_k^2] / E[g_k^2] for the residual sig = l - b(x) (g = d log q /
 * d theta; Deep Learning 20.9.1), from running averages of earlier batches
 * so the estimate stays unbiased; it costs a gradient pass per row. Then
 * the baselines learn from the batch. Returns the batch's average of
 * log p(x, h) - log q(h | x): an unbiased ELBO estimate. */
double rt_reinforce_batch(rt_reinforce *r, const float *x, int64_t n, int64_t S, int baseline, int normalize);
void rt_reinforce_free(rt_reinforce *r);
/* Ancestral sampling of a directed model: every group of every row of w
 * drawn from its own "~" statement, parents first. 0, or -1 when the
 * model has no ancestral sampler. */
int rt_ancestral(rt_ws *w);

/* ---- sparse coding (rt_sparse.c) ---- */
/* FISTA on the codes of group h for the rows already in ws (x set): the
 * smooth gradient from dEs.h, the proximal step from l1.h's weights; from
 * the codes in h's state, iters iterations (or until the codes move less
 * than tol). Leaves the codes in h's state and returns the step size's
 * Lipschitz constant in *lip (may be NULL). */
int rt_fista(rt_ws *w, int h, int iters, double tol, double l1_scale, double *lip);
/* The sparse coding objective per row: the smooth energy plus the L1 term
 * (the energy at the codes, without the constant). */
double rt_sparse_objective(rt_ws *w, int h, double l1_scale, int64_t row);
#endif
