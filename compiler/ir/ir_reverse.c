/* ir_reverse.c — reverse-mode differentiation of a kernel (see ir_reverse.h).
 *
 * The forward kernel (the loss's) is read as a straight-line program over
 * buffers. Each buffer is written before it is read and never after
 * (checked: otherwise the kernel is refused and the caller keeps the
 * symbolic gradient), so a buffer is one value and its adjoint is one
 * buffer of the same shape. The gradient kernel is
 *   1. the forward statements that the reverse pass reads (the rest, such
 *      as the loss rows themselves, are dropped);
 *   2. the adjoint temporaries set to zero;
 *   3. the forward statements in reverse order, each turned into the
 *      statements that add its operands' adjoints:
 *        C = a op(A) op(B) + b C   dA += a dC op(B)^T,  dB += a op(A)^T dC
 *                                  (GEMMs, transposed as op() requires)
 *        loop: y[i] (+)= f(x[j], ...)
 *                                  one loop over the same nest, adding
 *                                  dy[i] * df/dx to dx[j] for every buffer
 *                                  read (a sum over a variable y does not
 *                                  index becomes a broadcast, and the other
 *                                  way round); f' inlined, or read from y
 *                                  when y = tanh / sigmoid / exp of its
 *                                  argument
 *        y[r] = lse(x[r, :])       dx[r, k] += dy[r] exp(x[r, k] - y[r])
 * The adjoint of a parameter is its gradient buffer (accumulated, as every
 * gradient kernel does), and the adjoint of the output rows is the weight
 * buffer: the kernel computes sum_b w[b] dL_b/dparam. */
#include "ir_reverse.h"

#include "ir_fuse.h"

#include <stdlib.h>
#include <string.h>

typedef struct Rev {
    Lower *L;
    const IrProgram *p;
    const IrKernel *fwd;
    int nbufs;
    int *active;       /* depends on a parameter */
    int *useful;       /* active and reaches the output */
    int *adj;          /* adjoint buffer, or -1 */
    int out;
} Rev;

/* ---- expressions ------------------------------------------------------------ */

static int load_eq(const IrX *a, const IrX *b) {
    return a->op == X_LOAD && b->op == X_LOAD && a->buf == b->buf && a->nidx == b->nidx &&
           ir_idx_same(a->idx, b->idx, a->nidx);
}

/* the expression with its locals replaced by what they hold */
static IrX *inline_locals(Lower *L, const IrX *x, IrX **locals) {
    if (!x) return NULL;
    if (x->op == X_LOCAL) return locals[x->local];
    if (x->op == X_CONST || x->op == X_LOAD || x->op == X_UNIFORM || x->op == X_NORMAL) return (IrX *)x;
    IrX *y = ARENA_NEW(L->a, IrX);
    *y = *x;
    y->a = inline_locals(L, x->a, locals);
    y->b = inline_locals(L, x->b, locals);
    y->s = inline_locals(L, x->s, locals);
    return y;
}

/* the locals a nest has assigned before assignment i, inlined */
static void local_table(Lower *L, const IrStmt *st, int i, IrX **locals) {
    for (int j = 0; j < i; j++)
        if (st->assign[j].kind == A_LOCAL && st->assign[j].local < 64)
            locals[st->assign[j].local] = inline_locals(L, st->assign[j].x, locals);
}

static int is_const(const IrX *x, double c) { return x && x->op == X_CONST && x->c == c; }

/* constructors that fold the zeros (NULL) and ones of derivatives */
static IrX *mul(Lower *L, IrX *a, IrX *b) {
    if (!a || !b || is_const(a, 0) || is_const(b, 0)) return NULL;
    if (is_const(a, 1)) return b;
    if (is_const(b, 1)) return a;
    if (a->op == X_CONST && b->op == X_CONST) return ir_const(L, a->c * b->c);
    return ir_op(L, X_MUL, a, b);
}

static IrX *add(Lower *L, IrX *a, IrX *b) {
    if (!a) return b;
    if (!b) return a;
    return ir_op(L, X_ADD, a, b);
}

static IrX *neg(Lower *L, IrX *a) {
    if (!a) return NULL;
    if (a->op == X_CONST) return ir_const(L, -a->c);
    return ir_op(L, X_NEG, a, NULL);
}

