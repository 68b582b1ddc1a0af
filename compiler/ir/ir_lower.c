/* ir_lower.c — terms to statements: temporaries, GEMMs and loop nests. */
#include "ir_lower.h"

#include <math.h>
#include <string.h>

struct Temp {
    int buf;
    int batched;
};

/* ---- building blocks -------------------------------------------------------- */

int lower_add_buf(Lower *L, IrBuf b) {
    IrBuf *slot = arena_grow(L->a, &L->p->bufs, &L->p->nbufs, &L->capbufs, sizeof(IrBuf));
    b.size = 1;
    for (int d = 0; d < b.ndim; d++) b.size *= b.dims[d];
    *slot = b;
    return L->p->nbufs++;
}

IrStmt *lower_stmt(Lower *L, SKind kind) {
    IrStmt *s = arena_grow(L->a, &L->k->stmts, &L->k->nstmts, &L->capstmts, sizeof(IrStmt));
    memset(s, 0, sizeof *s);
    s->kind = kind;
    s->aux = -1;
    L->k->nstmts++;
    return s;
}

void lower_begin_kernel(Lower *L, const char *name) {
    IrKernel *k = arena_grow(L->a, &L->p->kernels, &L->p->nkernels, &L->capkernels, sizeof(IrKernel));
    memset(k, 0, sizeof *k);
    k->name = name;
    L->p->nkernels++;
    L->k = k;
    L->capstmts = 0;
    L->cse_n = 0;
    L->nshared = 0;
}

IrX *ir_const(Lower *L, double c) {
    IrX *x = ARENA_NEW(L->a, IrX);
    x->op = X_CONST;
    x->c = c;
    return x;
}

IrX *ir_op(Lower *L, XOp op, IrX *a, IrX *b) {
    IrX *x = ARENA_NEW(L->a, IrX);
    x->op = op;
    x->a = a;
    x->b = b;
    return x;
}

IrX *ir_fn(Lower *L, IrFn fn, IrX *a) {
    IrX *x = ir_op(L, X_FN, a, NULL);
    x->fn = fn;
    return x;
}

IrX *ir_local(Lower *L, int local) {
    IrX *x = ARENA_NEW(L->a, IrX);
    x->op = X_LOCAL;
    x->local = local;
    return x;
}

IrX *ir_load_slots(Lower *L, int buf, const int *slots, int n) {
    IrX *x = ARENA_NEW(L->a, IrX);
    x->op = X_LOAD;
    x->buf = buf;
    x->nidx = n;
    for (int i = 0; i < n; i++) x->idx[i] = (IrIdx){.n = 1, .var = {slots[i]}, .coef = {1}};
    return x;
}

static IrFn map_fn(Fn fn) {
    switch (fn) {
    case FN_EXP: return F_EXP;
    case FN_LOG: return F_LOG;
    case FN_SOFTPLUS: return F_SOFTPLUS;
    case FN_SIGMOID: return F_SIGMOID;
    case FN_ABS: return F_ABS;
    case FN_SQRT: return F_SQRT;
    case FN_TANH: return F_TANH;
    case FN_LOG1P: return F_LOG1P;
    case FN_LOGCOSH: return F_LOGCOSH;
    case FN_SIGN: return F_SIGN;
    default: return F_POW;
    }
}

/* ---- factors ------------------------------------------------------------------ */

static int factor_batched(const Factor *f) {
    if (f->temp) return f->temp->batched;
    return f->sym && f->sym->kind == SYM_UNIT;
}

static int factor_buf(Lower *L, const Factor *f) {
    if (f->temp) return f->temp->buf;
    if (f->sym->kind != SYM_UNIT) return ir_find_buf(L->p, BUF_PARAM, f->sym->id);
    return ir_find_buf(L->p, L->mean_units >> f->sym->id & 1 ? BUF_MEAN : BUF_STATE, f->sym->id);
}

static int add_unique(int *vars, int n, int v) {
    for (int i = 0; i < n; i++)
        if (vars[i] == v) return n;
    vars[n] = v;
    return n + 1;
}

/* The variables a tensor factor depends on: batch first, then its indices'. */
static int factor_vars(const Factor *f, int *vars) {
    int n = 0;
    if (factor_batched(f)) vars[n++] = VAR_BATCH;
    for (int d = 0; d < f->nidx; d++)
        for (int k = 0; k < f->idx[d].n; k++) n = add_unique(vars, n, f->idx[d].var[k]);
    return n;
}

static int has_var(const int *vars, int n, int v) {
    for (int i = 0; i < n; i++)
        if (vars[i] == v) return 1;
    return 0;
}

/* A whole buffer read in its own layout: usable as a GEMM operand. */
static int is_plain(Lower *L, const Factor *f) {
    if (f->kind != FK_TENSOR || f->fn != FN_NONE || f->power != 1) return 0;
    int seen[IR_MAX_DIMS + 1], n = 0;
    const IrBuf *b = &L->p->bufs[factor_buf(L, f)];
    for (int d = 0; d < f->nidx; d++) {
        int v;
        if (!affine_is_var(&f->idx[d], &v) || has_var(seen, n, v)) return 0;
        if (L->en->vars[v].range != b->dims[d]) return 0;
        seen[n++] = v;
    }
    return 1;
}

