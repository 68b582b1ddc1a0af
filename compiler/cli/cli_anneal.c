/* cli_anneal.c — building the tempered model for eval --ais, method = pt
 * and sample --pt, with its base rates and back end. */
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

int cli_base_rates(Built *b, Tempered *t, rt_params *tp, const rt_dataset *fallback, int hidden_iters, const char **from) {
    TrainConfig tc;
    rt_dataset d = {0};
    int64_t rf = rt_visible_floats(b->m);
    /* the training data (the block was checked when the spec compiled); a
     * spec without a loadable one falls back */
    int have = b->an->m->train && config_train(b->c->arena, &b->c->diag, b->an->m, b->an->m->train, NULL, 0, &tc) &&
               tc.data.kind != RT_SRC_NONE && rt_source_load(&tc.data, &d) == 0 && rt_dataset_row(&d) == rf && d.n > 0;
    const rt_dataset *src = have ? &d : fallback;
    *from = have ? "training data" : fallback ? "evaluation data" : "uniform";
    int rc = src && (rt_tempered_fit_base(&t->rt, tp, src->data, src->n, rf) ||
                     (hidden_iters > 0 && rt_tempered_fit_hidden(&t->rt, tp, src->data, src->n, rf, hidden_iters)))
                 ? cli_fail_rt()
                 : 0;
    rt_dataset_free(&d);
    return rc;
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

int cli_pt_sample(Built *b, const Opts *o, rt_params *p, long long chains, long long steps, unsigned long long seed,
                  float *values, float *means) {
    long long R = 10;
    if (opt_ll(o, "--pt", 1, &R) < 0) return 1;
    double beta_min = 0;
    const char *bm = opt_str(o, "--beta-min");
    if (bm) {
        char *end;
        beta_min = strtod(bm, &end);
        if (*end || end == bm || !(beta_min >= 0 && beta_min < 1)) {
            diag_tool_error("--beta-min expects a number in [0, 1), not '%s'", bm);
            return 1;
        }
    }
    int rc;
    Tempered *t = cli_tempered(b, o, &rc);
    if (!t) return rc;
    rt_params *tp = rt_tempered_params(&t->rt, p);
    const char *from;
    double rate = 0;
    rt_pt_cfg cfg = {(int)R, chains, beta_min, 0, seed};
    rc = cli_base_rates(b, t, tp, NULL, 0, &from);
    if (!rc && rt_pt_sample(&t->rt, tp, &cfg, (int)steps, values, means, &rate)) rc = cli_fail_rt();
    if (!rc)
        printf("parallel tempering: %lld replicas (beta 1 .. %g), base rates from the %s, swap rate %.3f\n", R, beta_min,
               from, rate);
    rt_tempered_params_free(&t->rt, tp);
    cli_tempered_free(t);
    return rc;
}
