/* llvm_expr.c — the value of an IR expression at one loop point, as LLVM
 * instructions that compute exactly what compiler/ir/interp.c computes:
 * float operations one for one (no fast-math flags), Philox-4x32-10 as
 * integer code, exp, log, log1p, softplus, sigmoid, tanh and log cosh as
 * runtime/core/rt_math.c's algorithms (llvm_math.c: inlined, so they
 * vectorise), pow by calling the runtime. */
#include <stdint.h>
#include <string.h>

#include "llvm_int.h"

LLVMValueRef cg_i64(Cg *g, long long v) { return LLVMConstInt(g->i64, (unsigned long long)v, 1); }
LLVMValueRef cg_i32(Cg *g, long long v) { return LLVMConstInt(g->i32, (unsigned long long)v & 0xffffffffu, 0); }
LLVMValueRef cg_f32(Cg *g, float v) { return LLVMConstReal(g->f32, (double)v); }

LLVMValueRef cg_call(Cg *g, int abi, LLVMValueRef *args, int n) {
    return LLVMBuildCall2(g->b, g->abi_ty[abi], g->abi[abi], args, (unsigned)n, "");
}

int cg_expr_supported(const IrX *x) {
    if (!x) return 1;
    switch (x->op) {
    case X_CONST: case X_LOAD: case X_LOCAL: case X_UNIFORM: case X_NORMAL: return 1;
    case X_ADD: case X_SUB: case X_MUL: case X_DIV: case X_LT: case X_MAX:
        return x->a && x->b && cg_expr_supported(x->a) && cg_expr_supported(x->b);
    case X_NEG: case X_POWI: return x->a && cg_expr_supported(x->a);
    case X_FN: return x->fn >= 0 && x->fn < F_COUNT && x->a && cg_expr_supported(x->a);
    case X_SELECT:
        return x->a && x->b && x->s && cg_expr_supported(x->a) && cg_expr_supported(x->b) && cg_expr_supported(x->s);
    default: return 0;
    }
}

/* ---- indices ------------------------------------------------------------------ */

static LLVMValueRef idx_value(Cg *g, const IrIdx *ix) {
    LLVMValueRef v = cg_i64(g, ix->cst);
    for (int k = 0; k < ix->n; k++) {
        LLVMValueRef t = g->var[ix->var[k]];
        if (ix->coef[k] != 1) t = LLVMBuildMul(g->b, t, cg_i64(g, ix->coef[k]), "");
        v = ix->cst == 0 && k == 0 ? t : LLVMBuildAdd(g->b, v, t, "");
    }
    return v;
}

/* dims of a buffer, the batch first; 0 stands for B */
static int buf_dims(const IrBuf *b, long long *dims) {
    int nd = 0;
    if (b->batched) dims[nd++] = 0;
    for (int d = 0; d < b->ndim; d++) dims[nd++] = b->dims[d];
    return nd;
}

/* As interp.c's address(): dimensions past nidx contribute nothing. The
 * strides are constants (the batch is the outermost dimension). */
LLVMValueRef cg_address(Cg *g, int buf, const IrIdx *idx, int nidx) {
    long long dims[IR_MAX_DIMS + 1], stride = 1;
    int nd = buf_dims(&g->p->bufs[buf], dims);
    LLVMValueRef off = NULL;
    for (int d = nd - 1; d >= 0; d--) {
        if (d < nidx) {
            LLVMValueRef t = idx_value(g, &idx[d]);
            if (stride != 1) t = LLVMBuildMul(g->b, t, cg_i64(g, stride), "");
            off = off ? LLVMBuildAdd(g->b, off, t, "") : t;
        }
        stride *= dims[d];
    }
    return off ? off : cg_i64(g, 0);
}

int cg_in_range(const Cg *g, int buf, const IrIdx *idx, int nidx) {
    const IrBuf *b = &g->p->bufs[buf];
    long long dims[IR_MAX_DIMS + 1];
    int nd = buf_dims(b, dims);
    if (nidx > nd) return 0;
    const IrStmt *st = g->st;
    for (int d = 0; d < nidx; d++) {
        const IrIdx *ix = &idx[d];
        if (dims[d] == 0) {
            /* the batch dimension: exactly a variable that runs over B */
            if (!(ix->n == 1 && ix->coef[0] == 1 && ix->cst == 0)) return 0;
            IrExt e = st->ext[ix->var[0]];
            if (!(e.batch && e.c == 1)) return 0;
            continue;
        }
        long long lo = ix->cst, hi = ix->cst;
        for (int k = 0; k < ix->n; k++) {
            IrExt e = st->ext[ix->var[k]];
            if (e.batch) return 0;
            long long top = (long long)ix->coef[k] * (e.c - 1);
            if (top > 0) hi += top;
            else lo += top;
        }
        if (lo < 0 || hi >= dims[d]) return 0;
    }
    return 1;
}

