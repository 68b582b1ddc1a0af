/* rt_pt.h — parallel tempering (replica exchange; Swendsen & Wang 1986,
 * Geyer 1991; for training RBMs, Desjardins et al. 2010).
 *
 * Every chain has `replicas` copies at inverse temperatures
 * 1 = beta_0 > beta_1 > ... > beta_{R-1} = beta_min of the tempered model
 * (rt_tempered.h), all rows of one workspace, each row with its own beta.
 * A step is k Gibbs sweeps of every row, then one round of swaps between
 * neighbouring temperatures of each chain (pairs (0,1), (2,3), ... and
 * (1,2), (3,4), ... on alternate steps), a swap of states x_a at beta_i and
 * x_b at beta_j accepted with probability
 *     min(1, exp((beta_i - beta_j) * (D(x_a) - D(x_b)))),  D = E - E_base,
 * which leaves the product of the tempered distributions invariant. A swap
 * exchanges the rows' temperatures rather than their states: slot[i][c]
 * is the row that holds temperature i of chain c. The hot end mixes (at
 * beta = 0 every unit is independent) and swaps carry its moves down to the
 * target replicas. */
#ifndef EBMC_RT_PT_H
#define EBMC_RT_PT_H
#include "rt_tempered.h"
#include "rt_train.h"

typedef struct rt_pt_cfg {
    int replicas;           /* R >= 1 (1: plain Gibbs at beta = 1) */
    int64_t chains;
    double beta_min;        /* the hottest replica's beta, in [0, 1) */
    int geometric;          /* betas beta_min^(i/(R-1)) instead of evenly spaced */
    uint64_t seed;
} rt_pt_cfg;

typedef struct rt_pt {
    const rt_tempered *t;
    rt_ws *w;               /* R * C rows */
    int R;
    int64_t C;
    double *beta;           /* per temperature, beta[0] = 1 */
    double *row_beta;       /* per row */
    int64_t *slot;          /* R x C: the row holding temperature i of chain c */
    int64_t *tried, *accepted;   /* per neighbouring pair (i, i+1), since the last reset */
    int64_t steps;
    float *e1;              /* scratch: E per row */
    rt_params *own_tp;      /* tempered parameters rt_pt_free releases, or NULL */
} rt_pt;

/* NULL after rt_fail. Rows start random, or at data rows (rows != NULL:
 * chain c's replicas start at row c mod n) with the hidden groups drawn
 * from them. */
rt_pt *rt_pt_new(const rt_tempered *t, rt_params *tp, const rt_pt_cfg *cfg, const float *rows, int64_t n,
                 int64_t row_floats);
void rt_pt_free(rt_pt *pt);
/* RT_PT's chains for rt_train: the tempered model cfg->tempered sharing p,
 * base rates fitted to the n training rows, cfg->chains chains of
 * cfg->replicas replicas started at the data. NULL after rt_fail. */
rt_pt *rt_pt_for_training(const rt_train_cfg *cfg, rt_params *p, const float *rows, int64_t n, int64_t row_floats);
/* k sweeps of every row, then one round of swaps */
void rt_pt_step(rt_pt *pt, int k);
/* the negative phase of training: one step, then the target replicas'
 * states into rows [0, C) of neg, a workspace of the original model */
void rt_pt_negative(rt_pt *pt, rt_ws *neg, int k);
/* the fraction of attempted swaps accepted since the last reset, over all
 * pairs (NAN if none); per pair into rates (R - 1 values) when not NULL */
double rt_pt_swap_rate(const rt_pt *pt, double *rates);
void rt_pt_reset_rates(rt_pt *pt);

/* Samples by parallel tempering: `steps` steps of one sweep, then a last
 * sweep without swaps; the target replicas' visible states and means (each
 * chains x rt_visible_floats(t->orig), either may be NULL) like rt_sample.
 * swap_rate (may be NULL) receives the overall swap acceptance rate. */
int rt_pt_sample(const rt_tempered *t, rt_params *tp, const rt_pt_cfg *cfg, int steps, float *values, float *means,
                 double *swap_rate);
#endif
