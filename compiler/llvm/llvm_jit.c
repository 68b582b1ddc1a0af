/* llvm_jit.c — the generated module optimised for the host and loaded with
 * ORC LLJIT.
 *
 * Order: code generation (llvm_codegen.c) in the thread-safe context's
 * LLVMContext -> target triple and data layout of the JIT -> verify (a
 * failure is an internal error) -> the new pass manager's default<O3> with a
 * target machine for the host CPU and its features -> LLJIT. The runtime's
 * entry points are defined in the JIT's main dylib as absolute symbols,
 * generated from RT_KERNEL_ABI, so the list cannot drift; a few libc / libm
 * functions LLVM itself may call (memset for ZERO) are defined the same way.
 * Nothing is looked up in the host process otherwise. */
#include <errno.h>
#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Error.h>
#include <llvm-c/ExecutionEngine.h>
#include <llvm-c/LLJIT.h>
#include <llvm-c/Orc.h>
#include <llvm-c/OrcEE.h>
#include <llvm-c/Support.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "interp.h"
#include "llvm.h"
#include "llvm_int.h"
#include "rt.h"
#include "rt_par.h"

typedef void (*KernelFn)(float **bufs, int64_t B, uint64_t seed, uint64_t step, int64_t row0);

typedef struct Jit {
    LLVMOrcLLJITRef jit;
    int nkernels;
    KernelFn *fn;
} Jit;

static void jit_exec(void *backend, int kernel, float **bufs, int64_t B, uint64_t seed, uint64_t step,
                     int64_t row0) {
    ((Jit *)backend)->fn[kernel](bufs, B, seed, step, row0);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void llvm_report(LlvmJitInfo *info, const LlvmStats *st, double seconds) {
    if (!info) return;
    info->seconds = seconds;
    info->kernels = st->kernels;
    info->stmts = st->stmts;
    info->interpreted = st->interpreted;
    info->interchanged = st->interchanged;
    info->parallel = st->parallel;
}

int llvm_available(void) {
    static int state;   /* 0 not tried, 1 ready, -1 failed */
    if (!state) {
        state = LLVMInitializeNativeTarget() || LLVMInitializeNativeAsmPrinter() ? -1 : 1;
        /* in-order (strict) float reductions may vectorise: the sum keeps
         * its order, only the terms are computed several at a time */
        const char *argv[] = {"ebmc", "-force-ordered-reductions", "-runtime-memory-check-threshold=12"};
        if (state > 0) LLVMParseCommandLineOptions(3, argv, NULL);
    }
    return state > 0;
}

int llvm_fail_err(int code, const char *what, LLVMErrorRef e) {
    char *msg = LLVMGetErrorMessage(e);
    rt_fail("internal error: LLVM JIT: %s: %s", what, msg);
    LLVMDisposeErrorMessage(msg);
    return code;
}

static int define_symbols(LLVMOrcLLJITRef jit) {
    static const struct {
        const char *name;
        void *addr;
    } sym[] = {
#define X(name, ret, args) {#name, (void *)name},
        RT_KERNEL_ABI(X)
#undef X
        {"memset", (void *)memset}, {"memcpy", (void *)memcpy}, {"memmove", (void *)memmove},
        {"floorf", (void *)floorf}, {"sqrtf", (void *)sqrtf},   {"fabsf", (void *)fabsf},
    };
    enum { N = sizeof sym / sizeof sym[0] };
    LLVMJITCSymbolMapPair pairs[N];
    for (int i = 0; i < N; i++) {
        pairs[i].Name = LLVMOrcLLJITMangleAndIntern(jit, sym[i].name);
        pairs[i].Sym.Address = (LLVMOrcExecutorAddress)(uintptr_t)sym[i].addr;
        pairs[i].Sym.Flags.GenericFlags = LLVMJITSymbolGenericFlagsExported | LLVMJITSymbolGenericFlagsCallable;
        pairs[i].Sym.Flags.TargetFlags = 0;
    }
    LLVMOrcMaterializationUnitRef mu = LLVMOrcAbsoluteSymbols(pairs, N);
    LLVMErrorRef e = LLVMOrcJITDylibDefine(LLVMOrcLLJITGetMainJITDylib(jit), mu);
    if (e) {
        LLVMOrcDisposeMaterializationUnit(mu);
        return llvm_fail_err(2, "defining the runtime's symbols", e);
    }
    return 0;
}

/* the CPU and features on every function, as on the target machine */
void llvm_set_target_attrs(LLVMModuleRef mod, const char *cpu, const char *features) {
    LLVMContextRef ctx = LLVMGetModuleContext(mod);
    LLVMAttributeRef a = LLVMCreateStringAttribute(ctx, "target-cpu", 10, cpu, (unsigned)strlen(cpu));
    LLVMAttributeRef f = LLVMCreateStringAttribute(ctx, "target-features", 15, features, (unsigned)strlen(features));
    for (LLVMValueRef fn = LLVMGetFirstFunction(mod); fn; fn = LLVMGetNextFunction(fn)) {
        if (LLVMIsDeclaration(fn)) continue;
        LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, a);
        LLVMAddAttributeAtIndex(fn, LLVMAttributeFunctionIndex, f);
    }
}

