/* cli_eval.c — ebmc eval: the spec's model compiled, its eval block
 * resolved with --set and --config, the data chosen and loaded, then the
 * runtime's eval driver (runtime/app/rt_drive_eval.c, which says the
 * report's keys), which a built binary's eval runs too. */
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_anneal.h"
#include "cli_config.h"
#include "config.h"
#include "config_app.h"
#include "config_stages.h"
#include "cli_stack.h"
#include "rt_ais.h"
#include "rt_drive.h"
#include "rt_drive_eval.h"
#include "runconfig.h"

/* the settings of this run: the eval block, then the flags */
static int settings(Built *b, const Opts *o, rt_eval_job *j) {
    char *sets[64];
    int nsets = opt_all(o, "--set", sets, 64);
    EvalConfig ec;
    if (!config_eval(b->c->arena, &b->c->diag, b->an->m->eval, sets, nsets, &ec)) return 1;
    config_app_eval(&ec, &j->e);
    return rt_drive_eval_flags(o, j);
}

/* A model without a train block of its own that is part of the spec's
 * stack (a DBM's joint model, a layer) evaluates on the stack's data: its
 * first stage's. 1 when ds was set. */
static int stack_data(Built *b, DataSpec *ds) {
    const SemaResult *s = b->c->sema;
    if (b->an->m->train || s->nstacks == 0) return 0;
    Stage *st;
    int n;
    if (!config_stages_parse(b->c->arena, &b->c->diag, s->stacks[0], &st, &n) || n == 0) return 0;
    *ds = st[0].cfg.data;
    return ds->kind != RT_SRC_NONE;
}

/* After data a binary group cannot take were refused: grey levels have a
 * fix to name, when the data came from --data */
static void note_grey(const Built *b, const rt_dataset *d, const DataSpec *ds, int arg) {
    int64_t off = 0, at = -1, row = rt_dataset_row(d);
    for (int g = 0; g < b->m->ngroups && at < 0; g++) {
        const rt_group *gr = &b->m->groups[g];
        if (gr->role == RT_HIDDEN || gr->noise != RT_NOISE_NONE) continue;
        if (gr->role == RT_VISIBLE && gr->utype == RT_BERNOULLI)
            for (int64_t i = 0; i < d->n && at < 0; i++)
                for (int64_t k = 0; k < gr->size && at < 0; k++) {
                    float x = d->data[i * row + off + k];
                    if (x > 0.0f && x < 1.0f) at = i;
                }
        off += gr->size;
    }
    if (at < 0 || !arg) return;
    DataSpec fixed = *ds;
    fixed.binarize = 0.5;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    runconfig_data_text(f, &fixed);
    fclose(f);
    diag_tool_note("binarize it: --set 'data=%s'", text);
    free(text);
}

/* --dbn-bound: the DBN stack's variational bound (cli_stack_bound) */
static int dbn_bound(Built *b, const Opts *o, const rt_app_eval *ec, const DataSpec *ds, const char *params) {
    if (b->c->sema->nstacks == 0 || b->c->sema->stacks[0]->kind != STACK_DBN) {
        diag_tool_error("--dbn-bound evaluates a DBN stack (kind = dbn), which %s does not have", o->spec);
        return 1;
    }
    long long samples = 10, sweeps = 1;
    if (opt_ll(o, "--bound-samples", 1, &samples) < 0 || opt_ll(o, "--sweeps", 1, &sweeps) < 0) return 1;
    rt_dataset data = {0};
    if (rt_source_load(ds, &data)) return cli_fail_rt();
    rt_ais_cfg cfg = {ec->runs, ec->betas, NULL, 0, ec->seed, (int)sweeps};
    int rc = cli_stack_bound(b->c, o, params, &data, (int)samples, &cfg, stdout);
    rt_dataset_free(&data);
    return rc;
}

int cmd_eval(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, rt_flags_eval, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    const char *params = opt_str(&o, "--params");
    if (!params) {
        diag_tool_error("ebmc eval needs --params P.safetensors (from ebmc train)");
        return 1;
    }
    if (cli_config_use(&o)) return 1;
    Built b;
    if ((rc = cli_build_model(o.spec, &o, 1, &b))) {
        cli_unbuild(&b);
        return rc;
    }
    if (b.an->m->network) {
        diag_tool_error("ebmc eval: '%s' is a network of an adversarial pair: it has no likelihood to estimate; write its "
                        "samples with ebmc sample --out S.npy and score them with a classifier's eval --inception S.npy",
                        b.an->m->name);
        cli_unbuild(&b);
        return 1;
    }
    rc = 1;
    rt_dataset data = {0};
    TrainConfig tc;
    SampleConfig sc;
    DataSpec ds;
    Tempered *t = NULL;
    rt_eval_job j = {.m = b.m, .params = params, .data = &data, .default_target = -1, .say = cli_say};
    if (settings(&b, &o, &j) || rt_drive_eval_check_outputs(&j)) goto done;
    int have_train = config_train(b.c->arena, &b.c->diag, b.an->m, b.an->m->train, NULL, 0, &tc);
    if (opt_str(&o, "--data")) rt_source_from_arg(opt_str(&o, "--data"), &ds);
    else if (j.e.data.kind != RT_SRC_NONE) ds = j.e.data;
    else if (!stack_data(&b, &ds)) {
        if (!have_train) goto done;
        ds = tc.data;
    }
    if (opt_has(&o, "--dbn-bound")) {
        rc = dbn_bound(&b, &o, &j.e, &ds, params);
        goto done;
    }
    if (have_train) {
        j.default_target = tc.rt.target;
        j.train_data = &tc.data;   /* AIS's base rates */
        /* mean field as the model was trained: mp's sweeps, or mean_field = N */
        j.mf_iters = tc.rt.method == RT_MP ? tc.rt.iters : tc.rt.mf_iters;
    }
    j.p = rt_params_new(b.m);
    if (rt_params_load(b.m, j.p, params)) {
        rc = cli_fail_rt();
        goto done;
    }
    rt_drive load = {.m = b.m, .say = cli_say};
    if ((rc = rt_drive_load_data(&load, &ds, 0, &data))) {
        if (data.data && rt_dataset_row(&data) == rt_visible_floats(b.m)) note_grey(&b, &data, &ds, opt_str(&o, "--data") != NULL);
        goto done;
    }
    if (!config_sample(b.c->arena, &b.c->diag, b.an->m->sample, NULL, 0, &sc)) goto done;
    j.page = (rt_page_ctx){b.m, sc.chains, sc.steps};   /* --html's samples */
    if (j.e.ais && !b.m->recur && !(t = cli_tempered(&b, &o, &rc))) goto done;
    if (t) j.tempered = &t->rt;
    rc = rt_drive_eval(&j);
done:
    cli_tempered_free(t);
    rt_params_free(j.p);
    rt_dataset_free(&data);
    cli_unbuild(&b);
    return rc;
}
