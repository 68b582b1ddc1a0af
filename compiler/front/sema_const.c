/* sema_const.c — constant expressions wherever the language takes a number.
 *
 * An initialiser's argument, a dimension, binomial(n) and a setting may be
 * written as arithmetic (1/10, 2^8, 28*28, sqrt(2)); each is evaluated here
 * in double precision, which is exact for the integers a shape can hold, or
 * refused with the reason at its location. Nothing that is not a constant
 * silently becomes 0 or 1. */
#include "sema.h"

#include <math.h>
#include <string.h>

static int fail(Diag *d, const Expr *e, const char *fmt, const char *what, const char *detail) {
    diag_error(d, e->span, fmt, what, detail);
    return 0;
}

static int eval(Diag *d, const Expr *e, double *out, const char *what) {
    switch (e->kind) {
    case EX_NUM:
        *out = e->num;
        break;
    case EX_NEG: {
        double x;
        if (!eval(d, e->lhs, &x, what)) return 0;
        *out = -x;
        break;
    }
    case EX_BIN: {
        double l, r;
        if (!eval(d, e->lhs, &l, what) || !eval(d, e->rhs, &r, what)) return 0;
        switch (e->op) {
        case '+': *out = l + r; break;
        case '-': *out = l - r; break;
        case '*': *out = l * r; break;
        case '/':
            if (r == 0) return fail(d, e, "%s divides by zero%s", what, "");
            *out = l / r;
            break;
        case '^':
            if (l < 0 && r != floor(r)) return fail(d, e, "%s raises a negative number to a fractional power%s", what, "");
            if (l == 0 && r < 0) return fail(d, e, "%s divides by zero%s", what, "");
            *out = pow(l, r);
            break;
        default: return fail(d, e, "%s must be a constant number%s", what, "");
        }
        break;
    }
    case EX_CALL: {
        static const char *const fns[] = {"exp", "log", "sqrt", "abs", "sqr", "tanh", "sigmoid", "softplus", "log1p"};
        int f = -1;
        for (int i = 0; i < (int)(sizeof fns / sizeof fns[0]); i++)
            if (!strcmp(e->str, fns[i])) f = i;
        if (f < 0 || e->nargs != 1 || e->args[0].name)
            return fail(d, e, "%s must be a constant number, not a call of '%s'", what, e->str);
        double x;
        if (!eval(d, e->args[0].value, &x, what)) return 0;
        if ((f == 1 && x <= 0) || (f == 2 && x < 0) || (f == 8 && x <= -1))
            return fail(d, e, "%s takes %s of a number outside its domain", what, e->str);
        switch (f) {
        case 0: *out = exp(x); break;
        case 1: *out = log(x); break;
        case 2: *out = sqrt(x); break;
        case 3: *out = fabs(x); break;
        case 4: *out = x * x; break;
        case 5: *out = tanh(x); break;
        case 6: *out = 1 / (1 + exp(-x)); break;
        case 7: *out = x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)); break;
        default: *out = log1p(x); break;
        }
        break;
    }
    case EX_NAME:
        return fail(d, e, "%s must be a constant number; '%s' is not a constant", what, e->str);
    case EX_STR:
        return fail(d, e, "%s must be a number, not a string%s", what, "");
    default:
        return fail(d, e, "%s must be a constant number%s", what, "");
    }
    if (!isfinite(*out)) return fail(d, e, "%s is not finite (it overflows)%s", what, "");
    return 1;
}

int sema_const(Diag *d, const Expr *e, double *out, const char *what) {
    return eval(d, e, out, what);
}

int sema_const_int(Diag *d, const Expr *e, long long lo, long long hi, long long *out, const char *what) {
    double v;
    if (!eval(d, e, &v, what)) return 0;
    if (v != floor(v)) {
        diag_error(d, e->span, "%s must be an integer, not %.15g", what, v);
        return 0;
    }
    if (v < (double)lo) {
        if (v == 0 && lo == 1) diag_error(d, e->span, "%s must be at least 1", what);
        else diag_error(d, e->span, "%s must be at least %lld, not %.15g", what, lo, v);
        return 0;
    }
    if (v > (double)hi) {
        diag_error(d, e->span, "%s must be at most %lld, not %.15g", what, hi, v);
        return 0;
    }
    *out = (long long)v;
    return 1;
}

Expr *sema_fold(Arena *a, Diag *d, Expr *e, const char *what) {
    double v;
    if (!eval(d, e, &v, what)) return NULL;
    if (e->kind == EX_NUM) return e;
    Expr *n = ARENA_NEW(a, Expr);
    n->kind = EX_NUM;
    n->span = e->span;
    n->num = v;
    return n;
}