static int dump(LLVMModuleRef mod, const char *name, const char *suffix) {
    const char *dir = getenv("EBMC_DUMP_IR");
    if (!dir || !*dir) return 0;
    size_t n = strlen(dir) + strlen(name) + strlen(suffix) + 2;
    char *path = malloc(n);
    snprintf(path, n, "%s/%s%s", dir, name, suffix);
    char *err = NULL;
    int rc = 0;
    if (LLVMPrintModuleToFile(mod, path, &err)) rc = rt_fail("EBMC_DUMP_IR: cannot write '%s': %s", path, err ? err : "?");
    if (err) LLVMDisposeMessage(err);
    free(path);
    return rc ? 1 : 0;
}

LLVMTargetMachineRef llvm_target_machine(const char *triple, const char *cpu, const char *features, int object) {
    LLVMTargetRef target;
    char *err = NULL;
    if (LLVMGetTargetFromTriple(triple, &target, &err)) {
        rt_fail("no LLVM target for '%s': %s", triple, err ? err : "?");
        LLVMDisposeMessage(err);
        return NULL;
    }
    /* an object file is linked into position-independent executables */
    return LLVMCreateTargetMachine(target, triple, cpu, features, LLVMCodeGenLevelAggressive,
                                   object ? LLVMRelocPIC : LLVMRelocDefault,
                                   object ? LLVMCodeModelDefault : LLVMCodeModelJITDefault);
}

int llvm_optimise(LLVMModuleRef mod, LLVMTargetMachineRef tm) {
    LLVMPassBuilderOptionsRef opts = LLVMCreatePassBuilderOptions();
    LLVMPassBuilderOptionsSetLoopVectorization(opts, 1);
    LLVMPassBuilderOptionsSetSLPVectorization(opts, 1);
    /* no unrolling or interleaving: the kernels' loops are element-wise
     * passes bound by memory, or GEMM calls; unrolled, the VAE's module grew
     * from 8,500 to 42,000 lines of IR and compiled 4x slower, with no
     * faster epoch (docs/performance.md, "JIT compile time") */
    LLVMPassBuilderOptionsSetLoopUnrolling(opts, 0);
    LLVMPassBuilderOptionsSetLoopInterleaving(opts, 0);
    LLVMErrorRef e = LLVMRunPasses(mod, "default<O3>", tm, opts);
    LLVMDisposePassBuilderOptions(opts);
    return e ? llvm_fail_err(2, "optimising", e) : 0;
}

static int optimise(LLVMModuleRef mod, const char *triple, char *cpu, char *features) {
    LLVMTargetMachineRef tm = llvm_target_machine(triple, cpu, features, 0);
    if (!tm) return 2;
    int rc = llvm_optimise(mod, tm);
    LLVMDisposeTargetMachine(tm);
    return rc;
}

