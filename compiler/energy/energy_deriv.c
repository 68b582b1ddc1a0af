/* energy_deriv.c — derivatives of terms, and the simplifications that keep
 * derived expressions readable.
 *
 * d/ds[p] of  coef * sum(vars) ... s[e1, e2] ...  solves e_d = p_d for one
 * variable of each index and substitutes it: d/dW[p, q] of
 * sum(i, j) v[i]*W[i, j]*h[j] is v[p]*h[q]. A variable that is not summed in
 * the term itself (it is bound further out, because the term sits inside a
 * function's argument) becomes a pending substitution that the enclosing
 * term applies: d/dc[p] of sum(j) softplus(c[j] + ...) is
 * sigmoid(c[p] + ...). */
#include "energy.h"
#include "energy_eval.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_summed(const Term *t, int var) {
    for (int k = 0; k < t->nvars; k++)
        if (t->vars[k] == var) return 1;
    return 0;
}

static void add_sub(Energy *en, Term *t, int var, const Affine *val) {
    Subst *s = ARENA_ARRAY(en->a, Subst, t->nsub + 1);
    if (t->nsub) mem_copy(s, t->sub, sizeof(Subst) * (size_t)t->nsub);
    s[t->nsub].var = var;
    s[t->nsub].val = *val;
    t->sub = s;
    t->nsub++;
}

static void add_guard(Energy *en, Term *t, const Affine *a, long long lo, long long hi) {
    Guard *g = ARENA_ARRAY(en->a, Guard, t->nguard + 1);
    if (t->nguard) mem_copy(g, t->guard, sizeof(Guard) * (size_t)t->nguard);
    g[t->nguard].a = *a;
    g[t->nguard].lo = lo;
    g[t->nguard].hi = hi;
    t->guard = g;
    t->nguard++;
}

/* Applies pending substitutions of variables summed in t. */
static void resolve_subs(Energy *en, Term *t) {
    int keep = 0;
    for (int i = 0; i < t->nsub; i++) {
        Subst s = t->sub[i];
        if (is_summed(t, s.var)) term_subst(en, t, s.var, &s.val);
        else t->sub[keep++] = s;
    }
    t->nsub = keep;
}

/* Makes d(term)/d(factor k) = 0 impossible to express? No: returns 0 when
 * the index cannot be solved (a constant index, a repeated variable). */
static int solve_index(Energy *en, Term *dt, const Factor *f, const int *out) {
    int used[MAX_DIMS];
    for (int d = 0; d < f->nidx; d++) {
        const Affine *a = &f->idx[d];
        int pick = -1;
        for (int k = 0; k < a->n; k++) {
            if (abs(a->coef[k]) != 1) continue;
            int dup = 0;
            for (int q = 0; q < d; q++)
                if (used[q] == a->var[k]) dup = 1;
            if (dup) continue;
            /* prefer a variable summed in this term */
            if (pick < 0 || (is_summed(dt, a->var[k]) && !is_summed(dt, a->var[pick]))) pick = k;
        }
        if (pick < 0) return 0;
        int var = a->var[pick], c = a->coef[pick];
        used[d] = var;
        if (var == out[d] && c == 1 && a->n == 1 && a->cst == 0) continue;   /* already s[p] */
        /* var = (p - (a - c*var)) / c */
        Affine val = {.n = 1, .var = {out[d]}, .coef = {c}, .cst = -c * a->cst};
        for (int k = 0; k < a->n; k++) {
            if (k == pick || val.n >= MAX_AFFINE) continue;
            val.var[val.n] = a->var[k];
            val.coef[val.n++] = -c * a->coef[k];
        }
        long long range = en->vars[var].range;
        int plain = val.n == 1 && val.cst == 0 && val.coef[0] == 1 && en->vars[out[d]].range == range;
        if (!plain) add_guard(en, dt, &val, 0, range - 1);
        if (is_summed(dt, var)) {
            term_subst(en, dt, var, &val);
        } else {
            term_subst(en, dt, var, &val);
            add_sub(en, dt, var, &val);
        }
    }
    return 1;
}

