/* derive_lateral.c — the whole field of a group whose units couple with each
 * other, as `ebmc explain` prints it in one formula.
 *
 * The analysis keeps a coupled group's field in two parts: the terms linear
 * in the group (gi->field) and the couplings J[p, p2] = -d2E/dg[p]dg[p2]
 * (gi->coupling). Sequential Gibbs updates unit p from
 *     field[p] + sum(p2 != p) J[p, p2]*g[p2] + J[p, p]/2        ({0,1} units)
 * (the diagonal enters halved because g^2 = g; for spins g^2 = 1 and it
 * drops out), which is rt_seq_gibbs's sum. Here the couplings are rewritten
 * into that sum: a term whose partner is pinned by Kronecker deltas
 * (v[r, s] with v[r, s + 1]) becomes a plain field term naming the partner,
 * a pinned term on the diagonal becomes its constant share, and what is left
 * (a dense J, every pair coupled) stays a sum over the partners off the
 * diagonal. Nothing here changes what is computed. */
#include "derive_lateral.h"

#include <string.h>

/* lo <= a <= hi always holds, for every value the variables take */
static int guard_always(const Energy *en, const Guard *g) {
    if (g->a.n == 0) return g->lo <= g->a.cst && g->a.cst <= g->hi;
    if (g->a.n != 1 || g->a.coef[0] != 1) return 0;
    long long range = en->vars[g->a.var[0]].range;
    return range > 0 && g->lo <= g->a.cst && range - 1 + g->a.cst <= g->hi;
}

static int affine_same(const Affine *a, const Affine *b) {
    if (a->n != b->n || a->cst != b->cst) return 0;
    for (int k = 0; k < a->n; k++)
        if (a->var[k] != b->var[k] || a->coef[k] != b->coef[k]) return 0;
    return 1;
}

/* Drops guards that always hold, intersects repeated ones, and zeroes a
 * term whose constant guard fails. */
static void tidy_guards(const Energy *en, Term *t) {
    int w = 0;
    for (int i = 0; i < t->nguard; i++) {
        Guard g = t->guard[i];
        if (g.a.n == 0 && !(g.lo <= g.a.cst && g.a.cst <= g.hi)) {
            t->coef = 0;
            continue;
        }
        if (guard_always(en, &g)) continue;
        if (g.a.n == 1 && g.a.coef[0] == 1) {   /* s - 1 in 0..1 is s in 1..2 */
            g.lo -= g.a.cst;
            g.hi -= g.a.cst;
            g.a.cst = 0;
        }
        int merged = 0;
        for (int k = 0; k < w && !merged; k++)
            if (affine_same(&t->guard[k].a, &g.a)) {
                if (g.lo > t->guard[k].lo) t->guard[k].lo = g.lo;
                if (g.hi < t->guard[k].hi) t->guard[k].hi = g.hi;
                merged = 1;
            }
        if (!merged) t->guard[w++] = g;
    }
    t->nguard = w;
}

/* A guard a in c..c with a partner variable of coefficient +-1 pins it:
 * var = (c - rest)/coef. Substitutes every such pin; returns how many. */
static int solve_pins(Energy *en, Term *t, const int *out2, int ndim) {
    int pinned = 0;
    for (int again = 1; again;) {
        again = 0;
        for (int i = 0; i < t->nguard && !again; i++) {
            Guard g = t->guard[i];
            if (g.lo != g.hi) continue;
            for (int k = 0; k < g.a.n && !again; k++) {
                int c = g.a.coef[k], is_partner = 0;
                for (int d = 0; d < ndim; d++) is_partner |= g.a.var[k] == out2[d];
                if (!is_partner || (c != 1 && c != -1)) continue;
                /* var = c*(lo - cst - sum of the others) since c = +-1 */
                Affine val = {.cst = c * (g.lo - g.a.cst)};
                for (int q = 0; q < g.a.n; q++)
                    if (q != k) {
                        val.var[val.n] = g.a.var[q];
                        val.coef[val.n++] = -c * g.a.coef[q];
                    }
                int var = g.a.var[k];
                memmove(t->guard + i, t->guard + i + 1, sizeof(Guard) * (size_t)(t->nguard - i - 1));
                t->nguard--;
                term_subst(en, t, var, &val);
                pinned++;
                again = 1;
            }
        }
    }
    return pinned;
}

