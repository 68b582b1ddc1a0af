/* energy_directed.c — "x ~ dist(args)" as energy: it adds -log p(x | args),
 * summed over x's indices, so directed and undirected models share every
 * later stage (conditionals, free energies, gradients).
 *
 *   normal(mu, sd)      0.5*((x - mu)/sd)^2 + log(sd) + log(2 pi)/2
 *   laplace(mu, b)      abs(x - mu)/b + log(2*b)
 *   logistic(mu, s)     z + 2*softplus(-z) + log(s),  z = (x - mu)/s
 *   bernoulli(p)        softplus(a) - x*a when p = sigmoid(a),
 *                       else -(x*log(p) + (1 - x)*log(1 - p))
 *   bernoulli_logit(a)  softplus(a) - x*a
 * The statement's left side is a unit group, indexed by fresh index names
 * (x[i] ~ normal(sum(j) W[i, j]*h[j], 1)) or unindexed with scalar
 * arguments (h ~ normal(0, 1)). */
#include "energy_directed.h"

#include <string.h>

static Expr *call(Arena *a, const char *fn, Expr *arg) {
    Expr *e = ast_expr(a, EX_CALL, arg->span);
    e->str = fn;
    e->nargs = 1;
    e->args = ARENA_NEW(a, Arg);
    e->args[0].value = arg;
    return e;
}

static Expr *neg(Arena *a, Expr *x) {
    Expr *e = ast_expr(a, EX_NEG, x->span);
    e->lhs = x;
    return e;
}

/* a copy of the left side's reference, so each use is its own node */
static Expr *ref(Arena *a, const Expr *x) {
    Expr *e = ast_expr(a, EX_NAME, x->span);
    *e = *x;
    return e;
}

