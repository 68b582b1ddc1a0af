/* sema.c — symbol tables, shapes and the ranges of index variables.
 *
 * An index variable gets its range from the tensors it indexes: in
 * sum(i, j) v[i]*W[i, j]*h[j], i ranges over v's and W's first dimension
 * (which must agree) and j over W's second and h's. A variable used only in
 * shifted positions (v[i + a]) cannot be given a range that way and is
 * refused; shifted indices are checked to stay inside their dimension. */
#include "sema.h"

#include "energy_directed.h"
#include "rt.h"

#include <math.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

const char *sema_unit_type_name(UnitType t) {
    static const char *names[] = {
#define X(id, name, doc) name,
        UNIT_TYPES(X)
#undef X
    };
    return t < UT_COUNT ? names[t] : "?";
}

static const char *const functions[] = {"exp", "log", "softplus", "sigmoid", "abs", "sqr",
                                         "sqrt", "tanh", "log1p", "logcosh"};
enum { NFUNCS = sizeof functions / sizeof functions[0] };

/* ---- suggestions --------------------------------------------------------- */

/* the runtime's: the flag parser suggests with it too */
const char *sema_suggest(const char *name, const char *const *candidates, int n) {
    return rt_suggest(name, candidates, n);
}

/* ---- state of one model's check ---------------------------------------- */

typedef struct Bound {
    const char *name;
    Span span;
    long long range;        /* -1 until a plain use fixes it */
    Span use;               /* the use that fixed it */
    const char *use_what;   /* e.g. "W's dimension 2" */
} Bound;

typedef struct Pending {    /* a compound index to bounds-check later */
    Expr *idx;
    long long dim;
    const char *tensor;
    int depth;              /* scope depth when recorded */
} Pending;

typedef struct Checker {
    Arena *a;
    Diag *d;
    Model *m;
    Bound scope[64];
    int nscope;
    Pending pend[256];
    int npend;
    int *used;              /* per symbol: appears in the energy */
    const Sym *bad[16];     /* symbols whose shape was refused: their uses */
    int nbad;               /* give no ranges and raise no echoes */
} Checker;

Sym *sema_lookup(const Model *m, const char *name) {
    for (int i = 0; i < m->nsyms; i++)
        if (!strcmp(m->syms[i]->name, name)) return m->syms[i];
    return NULL;
}

static void suggest_name(Checker *c, Span s, const char *name) {
    const char *cands[256];
    int n = 0;
    for (int i = 0; i < c->m->nsyms && n < 200; i++) cands[n++] = c->m->syms[i]->name;
    for (int i = 0; i < c->nscope && n < 256; i++) cands[n++] = c->scope[i].name;
    const char *best = sema_suggest(name, cands, n);
    if (best) diag_note(c->d, s, "did you mean '%s'?", best);
}

static Bound *find_bound(Checker *c, const char *name) {
    for (int i = c->nscope - 1; i >= 0; i--)
        if (!strcmp(c->scope[i].name, name)) return &c->scope[i];
    return NULL;
}

/* ---- index expressions ---------------------------------------------------- */

/* Range of values an affine index takes, given the scope; 0 if unknown. */
static int index_bounds(Checker *c, Expr *e, long long *lo, long long *hi) {
    switch (e->kind) {
    case EX_NUM:
        *lo = *hi = (long long)e->num;
        return 1;
    case EX_NAME: {
        Bound *b = find_bound(c, e->str);
        if (!b || b->range < 0) return 0;
        *lo = 0;
        *hi = b->range - 1;
        return 1;
    }
    case EX_NEG: {
        long long l, h;
        if (!index_bounds(c, e->lhs, &l, &h)) return 0;
        *lo = -h;
        *hi = -l;
        return 1;
    }
    case EX_BIN: {
        long long l1, h1, l2, h2;
        if (!index_bounds(c, e->lhs, &l1, &h1) || !index_bounds(c, e->rhs, &l2, &h2)) return 0;
        if (e->op == '+') *lo = l1 + l2, *hi = h1 + h2;
        else if (e->op == '-') *lo = l1 - h2, *hi = h1 - l2;
        else {
            long long p[4] = {l1 * l2, l1 * h2, h1 * l2, h1 * h2};
            *lo = *hi = p[0];
            for (int i = 1; i < 4; i++) {
                if (p[i] < *lo) *lo = p[i];
                if (p[i] > *hi) *hi = p[i];
            }
        }
        return 1;
    }
    default: return 0;
    }
}

