/* llvm_math.c — the runtime's float functions (runtime/core/rt_math.c) as
 * LLVM instructions: exactly the C code's operations in its order, so the
 * JIT and the interpreter agree bit for bit. Each function is an internal,
 * always-inlined helper of the module ("ebmc.exp", ...), made on first use
 * and found again by name; inlined, it is straight-line code (selects, no
 * branches, no calls), so the loop vectoriser takes the element-wise loops
 * that use it. Keep this file and rt_math.c in step: test_jit compares
 * every spec's kernels, and test_math every function over wide ranges. */
#include <math.h>

#include "llvm_int.h"

LLVMValueRef cg_fmul(Cg *g, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildFMul(g->b, a, b, ""); }
LLVMValueRef cg_fadd(Cg *g, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildFAdd(g->b, a, b, ""); }
LLVMValueRef cg_fsub(Cg *g, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildFSub(g->b, a, b, ""); }
LLVMValueRef cg_fsel(Cg *g, LLVMRealPredicate p, LLVMValueRef a, LLVMValueRef b, LLVMValueRef yes, LLVMValueRef no) {
    return LLVMBuildSelect(g->b, LLVMBuildFCmp(g->b, p, a, b, ""), yes, no, "");
}

LLVMValueRef cg_intrinsic1(Cg *g, const char *name, LLVMValueRef x) {
    LLVMTypeRef ft = LLVMFunctionType(g->f32, &g->f32, 1, 0);
    LLVMValueRef f = LLVMGetNamedFunction(g->mod, name);
    if (!f) f = LLVMAddFunction(g->mod, name, ft);
    return LLVMBuildCall2(g->b, ft, f, &x, 1, "");
}

static LLVMValueRef fdiv_f(Cg *g, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildFDiv(g->b, a, b, ""); }
static LLVMValueRef abs_f(Cg *g, LLVMValueRef x) { return cg_intrinsic1(g, "llvm.fabs.f32", x); }
static LLVMValueRef as_int(Cg *g, LLVMValueRef x) { return LLVMBuildBitCast(g->b, x, g->i32, ""); }
static LLVMValueRef as_float(Cg *g, LLVMValueRef x) { return LLVMBuildBitCast(g->b, x, g->f32, ""); }
static LLVMValueRef isel(Cg *g, LLVMValueRef c, long long yes, long long no) {
    return LLVMBuildSelect(g->b, c, cg_i32(g, yes), cg_i32(g, no), "");
}

/* y = ((c[0] x + c[1]) x + c[2]) ...: Horner, as rt_math.c writes it */
static LLVMValueRef horner(Cg *g, LLVMValueRef x, const float *c, int n) {
    LLVMValueRef y = cg_f32(g, c[0]);
    for (int i = 1; i < n; i++) y = cg_fadd(g, cg_fmul(g, y, x), cg_f32(g, c[i]));
    return y;
}

/* 2^n for n in [-126, 127], exactly, from the exponent bits */
static LLVMValueRef pow2(Cg *g, LLVMValueRef n) {
    return as_float(g, LLVMBuildShl(g->b, LLVMBuildAdd(g->b, n, cg_i32(g, 127), ""), cg_i32(g, 23), ""));
}

static LLVMValueRef emit_exp(Cg *g, LLVMValueRef x) {
    LLVMValueRef xs = cg_fsel(g, LLVMRealOGT, x, cg_f32(g, 89.0f), cg_f32(g, 89.0f), x);
    xs = cg_fsel(g, LLVMRealOLT, xs, cg_f32(g, -104.0f), cg_f32(g, -104.0f), xs);
    xs = cg_fsel(g, LLVMRealUNE, x, x, cg_f32(g, 0.0f), xs);
    LLVMValueRef fx = cg_intrinsic1(g, "llvm.floor.f32",
                                    cg_fadd(g, cg_fmul(g, xs, cg_f32(g, 1.44269504088896341f)), cg_f32(g, 0.5f)));
    LLVMValueRef r = cg_fsub(g, xs, cg_fmul(g, fx, cg_f32(g, 0.693359375f)));
    r = cg_fsub(g, r, cg_fmul(g, fx, cg_f32(g, -2.12194440e-4f)));
    LLVMValueRef z = cg_fmul(g, r, r);
    static const float c[] = {1.9875691500e-4f, 1.3981999507e-3f, 8.3334519073e-3f,
                              4.1665795894e-2f, 1.6666665459e-1f, 5.0000001201e-1f};
    LLVMValueRef y = horner(g, r, c, 6);
    y = cg_fadd(g, cg_fadd(g, cg_fmul(g, y, z), r), cg_f32(g, 1.0f));
    LLVMValueRef n = LLVMBuildFPToSI(g->b, fx, g->i32, "");
    LLVMValueRef n1 = LLVMBuildAShr(g->b, n, cg_i32(g, 1), ""), n2 = LLVMBuildSub(g->b, n, n1, "");
    y = cg_fmul(g, cg_fmul(g, y, pow2(g, n1)), pow2(g, n2));
    return cg_fsel(g, LLVMRealUNE, x, x, x, y);
}

