/* rt_app.c — the main program of a built binary (rt_app.h). */
#include "rt_app.h"

#include <math.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_cpu.h"
#include "rt_dist.h"
#include "rt_drive.h"
#include "rt_drive_eval.h"
#include "rt_drive_sample.h"
#include "rt_flags.h"
#include "rt_page.h"
#include "rt_progress.h"

static const char *prog;

/* "PROG: error: ..." through the runtime's one printer (rt_report) */
__attribute__((format(printf, 1, 2))) static int fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rt_vreport("error", fmt, ap);
    va_end(ap);
    return 1;
}

/* an internal failure is ebmc's bug: exit status 2, as ebmc's */
static int fail_rt(void) {
    fail("%s", rt_last_error());
    return rt_error_is_internal() ? 2 : 1;
}

/* a command's flags: ebmc's (rt_flags.c), less what needs the compiler */
int rt_app_parse(const rt_app *app, const char *cmd, const char *help, const rt_flag *flags, int leave_out, int argc,
                 char **argv, rt_opts *o) {
    char more[160];
    snprintf(more, sizeof more, "The flags are ebmc %s's ('man ebmc'), less those that need the compiler.", cmd);
    rt_flags_cmd c = {app->program, cmd, "", help, flags, leave_out, more, NULL};
    return rt_flags_parse(&c, argc, argv, o, 0);
}

/* a single model's binary: no --stages */
static int parse(const rt_app *app, const char *cmd, const char *help, const rt_flag *flags, int argc, char **argv,
                 rt_opts *o) {
    return rt_app_parse(app, cmd, help, flags, RT_FLAG_EBMC | RT_FLAG_STACK, argc, argv, o);
}

/* the spec's settings of this command with --config and --set, as ebmc
 * resolves them (app->resolve); a binary built without the resolver has
 * its embedded ones. extra: --set entries of the binary's own flags. */
int rt_app_settings(const rt_app *app, const char *kind, const rt_opts *o, char **extra, int nextra, rt_app_run *r) {
    char *sets[80];
    int n = rt_opt_all(o, "--set", sets, 64);
    for (int i = 0; i < nextra; i++) sets[n++] = extra[i];
    if (app->resolve) return app->resolve(app, kind, rt_opt_str(o, "--config"), sets, n, r);
    if (n || rt_opt_has(o, "--config")) return fail("this binary was built without its settings resolver: no --set, no --config");
    memset(r, 0, sizeof *r);
    if (app->train) r->train = *app->train;
    r->data = *app->data;
    r->validation = app->validation ? *app->validation : (rt_source){.kind = RT_SRC_NONE};
    r->test.kind = r->eval.data.kind = RT_SRC_NONE;
    r->sample = *app->sample;
    r->eval.seed = 1;
    r->eval.runs = 100, r->eval.betas = 10000;
    return 0;
}

/* --params, else the embedded parameters */
static rt_params *load_params(const rt_app *app, const rt_opts *o) {
    const rt_model *m = app->model;
    const char *path = rt_opt_str(o, "--params");
    rt_params *p = rt_params_new(m);
    if (path) {
        if (!rt_params_load(m, p, path)) return p;
        fail_rt();
    } else if (app->params) {
        const float *src = app->params;
        for (int i = 0; i < m->nparams; i++) {
            memcpy(p->value[i], src, sizeof(float) * (size_t)m->params[i].size);
            src += m->params[i].size;
        }
        return p;
    } else {
        fail("no parameters: pass --params P.safetensors (from '%s train'), or build with --params", prog);
    }
    rt_params_free(p);
    return NULL;
}

/* train --data FILE: that file, with the spec's transforms (binarize,
 * spins, ...) */
static void data_flag(const rt_opts *o, rt_source *src) {
    const char *path = rt_opt_str(o, "--data");
    if (!path) return;
    rt_source given;
    rt_source_from_arg(path, &given);
    src->kind = given.kind;
    src->path = given.path;
    src->rows = given.rows;
    src->cols = given.cols;
    src->labels = NULL;
    src->patch = 0;
}

/* the binary's own train flags, as the --set entries ebmc would take */
static int own_sets(const rt_opts *o, char bufs[3][96], char **sets) {
    static const char *const flags[][2] = {{"--epochs", "epochs"}, {"--batch", "batch"}, {"--lr", "lr"}};
    int n = 0;
    for (int i = 0; i < 3; i++) {
        const char *v = rt_opt_str(o, flags[i][0]);
        if (!v) continue;
        snprintf(bufs[n], sizeof bufs[n], "%s=%s", flags[i][1], v);
        sets[n] = bufs[n];
        n++;
    }
    return n;
}