static IrIdx map_affine(const Affine *a, const int *slots) {
    IrIdx r = {.cst = a->cst};
    for (int k = 0; k < a->n; k++) {
        r.var[r.n] = slots[a->var[k]];
        r.coef[r.n++] = a->coef[k];
    }
    return r;
}

static IrX *factor_expr(Lower *L, const Factor *f, const int *slots) {
    IrX *x = ARENA_NEW(L->a, IrX);
    x->op = X_LOAD;
    x->buf = factor_buf(L, f);
    int n = 0;
    if (factor_batched(f)) x->idx[n++] = (IrIdx){.n = 1, .var = {slots[VAR_BATCH]}, .coef = {1}};
    for (int d = 0; d < f->nidx; d++) x->idx[n++] = map_affine(&f->idx[d], slots);
    x->nidx = n;
    if (f->fn != FN_NONE) {
        x = ir_fn(L, map_fn(f->fn), x);
        x->c = f->fparam;
    }
    if (f->power != 1) {
        IrX *p = ir_op(L, X_POWI, x, NULL);
        p->c = f->power;
        x = p;
    }
    return x;
}

static IrX *term_expr(Lower *L, const Term *t, const int *slots) {
    IrX *x = NULL;
    for (int i = 0; i < t->nf; i++) {
        IrX *f = factor_expr(L, &t->f[i], slots);
        x = x ? ir_op(L, X_MUL, x, f) : f;
    }
    if (!x) return ir_const(L, t->coef);
    if (t->coef == -1) return ir_op(L, X_NEG, x, NULL);
    if (t->coef != 1) return ir_op(L, X_MUL, ir_const(L, t->coef), x);
    return x;
}

/* ---- temporaries ---------------------------------------------------------------- */

static int *new_slots(Lower *L) {
    int *s = ARENA_ARRAY(L->a, int, L->en->nvars + 1);
    for (int i = 0; i < L->en->nvars; i++) s[i] = -1;
    return s;
}

static int new_temp(Lower *L, const int *vars, int nvars, const char *what) {
    IrBuf b = {.kind = BUF_TEMP, .ref = -1, .name = what};
    int k = 0;
    if (nvars && vars[0] == VAR_BATCH) {
        b.batched = 1;
        k = 1;
    }
    for (; k < nvars; k++) b.dims[b.ndim++] = L->en->vars[vars[k]].range;
    return lower_add_buf(L, b);
}

static Factor temp_factor(Lower *L, int buf, const int *vars, int nvars) {
    Factor f = {.kind = FK_TENSOR, .power = 1};
    f.temp = ARENA_NEW(L->a, Temp);
    f.temp->buf = buf;
    int k = 0;
    if (nvars && vars[0] == VAR_BATCH) {
        f.temp->batched = 1;
        k = 1;
    }
    for (; k < nvars; k++) f.idx[f.nidx++] = (Affine){.n = 1, .var = {vars[k]}, .coef = {1}};
    return f;
}

/* Equal for the same content over the same positions, whatever the free
 * variables are called: the field c[j] + sum(i) v[i]*W[i, j] that W's and
 * c's statistics both need is computed once. */
static const char *cse_key(Lower *L, const Poly *P, const int *vars, int nvars) {
    Energy *en = L->en;
    Poly *c = poly_copy(en, P);
    char *k = arena_strdup(L->a, "");
    for (int i = 0; i < nvars; i++) {
        if (vars[i] == VAR_BATCH) {
            k = arena_printf(L->a, "%sB|", k);
            continue;
        }
        int pv = energy_var(en, arena_printf(L->a, "@%d", i), en->vars[vars[i]].range);
        Affine val = {.n = 1, .var = {pv}, .coef = {1}};
        for (int t = 0; t < c->n; t++) term_subst(en, &c->t[t], vars[i], &val);
        k = arena_printf(L->a, "%s%lld|", k, en->vars[vars[i]].range);
    }
    return arena_printf(L->a, "%s%s", k, poly_string(en, c));
}

int lower_materialize(Lower *L, const Poly *P, const int *vars, int nvars) {
    const char *key = cse_key(L, P, vars, nvars);
    for (int i = 0; i < L->cse_n; i++)
        if (!strcmp(L->cse_key[i], key)) return L->cse_buf[i];
    int buf = new_temp(L, vars, nvars, "tmp");
    lower_into(L, P, buf, vars, nvars, 0);
    if (L->cse_n < (int)(sizeof L->cse_buf / sizeof L->cse_buf[0])) {
        L->cse_key[L->cse_n] = key;
        L->cse_buf[L->cse_n++] = buf;
    }
    return buf;
}

/* buf[vars] = product of factors (an elementwise pass), or an earlier
 * identical pass's temporary. */