/* f'(arg) as a poly, for f applied to arg (power 1). */
static Poly *fn_deriv(Energy *en, const Factor *f) {
    Poly *arg = f->arg;
    switch (f->fn) {
    case FN_EXP: return poly_func(en, FN_EXP, 0, poly_copy(en, arg));
    case FN_LOG: return poly_func(en, FN_POW, -1, poly_copy(en, arg));
    case FN_SOFTPLUS: return poly_func(en, FN_SIGMOID, 0, poly_copy(en, arg));
    case FN_SIGMOID:
        return poly_mul(en, poly_func(en, FN_SIGMOID, 0, poly_copy(en, arg)),
                        poly_func(en, FN_SIGMOID, 0, poly_scale(en, arg, -1)));
    case FN_ABS: return poly_func(en, FN_SIGN, 0, poly_copy(en, arg));
    case FN_TANH: {
        Poly *t = poly_func(en, FN_TANH, 0, poly_copy(en, arg));
        t->t[0].f[0].power = 2;
        return poly_add(en, poly_const(en, 1), poly_scale(en, t, -1));
    }
    case FN_LOG1P: return poly_func(en, FN_POW, -1, poly_add(en, poly_const(en, 1), arg));
    case FN_LOGCOSH: return poly_func(en, FN_TANH, 0, poly_copy(en, arg));
    case FN_SIGN: return poly_const(en, 0);
    case FN_POW:
        if (f->fparam == 1) return poly_const(en, 1);
        return poly_scale(en, poly_func(en, FN_POW, f->fparam - 1, poly_copy(en, arg)), f->fparam);
    default: return NULL;
    }
}

static void deriv_term(Energy *en, Poly *out_poly, const Term *t, const Sym *s, const int *out);

/* d/ds of sum_r logsumexp_r(arg): softmax weights exp(arg - lse) times darg,
 * with the reduction variable summed in the result. */
static void deriv_lse(Energy *en, Poly *res, const Term *t, int k, const Sym *s, const int *out) {
    const Factor *f = &t->f[k];
    Poly *darg = energy_deriv(en, f->arg, s, out);
    Poly *lse = poly_new(en);
    Term lt = {.coef = 1, .nf = 1};
    lt.f = ARENA_NEW(en->a, Factor);
    *lt.f = *f;
    lt.f->power = 1;
    lt.f->arg = poly_copy(en, f->arg);
    poly_push(en, lse, lt);
    Poly *w = poly_func(en, FN_EXP, 0, poly_add(en, poly_copy(en, f->arg), poly_scale(en, lse, -1)));
    for (int i = 0; i < darg->n; i++) {
        Term rest = term_copy(en, t);
        rest.f[k] = rest.f[--rest.nf];
        Term prod = term_mul(en, &rest, &w->t[0]);
        prod = term_mul(en, &prod, &darg->t[i]);
        int *vars = ARENA_ARRAY(en->a, int, prod.nvars + 1);
        mem_copy(vars, prod.vars, sizeof(int) * (size_t)prod.nvars);
        vars[prod.nvars++] = f->reduce_var;
        prod.vars = vars;
        resolve_subs(en, &prod);
        poly_push(en, res, prod);
    }
}

