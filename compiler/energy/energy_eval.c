/* energy_eval.c — direct evaluation of a polynomial in double precision,
 * by looping over every summed index. Slow and simple on purpose: it is the
 * oracle the tests hold the generated kernels and the derivation against. */
#include "energy_eval.h"

#include <math.h>

static double eval_poly(const EvalEnv *env, const Poly *p, long long *val);

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
        double a = eval_poly(env, f->arg, val);
        switch (f->fn) {
        case FN_EXP: x = exp(a); break;
        case FN_LOG: x = log(a); break;
        case FN_SOFTPLUS: x = a > 0 ? a + log1p(exp(-a)) : log1p(exp(a)); break;
        case FN_SIGMOID: x = 1 / (1 + exp(-a)); break;
        case FN_ABS: x = fabs(a); break;
        case FN_SQRT: x = sqrt(a); break;
        case FN_TANH: x = tanh(a); break;
        case FN_LOG1P: x = log1p(a); break;
        case FN_LOGCOSH: x = fabs(a) + log1p(exp(-2 * fabs(a))) - log(2.0); break;
        case FN_SIGN: x = (a > 0) - (a < 0); break;
        case FN_POW: x = pow(a, f->fparam); break;
        default: x = a; break;
        }
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
