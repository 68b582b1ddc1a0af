/* cli_anneal.c — building the tempered model for eval --ais, method = pt
 * and sample --pt on its back end (the runtime fits its base rates and
 * anneals: rt_drive_sample.c, rt_drive_eval.c). */
#include "cli_anneal.h"

#include <stdlib.h>
#include <string.h>

#include "derive_mp.h"
#include "ir_kernels.h"
#include "ir_model.h"
#include "rt_pt.h"
#ifndef EBMC_NO_LLVM
#include "llvm.h"
#endif

Tempered *cli_tempered_of(Compilation *c, const Analysis *an, const rt_model *m, const Opts *o, int *rc) {
    int internal = c->diag.internal;
    /* eval's --chain (other commands have no such flag: the visible side) */
    const char *side = opt_str(o, "--chain");
    int chain = DERIVE_CHAIN_AUTO;
    if (side && !strcmp(side, "visible")) chain = DERIVE_CHAIN_VISIBLE;
    else if (side && !strcmp(side, "smaller")) chain = DERIVE_CHAIN_SMALLER;
    else if (side && !strcmp(side, "hidden")) chain = DERIVE_CHAIN_HIDDEN;
    else if (side && chain == DERIVE_CHAIN_AUTO) {
        diag_tool_error("--chain expects visible, hidden or smaller, not '%s'", side);
        *rc = 1;
        return NULL;
    }
    Tempered *t = derive_tempered_build_on(c->arena, &c->diag, an, m, chain);
    if (!t) {   /* reported at the spec's groups */
        *rc = c->diag.internal > internal ? 2 : 1;
        return NULL;
    }
    if ((*rc = cli_backend(o, t->ir, t->m))) return NULL;
    return t;
}

Tempered *cli_tempered(Built *b, const Opts *o, int *rc) {
    return cli_tempered_of(b->c, b->an, b->m, o, rc);
}

void cli_tempered_free(Tempered *t) {
#ifndef EBMC_NO_LLVM
    if (t) llvm_jit_free(t->m);
#else
    (void)t;
#endif
}

int cli_train_extras(Built *b, const Opts *o, TrainConfig *tc, TrainExtras *x) {
    memset(x, 0, sizeof *x);
    if (tc->validation.kind != RT_SRC_NONE) {
        if (rt_source_load(&tc->validation, &x->validation)) return cli_fail_rt();
        tc->rt.validation = &x->validation;
    }
    if (tc->rt.method == RT_PT) {
        int rc;
        if (!(x->t = cli_tempered(b, o, &rc))) return rc;
        tc->rt.tempered = &x->t->rt;
    }
    if (tc->rt.method == RT_MP) {
        if (!(x->mp_c = derive_mp_network(b->c->arena, b->an, tc->rt.iters, tc->rt.mp_drop))) return cli_fail_rt();
        Analysis *an = compile_main_model(x->mp_c);
        IrProgram *ir = ir_build(x->mp_c->arena, an);
        x->mp = ir_model_build(x->mp_c->arena, an, ir);
        if (cli_backend(o, ir, x->mp)) {
            x->mp = NULL;
            return 1;
        }
        tc->rt.mp_net = x->mp;
    }
    return 0;
}

void cli_train_extras_free(TrainExtras *x) {
    if (x->mp) cli_backend_free(x->mp);
    compile_free(x->mp_c);
    cli_tempered_free(x->t);
    rt_dataset_free(&x->validation);
}