static IrX *powi(Lower *L, IrX *a, int n) {
    if (n == 0) return ir_const(L, 1);
    if (n == 1) return a;
    IrX *x = ir_op(L, X_POWI, a, NULL);
    x->c = n;
    return x;
}

/* f'(a) for y = f(a); y (may be NULL) holds f(a) when it is stored */
static IrX *fn_deriv(Lower *L, const IrX *x, IrX *y) {
    IrX *a = x->a;
    switch (x->fn) {
    case F_EXP: return y ? y : (IrX *)x;
    case F_LOG: return ir_op(L, X_DIV, ir_const(L, 1), a);
    case F_SOFTPLUS: return ir_fn(L, F_SIGMOID, a);
    case F_SIGMOID: {
        IrX *s = y ? y : (IrX *)x;
        return ir_op(L, X_MUL, s, ir_op(L, X_SUB, ir_const(L, 1), s));
    }
    case F_ABS: return ir_fn(L, F_SIGN, a);
    case F_SQRT: return ir_op(L, X_DIV, ir_const(L, 0.5), y ? y : (IrX *)x);
    case F_TANH: return ir_op(L, X_SUB, ir_const(L, 1), powi(L, y ? y : (IrX *)x, 2));
    case F_LOG1P: return ir_op(L, X_DIV, ir_const(L, 1), ir_op(L, X_ADD, ir_const(L, 1), a));
    case F_LOGCOSH: return ir_fn(L, F_TANH, a);
    case F_SIGN: return NULL;
    case F_POW: {
        IrX *p = ir_fn(L, F_POW, a);
        p->c = x->c - 1;
        return mul(L, ir_const(L, x->c), p);
    }
    default: return NULL;
    }
}

/* d x / d wrt (a load; every occurrence of it counts); NULL for zero.
 * y: the stored value of the whole expression (top level only). */
static IrX *deriv(Lower *L, const IrX *x, const IrX *wrt, IrX *y) {
    switch (x->op) {
    case X_CONST: case X_UNIFORM: case X_NORMAL: case X_LT: case X_LOCAL: return NULL;
    case X_LOAD: return load_eq(x, wrt) ? ir_const(L, 1) : NULL;
    case X_ADD: return add(L, deriv(L, x->a, wrt, NULL), deriv(L, x->b, wrt, NULL));
    case X_SUB: return add(L, deriv(L, x->a, wrt, NULL), neg(L, deriv(L, x->b, wrt, NULL)));
    case X_NEG: return neg(L, deriv(L, x->a, wrt, NULL));
    case X_MUL: return add(L, mul(L, deriv(L, x->a, wrt, NULL), x->b), mul(L, x->a, deriv(L, x->b, wrt, NULL)));
    case X_DIV: {
        IrX *da = deriv(L, x->a, wrt, NULL), *db = deriv(L, x->b, wrt, NULL);
        IrX *r = da ? ir_op(L, X_DIV, da, x->b) : NULL;
        if (db) r = add(L, r, neg(L, mul(L, db, ir_op(L, X_DIV, x->a, powi(L, x->b, 2)))));
        return r;
    }
    case X_POWI: {
        int n = (int)x->c;
        return mul(L, mul(L, ir_const(L, n), powi(L, x->a, n - 1)), deriv(L, x->a, wrt, NULL));
    }
    case X_FN: {
        IrX *da = deriv(L, x->a, wrt, NULL);
        return da ? mul(L, fn_deriv(L, x, y), da) : NULL;
    }
    case X_MAX: case X_SELECT: {
        IrX *da = deriv(L, x->a, wrt, NULL), *db = deriv(L, x->b, wrt, NULL);
        if (!da && !db) return NULL;
        IrX *s = ir_op(L, X_SELECT, da ? da : ir_const(L, 0), db ? db : ir_const(L, 0));
        s->s = x->op == X_SELECT ? x->s : ir_op(L, X_LT, x->b, x->a);
        return s;
    }
    }
    return NULL;
}

/* ---- reading the forward kernel ---------------------------------------------- */

