/* energy_linear.c — recognising x = W.h + b + noise in the expanded energy.
 *
 * Two questions, asked of the terms alone:
 *
 * 1. Is the model linear-Gaussian? Every group is Gaussian and every term
 *    is of total degree <= 2 in the units, with no unit under a function.
 *    Then E = u'Pu/2 - a'u + c over all units u, with P and a functions of
 *    the parameters only: the posterior of the hidden groups and the
 *    marginal of the visible ones are Gaussians the runtime computes
 *    exactly from P and a (runtime/run/rt_linear.c).
 *
 * 2. Which parameter plays which role? With one visible group x and one
 *    hidden group h, the terms holding x must be x[i]^2 times a power of a
 *    noise parameter (the precision of x given h), x[i]*h[j] times the
 *    loading W[i, j] (and the noise), and x[i] times the mean b[i] (and the
 *    noise). The terms without x are the prior on h plus the likelihood's
 *    h-only part; their shape says which method fits: quadratic (EM, exact),
 *    plus |h[j]| terms (sparse coding: FISTA with the L1 proximal step), or
 *    other functions of single units (ICA). */
#include "energy_linear.h"

#include <string.h>

const char *energy_prior_name(PriorKind k) {
    static const char *const names[] = {"none", "gaussian", "laplace (L1)", "factorial non-Gaussian", "other"};
    return names[k];
}

static const char *term_text(Energy *en, const Term *t) {
    Poly one = {1, 1, (Term *)t};
    return poly_string(en, &one);
}

/* ---- 1. linear-Gaussian ----------------------------------------------------------- */

static const char *not_gaussian(Analysis *an) {
    Model *m = an->m;
    Energy *en = an->en;
    for (int u = 0; u < m->nunits; u++) {
        const Sym *s = m->units[u];
        if (s->role == ROLE_INPUT) return arena_printf(en->a, "'%s' is an input, so the coefficients are not parameters only", s->name);
        if (s->utype != UT_GAUSSIAN) return arena_printf(en->a, "'%s' is %s, not Gaussian", s->name, sema_unit_type_name(s->utype));
    }
    for (int i = 0; i < en->E->n; i++) {
        const Term *t = &en->E->t[i];
        int total = 0;
        for (int u = 0; u < m->nunits; u++) {
            int d = term_degree(t, m->units[u]);
            if (d < 0) return arena_printf(en->a, "the term %s is not polynomial in %s", term_text(en, t), m->units[u]->name);
            total += d;
        }
        if (total > 2) return arena_printf(en->a, "the term %s is of degree %d in the units", term_text(en, t), total);
    }
    for (int u = 0; u < m->nunits; u++)
        if (an->g[u].cond != COND_GAUSS_DIAG && an->g[u].cond != COND_GAUSS_FULL)
            return arena_printf(en->a, "'%s' is not sampled from its Gaussian conditional", m->units[u]->name);
    return NULL;
}

/* ---- 2. roles ------------------------------------------------------------------------ */

/* The index variable of the first access to s in t (s one-dimensional). */
static int access_var(const Term *t, const Sym *s) {
    for (int k = 0; k < t->nf; k++) {
        const Factor *f = &t->f[k];
        int v;
        if (f->kind == FK_TENSOR && f->sym == s && f->nidx == 1 && affine_is_var(&f->idx[0], &v)) return v;
    }
    return -1;
}

/* The parameters t holds, outside or inside functions. */
static int term_params(const Model *m, const Term *t, const Sym **out) {
    int n = 0;
    Poly one = {1, 1, (Term *)t};
    for (int p = 0; p < m->nparams; p++)
        if (poly_mentions(&one, m->params[p])) out[n++] = m->params[p];
    return n;
}

/* The power of p in t when p appears only as p^k or (p^j)^c; 0 otherwise. */
static double exponent_of(const Term *t, const Sym *p) {
    double k = 0;
    for (int i = 0; i < t->nf; i++) {
        const Factor *f = &t->f[i];
        if (f->kind == FK_TENSOR && f->sym == p) {
            k += f->power;
        } else if (f->kind == FK_FUNC && poly_mentions(f->arg, p)) {
            const Poly *a = f->arg;
            if (f->fn != FN_POW || a->n != 1 || a->t[0].nf != 1 || a->t[0].coef != 1 || a->t[0].f[0].kind != FK_TENSOR)
                return 0;
            k += f->fparam * f->power * a->t[0].f[0].power;
        }
    }
    return k;
}

