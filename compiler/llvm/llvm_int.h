/* llvm_int.h — what the LLVM back end's files share (not part of its public
 * surface, compiler/llvm/llvm.h).
 *
 * llvm_codegen.c turns an IrProgram into one module: a function per kernel,
 *     void @"ebmc.K.NAME"(float **bufs, i64 B, i64 seed, i64 step, i64 row0)
 * with shapes as constants, B the runtime batch and row0 the job's number
 * of its row 0 (rt_ws.row0), which random draws count their elements from. GEMM, softmax rows and
 * the sequential / full-covariance updates call the runtime (RT_KERNEL_ABI);
 * ZERO is a memset; a LOOP becomes a loop nest whose innermost body
 * evaluates the assignments element by element (llvm_expr.c). A statement
 * the generator does not know, or a loop whose per-element order could
 * differ from the interpreter's, calls interp_stmt instead.
 *
 * Same numbers as the interpreter: float operations one for one with
 * compiler/ir/interp.c, no fast-math flags, accumulation in loop order (an
 * accumulator whose address does not change in the inner loop lives in a
 * register, added to in the same order), Philox inlined as integer code,
 * the transcendental functions inlined as the runtime's own algorithms
 * (rt_math.c, llvm_math.c), pow called. */
#ifndef EBMC_LLVM_INT_H
#define EBMC_LLVM_INT_H
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/TargetMachine.h>

#include "ir.h"
#include "rt_kernel.h"

enum {
#define X(name, ret, args) ABI_##name,
    RT_KERNEL_ABI(X)
#undef X
    ABI_COUNT
};

typedef struct LlvmStats {
    int kernels;
    int stmts;          /* statements in all */
    int interpreted;    /* of them, run through interp_stmt */
    int interchanged;   /* loop nests reordered so a reduction vectorises */
    int parallel;       /* loop nests split over the worker threads */
} LlvmStats;

enum { CG_MAX_VARS = 16, CG_MAX_LOCALS = 64 };

typedef struct Cg {
    LLVMContextRef ctx;
    LLVMModuleRef mod;
    LLVMBuilderRef b;
    const IrProgram *p;
    LLVMTypeRef f32, i1, i32, i64, i8p, f32p, f32pp, voidt;
    LLVMValueRef abi[ABI_COUNT];
    LLVMTypeRef abi_ty[ABI_COUNT];
    /* the kernel being generated */
    int kernel;
    LLVMValueRef fn;
    LLVMValueRef bufs, B, seed, step, row0;
    LLVMValueRef *buf;                  /* float * per buffer, loaded at entry */
    int parallel;                       /* split loop nests over threads */
    LLVMValueRef par_ctx;               /* the kernel's {bufs, B, seed, step, row0} */
    LLVMBasicBlockRef cur;              /* where the kernel continues */
    /* the current point of a loop nest */
    const IrStmt *st;
    int nvars;
    LLVMValueRef var[CG_MAX_VARS];      /* i64 */
    LLVMValueRef ext[CG_MAX_VARS];      /* i64 */
    LLVMValueRef lo[CG_MAX_VARS], hi[CG_MAX_VARS];  /* the range a variable runs */
    LLVMValueRef local[CG_MAX_LOCALS];
    LLVMValueRef elem;                  /* i32 element number, per element */
} Cg;

/* llvm_expr.c */
LLVMValueRef cg_expr(Cg *g, const IrX *x);
/* flat offset (i64) of an indexed access at the current loop point */
LLVMValueRef cg_address(Cg *g, int buf, const IrIdx *idx, int nidx);
/* 1 if every index stays inside its dimension for the loop's extents */
int cg_in_range(const Cg *g, int buf, const IrIdx *idx, int nidx);
LLVMValueRef cg_call(Cg *g, int abi, LLVMValueRef *args, int n);
LLVMValueRef cg_i64(Cg *g, long long v);
LLVMValueRef cg_i32(Cg *g, long long v);
LLVMValueRef cg_f32(Cg *g, float v);
/* does the generator handle every node of x? */
int cg_expr_supported(const IrX *x);

/* llvm_math.c: float operations, and rt_math.c's functions (exp, log,
 * log1p, softplus, sigmoid, tanh, logcosh) as inlined helpers */
LLVMValueRef cg_fmul(Cg *g, LLVMValueRef a, LLVMValueRef b);
LLVMValueRef cg_fadd(Cg *g, LLVMValueRef a, LLVMValueRef b);
LLVMValueRef cg_fsub(Cg *g, LLVMValueRef a, LLVMValueRef b);
/* p(a, b) ? yes : no */
LLVMValueRef cg_fsel(Cg *g, LLVMRealPredicate p, LLVMValueRef a, LLVMValueRef b, LLVMValueRef yes, LLVMValueRef no);
/* a call of the one-float intrinsic or function `name` */
LLVMValueRef cg_intrinsic1(Cg *g, const char *name, LLVMValueRef x);
/* 1 if cg_math emits fn (an IrFn) */
int cg_math_has(int fn);
LLVMValueRef cg_math(Cg *g, int fn, LLVMValueRef x);

/* llvm_codegen.c: the module for p, or NULL after rt_fail */
/* parallel: loop nests that can be split are handed to rt_par_for */
LLVMModuleRef llvm_codegen(LLVMContextRef ctx, const IrProgram *p, const char *name, int parallel, LlvmStats *st);
/* llvm_jit.c, shared with llvm_aot.c */
/* rt_fail with LLVM's message of e; returns code */
int llvm_fail_err(int code, const char *what, LLVMErrorRef e);
/* the target-cpu / target-features attributes on every defined function */
void llvm_set_target_attrs(LLVMModuleRef mod, const char *cpu, const char *features);
/* object: for an object file (position-independent) rather than the JIT;
 * NULL after rt_fail */
LLVMTargetMachineRef llvm_target_machine(const char *triple, const char *cpu, const char *features, int object);
/* the new pass manager's default<O3>, vectorisers on: 0 or 2 */
int llvm_optimise(LLVMModuleRef mod, LLVMTargetMachineRef tm);
/* info (may be NULL) from the code generator's counts */
struct LlvmJitInfo;
void llvm_report(struct LlvmJitInfo *info, const LlvmStats *st, double seconds);
/* the symbol of kernel k in that module */
void llvm_kernel_symbol(const IrProgram *p, int k, char *out, size_t n);
#endif
