/* derive_tempered.c — the tempered model E_t = beta*E + (1 - beta)*E_base as a Model
 * of its own, through the normal pipeline (see tempered.h). */
#include "derive_tempered.h"

#include <string.h>

#include "ir_kernels.h"
#include "ir_model.h"

/* ---- syntax-tree nodes: what sema would have built from text ---------------- */

/* name[__i0, __i1, ...] over all of s's dimensions */
static Expr *access(Arena *a, const Sym *s, Span at) {
    Expr *e = ast_expr(a, EX_NAME, at);
    e->str = s->name;
    e->has_index = s->ndim > 0;
    e->nidx = s->ndim;
    e->idx = ARENA_ARRAY(a, Expr *, s->ndim + 1);
    for (int d = 0; d < s->ndim; d++) {
        e->idx[d] = ast_expr(a, EX_NAME, at);
        e->idx[d]->str = arena_printf(a, "__i%d", d);
    }
    return e;
}

/* sum(__i0, ...) body over the dimensions of s, ranges filled as sema does */
static Expr *sum_over(Arena *a, const Sym *s, Expr *body) {
    if (s->ndim == 0) return body;
    Expr *e = ast_expr(a, EX_SUM, body->span);
    e->nvars = s->ndim;
    e->vars = ARENA_ARRAY(a, const char *, s->ndim);
    e->var_spans = ARENA_ARRAY(a, Span, s->ndim);
    e->ranges = ARENA_ARRAY(a, long long, s->ndim);
    for (int d = 0; d < s->ndim; d++) {
        e->vars[d] = arena_printf(a, "__i%d", d);
        e->var_spans[d] = body->span;
        e->ranges[d] = s->dims[d];
    }
    e->lhs = body;
    return e;
}

/* E_base of one visible group: - sum base*v, or sum 0.5*(v - base)^2 */
static Expr *base_energy(Arena *a, const Sym *v, const Sym *base) {
    Expr *x = access(a, v, v->span), *b = access(a, base, v->span);
    if (v->utype == UT_GAUSSIAN) {
        Expr *d = ast_bin(a, '-', x, b), *d2 = ast_bin(a, '-', access(a, v, v->span), access(a, base, v->span));
        return sum_over(a, v, ast_bin(a, '*', ast_num(a, 0.5, v->span), ast_bin(a, '*', d, d2)));
    }
    Expr *neg = ast_expr(a, EX_NEG, v->span);
    neg->lhs = sum_over(a, v, ast_bin(a, '*', b, x));
    return neg;
}

/* Every visible group has a base term, and so does every discrete hidden
 * group: its rates start at 0 (uniform, the old base model), and AIS may
 * fit them to the data's posteriors so that the chain over a DBM's h1
 * starts near where the model puts it (rt_tempered_fit_hidden). */
static int has_base(const Sym *s) {
    if (s->role == ROLE_VISIBLE) return 1;
    return s->role == ROLE_HIDDEN && (s->utype == UT_BERNOULLI || s->utype == UT_SPIN || s->utype == UT_SOFTMAX ||
                                      s->utype == UT_BINOMIAL);
}

static Sym *copy_sym(Arena *a, const Sym *s) {
    Sym *c = ARENA_NEW(a, Sym);
    *c = *s;
    return c;
}

static void push(Arena *a, Sym ***arr, int *n, int *cap, Sym *s) {
    *(Sym **)arena_grow(a, arr, n, cap, sizeof(Sym *)) = s;
    (*n)++;
}

/* ---- which groups the free-energy kernel sums out -------------------------------- */

static int independent(const Analysis *an, unsigned long long mask) {
    for (int u = 0; u < an->m->nunits; u++)
        if ((mask >> u & 1) && (an->g[u].neighbours & mask)) return 0;
    return 1;
}

/* When the hidden groups all sum out, them (the chain on v, as Salakhutdinov
 * & Murray run AIS) or, when asked, the visible groups (the chain on h);
 * the chain on v is the default because the base model knows only the
 * visible units' rates: on a 784-20 Fashion-MNIST RBM with exact log Z
 * 511.98, 1000 betas gave 511.96 +- 0.12 (ESS 40) on v and 506.73 +- 0.62
 * (ESS 2.6) on the 20 hidden units, whose chain starts uniform, at more
 * cost a step (docs/evaluation.md). Otherwise, asked for the visible
 * side, the hidden neighbours of the visible groups (a DBM's h1, the chain
 * on v and h2), else the summable, pairwise independent set with the most
 * units (for a DBM v - h1 - h2: v and h2, which leaves the chain on h1, as
 * Salakhutdinov & Hinton 2009 do). */