static void deriv_term(Energy *en, Poly *res, const Term *t, const Sym *s, const int *out) {
    for (int k = 0; k < t->nf; k++) {
        const Factor *f = &t->f[k];
        if (f->kind == FK_TENSOR && f->sym == s && f->fn == FN_NONE) {
            Term dt = term_copy(en, t);
            dt.coef *= f->power;
            if (f->power == 1) dt.f[k] = dt.f[--dt.nf];
            else dt.f[k].power--;
            /* solve on the original factor, substituting in the copy */
            if (solve_index(en, &dt, f, out)) poly_push(en, res, dt);
            else diag_error(en->d, f->span.first_line ? f->span : span_none,
                            "cannot differentiate through the index of '%s': index units and parameters with "
                            "summed variables (v[i], v[i + 1]), not constants",
                            s->name);
        } else if (f->kind == FK_FUNC && poly_mentions(f->arg, s)) {
            if (f->fn == FN_LSE) {
                deriv_lse(en, res, t, k, s, out);
                continue;
            }
            Poly *darg = energy_deriv(en, f->arg, s, out);
            Poly *fp = fn_deriv(en, f);
            if (!fp) continue;
            if (f->power != 1) {
                /* (g^n)' = n g^(n-1) g' */
                Poly *g = poly_new(en);
                Term gt = {.coef = f->power, .nf = 1};
                gt.f = ARENA_NEW(en->a, Factor);
                *gt.f = *f;
                gt.f->power = f->power - 1;
                gt.f->arg = poly_copy(en, f->arg);
                poly_push(en, g, gt);
                fp = poly_mul(en, g, fp);
            }
            Term rest = term_copy(en, t);
            rest.f[k] = rest.f[--rest.nf];
            Poly *restp = poly_new(en);
            poly_push(en, restp, rest);
            Poly *prod = poly_mul(en, poly_mul(en, restp, fp), darg);
            for (int i = 0; i < prod->n; i++) {
                resolve_subs(en, &prod->t[i]);
                poly_push(en, res, prod->t[i]);
            }
        }
    }
}

Poly *energy_deriv(Energy *en, const Poly *p, const Sym *s, const int *out) {
    Poly *res = poly_new(en);
    for (int i = 0; i < p->n; i++) deriv_term(en, res, &p->t[i], s, out);
    return res;
}

void energy_deltas_to_guards(Energy *en, Poly *p) {
    for (int i = 0; i < p->n; i++) {
        Term *t = &p->t[i];
        for (int k = 0; k < t->nsub; k++) {
            Affine g = t->sub[k].val;
            for (int q = 0; q < g.n; q++) g.coef[q] = -g.coef[q];
            g.cst = -g.cst;
            if (g.n < MAX_AFFINE) {
                g.var[g.n] = t->sub[k].var;
                g.coef[g.n++] = 1;
            }
            add_guard(en, t, &g, 0, 0);
        }
        t->nsub = 0;
    }
}

/* ---- unit algebra --------------------------------------------------------------- */

void energy_unit_algebra(Energy *en, Poly *p) {
    for (int i = 0; i < p->n; i++) {
        Term *t = &p->t[i];
        for (int k = 0; k < t->nf; k++) {
            Factor *f = &t->f[k];
            if (f->kind == FK_FUNC) {
                energy_unit_algebra(en, f->arg);
                continue;
            }
            if (!f->sym || f->sym->kind != SYM_UNIT || f->power <= 1) continue;
            UnitType u = f->sym->utype;
            if (u == UT_BERNOULLI || u == UT_SOFTMAX) f->power = 1;
            else if (u == UT_SPIN) f->power = f->power % 2;
        }
        int w = 0;
        for (int k = 0; k < t->nf; k++)
            if (t->f[k].power != 0) t->f[w++] = t->f[k];
        t->nf = w;
    }
}

/* ---- simplification ------------------------------------------------------------------- */

static int affine_eq(const Affine *a, const Affine *b) {
    if (a->n != b->n || a->cst != b->cst) return 0;
    for (int k = 0; k < a->n; k++)
        if (a->var[k] != b->var[k] || a->coef[k] != b->coef[k]) return 0;
    return 1;
}

static int same_access(const Factor *a, const Factor *b) {
    if (a->kind != FK_TENSOR || b->kind != FK_TENSOR || a->sym != b->sym || a->temp != b->temp ||
        a->fn != b->fn || a->nidx != b->nidx)
        return 0;
    for (int d = 0; d < a->nidx; d++)
        if (!affine_eq(&a->idx[d], &b->idx[d])) return 0;
    return 1;
}

static int poly_same(const Poly *a, const Poly *b);

/* Structural equality, variable ids included: tanh(v[j]) and tanh(v[j2])
 * print alike when both variables are called j, but are not the same. */
static int factor_same(const Factor *a, const Factor *b) {
    if (a->kind != b->kind || a->power != b->power || a->fn != b->fn || a->fparam != b->fparam) return 0;
    if (a->kind == FK_TENSOR) return same_access(a, b);
    return a->reduce_var == b->reduce_var && poly_same(a->arg, b->arg);
}