/* Checks that e is affine in bound indices: i, 2, i + a, i - 1, 2*i. */
static int check_affine(Checker *c, Expr *e) {
    switch (e->kind) {
    case EX_NUM:
        if (e->num != floor(e->num)) {
            diag_error(c->d, e->span, "an index must be an integer, not %g", e->num);
            return 0;
        }
        return 1;
    case EX_NAME:
        if (e->has_index) break;
        if (!find_bound(c, e->str)) {
            Sym *s = sema_lookup(c->m, e->str);
            if (s)
                diag_error(c->d, e->span, "'%s' is a %s, not an index variable", e->str,
                           s->kind == SYM_PARAM ? "parameter" : s->kind == SYM_UNIT ? "unit group" : "let");
            else {
                diag_error(c->d, e->span, "index '%s' is used without a range", e->str);
                diag_note(c->d, e->span, "bind it with sum(%s) so its range comes from what it indexes", e->str);
            }
            return 0;
        }
        return 1;
    case EX_NEG: return check_affine(c, e->lhs);
    case EX_BIN:
        if (e->op == '+' || e->op == '-') return check_affine(c, e->lhs) & check_affine(c, e->rhs);
        if (e->op == '*' && (e->lhs->kind == EX_NUM || e->rhs->kind == EX_NUM))
            return check_affine(c, e->lhs) & check_affine(c, e->rhs);
        break;
    default: break;
    }
    diag_error(c->d, e->span, "an index must be an index variable plus or minus integers (like i, i + a, i - 1)");
    return 0;
}

static void check_value(Checker *c, Expr *e);

/* name[idx...]: indices against the tensor's (or let's) dimensions. */
static void check_access(Checker *c, Expr *e, Sym *s) {
    int ndim = s->kind == SYM_LET ? s->nvars : s->ndim;
    for (int i = 0; i < c->nbad; i++)
        if (c->bad[i] == s) {
            for (int k = 0; k < e->nidx; k++) {
                Bound *b = e->idx[k]->kind == EX_NAME ? find_bound(c, e->idx[k]->str) : NULL;
                if (b && b->range == -1) b->range = -2;
            }
            return;
        }
    if (!e->has_index) {
        if (ndim > 0) {
            diag_error(c->d, e->span, "'%s' has %d dimension%s and must be indexed", s->name, ndim,
                       ndim == 1 ? "" : "s");
            diag_note(c->d, e->span, "for example %s[i] inside sum(i)", s->name);
        }
        return;
    }
    if (e->nidx != ndim) {
        diag_error(c->d, e->span, "'%s' has %d dimension%s but is indexed with %d", s->name, ndim,
                   ndim == 1 ? "" : "s", e->nidx);
        diag_note(c->d, s->span, "'%s' is declared here", s->name);
        return;
    }
    for (int k = 0; k < e->nidx; k++) {
        Expr *ix = e->idx[k];
        if (!check_affine(c, ix)) continue;
        long long dim = s->kind == SYM_LET ? s->var_ranges[k] : s->dims[k];
        if (ix->kind == EX_NAME) {
            Bound *b = find_bound(c, ix->str);
            const char *what = arena_printf(c->a, "%s's dimension %d (size %lld)", s->name, k + 1, dim);
            if (b->range == -1) {
                b->range = dim;
                b->use = ix->span;
                b->use_what = what;
            } else if (b->range != dim && b->range != -2) {
                diag_error(c->d, ix->span, "index '%s' ranges over %lld here (%s) but over %lld in %s",
                           ix->str, dim, what, b->range, b->use_what);
                diag_note(c->d, b->use, "'%s' got its range of %lld here", ix->str, b->range);
            }
        } else if (c->npend < (int)(sizeof c->pend / sizeof c->pend[0])) {
            c->pend[c->npend++] = (Pending){ix, dim, s->name, c->nscope};
        }
    }
}

static void check_pending(Checker *c, int depth) {
    int keep = 0;
    for (int i = 0; i < c->npend; i++) {
        Pending *p = &c->pend[i];
        if (p->depth < depth) {
            c->pend[keep++] = *p;
            continue;
        }
        long long lo, hi;
        if (!index_bounds(c, p->idx, &lo, &hi)) continue;   /* reported elsewhere */
        if (lo < 0 || hi >= p->dim)
            diag_error(c->d, p->idx->span, "index reaches %lld but %s has %lld entries in this dimension (0..%lld)",
                       lo < 0 ? lo : hi, p->tensor, p->dim, p->dim - 1);
    }
    c->npend = keep;
}