static unsigned long long choose_sum_mask(const Analysis *orig, const Analysis *tan, int chain, int *marginal) {
    Model *m = tan->m;
    *marginal = orig->sum_mask == orig->hidden_mask;
    if (*marginal) {
        /* the chain runs over whichever side has fewer units: a 784-500
         * RBM anneals h with v summed out, a 12-784 one v with h summed
         * out (discrete visibles only: their sums do not move with beta's
         * Gaussian base) */
        unsigned long long vis = 0;
        long long nv = 0, nh = 0;
        int ok = 1;
        for (int u = 0; u < m->nunits; u++) {
            const Sym *s = m->units[u];
            if (s->role == ROLE_VISIBLE) {
                vis |= 1ULL << u;
                nv += s->size;
                ok &= tan->g[u].sums_out && s->utype != UT_GAUSSIAN;
            } else if (tan->sum_mask >> u & 1) {
                nh += s->size;
            }
        }
        int want_h = chain == DERIVE_CHAIN_HIDDEN || (chain == DERIVE_CHAIN_SMALLER && nh < nv);
        if (ok && vis && want_h && independent(tan, vis)) return vis;
        return tan->sum_mask;
    }
    unsigned long long best = 0, cand = 0;
    long long best_units = 0;
    for (int u = 0; u < m->nunits; u++)
        if (tan->g[u].sums_out && tan->g[u].cond != COND_OBSERVED) cand |= 1ULL << u;
    if (chain == DERIVE_CHAIN_VISIBLE) {
        /* asked for the visible side: sum out the hidden neighbours of the
         * visible groups, as an RBM's chain on v does (a DBM's h1, leaving
         * the chain on v and h2) */
        unsigned long long nb = 0;
        for (int u = 0; u < m->nunits; u++)
            if (m->units[u]->role == ROLE_VISIBLE) nb |= tan->g[u].neighbours;
        unsigned long long hid = 0;
        for (int u = 0; u < m->nunits; u++)
            if (m->units[u]->role == ROLE_HIDDEN) hid |= 1ULL << u;
        nb &= hid;
        if (nb && !(nb & ~cand) && independent(tan, nb)) return nb;
    }
    if (m->nunits <= 20) {
        for (unsigned long long s = cand; s; s = (s - 1) & cand) {
            if (!independent(tan, s)) continue;
            long long units = 0;
            for (int u = 0; u < m->nunits; u++)
                if (s >> u & 1) units += m->units[u]->size;
            if (units > best_units) best_units = units, best = s;
        }
        return best;
    }
    /* many groups: greedily, largest first */
    for (;;) {
        int pick = -1;
        for (int u = 0; u < m->nunits; u++)
            if ((cand >> u & 1) && !(best >> u & 1) && independent(tan, best | 1ULL << u) &&
                (pick < 0 || m->units[u]->size > m->units[pick]->size))
                pick = u;
        if (pick < 0) return best;
        best |= 1ULL << pick;
    }
}

/* Mean-field gives E_q[E] = E(means) when every hidden group is a discrete
 * type with an entropy in closed form, has no couplings within itself, and
 * each term holds a hidden group at most once, to the first power. */
static int bound_ok(const Analysis *an) {
    const Model *m = an->m;
    for (int u = 0; u < m->nunits; u++) {
        if (!(an->hidden_mask >> u & 1)) continue;
        const GroupInfo *gi = &an->g[u];
        if ((gi->cond != COND_SIGMOID && gi->cond != COND_TANH && gi->cond != COND_SOFTMAX) || gi->lateral) return 0;
        for (int i = 0; i < an->en->E->n; i++) {
            const Term *t = &an->en->E->t[i];
            if (term_degree(t, gi->sym) < 0) return 0;
            int seen = 0;
            for (int f = 0; f < t->nf; f++)
                if (t->f[f].kind == FK_TENSOR && t->f[f].sym == gi->sym && (t->f[f].power != 1 || seen++)) return 0;
        }
    }
    return 1;
}

Tempered *derive_tempered_build(Arena *a, Diag *d, const Analysis *an, const rt_model *orig) {
    return derive_tempered_build_on(a, d, an, orig, DERIVE_CHAIN_AUTO);
}

