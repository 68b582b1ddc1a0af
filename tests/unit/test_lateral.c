/* test_lateral.c — the one-formula conditional `explain` prints for a group
 * whose units couple with each other (derive_lateral.c) is the true
 * conditional: for random parameters and states, the printed field at each
 * unit, evaluated in double, equals E(unit off) - E(unit on) computed from
 * the expanded energy (bernoulli), or half of it (spins: the argument of
 * tanh), to 1e-9. A field that left out a coupling, counted the diagonal
 * whole, or kept it for spins would differ by the left-out term. */
#include "check.h"
#include "compile.h"
#include "derive_lateral.h"
#include "energy_eval.h"

#include <stdlib.h>

static double uniform(unsigned *s) {
    *s = *s * 1103515245u + 12345u;
    return (double)(*s >> 8) / (double)(1u << 24);
}

/* index of the group's unit at the variables' values, row-major */
static long long offset(const Sym *g, const int *vars, const long long *val) {
    long long off = 0;
    for (int d = 0; d < g->ndim; d++) off = off * g->dims[d] + val[vars[d]];
    return off;
}

static void check_spec(const char *src, const char *group, int spin) {
    Compilation *c = compile_source("lateral.ebm", src, strlen(src));
    CHECK(c && !c->diag.errors, "the spec compiles");
    if (!c || c->diag.errors) return;
    Analysis *an = compile_main_model(c);
    Energy *en = an->en;
    Model *m = an->m;
    GroupInfo *gi = NULL;
    for (int u = 0; u < m->nunits; u++)
        if (!strcmp(m->units[u]->name, group)) gi = &an->g[u];
    CHECK(gi && gi->coupling, "%s has couplings", group);
    if (!gi || !gi->coupling) return;
    LateralField lf = derive_lateral_field(an, gi);
    Poly *field = poly_add(en, gi->field ? gi->field : poly_new(en), lf.named);
    unsigned seed = 7;
    double **unit = calloc((size_t)m->nunits, sizeof *unit), **param = calloc((size_t)m->nparams, sizeof *param);
    for (int u = 0; u < m->nunits; u++) {
        unit[u] = calloc((size_t)m->units[u]->size, sizeof(double));
        for (long long k = 0; k < m->units[u]->size; k++) {
            int on = uniform(&seed) < 0.5;
            unit[u][k] = on ? 1 : spin ? -1 : 0;
        }
    }
    for (int p = 0; p < m->nparams; p++) {
        param[p] = calloc((size_t)m->params[p]->size, sizeof(double));
        for (long long k = 0; k < m->params[p]->size; k++) param[p][k] = 2 * uniform(&seed) - 1;
    }
    EvalEnv env = {en, (const double *const *)unit, (const double *const *)param};
    long long *val = calloc((size_t)en->nvars + 1, sizeof(long long));
    const Sym *g = gi->sym;
    double *x = unit[g->id], worst = 0;
    for (long long k = 0; k < g->size; k++) {
        long long rest = k;
        for (int d = g->ndim - 1; d >= 0; d--) {
            val[gi->out[d]] = rest % g->dims[d];
            rest /= g->dims[d];
        }
        double printed = energy_eval(&env, field, val);
        for (long long k2 = 0; lf.dense && k2 < g->size; k2++) {
            if (k2 == k) continue;   /* J's diagonal is 0 */
            long long r2 = k2;
            for (int d = g->ndim - 1; d >= 0; d--) {
                val[gi->out2[d]] = r2 % g->dims[d];
                r2 /= g->dims[d];
            }
            printed += energy_eval(&env, lf.dense, val) * x[offset(g, gi->out2, val)];
        }
        double save = x[k];
        x[k] = spin ? -1 : 0;
        double e_off = energy_eval(&env, en->E, val);
        x[k] = 1;
        double e_on = energy_eval(&env, en->E, val);
        x[k] = save;
        double truth = (e_off - e_on) / (spin ? 2 : 1);
        if (fabs(printed - truth) > worst) worst = fabs(printed - truth);
    }
    CHECK(worst < 1e-9, "%s: the printed field is off the energy difference by %g", group, worst);
    for (int u = 0; u < m->nunits; u++) free(unit[u]);
    for (int p = 0; p < m->nparams; p++) free(param[p]);
    free(unit);
    free(param);
    free(val);
    compile_free(c);
}

/* dense laterals with hiddens (srbm): L's diagonal is the field's L[i, i] */
static void semi_restricted(void) {
    check_spec("model srbm {\n visible v[5] : bernoulli\n hidden h[3] : bernoulli\n param W[5, 3]\n param L[5, 5]\n"
               " param b[5]\n energy = - sum(i) b[i]*v[i] - sum(i, j) v[i]*W[i, j]*h[j] - sum(i, k) v[i]*L[i, k]*v[k]\n}\n",
               "v", 0);
}

/* a two-dimensional group coupled densely (the tutorial's my_srbm) */
static void dense_2d(void) {
    check_spec("model m {\n visible v[2, 3] : bernoulli\n param L[2, 3, 2, 3]\n param b[2, 3]\n"
               " energy = - sum(r, s) b[r, s]*v[r, s] - sum(r, s, p, q) v[r, s]*L[r, s, p, q]*v[p, q]\n}\n",
               "v", 0);
}

/* neighbours named by index: partners pinned, no J, the edges' guards */
static void neighbour_chain(void) {
    check_spec("model chain {\n visible v[3, 3] : bernoulli\n param b[3, 3]\n param L[3, 2]\n"
               " energy = - sum(r, s) b[r, s]*v[r, s] - sum(r, s) L[r, s]*v[r, s]*v[r, s + 1]\n}\n",
               "v", 0);
}

/* spins: the diagonal is a constant and drops out, dense and pinned */
static void spins(void) {
    check_spec("model fv {\n visible x[5] : spin\n param U[5, 5]\n param b[5]\n"
               " energy = - sum(i) b[i]*x[i] - sum(i, j) x[i]*U[i, j]*x[j]\n}\n",
               "x", 1);
    check_spec("model ising {\n visible s[6] : spin\n param h[6]\n param K[5]\n"
               " energy = - sum(i) h[i]*s[i] - sum(i) K[i]*s[i]*s[i + 1]\n}\n",
               "s", 1);
}

int main(void) {
    TEST(semi_restricted);
    TEST(dense_2d);
    TEST(neighbour_chain);
    TEST(spins);
    return check_failures != 0;
}
