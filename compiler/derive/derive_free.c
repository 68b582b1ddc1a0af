/* derive_free.c — free energies and gradient statistics.
 *
 * Summing a group g out of exp(-E) in closed form leaves
 *     F = (terms without g) - sum(p) logZ_g(a[p], q[p])
 * where a is g's field, q its quadratic coefficient, and logZ the log
 * normaliser of g's unit type: softplus(a) for {0,1}, logcosh(a) + log 2 for
 * spins, logsumexp over the one-hot axis for softmax, n*softplus(a) for
 * binomial(n), a^2/(4q) + log(pi/q)/2 for Gaussians. The gradient statistic
 * of a parameter is dF/dparam: with hidden groups summed out it is the
 * Rao-Blackwellised statistic (v[i]*sigmoid(field)[j] for an RBM). */
#include "derive.h"

#include <math.h>
#include <string.h>

/* sum over the group's own index variables of a per-unit poly */
Poly *derive_sum_over(Energy *en, const Poly *p, const int *vars, int nvars) {
    Poly *r = poly_copy(en, p);
    for (int i = 0; i < r->n; i++) {
        Term *t = &r->t[i];
        int *v = ARENA_ARRAY(en->a, int, t->nvars + nvars + 1);
        mem_copy(v, t->vars, sizeof(int) * (size_t)t->nvars);
        int n = t->nvars;
        for (int k = 0; k < nvars; k++) {
            if (term_mentions_var(t, vars[k])) v[n++] = vars[k];
            else t->coef *= (double)en->vars[vars[k]].range;
        }
        t->vars = v;
        t->nvars = n;
    }
    return r;
}

static Poly *log_partition(Analysis *an, const GroupInfo *gi) {
    Energy *en = an->en;
    Poly *a = gi->field;
    const Sym *g = gi->sym;
    switch (gi->cond) {
    case COND_SIGMOID: return poly_func(en, FN_SOFTPLUS, 0, poly_copy(en, a));
    case COND_BINOMIAL: return poly_scale(en, poly_func(en, FN_SOFTPLUS, 0, poly_copy(en, a)), g->binomial_n);
    case COND_TANH: return poly_add(en, poly_func(en, FN_LOGCOSH, 0, poly_copy(en, a)), poly_const(en, log(2.0)));
    case COND_SOFTMAX: {
        Poly *p = poly_func(en, FN_LSE, 0, poly_copy(en, a));
        p->t[0].f[0].reduce_var = gi->out[g->ndim - 1];
        return p;
    }
    case COND_GAUSS_DIAG: {
        /* a^2/(4q) + log(pi)/2 - log(q)/2 */
        Poly *a2 = poly_mul(en, poly_copy(en, a), poly_fresh(en, a));
        Poly *inv = poly_func(en, FN_POW, -1, poly_copy(en, gi->quad));
        Poly *p = poly_scale(en, poly_mul(en, a2, inv), 0.25);
        p = poly_add(en, p, poly_const(en, 0.5 * log(M_PI)));
        return poly_add(en, p, poly_scale(en, poly_func(en, FN_LOG, 0, poly_copy(en, gi->quad)), -0.5));
    }
    default: return NULL;
    }
}

Poly *derive_free_energy(Analysis *an, unsigned long long mask) {
    Energy *en = an->en;
    Model *m = an->m;
    Poly *F = poly_new(en);
    for (int i = 0; i < en->E->n; i++) {
        const Term *t = &en->E->t[i];
        int keep = 1;
        for (int u = 0; u < m->nunits && keep; u++)
            if ((mask >> u & 1) && term_degree(t, m->units[u]) != 0) keep = 0;
        if (keep) poly_push(en, F, term_copy(en, t));
    }
    for (int u = 0; u < m->nunits; u++) {
        if (!(mask >> u & 1)) continue;
        const GroupInfo *gi = &an->g[u];
        Poly *lz = log_partition(an, gi);
        if (!lz) continue;
        /* softmax: the last axis is reduced inside logsumexp */
        int n = gi->cond == COND_SOFTMAX ? gi->sym->ndim - 1 : gi->sym->ndim;
        F = poly_add(en, F, poly_scale(en, derive_sum_over(en, lz, gi->out, n), -1));
    }
    return energy_simplify(en, poly_fresh(en, F));
}

Poly *derive_gradient(Analysis *an, Poly *f, const Sym *param, int **out) {
    static const char *const names[] = {"i", "j", "k", "l", "m", "n", "o", "q"};
    Energy *en = an->en;
    int *o = ARENA_ARRAY(en->a, int, param->ndim + 1);
    for (int d = 0; d < param->ndim; d++) o[d] = energy_var(en, names[d], param->dims[d]);
    *out = o;
    return energy_simplify(en, energy_deriv(en, f, param, o));
}
