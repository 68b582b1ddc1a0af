/* interp.c — the reference back end: runs kernel IR directly.
 *
 * Not naive: GEMMs go to CBLAS, and a loop nest is interpreted a row at a
 * time — each expression node is evaluated over a vector of the innermost
 * loop variable (up to CHUNK elements), so the cost of walking the tree is
 * paid once per chunk, not once per element. The arithmetic is the scalar
 * loop's, element by element and in order (float, accumulation in loop
 * order), so compiled kernels that follow the same order agree bit for bit. */
#include "interp.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "rt_kernel.h"

enum { CHUNK = 256, MAX_DEPTH = 64, MAX_LOCALS = 32 };

typedef struct Run {
    const IrProgram *p;
    float **bufs;
    int64_t B;
    uint64_t seed, step;
    int64_t row0;            /* the job's number of batch row 0 (rt_ws.row0) */
    /* the current loop point */
    const IrStmt *st;
    int64_t var[16];         /* outer variables' values; inner is var[inner] + t */
    int inner;
    int64_t elem0;           /* row-major element number of t = 0, counted
                                from the job's row row0 (a random draw's) */
    int64_t len;
    float scratch[MAX_DEPTH][CHUNK];
    int depth;
    float locals[MAX_LOCALS][CHUNK];
    int64_t bstride[IR_MAX_DIMS + 1];
} Run;

/* Flat offset of an indexed access at t = 0, and its step per t. */
static void address(Run *r, const IrBuf *b, const IrIdx *idx, int nidx, int64_t *off, int64_t *step) {
    int64_t dims[IR_MAX_DIMS + 1];
    int nd = 0;
    if (b->batched) dims[nd++] = r->B;
    for (int d = 0; d < b->ndim; d++) dims[nd++] = b->dims[d];
    int64_t o = 0, s = 0, stride = 1;
    for (int d = nd - 1; d >= 0; d--) {
        const IrIdx *ix = d < nidx ? &idx[d] : NULL;
        if (ix) {
            int64_t v = ix->cst, dv = 0;
            for (int k = 0; k < ix->n; k++) {
                if (ix->var[k] == r->inner) {
                    v += (int64_t)ix->coef[k] * r->var[r->inner];
                    dv += ix->coef[k];
                } else {
                    v += (int64_t)ix->coef[k] * r->var[ix->var[k]];
                }
            }
            o += v * stride;
            s += dv * stride;
        }
        stride *= dims[d];
    }
    *off = o;
    *step = s;
}

static const float *eval(Run *r, const IrX *x);

static float *slot(Run *r) {
    if (r->depth >= MAX_DEPTH) abort();   /* IR depth is bounded by lowering */
    return r->scratch[r->depth++];
}