static int term_same(const Term *a, const Term *b) {
    if (a->coef != b->coef || a->nvars != b->nvars || a->nf != b->nf || a->nguard != b->nguard || a->nsub != b->nsub)
        return 0;
    for (int k = 0; k < a->nvars; k++)
        if (a->vars[k] != b->vars[k]) return 0;
    for (int k = 0; k < a->nf; k++)
        if (!factor_same(&a->f[k], &b->f[k])) return 0;
    for (int k = 0; k < a->nguard; k++)
        if (!affine_eq(&a->guard[k].a, &b->guard[k].a) || a->guard[k].lo != b->guard[k].lo || a->guard[k].hi != b->guard[k].hi)
            return 0;
    for (int k = 0; k < a->nsub; k++)
        if (a->sub[k].var != b->sub[k].var || !affine_eq(&a->sub[k].val, &b->sub[k].val)) return 0;
    return 1;
}

static int poly_same(const Poly *a, const Poly *b) {
    if (a->n != b->n) return 0;
    for (int i = 0; i < a->n; i++)
        if (!term_same(&a->t[i], &b->t[i])) return 0;
    return 1;
}

/* the same function of the same argument */
static int same_function(Energy *en, const Factor *a, const Factor *b) {
    (void)en;
    if (a->kind != FK_FUNC || b->kind != FK_FUNC || a->fn != b->fn || a->fparam != b->fparam || a->fn == FN_LSE) return 0;
    return poly_same(a->arg, b->arg);
}

static int factor_rank(const Factor *f) {
    if (f->kind == FK_FUNC) return 1000 + f->fn;
    if (!f->sym) return 900;
    return (f->sym->kind == SYM_UNIT ? 0 : 100) + f->sym->id;
}

static int cmp_factor(const void *x, const void *y) {
    const Factor *a = x, *b = y;
    return factor_rank(a) - factor_rank(b);
}

/* (c * x^p)^q = c^q * x^(p q) when p q is an integer: sqrt(psi)^(-2) is
 * psi^(-1) */
static void fold_power(Energy *en, Term *t, Factor *f) {
    (void)en;
    if (f->fn != FN_POW || f->arg->n != 1) return;
    const Term *a = &f->arg->t[0];
    if (a->nvars || a->nguard || a->nsub || a->nf != 1 || a->f[0].kind != FK_TENSOR || a->f[0].fn != FN_NONE) return;
    double q = f->fparam * f->power, pq = a->f[0].power * q;
    /* the range first: an int power from inf (x^1e308^2) is undefined */
    if (!(fabs(pq) <= 1 << 20) || pq != (double)(int)pq || a->coef <= 0) return;
    t->coef *= pow(a->coef, q);
    Factor g = a->f[0];
    g.power = (int)pq;
    *f = g;
}

/* A function of a constant (1^(-1), log(0.5), f(0)) joins the coefficient,
 * where its value is finite; 1 if it did. */
static int fold_constant(Term *t, Factor *f) {
    const Poly *a = f->arg;
    if (f->fn == FN_LSE || a->n > 1) return 0;
    if (a->n == 1 && (a->t[0].nf || a->t[0].nvars || a->t[0].nguard || a->t[0].nsub)) return 0;
    double v = pow(energy_fn_value(f->fn, f->fparam, a->n ? a->t[0].coef : 0), f->power);
    if (!isfinite(v)) return 0;
    t->coef *= v;
    f->power = 0;
    return 1;
}

/* log(x^p) = p*log(x), the exponent into the coefficient: a Gaussian's
 * log(psi^0.5) prints as 0.5*log(psi). Only where both sides are defined
 * alike: a real exponent (pow is written of positive bases) or an odd one. */
static int plain_one(const Term *a) {
    return a->coef == 1 && !a->nvars && !a->nguard && !a->nsub && a->nf == 1;
}

