/* llvm.h — the LLVM back end: a kernel program JIT-compiled (ORC LLJIT)
 * into one native function per kernel, which then replaces the interpreter
 * as a model's exec.
 *
 * The kernels compute exactly what the interpreter computes, bit for bit
 * (llvm_int.h says how); they are specialised to the spec (every shape a
 * constant, the batch B a parameter), optimised with LLVM's O3 pipeline for
 * the host CPU, and call the runtime (RT_KERNEL_ABI) for GEMM, softmax rows
 * and the sequential updates. Only the files of compiler/llvm include
 * LLVM's headers; a build without LLVM (EBMC_NO_LLVM) has no JIT.
 *
 * EBMC_DUMP_IR=DIR writes DIR/MODEL.ll (as generated) and DIR/MODEL.opt.ll
 * (after optimisation). */
#ifndef EBMC_LLVM_H
#define EBMC_LLVM_H
#include "ir.h"
#include "rt_model.h"

typedef struct LlvmJitInfo {
    double seconds;     /* code generation, optimisation and machine code */
    int kernels;
    int stmts;
    int interpreted;    /* statements left to interp_stmt */
    int interchanged;   /* reductions reordered to vectorise */
    int parallel;       /* loop nests split over the worker threads */
} LlvmJitInfo;

/* 1 when LLVM's native target initialises (once per process) */
int llvm_available(void);
/* Compiles p and makes it m's back end (m->exec, m->backend). Returns 0;
 * 1 when EBMC_DUMP_IR cannot be written (a user error); 2 on an internal
 * error (LLVM failed, or the generated module does not verify). The
 * message is rt_last_error(). info may be NULL. p must outlive m's use. */
int llvm_jit_attach(const IrProgram *p, rt_model *m, LlvmJitInfo *info);
/* ebmc build: p's kernels as an object file for triple (NULL: the host)
 * and cpu (NULL: the host's, or "generic" for another triple; "generic"
 * gives a portable object), exporting `table`, an array of the kernel
 * functions in kernel order, each void (float **bufs, int64_t B, uint64_t
 * seed, uint64_t step, int64_t row0). ll, when not NULL, receives the optimised module
 * as text. Returns 0; 1 for a user error; 2 for an internal one (the
 * message is rt_last_error()). */
typedef struct LlvmAotOptions {
    const char *triple, *cpu;
    const char *table;
    const char *object;
    const char *ll;
} LlvmAotOptions;
int llvm_aot_emit(const IrProgram *p, const char *name, const LlvmAotOptions *o, LlvmJitInfo *info);
/* Releases the compiled code if m runs on it; m->exec is NULL after. */
void llvm_jit_free(rt_model *m);
#endif
