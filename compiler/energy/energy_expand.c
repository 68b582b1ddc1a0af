/* energy_expand.c — from the energy as written to a sum of terms.
 *
 * Products are distributed over sums and integer powers multiplied out, so
 * 0.5*sum(j) hc[j]*(sum(i) v[i]*R[i, j])^2 becomes the quadratic form
 * 0.5*sum(j, i, i2) hc[j]*v[i]*R[i, j]*v[i2]*R[i2, j] whose coefficients the
 * analysis can read. Each expansion of a sum makes fresh index variables, so
 * a squared sum gets two independent copies. Lets are inlined at each use
 * with their indices substituted. Functions (softplus, exp, ...) of
 * non-constant arguments stay as factors. */
#include "energy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct Env {
    const char *name;
    Affine val;
    const struct Env *up;
} Env;

static const Affine *env_find(const Env *env, const char *name) {
    for (; env; env = env->up)
        if (!strcmp(env->name, name)) return &env->val;
    return NULL;
}

/* Index expressions were checked by sema to be affine. */
static Affine eval_affine(const Expr *e, const Env *env) {
    Affine r = {0};
    switch (e->kind) {
    case EX_NUM: r.cst = (long long)e->num; return r;
    case EX_NAME: {
        const Affine *v = env_find(env, e->str);
        return v ? *v : r;
    }
    case EX_NEG: {
        r = eval_affine(e->lhs, env);
        for (int k = 0; k < r.n; k++) r.coef[k] = -r.coef[k];
        r.cst = -r.cst;
        return r;
    }
    case EX_BIN: {
        Affine a = eval_affine(e->lhs, env), b = eval_affine(e->rhs, env);
        if (e->op == '*') {
            /* one side is a constant */
            Affine *v = a.n ? &a : &b;
            long long c = a.n ? b.cst : a.cst;
            for (int k = 0; k < v->n; k++) v->coef[k] *= (int)c;
            v->cst *= c;
            return *v;
        }
        int sign = e->op == '-' ? -1 : 1;
        r = a;
        r.cst += sign * b.cst;
        for (int k = 0; k < b.n; k++) {
            int found = 0;
            for (int q = 0; q < r.n; q++)
                if (r.var[q] == b.var[k]) {
                    r.coef[q] += sign * b.coef[k];
                    found = 1;
                }
            if (!found && r.n < MAX_AFFINE) {
                r.var[r.n] = b.var[k];
                r.coef[r.n++] = sign * b.coef[k];
            }
        }
        return r;
    }
    default: return r;
    }
}

static int is_const(const Poly *p, double *v) {
    if (p->n == 0) {
        *v = 0;
        return 1;
    }
    if (p->n == 1 && p->t[0].nf == 0 && p->t[0].nvars == 0) {
        *v = p->t[0].coef;
        return 1;
    }
    return 0;
}

static double apply_fn(Fn fn, double x, double c) {
    switch (fn) {
    case FN_EXP: return exp(x);
    case FN_LOG: return log(x);
    case FN_SOFTPLUS: return x > 30 ? x : log1p(exp(x));
    case FN_SIGMOID: return 1 / (1 + exp(-x));
    case FN_ABS: return fabs(x);
    case FN_SQRT: return sqrt(x);
    case FN_TANH: return tanh(x);
    case FN_LOG1P: return log1p(x);
    case FN_LOGCOSH: return log(cosh(x));
    case FN_SIGN: return (x > 0) - (x < 0);
    case FN_POW: return pow(x, c);
    default: return x;
    }
}

/* A single-term, sum-free product of factors: its reciprocal is the same
 * product with negated powers (1/(2*exp(z)) = 0.5*exp(z)^(-1)). */
static Poly *try_invert(Energy *en, Poly *p) {
    if (p->n != 1 || p->t[0].nvars || p->t[0].coef == 0) return NULL;
    Term *t = &p->t[0];
    Poly *r = poly_copy(en, p);
    r->t[0].coef = 1 / t->coef;
    for (int i = 0; i < r->t[0].nf; i++) r->t[0].f[i].power = -r->t[0].f[i].power;
    return r;
}

