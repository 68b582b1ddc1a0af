/* cli_stack_bundle.c — a spec's stack compiled into the runtime's bundle
 * (cli_stack.h, rt_stack.h): each layer and the joint model compiled, the
 * tempered model of every stage with method = pt, each stage's settings
 * resolved, and the network of a backprop stage unrolled and compiled
 * when the runtime asks for it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_anneal.h"
#include "cli_stack.h"
#include "derive_unroll.h"
#include "ir_kernels.h"
#include "ir_model.h"

static Analysis *analysis_of(Compilation *c, const Model *m) {
    for (int i = 0; i < c->sema->nmodels; i++)
        if (c->sema->models[i] == m) return c->analysis[i];
    return NULL;
}

/* part k of b: layer k, or (k == nlayers) the joint model; 0 after an error */
static int part_build(StackBundle *b, int k, const Model *model) {
    Compilation *c = b->c;
    if (!(b->an[k] = analysis_of(c, model))) return 0;
    b->ir[k] = ir_build(c->arena, b->an[k]);
    b->m[k] = ir_model_build(c->arena, b->an[k], b->ir[k]);
    return !b->attach || !cli_backend(b->o, b->ir[k], b->m[k]);
}

/* each stage's settings (resolved once, with --set and --config, by
 * cli_config_stack_yaml) and the tempered model of method = pt */
static int stages(StackBundle *b, Stage *st0, int n) {
    Compilation *c = b->c;
    const Stack *s = b->s;
    b->stages = st0;
    b->nstages = n;
    if (b->nstages == 0) {
        diag_tool_error("stack '%s' has no stages to run", s->name);
        return 1;
    }
    b->tempered = calloc((size_t)b->nstages, sizeof(Tempered *));
    b->rs_stages = calloc((size_t)b->nstages, sizeof(rt_stack_stage));
    for (int i = 0; i < b->nstages; i++) {
        Stage *st = &b->stages[i];
        int part = st->kind == STAGE_LAYER ? st->layer : st->kind == STAGE_JOINT ? s->nlayers : -1;
        const char *refuse = config_stage_refused(st);
        if (part >= 0 && st->cfg.rt.method == RT_PT && !refuse) {
            int rc = 0;
            if (b->attach) b->tempered[i] = cli_tempered_of(c, b->an[part], b->m[part], b->o, &rc);
            else if (!(b->tempered[i] = derive_tempered_build(c->arena, &c->diag, b->an[part], b->m[part])))
                rc = c->diag.internal ? 2 : 1;
            if (!b->tempered[i]) return rc ? rc : 1;
        }
        b->rs_stages[i] = (rt_stack_stage){
            .name = st->name,
            .kind = st->kind == STAGE_LAYER    ? RT_STAGE_LAYER
                    : st->kind == STAGE_JOINT  ? RT_STAGE_JOINT
                    : st->kind == STAGE_UPDOWN ? RT_STAGE_UPDOWN
                                               : RT_STAGE_BACKPROP,
            .layer = st->layer,
            .cfg = st->cfg.rt,
            .data = st->cfg.data,
            .validation = st->cfg.validation,
            .test = st->cfg.test,
            .filters = st->cfg.filters,
            .nhalve = st->nhalve,
            .halve = st->halve,
            .tempered = b->tempered[i] ? &b->tempered[i]->rt : NULL,
            .refuse = refuse,
        };
    }
    b->rs.nstages = b->nstages;
    b->rs.stages = b->rs_stages;
    return 0;
}

int cli_stack_bundle(Compilation *c, const Opts *o, int attach, Stage *st, int nst, StackBundle *b) {
    memset(b, 0, sizeof *b);
    b->c = c;
    b->o = o;
    b->attach = attach;
    const Stack *s = b->s = c->sema->stacks[0];
    int n = s->nlayers + 1;
    b->an = calloc((size_t)n, sizeof(Analysis *));
    b->ir = calloc((size_t)n, sizeof(IrProgram *));
    b->m = calloc((size_t)n, sizeof(rt_model *));
    b->hidden = calloc((size_t)n, sizeof(int));
    for (int k = 0; k < s->nlayers; k++) {
        if (!part_build(b, k, s->layers[k])) return 1;
        b->hidden[k] = -1;
        for (int g = 0; g < b->m[k]->ngroups; g++)
            if (b->m[k]->groups[g].role == RT_HIDDEN) b->hidden[k] = g;
    }
    if (s->joint && !part_build(b, s->nlayers, s->joint)) return 1;
    const Sym *v0 = NULL;
    for (int u = 0; u < s->layers[0]->nunits && !v0; u++)
        if (s->layers[0]->units[u]->role == ROLE_VISIBLE) v0 = s->layers[0]->units[u];
    b->rs = (rt_stack){.name = s->name, .dbm = s->kind == STACK_DBM && s->joint, .nlayers = s->nlayers,
                       .layers = b->m, .joint = s->joint ? b->m[s->nlayers] : NULL,
                       .unroll = cli_stack_unroll, .unroll_ctx = b};
    b->rs.image_h = v0->ndim == 2 ? (int)v0->dims[0] : (int)lrint(sqrt((double)v0->size));
    b->rs.image_w = v0->ndim == 2 ? (int)v0->dims[1] : b->rs.image_h;
    return st ? stages(b, st, nst) : 0;
}

void cli_stack_bundle_free(StackBundle *b) {
    for (int i = 0; b->tempered && i < b->nstages; i++)
        if (b->attach) cli_tempered_free(b->tempered[i]);
    for (int k = 0; b->m && k <= b->s->nlayers; k++)
        if (b->attach) cli_backend_free(b->m[k]);
    if (b->attach) cli_backend_free(b->net);
    compile_free(b->net_c);
    free(b->an);
    free(b->ir);
    free(b->m);
    free(b->hidden);
    free(b->tempered);
    free(b->rs_stages);
    memset(b, 0, sizeof *b);
}

rt_model *cli_stack_unroll(void *ctx, int64_t classes, int64_t *naug) {
    StackBundle *b = ctx;
    const Stack *s = b->s;
    char *src = derive_unroll_text(b->c->arena, s, b->an, b->hidden, s->joint ? b->an[s->nlayers] : NULL, classes, naug);
    if (!src) return NULL;
    if (getenv("EBMC_VERBOSE")) fprintf(stderr, "%s", src);
    if (b->net) return b->net;
    Analysis *an = (b->net_c = compile_source("<unrolled>", src, strlen(src))) ? compile_main_model(b->net_c) : NULL;
    if (!an) return rt_fail("internal: the unrolled network did not compile:\n%s", src), NULL;
    b->net_ir = ir_build(b->net_c->arena, an);
    rt_model *m = ir_model_build(b->net_c->arena, an, b->net_ir);
    if (b->attach && cli_backend(b->o, b->net_ir, m)) return NULL;
    return b->net = m;
}