Expr *energy_directed(Arena *a, Diag *d, const Model *m, const Stmt *st) {
    const Expr *x = st->expr, *dist = st->dist;
    Sym *s = x->kind == EX_NAME ? sema_lookup(m, x->str) : NULL;
    if (!s || s->kind != SYM_UNIT) {
        diag_error(d, x->span, "the left side of '~' must be a unit group");
        return NULL;
    }
    const char **vars = NULL;
    Span *spans = NULL;
    int nvars = 0;
    if (x->has_index) {
        if (x->nidx != s->ndim) {
            diag_error(d, x->span, "'%s' has %d dimension%s but is indexed with %d", s->name, s->ndim, s->ndim == 1 ? "" : "s", x->nidx);
            return NULL;
        }
        nvars = x->nidx;
        vars = ARENA_ARRAY(a, const char *, nvars);
        spans = ARENA_ARRAY(a, Span, nvars);
        for (int k = 0; k < nvars; k++) {
            const Expr *ix = x->idx[k];
            if (ix->kind != EX_NAME || ix->has_index || sema_lookup(m, ix->str)) {
                diag_error(d, ix->span, "the left side of '~' is indexed by new index names, one per dimension");
                return NULL;
            }
            for (int q = 0; q < k; q++)
                if (!strcmp(vars[q], ix->str)) {
                    diag_error(d, ix->span, "index '%s' is used twice", ix->str);
                    return NULL;
                }
            vars[k] = ix->str;
            spans[k] = ix->span;
        }
    } else if (s->ndim > 0) {
        /* every unit of the group, with scalar arguments */
        nvars = s->ndim;
        vars = ARENA_ARRAY(a, const char *, nvars);
        spans = ARENA_ARRAY(a, Span, nvars);
        Expr *r = ast_expr(a, EX_NAME, x->span);
        r->str = s->name;
        r->has_index = 1;
        r->nidx = nvars;
        r->idx = ARENA_ARRAY(a, Expr *, nvars);
        static const char *const letters[] = {"i", "j", "k", "l", "m", "n", "o", "q"};
        for (int k = 0; k < nvars; k++) {
            /* the arguments are scalars, so plain letters cannot clash with
             * them; only with the model's own names */
            vars[k] = sema_lookup(m, letters[k]) ? arena_printf(a, "_%s%d", s->name, k) : letters[k];
            spans[k] = x->span;
            r->idx[k] = ast_expr(a, EX_NAME, x->span);
            r->idx[k]->str = vars[k];
        }
        x = r;
    }
    const char *fn = dist->str;
    int nargs = dist->nargs;
    Expr *arg0 = nargs > 0 ? dist->args[0].value : NULL, *arg1 = nargs > 1 ? dist->args[1].value : NULL;
    Expr *body = NULL;
    Span sp = dist->span;
    int want = !strcmp(fn, "bernoulli") || !strcmp(fn, "bernoulli_logit") ? 1 : 2;
    if (strcmp(fn, "normal") && strcmp(fn, "laplace") && strcmp(fn, "logistic") && strcmp(fn, "bernoulli") &&
        strcmp(fn, "bernoulli_logit")) {
        static const char *const dists[] = {"normal", "laplace", "logistic", "bernoulli", "bernoulli_logit"};
        diag_error(d, dist->span, "unknown distribution '%s'", fn);
        const char *best = sema_suggest(fn, dists, 5);
        if (best) diag_note(d, dist->span, "did you mean '%s'?", best);
        else diag_note(d, dist->span, "the distributions are normal, laplace, logistic, bernoulli, bernoulli_logit");
        return NULL;
    }
    if (nargs != want) {
        diag_error(d, dist->span, "%s() takes %d argument%s", fn, want, want == 1 ? "" : "s");
        return NULL;
    }
    int real = s->utype == UT_GAUSSIAN || s->utype == UT_LAPLACE;
    if (want == 2 && !real) {
        diag_error(d, x->span, "%s() describes real values; '%s' is %s", fn, s->name, sema_unit_type_name(s->utype));
        return NULL;
    }
    if (want == 1 && s->utype != UT_BERNOULLI && s->role != ROLE_INPUT) {
        diag_error(d, x->span, "%s() describes {0, 1} values; '%s' is %s", fn, s->name, sema_unit_type_name(s->utype));
        return NULL;
    }
    if (!strcmp(fn, "normal")) {
        Expr *z = ast_bin(a, '/', ast_bin(a, '-', ref(a, x), arg0), arg1);
        body = ast_bin(a, '+', ast_bin(a, '+', ast_bin(a, '*', ast_num(a, 0.5, sp), ast_bin(a, '^', z, ast_num(a, 2, sp))), call(a, "log", arg1)),
                   ast_num(a, 0.91893853320467274, sp));
    } else if (!strcmp(fn, "laplace")) {
        body = ast_bin(a, '+', ast_bin(a, '/', call(a, "abs", ast_bin(a, '-', ref(a, x), arg0)), arg1),
                   call(a, "log", ast_bin(a, '*', ast_num(a, 2, sp), arg1)));
    } else if (!strcmp(fn, "logistic")) {
        Expr *z = ast_bin(a, '/', ast_bin(a, '-', ref(a, x), arg0), arg1);
        Expr *z2 = ast_bin(a, '/', ast_bin(a, '-', ref(a, x), arg0), arg1);
        body = ast_bin(a, '+', ast_bin(a, '+', z, ast_bin(a, '*', ast_num(a, 2, sp), call(a, "softplus", neg(a, z2)))), call(a, "log", arg1));
    } else {
        Expr *logit = !strcmp(fn, "bernoulli_logit") ? arg0
                    : arg0->kind == EX_CALL && !strcmp(arg0->str, "sigmoid") && arg0->nargs == 1 ? arg0->args[0].value
                                                                                                 : NULL;
        if (logit)
            body = ast_bin(a, '-', call(a, "softplus", logit), ast_bin(a, '*', ref(a, x), logit));
        else
            body = neg(a, ast_bin(a, '+', ast_bin(a, '*', ref(a, x), call(a, "log", arg0)),
                              ast_bin(a, '*', ast_bin(a, '-', ast_num(a, 1, sp), ref(a, x)), call(a, "log", ast_bin(a, '-', ast_num(a, 1, sp), arg0)))));
    }
    if (nvars == 0) return body;
    Expr *sum = ast_expr(a, EX_SUM, st->span);
    sum->nvars = nvars;
    sum->vars = vars;
    sum->var_spans = spans;
    /* parentheses: a sum's body is a product, and this one is a sum */
    sum->lhs = body;
    return sum;
}