static int product_temp(Lower *L, const Factor *fs, int nf, const int *vars, int nvars) {
    int *slots = new_slots(L);
    IrExt ext[16];
    for (int i = 0; i < nvars; i++) {
        slots[vars[i]] = i;
        long long r = L->en->vars[vars[i]].range;
        ext[i] = r < 0 ? (IrExt){1, 1} : (IrExt){r, 0};
    }
    Term t = {.coef = 1, .nf = nf, .f = (Factor *)fs};
    IrAssign *as = ARENA_NEW(L->a, IrAssign);
    as->kind = A_STORE;
    int n = 0, k = 0;
    if (nvars && vars[0] == VAR_BATCH) as->idx[n++] = (IrIdx){.n = 1, .var = {0}, .coef = {1}}, k = 1;
    for (; k < nvars; k++) as->idx[n++] = (IrIdx){.n = 1, .var = {slots[vars[k]]}, .coef = {1}};
    as->nidx = n;
    as->x = term_expr(L, &t, slots);
    int old = lower_find_same_loop(L, ext, nvars, as);
    if (old >= 0) return old;
    int buf = new_temp(L, vars, nvars, "prod");
    as->buf = buf;
    IrStmt *s = lower_stmt(L, S_LOOP);
    s->nvars = nvars;
    for (int i = 0; i < nvars; i++) s->ext[i] = ext[i];
    s->assign = as;
    s->nassign = 1;
    return buf;
}

/* ---- planning a term ---------------------------------------------------------------- */

static void remove_factor(Term *t, int k) {
    memmove(t->f + k, t->f + k + 1, sizeof(Factor) * (size_t)(t->nf - k - 1));
    t->nf--;
}

/* Functions of non-constant arguments become temporaries over the
 * variables their argument leaves free. */
static void materialize_functions(Lower *L, Term *t, const int *keep, int nkeep) {
    for (int k = 0; k < t->nf; k++) {
        Factor *f = &t->f[k];
        if (f->kind == FK_TENSOR && f->sym && f->sym->kind == SYM_LET) {
            /* a kept let: its body once per kernel (by content) over the
             * batch and its own variables, then read like a tensor */
            const KeptLet *kl = energy_kept_let(L->en, f->sym);
            int vars[MAX_DIMS + 1], n = 0;
            vars[n++] = VAR_BATCH;
            for (int d = 0; d < f->sym->nvars; d++) vars[n++] = kl->vars[d];
            int buf = lower_materialize(L, kl->body, vars, n);
            /* other uses read it: no GEMM of a use may be redirected out of it */
            int cap = (int)(sizeof L->shared / sizeof L->shared[0]);
            if (L->nshared < cap && !lower_is_shared(L, buf)) L->shared[L->nshared++] = buf;
            Factor nf = *f;
            nf.sym = NULL;
            nf.arg = NULL;
            nf.temp = ARENA_NEW(L->a, Temp);
            nf.temp->buf = buf;
            nf.temp->batched = 1;
            *f = nf;
            continue;
        }
        if (f->kind != FK_FUNC) continue;
        int vars[64], n = 0;
        if (poly_free_var(f->arg, VAR_BATCH)) vars[n++] = VAR_BATCH;
        for (int i = 0; i < nkeep; i++)
            if (keep[i] != VAR_BATCH && poly_free_var(f->arg, keep[i])) vars[n++] = keep[i];
        for (int i = 0; i < t->nvars; i++)
            if (t->vars[i] != VAR_BATCH && poly_free_var(f->arg, t->vars[i])) vars[n++] = t->vars[i];
        /* an enclosing term's free variable that is not kept: it is free in
         * the whole term, hence kept; other free variables come from
         * pending substitutions and are listed in keep too */
        if (f->fn == FN_LSE) {
            int full[65];
            mem_copy(full, vars, sizeof(int) * (size_t)n);
            full[n] = f->reduce_var;
            int in = lower_materialize(L, f->arg, full, n + 1);
            int out = new_temp(L, vars, n, "lse");
            IrStmt *s = lower_stmt(L, S_SOFTMAX);
            s->mode = SM_LSE;
            s->in = in;
            s->out = out;
            long long rows = 1;
            int batched = n && vars[0] == VAR_BATCH;
            for (int i = batched; i < n; i++) rows *= L->en->vars[vars[i]].range;
            s->rows = (IrExt){rows, batched};
            s->width = L->en->vars[f->reduce_var].range;
            Factor nf = temp_factor(L, out, vars, n);
            nf.power = f->power;
            *f = nf;
        } else {
            int buf = lower_materialize(L, f->arg, vars, n);
            Factor nf = temp_factor(L, buf, vars, n);
            nf.fn = f->fn;
            nf.fparam = f->fparam;
            nf.power = f->power;
            *f = nf;
        }
    }
}

/* Makes factor k a plain temporary in the layout vars (a transposition or
 * the application of its function/power). */