static Poly *expand(Energy *en, const Expr *e, const Env *env);

/* poly_mul, refused past ENERGY_MAX_TERMS (once per energy: the products
 * around it would only repeat the error) */
static Poly *mul_bounded(Energy *en, const Expr *at, Poly *a, Poly *b) {
    long long n = (long long)a->n * b->n;
    if (n <= ENERGY_MAX_TERMS) return poly_mul(en, a, b);
    if (!en->too_large)
        diag_error(en->d, at->span, "this product multiplies out to %lld terms, more than %d: write it with fewer terms "
                                    "(a sum of copies of one term as that term times a number)", n, ENERGY_MAX_TERMS);
    en->too_large = 1;
    return poly_const(en, 0);
}

static Poly *expand_power(Energy *en, const Expr *base, double n, const Env *env) {
    if (n == floor(n) && fabs(n) <= 8) {
        Poly *r = poly_const(en, 1);
        for (int k = 0; k < (int)fabs(n); k++) r = mul_bounded(en, base, r, expand(en, base, env));
        if (n >= 0) return r;
        Poly *inv = try_invert(en, r);
        if (inv) return inv;
        return poly_func(en, FN_POW, n, r);
    }
    Poly *b = expand(en, base, env);
    double c;
    if (is_const(b, &c)) return poly_const(en, pow(c, n));
    return poly_func(en, FN_POW, n, b);
}

static Poly *expand_call(Energy *en, const Expr *e, const Env *env) {
    const Expr *arg = e->args[0].value;
    if (!strcmp(e->str, "sqr")) return expand_power(en, arg, 2, env);
    static const struct { const char *name; Fn fn; } fns[] = {
        {"exp", FN_EXP},   {"log", FN_LOG},   {"softplus", FN_SOFTPLUS}, {"sigmoid", FN_SIGMOID},
        {"abs", FN_ABS},   {"sqrt", FN_SQRT}, {"tanh", FN_TANH},         {"log1p", FN_LOG1P},
        {"logcosh", FN_LOGCOSH},
    };
    Fn fn = FN_NONE;
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++)
        if (!strcmp(fns[i].name, e->str)) fn = fns[i].fn;
    Poly *a = expand(en, arg, env);
    double c;
    if (is_const(a, &c)) return poly_const(en, apply_fn(fn, c, 0));
    if (fn == FN_SQRT) return poly_func(en, FN_POW, 0.5, a);
    return poly_func(en, fn, 0, a);
}

static Poly *expand_sum(Energy *en, const Expr *e, const Env *env) {
    Env *scope = ARENA_ARRAY(en->a, Env, e->nvars);
    int *ids = ARENA_ARRAY(en->a, int, e->nvars);
    const Env *inner = env;
    for (int k = 0; k < e->nvars; k++) {
        ids[k] = energy_var(en, e->vars[k], e->ranges[k]);
        scope[k].name = e->vars[k];
        scope[k].val = (Affine){.n = 1, .var = {ids[k]}, .coef = {1}};
        scope[k].up = inner;
        inner = &scope[k];
    }
    Poly *body = expand(en, e->lhs, inner);
    for (int i = 0; i < body->n; i++) {
        Term *t = &body->t[i];
        int *vars = ARENA_ARRAY(en->a, int, t->nvars + e->nvars + 1);
        mem_copy(vars, t->vars, sizeof(int) * (size_t)t->nvars);
        int n = t->nvars;
        for (int k = 0; k < e->nvars; k++) {
            /* a summand that does not depend on the index is counted */
            if (term_mentions_var(t, ids[k])) vars[n++] = ids[k];
            else t->coef *= (double)e->ranges[k];
        }
        t->vars = vars;
        t->nvars = n;
    }
    return body;
}

const KeptLet *energy_kept_let(const Energy *en, const Sym *s) {
    for (int i = 0; i < en->nkept; i++)
        if (en->kept[i].sym == s) return &en->kept[i];
    return NULL;
}

/* A kept let's body, expanded the first time it is used, over variables
 * of its own (the lowering computes it once into a temporary). */