static int cmd_train(const rt_app *app, int argc, char **argv) {
    rt_opts o;
    int rc = parse(app, "train", "train the model (the spec's train block, with --set and --config)", rt_flags_train, argc,
                   argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    if (!app->train) return fail("the spec has no train block for model '%s'", app->model->name);
    long long seed = -1, v;
    if (rt_opt_ll(&o, "--seed", 0, &seed) < 0 || rt_opt_ll(&o, "--epochs", 0, &v) < 0 || rt_opt_ll(&o, "--batch", 1, &v) < 0)
        return 1;
    char bufs[3][96], *own[4];
    int nown = own_sets(&o, bufs, own);
    rt_app_run r;
    if ((rc = rt_app_settings(app, "train", &o, own, nown, &r))) return rc;
    rt_train_cfg cfg = r.train;
    if (seed >= 0) cfg.seed = (uint64_t)seed;
    cfg.quiet = rt_opt_has(&o, "--quiet");
    /* the configuration names the seed: resolved again with it, as ebmc's */
    char seedset[48];
    if (seed >= 0 && app->resolve) {
        snprintf(seedset, sizeof seedset, "seed=%lld", seed);
        own[nown++] = seedset;
        free(r.config);
        if ((rc = rt_app_settings(app, "train", &o, own, nown, &r))) return rc;
    }
    if (rt_opt_has(&o, "--print-config")) {
        if (r.config) fputs(r.config, stdout);
        free(r.config);
        return r.config ? 0 : fail("this binary was built without its settings resolver: no --print-config");
    }
    data_flag(&o, &r.data);
    rt_dataset data = {0}, held = {0};
    rt_params *p = NULL, *qp = NULL;
    char def[512], title[600];
    snprintf(def, sizeof def, "%s.safetensors", app->model->name);
    snprintf(title, sizeof title, "%s train", prog);
    rt_page_ctx page = {app->model, r.sample.chains, r.sample.steps};   /* samples as the sample block says */
    rt_drive d = {title, app->spec, app->spec_hash, app->version, r.config, app->model, NULL, &data, &cfg,
                  rt_opt_str(&o, "--out") ? rt_opt_str(&o, "--out") : def, rt_opt_str(&o, "--log"), rt_opt_str(&o, "--report"), NULL, NULL,
                  &r.test, r.filters, NULL, rt_page_of_run, &page};
    if (r.data.kind == RT_SRC_NONE) {
        rc = fail("no data: the spec has no data = ...; pass --data FILE");
        goto done;
    }
    if ((rc = rt_drive_load_data(&d, &r.data, 1, &data))) goto done;
    /* validation = ...: rows held out for fe_gap, so the training rows are
     * all of the data, as ebmc train's are */
    if (r.validation.kind != RT_SRC_NONE) {
        if (rt_source_load(&r.validation, &held)) {
            rc = fail_rt();
            goto done;
        }
        cfg.validation = &held;
    }
    p = rt_params_new(app->model);
    rt_params_init(app->model, p, cfg.seed);
    d.p = p;
    /* as ebmc train does: the tempered model, the recognition model's
     * parameters drawn after the model's */
    if (cfg.method == RT_PT) cfg.tempered = app->tempered;
    if (cfg.method == RT_MP) cfg.mp_net = app->mp_net;
    if ((cfg.method == RT_WAKE_SLEEP || cfg.method == RT_REINFORCE) && app->recognition) {
        qp = rt_params_new(app->recognition);
        rt_params_init(app->recognition, qp, cfg.seed + 1);
        d.q = app->recognition;
        d.qp = qp;
    }
    if (rt_drive_check_outputs(&d)) {
        rc = 1;
        goto done;
    }
    cfg.resume_path = rt_opt_str(&o, "--resume");
    rc = rt_drive_train(&d);
done:
    free(r.config);
    rt_params_free(p);
    rt_params_free(qp);
    rt_dataset_free(&held);
    rt_dataset_free(&data);
    return rc;
}

/* eval --chain: the binary holds the tempered model of ebmc eval's default
 * chain (ebmc build's): --chain visible names it where that chain runs on
 * the visible groups (an RBM's); the others need the compiler */
static int chain_side(const rt_app *app, const rt_opts *o) {
    const char *side = rt_opt_str(o, "--chain");
    if (!side) return 0;
    const rt_tempered *t = app->tempered;
    int on_visible = t != NULL;
    for (int g = 0; t && g < app->model->ngroups; g++)
        if (app->model->groups[g].role == RT_VISIBLE && (t->sum_mask >> g & 1)) on_visible = 0;
    if (!strcmp(side, "visible") && on_visible) return 0;
    if (on_visible) fail("--chain %s: this binary holds the tempered model whose chain runs on the visible side", side);
    else fail("--chain %s: this binary holds the tempered model of ebmc eval's default chain", side);
    rt_report("note", "'ebmc eval SPEC --chain %s' compiles the other", side);
    return 1;
}

static int cmd_sample(const rt_app *app, int argc, char **argv) {
    rt_opts o;
    int rc = parse(app, "sample", "draw samples by block Gibbs sampling (the spec's sample block, with --set and --config)",
                   rt_flags_sample, argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    rt_app_run r;
    if ((rc = rt_app_settings(app, "sample", &o, NULL, 0, &r))) return rc;
    free(r.config);
    rt_sample_job j = {.m = app->model, .s = r.sample, .tempered = app->tempered, .train_data = &r.data};
    if (!j.s.out) j.s.out = "samples.png";   /* no spec to name it after */
    if (rt_drive_sample_flags(&o, &j) || rt_drive_sample_check_out(&j)) return 1;
    if (!(j.p = load_params(app, &o))) return 1;
    rc = rt_drive_sample(&j);
    rt_params_free(j.p);
    return rc;
}

static int cmd_eval(const rt_app *app, int argc, char **argv) {
    rt_opts o;
    int rc = parse(app, "eval", "evaluate a trained model (YAML report; the spec's eval block, with --set and --config)",
                   rt_flags_eval, argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    rt_app_run r;
    if ((rc = rt_app_settings(app, "eval", &o, NULL, 0, &r))) return rc;
    free(r.config);
    rt_dataset data = {0};
    rt_eval_job j = {.m = app->model, .params = rt_opt_str(&o, "--params"), .data = &data, .e = r.eval,
                     .default_target = app->train ? r.train.target : -1, .tempered = app->tempered,
                     /* mean field as the model was trained: mp's sweeps, or mean_field = N */
                     .mf_iters = !app->train ? 10 : r.train.method == RT_MP ? r.train.iters : r.train.mf_iters,
                     .train_data = &r.data, .page = {app->model, r.sample.chains, r.sample.steps}};
    if (rt_drive_eval_flags(&o, &j) || chain_side(app, &o) || rt_drive_eval_check_outputs(&j)) return 1;
    /* as ebmc eval: --data as given, else the eval block's, else the train block's */
    rt_source src = r.eval.data.kind != RT_SRC_NONE ? r.eval.data : r.data;
    /* a stack's joint model has no train block: the stack's data, embedded */
    if (src.kind == RT_SRC_NONE && app->data) src = *app->data;
    if (rt_opt_str(&o, "--data")) rt_source_from_arg(rt_opt_str(&o, "--data"), &src);
    if (src.kind == RT_SRC_NONE) return fail("no data: the spec has no data = ...; pass --data FILE");
    if (!(j.p = load_params(app, &o))) return 1;
    rt_drive d = {.m = app->model};
    if (!(rc = rt_drive_load_data(&d, &src, 0, &data))) rc = rt_drive_eval(&j);
    rt_params_free(j.p);
    rt_dataset_free(&data);
    return rc;
}

static void version(const rt_app *app, FILE *out) {
    fprintf(out, "%s: model '%s' built by ebmc %s from %s (spec fnv1a64 %s), kernels for %s%s%s\n", prog, app->model->name,
           app->version, app->spec, app->spec_hash, app->target, app->params ? "; parameters embedded from " : "",
           app->params ? app->params_from : "");
}

int rt_app_main(const rt_app *app, int argc, char **argv) {
    rt_cpu_setup(argv);
    rt_dist_start();   /* under mpirun: one of the job's ranks */
    prog = app->program;
    rt_set_program(prog);
    signal(SIGXFSZ, SIG_IGN);   /* a full disk: an error from write(), the old file kept */
    rt_files_guard(1);          /* no output replaces a file this command reads */
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        FILE *out = argc < 2 ? stderr : stdout;   /* no command is an error: its message on stderr, as ebmc's */
        version(app, out);
        fprintf(out, "\nusage: %s COMMAND [flags]\n\n"
               "  train    train the model (the spec's train block; --data, --epochs, --lr to change it)\n"
               "  sample   draw samples by block Gibbs sampling (clamped, or by parallel tempering)\n"
               "  eval     reconstruction error, pseudo-log-likelihood, exact log Z when small enough, AIS\n\n"
               "'%s COMMAND --help' lists a command's flags.\n",
               prog, prog);
        return argc < 2 ? 1 : 0;
    }
    if (!strcmp(argv[1], "--version")) {
        version(app, stdout);
        return 0;
    }
    if (app->stack && (!strcmp(argv[1], "train") || !strcmp(argv[1], "sample"))) return rt_app_stack_main(app, argc, argv);
    if (!strcmp(argv[1], "train")) return cmd_train(app, argc - 2, argv + 2);
    if (!strcmp(argv[1], "sample")) return cmd_sample(app, argc - 2, argv + 2);
    if (!strcmp(argv[1], "eval")) return cmd_eval(app, argc - 2, argv + 2);
    fail("unknown command '%s'", argv[1]);
    rt_report("note", "the commands are train, sample and eval");
    return 1;
}
