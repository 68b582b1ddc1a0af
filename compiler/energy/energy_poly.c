/* energy_poly.c — building, combining and printing polynomials of terms. */
#include "energy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

Energy *energy_new(Arena *a, Diag *d, Model *m) {
    Energy *en = ARENA_NEW(a, Energy);
    en->a = a;
    en->d = d;
    en->m = m;
    energy_var(en, "b", -1);
    return en;
}

int energy_var(Energy *en, const char *name, long long range) {
    Var *v = arena_grow(en->a, &en->vars, &en->nvars, &en->capvars, sizeof(Var));
    v->name = name;
    v->range = range;
    return en->nvars++;
}

Poly *poly_new(Energy *en) { return ARENA_NEW(en->a, Poly); }

void poly_push(Energy *en, Poly *p, Term t) {
    Term *slot = arena_grow(en->a, &p->t, &p->n, &p->cap, sizeof(Term));
    *slot = t;
    p->n++;
}

Poly *poly_const(Energy *en, double c) {
    Poly *p = poly_new(en);
    if (c != 0) poly_push(en, p, (Term){.coef = c});
    return p;
}

Poly *poly_tensor(Energy *en, const Sym *s, const int *vars) {
    Poly *p = poly_new(en);
    Term t = {.coef = 1, .nf = 1};
    t.f = ARENA_NEW(en->a, Factor);
    t.f->kind = FK_TENSOR;
    t.f->power = 1;
    t.f->sym = s;
    t.f->nidx = s->ndim;
    for (int k = 0; k < s->ndim; k++) {
        t.f->idx[k].n = 1;
        t.f->idx[k].var[0] = vars[k];
        t.f->idx[k].coef[0] = 1;
    }
    poly_push(en, p, t);
    return p;
}

static Factor *copy_factors(Energy *en, const Factor *f, int n, int extra) {
    Factor *out = ARENA_ARRAY(en->a, Factor, n + extra + 1);
    for (int i = 0; i < n; i++) {
        out[i] = f[i];
        if (f[i].kind == FK_FUNC) out[i].arg = poly_copy(en, f[i].arg);
    }
    return out;
}

Term term_copy(Energy *en, const Term *t) {
    Term c = *t;
    c.vars = ARENA_ARRAY(en->a, int, t->nvars + 1);
    if (t->nvars) mem_copy(c.vars, t->vars, sizeof(int) * (size_t)t->nvars);
    c.f = copy_factors(en, t->f, t->nf, 0);
    c.sub = ARENA_ARRAY(en->a, Subst, t->nsub + 1);
    if (t->nsub) mem_copy(c.sub, t->sub, sizeof(Subst) * (size_t)t->nsub);
    c.guard = ARENA_ARRAY(en->a, Guard, t->nguard + 1);
    if (t->nguard) mem_copy(c.guard, t->guard, sizeof(Guard) * (size_t)t->nguard);
    return c;
}

Poly *poly_copy(Energy *en, const Poly *p) {
    Poly *c = poly_new(en);
    for (int i = 0; i < p->n; i++) poly_push(en, c, term_copy(en, &p->t[i]));
    return c;
}

/* A copy whose summed variables (at every depth) are fresh, so the copy can
 * be multiplied with the original: sum(i) x[i] times sum(i2) x[i2]. */
static void fresh_term(Energy *en, Term *t) {
    for (int k = 0; k < t->nvars; k++) {
        int old = t->vars[k];
        int nv = energy_var(en, en->vars[old].name, en->vars[old].range);
        Affine val = {.n = 1, .var = {nv}, .coef = {1}};
        term_subst(en, t, old, &val);   /* removes old from vars */
        /* put the fresh one where the old one was */
        for (int q = t->nvars; q > k; q--) t->vars[q] = t->vars[q - 1];
        t->vars[k] = nv;
        t->nvars++;
    }
    for (int i = 0; i < t->nf; i++) {
        Factor *f = &t->f[i];
        if (f->kind != FK_FUNC) continue;
        for (int j = 0; j < f->arg->n; j++) fresh_term(en, &f->arg->t[j]);
        if (f->fn == FN_LSE) {
            int nv = energy_var(en, en->vars[f->reduce_var].name, en->vars[f->reduce_var].range);
            Affine val = {.n = 1, .var = {nv}, .coef = {1}};
            for (int j = 0; j < f->arg->n; j++) term_subst(en, &f->arg->t[j], f->reduce_var, &val);
            f->reduce_var = nv;
        }
    }
}