static void log_of_power(Energy *en, Term *t, Factor *f) {
    if (f->fn != FN_LOG || f->power != 1 || f->arg->n != 1 || !plain_one(&f->arg->t[0])) return;
    const Term *a = &f->arg->t[0];
    const Factor *x = &a->f[0];
    Factor base;
    double p;
    if (x->kind == FK_TENSOR && x->fn == FN_NONE && x->power != 1 && x->power % 2) {
        base = *x;
        p = x->power;
    } else if (x->kind == FK_FUNC && x->fn == FN_POW && x->arg->n == 1 && plain_one(&x->arg->t[0]) &&
               x->arg->t[0].f[0].kind == FK_TENSOR && x->arg->t[0].f[0].fn == FN_NONE) {
        base = x->arg->t[0].f[0];
        p = x->fparam * x->power * base.power;
    } else {
        return;
    }
    base.power = 1;
    Term nt = term_copy(en, a);
    nt.f[0] = base;
    Poly *arg = poly_new(en);
    poly_push(en, arg, nt);
    f->arg = arg;
    t->coef *= p;
}

/* Merges repeated accesses into powers, folds constant functions, orders
 * factors (units first, in declaration order) for a stable print. */
static void normalize_term(Energy *en, Term *t) {
    for (int k = 0; k < t->nf; k++) {
        Factor *f = &t->f[k];
        if (f->kind == FK_FUNC) {
            Poly *a = energy_simplify(en, f->arg);
            f->arg = a;
            /* (x^a)^p is x^(a p) for the positive bases pow is written of:
             * one exponent, so psi^0.5^(-1)*psi^(-0.5) merges below */
            if (f->fn == FN_POW && f->power != 1) {
                f->fparam *= f->power;
                f->power = 1;
            }
            fold_power(en, t, f);
            if (f->kind != FK_FUNC) continue;
            if (fold_constant(t, f)) continue;
            log_of_power(en, t, f);
        }
        for (int q = k + 1; q < t->nf && f->power; q++)
            if (same_access(f, &t->f[q]) || same_function(en, f, &t->f[q])) {
                f->power += t->f[q].power;
                t->f[q].power = 0;
            } else if (f->fn == FN_POW && f->kind == FK_FUNC && t->f[q].kind == FK_FUNC && t->f[q].fn == FN_POW &&
                       poly_same(f->arg, t->f[q].arg)) {
                f->fparam += t->f[q].fparam * t->f[q].power;
                t->f[q].power = 0;
            }
        if (f->kind == FK_FUNC && f->fn == FN_POW && f->fparam == 0) f->power = 0;   /* x^0 */
    }
    /* merged powers may fold now: (psi^0.5)^(-2) */
    for (int k = 0; k < t->nf; k++)
        if (t->f[k].kind == FK_FUNC && t->f[k].power) fold_power(en, t, &t->f[k]);
    int w = 0;
    for (int k = 0; k < t->nf; k++)
        if (t->f[k].power != 0) t->f[w++] = t->f[k];
    t->nf = w;
    /* a stable sort: insertion, since qsort is not stable */
    for (int k = 1; k < t->nf; k++) {
        Factor x = t->f[k];
        int q = k - 1;
        while (q >= 0 && cmp_factor(&t->f[q], &x) > 0) {
            t->f[q + 1] = t->f[q];
            q--;
        }
        t->f[q + 1] = x;
    }
    /* summed variables no factor mentions any more count their range */
    int nv = 0;
    for (int k = 0; k < t->nvars; k++) {
        if (term_mentions_var(t, t->vars[k])) t->vars[nv++] = t->vars[k];
        else t->coef *= (double)en->vars[t->vars[k]].range;
    }
    t->nvars = nv;
}

/* Factors of one rank in the order of their text with the term's summed
 * variables blanked: v[i]*v[i2] and v[i2]*v[i] (i free, i2 summed) then
 * list their factors alike, so the renaming below sees the same term. */