static LLVMValueRef emit_log(Cg *g, LLVMValueRef x) {
    LLVMValueRef sub = LLVMBuildFCmp(g->b, LLVMRealOLT, x, cg_f32(g, 1.17549435e-38f), "");
    LLVMValueRef xn = LLVMBuildSelect(g->b, sub, cg_fmul(g, x, cg_f32(g, 8388608.0f)), x, "");
    LLVMValueRef ix = as_int(g, xn);
    LLVMValueRef e = LLVMBuildSub(
        g->b, LLVMBuildAnd(g->b, LLVMBuildLShr(g->b, ix, cg_i32(g, 23), ""), cg_i32(g, 0xff), ""), cg_i32(g, 127), "");
    LLVMValueRef im = LLVMBuildOr(g->b, LLVMBuildAnd(g->b, ix, cg_i32(g, 0x007fffff), ""), cg_i32(g, 0x3f800000), "");
    LLVMValueRef big = LLVMBuildICmp(g->b, LLVMIntUGT, im, cg_i32(g, 0x3fb504f3), "");
    im = LLVMBuildSelect(g->b, big, LLVMBuildSub(g->b, im, cg_i32(g, 0x00800000), ""), im, "");
    e = LLVMBuildAdd(g->b, e, isel(g, big, 1, 0), "");
    e = LLVMBuildSub(g->b, e, isel(g, sub, 23, 0), "");
    LLVMValueRef f = cg_fsub(g, as_float(g, im), cg_f32(g, 1.0f));
    LLVMValueRef fe = LLVMBuildSIToFP(g->b, e, g->f32, "");
    LLVMValueRef z = cg_fmul(g, f, f);
    static const float c[] = {7.0376836292e-2f,  -1.1514610310e-1f, 1.1676998740e-1f,
                              -1.2420140846e-1f, 1.4249322787e-1f,  -1.6668057665e-1f,
                              2.0000714765e-1f,  -2.4999993993e-1f, 3.3333331174e-1f};
    LLVMValueRef y = cg_fmul(g, cg_fmul(g, horner(g, f, c, 9), f), z);
    y = cg_fadd(g, y, cg_fmul(g, fe, cg_f32(g, -2.12194440e-4f)));
    y = cg_fsub(g, y, cg_fmul(g, cg_f32(g, 0.5f), z));
    LLVMValueRef r = cg_fadd(g, f, y);
    r = cg_fadd(g, r, cg_fmul(g, fe, cg_f32(g, 0.693359375f)));
    r = cg_fsel(g, LLVMRealOGT, x, cg_f32(g, 3.40282347e38f), x, r);
    r = cg_fsel(g, LLVMRealOEQ, x, cg_f32(g, 0.0f), cg_f32(g, -INFINITY), r);
    r = cg_fsel(g, LLVMRealOLT, x, cg_f32(g, 0.0f), cg_f32(g, NAN), r);
    return cg_fsel(g, LLVMRealUNE, x, x, x, r);
}

static LLVMValueRef emit_log1p(Cg *g, LLVMValueRef x) {
    LLVMValueRef u = cg_fadd(g, cg_f32(g, 1.0f), x), d = cg_fsub(g, u, cg_f32(g, 1.0f));
    LLVMValueRef r = cg_fmul(g, cg_math(g, F_LOG, u), fdiv_f(g, x, d));
    r = cg_fsel(g, LLVMRealOEQ, d, cg_f32(g, 0.0f), x, r);
    return cg_fsel(g, LLVMRealOGT, x, cg_f32(g, 3.40282347e38f), x, r);
}

