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
#include "ir_model.h"
#include "sema.h"
#ifndef EBMC_NO_LLVM
#include "llvm.h"
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

/* --model NAME, else (joint_default) the joint model of the spec's stack,
 * else the spec's first model; NULL after an error (reported) */
static Analysis *pick_model(Compilation *c, const Opts *o, int joint_default) {
    Analysis *main = compile_main_model(c);
    if (!main) return NULL;
    const char *name = o ? opt_str(o, "--model") : NULL;
    const SemaResult *s = c->sema;
    if (!name && joint_default && s->nstacks > 0 && s->stacks[0]->joint) name = s->stacks[0]->joint->name;
    if (!name) return main;
    const char *names[64];
    for (int i = 0; i < s->nmodels; i++) {
        if (!strcmp(s->models[i]->name, name)) return c->analysis[i];
        if (i < 64) names[i] = s->models[i]->name;
    }
    diag_tool_error("--model %s: the spec has no model of that name", name);
    const char *best = sema_suggest(name, names, s->nmodels < 64 ? s->nmodels : 64);
    if (best) diag_tool_note("did you mean '%s'?", best);
    return NULL;
}

int cli_build(const char *spec, const Opts *o, Built *b) { return cli_build_model(spec, o, 0, b); }

int cli_build_model(const char *spec, const Opts *o, int joint_default, Built *b) {
    memset(b, 0, sizeof *b);
    if (want_jit(o) < 0) return 1;
    b->c = compile_file(spec);
    if (!b->c) return 1;
    b->an = pick_model(b->c, o, joint_default);
    if (!b->an) return b->c->diag.internal ? 2 : 1;
    b->ir = ir_build(b->c->arena, b->an);
    b->m = ir_model_build(b->c->arena, b->an, b->ir);
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
    return rt_error_is_internal() ? 2 : 1;
}

int cli_params_load(Built *b, const Opts *o, rt_params *p, const char *path) {
    const char *owner = opt_str(o, "--params-of");
    if (!owner) return rt_params_load(b->m, p, path) ? cli_fail_rt() : 0;
    const SemaResult *s = b->c->sema;
    Analysis *an = NULL;
    for (int i = 0; i < s->nmodels; i++)
        if (!strcmp(s->models[i]->name, owner)) an = b->c->analysis[i];
    if (!an) {
        diag_tool_error("--params-of %s: the spec has no model of that name", owner);
        return 1;
    }
    /* the file is checked against the model that wrote it, then this
     * model takes its parameters by name: nothing here runs its kernels */
    rt_model *om = ir_model_build(b->c->arena, an, ir_build(b->c->arena, an));
    rt_params *op = rt_params_new(om);
    int rc = rt_params_load(om, op, path) ? cli_fail_rt() : 0;
    for (int i = 0; i < b->m->nparams && !rc; i++) {
        const rt_param *q = &b->m->params[i];
        int found = 0;
        for (int k = 0; k < om->nparams && !found; k++) {
            const rt_param *r = &om->params[k];
            if (strcmp(r->name, q->name)) continue;
            found = 1;
            int same = r->ndim == q->ndim;
            for (int d = 0; same && d < q->ndim; d++) same = r->dims[d] == q->dims[d];
            if (!same) {
                diag_tool_error("--params-of %s: parameter '%s' has another shape in model '%s' than in '%s'", owner,
                                q->name, owner, b->m->name);
                rc = 1;
            } else {
                memcpy(p->value[i], op->value[k], sizeof(float) * (size_t)q->size);
            }
        }
        if (!found) {
            diag_tool_error("--params-of %s: model '%s' has no parameter '%s', which model '%s' declares", owner, owner,
                            q->name, b->m->name);
            rc = 1;
        }
    }
    rt_params_free(op);
    return rc;
}