typedef void (*Visit)(Rev *r, int buf, void *ctx);

static void x_loads(Rev *r, const IrX *x, Visit f, void *ctx) {
    if (!x) return;
    if (x->op == X_LOAD) f(r, x->buf, ctx);
    x_loads(r, x->a, f, ctx);
    x_loads(r, x->b, f, ctx);
    x_loads(r, x->s, f, ctx);
}

static int x_draws(const IrX *x) {
    if (!x) return 0;
    if (x->op == X_UNIFORM || x->op == X_NORMAL) return 1;
    return x_draws(x->a) || x_draws(x->b) || x_draws(x->s);
}

/* The softmax statements reverse mode understands: a log-sum-exp over the
 * last axis of a [B, n] buffer into rows [B]. */
static int lse_ok(const IrProgram *p, const IrStmt *st) {
    const IrBuf *in = &p->bufs[st->in], *out = &p->bufs[st->out];
    return st->mode == SM_LSE && in->batched && in->ndim == 1 && in->dims[0] == st->width && out->batched &&
           out->ndim == 0 && st->rows.batch && st->rows.c == 1 && st->aux < 0;
}

typedef struct Order {
    int *first_read, *last_write, *overwrites;
    int pos;
} Order;

static void note_read(Rev *r, int buf, void *ctx) {
    Order *o = ctx;
    (void)r;
    if (o->first_read[buf] < 0) o->first_read[buf] = o->pos;
}

static void note_write(Order *o, int buf, int overwrite) {
    o->last_write[buf] = o->pos;
    if (overwrite) o->overwrites[buf]++;
}

/* Every buffer written before it is first read, overwritten (a store, a
 * GEMM with beta 0) at most once and before its accumulations; nothing
 * reverse mode cannot differentiate. */
static int readable(Rev *r) {
    const IrKernel *k = r->fwd;
    Order o = {ARENA_ARRAY(r->L->a, int, r->nbufs), ARENA_ARRAY(r->L->a, int, r->nbufs),
               ARENA_ARRAY(r->L->a, int, r->nbufs), 0};
    int *acc_at = ARENA_ARRAY(r->L->a, int, r->nbufs);
    for (int b = 0; b < r->nbufs; b++) o.first_read[b] = o.last_write[b] = acc_at[b] = -1;
    for (int s = 0; s < k->nstmts; s++) {
        const IrStmt *st = &k->stmts[s];
        switch (st->kind) {
        case S_ZERO:
            o.pos++;
            if (o.last_write[st->buf] >= 0) return 0;
            note_write(&o, st->buf, 0);
            break;
        case S_GEMM:
            o.pos++;
            note_read(r, st->a, &o);
            note_read(r, st->b, &o);
            if (st->beta != 0 && st->beta != 1) return 0;
            if (st->beta == 0 && acc_at[st->c] >= 0) return 0;
            if (st->beta == 1 && acc_at[st->c] < 0) acc_at[st->c] = o.pos;
            note_write(&o, st->c, st->beta == 0);
            break;
        case S_SOFTMAX:
            o.pos++;
            if (!lse_ok(r->p, st)) return 0;
            note_read(r, st->in, &o);
            note_write(&o, st->out, 1);
            break;
        case S_LOOP:
            for (int i = 0; i < st->nassign; i++) {
                const IrAssign *as = &st->assign[i];
                o.pos++;
                if (x_draws(as->x)) return 0;
                x_loads(r, as->x, note_read, &o);
                if (as->kind == A_LOCAL) continue;
                if (as->kind == A_STORE && acc_at[as->buf] >= 0) return 0;
                if (as->kind == A_ACCUM && acc_at[as->buf] < 0) acc_at[as->buf] = o.pos;
                note_write(&o, as->buf, as->kind == A_STORE);
            }
            break;
        default: return 0;
        }
    }
    for (int b = 0; b < r->nbufs; b++) {
        if (o.overwrites[b] > 1) return 0;
        if (o.first_read[b] >= 0 && o.last_write[b] >= o.first_read[b]) return 0;
        if (r->p->bufs[b].kind == BUF_PARAM && o.last_write[b] >= 0) return 0;
    }
    return o.first_read[r->out] < 0;
}