static void check_sum(Checker *c, Expr *e) {
    int base = c->nscope;
    for (int i = 0; i < e->nvars; i++) {
        if (find_bound(c, e->vars[i]))
            diag_error(c->d, e->var_spans[i], "index '%s' is already bound by an enclosing sum", e->vars[i]);
        else if (sema_lookup(c->m, e->vars[i]))
            diag_error(c->d, e->var_spans[i], "index '%s' has the name of a declared %s", e->vars[i], "symbol");
        if (c->nscope >= 64) {
            diag_error(c->d, e->span, "too many nested indices");
            return;
        }
        c->scope[c->nscope++] = (Bound){e->vars[i], e->var_spans[i], -1, span_none, NULL};
        long long cut = sema_shift_range(c->a, c->m, e->lhs, e->vars[i]);
        if (cut > 0)
            c->scope[c->nscope - 1] = (Bound){e->vars[i], e->var_spans[i], cut, e->var_spans[i],
                                              "the values that keep every shift in range"};
    }
    check_value(c, e->lhs);
    e->ranges = ARENA_ARRAY(c->a, long long, e->nvars);
    for (int i = 0; i < e->nvars; i++) {
        Bound *b = &c->scope[base + i];
        if (b->range == -1) {
            diag_error(c->d, b->span, "cannot infer the range of index '%s'", b->name);
            diag_note(c->d, b->span, "use '%s' alone as an index of some tensor in the sum's body", b->name);
        }
        if (b->range < 0) b->range = 1;
        e->ranges[i] = b->range;
    }
    check_pending(c, base + 1);
    c->nscope = base;
}

/* A name in the energy marks its symbol used; a let marks what its body
 * uses, so a group reached only through a let counts as in the energy. */
static void mark_used(Checker *c, Expr *e) {
    if (!e) return;
    if (e->kind == EX_NAME) {
        for (int i = 0; i < c->m->nsyms; i++) {
            Sym *s = c->m->syms[i];
            if (strcmp(s->name, e->str) || c->used[i]) continue;
            c->used[i] = 1;
            if (s->kind == SYM_LET) mark_used(c, s->body);
        }
        return;
    }
    mark_used(c, e->lhs);
    mark_used(c, e->rhs);
    for (int i = 0; i < e->nargs; i++) mark_used(c, e->args[i].value);
}

/* input u { recurrent = s }: s is a let with u's shape, and what its body
 * names is used (the recurrence's parameters appear in no energy) */
static void resolve_recurrent(Checker *c) {
    Model *m = c->m;
    const Sym *first = NULL;
    for (int u = 0; u < m->nunits; u++) {
        Sym *g = m->units[u];
        if (!g->recurrent_name) continue;
        Sym *s = sema_lookup(m, g->recurrent_name);
        if (!s || s->kind != SYM_LET) {
            diag_error(c->d, g->recurrent_span, "recurrent = '%s' is not a let of model '%s'", g->recurrent_name, m->name);
            diag_note(c->d, g->recurrent_span, "define the next state: let %s[k] = tanh(...)", g->recurrent_name);
            continue;
        }
        int same = s->nvars == g->ndim;
        for (int d = 0; same && d < g->ndim; d++) same = s->var_ranges[d] == g->dims[d];
        if (!same) {
            char want[96] = "", got[96] = "";
            for (int d = 0; d < g->ndim; d++)
                snprintf(want + strlen(want), sizeof want - strlen(want), "%s%lld", d ? ", " : "", g->dims[d]);
            for (int d = 0; d < s->nvars; d++)
                snprintf(got + strlen(got), sizeof got - strlen(got), "%s%lld", d ? ", " : "", s->var_ranges[d]);
            diag_error(c->d, g->recurrent_span, "let '%s' is [%s] but '%s' is [%s]: the next state has the group's shape",
                       s->name, got, g->name, want);
            continue;
        }
        if (first) {
            diag_error(c->d, g->recurrent_span, "one recurrent group per model; '%s' is already", first->name);
            continue;
        }
        if (m->nloss) diag_error(c->d, g->recurrent_span, "a recurrent group needs an energy model, not a loss");
        first = g;
        g->recurrent = s;
        mark_used(c, s->body);
    }
    for (int u = 0; u < m->nunits; u++) {
        Sym *g = m->units[u];
        if (!g->start_name) continue;
        if (!g->recurrent_name) {
            diag_error(c->d, g->start_span, "start = is the first state of a recurrent group; '%s' has no recurrent = ...",
                       g->name);
            continue;
        }
        int k = 0;
        while (k < m->nsyms && strcmp(m->syms[k]->name, g->start_name)) k++;
        Sym *p = k < m->nsyms ? m->syms[k] : NULL;
        int same = p && p->kind == SYM_PARAM && p->ndim == g->ndim;
        for (int d = 0; same && d < g->ndim; d++) same = p->dims[d] == g->dims[d];
        if (!same) {
            diag_error(c->d, g->start_span, "start = '%s' must be a parameter of the shape of '%s'", g->start_name, g->name);
            continue;
        }
        g->start = p;
        c->used[k] = 1;
    }
}