static LLVMValueRef load(Cg *g, const IrX *x) {
    LLVMValueRef base = g->buf[x->buf];
    LLVMValueRef a = cg_address(g, x->buf, x->idx, x->nidx);
    if (cg_in_range(g, x->buf, x->idx, x->nidx)) {
        LLVMValueRef ptr = LLVMBuildGEP2(g->b, g->f32, base, &a, 1, "");
        return LLVMBuildLoad2(g->b, g->f32, ptr, "");
    }
    /* out-of-range reads happen only under a failing guard; they read 0 */
    const IrBuf *b = &g->p->bufs[x->buf];
    LLVMValueRef size = cg_i64(g, b->size);
    if (b->batched) size = LLVMBuildMul(g->b, size, g->B, "");
    LLVMValueRef ok = LLVMBuildAnd(g->b, LLVMBuildICmp(g->b, LLVMIntSGE, a, cg_i64(g, 0), ""),
                                   LLVMBuildICmp(g->b, LLVMIntSLT, a, size, ""), "inb");
    LLVMValueRef safe = LLVMBuildSelect(g->b, ok, a, cg_i64(g, 0), "");
    LLVMValueRef ptr = LLVMBuildGEP2(g->b, g->f32, base, &safe, 1, "");
    return LLVMBuildSelect(g->b, ok, LLVMBuildLoad2(g->b, g->f32, ptr, ""), cg_f32(g, 0), "");
}

/* ---- random numbers ------------------------------------------------------------- */

/* the row-major position of the loop point in the statement's nest; a nest
 * whose outermost variable runs over the batch counts from the job's row
 * row0, as interp.c's run_loop does */
static LLVMValueRef element(Cg *g) {
    if (g->elem) return g->elem;
    LLVMValueRef e = NULL;
    if (g->nvars && g->st->ext[0].batch) {
        IrExt b = g->st->ext[0];
        e = LLVMBuildAdd(g->b, g->var[0], b.c == 1 ? g->row0 : LLVMBuildMul(g->b, cg_i64(g, b.c), g->row0, ""), "");
    }
    for (int v = e ? 1 : 0; v < g->nvars; v++) e = e ? LLVMBuildAdd(g->b, LLVMBuildMul(g->b, e, g->ext[v], ""), g->var[v], "") : g->var[v];
    g->elem = e ? LLVMBuildTrunc(g->b, e, g->i32, "elem") : cg_i32(g, 0);
    return g->elem;
}

static LLVMValueRef lo32(Cg *g, LLVMValueRef v) { return LLVMBuildTrunc(g->b, v, g->i32, ""); }
static LLVMValueRef hi32(Cg *g, LLVMValueRef v) {
    return LLVMBuildTrunc(g->b, LLVMBuildLShr(g->b, v, cg_i64(g, 32), ""), g->i32, "");
}

/* Philox-4x32-10 of counter {elem, step, step >> 32, stream} and key seed
 * (rt_base.c): the first output word */
static LLVMValueRef philox0(Cg *g, int stream, LLVMValueRef out[4]) {
    LLVMValueRef x0 = element(g), x1 = lo32(g, g->step), x2 = hi32(g, g->step), x3 = cg_i32(g, stream);
    LLVMValueRef k0 = lo32(g, g->seed), k1 = hi32(g, g->seed);
    for (int r = 0; r < 10; r++) {
        LLVMValueRef p0 = LLVMBuildMul(g->b, LLVMBuildZExt(g->b, x0, g->i64, ""), cg_i64(g, 0xD2511F53ll), "");
        LLVMValueRef p1 = LLVMBuildMul(g->b, LLVMBuildZExt(g->b, x2, g->i64, ""), cg_i64(g, 0xCD9E8D57ll), "");
        LLVMValueRef y0 = LLVMBuildXor(g->b, LLVMBuildXor(g->b, hi32(g, p1), x1, ""), k0, "");
        LLVMValueRef y2 = LLVMBuildXor(g->b, LLVMBuildXor(g->b, hi32(g, p0), x3, ""), k1, "");
        x1 = lo32(g, p1);
        x3 = lo32(g, p0);
        x0 = y0;
        x2 = y2;
        k0 = LLVMBuildAdd(g->b, k0, cg_i32(g, 0x9E3779B9ll), "");
        k1 = LLVMBuildAdd(g->b, k1, cg_i32(g, 0xBB67AE85ll), "");
    }
    if (out) {
        out[0] = x0;
        out[1] = x1;
        out[2] = x2;
        out[3] = x3;
    }
    return x0;
}