static void mark_if_active(Rev *r, int buf, void *ctx) {
    if (r->active[buf]) *(int *)ctx = 1;
}

static void mark_useful(Rev *r, int buf, void *ctx) {
    (void)ctx;
    if (r->active[buf]) r->useful[buf] = 1;
}

static void flow(Rev *r) {
    const IrKernel *k = r->fwd;
    for (int b = 0; b < r->nbufs; b++) r->active[b] = r->p->bufs[b].kind == BUF_PARAM;
    for (int s = 0; s < k->nstmts; s++) {
        const IrStmt *st = &k->stmts[s];
        if (st->kind == S_GEMM && (r->active[st->a] || r->active[st->b])) r->active[st->c] = 1;
        if (st->kind == S_SOFTMAX && r->active[st->in]) r->active[st->out] = 1;
        /* a local is active when what it holds is: inline and look */
        for (int i = 0; st->kind == S_LOOP && i < st->nassign; i++) {
            const IrAssign *as = &st->assign[i];
            if (as->kind == A_LOCAL) continue;
            IrX *locals[64] = {0};
            local_table(r->L, st, i, locals);
            IrX *full = inline_locals(r->L, as->x, locals);
            int act = 0;
            x_loads(r, full, mark_if_active, &act);
            if (act) r->active[as->buf] = 1;
        }
    }
    r->useful[r->out] = r->active[r->out];
    for (int s = k->nstmts - 1; s >= 0; s--) {
        const IrStmt *st = &k->stmts[s];
        if (st->kind == S_GEMM && r->useful[st->c]) {
            mark_useful(r, st->a, NULL);
            mark_useful(r, st->b, NULL);
        }
        if (st->kind == S_SOFTMAX && r->useful[st->out]) mark_useful(r, st->in, NULL);
        for (int i = 0; st->kind == S_LOOP && i < st->nassign; i++) {
            /* locals: every load of the nest may feed a useful target */
            int any = 0;
            for (int j = 0; j < st->nassign; j++)
                if (st->assign[j].kind != A_LOCAL && r->useful[st->assign[j].buf]) any = 1;
            if (any) x_loads(r, st->assign[i].x, mark_useful, NULL);
        }
    }
}

/* ---- the reverse statements -------------------------------------------------- */

/* alpha: f's, or another GEMM's of the same product whose adjoint dc is */
static void reverse_gemm(Rev *r, const IrStmt *f, int dc, double alpha) {
    if (dc < 0) return;
    /* C[M,N] = alpha opA[M,K] opB[K,N] */
    if (r->adj[f->a] >= 0) {
        IrStmt *g = lower_stmt(r->L, S_GEMM);
        g->alpha = alpha;
        g->beta = 1;
        g->c = r->adj[f->a];
        if (!f->ta) {   /* dA[M,K] = dC opB^T */
            g->a = dc, g->ta = 0, g->b = f->b, g->tb = !f->tb;
            g->m = f->m, g->n = f->k, g->k = f->n;
        } else {        /* dA[K,M] = opB dC^T */
            g->a = f->b, g->ta = f->tb, g->b = dc, g->tb = 1;
            g->m = f->k, g->n = f->m, g->k = f->n;
        }
    }
    if (r->adj[f->b] >= 0) {
        IrStmt *g = lower_stmt(r->L, S_GEMM);
        g->alpha = alpha;
        g->beta = 1;
        g->c = r->adj[f->b];
        if (!f->tb) {   /* dB[K,N] = opA^T dC */
            g->a = f->a, g->ta = !f->ta, g->b = dc, g->tb = 0;
            g->m = f->k, g->n = f->n, g->k = f->m;
        } else {        /* dB[N,K] = dC^T opA */
            g->a = dc, g->ta = 1, g->b = f->a, g->tb = f->ta;
            g->m = f->n, g->n = f->k, g->k = f->m;
        }
    }
}

