/* cli_build.c — what every running subcommand starts with: the spec
 * compiled to a runtime model on the chosen back end.
 *
 * --backend jit (the default when LLVM initialises) compiles the kernels
 * with the LLVM JIT (compiler/llvm/); --backend interp keeps the reference
 * interpreter. EBMC_VERBOSE=1 reports the JIT's compile time on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "ir_kernels.h"
#include "model_desc.h"
#ifndef EBMC_NO_LLVM
#include "llvm/llvm.h"
#endif

/* 0: run on m's interpreter; 1: JIT; -1: an unknown name (reported) */
static int want_jit(const Opts *o) {
    const char *backend = o ? opt_str(o, "--backend") : NULL;
    if (backend && strcmp(backend, "interp") && strcmp(backend, "jit")) {
        diag_tool_error("--backend must be interp or jit, not '%s'", backend);
        return -1;
    }
#ifdef EBMC_NO_LLVM
    if (backend && !strcmp(backend, "jit")) {
        diag_tool_error("--backend jit: this build has no LLVM (EBMC_NO_LLVM); use --backend interp");
        return -1;
    }
    return 0;
#else
    if (backend) return !strcmp(backend, "jit");
    return llvm_available();
#endif
}

int cli_backend(const Opts *o, const IrProgram *ir, rt_model *m) {
    int jit = want_jit(o);
    if (jit <= 0) return jit < 0 ? 1 : 0;
#ifndef EBMC_NO_LLVM
    LlvmJitInfo info;
    int rc = llvm_jit_attach(ir, m, &info);
    if (rc) {
        diag_tool_error("%s", rt_last_error());
        return rc;
    }
    const char *verbose = getenv("EBMC_VERBOSE");
    if (verbose && *verbose && strcmp(verbose, "0"))
        fprintf(stderr, "ebmc: jit: model '%s': %d kernels, %d statements (%d interpreted), compiled in %.3f s\n", m->name,
                info.kernels, info.stmts, info.interpreted, info.seconds);
#else
    (void)ir;
    (void)m;
#endif
    return 0;
}

int cli_build(const char *spec, const Opts *o, Built *b) {
    memset(b, 0, sizeof *b);
    if (want_jit(o) < 0) return 1;
    b->c = compile_file(spec);
    if (!b->c) return 1;
    b->an = compile_main_model(b->c);
    if (!b->an) return 1;
    b->ir = ir_build(b->c->arena, b->an);
    b->m = desc_build(b->c->arena, b->an, b->ir);
    return cli_backend(o, b->ir, b->m);
}

void cli_backend_free(rt_model *m) {
#ifndef EBMC_NO_LLVM
    llvm_jit_free(m);
#else
    (void)m;
#endif
}

void cli_unbuild(Built *b) {
    cli_backend_free(b->m);
    compile_free(b->c);
}

int cli_fail_rt(void) {
    diag_tool_error("%s", rt_last_error());
    return 1;
}