Tempered *derive_tempered_build_on(Arena *a, Diag *d, const Analysis *an, const rt_model *orig, int chain) {
    const Model *src = an->m;
    for (int u = 0; u < src->nunits; u++) {
        const Sym *s = src->units[u];
        if (s->role == ROLE_INPUT) {
            diag_error(d, s->span, "model '%s' has an input group '%s': its log Z depends on the inputs, and annealing "
                       "(AIS, parallel tempering) needs a model without inputs", src->name, s->name);
            return NULL;
        }
        if (s->role == ROLE_VISIBLE && s->utype != UT_BERNOULLI && s->utype != UT_SPIN && s->utype != UT_SOFTMAX &&
            s->utype != UT_GAUSSIAN && s->utype != UT_BINOMIAL) {
            diag_error(d, s->span, "visible group '%s' is %s: annealing needs a base model of independent visible units, "
                       "which ebmc has for bernoulli, spin, softmax, binomial and gaussian groups", s->name,
                       sema_unit_type_name(s->utype));
            return NULL;
        }
    }
    int nbase = 0;
    for (int u = 0; u < src->nunits; u++) nbase += has_base(src->units[u]);
    if (nbase > RT_TEMPERED_MAX_BASE || src->nunits + 1 > 64) {
        diag_error(d, src->span, "model '%s' has too many groups to anneal", src->name);
        return NULL;
    }
    Model *m = ARENA_NEW(a, Model);
    *m = *src;
    m->name = arena_printf(a, "%s__tempered", src->name);
    m->nsyms = m->nunits = m->nparams = m->nloss = 0;
    m->syms = m->units = m->params = NULL;
    m->loss = NULL;
    m->train = m->sample = m->eval = NULL;
    int cs = 0, cu = 0, cp = 0;
    /* the original symbols first, in the same order: the same group and
     * parameter numbers in both models */
    for (int i = 0; i < src->nsyms; i++) {
        Sym *s = copy_sym(a, src->syms[i]);
        push(a, &m->syms, &m->nsyms, &cs, s);
        if (s->kind == SYM_UNIT) push(a, &m->units, &m->nunits, &cu, s);
        if (s->kind == SYM_PARAM) push(a, &m->params, &m->nparams, &cp, s);
    }
    Sym *beta = ARENA_NEW(a, Sym);
    beta->kind = SYM_UNIT;
    beta->name = "__beta";
    beta->span = src->span;
    beta->role = ROLE_INPUT;
    beta->utype = UT_GAUSSIAN;   /* what sema gives an input without a type */
    beta->size = 1;
    beta->id = m->nunits;
    push(a, &m->syms, &m->nsyms, &cs, beta);
    push(a, &m->units, &m->nunits, &cu, beta);
    Tempered *t = ARENA_NEW(a, Tempered);
    Span at = src->span;
    Expr *E = NULL, *Eb = NULL;
    for (int i = 0; i < src->nenergy; i++) E = E ? ast_bin(a, '+', E, src->energy[i]) : src->energy[i];
    for (int u = 0; u < src->nunits; u++) {
        const Sym *v = src->units[u];
        if (!has_base(v)) continue;
        Sym *b = ARENA_NEW(a, Sym);
        b->kind = SYM_PARAM;
        b->name = arena_printf(a, "__base_%s", v->name);
        b->span = v->span;
        b->ndim = v->ndim;
        memcpy(b->dims, v->dims, sizeof b->dims);
        b->size = v->size;
        b->id = m->nparams;
        push(a, &m->syms, &m->nsyms, &cs, b);
        push(a, &m->params, &m->nparams, &cp, b);
        t->rt.base_group[t->rt.nbase] = u;
        t->rt.base_param[t->rt.nbase++] = b->id;
        Expr *e = base_energy(a, m->units[u], b);
        Eb = Eb ? ast_bin(a, '+', Eb, e) : e;
    }
    Expr *bt = ast_expr(a, EX_NAME, at);
    bt->str = "__beta";
    Expr *one_minus = ast_bin(a, '-', ast_num(a, 1, at), bt);
    Expr *energy = ast_bin(a, '*', bt, E);
    if (Eb) energy = ast_bin(a, '+', energy, ast_bin(a, '*', one_minus, Eb));
    m->nenergy = 1;
    m->energy = ARENA_ARRAY(a, Expr *, 1);
    m->energy[0] = energy;
    int errors = d->errors;
    Analysis *tan = energy_analyze(a, d, m);
    if (!tan || d->errors > errors) {
        diag_error(d, src->span, "internal: the tempered model of '%s' did not analyse", src->name);
        return NULL;
    }
    int marginal;
    unsigned long long mask = choose_sum_mask(an, tan, chain, &marginal);
    if (mask != tan->sum_mask) tan->free_energy = derive_free_energy(tan, mask);
    t->model = m;
    t->an = tan;
    t->ir = ir_build(a, tan);
    t->m = ir_model_build(a, tan, t->ir);
    t->rt.m = t->m;
    t->rt.orig = orig;
    t->rt.beta_group = beta->id;
    t->rt.sum_mask = mask;
    t->rt.marginal_v = marginal;
    t->rt.bound_ok = bound_ok(an);
    return t;
}