static void reverse_lse(Rev *r, const IrStmt *f) {
    int dy = r->adj[f->out], dx = r->adj[f->in];
    if (dy < 0 || dx < 0) return;
    Lower *L = r->L;
    IrStmt *s = lower_stmt(L, S_LOOP);
    s->nvars = 2;
    s->ext[0] = (IrExt){1, 1};
    s->ext[1] = (IrExt){f->width, 0};
    int v2[2] = {0, 1};
    IrX *x = ir_load_slots(L, f->in, v2, 2), *y = ir_load_slots(L, f->out, v2, 1);
    IrX *g = ir_load_slots(L, dy, v2, 1);
    IrAssign *as = ARENA_NEW(L->a, IrAssign);
    as->kind = A_ACCUM;
    as->buf = dx;
    as->nidx = 2;
    as->idx[0] = x->idx[0];
    as->idx[1] = x->idx[1];
    as->x = ir_op(L, X_MUL, g, ir_fn(L, F_EXP, ir_op(L, X_SUB, x, y)));
    s->assign = as;
    s->nassign = 1;
}

static int ext_eq(IrExt a, IrExt b) { return a.c == b.c && a.batch == b.batch; }

/* An earlier GEMM of the forward kernel that computes the same product
 * into a buffer of the same shape, perhaps scaled (the loss's expansion
 * repeats some: softplus(a) and x*a both hold W.h; exp(2*ls) next to ls
 * holds 2 e.Us), or -1. Its operands are final by then: the forward sweep
 * copies the earlier result (times the ratio of the alphas), and the
 * reverse sweep takes dA and dB from the sum of both adjoints, one pair of
 * GEMMs instead of two. */
static int same_gemm_before(const Rev *r, int s) {
    const IrStmt *g = &r->fwd->stmts[s];
    if (g->beta != 0) return -1;
    const IrBuf *c = &r->p->bufs[g->c];
    for (int t = s - 1; t >= 0; t--) {
        const IrStmt *h = &r->fwd->stmts[t];
        if (h->kind != S_GEMM || h->beta != 0 || h->a != g->a || h->b != g->b || h->ta != g->ta || h->tb != g->tb ||
            h->alpha == 0 || g->alpha == 0 || !ext_eq(h->m, g->m) || !ext_eq(h->n, g->n) || !ext_eq(h->k, g->k))
            continue;
        const IrBuf *d = &r->p->bufs[h->c];
        if (d->batched != c->batched || d->ndim != c->ndim || memcmp(d->dims, c->dims, sizeof(long long) * (size_t)c->ndim))
            continue;
        return t;
    }
    return -1;
}

/* dst (+)= scale * src over a whole buffer */
static void add_buffer(Rev *r, int dst, int src, AssignKind kind, double scale) {
    const IrBuf *b = &r->p->bufs[dst];
    IrStmt *s = lower_stmt(r->L, S_LOOP);
    int slots[IR_MAX_DIMS + 1], n = 0;
    if (b->batched) s->ext[n] = (IrExt){1, 1}, slots[n] = n, n++;
    for (int d = 0; d < b->ndim; d++) s->ext[n] = (IrExt){b->dims[d], 0}, slots[n] = n, n++;
    s->nvars = n;
    IrAssign *as = ARENA_NEW(r->L->a, IrAssign);
    as->kind = kind;
    as->buf = dst;
    as->nidx = n;
    as->x = ir_load_slots(r->L, src, slots, n);
    mem_copy(as->idx, as->x->idx, sizeof(IrIdx) * (size_t)n);
    if (scale != 1) as->x = ir_op(r->L, X_MUL, ir_const(r->L, scale), as->x);
    s->assign = as;
    s->nassign = 1;
}

typedef struct Pending {
    IrAssign *as;
    int n, cap;
} Pending;

static void push(Lower *L, Pending *p, IrAssign a) {
    *(IrAssign *)arena_grow(L->a, &p->as, &p->n, &p->cap, sizeof(IrAssign)) = a;
    p->n++;
}

static void collect_loads(const IrX *x, const IrX **out, int *n, int cap, const int *adj) {
    if (!x) return;
    if (x->op == X_LOAD && adj[x->buf] >= 0) {
        for (int i = 0; i < *n; i++)
            if (load_eq(out[i], x)) return;
        if (*n < cap) out[(*n)++] = x;
        return;
    }
    collect_loads(x->a, out, n, cap, adj);
    collect_loads(x->b, out, n, cap, adj);
    collect_loads(x->s, out, n, cap, adj);
}