static int mentions_any(const Term *t, const int *vars, int n) {
    for (int d = 0; d < n; d++)
        if (term_mentions_var(t, vars[d])) return 1;
    return 0;
}

/* the group's factor g[...] in t sits on p itself (the diagonal) */
static int on_diagonal(const Term *t, const Sym *g, const int *out) {
    for (int k = 0; k < t->nf; k++) {
        const Factor *f = &t->f[k];
        if (f->kind != FK_TENSOR || f->sym != g) continue;
        for (int d = 0; d < f->nidx; d++) {
            int v;
            if (!affine_is_var(&f->idx[d], &v) || v != out[d]) return 0;
        }
        return 1;
    }
    return 0;
}

LateralField derive_lateral_field(Analysis *an, const GroupInfo *gi) {
    Energy *en = an->en;
    const Sym *g = gi->sym;
    int n = g->ndim, spin = gi->cond == COND_TANH;
    Poly *named = poly_new(en), *dense = poly_new(en);
    Poly *partner = poly_tensor(en, g, gi->out2);
    for (int i = 0; gi->coupling && i < gi->coupling->n; i++) {
        const Term *orig = &gi->coupling->t[i];
        Term t = term_mul(en, orig, &partner->t[0]);
        int pinned = solve_pins(en, &t, gi->out2, n);
        tidy_guards(en, &t);
        if (t.coef == 0) continue;
        if (pinned && !mentions_any(&t, gi->out2, n)) {
            if (!on_diagonal(&t, g, gi->out)) {
                poly_push(en, named, t);
            } else if (!spin) {
                /* J[p, p]*g[p] on the diagonal: its share J[p, p]/2 */
                Term d = term_copy(en, orig);
                solve_pins(en, &d, gi->out2, n);
                tidy_guards(en, &d);
                d.coef *= 0.5;
                if (d.coef != 0) poly_push(en, named, d);
            }
            continue;
        }
        poly_push(en, dense, term_copy(en, orig));
        if (spin) continue;
        /* the dense term's diagonal, p2 := p, halved */
        Term d = term_copy(en, orig);
        for (int k = 0; k < n; k++) {
            Affine val = {.n = 1, .var = {gi->out[k]}, .coef = {1}};
            term_subst(en, &d, gi->out2[k], &val);
        }
        tidy_guards(en, &d);
        d.coef *= 0.5;
        if (d.coef != 0) poly_push(en, named, d);
    }
    LateralField lf = {energy_simplify(en, named), dense->n ? energy_simplify(en, dense) : NULL};
    return lf;
}

/* "i2" or "(r2, s2)": a list of the group's index variables */
static char *var_list(Energy *en, const int *vars, int n, int paren) {
    char *s = arena_printf(en->a, "%s", paren && n > 1 ? "(" : "");
    for (int d = 0; d < n; d++) s = arena_printf(en->a, "%s%s%s", s, d ? ", " : "", en->vars[vars[d]].name);
    return arena_printf(en->a, "%s%s", s, paren && n > 1 ? ")" : "");
}

char *derive_lateral_text(Analysis *an, const GroupInfo *gi, const LateralField *lf) {
    Energy *en = an->en;
    const Sym *g = gi->sym;
    Poly *whole = poly_add(en, gi->field ? gi->field : poly_new(en), lf->named);
    char *s = whole->n ? poly_string(en, whole) : arena_printf(en->a, "%s", "");
    if (!lf->dense) return whole->n ? s : arena_printf(en->a, "0");
    const char *p2 = var_list(en, gi->out2, g->ndim, 0);
    return arena_printf(en->a, "%s%ssum(%s) J[%s, %s]*%s[%s]", s, whole->n ? " + " : "", p2,
                        var_list(en, gi->out, g->ndim, 0), p2, g->name, p2);
}

char *derive_lateral_j(Analysis *an, const GroupInfo *gi, const LateralField *lf) {
    Energy *en = an->en;
    int n = gi->sym->ndim;
    const char *p = var_list(en, gi->out, n, 0), *p2 = var_list(en, gi->out2, n, 0);
    return arena_printf(en->a, "J[%s, %s] = %s where %s != %s, and 0 where they are equal", p, p2,
                        poly_string(en, lf->dense), var_list(en, gi->out2, n, 1), var_list(en, gi->out, n, 1));
}