static void order_for_key(Energy *en, Term *c) {
    if (c->nf < 2 || c->nf > 64) return;
    Term m = term_copy(en, c);
    int blank = energy_var(en, "_", 0);
    Affine val = {.n = 1, .var = {blank}, .coef = {1}};
    while (m.nvars) term_subst(en, &m, m.vars[0], &val);
    const char *text[64];
    for (int k = 0; k < m.nf; k++) {
        Term one = {.coef = 1, .nf = 1, .f = &m.f[k]};
        Poly p = {1, 1, &one};
        text[k] = poly_string(en, &p);
    }
    for (int k = 1; k < c->nf; k++) {
        Factor x = c->f[k];
        const char *tx = text[k];
        int q = k - 1;
        while (q >= 0 && (cmp_factor(&c->f[q], &x) > 0 || (cmp_factor(&c->f[q], &x) == 0 && strcmp(text[q], tx) > 0))) {
            c->f[q + 1] = c->f[q];
            text[q + 1] = text[q];
            q--;
        }
        c->f[q + 1] = x;
        text[q + 1] = tx;
    }
}

/* A key equal for terms equal up to the names of their summed variables. */
static char *term_key(Energy *en, const Term *t) {
    Term c = term_copy(en, t);
    c.coef = 1;
    order_for_key(en, &c);
    /* rename summed variables in order of first use to canonical ones */
    while (en->ncanon < 64 && en->ncanon < t->nvars) {
        en->canon[en->ncanon] = energy_var(en, arena_printf(en->a, "_%d", en->ncanon), 0);
        en->ncanon++;
    }
    int *canon = en->canon;
    int order[64], n = 0;
    for (int k = 0; k < c.nf && n < 64; k++) {
        const Factor *f = &c.f[k];
        if (f->kind != FK_TENSOR) continue;
        for (int d = 0; d < f->nidx; d++)
            for (int q = 0; q < f->idx[d].n; q++) {
                int v = f->idx[d].var[q], seen = 0;
                if (!is_summed(&c, v)) continue;
                for (int r = 0; r < n; r++)
                    if (order[r] == v) seen = 1;
                if (!seen && n < 64) order[n++] = v;
            }
    }
    Poly one = {1, 1, &c};
    char *s = NULL;
    for (int r = 0; r < n; r++) {
        Affine val = {.n = 1, .var = {canon[r]}, .coef = {1}};
        term_subst(en, &c, order[r], &val);
    }
    if (c.nvars) return NULL;   /* variables only functions use: no merging */
    /* free variables are named by their id: two of them may share a name */
    int freev[64], nfree = 0;
    for (int k = 0; k < c.nf; k++) {
        if (c.f[k].kind != FK_TENSOR) continue;
        for (int d = 0; d < c.f[k].nidx; d++)
            for (int q = 0; q < c.f[k].idx[d].n; q++) {
                int v = c.f[k].idx[d].var[q], seen = 0;
                for (int r = 0; r < n; r++) seen |= canon[r] == v;
                for (int r = 0; r < nfree; r++) seen |= freev[r] == v;
                if (!seen && nfree < 64) freev[nfree++] = v;
            }
    }
    for (int r = 0; r < nfree; r++) {
        Affine val = {.n = 1, .var = {energy_var(en, arena_printf(en->a, "#%d", freev[r]), 0)}, .coef = {1}};
        term_subst(en, &c, freev[r], &val);
    }
    s = poly_string(en, &one);
    char *k = arena_printf(en->a, "%d|%s", n, s);
    return k;
}

Poly *energy_simplify(Energy *en, const Poly *p) {
    Poly *r = poly_new(en);
    char **keys = ARENA_ARRAY(en->a, char *, p->n + 1);
    for (int i = 0; i < p->n; i++) {
        Term t = term_copy(en, &p->t[i]);
        normalize_term(en, &t);
        if (t.coef == 0) continue;
        char *key = t.nsub || t.nguard ? NULL : term_key(en, &t);
        int merged = 0;
        for (int k = 0; key && k < r->n; k++)
            if (keys[k] && !strcmp(keys[k], key)) {
                r->t[k].coef += t.coef;
                merged = 1;
                break;
            }
        if (merged) continue;
        keys[r->n] = key;
        poly_push(en, r, t);
    }
    /* drop terms that cancelled */
    int w = 0;
    for (int i = 0; i < r->n; i++)
        if (fabs(r->t[i].coef) > 1e-300) r->t[w++] = r->t[i];
    r->n = w;
    return r;
}