static void check_value(Checker *c, Expr *e) {
    switch (e->kind) {
    case EX_NUM: return;
    case EX_STR: diag_error(c->d, e->span, "a string is not a number"); return;
    case EX_BIN:
        check_value(c, e->lhs);
        check_value(c, e->rhs);
        return;
    case EX_NEG: check_value(c, e->lhs); return;
    case EX_SUM: check_sum(c, e); return;
    case EX_NAME: {
        Sym *s = sema_lookup(c->m, e->str);
        if (s) {
            mark_used(c, e);
            check_access(c, e, s);
            return;
        }
        if (find_bound(c, e->str)) {
            diag_error(c->d, e->span, "index '%s' used as a value", e->str);
            diag_note(c->d, e->span, "an index variable may only appear inside [ ]");
            return;
        }
        diag_error(c->d, e->span, "unknown name '%s'", e->str);
        suggest_name(c, e->span, e->str);
        /* its indices get no range from it; do not report that as well */
        for (int k = 0; k < e->nidx; k++)
            if (e->idx[k]->kind == EX_NAME) {
                Bound *b = find_bound(c, e->idx[k]->str);
                if (b && b->range < 0) b->range = -2;
            }
        return;
    }
    case EX_CALL: {
        int known = 0;
        for (int i = 0; i < NFUNCS; i++)
            if (!strcmp(functions[i], e->str)) known = 1;
        if (!known) {
            diag_error(c->d, e->span, "unknown function '%s'", e->str);
            const char *best = sema_suggest(e->str, functions, NFUNCS);
            if (best) diag_note(c->d, e->span, "did you mean '%s'?", best);
            else diag_note(c->d, e->span, "the functions are exp, log, log1p, softplus, sigmoid, tanh, logcosh, abs, sqr, sqrt");
            return;
        }
        if (e->nargs != 1 || e->args[0].name) {
            diag_error(c->d, e->span, "'%s' takes one argument", e->str);
            return;
        }
        check_value(c, e->args[0].value);
        return;
    }
    default:
        diag_error(c->d, e->span, "this is not allowed in an energy");
        return;
    }
}

/* ---- declarations ----------------------------------------------------------- */

static void add_sym(Checker *c, Sym *s) {
    Sym *old = sema_lookup(c->m, s->name);
    if (old) {
        diag_error(c->d, s->span, "redefinition of '%s'", s->name);
        diag_note(c->d, old->span, "'%s' was first defined here", s->name);
        return;
    }
    /* the symbol table grows by one at a time: rebuild it (models are small) */
    Sym **syms = ARENA_ARRAY(c->a, Sym *, c->m->nsyms + 1);
    if (c->m->nsyms) mem_copy(syms, c->m->syms, sizeof(Sym *) * (size_t)c->m->nsyms);
    syms[c->m->nsyms++] = s;
    c->m->syms = syms;
}

static void set_dims(Checker *c, Sym *s, Stmt *st) {
    if (st->ndims > MAX_DIMS) {
        diag_error(c->d, st->span, "'%s' has %d dimensions; at most %d are supported", s->name, st->ndims, MAX_DIMS);
        return;
    }
    s->ndim = st->ndims;
    s->size = 1;
    for (int i = 0; i < st->ndims; i++) {
        /* the shape is kept usable after an error so checking goes on */
        long long v = 1;
        if (!sema_const_int(c->d, st->dims[i], 1, 1LL << 40, &v, "a dimension") && c->nbad < 16)
            c->bad[c->nbad++] = s;
        s->dims[i] = v;
        long long size;
        /* 2^36 floats is 256 GiB: beyond that a shape is a mistake */
        if (__builtin_mul_overflow(s->size, s->dims[i], &size) || size > (1LL << 36)) {
            diag_error(c->d, st->span, "'%s' is too large: more than 2^36 values", s->name);
            /* its uses are not checked against a shape it cannot have */
            if (c->nbad < 16) c->bad[c->nbad++] = s;
            s->size = 1;
            return;
        }
        s->size = size;
    }
}

static void unit_attrs(Checker *c, Sym *s, Stmt *st);