Poly *poly_fresh(Energy *en, const Poly *p) {
    Poly *c = poly_copy(en, p);
    for (int i = 0; i < c->n; i++) fresh_term(en, &c->t[i]);
    return c;
}

Poly *poly_add(Energy *en, Poly *a, Poly *b) {
    Poly *p = poly_copy(en, a);
    for (int i = 0; i < b->n; i++) poly_push(en, p, term_copy(en, &b->t[i]));
    return p;
}

Poly *poly_scale(Energy *en, Poly *a, double c) {
    Poly *p = poly_copy(en, a);
    for (int i = 0; i < p->n; i++) p->t[i].coef *= c;
    return p;
}

/* The product of two terms; their summed variables are distinct by
 * construction (every expansion of a sum makes fresh variables). */
Term term_mul(Energy *en, const Term *x, const Term *y) {
    Term t = {.coef = x->coef * y->coef};
    t.nvars = x->nvars + y->nvars;
    t.vars = ARENA_ARRAY(en->a, int, t.nvars + 1);
    mem_copy(t.vars, x->vars, sizeof(int) * (size_t)x->nvars);
    mem_copy(t.vars + x->nvars, y->vars, sizeof(int) * (size_t)y->nvars);
    t.nf = x->nf + y->nf;
    t.f = copy_factors(en, x->f, x->nf, y->nf);
    for (int i = 0; i < y->nf; i++) {
        t.f[x->nf + i] = y->f[i];
        if (y->f[i].kind == FK_FUNC) t.f[x->nf + i].arg = poly_copy(en, y->f[i].arg);
    }
    t.nsub = x->nsub + y->nsub;
    t.sub = ARENA_ARRAY(en->a, Subst, t.nsub + 1);
    if (x->nsub) mem_copy(t.sub, x->sub, sizeof(Subst) * (size_t)x->nsub);
    if (y->nsub) mem_copy(t.sub + x->nsub, y->sub, sizeof(Subst) * (size_t)y->nsub);
    t.nguard = x->nguard + y->nguard;
    t.guard = ARENA_ARRAY(en->a, Guard, t.nguard + 1);
    if (x->nguard) mem_copy(t.guard, x->guard, sizeof(Guard) * (size_t)x->nguard);
    if (y->nguard) mem_copy(t.guard + x->nguard, y->guard, sizeof(Guard) * (size_t)y->nguard);
    return t;
}

Poly *poly_mul(Energy *en, Poly *a, Poly *b) {
    Poly *p = poly_new(en);
    for (int i = 0; i < a->n; i++)
        for (int j = 0; j < b->n; j++) poly_push(en, p, term_mul(en, &a->t[i], &b->t[j]));
    return p;
}

Poly *poly_func(Energy *en, Fn fn, double fparam, Poly *arg) {
    Poly *p = poly_new(en);
    Term t = {.coef = 1, .nf = 1};
    t.f = ARENA_NEW(en->a, Factor);
    t.f->kind = FK_FUNC;
    t.f->power = 1;
    t.f->fn = fn;
    t.f->fparam = fparam;
    t.f->arg = arg;
    poly_push(en, p, t);
    return p;
}

int poly_is_zero(const Poly *p) {
    for (int i = 0; i < p->n; i++)
        if (p->t[i].coef != 0) return 0;
    return 1;
}

/* ---- reading ---------------------------------------------------------------- */

int term_degree(const Term *t, const Sym *s) {
    int deg = 0;
    for (int i = 0; i < t->nf; i++) {
        const Factor *f = &t->f[i];
        if (f->kind == FK_TENSOR && f->sym == s) {
            if (f->power < 0) return -1;
            deg += f->power;
        } else if (f->kind == FK_FUNC && poly_mentions(f->arg, s)) {
            return -1;
        }
    }
    return deg;
}

int poly_mentions(const Poly *p, const Sym *s) {
    for (int i = 0; i < p->n; i++) {
        const Term *t = &p->t[i];
        for (int k = 0; k < t->nf; k++) {
            if (t->f[k].kind == FK_TENSOR && t->f[k].sym == s) return 1;
            /* a function's argument, or a kept let's body */
            if (t->f[k].arg && poly_mentions(t->f[k].arg, s)) return 1;
        }
    }
    return 0;
}

static int affine_mentions(const Affine *a, int var) {
    for (int k = 0; k < a->n; k++)
        if (a->var[k] == var && a->coef[k]) return 1;
    return 0;
}