static void relayout(Lower *L, Term *t, int k, const int *vars, int nvars) {
    int buf = product_temp(L, &t->f[k], 1, vars, nvars);
    t->f[k] = temp_factor(L, buf, vars, nvars);
}

static int order_matches(const int *a, int na, const int *b, int nb) {
    if (na != nb) return 0;
    for (int i = 0; i < na; i++)
        if (a[i] != b[i]) return 0;
    return 1;
}

/* Eliminates summed variable x by a GEMM if two factors carry everything
 * that depends on it. Returns 1 if it did. */
static int try_gemm(Lower *L, Term *t, int x) {
    int cand[32], nc = 0;
    for (int k = 0; k < t->nf && nc < 32; k++) {
        int vars[64];
        int n = factor_vars(&t->f[k], vars);
        if (has_var(vars, n, x)) cand[nc++] = k;
    }
    if (nc < 2) return 0;
    int vs[32][64], nv[32];
    for (int i = 0; i < nc; i++) nv[i] = factor_vars(&t->f[cand[i]], vs[i]);
    /* the two widest factors that are not contained in one another */
    int l1 = 0;
    for (int i = 1; i < nc; i++)
        if (nv[i] > nv[l1]) l1 = i;
    int l2 = -1;
    for (int i = 0; i < nc; i++) {
        if (i == l1) continue;
        int inside = 1;
        for (int q = 0; q < nv[i]; q++)
            if (!has_var(vs[l1], nv[l1], vs[i][q])) inside = 0;
        if (!inside && (l2 < 0 || nv[i] > nv[l2])) l2 = i;
    }
    if (l2 < 0) return 0;
    int into[32];
    for (int i = 0; i < nc; i++) {
        if (i == l1 || i == l2) continue;
        int in1 = 1, in2 = 1;
        for (int q = 0; q < nv[i]; q++) {
            if (!has_var(vs[l1], nv[l1], vs[i][q])) in1 = 0;
            if (!has_var(vs[l2], nv[l2], vs[i][q])) in2 = 0;
        }
        if (!in1 && !in2) return 0;
        into[i] = in1 ? l1 : l2;
    }
    /* K: summed variables shared by the pair and used by no other factor */
    int K[64], nK = 0, shared_free = 0;
    for (int q = 0; q < nv[l1]; q++) {
        int v = vs[l1][q];
        if (!has_var(vs[l2], nv[l2], v)) continue;
        int summed = has_var(t->vars, t->nvars, v), elsewhere = 0;
        for (int k = 0; k < t->nf; k++) {
            int isc = 0;
            for (int i = 0; i < nc; i++)
                if (cand[i] == k) isc = 1;
            if (isc) continue;
            int vv[64], n = factor_vars(&t->f[k], vv);
            if (has_var(vv, n, v)) elsewhere = 1;
        }
        for (int g = 0; g < t->nguard; g++)
            for (int a = 0; a < t->guard[g].a.n; a++)
                if (t->guard[g].a.var[a] == v) elsewhere = 1;
        if (summed && !elsewhere) K[nK++] = v;
        else shared_free = 1;
    }
    if (shared_free || !has_var(K, nK, x)) return 0;
    /* the factor that carries the batch comes first, so the result does */
    if (has_var(vs[l2], nv[l2], VAR_BATCH) && !has_var(K, nK, VAR_BATCH)) {
        /* into[] holds candidate numbers, not sides: it stays as it is (it
         * used to be flipped here, which folded a batched factor into the
         * unbatched operand, read outside the batch loop) */
        int tmp = l1;
        l1 = l2;
        l2 = tmp;
    }
    int M[64], nM = 0, N[64], nN = 0;
    for (int q = 0; q < nv[l1]; q++)
        if (!has_var(K, nK, vs[l1][q])) M[nM++] = vs[l1][q];
    for (int q = 0; q < nv[l2]; q++)
        if (!has_var(K, nK, vs[l2][q])) N[nN++] = vs[l2][q];
    /* fold the small factors into their partners, then make both operands
     * plain; an operand whose layout is neither [M K] nor [K M] (or [K N],
     * [N K] in K's order) is copied into [M K] / [K N] */
    for (int side = 0; side < 2; side++) {
        int lx = side ? l2 : l1;
        Factor fs[32];
        int nfs = 0;
        fs[nfs++] = t->f[cand[lx]];
        for (int i = 0; i < nc; i++)
            if (i != l1 && i != l2 && into[i] == lx) fs[nfs++] = t->f[cand[i]];
        int *outer = side ? N : M, nouter = side ? nN : nM;
        int lay[128], nl = 0;
        int curv[64], nv2 = factor_vars(&fs[0], curv);
        int okMK = 0, okKM = 0;
        {
            int mk[128], km[128], n1 = 0, n2 = 0;
            for (int i = 0; i < nouter; i++) mk[n1++] = outer[i];
            for (int i = 0; i < nK; i++) mk[n1++] = K[i];
            for (int i = 0; i < nK; i++) km[n2++] = K[i];
            for (int i = 0; i < nouter; i++) km[n2++] = outer[i];
            okMK = order_matches(curv, nv2, mk, n1);
            okKM = order_matches(curv, nv2, km, n2);
        }
        int need = nfs > 1 || !is_plain(L, &fs[0]) || !(okMK || okKM) ||
                   (has_var(curv, nv2, VAR_BATCH) && curv[0] != VAR_BATCH);
        if (need) {
            /* [outer K], with the batch first when the outer part has it */
            if (side == 0) {
                for (int i = 0; i < nouter; i++) lay[nl++] = outer[i];
                for (int i = 0; i < nK; i++) lay[nl++] = K[i];
            } else {
                for (int i = 0; i < nK; i++) lay[nl++] = K[i];
                for (int i = 0; i < nouter; i++) lay[nl++] = outer[i];
            }
            if (has_var(lay, nl, VAR_BATCH) && lay[0] != VAR_BATCH) {
                /* only possible when the batch is summed (in K): put K first */
                nl = 0;
                for (int i = 0; i < nK; i++) lay[nl++] = K[i];
                for (int i = 0; i < nouter; i++) lay[nl++] = outer[i];
            }
            int buf = product_temp(L, fs, nfs, lay, nl);
            Factor nf = temp_factor(L, buf, lay, nl);
            /* replace: the operand slot gets the product, the folded ones go */
            t->f[cand[lx]] = nf;
            for (int i = nc - 1; i >= 0; i--)
                if (i != l1 && i != l2 && into[i] == lx) t->f[cand[i]].power = 0;
        }
    }
    /* operands and their layouts now */
    Factor A = t->f[cand[l1]], B = t->f[cand[l2]];
    int av[64], bv[64];
    int na = factor_vars(&A, av), nb = factor_vars(&B, bv);
    /* K in A's order must equal K in B's order */
    int ka[64], kb[64], nka = 0, nkb = 0;
    for (int i = 0; i < na; i++)
        if (has_var(K, nK, av[i])) ka[nka++] = av[i];
    for (int i = 0; i < nb; i++)
        if (has_var(K, nK, bv[i])) kb[nkb++] = bv[i];
    if (!order_matches(ka, nka, kb, nkb)) {
        int lay[128], nl = 0;
        for (int i = 0; i < nka; i++) lay[nl++] = ka[i];
        for (int i = 0; i < nb; i++)
            if (!has_var(K, nK, bv[i])) lay[nl++] = bv[i];
        relayout(L, t, cand[l2], lay, nl);
        B = t->f[cand[l2]];
        nb = factor_vars(&B, bv);
    }
    int ta = nM == 0 ? 0 : (has_var(K, nK, av[0]) ? 1 : 0);
    int tb = nN == 0 ? 0 : (has_var(K, nK, bv[0]) ? 0 : 1);
    int Mo[64], No[64], nMo = 0, nNo = 0;
    for (int i = 0; i < na; i++)
        if (!has_var(K, nK, av[i])) Mo[nMo++] = av[i];
    for (int i = 0; i < nb; i++)
        if (!has_var(K, nK, bv[i])) No[nNo++] = bv[i];
    int cv[128], ncv = 0;
    for (int i = 0; i < nMo; i++) cv[ncv++] = Mo[i];
    for (int i = 0; i < nNo; i++) cv[ncv++] = No[i];
    IrStmt g = {.kind = S_GEMM, .a = factor_buf(L, &A), .b = factor_buf(L, &B), .ta = ta, .tb = tb, .alpha = 1, .aux = -1};
    IrStmt *s = &g;
    IrExt m = {1, 0}, n = {1, 0}, k = {1, 0};
    for (int i = 0; i < nMo; i++) {
        if (Mo[i] == VAR_BATCH) m.batch = 1;
        else m.c *= L->en->vars[Mo[i]].range;
    }
    for (int i = 0; i < nNo; i++) {
        if (No[i] == VAR_BATCH) n.batch = 1;
        else n.c *= L->en->vars[No[i]].range;
    }
    for (int i = 0; i < nK; i++) {
        if (K[i] == VAR_BATCH) k.batch = 1;
        else k.c *= L->en->vars[K[i]].range;
    }
    s->m = m;
    s->n = n;
    s->k = k;
    int cbuf = lower_find_same_gemm(L, &g);
    if (cbuf >= 0) {
        if (L->nshared < (int)(sizeof L->shared / sizeof L->shared[0]) && !lower_is_shared(L, cbuf)) L->shared[L->nshared++] = cbuf;
    } else {
        cbuf = new_temp(L, cv, ncv, "gemm");
        g.c = cbuf;
        *lower_stmt(L, S_GEMM) = g;
    }
    /* the term: the pair becomes the product matrix, K is summed */
    int hi = cand[l1] > cand[l2] ? cand[l1] : cand[l2], lo = cand[l1] + cand[l2] - hi;
    t->f[lo] = temp_factor(L, cbuf, cv, ncv);
    t->f[hi].power = 0;
    for (int q = t->nf - 1; q >= 0; q--)
        if (t->f[q].power == 0) remove_factor(t, q);
    int w = 0;
    for (int q = 0; q < t->nvars; q++)
        if (!has_var(K, nK, t->vars[q])) t->vars[w++] = t->vars[q];
    t->nvars = w;
    return 1;
}