static void declare_unit(Checker *c, Stmt *st) {
    Sym *s = ARENA_NEW(c->a, Sym);
    s->kind = SYM_UNIT;
    s->name = st->name;
    s->span = st->name_span;
    s->role = st->role;
    s->stmt = st;
    set_dims(c, s, st);
    Expr *t = st->type;
    if (!t) {
        /* an input is observed, so its values need no base measure */
        if (st->role != ROLE_INPUT) {
            diag_error(c->d, s->span, "unit group '%s' needs a unit type", s->name);
            diag_note(c->d, s->span, "for example: %s %s : bernoulli", ast_role_name(st->role), s->name);
        }
        s->utype = UT_GAUSSIAN;
        unit_attrs(c, s, st);
        add_sym(c, s);
        return;
    }
    s->utype = UT_COUNT;
    for (int i = 0; i < UT_COUNT; i++)
        if (!strcmp(t->str, sema_unit_type_name((UnitType)i))) s->utype = (UnitType)i;
    if (s->utype == UT_COUNT) {
        diag_error(c->d, t->span, "unknown unit type '%s'", t->str);
        const char *names[UT_COUNT];
        for (int i = 0; i < UT_COUNT; i++) names[i] = sema_unit_type_name((UnitType)i);
        const char *best = sema_suggest(t->str, names, UT_COUNT);
        if (best) diag_note(c->d, t->span, "did you mean '%s'?", best);
        else diag_note(c->d, t->span, "the unit types are bernoulli, spin, gaussian, softmax, relu, binomial(n), laplace");
        s->utype = UT_BERNOULLI;
    } else if (s->utype == UT_BINOMIAL) {
        if (t->kind != EX_CALL || t->nargs != 1) {
            diag_error(c->d, t->span, "binomial units need their number of trials: binomial(n)");
            s->binomial_n = 1;
        } else {
            long long n = 1;
            if (!sema_const_int(c->d, t->args[0].value, 1, 1 << 30, &n, "the number of trials")) n = 1;
            s->binomial_n = (int)n;
        }
    } else if (t->kind == EX_CALL) {
        diag_error(c->d, t->span, "unit type '%s' takes no arguments", t->str);
    }
    if (s->utype == UT_SOFTMAX && s->ndim == 0)
        diag_error(c->d, s->span, "a softmax group needs at least one dimension (its last axis is the one-hot axis)");
    unit_attrs(c, s, st);
    add_sym(c, s);
}

/* { sampler = hmc(steps = 10, step_size = 0.01) } or metropolis(...) */
static void unit_attrs(Checker *c, Sym *s, Stmt *st) {
    for (int i = 0; i < st->nentries; i++) {
        Stmt *e = st->entries[i];
        if (e->name && !strcmp(e->name, "noise")) {
            const Expr *v = e->expr;
            const char *kind = v->kind == EX_NAME && !v->has_index ? v->str : "";
            s->noise = !strcmp(kind, "normal") ? NOISE_NORMAL : !strcmp(kind, "uniform") ? NOISE_UNIFORM : NOISE_NONE;
            /* bernoulli(p): 1 with probability p, else 0 (a random mask) */
            if (v->kind == EX_CALL && !strcmp(v->str, "bernoulli") && v->nargs == 1 && !v->args[0].name &&
                v->args[0].value->kind == EX_NUM && v->args[0].value->num > 0 && v->args[0].value->num < 1) {
                s->noise = NOISE_BERNOULLI;
                s->noise_p = v->args[0].value->num;
            }
            if (s->noise == NOISE_NONE)
                diag_error(c->d, v->span, "noise must be normal, uniform or bernoulli(p) with 0 < p < 1");
            else if (s->role != ROLE_INPUT) diag_error(c->d, e->name_span, "only input groups take noise");
            continue;
        }
        if (e->name && !strcmp(e->name, "recurrent")) {
            const Expr *v = e->expr;
            if (v->kind != EX_NAME || v->has_index) diag_error(c->d, v->span, "recurrent = takes the name of a let");
            else if (s->role != ROLE_INPUT)
                diag_error(c->d, e->name_span, "only input groups are recurrent (the state the previous step left)");
            else s->recurrent_name = v->str, s->recurrent_span = v->span;
            continue;
        }
        if (e->name && !strcmp(e->name, "start")) {
            const Expr *v = e->expr;
            if (v->kind != EX_NAME || v->has_index) diag_error(c->d, v->span, "start = takes the name of a parameter");
            else s->start_name = v->str, s->start_span = v->span;
            continue;
        }
        if (!e->name || strcmp(e->name, "sampler")) {
            diag_error(c->d, e->name ? e->name_span : e->span, "unknown setting of a unit group%s%s%s",
                       e->name ? " '" : "", e->name ? e->name : "", e->name ? "'" : "");
            diag_note(c->d, e->span, "a unit group takes: sampler = hmc(steps = 10, step_size = 0.01) or metropolis(step_size = 0.1); "
                                     "an input group noise = normal, or recurrent = LET[, start = PARAM]");
            continue;
        }
        Expr *v = e->expr;
        const char *fn = v->kind == EX_CALL || (v->kind == EX_NAME && !v->has_index) ? v->str : "";
        int hmc = !strcmp(fn, "hmc"), mh = !strcmp(fn, "metropolis");
        if (!hmc && !mh) {
            diag_error(c->d, v->span, "unknown sampler '%s'", fn);
            diag_note(c->d, v->span, "the samplers are hmc(steps, step_size) and metropolis(steps, step_size)");
            continue;
        }
        if (hmc && s->utype != UT_GAUSSIAN && s->utype != UT_LAPLACE) {
            diag_error(c->d, v->span, "hmc needs real-valued units; '%s' is %s", s->name, sema_unit_type_name(s->utype));
            diag_note(c->d, v->span, "use metropolis() for discrete units");
            continue;
        }
        s->sampler = hmc ? SAMPLER_HMC : SAMPLER_METROPOLIS;
        s->sampler_steps = hmc ? 10 : 1;
        s->sampler_step_size = hmc ? 0.01 : 0.1;
        for (int k = 0; v->kind == EX_CALL && k < v->nargs; k++) {
            const Arg *a = &v->args[k];
            const char *name = a->name ? a->name : k == 0 ? "steps" : k == 1 ? "step_size" : "";
            double x = a->value->kind == EX_NUM ? a->value->num : -1;
            if (!strcmp(name, "steps") && x >= 1 && x == (double)(long)x) s->sampler_steps = (int)x;
            else if (!strcmp(name, "step_size") && x > 0) s->sampler_step_size = x;
            else diag_error(c->d, a->value->span, "%s() takes steps (an integer >= 1) and step_size (a positive number)", fn);
        }
    }
}

