/* rt_eval.h — the estimates every evaluation reports, as YAML lines: what
 * ebmc eval and a built binary's eval subcommand share. */
#ifndef EBMC_RT_EVAL_H
#define EBMC_RT_EVAL_H
#include <stdio.h>

#include "rt_model.h"

/* "key: value" with six decimals, infinities as YAML's .inf / -.inf */
void rt_yaml_number(FILE *y, const char *key, double v);
/* recon_error and pseudo_loglik of data (where the model has them), then
 * exact_logz and exact_loglik by enumeration when the model is small
 * enough: always when exact is set (an error when it cannot be), and by
 * default up to 2^22 configurations for models without input groups (a
 * conditional model's log Z depends on its inputs). *exact_loglik is the
 * average exact log-likelihood, or NAN. With target >= 0 (a visible group),
 * also cond_loglik, the average exact log p(target | the other groups), and
 * the accuracy of predicting it by its most probable configuration
 * (rt_classify.h). When the hidden groups do not sum out (a DBM), or with
 * missing > 0 (that fraction of the other visible units left out at
 * random), the target is predicted by mf_iters sweeps of mean field
 * instead (rt_classify_mean_field): accuracy only. 0, or -1 after rt_fail. */
int rt_eval_basic(const rt_model *m, rt_params *p, const rt_dataset *data, uint64_t seed, int exact, int target,
                  int mf_iters, double missing, FILE *y, double *exact_loglik);
/* the group named name, or -1 after rt_fail naming the groups there are */
int rt_find_group(const rt_model *m, const char *name);
#endif