static IrStmt *loop_over(Lower *L, const int *vars, int nvars, const Term *t, int *slots);

/* Rough cost of a loop over vars (the batch counted as 100 rows). */
static double loop_cost(Lower *L, const int *vars, int n) {
    double c = 1;
    for (int i = 0; i < n; i++) c *= vars[i] == VAR_BATCH ? 100.0 : (double)L->en->vars[vars[i]].range;
    return c;
}

/* What summing x out of the factors that hold it, on their own, would
 * cost; 0 when it gains nothing (they hold every variable of the term) or
 * cannot be done (x is in a guard or a pending substitution). The factors'
 * variables other than x go to out (the batch first). */
static double reduce_plan(Lower *L, const Term *t, int x, const int *keep, int nkeep, int *out, int *nout) {
    for (int g = 0; g < t->nguard; g++)
        for (int a = 0; a < t->guard[g].a.n; a++)
            if (t->guard[g].a.var[a] == x) return 0;
    if (t->nsub) return 0;
    int U[64], nu = 0, all[64], na = 0, held = 0;
    for (int i = 0; i < nkeep; i++) na = add_unique(all, na, keep[i]);
    for (int i = 0; i < t->nvars; i++) na = add_unique(all, na, t->vars[i]);
    for (int k = 0; k < t->nf; k++) {
        int vv[64], n = factor_vars(&t->f[k], vv);
        for (int i = 0; i < n; i++) na = add_unique(all, na, vv[i]);
        if (!has_var(vv, n, x)) continue;
        held = 1;
        for (int i = 0; i < n; i++) nu = add_unique(U, nu, vv[i]);
    }
    if (!held || nu >= na) return 0;
    *nout = 0;
    if (x != VAR_BATCH && has_var(U, nu, VAR_BATCH)) out[(*nout)++] = VAR_BATCH;
    for (int i = 0; i < nu; i++)
        if (U[i] != x && U[i] != VAR_BATCH) out[(*nout)++] = U[i];
    return loop_cost(L, U, nu);
}