/* An initialiser's numbers, folded to literals for ir_model: 1/10 is 0.1,
 * never 0. Each must fit a float; a spread must not be negative. */
static int fold_init(Checker *c, Sym *s, Stmt *st) {
    Expr *init = st->expr;
    int nargs = init->kind == EX_CALL ? init->nargs : 1;
    double v[2] = {0, 0};
    for (int k = 0; k < nargs && k < 2; k++) {
        Expr **slot = init->kind == EX_CALL ? &init->args[k].value : &st->expr;
        Expr *f = sema_fold(c->a, c->d, *slot, "an initial value");
        if (!f) return 0;
        if (fabs(f->num) > 3.4e38) {
            diag_error(c->d, (*slot)->span, "an initial value of %g does not fit in a float", f->num);
            return 0;
        }
        *slot = f;
        v[k] = f->num;
    }
    s->init = st->expr;
    if (init->kind == EX_CALL && !strcmp(init->str, "normal") && v[1] < 0) {
        diag_error(c->d, init->args[1].value->span, "normal(mean, sd): the standard deviation must not be negative, not %g", v[1]);
        return 0;
    }
    if (init->kind == EX_CALL && !strcmp(init->str, "uniform") && v[1] < v[0]) {
        diag_error(c->d, init->span, "uniform(low, high): low (%g) is above high (%g)", v[0], v[1]);
        return 0;
    }
    return 1;
}

static void declare_param(Checker *c, Stmt *st) {
    Sym *s = ARENA_NEW(c->a, Sym);
    s->kind = SYM_PARAM;
    s->name = st->name;
    s->span = st->name_span;
    s->stmt = st;
    s->init = st->expr;
    set_dims(c, s, st);
    sema_param_attrs(c->a, c->d, s, st);
    Expr *init = st->expr;
    if (init) {
        static const char *const inits[] = {"zeros", "ones", "normal", "uniform", "constant", "logit_mean"};
        const char *name = init->kind == EX_NAME || init->kind == EX_CALL ? init->str : NULL;
        int ok = init->kind == EX_NUM || init->kind == EX_NEG;
        if (name && !strcmp(name, "zeros") && init->kind == EX_NAME) ok = 1;
        if (name && !strcmp(name, "ones") && init->kind == EX_NAME) ok = 1;
        if (name && init->kind == EX_CALL && (!strcmp(name, "normal") || !strcmp(name, "uniform"))) {
            ok = init->nargs == 2 && init->args[0].value->kind != EX_STR && init->args[1].value->kind != EX_STR;
            if (!ok) {
                diag_error(c->d, init->span, "%s takes two numbers: %s", name,
                           !strcmp(name, "normal") ? "normal(mean, sd)" : "uniform(low, high)");
                return add_sym(c, s);
            }
        }
        if (name && init->kind == EX_CALL && !strcmp(name, "constant")) ok = init->nargs == 1;
        int logit = name && !strcmp(name, "logit_mean");
        if (logit) ok = init->kind == EX_NAME || init->kind == EX_CALL;
        if (sema_param_is_file(init)) return sema_param_init_file(c->a, c->d, s), add_sym(c, s);
        if (init->kind == EX_BIN) ok = 1;
        if (ok && init->kind != EX_NAME && !logit && !fold_init(c, s, st)) return add_sym(c, s);
        if (!ok) {
            diag_error(c->d, init->span, "unknown initialiser");
            const char *best = name ? sema_suggest(name, inits, 6) : NULL;
            if (best) diag_note(c->d, init->span, "did you mean '%s'?", best);
            else diag_note(c->d, init->span, "use zeros, ones, a number, normal(mean, sd) or uniform(low, high)");
        }
    }
    add_sym(c, s);
}