/* the module of p, verified and optimised, into jit */
static int compile(const IrProgram *p, const char *name, LLVMOrcLLJITRef jit, LlvmStats *st) {
    LLVMOrcThreadSafeContextRef tsc = LLVMOrcCreateNewThreadSafeContext();
    LLVMModuleRef mod = llvm_codegen(LLVMOrcThreadSafeContextGetContext(tsc), p, name, rt_par_threads() > 1, st);
    const char *triple = LLVMOrcLLJITGetTripleString(jit);
    LLVMSetTarget(mod, triple);
    LLVMSetDataLayout(mod, LLVMOrcLLJITGetDataLayoutStr(jit));
    char *cpu = LLVMGetHostCPUName(), *features = LLVMGetHostCPUFeatures();
    llvm_set_target_attrs(mod, cpu, features);
    int rc = dump(mod, name, ".ll");
    char *msg = NULL;
    if (!rc && LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg))
        rc = 2, rt_fail("internal error: LLVM JIT: the generated module for '%s' does not verify: %s", name, msg);
    if (msg) LLVMDisposeMessage(msg);
    if (!rc) rc = optimise(mod, triple, cpu, features);
    if (!rc) rc = dump(mod, name, ".opt.ll");
    LLVMDisposeMessage(cpu);
    LLVMDisposeMessage(features);
    if (rc) {
        LLVMDisposeModule(mod);
        LLVMOrcDisposeThreadSafeContext(tsc);
        return rc;
    }
    LLVMOrcThreadSafeModuleRef tsm = LLVMOrcCreateNewThreadSafeModule(mod, tsc);
    LLVMOrcDisposeThreadSafeContext(tsc);   /* the module keeps the context alive */
    LLVMErrorRef e = LLVMOrcLLJITAddLLVMIRModule(jit, LLVMOrcLLJITGetMainJITDylib(jit), tsm);
    if (e) {
        LLVMOrcDisposeThreadSafeModule(tsm);   /* owned by the JIT only on success */
        return llvm_fail_err(2, "adding the module", e);
    }
    return 0;
}

/* EBMC_PERF_JIT=1: the object layer tells LLVM's perf listener about the
 * code, so that `perf record -k mono` + `perf inject --jit` name each
 * kernel in a profile (docs/performance.md, "Profiling the kernels") */
static LLVMOrcObjectLayerRef perf_layer(void *ctx, LLVMOrcExecutionSessionRef es, const char *triple) {
    (void)ctx, (void)triple;
    LLVMOrcObjectLayerRef layer = LLVMOrcCreateRTDyldObjectLinkingLayerWithSectionMemoryManager(es);
    LLVMJITEventListenerRef perf = LLVMCreatePerfJITEventListener();
    if (perf) LLVMOrcRTDyldObjectLinkingLayerRegisterJITEventListener(layer, perf);
    return layer;
}

int llvm_jit_attach(const IrProgram *p, rt_model *m, LlvmJitInfo *info) {
    double t0 = now();
    if (!llvm_available()) return rt_fail("internal error: LLVM's native target did not initialise"), 2;
    LLVMOrcJITTargetMachineBuilderRef jtmb;
    LLVMErrorRef e = LLVMOrcJITTargetMachineBuilderDetectHost(&jtmb);
    if (e) return llvm_fail_err(2, "detecting the host", e);
    LLVMOrcLLJITBuilderRef builder = LLVMOrcCreateLLJITBuilder();
    LLVMOrcLLJITBuilderSetJITTargetMachineBuilder(builder, jtmb);
    const char *perf = getenv("EBMC_PERF_JIT");
    if (perf && *perf && strcmp(perf, "0")) LLVMOrcLLJITBuilderSetObjectLinkingLayerCreator(builder, perf_layer, NULL);
    Jit *j = calloc(1, sizeof *j);
    if ((e = LLVMOrcCreateLLJIT(&j->jit, builder))) {
        free(j);
        return llvm_fail_err(2, "creating the JIT", e);
    }
    LlvmStats st = {0};
    int rc = define_symbols(j->jit);
    if (!rc) rc = compile(p, m->name ? m->name : "model", j->jit, &st);
    j->nkernels = p->nkernels;
    j->fn = calloc((size_t)p->nkernels + 1, sizeof(KernelFn));
    for (int k = 0; !rc && k < p->nkernels; k++) {
        char name[512];
        llvm_kernel_symbol(p, k, name, sizeof name);
        LLVMOrcExecutorAddress addr = 0;
        if ((e = LLVMOrcLLJITLookup(j->jit, &addr, name))) rc = llvm_fail_err(2, "looking up a kernel", e);
        else j->fn[k] = (KernelFn)(uintptr_t)addr;
    }
    if (rc) {
        LLVMOrcDisposeLLJIT(j->jit);
        free(j->fn);
        free(j);
        return rc;
    }
    m->exec = jit_exec;
    m->backend = j;
    llvm_report(info, &st, now() - t0);
    return 0;
}

void llvm_jit_free(rt_model *m) {
    if (!m || m->exec != jit_exec) return;
    Jit *j = m->backend;
    LLVMErrorRef e = LLVMOrcDisposeLLJIT(j->jit);
    if (e) LLVMConsumeError(e);
    free(j->fn);
    free(j);
    m->exec = NULL;
    m->backend = NULL;
}