/* the adjoint assignments of assignment i of a loop */
static void reverse_assign(Rev *r, const IrStmt *f, int i, Pending *out) {
    Lower *L = r->L;
    const IrAssign *as = &f->assign[i];
    if (as->kind == A_LOCAL || r->adj[as->buf] < 0) return;
    IrX *locals[64] = {0};
    local_table(L, f, i, locals);
    IrX *x = inline_locals(L, as->x, locals);
    IrX *g = ARENA_NEW(L->a, IrX);
    g->op = X_LOAD;
    g->buf = r->adj[as->buf];
    g->nidx = as->nidx;
    mem_copy(g->idx, as->idx, sizeof(IrIdx) * (size_t)as->nidx);
    /* y = tanh(a), sigmoid(a), exp(a) stored: the derivative reads y */
    IrX *y = NULL;
    if (as->kind == A_STORE && x->op == X_FN && (x->fn == F_TANH || x->fn == F_SIGMOID || x->fn == F_EXP || x->fn == F_SQRT)) {
        y = ARENA_NEW(L->a, IrX);
        *y = *g;
        y->buf = as->buf;
    }
    const IrX *loads[64];
    int n = 0;
    collect_loads(x, loads, &n, 64, r->adj);
    for (int k = 0; k < n; k++) {
        IrX *d = deriv(L, x, loads[k], y);
        if (!d) continue;
        IrAssign a = {.kind = A_ACCUM, .buf = r->adj[loads[k]->buf], .nidx = loads[k]->nidx, .x = mul(L, g, d),
                      .nguard = as->nguard, .guard = as->guard};
        mem_copy(a.idx, loads[k]->idx, sizeof(IrIdx) * (size_t)a.nidx);
        push(L, out, a);
    }
}

static void emit_loop(Rev *r, const IrStmt *f, Pending *p) {
    if (!p->n) return;
    IrStmt *s = lower_stmt(r->L, S_LOOP);
    s->nvars = f->nvars;
    mem_copy(s->ext, f->ext, sizeof s->ext);
    s->assign = p->as;
    s->nassign = p->n;
    *p = (Pending){0};
}

static int reads_buf(const IrX *x, int buf) {
    if (!x) return 0;
    if (x->op == X_LOAD && x->buf == buf) return 1;
    return reads_buf(x->a, buf) || reads_buf(x->b, buf) || reads_buf(x->s, buf);
}

static void reverse_loop(Rev *r, const IrStmt *f) {
    /* one loop for the whole nest, unless an assignment reads what another
     * of the nest writes: then its adjoint must be complete first */
    int fuse = 1;
    for (int i = 0; i < f->nassign && fuse; i++)
        for (int j = 0; j < f->nassign && fuse; j++)
            if (f->assign[j].kind != A_LOCAL && reads_buf(f->assign[i].x, f->assign[j].buf)) fuse = 0;
    Pending p = {0};
    for (int i = f->nassign - 1; i >= 0; i--) {
        reverse_assign(r, f, i, &p);
        if (!fuse) emit_loop(r, f, &p);
    }
    emit_loop(r, f, &p);
}

/* ---- keeping what the reverse pass reads --------------------------------------- */

static void need(Rev *r, int buf, void *ctx) {
    (void)r;
    ((int *)ctx)[buf] = 1;
}

static void stmt_reads(Rev *r, const IrStmt *st, int *needed) {
    switch (st->kind) {
    case S_GEMM:
        needed[st->a] = needed[st->b] = 1;
        if (st->beta != 0) needed[st->c] = 1;
        break;
    case S_SOFTMAX: needed[st->in] = 1; break;
    case S_LOOP:
        for (int i = 0; i < st->nassign; i++) {
            x_loads(r, st->assign[i].x, need, needed);
            if (st->assign[i].kind == A_ACCUM) needed[st->assign[i].buf] = 1;
        }
        break;
    default: break;
    }
}

/* The forward statements (copied to the front of the kernel) that write
 * what a later kept statement reads; loops keep only those assignments. */
