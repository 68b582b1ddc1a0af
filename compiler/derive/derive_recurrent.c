/* derive_recurrent.c — what back-propagation through time needs of a model
 * with a recurrent input group (see derive_recurrent.h). Every piece is a
 * symbolic derivative of the spec's own energy and let, so the recurrence
 * may be any let and the per-step model any energy whose free energy is
 * derived. */
#include "derive_recurrent.h"

#include <string.h>

Recurrence *derive_recurrence(Analysis *an) {
    Model *m = an->m;
    Energy *en = an->en;
    const Sym *u = NULL;
    for (int i = 0; i < m->nunits; i++)
        if (m->units[i]->recurrent) u = m->units[i];
    if (!u) return NULL;
    Recurrence *r = ARENA_NEW(en->a, Recurrence);
    r->group = u;
    r->let = u->recurrent;
    r->vars = ARENA_ARRAY(en->a, int, u->ndim + 1);
    r->vars2 = ARENA_ARRAY(en->a, int, u->ndim + 1);
    for (int d = 0; d < u->ndim; d++) {
        r->vars[d] = energy_var(en, r->let->vars[d], u->dims[d]);
        r->vars2[d] = energy_var(en, arena_printf(en->a, "%s2", r->let->vars[d]), u->dims[d]);
    }
    r->next = energy_expand_let(en, r->let, r->vars);
    r->dfree = energy_simplify(en, energy_deriv(en, an->free_energy, u, r->vars2));
    /* the adjoint, a group of u's shape that only these kernels read */
    Sym *A = ARENA_NEW(en->a, Sym);
    *A = *u;
    A->name = arena_printf(en->a, "A_%s", u->name);
    A->id = m->nunits;
    A->recurrent = NULL;
    A->recurrent_name = NULL;
    r->adjoint = A;
    Poly *As = derive_sum_over(en, poly_mul(en, poly_tensor(en, A, r->vars), r->next), r->vars, u->ndim);
    r->dnext_param = ARENA_ARRAY(en->a, Poly *, m->nparams + 1);
    for (int p = 0; p < m->nparams; p++) {
        Poly *g = energy_simplify(en, energy_deriv(en, As, m->params[p], an->grad_out[p]));
        r->dnext_param[p] = poly_is_zero(g) ? NULL : g;
    }
    r->dnext_state = energy_simplify(en, energy_deriv(en, As, u, r->vars2));
    return r;
}