/* Records s as the one parameter of a role; a second one is an error. */
static int take(const Sym **role, const Sym *s) {
    if (*role && *role != s) return 0;
    *role = s;
    return 1;
}

/* c*|h[j]|*(parameters): the L1 weight of h[p], or NULL if t is not that. */
static Poly *l1_weight(Energy *en, const Term *t, const Sym *h, const int *out) {
    int abs_k = -1;
    for (int k = 0; k < t->nf; k++) {
        const Factor *f = &t->f[k];
        if (f->kind == FK_TENSOR && f->sym && f->sym->kind == SYM_UNIT) return NULL;
        if (f->kind != FK_FUNC || !poly_mentions(f->arg, h)) continue;
        if (f->fn != FN_ABS || f->power != 1 || abs_k >= 0) return NULL;
        const Poly *a = f->arg;
        if (a->n != 1 || a->t[0].nf != 1 || a->t[0].coef != 1 || a->t[0].nvars) return NULL;
        abs_k = k;
    }
    if (abs_k < 0) return NULL;
    const Factor *hf = &t->f[abs_k].arg->t[0].f[0];
    int v;
    if (hf->kind != FK_TENSOR || hf->sym != h || hf->power != 1 || hf->nidx != 1 || !affine_is_var(&hf->idx[0], &v))
        return NULL;
    Term w = term_copy(en, t);
    memmove(w.f + abs_k, w.f + abs_k + 1, sizeof(Factor) * (size_t)(w.nf - abs_k - 1));
    w.nf--;
    Affine val = {.n = 1, .var = {out[0]}, .coef = {1}};
    term_subst(en, &w, v, &val);
    Poly *p = poly_new(en);
    poly_push(en, p, w);
    return p;
}

/* h enters t only through one index variable: a function of single units. */
static int single_unit(const Poly *p, const Sym *h, int *var) {
    for (int i = 0; i < p->n; i++)
        for (int k = 0; k < p->t[i].nf; k++) {
            const Factor *f = &p->t[i].f[k];
            if (f->kind == FK_FUNC) {
                if (!single_unit(f->arg, h, var)) return 0;
                continue;
            }
            if (f->sym != h) continue;
            int v;
            if (f->nidx != 1 || !affine_is_var(&f->idx[0], &v) || (*var >= 0 && *var != v)) return 0;
            *var = v;
        }
    return 1;
}