static void keep_forward(Rev *r, int nfwd) {
    IrKernel *k = r->L->k;
    int *needed = ARENA_ARRAY(r->L->a, int, r->L->p->nbufs);
    char *keep = ARENA_ARRAY(r->L->a, char, nfwd + 1);
    for (int s = nfwd; s < k->nstmts; s++) stmt_reads(r, &k->stmts[s], needed);
    needed[r->out] = 1;   /* the loss rows too: the caller need not run the loss kernel */
    for (int s = nfwd - 1; s >= 0; s--) {
        IrStmt *st = &k->stmts[s];
        switch (st->kind) {
        case S_ZERO: keep[s] = needed[st->buf]; break;
        case S_GEMM: keep[s] = needed[st->c]; break;
        case S_SOFTMAX: keep[s] = needed[st->out]; break;
        case S_LOOP: {
            IrAssign *as = ARENA_ARRAY(r->L->a, IrAssign, st->nassign);
            int n = 0, stores = 0;
            for (int i = 0; i < st->nassign; i++)
                if (st->assign[i].kind == A_LOCAL || needed[st->assign[i].buf]) {
                    as[n++] = st->assign[i];
                    stores += st->assign[i].kind != A_LOCAL;
                }
            keep[s] = stores > 0;
            st->assign = as;
            st->nassign = n;
            break;
        }
        default: keep[s] = 1; break;
        }
        if (keep[s]) stmt_reads(r, st, needed);
    }
    int n = 0;
    for (int s = 0; s < k->nstmts; s++)
        if (s >= nfwd || keep[s]) k->stmts[n++] = k->stmts[s];
    k->nstmts = n;
}

/* floats per row and fixed floats of the temporaries a kernel touches */
static void footprint(const IrProgram *p, const IrKernel *k, const int *only, long long *row, long long *fixed) {
    char *seen = calloc((size_t)p->nbufs + 1, 1);
    if (!seen) abort();
    *row = *fixed = 0;
    for (int s = 0; s < k->nstmts; s++) {
        const IrStmt *st = &k->stmts[s];
        int bufs[2 + 64], n = 0;
        if (st->kind == S_GEMM || st->kind == S_ZERO) bufs[n++] = st->kind == S_GEMM ? st->c : st->buf;
        if (st->kind == S_SOFTMAX) bufs[n++] = st->out;
        for (int i = 0; st->kind == S_LOOP && i < st->nassign && n < 64; i++)
            if (st->assign[i].kind != A_LOCAL) bufs[n++] = st->assign[i].buf;
        for (int i = 0; i < n; i++) {
            const IrBuf *b = &p->bufs[bufs[i]];
            if (b->kind != BUF_TEMP || seen[bufs[i]] || only[bufs[i]] != 1) continue;
            seen[bufs[i]] = 1;
            if (b->batched) *row += b->size;
            else *fixed += b->size;
        }
    }
    free(seen);
}

static void emit_forward(Rev *r, const int *root) {
    const IrKernel *f = r->fwd;
    for (int s = 0; s < f->nstmts; s++) {
        if (root[s] != s) continue;
        *lower_stmt(r->L, S_ZERO) = f->stmts[s];
        for (int u = s + 1; u < f->nstmts; u++)
            if (root[u] == s) add_buffer(r, f->stmts[u].c, f->stmts[s].c, A_STORE, f->stmts[u].alpha / f->stmts[s].alpha);
    }
}

