/* llvm_aot.c — the kernels of one spec as an object file, for ebmc build.
 *
 * The same module the JIT compiles (llvm_codegen.c), with three changes:
 * the kernel functions become internal and one exported constant table
 * (LlvmAotOptions.table) lists them in kernel order, so several models can
 * be linked into one program; the target is any triple LLVM knows, not
 * only the host; and no statement may fall back to interp_stmt, whose
 * argument is a pointer into this process. The runtime functions the
 * kernels call keep their C names and are resolved by the linker against
 * libebmrt.a. */
#include <llvm-c/Analysis.h>
#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "llvm.h"
#include "llvm_int.h"
#include "rt.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int init_targets(void) {
    static int done;
    if (!llvm_available()) return rt_fail("internal error: LLVM's native target did not initialise"), 2;
    if (!done) {
        LLVMInitializeAllTargetInfos();
        LLVMInitializeAllTargets();
        LLVMInitializeAllTargetMCs();
        LLVMInitializeAllAsmPrinters();
        done = 1;
    }
    return 0;
}

/* kernels internal, and the exported table of them in kernel order */
static void add_table(LLVMModuleRef mod, const IrProgram *p, const char *table) {
    LLVMContextRef ctx = LLVMGetModuleContext(mod);
    LLVMTypeRef i8p = LLVMPointerType(LLVMInt8TypeInContext(ctx), 0);
    LLVMValueRef *fns = rt_alloc(sizeof(LLVMValueRef) * (size_t)(p->nkernels + 1));
    for (int k = 0; k < p->nkernels; k++) {
        char name[512];
        llvm_kernel_symbol(p, k, name, sizeof name);
        LLVMValueRef f = LLVMGetNamedFunction(mod, name);
        LLVMSetLinkage(f, LLVMInternalLinkage);
        fns[k] = LLVMConstBitCast(f, i8p);
    }
    LLVMTypeRef ty = LLVMArrayType(i8p, (unsigned)p->nkernels);
    LLVMValueRef g = LLVMAddGlobal(mod, ty, table);
    LLVMSetInitializer(g, LLVMConstArray(i8p, fns, (unsigned)p->nkernels));
    LLVMSetGlobalConstant(g, 1);
    LLVMSetLinkage(g, LLVMExternalLinkage);
    rt_free(fns);
}

int llvm_aot_emit(const IrProgram *p, const char *name, const LlvmAotOptions *o, LlvmJitInfo *info) {
    double t0 = now();
    int rc = init_targets();
    if (rc) return rc;
    char *host = LLVMGetDefaultTargetTriple();
    char *host_cpu = LLVMGetHostCPUName(), *host_features = LLVMGetHostCPUFeatures();
    const char *triple = o->triple ? o->triple : host;
    int native = !strcmp(triple, host);
    /* another machine's kernels: its generic CPU unless one is named */
    const char *cpu = o->cpu ? o->cpu : native ? host_cpu : "generic";
    const char *features = o->cpu || !native ? "" : host_features;
    LLVMTargetMachineRef tm = llvm_target_machine(triple, cpu, features, 1);
    LLVMContextRef ctx = LLVMContextCreate();
    LlvmStats st = {0};
    LLVMModuleRef mod = NULL;
    if (!tm) rc = 1;
    if (!rc && !(mod = llvm_codegen(ctx, p, name, 1, &st))) rc = 2;
    if (!rc && st.interpreted)
        rc = 1, rt_fail("model '%s': %d kernel statement%s the code generator does not handle would need the interpreter, "
                        "which a built binary does not carry; use ebmc train / sample with --backend interp",
                        name, st.interpreted, st.interpreted == 1 ? "" : "s");
    if (!rc) {
        add_table(mod, p, o->table);
        LLVMSetTarget(mod, triple);
        LLVMTargetDataRef dl = LLVMCreateTargetDataLayout(tm);
        LLVMSetModuleDataLayout(mod, dl);
        LLVMDisposeTargetData(dl);
        llvm_set_target_attrs(mod, cpu, features);
        char *msg = NULL;
        if (LLVMVerifyModule(mod, LLVMReturnStatusAction, &msg))
            rc = 2, rt_fail("internal error: LLVM AOT: the generated module for '%s' does not verify: %s", name, msg);
        if (msg) LLVMDisposeMessage(msg);
    }
    if (!rc) rc = llvm_optimise(mod, tm);
    char *err = NULL;
    if (!rc && o->ll && LLVMPrintModuleToFile(mod, o->ll, &err))
        rc = 1, rt_fail("--emit-llvm: cannot write '%s': %s", o->ll, err ? err : "?");
    if (err) LLVMDisposeMessage(err), err = NULL;
    if (!rc && LLVMTargetMachineEmitToFile(tm, mod, (char *)o->object, LLVMObjectFile, &err))
        rc = 1, rt_fail("cannot write the object file '%s': %s", o->object, err ? err : "?");
    if (err) LLVMDisposeMessage(err);
    if (mod) LLVMDisposeModule(mod);
    LLVMContextDispose(ctx);
    if (tm) LLVMDisposeTargetMachine(tm);
    LLVMDisposeMessage(host);
    LLVMDisposeMessage(host_cpu);
    LLVMDisposeMessage(host_features);
    llvm_report(info, &st, now() - t0);
    return rc;
}