/* Sums x out of the factors that hold it into a temporary over their other
 * variables. The greedy GEMM elimination cannot take a summed variable
 * when one factor holding it contains the others (a matrix-vector product,
 * sum(k) Um[j, k]*um[k], or the weighted batch sum sum(b) x[b, i]*w[b]);
 * left to the term's loop nest, such a term costs the product of all its
 * ranges (784 x 200 x 20 x B for an MLP's weight gradient), reduced first
 * it costs the sum of the pieces. */
static void reduce_var(Lower *L, Term *t, int x, const int *out, int nout) {
    Factor fs[32];
    int nfs = 0, first = -1;
    for (int k = 0; k < t->nf && nfs < 32; k++) {
        int vv[64], n = factor_vars(&t->f[k], vv);
        if (!has_var(vv, n, x)) continue;
        fs[nfs++] = t->f[k];
        if (first < 0) first = k;
        else t->f[k].power = 0;
    }
    int buf = new_temp(L, out, nout, "red");
    lower_stmt(L, S_ZERO)->buf = buf;
    int lv[65], nl = 0;
    for (int i = 0; i < nout; i++) lv[nl++] = out[i];
    lv[nl++] = x;
    int *slots = new_slots(L);
    IrStmt *s = loop_over(L, lv, nl, NULL, slots);
    s->nassign = 1;
    s->assign = ARENA_NEW(L->a, IrAssign);
    s->assign->kind = A_ACCUM;
    s->assign->buf = buf;
    int n = 0;
    for (int i = 0; i < nout; i++) s->assign->idx[n++] = (IrIdx){.n = 1, .var = {slots[out[i]]}, .coef = {1}};
    s->assign->nidx = n;
    Term pt = {.coef = 1, .nf = nfs, .f = fs};
    s->assign->x = term_expr(L, &pt, slots);
    t->f[first] = temp_factor(L, buf, out, nout);
    for (int q = t->nf - 1; q >= 0; q--)
        if (t->f[q].power == 0) remove_factor(t, q);
    int w = 0;
    for (int q = 0; q < t->nvars; q++)
        if (t->vars[q] != x) t->vars[w++] = t->vars[q];
    t->nvars = w;
}

/* Prepares a term for a loop over keep: functions computed, GEMMs emitted,
 * then summed variables that no GEMM takes are reduced on their own where
 * that is cheaper (cheapest first; a reduction may open a new GEMM).
 * Summed variables left over are reduced by the loop. */