int ir_reverse(Lower *L, int fwd, int out_buf, int seed_buf, const char *name) {
    Rev r = {.L = L, .p = L->p, .fwd = &L->p->kernels[fwd], .nbufs = L->p->nbufs, .out = out_buf};
    r.active = ARENA_ARRAY(L->a, int, r.nbufs);
    r.useful = ARENA_ARRAY(L->a, int, r.nbufs);
    r.adj = ARENA_ARRAY(L->a, int, r.nbufs);
    if (!readable(&r)) return -1;
    flow(&r);
    if (!r.useful[out_buf]) return -1;
    int nfwd = r.fwd->nstmts;
    for (int b = 0; b < r.nbufs; b++) {
        BufKind kind = L->p->bufs[b].kind;
        if (r.useful[b] && b != out_buf && kind != BUF_PARAM && kind != BUF_TEMP) return -1;
    }
    for (int b = 0; b < r.nbufs; b++) {
        r.adj[b] = -1;
        if (!r.useful[b]) continue;
        const IrBuf *src = &L->p->bufs[b];
        if (b == out_buf) r.adj[b] = seed_buf;
        else if (src->kind == BUF_PARAM) r.adj[b] = ir_find_buf(L->p, BUF_GRAD, src->ref);
        else {
            IrBuf a = *src;
            a.name = arena_printf(L->a, "adj_%s", src->name);
            r.adj[b] = lower_add_buf(L, a);
        }
    }
    /* the forward sweep; a GEMM that repeats an earlier one is a copy of
     * its result, made before that result is added to. The loss kernel
     * itself becomes that sweep too (what its rows need of it). */
    IrKernel orig = L->p->kernels[fwd];
    r.fwd = &orig;
    int *root = ARENA_ARRAY(L->a, int, nfwd + 1);
    for (int s = 0; s < nfwd; s++) {
        int t = orig.stmts[s].kind == S_GEMM ? same_gemm_before(&r, s) : -1;
        root[s] = t >= 0 ? root[t] : s;
    }
    IrKernel *lk = &L->p->kernels[fwd];
    L->k = lk;
    lk->stmts = NULL;
    lk->nstmts = 0;
    L->capstmts = 0;
    emit_forward(&r, root);
    keep_forward(&r, lk->nstmts);
    ir_fuse_loops(L->a, lk);
    lower_begin_kernel(L, name);
    IrKernel *k = L->k;
    const IrKernel *f = &orig;
    emit_forward(&r, root);
    int nkept = k->nstmts;
    int *is_adj = calloc((size_t)L->p->nbufs + 1, sizeof(int));
    if (!is_adj) abort();
    for (int b = 0; b < r.nbufs; b++)
        if (r.adj[b] >= 0 && L->p->bufs[r.adj[b]].kind == BUF_TEMP) {
            lower_stmt(L, S_ZERO)->buf = r.adj[b];
            is_adj[r.adj[b]] = 1;
        }
    /* merged[t]: the later GEMM whose reverse joins t's; dc[s]: the
     * adjoint GEMM s's reverse reads */
    int *merged = ARENA_ARRAY(L->a, int, nfwd + 1), *dc = ARENA_ARRAY(L->a, int, nfwd + 1);
    double *alpha = ARENA_ARRAY(L->a, double, nfwd + 1);
    for (int s = 0; s < nfwd; s++) merged[s] = -1;
    for (int s = nfwd - 1; s >= 0; s--) {
        const IrStmt *st = &f->stmts[s];
        if (st->kind == S_GEMM) {
            dc[s] = r.adj[st->c];
            alpha[s] = st->alpha;   /* the scale of the product dc[s] holds the adjoint of */
            if (merged[s] >= 0) {
                int m = merged[s], other = dc[m];
                if (dc[s] < 0) dc[s] = other, alpha[s] = alpha[m];
                else if (other >= 0) add_buffer(&r, dc[s], other, A_ACCUM, alpha[m] / st->alpha);
            }
            int t = same_gemm_before(&r, s);
            if (t >= 0 && merged[t] < 0) merged[t] = s;
            else reverse_gemm(&r, st, dc[s], alpha[s]);
        }
        else if (st->kind == S_SOFTMAX) reverse_lse(&r, st);
        else if (st->kind == S_LOOP) reverse_loop(&r, st);
    }
    keep_forward(&r, nkept);
    ir_fuse_loops(L->a, k);
    /* what it holds: the forward temporaries kept, then the adjoints */
    int *fwd_tmp = calloc((size_t)L->p->nbufs + 1, sizeof(int));
    if (!fwd_tmp) abort();
    for (int b = 0; b < L->p->nbufs; b++) fwd_tmp[b] = !is_adj[b];
    k->reverse = 1;
    footprint(L->p, k, fwd_tmp, &k->keep_row, &k->keep_fixed);
    footprint(L->p, k, is_adj, &k->adj_row, &k->adj_fixed);
    free(fwd_tmp);
    free(is_adj);
    return (int)(k - L->p->kernels);
}