static void declare_let(Checker *c, Stmt *st) {
    Sym *s = ARENA_NEW(c->a, Sym);
    s->kind = SYM_LET;
    s->name = st->name;
    s->span = st->name_span;
    s->stmt = st;
    s->body = st->expr;
    s->nvars = st->nvars;
    s->vars = st->vars;
    s->var_ranges = ARENA_ARRAY(c->a, long long, st->nvars > 0 ? st->nvars : 1);
    /* the let's indices are bound in its body like a sum's */
    int base = c->nscope;
    for (int i = 0; i < st->nvars && c->nscope < 64; i++)
        c->scope[c->nscope++] = (Bound){st->vars[i], st->var_spans[i], -1, span_none, NULL};
    check_value(c, st->expr);
    for (int i = 0; i < st->nvars; i++) {
        Bound *b = &c->scope[base + i];
        if (b->range < 0) {
            diag_error(c->d, b->span, "cannot infer the range of index '%s'", b->name);
            b->range = 1;
        }
        s->var_ranges[i] = b->range;
        s->dims[i] = b->range;
    }
    check_pending(c, base + 1);
    c->nscope = base;
    s->ndim = st->nvars;
    add_sym(c, s);
}

static Model *check_model(Arena *a, Diag *d, Block *b) {
    Model *m = ARENA_NEW(a, Model);
    m->name = b->name;
    m->span = b->name_span;
    m->block = b;
    Checker c = {a, d, m, {{0}}, 0, {{0}}, 0, NULL, {NULL}, 0};
    c.used = ARENA_ARRAY(a, int, b->nstmts + 1);   /* lets are checked before 'used' matters */
    /* declarations first, so an energy may use names declared after it */
    for (int i = 0; i < b->nstmts; i++) {
        Stmt *st = b->stmts[i];
        if (st->kind == ST_UNIT) declare_unit(&c, st);
        else if (st->kind == ST_PARAM) declare_param(&c, st);
    }
    for (int i = 0; i < b->nstmts; i++)
        if (b->stmts[i]->kind == ST_LET) declare_let(&c, b->stmts[i]);
    int ucap = 0, pcap = 0;
    for (int i = 0; i < m->nsyms; i++) {
        Sym *s = m->syms[i];
        if (s->kind == SYM_UNIT) {
            s->id = m->nunits;
            *(Sym **)arena_grow(a, &m->units, &m->nunits, &ucap, sizeof(void *)) = s;
            m->nunits++;
        } else if (s->kind == SYM_PARAM) {
            s->id = m->nparams;
            *(Sym **)arena_grow(a, &m->params, &m->nparams, &pcap, sizeof(void *)) = s;
            m->nparams++;
        }
    }
    /* parameters live four times while training (values, gradients, two
     * optimiser buffers): refuse a model that cannot fit */
    long long floats = 0;
    const Sym *biggest = NULL;
    for (int i = 0; i < m->nparams; i++) {
        floats += m->params[i]->size;
        if (!biggest || m->params[i]->size > biggest->size) biggest = m->params[i];
    }
    long long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    double need = 16.0 * (double)floats, have = (double)pages * (double)page;
    if (pages > 0 && page > 0 && need > have) {
        diag_error(d, b->name_span, "model '%s' needs %.1f GiB for its parameters and their training state; this machine has %.1f GiB",
                   m->name, need / (1 << 30), have / (1 << 30));
        diag_note(d, biggest->span, "the largest is '%s', %lld values", biggest->name, biggest->size);
    }
    sema_param_links(d, m);
    int *used = ARENA_ARRAY(a, int, m->nsyms + 1);
    c.used = used;
    int cap = 0, lcap = 0, errors_before = d->errors;
    for (int i = 0; i < b->nstmts; i++) {
        Stmt *st = b->stmts[i];
        if (st->kind == ST_ENERGY) {
            check_value(&c, st->expr);
            *(Expr **)arena_grow(a, &m->energy, &m->nenergy, &cap, sizeof(Expr *)) = st->expr;
            m->nenergy++;
        } else if (st->kind == ST_TILDE) {
            Expr *e = energy_directed(a, d, m, st);
            if (e) {
                check_value(&c, e);
                *(Expr **)arena_grow(a, &m->energy, &m->nenergy, &cap, sizeof(Expr *)) = e;
                m->nenergy++;
            }
        } else if (st->kind == ST_ASSIGN) {
            if (strcmp(st->name, "loss")) {
                diag_error(d, st->name_span, "unknown model statement '%s ='", st->name);
                diag_note(d, st->name_span, "a model holds groups, params, lets, 'energy = ...', 'loss = ...' and 'x ~ dist(...)'");
                continue;
            }
            check_value(&c, st->expr);
            *(Expr **)arena_grow(a, &m->loss, &m->nloss, &lcap, sizeof(Expr *)) = st->expr;
            m->nloss++;
        } else if (st->kind == ST_ENTRY || st->kind == ST_STAGE) {
            diag_error(d, st->span, "a model block holds declarations and energies, not settings");
        }
    }
    int lets = 0;
    for (int i = 0; i < m->nsyms; i++) lets |= m->syms[i]->kind == SYM_LET;
    if (m->nenergy == 0 && m->nloss == 0 && lets) {
        /* a network: the generator or the discriminator of an adversarial
         * pair (compile.c refuses one that is neither); its groups and
         * parameters are read through its lets */
        m->network = 1;
        return m;
    }
    if (m->nenergy == 0 && m->nloss == 0) {
        diag_error(d, b->name_span, "model '%s' has no energy", m->name);
        diag_note(d, b->name_span, "add a line such as: energy = - sum(i) b[i]*v[i]");
        return m;
    }
    if (m->nunits == 0) diag_error(d, b->name_span, "model '%s' declares no unit groups", m->name);
    resolve_recurrent(&c);
    sema_param_logit_mean(d, m);
    /* a mask is used by the parameter it masks */
    for (int i = 0; i < m->nparams; i++)
        for (int k = 0; m->params[i]->mask_of && k < m->nsyms; k++)
            if (!strcmp(m->syms[k]->name, m->params[i]->mask_of)) used[k] = 1;
    /* after an error in the energy, "not used" is more likely its echo */
    for (int i = 0; i < m->nsyms && d->errors == errors_before; i++) {
        Sym *s = m->syms[i];
        if (used[i] || s->kind == SYM_LET) continue;
        if (s->kind == SYM_UNIT)
            diag_error(d, s->span, "unit group '%s' does not appear in the energy%s", s->name, m->nloss ? " or the loss" : "");
        else
            diag_warning(d, s->span, "parameter '%s' does not appear in the %s", s->name, m->nenergy ? "energy" : "loss");
    }
    return m;
}