static LLVMValueRef emit_softplus(Cg *g, LLVMValueRef x) {
    LLVMValueRef m = cg_fsel(g, LLVMRealOGT, x, cg_f32(g, 0.0f), x, cg_f32(g, 0.0f));
    LLVMValueRef e = cg_math(g, F_EXP, LLVMBuildFNeg(g->b, abs_f(g, x), ""));
    return cg_fadd(g, m, cg_math(g, F_LOG1P, e));
}

static LLVMValueRef emit_sigmoid(Cg *g, LLVMValueRef x) {
    LLVMValueRef e = cg_math(g, F_EXP, LLVMBuildFNeg(g->b, abs_f(g, x), ""));
    LLVMValueRef d = cg_fadd(g, cg_f32(g, 1.0f), e);
    LLVMValueRef pos = fdiv_f(g, cg_f32(g, 1.0f), d), neg = fdiv_f(g, e, d);
    return cg_fsel(g, LLVMRealOGE, x, cg_f32(g, 0.0f), pos, neg);
}

static LLVMValueRef emit_tanh(Cg *g, LLVMValueRef x) {
    LLVMValueRef a = abs_f(g, x), z = cg_fmul(g, a, a);
    static const float c[] = {-5.70498872745e-3f, 2.06390887954e-2f, -5.37397155531e-2f, 1.33314422036e-1f,
                              -3.33332819422e-1f};
    LLVMValueRef small = cg_fadd(g, cg_fmul(g, cg_fmul(g, horner(g, z, c, 5), z), a), a);
    LLVMValueRef t = cg_math(g, F_EXP, cg_fadd(g, a, a));
    LLVMValueRef big = cg_fsub(g, cg_f32(g, 1.0f), fdiv_f(g, cg_f32(g, 2.0f), cg_fadd(g, t, cg_f32(g, 1.0f))));
    LLVMValueRef y = cg_fsel(g, LLVMRealOLT, a, cg_f32(g, 0.625f), small, big);
    LLVMValueRef sign = LLVMBuildAnd(g->b, as_int(g, x), cg_i32(g, 0x80000000ll), "");
    return as_float(g, LLVMBuildOr(g->b, as_int(g, y), sign, ""));
}

static LLVMValueRef emit_logcosh(Cg *g, LLVMValueRef x) {
    LLVMValueRef a = abs_f(g, x);
    LLVMValueRef l = cg_math(g, F_LOG1P, cg_math(g, F_EXP, cg_fmul(g, cg_f32(g, -2.0f), a)));
    return cg_fsub(g, cg_fadd(g, a, l), cg_f32(g, 0.69314718055994530942f));
}

int cg_math_has(int fn) {
    switch (fn) {
    case F_EXP: case F_LOG: case F_LOG1P: case F_SOFTPLUS: case F_SIGMOID: case F_TANH: case F_LOGCOSH: return 1;
    default: return 0;
    }
}

LLVMValueRef cg_math(Cg *g, int fn, LLVMValueRef x) {
    static const struct {
        const char *name;
        LLVMValueRef (*emit)(Cg *, LLVMValueRef);
    } fns[F_COUNT] = {
        [F_EXP] = {"ebmc.exp", emit_exp},         [F_LOG] = {"ebmc.log", emit_log},
        [F_LOG1P] = {"ebmc.log1p", emit_log1p},   [F_SOFTPLUS] = {"ebmc.softplus", emit_softplus},
        [F_SIGMOID] = {"ebmc.sigmoid", emit_sigmoid}, [F_TANH] = {"ebmc.tanh", emit_tanh},
        [F_LOGCOSH] = {"ebmc.logcosh", emit_logcosh},
    };
    LLVMTypeRef ft = LLVMFunctionType(g->f32, &g->f32, 1, 0);
    LLVMValueRef f = LLVMGetNamedFunction(g->mod, fns[fn].name);
    if (!f) {
        /* an internal function of one float, always inlined */
        LLVMBasicBlockRef save = LLVMGetInsertBlock(g->b);
        f = LLVMAddFunction(g->mod, fns[fn].name, ft);
        LLVMSetLinkage(f, LLVMInternalLinkage);
        unsigned kind = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
        LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(g->ctx, kind, 0));
        LLVMPositionBuilderAtEnd(g->b, LLVMAppendBasicBlockInContext(g->ctx, f, "entry"));
        LLVMBuildRet(g->b, fns[fn].emit(g, LLVMGetParam(f, 0)));
        LLVMPositionBuilderAtEnd(g->b, save);
    }
    return LLVMBuildCall2(g->b, ft, f, &x, 1, "");
}