/* (float)(o[0] >> 8) * 2^-24: exact in float */
static LLVMValueRef uniform(Cg *g, int stream) {
    LLVMValueRef o = philox0(g, stream, NULL);
    LLVMValueRef v = LLVMBuildSIToFP(g->b, LLVMBuildLShr(g->b, o, cg_i32(g, 8), ""), g->f32, "");
    return LLVMBuildFMul(g->b, v, cg_f32(g, 1.0f / 16777216.0f), "u");
}

static LLVMValueRef fmul(Cg *g, LLVMValueRef a, LLVMValueRef b) { return cg_fmul(g, a, b); }
static LLVMValueRef fadd(Cg *g, LLVMValueRef a, LLVMValueRef b) { return cg_fadd(g, a, b); }
static LLVMValueRef fsub(Cg *g, LLVMValueRef a, LLVMValueRef b) { return cg_fsub(g, a, b); }
#define fsel cg_fsel

/* rt_fn_powi: square and multiply, the same products in the same order */
static LLVMValueRef powi(Cg *g, LLVMValueRef x, int32_t n) {
    LLVMValueRef r = cg_f32(g, 1.0f), b = n < 0 ? LLVMBuildFDiv(g->b, cg_f32(g, 1.0f), x, "") : x;
    for (uint32_t k = n < 0 ? 0u - (uint32_t)n : (uint32_t)n; k; k >>= 1) {
        if (k & 1) r = fmul(g, r, b);
        if (k >> 1) b = fmul(g, b, b);
    }
    return r;
}

static LLVMValueRef fn(Cg *g, const IrX *x, LLVMValueRef a) {
    if (cg_math_has(x->fn)) return cg_math(g, x->fn, a);   /* llvm_math.c, inlined */
    switch (x->fn) {
    case F_ABS: return cg_intrinsic1(g, "llvm.fabs.f32", a);
    case F_SQRT: return cg_intrinsic1(g, "llvm.sqrt.f32", a);   /* correctly rounded, as sqrtf */
    case F_SIGN:
        return fsel(g, LLVMRealOGT, a, cg_f32(g, 0), cg_f32(g, 1.0f),
                    fsel(g, LLVMRealOLT, a, cg_f32(g, 0), cg_f32(g, -1.0f), cg_f32(g, 0.0f)));
    default: {   /* F_POW */
        LLVMValueRef args[2] = {a, cg_f32(g, (float)x->c)};
        return cg_call(g, ABI_rt_fn_pow, args, 2);
    }
    }
}

LLVMValueRef cg_expr(Cg *g, const IrX *x) {
    switch (x->op) {
    case X_CONST: return cg_f32(g, (float)x->c);
    case X_LOCAL: return g->local[x->local];
    case X_LOAD: return load(g, x);
    case X_UNIFORM: return uniform(g, x->stream);
    case X_NORMAL: {
        LLVMValueRef args[4] = {g->seed, cg_i32(g, x->stream), g->step, element(g)};
        return cg_call(g, ABI_rt_normal, args, 4);
    }
    default: break;
    }
    LLVMValueRef a = cg_expr(g, x->a);
    LLVMValueRef b = x->b ? cg_expr(g, x->b) : NULL;
    switch (x->op) {
    case X_ADD: return fadd(g, a, b);
    case X_SUB: return fsub(g, a, b);
    case X_MUL: return fmul(g, a, b);
    case X_DIV: return LLVMBuildFDiv(g->b, a, b, "");
    case X_NEG: return LLVMBuildFNeg(g->b, a, "");
    case X_LT: return fsel(g, LLVMRealOLT, a, b, cg_f32(g, 1.0f), cg_f32(g, 0.0f));
    case X_MAX: return fsel(g, LLVMRealOGT, a, b, a, b);
    case X_SELECT: {
        LLVMValueRef s = cg_expr(g, x->s);
        return fsel(g, LLVMRealUNE, s, cg_f32(g, 0.0f), a, b);
    }
    case X_POWI: return powi(g, a, (int32_t)x->c);
    case X_FN: return fn(g, x, a);
    default: return cg_f32(g, 0.0f);   /* not reached: cg_expr_supported */
    }
}