static const KeptLet *kept_let(Energy *en, const Sym *s) {
    const KeptLet *k = energy_kept_let(en, s);
    if (k) return k;
    Env *scope = ARENA_ARRAY(en->a, Env, s->nvars + 1);
    const Env *inner = NULL;
    KeptLet kl = {.sym = s};
    for (int i = 0; i < s->nvars; i++) {
        kl.vars[i] = energy_var(en, s->vars[i], s->var_ranges[i]);
        scope[i].name = s->vars[i];
        scope[i].val = (Affine){.n = 1, .var = {kl.vars[i]}, .coef = {1}};
        scope[i].up = inner;
        inner = &scope[i];
    }
    kl.body = expand(en, s->body, inner);
    KeptLet *slot = arena_grow(en->a, &en->kept, &en->nkept, &en->capkept, sizeof(KeptLet));
    *slot = kl;
    en->nkept++;
    return slot;
}

static Poly *expand_name(Energy *en, const Expr *e, const Env *env) {
    Sym *s = sema_lookup(en->m, e->str);
    if (s->kind == SYM_LET && en->m->keep_lets) {
        const KeptLet *k = kept_let(en, s);
        Poly *p = poly_new(en);
        Term t = {.coef = 1, .nf = 1};
        t.f = ARENA_NEW(en->a, Factor);
        *t.f = (Factor){.kind = FK_TENSOR, .power = 1, .sym = s, .nidx = s->nvars, .arg = k->body, .span = e->span};
        for (int i = 0; i < s->nvars && i < e->nidx; i++) t.f->idx[i] = eval_affine(e->idx[i], env);
        poly_push(en, p, t);
        return p;
    }
    if (s->kind == SYM_LET) {
        Env *scope = ARENA_ARRAY(en->a, Env, s->nvars + 1);
        const Env *inner = NULL;   /* a let sees only its own indices */
        for (int k = 0; k < s->nvars; k++) {
            scope[k].name = s->vars[k];
            scope[k].val = eval_affine(e->idx[k], env);
            scope[k].up = inner;
            inner = &scope[k];
        }
        return expand(en, s->body, inner);
    }
    Poly *p = poly_new(en);
    Term t = {.coef = 1, .nf = 1};
    t.f = ARENA_NEW(en->a, Factor);
    t.f->kind = FK_TENSOR;
    t.f->power = 1;
    t.f->sym = s;
    t.f->span = e->span;
    t.f->nidx = s->ndim;
    for (int k = 0; k < s->ndim && k < e->nidx; k++) t.f->idx[k] = eval_affine(e->idx[k], env);
    poly_push(en, p, t);
    return p;
}

/* a + b - c - ...: the operands of a tree of + and - (and unary minus),
 * of any shape and depth, expanded one by one into one sum in the order
 * written. An explicit stack, not recursion: an energy of 40,000 terms is a
 * 40,000-deep tree; and appending each operand's terms once, not copying
 * the partial sum at every +, keeps the time linear. */
static Poly *expand_additive(Energy *en, const Expr *e, const Env *env) {
    typedef struct { const Expr *e; double sign; } Item;
    size_t cap = 64, n = 0;
    Item *stack = malloc(cap * sizeof *stack);
    Poly *sum = poly_new(en);
    stack[n++] = (Item){e, 1};
    while (n) {
        Item it = stack[--n];
        const Expr *x = it.e;
        int add = x->kind == EX_BIN && (x->op == '+' || x->op == '-');
        if (add || x->kind == EX_NEG) {
            if (n + 2 > cap) stack = realloc(stack, (cap *= 2) * sizeof *stack);
            /* pushed right first, so the left operand's terms come first */
            if (add) stack[n++] = (Item){x->rhs, x->op == '-' ? -it.sign : it.sign};
            stack[n++] = (Item){x->lhs, add ? it.sign : -it.sign};
            continue;
        }
        Poly *p = expand(en, x, env);
        for (int i = 0; i < p->n; i++) {
            Term t = term_copy(en, &p->t[i]);
            t.coef *= it.sign;
            poly_push(en, sum, t);
        }
    }
    free(stack);
    return sum;
}