static int factor_mentions_var(const Factor *f, int var) {
    if (f->kind == FK_TENSOR) {
        /* a kept let is computed per row, like a unit */
        if (var == VAR_BATCH && f->sym && (f->sym->kind == SYM_UNIT || f->sym->kind == SYM_LET)) return 1;
        for (int d = 0; d < f->nidx; d++)
            if (affine_mentions(&f->idx[d], var)) return 1;
        return 0;
    }
    return poly_free_var(f->arg, var);
}

int term_mentions_var(const Term *t, int var) {
    for (int i = 0; i < t->nf; i++)
        if (factor_mentions_var(&t->f[i], var)) return 1;
    for (int i = 0; i < t->nsub; i++)
        if (affine_mentions(&t->sub[i].val, var)) return 1;
    for (int i = 0; i < t->nguard; i++)
        if (affine_mentions(&t->guard[i].a, var)) return 1;
    return 0;
}

int poly_free_var(const Poly *p, int var) {
    for (int i = 0; i < p->n; i++) {
        const Term *t = &p->t[i];
        int bound = 0;
        for (int k = 0; k < t->nvars; k++)
            if (t->vars[k] == var) bound = 1;
        if (!bound && term_mentions_var(t, var)) return 1;
    }
    return 0;
}

int affine_is_var(const Affine *a, int *var) {
    if (a->n == 1 && a->coef[0] == 1 && a->cst == 0) {
        *var = a->var[0];
        return 1;
    }
    return 0;
}

/* ---- substitution -------------------------------------------------------------- */

/* a with var replaced by val */
static Affine affine_subst(const Affine *a, int var, const Affine *val) {
    Affine r = {0};
    r.cst = a->cst;
    int c = 0;
    for (int k = 0; k < a->n; k++) {
        if (a->var[k] == var) {
            c += a->coef[k];
            continue;
        }
        r.var[r.n] = a->var[k];
        r.coef[r.n++] = a->coef[k];
    }
    if (!c) return r;
    r.cst += c * val->cst;
    for (int k = 0; k < val->n; k++) {
        int found = 0;
        for (int q = 0; q < r.n; q++)
            if (r.var[q] == val->var[k]) {
                r.coef[q] += c * val->coef[k];
                found = 1;
            }
        if (!found && r.n < MAX_AFFINE) {
            r.var[r.n] = val->var[k];
            r.coef[r.n++] = c * val->coef[k];
        }
    }
    /* drop zero coefficients (i - i) */
    int w = 0;
    for (int q = 0; q < r.n; q++)
        if (r.coef[q]) {
            r.var[w] = r.var[q];
            r.coef[w++] = r.coef[q];
        }
    r.n = w;
    return r;
}

/* Inside a function's argument, a term that sums over a variable of the same
 * id binds its own copy (a shadow), which the substitution must not touch. */
static void poly_subst(Energy *en, Poly *p, int var, const Affine *val) {
    for (int i = 0; i < p->n; i++) {
        Term *t = &p->t[i];
        int bound = 0;
        for (int k = 0; k < t->nvars; k++)
            if (t->vars[k] == var) bound = 1;
        if (!bound) term_subst(en, t, var, val);
    }
}

void term_subst(Energy *en, Term *t, int var, const Affine *val) {
    for (int k = 0; k < t->nvars; k++)
        if (t->vars[k] == var) {
            memmove(t->vars + k, t->vars + k + 1, sizeof(int) * (size_t)(t->nvars - k - 1));
            t->nvars--;
            break;
        }
    for (int i = 0; i < t->nf; i++) {
        Factor *f = &t->f[i];
        if (f->kind == FK_TENSOR)
            for (int d = 0; d < f->nidx; d++) f->idx[d] = affine_subst(&f->idx[d], var, val);
        else
            poly_subst(en, f->arg, var, val);
    }
    for (int i = 0; i < t->nsub; i++) t->sub[i].val = affine_subst(&t->sub[i].val, var, val);
    for (int i = 0; i < t->nguard; i++) t->guard[i].a = affine_subst(&t->guard[i].a, var, val);
}

Poly *poly_select_degree(Energy *en, const Poly *p, const Sym *s, int deg) {
    Poly *r = poly_new(en);
    for (int i = 0; i < p->n; i++)
        if (term_degree(&p->t[i], s) == deg) poly_push(en, r, term_copy(en, &p->t[i]));
    return r;
}

/* ---- printing --------------------------------------------------------------------- */

typedef struct Names {
    const Energy *en;
    int ids[256];
    const char *shown[256];
    int n;
    const char *(*rename)(const Sym *, void *);   /* symbols printed under other names */
    void *rename_ctx;
} Names;

