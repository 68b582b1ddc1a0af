/* rt_ais.h — annealed importance sampling of log Z (Neal 2001; Salakhutdinov
 * & Murray 2008), and what it gives: the average test log-likelihood, and
 * for models whose hidden groups do not all sum out (a DBM) the variational
 * lower bound per test case (Salakhutdinov & Hinton 2009).
 *
 * `runs` chains start with exact draws from the base model (beta = 0) and
 * move through the temperatures 0 = beta_0 < beta_1 < ... < beta_K = 1 of
 * the tempered model (rt_tempered.h), one Gibbs sweep at each (or
 * cfg->sweeps; rt_ais_transition); a run's
 * importance weight is
 *     log w = sum_k F_{k-1}(x_k) - F_k(x_k)
 * with F_t the tempered free energy (summed-out groups in closed form), and
 *     Z / Z_0 ~ mean(w),   log Z = log Z_0 + log mean(w)
 * accumulated in double with log-sum-exp. mean(w) is unbiased for Z / Z_0,
 * so log of it underestimates log Z on average (Jensen); docs/evaluation.md
 * says how to read the error bars. */
#ifndef EBMC_RT_AIS_H
#define EBMC_RT_AIS_H
#include "rt_tempered.h"

typedef struct rt_ais_cfg {
    int64_t runs;
    int64_t betas;          /* K, the number of steps (ignored with schedule) */
    const double *schedule; /* K + 1 values from 0 to 1, or NULL: rt_ais_schedule */
    int64_t nschedule;
    uint64_t seed;
    int sweeps;             /* Gibbs sweeps per temperature (0: 1) */
} rt_ais_cfg;

typedef struct rt_ais_result {
    double logz;            /* log Z_0 + log mean(w) */
    double logz0;           /* the base model's log Z, in closed form */
    double stderr_logz;     /* delta method: sd(w) / (sqrt(runs) mean(w)) */
    double logz_lo, logz_hi;/* log(mean(w) -/+ 3 se(mean(w))) + log Z_0; lo is
                               -inf when mean(w) - 3 se <= 0 */
    double ess;             /* effective sample size (sum w)^2 / sum w^2 */
    int64_t runs, steps;
    double seconds;
} rt_ais_result;

/* The schedule of Salakhutdinov & Murray (2008): linear pieces 0..0.5,
 * 0.5..0.9 and 0.9..1 holding 500 : 4000 : 10000 of the steps (their 14,500
 * with steps 1e-3, 1e-4, 1e-5), scaled to K steps; K + 1 values from 0 to
 * 1 into out (malloc'd). K >= 3. */
double *rt_ais_schedule(int64_t K);
/* A schedule file: numbers separated by white space or commas, rising from
 * 0 to 1. */
int rt_ais_load_schedule(const char *path, double **betas, int64_t *n);

/* One transition of the tempered model at each row's beta, `sweeps` times:
 * the groups its free energy sums out (t->sum_mask) drawn given the
 * chain's state, then the chain's blocks in sweep order (reverse: in the
 * opposite order, the reversal RAISE needs). On the chain's state it
 * leaves the tempered marginal invariant, which AIS's weights assume. */
void rt_ais_transition(const rt_tempered *t, rt_ws *w, int sweeps, int reverse);

/* AIS on the tempered model; tp from rt_tempered_params with base rates
 * fitted. */
int rt_ais(const rt_tempered *t, rt_params *tp, const rt_ais_cfg *cfg, rt_ais_result *res);

typedef struct rt_raise_result {
    double loglik;          /* average over the examples of log mean(w) */
    double stderr_loglik;   /* delta method per example, combined */
    int64_t examples, chains, steps;
    double seconds;
} rt_raise_result;

/* RAISE (rt_raise.c): the reverse AIS estimate of the average log p(v) of
 * n examples (rows of row_floats, the original model's visible groups),
 * `chains` reverse chains each, on cfg's schedule and sweeps (cfg->runs is
 * not used). Its weights have mean p_ann(v), the annealed model's (checked
 * against p_ann tabulated exactly in tests/stats/test_ais.c), so its log
 * errs low in expectation for p_ann; it brackets log p(v) with AIS's
 * estimate, which errs high, only where p_ann fits the examples worse than
 * the model does (docs/evaluation.md: not so for a fast schedule on a
 * model far from a likelihood optimum, a CD-1 RBM). Needs
 * every hidden group summed out given v, or t->bound_ok; p the original
 * model's parameters, tp the tempered ones with base rates fitted. */
int rt_raise(const rt_tempered *t, rt_params *p, rt_params *tp, const rt_ais_cfg *cfg, const float *rows, int64_t n,
             int64_t row_floats, int64_t chains, rt_raise_result *res);

/* Average over rows of the variational lower bound of log p(v) under the
 * original model's mean-field posterior (visible groups clamped, the hidden
 * means iterated up to iters sweeps or until they move less than 1e-6):
 *     E_q[-E(v, h)] + H(q) - log Z.
 * Needs t->bound_ok. The rows are split over the ranks of a job (every
 * rank calls it alike; rt_dist.h). */
int rt_variational_bound(const rt_tempered *t, rt_params *p, double logz, const float *rows, int64_t n, int64_t row_floats,
                         int iters, double *avg);
#endif