static Term plan_term(Lower *L, const Term *src, const int *keep, int nkeep) {
    Term t = term_copy(L->en, src);
    materialize_functions(L, &t, keep, nkeep);
    for (int again = 1; again;) {
        again = 0;
        for (int q = 0; q < t.nvars && !again; q++) again = try_gemm(L, &t, t.vars[q]);
        if (again) continue;
        int best = -1, bout[64], nbout = 0;
        double bcost = 0;
        for (int q = 0; q < t.nvars; q++) {
            int out[64], nout = 0;
            double c = reduce_plan(L, &t, t.vars[q], keep, nkeep, out, &nout);
            if (c > 0 && (best < 0 || c < bcost)) {
                best = t.vars[q];
                bcost = c;
                nbout = nout;
                mem_copy(bout, out, sizeof(int) * (size_t)nout);
            }
        }
        if (best >= 0) {
            reduce_var(L, &t, best, bout, nbout);
            again = 1;
        }
    }
    return t;
}

static int guards_use(const Term *t, int var) {
    for (int g = 0; g < t->nguard; g++)
        for (int a = 0; a < t->guard[g].a.n; a++)
            if (t->guard[g].a.var[a] == var) return 1;
    return 0;
}

/* ---- whole polynomials ------------------------------------------------------------------ */

static IrStmt *loop_over(Lower *L, const int *vars, int nvars, const Term *t, int *slots) {
    IrStmt *s = lower_stmt(L, S_LOOP);
    int n = 0;
    for (int i = 0; i < nvars; i++) {
        slots[vars[i]] = n;
        long long r = L->en->vars[vars[i]].range;
        s->ext[n++] = r < 0 ? (IrExt){1, 1} : (IrExt){r, 0};
    }
    for (int i = 0; t && i < t->nvars; i++) {
        if (slots[t->vars[i]] >= 0) continue;
        slots[t->vars[i]] = n;
        long long r = L->en->vars[t->vars[i]].range;
        s->ext[n++] = r < 0 ? (IrExt){1, 1} : (IrExt){r, 0};
    }
    s->nvars = n;
    return s;
}

static void set_target(IrAssign *as, int buf, const int *vars, int nvars, const int *slots) {
    as->buf = buf;
    as->nidx = nvars;
    for (int i = 0; i < nvars; i++) as->idx[i] = (IrIdx){.n = 1, .var = {slots[vars[i]]}, .coef = {1}};
}

static void add_guards(Lower *L, IrAssign *as, const Term *t, const int *slots) {
    as->nguard = t->nguard;
    as->guard = ARENA_ARRAY(L->a, IrGuard, t->nguard + 1);
    for (int g = 0; g < t->nguard; g++) {
        as->guard[g].idx = map_affine(&t->guard[g].a, slots);
        as->guard[g].lo = t->guard[g].lo;
        as->guard[g].hi = t->guard[g].hi;
    }
}