static const float *eval(Run *r, const IrX *x) {
    int64_t n = r->len;
    switch (x->op) {
    case X_CONST: {
        float *o = slot(r), c = (float)x->c;
        for (int64_t t = 0; t < n; t++) o[t] = c;
        return o;
    }
    case X_LOCAL: return r->locals[x->local];
    case X_LOAD: {
        const IrBuf *b = &r->p->bufs[x->buf];
        int64_t off, step, size = ir_buf_floats(b, r->B);
        address(r, b, x->idx, x->nidx, &off, &step);
        const float *base = r->bufs[x->buf];
        float *o = slot(r);
        /* out-of-range reads happen only under a failing guard; they read 0 */
        for (int64_t t = 0; t < n; t++) {
            int64_t a = off + t * step;
            o[t] = a >= 0 && a < size ? base[a] : 0.0f;
        }
        return o;
    }
    case X_UNIFORM:
    case X_NORMAL: {
        float *o = slot(r);
        for (int64_t t = 0; t < n; t++)
            o[t] = x->op == X_UNIFORM ? rt_uniform(r->seed, (uint32_t)x->stream, r->step, (uint32_t)(r->elem0 + t))
                                      : rt_normal(r->seed, (uint32_t)x->stream, r->step, (uint32_t)(r->elem0 + t));
        return o;
    }
    default: break;
    }
    int save = r->depth;
    const float *a = eval(r, x->a);
    const float *b = x->b ? eval(r, x->b) : NULL;
    const float *s = x->op == X_SELECT ? eval(r, x->s) : NULL;
    r->depth = save;
    float *o = slot(r);
    switch (x->op) {
    case X_ADD: for (int64_t t = 0; t < n; t++) o[t] = a[t] + b[t]; break;
    case X_SUB: for (int64_t t = 0; t < n; t++) o[t] = a[t] - b[t]; break;
    case X_MUL: for (int64_t t = 0; t < n; t++) o[t] = a[t] * b[t]; break;
    case X_DIV: for (int64_t t = 0; t < n; t++) o[t] = a[t] / b[t]; break;
    case X_NEG: for (int64_t t = 0; t < n; t++) o[t] = -a[t]; break;
    case X_LT: for (int64_t t = 0; t < n; t++) o[t] = a[t] < b[t] ? 1.0f : 0.0f; break;
    case X_MAX: for (int64_t t = 0; t < n; t++) o[t] = a[t] > b[t] ? a[t] : b[t]; break;
    case X_SELECT: for (int64_t t = 0; t < n; t++) o[t] = s[t] != 0 ? a[t] : b[t]; break;
    case X_POWI: for (int64_t t = 0; t < n; t++) o[t] = rt_fn_powi(a[t], (int32_t)x->c); break;
    case X_FN: {
        float c = (float)x->c;
        switch (x->fn) {   /* the common ones without the switch per element */
        case F_SIGMOID: for (int64_t t = 0; t < n; t++) o[t] = rt_fn_sigmoid(a[t]); break;
        case F_SOFTPLUS: for (int64_t t = 0; t < n; t++) o[t] = rt_fn_softplus(a[t]); break;
        case F_EXP: for (int64_t t = 0; t < n; t++) o[t] = rt_fn_exp(a[t]); break;
        default: for (int64_t t = 0; t < n; t++) o[t] = rt_fn_apply(x->fn, a[t], c); break;
        }
        break;
    }
    default: abort();
    }
    return o;
}

static int guard_ok(Run *r, const IrAssign *as, int64_t t) {
    for (int g = 0; g < as->nguard; g++) {
        const IrIdx *ix = &as->guard[g].idx;
        int64_t v = ix->cst;
        for (int k = 0; k < ix->n; k++)
            v += (int64_t)ix->coef[k] * (r->var[ix->var[k]] + (ix->var[k] == r->inner ? t : 0));
        if (v < as->guard[g].lo || v > as->guard[g].hi) return 0;
    }
    return 1;
}

static void run_chunk(Run *r) {
    const IrStmt *st = r->st;
    for (int i = 0; i < st->nassign; i++) {
        const IrAssign *as = &st->assign[i];
        r->depth = 0;
        const float *v = eval(r, as->x);
        if (as->kind == A_LOCAL) {
            if (v != r->locals[as->local]) memcpy(r->locals[as->local], v, sizeof(float) * (size_t)r->len);
            continue;
        }
        const IrBuf *b = &r->p->bufs[as->buf];
        int64_t off, step;
        address(r, b, as->idx, as->nidx, &off, &step);
        float *dst = r->bufs[as->buf];
        for (int64_t t = 0; t < r->len; t++) {
            if (as->nguard && !guard_ok(r, as, t)) continue;
            if (as->kind == A_STORE) dst[off + t * step] = v[t];
            else dst[off + t * step] += v[t];
        }
    }
}

