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
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

/* LLVM takes any --cpu: an unknown name is a warning on stderr, and code
 * for a CPU without 64-bit support is a fatal error that aborts the
 * process. The C API cannot list a target's CPUs, so a child process tries
 * the name on an empty module, and anything it says or a death refuses it. */
static int check_cpu(const char *triple, const char *cpu) {
    int fds[2];
    if (pipe(fds) != 0) return 0;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return 0;
    }
    if (pid == 0) {
        dup2(fds[1], 2);
        close(fds[0]);
        LLVMTargetMachineRef tm = llvm_target_machine(triple, cpu, "", 1);
        if (!tm) _exit(3);
        LLVMContextRef ctx = LLVMContextCreate();
        LLVMModuleRef mod = LLVMModuleCreateWithNameInContext("cpu_probe", ctx);
        LLVMSetTarget(mod, triple);
        LLVMTypeRef fty = LLVMFunctionType(LLVMVoidTypeInContext(ctx), NULL, 0, 0);
        LLVMValueRef f = LLVMAddFunction(mod, "probe", fty);
        LLVMBuilderRef bld = LLVMCreateBuilderInContext(ctx);
        LLVMPositionBuilderAtEnd(bld, LLVMAppendBasicBlockInContext(ctx, f, "entry"));
        LLVMBuildRetVoid(bld);
        char *err = NULL;
        LLVMMemoryBufferRef buf = NULL;
        if (LLVMTargetMachineEmitToMemoryBuffer(tm, mod, LLVMObjectFile, &err, &buf)) _exit(4);
        _exit(0);
    }
    close(fds[1]);
    char said[512];
    size_t n = 0;
    ssize_t k;
    while ((k = read(fds[0], said + n, sizeof said - 1 - n)) > 0 && (n += (size_t)k) < sizeof said - 1) {}
    said[n] = 0;
    close(fds[0]);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {}
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && n == 0) return 0;
    char *nl = strchr(said, '\n');
    if (nl) *nl = 0;
    return rt_fail("--cpu '%.100s' is not a processor LLVM can generate code for on %s%s%s%s; 'llc -mtriple=%s "
                   "-mcpu=help' lists them", cpu, triple, n ? " (LLVM: " : "", n ? said : "", n ? ")" : "", triple),
           1;
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
    LLVMTargetRef target;
    char *terr = NULL;
    if (o->cpu && !LLVMGetTargetFromTriple(triple, &target, &terr) && check_cpu(triple, o->cpu)) {
        LLVMDisposeMessage(host);
        LLVMDisposeMessage(host_cpu);
        LLVMDisposeMessage(host_features);
        return 1;
    }
    if (terr) LLVMDisposeMessage(terr);
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
