/* rt_tempered.h — a model at inverse temperature beta, as the runtime sees it.
 *
 * Annealed importance sampling and parallel tempering move between the
 * model and a tractable base model along
 *     E_t(x) = beta * E(x) + (1 - beta) * E_base(v)
 * where E_base = - sum over each visible group of base[...]*v[...]
 * (independent visible units with base rates; 0.5*sqr(v - base) for
 * gaussian groups) and over each discrete hidden group of base[...]*h[...]
 * (rates 0, uniform, unless rt_tempered_fit_hidden fits them). The compiler builds this as a model of its own
 * (compiler/derive/derive_tempered.c): the original groups with the same numbers, an
 * input group __beta of one value per row (so every chain has its own
 * temperature), and after the original parameters one parameter
 * __base_<group> per group with a base term. Its kernels are the ordinary ones: the
 * cond kernels sample at each row's beta, free_energy sums out `sum_mask`.
 *
 * Parameters: rt_tempered_params gives the tempered model parameters whose
 * first tensors are the original model's own storage, so training or
 * loading the original model changes the tempered one too. */
#ifndef EBMC_RT_TEMPERED_H
#define EBMC_RT_TEMPERED_H
#include "rt_model.h"

#define RT_TEMPERED_MAX_BASE 64

typedef struct rt_tempered {
    const rt_model *m;          /* the tempered model */
    const rt_model *orig;       /* the model it tempers */
    int beta_group;             /* __beta: one value per row */
    int nbase;
    int base_group[RT_TEMPERED_MAX_BASE];   /* visible, then discrete hidden groups in declaration
                                               order (same numbers in both models) */
    int base_param[RT_TEMPERED_MAX_BASE];   /* their __base_<group> parameters in m */
    uint64_t sum_mask;          /* groups m's free_energy kernel sums out */
    int marginal_v;             /* the original's hidden groups all sum out
                                   (sum_mask is them or, when that leaves
                                   the chain fewer units, the visible ones) */
    int bound_ok;               /* hidden groups are bernoulli/spin/softmax without
                                   lateral couplings and the energy is multilinear
                                   in them: E_q[E] = E(mean) under mean-field */
} rt_tempered;

/* Parameters of t->m: the first orig->nparams share p's storage (values
 * and gradients); the base rates start at zero. rt_tempered_params_free
 * frees only what is the tempered model's own. */
rt_params *rt_tempered_params(const rt_tempered *t, rt_params *p);
void rt_tempered_params_free(const rt_tempered *t, rt_params *tp);

/* Base rates from n rows of data (row_floats = rt_visible_floats of the
 * original model): the smoothed marginal log-odds of Salakhutdinov &
 * Murray (2008): p = (count + 0.05 n) / (1.05 n) per unit, base = logit(p)
 * for bernoulli units (logit(p)/2 for spins, log p per one-hot entry for
 * softmax, logit(p/n) for binomial(n)); the mean for gaussian units. */
int rt_tempered_fit_base(const rt_tempered *t, rt_params *tp, const float *rows, int64_t n, int64_t row_floats);

/* Base rates of the discrete hidden groups from the same data: the mean
 * over (at most 2,000 evenly spaced complete) rows of the original model's
 * mean-field posterior q(h | v) (up to iters sweeps, or until it moves
 * less than 1e-5), smoothed as above but towards 1/2. For a DBM annealed
 * over h1 the chain then starts from h1's aggregate posterior instead of
 * uniform bits (Salakhutdinov & Hinton 2009 fit their base model to the
 * data); for an RBM it is p(h | v) exactly, the base the chain on h needs.
 * Without it the hidden rates are 0. */
int rt_tempered_fit_hidden(const rt_tempered *t, rt_params *tp, const float *rows, int64_t n, int64_t row_floats,
                           int iters);

/* log Z of the base model (beta = 0): per visible unit softplus(base),
 * log 2cosh(base), logsumexp over a one-hot row, n*softplus(base), or
 * log(2 pi)/2 for gaussian units; plus, per hidden group, the log of its
 * configuration count (n log 2 for bits) where it has no base term
 * (the same closed forms where it has). Fails for groups whose base
 * measure is not finite (continuous hidden groups, relu, laplace). */
int rt_tempered_logz0(const rt_tempered *t, rt_params *tp, double *logz0);

/* every row of w (a workspace of t->m) at beta; or row r at beta[r] */
void rt_tempered_set_beta(const rt_tempered *t, rt_ws *w, double beta);
void rt_tempered_set_betas(const rt_tempered *t, rt_ws *w, const double *beta);

/* Copies the states of the original model's groups between a workspace of
 * t->m (rows src_rows[i], or i when NULL) and one of t->orig (rows i), for
 * i < n. */
void rt_tempered_to_orig(const rt_tempered *t, const rt_ws *from, const int64_t *src_rows, rt_ws *to, int64_t n);
#endif
