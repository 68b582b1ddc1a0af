/* config_app.c — a built binary's settings, resolved as ebmc resolves
 * them: the glue `ebmc build` writes hands config_app_resolve to rt_app
 * (rt_app.h), and the binary links it from libebmcfront.a. The embedded
 * spec text is parsed and checked again (no analysis, no code: the
 * compiled model is the binary's), then its train / sample / eval block
 * with the run file (--config) and the --set overrides, through the same
 * config_* functions and messages as ebmc's. */
#include <stdlib.h>
#include <string.h>

#include "config_app.h"
#include "config_stages.h"
#include "parse.h"
#include "runconfig.h"

void config_app_sample(const SampleConfig *sc, rt_app_sample *out) {
    memset(out, 0, sizeof *out);
    out->chains = sc->chains;
    out->steps = sc->steps;
    out->seed = sc->seed;
    out->out = sc->out;
    out->mean_field = sc->mean_field;
    out->length = sc->length;
    out->nclamps = sc->nclamps;
    for (int i = 0; i < sc->nclamps; i++) {
        const ClampSpec *c = &sc->clamps[i];
        out->clamps[i] = (rt_clamp_spec){c->group, c->file, c->value, c->free, c->mask_file, c->binarize, c->limit};
    }
}

void config_app_eval(const EvalConfig *ec, rt_app_eval *out) {
    *out = (rt_app_eval){ec->data, ec->exact, ec->ais, ec->runs, ec->betas, ec->schedule, ec->filters, ec->html, ec->seed};
}

/* The methods whose models were compiled into the binary: a setting that
 * needs another is structure, fixed when the binary was built. */
static int same_structure(const rt_app *app, const TrainConfig *tc) {
    const char *fix = "the compiled models are fixed when the binary is built: set it in the spec and run ebmc build again";
    if (tc->rt.method == RT_PT && !app->tempered) {
        diag_tool_error("method = pt needs the tempered model of '%s', which this binary was built without",
                        app->model->name);
        diag_tool_note("%s", fix);
        return 0;
    }
    if (tc->rt.method == RT_MP &&
        (!app->mp_net || !app->train || app->train->method != RT_MP || tc->rt.iters != app->train->iters ||
         tc->rt.mp_drop != app->train->mp_drop)) {
        diag_tool_error("method = mp(iters = %d, drop = %g) needs the network of those settings, which this binary "
                        "was built without", tc->rt.iters, tc->rt.mp_drop);
        diag_tool_note("%s", fix);
        return 0;
    }
    if ((tc->rt.method == RT_WAKE_SLEEP || tc->rt.method == RT_REINFORCE) &&
        (!app->recognition || !tc->recognition || strcmp(tc->recognition, app->recognition->name))) {
        diag_tool_error("this method needs the recognition model '%s', which this binary was built without",
                        tc->recognition ? tc->recognition : "q");
        diag_tool_note("%s", fix);
        return 0;
    }
    return 1;
}

/* train of a stack's binary: the stages resolved as ebmc train resolves
 * them, into copies of the bundle's (its compiled parts kept) */
static int resolve_stages(const rt_app *app, Arena *a, Diag *d, const Stack *s, char **sets, int nsets, rt_app_run *out) {
    Stage *st;
    int n;
    char *yaml = config_stages_resolve(a, d, app->spec, s, sets, nsets, &st, &n);
    if (!yaml) return 1;
    const rt_stack *b = app->stack;
    if (n != b->nstages) {
        free(yaml);
        diag_tool_error("internal: the embedded spec's stack has %d stages, the binary's %d", n, b->nstages);
        return 2;
    }
    rt_stack_stage *rs = malloc(sizeof *rs * (size_t)n);
    for (int i = 0; i < n; i++) {
        rs[i] = b->stages[i];
        rs[i].cfg = st[i].cfg.rt;
        rs[i].data = st[i].cfg.data;
        rs[i].validation = st[i].cfg.validation;
        rs[i].test = st[i].cfg.test;
        rs[i].filters = st[i].cfg.filters;
        rs[i].refuse = config_stage_refused(&st[i]);
        /* the tempered model of a pt stage is compiled in, or not */
        if (rs[i].cfg.method == RT_PT && !rs[i].refuse && !rs[i].tempered) {
            diag_tool_error("stage '%s': method = pt needs the tempered model of its part, which this binary was built "
                            "without", st[i].name);
            diag_tool_note("the compiled models are fixed when the binary is built: set it in the spec and run ebmc "
                           "build again");
            free(rs);
            free(yaml);
            return 1;
        }
    }
    out->stages = rs;
    out->config = yaml;
    return 0;
}

int config_app_resolve(const rt_app *app, const char *kind, const char *run_file, char **sets, int nsets, rt_app_run *out) {
    /* the settings' strings live in its arena: for the whole run */
    static Arena *a;
    static Diag d;
    if (!a) a = arena_new();
    memset(out, 0, sizeof *out);
    diag_init(&d, app->spec, app->spec_text, app->spec_len);
    Program *prog = parse_source(a, &d, app->spec, app->spec_text, app->spec_len);
    SemaResult *s = d.errors ? NULL : sema_check(a, &d, prog);
    const Model *m = NULL;
    for (int i = 0; s && !d.errors && i < s->nmodels; i++)
        if (!strcmp(s->models[i]->name, app->model->name)) m = s->models[i];
    if (!m) {
        diag_tool_error("internal: the embedded spec %s has no model '%s'", app->spec, app->model->name);
        return 2;
    }
    if (run_file) {
        const RunConfig *rc = runconfig_load(a, run_file);
        if (!rc) return 1;
        runconfig_use(rc);
    }
    TrainConfig tc;
    int is_train = !strcmp(kind, "train");
    if (is_train && app->stack && s->nstacks > 0) return resolve_stages(app, a, &d, s->stacks[0], sets, nsets, out);
    /* eval takes the train block's target and data too, as ebmc eval does */
    if (!config_train(a, &d, m, m->train, is_train ? sets : NULL, is_train ? nsets : 0, &tc)) return 1;
    if (is_train) {
        if (!same_structure(app, &tc)) return 1;
        if (!(out->config = runconfig_train_yaml(a, &d, app->spec, m, &tc, sets, nsets))) return 1;
    }
    out->train = tc.rt;
    out->data = tc.data;
    out->validation = tc.validation;
    out->test = tc.test;
    out->filters = tc.filters;
    SampleConfig sc;
    int is_sample = !strcmp(kind, "sample");
    if (!config_sample(a, &d, m->sample, is_sample ? sets : NULL, is_sample ? nsets : 0, &sc)) return 1;
    config_app_sample(&sc, &out->sample);
    EvalConfig ec;
    int is_eval = !strcmp(kind, "eval");
    if (!config_eval(a, &d, m->eval, is_eval ? sets : NULL, is_eval ? nsets : 0, &ec)) return 1;
    config_app_eval(&ec, &out->eval);
    return 0;
}