static Poly *divide(Energy *en, Poly *num, const Expr *den_expr, const Env *env) {
    Poly *den = expand(en, den_expr, env);
    Poly *inv = try_invert(en, den);
    double c;
    if (!inv && is_const(den, &c)) {
        if (c == 0) {
            diag_error(en->d, den_expr->span, "division by zero");
            return num;
        }
        inv = poly_const(en, 1 / c);
    }
    return poly_mul(en, num, inv ? inv : poly_func(en, FN_POW, -1, den));
}

/* a * b / c * ...: the left spine of * and / walked without recursion
 * (x*1*1*... 40,000 times is that deep), then folded from the innermost
 * operand out, as the recursion would */
static Poly *expand_product(Energy *en, const Expr *e, const Env *env) {
    size_t cap = 64, n = 0;
    const Expr **spine = malloc(cap * sizeof *spine);
    const Expr *x = e;
    for (; x->kind == EX_BIN && (x->op == '*' || x->op == '/'); x = x->lhs) {
        if (n == cap) spine = realloc(spine, (cap *= 2) * sizeof *spine);
        spine[n++] = x;
    }
    Poly *acc = expand(en, x, env);
    while (n) {
        const Expr *op = spine[--n];
        acc = op->op == '*' ? mul_bounded(en, op, acc, expand(en, op->rhs, env)) : divide(en, acc, op->rhs, env);
    }
    free(spine);
    return acc;
}

static Poly *expand(Energy *en, const Expr *e, const Env *env) {
    if (e->kind == EX_NEG || (e->kind == EX_BIN && (e->op == '+' || e->op == '-'))) return expand_additive(en, e, env);
    switch (e->kind) {
    case EX_NUM: return poly_const(en, e->num);
    case EX_NAME: return expand_name(en, e, env);
    case EX_NEG: return poly_scale(en, expand(en, e->lhs, env), -1);
    case EX_SUM: return expand_sum(en, e, env);
    case EX_CALL: return expand_call(en, e, env);
    case EX_BIN:
        switch (e->op) {
        case '+': return poly_add(en, expand(en, e->lhs, env), expand(en, e->rhs, env));
        case '-': return poly_add(en, expand(en, e->lhs, env), poly_scale(en, expand(en, e->rhs, env), -1));
        case '*':
        case '/': return expand_product(en, e, env);
        case '^': {
            Poly *ex = expand(en, e->rhs, env);
            double n;
            if (!is_const(ex, &n)) {
                /* x^y = exp(y log x) keeps the energy well defined for x > 0 */
                return poly_func(en, FN_EXP, 0, poly_mul(en, ex, poly_func(en, FN_LOG, 0, expand(en, e->lhs, env))));
            }
            return expand_power(en, e->lhs, n, env);
        }
        }
        break;
    default: break;
    }
    diag_error(en->d, e->span, "internal: cannot expand this expression");
    return poly_new(en);
}

Poly *energy_expand_expr(Energy *en, const Expr *e) {
    Poly *p = expand(en, e, NULL);
    energy_unit_algebra(en, p);
    return energy_simplify(en, p);
}

Poly *energy_expand_let(Energy *en, const Sym *let, const int *vars) {
    Env *scope = ARENA_ARRAY(en->a, Env, let->nvars + 1);
    const Env *inner = NULL;
    for (int k = 0; k < let->nvars; k++) {
        scope[k].name = let->vars[k];
        scope[k].val = (Affine){.n = 1, .var = {vars[k]}, .coef = {1}};
        scope[k].up = inner;
        inner = &scope[k];
    }
    Poly *p = expand(en, let->body, inner);
    energy_unit_algebra(en, p);
    return energy_simplify(en, p);
}

int energy_expand(Energy *en) {
    int errors = en->d->errors;
    Poly *E = poly_new(en), *L = poly_new(en);
    for (int i = 0; i < en->m->nenergy; i++) E = poly_add(en, E, expand(en, en->m->energy[i], NULL));
    for (int i = 0; i < en->m->nloss; i++) L = poly_add(en, L, expand(en, en->m->loss[i], NULL));
    energy_unit_algebra(en, E);
    energy_unit_algebra(en, L);
    en->E = energy_simplify(en, E);
    en->L = energy_simplify(en, L);
    return en->d->errors == errors;
}