static void run_loop(Run *r, const IrStmt *st) {
    r->st = st;
    int nv = st->nvars;
    int64_t ext[16];
    int64_t total = 1;
    for (int v = 0; v < nv; v++) {
        ext[v] = ir_ext(st->ext[v], r->B);
        total *= ext[v];
    }
    if (total == 0) return;
    if (nv == 0) {
        r->inner = 0;
        r->var[0] = 0;
        r->len = 1;
        r->elem0 = 0;
        run_chunk(r);
        return;
    }
    /* a nest whose outermost variable runs over the batch counts elements
     * from the job's row row0: as if the rows before it were in the nest */
    int64_t shift = 0;
    if (st->ext[0].batch) {
        shift = r->row0 * st->ext[0].c;
        for (int v = 1; v < nv; v++) shift *= ext[v];
    }
    int inner = nv - 1;
    r->inner = inner;
    for (int v = 0; v < nv; v++) r->var[v] = 0;
    for (;;) {
        int64_t elem = 0;
        for (int v = 0; v < nv; v++) elem = elem * ext[v] + (v == inner ? 0 : r->var[v]);
        for (int64_t c0 = 0; c0 < ext[inner]; c0 += CHUNK) {
            r->var[inner] = c0;
            r->len = ext[inner] - c0 < CHUNK ? ext[inner] - c0 : CHUNK;
            r->elem0 = shift + elem + c0;
            run_chunk(r);
        }
        int v = inner - 1;
        while (v >= 0 && ++r->var[v] == ext[v]) r->var[v--] = 0;
        if (v < 0) break;
    }
}

static void run_stmt(Run *r, const IrStmt *st) {
    const IrProgram *p = r->p;
    float **bufs = r->bufs;
    int64_t B = r->B;
    uint64_t seed = r->seed, step = r->step;
    int64_t row0 = r->row0;
    switch (st->kind) {
    case S_LOOP: run_loop(r, st); break;
    case S_ZERO: memset(bufs[st->buf], 0, sizeof(float) * (size_t)ir_buf_floats(&p->bufs[st->buf], B)); break;
    case S_GEMM:
        rt_gemm(st->ta, st->tb, ir_ext(st->m, B), ir_ext(st->n, B), ir_ext(st->k, B), (float)st->alpha, bufs[st->a],
                bufs[st->b], (float)st->beta, bufs[st->c]);
        break;
    case S_SEQ:
        rt_seq_gibbs(bufs[st->in], bufs[st->buf], st->coupling_batched, bufs[st->out], bufs[st->aux], bufs[st->mask],
                     ir_ext(st->rows, B), st->width, st->spin, st->sample, seed, st->stream, step, ir_row0(st->rows, row0));
        break;
    case S_GAUSS:
        rt_gauss_full(bufs[st->in], bufs[st->buf], st->coupling_batched, bufs[st->out], bufs[st->aux], bufs[st->mask],
                      ir_ext(st->rows, B), st->width, st->sample, seed, st->stream, step, ir_row0(st->rows, row0));
        break;
    case S_SOFTMAX:
        rt_softmax_rows(bufs[st->in], bufs[st->out], st->aux >= 0 ? bufs[st->aux] : NULL, ir_ext(st->rows, B), st->width,
                        st->mode, seed, st->stream, step, ir_row0(st->rows, row0));
        break;
    }
}

static Run *run_new(const IrProgram *p, float **bufs, int64_t B, uint64_t seed, uint64_t step, int64_t row0) {
    Run *r = malloc(sizeof *r);
    if (!r) abort();
    r->p = p;
    r->bufs = bufs;
    r->B = B;
    r->seed = seed;
    r->step = step;
    r->row0 = row0;
    return r;
}

void interp_exec(const IrProgram *p, int kernel, float **bufs, int64_t B, uint64_t seed, uint64_t step,
                 int64_t row0) {
    Run *r = run_new(p, bufs, B, seed, step, row0);
    const IrKernel *k = &p->kernels[kernel];
    for (int i = 0; i < k->nstmts; i++) run_stmt(r, &k->stmts[i]);
    free(r);
}

void interp_stmt(const IrProgram *p, int32_t kernel, int32_t stmt, float **bufs, int64_t B, uint64_t seed,
                 uint64_t step, int64_t row0) {
    Run *r = run_new(p, bufs, B, seed, step, row0);
    run_stmt(r, &p->kernels[kernel].stmts[stmt]);
    free(r);
}