void lower_into(Lower *L, const Poly *P, int buf, const int *vars, int nvars, int accumulate) {
    int pending_zero = !accumulate;
    Term *planned = ARENA_ARRAY(L->a, Term, P->n + 1);
    for (int i = 0; i < P->n; i++) planned[i] = plan_term(L, &P->t[i], vars, nvars);
    /* terms that are a GEMM result in buf's layout: the GEMM writes buf */
    int *done = ARENA_ARRAY(L->a, int, P->n + 1);
    for (int i = 0; i < P->n; i++) {
        Term *t = &planned[i];
        if (t->nf != 1 || t->nvars || t->nguard || !t->f[0].temp || t->f[0].power != 1 || t->f[0].fn != FN_NONE)
            continue;
        /* a GEMM result another term reads too stays where it is */
        if (lower_is_shared(L, t->f[0].temp->buf)) continue;
        int tv[64], n = factor_vars(&t->f[0], tv);
        if (!order_matches(tv, n, vars, nvars)) continue;
        /* find the GEMM that produced the temporary */
        for (int s = L->k->nstmts - 1; s >= 0; s--) {
            IrStmt *st = &L->k->stmts[s];
            if (st->kind == S_GEMM && st->c == t->f[0].temp->buf) {
                st->c = buf;
                st->alpha = t->coef;
                /* planning wrote only temporaries, so this is buf's first
                 * writer when nothing was accumulated before */
                st->beta = pending_zero ? 0 : 1;
                pending_zero = 0;
                done[i] = 1;
                break;
            }
        }
    }
    /* terms with summed variables left: a reduction loop each, over only the
     * output variables the term uses (the batch, for a term of parameters
     * alone, is not one: the sum is made once and added to every row) */
    for (int i = 0; i < P->n; i++) {
        Term *t = &planned[i];
        if (done[i] || !t->nvars) continue;
        int used[IR_MAX_DIMS + 2], nu = 0;
        for (int k = 0; k < nvars; k++) {
            int u = guards_use(t, vars[k]);
            for (int f = 0; f < t->nf && !u; f++) {
                int fv[64], n = factor_vars(&t->f[f], fv);
                u = has_var(fv, n, vars[k]);
            }
            if (u) used[nu++] = vars[k];
        }
        if (nu < nvars) {
            int tb = new_temp(L, used, nu, "part");
            lower_stmt(L, S_ZERO)->buf = tb;
            int *slots = new_slots(L);
            IrStmt *s = loop_over(L, used, nu, t, slots);
            s->nassign = 1;
            s->assign = ARENA_NEW(L->a, IrAssign);
            s->assign->kind = A_ACCUM;
            set_target(s->assign, tb, used, nu, slots);
            add_guards(L, s->assign, t, slots);
            s->assign->x = term_expr(L, t, slots);
            Term nt = {.coef = 1, .nf = 1};
            nt.f = ARENA_NEW(L->a, Factor);
            *nt.f = temp_factor(L, tb, used, nu);
            *t = nt;
            continue;   /* now elementwise: the final pass broadcasts it */
        }
        if (pending_zero) {
            lower_stmt(L, S_ZERO)->buf = buf;
            pending_zero = 0;
        }
        int *slots = new_slots(L);
        IrStmt *s = loop_over(L, vars, nvars, t, slots);
        s->nassign = 1;
        s->assign = ARENA_NEW(L->a, IrAssign);
        s->assign->kind = A_ACCUM;
        set_target(s->assign, buf, vars, nvars, slots);
        add_guards(L, s->assign, t, slots);
        s->assign->x = term_expr(L, t, slots);
        done[i] = 1;
    }
    /* the rest: one elementwise pass */
    int any = 0, guarded = 0;
    for (int i = 0; i < P->n; i++)
        if (!done[i]) {
            any = 1;
            guarded |= planned[i].nguard > 0;
        }
    if (any) {
        if (pending_zero && guarded) {
            lower_stmt(L, S_ZERO)->buf = buf;
            pending_zero = 0;
        }
        int *slots = new_slots(L);
        IrStmt *s = loop_over(L, vars, nvars, NULL, slots);
        int cap = 0;
        IrX *sum = NULL;
        for (int i = 0; i < P->n; i++) {
            Term *t = &planned[i];
            if (done[i]) continue;
            if (!t->nguard) {
                IrX *x = term_expr(L, t, slots);
                sum = sum ? ir_op(L, X_ADD, sum, x) : x;
                continue;
            }
            IrAssign *as = arena_grow(L->a, &s->assign, &s->nassign, &cap, sizeof(IrAssign));
            memset(as, 0, sizeof *as);
            as->kind = A_ACCUM;
            set_target(as, buf, vars, nvars, slots);
            add_guards(L, as, t, slots);
            as->x = term_expr(L, t, slots);
            s->nassign++;
        }
        if (sum) {
            IrAssign *as = arena_grow(L->a, &s->assign, &s->nassign, &cap, sizeof(IrAssign));
            memset(as, 0, sizeof *as);
            as->kind = pending_zero ? A_STORE : A_ACCUM;
            set_target(as, buf, vars, nvars, slots);
            as->x = sum;
            s->nassign++;
            pending_zero = 0;
        }
    }
    if (pending_zero) lower_stmt(L, S_ZERO)->buf = buf;
}

IrX *lower_value(Lower *L, const Poly *P, const int *vars, int nvars, const int *slots) {
    /* terms with sums go through one temporary; the others are inlined */
    Poly *summed = poly_new(L->en);
    IrX *sum = NULL;
    for (int i = 0; i < P->n; i++) {
        if (P->t[i].nvars || P->t[i].nguard) {
            poly_push(L->en, summed, P->t[i]);
            continue;
        }
        Term t = plan_term(L, &P->t[i], vars, nvars);
        IrX *x = term_expr(L, &t, slots);
        sum = sum ? ir_op(L, X_ADD, sum, x) : x;
    }
    if (summed->n) {
        int buf = lower_materialize(L, summed, vars, nvars);
        int sl[IR_MAX_DIMS + 2] = {0};
        for (int i = 0; i < nvars; i++) sl[i] = slots[vars[i]];
        IrX *x = ir_load_slots(L, buf, sl, nvars);
        sum = sum ? ir_op(L, X_ADD, x, sum) : x;
    }
    return sum ? sum : ir_const(L, 0);
}

Poly *lower_weighted(Lower *L, const Poly *P, int wbuf) {
    Poly *r = poly_new(L->en);
    for (int i = 0; i < P->n; i++) {
        Term t = term_copy(L->en, &P->t[i]);
        Factor *f = ARENA_ARRAY(L->a, Factor, t.nf + 1);
        mem_copy(f, t.f, sizeof(Factor) * (size_t)t.nf);
        f[t.nf] = temp_factor(L, wbuf, (int[]){VAR_BATCH}, 1);
        t.f = f;
        t.nf++;
        int *v = ARENA_ARRAY(L->a, int, t.nvars + 1);
        mem_copy(v, t.vars, sizeof(int) * (size_t)t.nvars);
        v[t.nvars++] = VAR_BATCH;
        t.vars = v;
        poly_push(L->en, r, t);
    }
    return r;
}