SemaResult *sema_check(Arena *a, Diag *d, Program *p) {
    SemaResult *r = ARENA_NEW(a, SemaResult);
    int cap = 0;
    for (int i = 0; i < p->nblocks; i++) {
        Block *b = p->blocks[i];
        if (b->kind != BLK_MODEL) continue;
        for (int k = 0; k < r->nmodels; k++)
            if (!strcmp(r->models[k]->name, b->name)) {
                diag_error(d, b->name_span, "redefinition of model '%s'", b->name);
                diag_note(d, r->models[k]->span, "'%s' was first defined here", b->name);
            }
        Model *m = check_model(a, d, b);
        *(Model **)arena_grow(a, &r->models, &r->nmodels, &cap, sizeof(Model *)) = m;
        r->nmodels++;
    }
    for (int i = 0; i < p->nblocks; i++)
        if (p->blocks[i]->kind == BLK_STACK) sema_check_stack(a, d, r, p->blocks[i]);
    for (int i = 0; i < p->nblocks; i++) {
        Block *b = p->blocks[i];
        if (b->kind == BLK_MODEL || b->kind == BLK_STACK) continue;
        Stack *stk = NULL;
        for (int k = 0; k < r->nstacks; k++)
            if (!strcmp(r->stacks[k]->name, b->name)) stk = r->stacks[k];
        if (stk) {
            if (b->kind == BLK_EVAL) {
                diag_error(d, b->name_span, "eval blocks apply to models, not stacks");
                continue;
            }
            Block **slot = b->kind == BLK_TRAIN ? &stk->train : &stk->sample;
            if (*slot) diag_error(d, b->span, "stack '%s' has a second %s block", stk->name, ast_block_kind_name(b->kind));
            *slot = b;
            continue;
        }
        Model *m = NULL;
        for (int k = 0; k < r->nmodels; k++)
            if (!strcmp(r->models[k]->name, b->name)) m = r->models[k];
        if (!m) {
            diag_error(d, b->name_span, "%s block for unknown model '%s'", ast_block_kind_name(b->kind), b->name);
            const char *names[64];
            int n = 0;
            for (int k = 0; k < r->nmodels && n < 64; k++) names[n++] = r->models[k]->name;
            const char *best = sema_suggest(b->name, names, n);
            if (best) diag_note(d, b->name_span, "did you mean '%s'?", best);
            continue;
        }
        Block **slot = b->kind == BLK_TRAIN ? &m->train : b->kind == BLK_SAMPLE ? &m->sample : &m->eval;
        if (*slot) {
            diag_error(d, b->span, "model '%s' has a second %s block", m->name, ast_block_kind_name(b->kind));
            diag_note(d, (*slot)->span, "the first is here");
        }
        *slot = b;
    }
    if (r->nmodels == 0 && d->errors == 0) diag_error(d, span_none, "the spec defines no model");
    for (int k = 0; k < r->nstacks; k++)
        if (!r->stacks[k]->train) diag_warning(d, r->stacks[k]->span, "stack '%s' has no train block", r->stacks[k]->name);
    return r;
}