static const char *name_of(Names *nm, int id) {
    for (int i = nm->n - 1; i >= 0; i--)
        if (nm->ids[i] == id) return nm->shown[i];
    return nm->en->vars[id].name;   /* free and not introduced: its own name */
}

static void introduce(Names *nm, int id) {
    if (nm->n >= 256) return;
    const char *base = nm->en->vars[id].name;
    static char buf[256][32];
    const char *cand = base;
    for (int primes = 0;; primes++) {
        int clash = 0;
        for (int i = 0; i < nm->n; i++)
            if (!strcmp(nm->shown[i], cand)) clash = 1;
        if (!clash) break;
        snprintf(buf[nm->n], sizeof buf[0], "%s%d", base, primes + 2);
        cand = buf[nm->n];
    }
    nm->ids[nm->n] = id;
    nm->shown[nm->n++] = cand;
}

static void print_poly(FILE *out, Names *nm, const Poly *p, int paren);

static void print_affine(FILE *out, Names *nm, const Affine *a) {
    int any = 0;
    for (int k = 0; k < a->n; k++) {
        int c = a->coef[k];
        if (any) fputs(c < 0 ? " - " : " + ", out);
        else if (c < 0) fputc('-', out);
        if (abs(c) != 1) fprintf(out, "%d*", abs(c));
        fputs(name_of(nm, a->var[k]), out);
        any = 1;
    }
    if (a->cst || !any) {
        if (any) fprintf(out, " %c %lld", a->cst < 0 ? '-' : '+', a->cst < 0 ? -a->cst : a->cst);
        else fprintf(out, "%lld", a->cst);
    }
}

const char *energy_fn_name(Fn fn) {
    static const char *names[] = {"", "exp", "log", "softplus", "sigmoid", "abs", "sqrt",
                                  "tanh", "log1p", "logcosh", "sign", "pow", "logsumexp"};
    return fn < FN_COUNT ? names[fn] : "?";
}

static void print_num(FILE *out, double v) {
    char buf[32];
    /* whole numbers in full: 5000, not 5e+03 */
    if (v == floor(v) && fabs(v) < 1e15) {
        fprintf(out, "%.0f", v);
        return;
    }
    for (int p = 1; p <= 17; p++) {
        snprintf(buf, sizeof buf, "%.*g", p, v);
        if (strtod(buf, NULL) == v) break;
    }
    fputs(buf, out);
}

static void print_factor(FILE *out, Names *nm, const Factor *f) {
    if (f->kind == FK_TENSOR) {
        if (f->fn != FN_NONE) fprintf(out, "%s(", energy_fn_name(f->fn));
        fputs(!f->sym ? "tmp" : nm->rename ? nm->rename(f->sym, nm->rename_ctx) : f->sym->name, out);
        if (f->nidx) {
            fputc('[', out);
            for (int d = 0; d < f->nidx; d++) {
                if (d) fputs(", ", out);
                print_affine(out, nm, &f->idx[d]);
            }
            fputc(']', out);
        }
        if (f->fn != FN_NONE) fputc(')', out);
    } else if (f->fn == FN_POW) {
        print_poly(out, nm, f->arg, 1);
        fputc('^', out);
        if (f->fparam < 0) fputc('(', out);
        print_num(out, f->fparam);
        if (f->fparam < 0) fputc(')', out);
    } else if (f->fn == FN_LSE) {
        int save = nm->n;
        introduce(nm, f->reduce_var);
        fprintf(out, "logsumexp(%s) ", name_of(nm, f->reduce_var));
        print_poly(out, nm, f->arg, 1);
        nm->n = save;
    } else {
        fprintf(out, "%s(", energy_fn_name(f->fn));
        print_poly(out, nm, f->arg, 0);
        fputc(')', out);
    }
    if (f->power != 1) {
        if (f->power < 0) fprintf(out, "^(%d)", f->power);
        else fprintf(out, "^%d", f->power);
    }
}

