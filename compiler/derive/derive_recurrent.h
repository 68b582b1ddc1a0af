/* derive_recurrent.h — the derivation of a model with a recurrent input
 * group (the RNN-RBM of Boulanger-Lewandowski, Bengio & Vincent 2012).
 *
 * `input u[K] { recurrent = s }` with `let s[k] = f(u, v; params)`: at
 * step t the model is the energy model with u = u[t-1] (u[0] the parameter
 * of { start = u0 }, or zeros),
 * and u[t] = s(u[t-1], v[t]). Training maximises sum_t log p(v[t] | u[t-1])
 * by back-propagation through time; what each step needs is derived here:
 *   next          s[k]: the recurrence, per row
 *   dfree         dF/du[k]: how the step's free energy moves with the state
 *                 (positive minus negative phase: the gradient of the
 *                 time-dependent biases carried into the state)
 *   adjoint       A[k], a made-up input group of u's shape: the gradient
 *                 arriving at u[t] from later steps
 *   dnext_param   per parameter d(sum(k) A[k]*s[k])/dparam: what A sends
 *                 into the recurrence's parameters
 *   dnext_state   d(sum(k) A[k]*s[k])/du[k']: what A sends on to u[t-1] */
#ifndef EBMC_DERIVE_RECURRENT_H
#define EBMC_DERIVE_RECURRENT_H
#include "derive.h"

typedef struct Recurrence {
    const Sym *group;       /* the recurrent input group u */
    const Sym *let;         /* its next value s */
    Sym *adjoint;           /* A: not one of the model's groups (id = nunits) */
    int *vars;              /* index variables of s (u's dimensions) */
    int *vars2;             /* another set, for dfree and dnext_state */
    Poly *next;             /* s[vars] */
    Poly *dfree;            /* dF/du[vars2] */
    Poly **dnext_param;     /* per parameter, over an->grad_out[p]; NULL: 0 */
    Poly *dnext_state;      /* d(A.s)/du[vars2] */
} Recurrence;

/* NULL when the model has no recurrent group */
Recurrence *derive_recurrence(Analysis *an);
#endif
