/* energy_eval.c — direct evaluation of a polynomial in double precision,
 * by looping over every summed index. Slow and simple on purpose: it is the
 * oracle the tests hold the generated kernels and the derivation against. */
#include "energy_eval.h"

#include <math.h>

static double eval_poly(const EvalEnv *env, const Poly *p, long long *val);

double energy_fn_value(Fn fn, double fparam, double a) {
    switch (fn) {
    case FN_EXP: return exp(a);
    case FN_LOG: return log(a);
    case FN_SOFTPLUS: return a > 0 ? a + log1p(exp(-a)) : log1p(exp(a));
    case FN_SIGMOID: return 1 / (1 + exp(-a));
    case FN_ABS: return fabs(a);
    case FN_SQRT: return sqrt(a);
    case FN_TANH: return tanh(a);
    case FN_LOG1P: return log1p(a);
    case FN_LOGCOSH: return fabs(a) + log1p(exp(-2 * fabs(a))) - log(2.0);
    case FN_SIGN: return (a > 0) - (a < 0);
    case FN_POW: return pow(a, fparam);
    default: return a;
    }
}

static long long affine_value(const Affine *a, const long long *val) {
    long long v = a->cst;
    for (int k = 0; k < a->n; k++) v += (long long)a->coef[k] * val[a->var[k]];
    return v;
}

static double factor_value(const EvalEnv *env, const Factor *f, long long *val) {
    double x;
    if (f->kind == FK_TENSOR) {
        const Sym *s = f->sym;
        long long off = 0;
        for (int d = 0; d < f->nidx; d++) {
            long long i = affine_value(&f->idx[d], val);
            if (i < 0 || i >= s->dims[d]) return 0;   /* outside: no such term */
            off = off * s->dims[d] + i;
        }
        x = s->kind == SYM_UNIT ? env->unit[s->id][off] : env->param[s->id][off];
    } else if (f->fn == FN_LSE) {
        int r = f->reduce_var;
        long long save = val[r], range = env->en->vars[r].range;
        double mx = -INFINITY, sum = 0;
        for (long long k = 0; k < range; k++) {
            val[r] = k;
            double y = eval_poly(env, f->arg, val);
            if (y > mx) {
                sum = sum * exp(mx - y) + 1;
                mx = y;
            } else {
                sum += exp(y - mx);
            }
        }
        val[r] = save;
        x = mx + log(sum);
    } else {
        x = energy_fn_value(f->fn, f->fparam, eval_poly(env, f->arg, val));
    }
    return f->power == 1 ? x : pow(x, f->power);
}

static double eval_term(const EvalEnv *env, const Term *t, long long *val, int k) {
    if (k == t->nvars) {
        for (int g = 0; g < t->nguard; g++) {
            long long v = affine_value(&t->guard[g].a, val);
            if (v < t->guard[g].lo || v > t->guard[g].hi) return 0;
        }
        double x = t->coef;
        for (int i = 0; i < t->nf && x != 0; i++) x *= factor_value(env, &t->f[i], val);
        return x;
    }
    int v = t->vars[k];
    long long save = val[v], range = env->en->vars[v].range;
    double s = 0;
    for (long long i = 0; i < range; i++) {
        val[v] = i;
        s += eval_term(env, t, val, k + 1);
    }
    val[v] = save;
    return s;
}

static double eval_poly(const EvalEnv *env, const Poly *p, long long *val) {
    double s = 0;
    for (int i = 0; i < p->n; i++) s += eval_term(env, &p->t[i], val, 0);
    return s;
}

double energy_eval(const EvalEnv *env, const Poly *p, long long *var_values) {
    return eval_poly(env, p, var_values);
}