static void print_term(FILE *out, Names *nm, const Term *t, int first) {
    double c = t->coef;
    if (!first) fputs(c < 0 ? " - " : " + ", out);
    else if (c < 0) fputc('-', out);
    c = fabs(c);
    int save = nm->n;
    if (t->nvars) {
        fputs("sum(", out);
        for (int k = 0; k < t->nvars; k++) {
            introduce(nm, t->vars[k]);
            fprintf(out, "%s%s", k ? ", " : "", name_of(nm, t->vars[k]));
        }
        fputs(") ", out);
    }
    int any = 0;
    if (c != 1 || (t->nf == 0 && t->nguard == 0)) {
        print_num(out, c);
        any = 1;
    }
    for (int i = 0; i < t->nf; i++) {
        if (any) fputc('*', out);
        print_factor(out, nm, &t->f[i]);
        any = 1;
    }
    for (int i = 0; i < t->nguard; i++) {
        const Guard *g = &t->guard[i];
        if (any) fputc('*', out);
        any = 1;
        /* i - i2 in 0..0 is a Kronecker delta */
        if (g->lo == 0 && g->hi == 0 && g->a.n == 2 && g->a.cst == 0 && g->a.coef[0] == -g->a.coef[1] &&
            abs(g->a.coef[0]) == 1) {
            int first = g->a.coef[0] == 1 ? 0 : 1;
            fprintf(out, "delta(%s, %s)", name_of(nm, g->a.var[first]), name_of(nm, g->a.var[1 - first]));
            continue;
        }
        fputc('[', out);
        print_affine(out, nm, &g->a);
        /* one variable in a bound its range already keeps on one side:
         * the other side alone, [s >= 1] */
        long long range = g->a.n == 1 && g->a.coef[0] == 1 && !g->a.cst ? nm->en->vars[g->a.var[0]].range : 0;
        if (range > 0 && g->lo <= 0 && g->hi < range - 1) fprintf(out, " <= %lld]", g->hi);
        else if (range > 0 && g->hi >= range - 1 && g->lo > 0) fprintf(out, " >= %lld]", g->lo);
        else fprintf(out, " in %lld..%lld]", g->lo, g->hi);
    }
    nm->n = save;
}

static void print_poly(FILE *out, Names *nm, const Poly *p, int paren) {
    if (p->n == 0) {
        fputc('0', out);
        return;
    }
    int wrap = paren && (p->n > 1 || p->t[0].nvars || p->t[0].coef < 0 || p->t[0].nf + (p->t[0].coef != 1) > 1);
    if (wrap) fputc('(', out);
    for (int i = 0; i < p->n; i++) print_term(out, nm, &p->t[i], i == 0);
    if (wrap) fputc(')', out);
}

/* Free variables are named first, so a summed variable that shares a free
 * one's name is the one that gets a number (sum(i2) v[i]*v[i2]). */
static void introduce_free(Names *nm, const Poly *p, const int *bound, int nbound);

static void introduce_affine(Names *nm, const Affine *a, const int *bound, int nbound) {
    for (int k = 0; k < a->n; k++) {
        int v = a->var[k], known = 0;
        for (int q = 0; q < nbound; q++)
            if (bound[q] == v) known = 1;
        for (int q = 0; q < nm->n; q++)
            if (nm->ids[q] == v) known = 1;
        if (!known) introduce(nm, v);
    }
}

static void introduce_free(Names *nm, const Poly *p, const int *bound, int nbound) {
    for (int i = 0; i < p->n; i++) {
        const Term *t = &p->t[i];
        int b[128], nb = 0;
        for (int q = 0; q < nbound && nb < 128; q++) b[nb++] = bound[q];
        for (int q = 0; q < t->nvars && nb < 128; q++) b[nb++] = t->vars[q];
        for (int k = 0; k < t->nf; k++) {
            const Factor *f = &t->f[k];
            if (f->kind == FK_TENSOR) {
                for (int d = 0; d < f->nidx; d++) introduce_affine(nm, &f->idx[d], b, nb);
            } else {
                if (f->fn == FN_LSE && nb < 128) b[nb++] = f->reduce_var;
                introduce_free(nm, f->arg, b, nb);
                if (f->fn == FN_LSE) nb--;
            }
        }
        for (int k = 0; k < t->nguard; k++) introduce_affine(nm, &t->guard[k].a, b, nb);
    }
}

void poly_print(FILE *out, const Energy *en, const Poly *p) {
    Names nm = {.en = en};
    introduce_free(&nm, p, NULL, 0);
    print_poly(out, &nm, p, 0);
}

char *poly_string_renamed(const Energy *en, const Poly *p, const char *(*rename)(const Sym *, void *), void *ctx) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    Names nm = {.en = en, .rename = rename, .rename_ctx = ctx};
    introduce_free(&nm, p, NULL, 0);
    print_poly(f, &nm, p, 0);
    fclose(f);
    char *s = arena_strdup(en->a, buf);
    free(buf);
    return s;
}

char *poly_string(const Energy *en, const Poly *p) {
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    poly_print(f, en, p);
    fclose(f);
    char *s = arena_strdup(en->a, buf);
    free(buf);
    return s;
}