static void find_roles(Analysis *an, Linear *lin) {
    Model *m = an->m;
    Energy *en = an->en;
    const Sym *x = NULL, *h = NULL;
    for (int u = 0; u < m->nunits; u++) {
        const Sym *s = m->units[u];
        if (s->role == ROLE_INPUT) return;
        if (s->role == ROLE_VISIBLE) {
            if (x) return;
            x = s;
        } else {
            if (h) return;
            h = s;
        }
    }
    if (!x || !h || x->ndim != 1 || h->ndim != 1 || x->utype != UT_GAUSSIAN || h->utype != UT_GAUSSIAN) return;
    const Sym *noise = NULL, *loading = NULL, *mean = NULL;
    double power = 0;
    int loading_t = 0;
    const char *em_why = NULL;
    for (int i = 0; i < en->E->n; i++) {
        const Term *t = &en->E->t[i];
        int dx = term_degree(t, x), dh = term_degree(t, h);
        if (dx == 0) continue;
        if (dx < 0 || dx > 2 || (dx == 2 && dh != 0) || (dx == 1 && dh != 0 && dh != 1)) return;
        const Sym *ps[64];
        int np = term_params(m, t, ps), xv = access_var(t, x);
        if (xv < 0) return;
        if (dx == 2) {
            /* x[i]^2 * c * noise[i]^k: a diagonal precision */
            int pair = 0;
            for (int k = 0; k < t->nf; k++)
                if (t->f[k].kind == FK_TENSOR && t->f[k].sym == x && t->f[k].power != 2) pair = 1;
            if (pair) {
                em_why = "x's noise couples units of x (not diagonal)";
                continue;
            }
            for (int q = 0; q < np; q++) {
                double k = exponent_of(t, ps[q]);
                if (!take(&noise, ps[q]) || k == 0 || (power != 0 && k != power)) return;
                power = k;
                int nv = -1;
                for (int f = 0; f < t->nf; f++)
                    if (t->f[f].kind == FK_TENSOR && t->f[f].sym == noise && t->f[f].nidx == 1)
                        affine_is_var(&t->f[f].idx[0], &nv);
                if (noise->ndim > 1 || (noise->ndim == 1 && nv != xv)) return;
            }
            continue;
        }
        int hv = dh ? access_var(t, h) : -1;
        if (dh && hv < 0) return;
        for (int q = 0; q < np; q++) {
            if (ps[q] == noise) continue;
            /* the noise appears here too; which one it is, the x^2 terms say */
            int is_noise = 0;
            for (int r = 0; r < en->E->n; r++) {
                const Term *t2 = &en->E->t[r];
                Poly one = {1, 1, (Term *)t2};
                if (term_degree(t2, x) == 2 && poly_mentions(&one, ps[q])) is_noise = 1;
            }
            if (is_noise) continue;
            const Sym *s = ps[q];
            int v0 = -1, v1 = -1;
            for (int f = 0; f < t->nf; f++)
                if (t->f[f].kind == FK_TENSOR && t->f[f].sym == s) {
                    if (t->f[f].power != 1) return;
                    if (s->ndim >= 1) affine_is_var(&t->f[f].idx[0], &v0);
                    if (s->ndim >= 2) affine_is_var(&t->f[f].idx[1], &v1);
                }
            if (dh) {
                if (!take(&loading, s) || s->ndim != 2) return;
                if (v0 == xv && v1 == hv) loading_t = 0;
                else if (v0 == hv && v1 == xv) loading_t = 1;
                else return;
            } else {
                if (!take(&mean, s) || s->ndim != 1 || v0 != xv) return;
            }
        }
    }
    if (!loading) return;
    lin->x = x;
    lin->h = h;
    lin->loading = loading;
    lin->loading_t = loading_t;
    lin->mean = mean;
    lin->noise = noise;
    lin->noise_power = power;
    lin->isotropic = noise && noise->ndim == 0;
    /* the prior: the terms without x */
    int *out = an->g[h->id].out;
    Poly *l1 = poly_new(en), *smooth = poly_new(en);
    int nonpoly = 0, all_l1 = 1, factorial = 1, hdeg_ok = 1;
    for (int i = 0; i < en->E->n; i++) {
        const Term *t = &en->E->t[i];
        if (term_degree(t, x) != 0) {
            poly_push(en, smooth, *t);
            continue;
        }
        int dh = term_degree(t, h);
        if (dh > 2) hdeg_ok = 0;
        if (dh >= 0) {
            poly_push(en, smooth, *t);
            continue;
        }
        nonpoly = 1;
        Poly one = {1, 1, (Term *)t};
        int var = -1;
        if (!single_unit(&one, h, &var)) factorial = 0;
        Poly *w = l1_weight(en, t, h, out);
        if (w) l1 = poly_add(en, l1, w);
        else all_l1 = 0;
    }
    const Sym *ps[64];
    for (int i = 0; i < en->E->n && !em_why; i++) {
        const Term *t = &en->E->t[i];
        int np = term_params(m, t, ps);
        for (int q = 0; q < np; q++)
            if (ps[q] != loading && ps[q] != mean && ps[q] != noise)
                em_why = arena_printf(en->a, "parameter '%s' shapes the prior on %s, which EM's updates leave out", ps[q]->name,
                                      h->name);
    }
    if (!nonpoly && hdeg_ok) {
        lin->prior = PRIOR_GAUSSIAN;
    } else if (nonpoly && all_l1 && hdeg_ok) {
        lin->prior = PRIOR_L1;
        lin->l1 = energy_simplify(en, l1);
        lin->smooth = energy_simplify(en, smooth);
    } else if (nonpoly && factorial && hdeg_ok) {
        lin->prior = PRIOR_FACTORIAL;
    } else {
        lin->prior = PRIOR_OTHER;
    }
    if (lin->prior != PRIOR_GAUSSIAN) em_why = arena_printf(en->a, "the prior on %s is not Gaussian", h->name);
    else if (!lin->gaussian) em_why = lin->why_not;
    lin->em_why = em_why;
}

Linear *energy_linear_structure(Analysis *an) {
    Linear *lin = ARENA_NEW(an->en->a, Linear);
    lin->why_not = not_gaussian(an);
    lin->gaussian = !lin->why_not;
    find_roles(an, lin);
    return lin;
}
