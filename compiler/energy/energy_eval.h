/* energy_eval.h — a polynomial evaluated directly, in double (the oracle). */
#ifndef EBMC_ENERGY_EVAL_H
#define EBMC_ENERGY_EVAL_H
#include "energy.h"

typedef struct EvalEnv {
    const Energy *en;
    const double *const *unit;    /* per unit group: one row of values */
    const double *const *param;   /* per parameter: its values */
} EvalEnv;

/* var_values: one slot per energy variable (en->nvars); free variables of p
 * are read from it, summed ones are looped over. */
double energy_eval(const EvalEnv *env, const Poly *p, long long *var_values);
/* fn(a) for an elementwise function (FN_LSE excluded): the oracle's and the
 * simplifier's one definition, so a folded constant equals an evaluated one */
double energy_fn_value(Fn fn, double fparam, double a);
#endif
