/* rt_app.c — the main program of a built binary (rt_app.h). */
#include "rt_app.h"

#include <math.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_cpu.h"
#include "rt_data_check.h"
#include "rt_dist.h"
#include "rt_eval.h"
#include "rt_progress.h"
#include "rt_sample.h"
#include "rt_sample_out.h"

typedef struct Flag {
    const char *name;
    int takes_value;
    const char *help;
} Flag;

typedef struct Args {
    int n;
    const char *name[32], *value[32];
} Args;

static const Flag train_flags[] = {
    {"--data", 1, "training data: .csv, .npy or IDX (default: the spec's data = ...)"},
    {"--out", 1, "where to write the parameters (default: MODEL.safetensors)"},
    {"--epochs", 1, "number of epochs (default: the spec's)"},
    {"--lr", 1, "learning rate, every epoch (default: the spec's schedule)"},
    {"--batch", 1, "minibatch size"},
    {"--seed", 1, "random seed"},
    {"--resume", 1, "continue a checkpoint written during training"},
    {"--quiet", 0, "no progress lines"},
    {NULL, 0, NULL},
};
static const Flag sample_flags[] = {
    {"--params", 1, "parameters (default: the ones embedded at build time)"},
    {"--chains", 1, "number of chains"},
    {"--steps", 1, "Gibbs sweeps per chain"},
    {"--seed", 1, "random seed"},
    {"--out", 1, "F.png, F.csv or F.npy"},
    {"--mean-field", 0, "write conditional means, not samples, to .csv / .npy"},
    {NULL, 0, NULL},
};
static const Flag eval_flags[] = {
    {"--params", 1, "parameters (default: the ones embedded at build time)"},
    {"--data", 1, "data to evaluate: .csv, .npy or IDX (default: the spec's training data)"},
    {"--exact", 0, "exact log Z and log-likelihood by enumeration (an error if the model is too large)"},
    {"--target", 1, "a visible group to predict from the rest: exact cond_loglik and accuracy"},
    {"--seed", 1, "random seed (pseudo-log-likelihood)"},
    {NULL, 0, NULL},
};

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

static void usage(const char *cmd, const Flag *f, FILE *out) {
    fprintf(out, "usage: %s %s [flags]\n\nflags:\n", prog, cmd);
    for (int i = 0; f[i].name; i++)
        fprintf(out, "  %-14s%s  %s\n", f[i].name, f[i].takes_value ? " VALUE" : "      ", f[i].help);
}

/* 0 parsed; 1 error (reported); -1 --help printed */
static int parse(const char *cmd, const Flag *flags, int argc, char **argv, Args *a) {
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(cmd, flags, stdout);
            return -1;
        }
        char name[64];
        const char *eq = strchr(argv[i], '=');
        size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        snprintf(name, sizeof name, "%.*s", (int)(len < 63 ? len : 63), argv[i]);
        const Flag *f = NULL;
        for (int k = 0; flags[k].name; k++)
            if (!strcmp(flags[k].name, name)) f = &flags[k];
        if (!f || a->n >= 32) {
            fail("unknown flag '%s' for '%s'", name, cmd);
            rt_report("note", "'%s %s --help' lists the flags", prog, cmd);
            return 1;
        }
        const char *v = NULL;
        if (f->takes_value) {
            if (eq) v = eq + 1;
            else if (i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1] == '-' && argv[i + 1][2]))
                v = argv[++i];
            else if (i + 1 < argc) return fail("flag '%s' needs a value; '%s' is a flag", name, argv[i + 1]);
            else return fail("flag '%s' needs a value%s", name, "");
        } else if (eq) return fail("flag '%s' takes no value%s", name, "");
        a->name[a->n] = f->name;
        a->value[a->n++] = v;
        if (v && !strcmp(f->name, "--resume")) rt_output_may_replace(v);
        else if (v && (!strcmp(f->name, "--params") || !strcmp(f->name, "--data"))) rt_input_note(v, f->name);
    }
    return 0;
}

static const char *arg(const Args *a, const char *name) {
    const char *v = NULL;
    for (int i = 0; i < a->n; i++)
        if (!strcmp(a->name[i], name)) v = a->value[i] ? a->value[i] : "";
    return v;
}

/* an integer flag of at least lo: 0 absent, 1 set, -1 bad (reported) */
static int arg_ll(const Args *a, const char *name, long long lo, long long *out) {
    return rt_flag_ll(name, arg(a, name), lo, out);
}

/* --params, else the embedded parameters */
static rt_params *load_params(const rt_app *app, const Args *a) {
    const rt_model *m = app->model;
    const char *path = arg(a, "--params");
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

/* --data (keeping the spec's transforms: binarize, spins, ...), else the
 * spec's data */
static int load_data(const rt_app *app, const Args *a, rt_dataset *d, int training) {
    rt_source src = *app->data;
    src.nan_missing = training;   /* NaN marks a missing value only in training data */
    const char *path = arg(a, "--data");
    if (path) {
        rt_source given;
        rt_source_from_arg(path, &given);
        src.kind = given.kind;
        src.path = given.path;
        src.rows = given.rows;
        src.cols = given.cols;
        src.labels = NULL;
        src.patch = 0;
    } else if (src.kind == RT_SRC_NONE) {
        return fail("no data: the spec has no data = ...; pass --data FILE");
    }
    if (rt_source_load(&src, d)) return fail_rt();
    int64_t want = rt_visible_floats(app->model);
    if (rt_dataset_row(d) != want) {
        return fail("the data has %lld values per example but model '%s' has %lld visible units",
                    (long long)rt_dataset_row(d), app->model->name, (long long)want);
    }
    if (rt_data_check(app->model, d, src.path, training)) return fail_rt();
    return 0;
}

/* beside out, as ebmc train writes it: NAME.safetensors -> NAME.Q.safetensors */
static int save_recognition(const rt_app *app, rt_params *qp, const char *out, int quiet) {
    const rt_model *q = app->recognition;
    size_t n = strlen(out);
    const char *ext = n > 12 && !strcmp(out + n - 12, ".safetensors") ? out + n - 12 : out + n;
    char path[4096];
    snprintf(path, sizeof path, "%.*s.%s.safetensors", (int)(ext - out), out, q->name);
    rt_meta meta[] = {{"model", q->name}, {"recognition_for", app->model->name}};
    if (rt_params_save(q, qp, path, meta, 2)) return fail_rt();
    if (!quiet) printf("recognition model '%s' written to %s\n", q->name, path);
    return 0;
}

static volatile int interrupted;   /* the signal that asked to stop */
static void on_interrupt(int sig) { interrupted = sig; }

static int cmd_train(const rt_app *app, int argc, char **argv) {
    Args a;
    int rc = parse("train", train_flags, argc, argv, &a);
    if (rc) return rc < 0 ? 0 : rc;
    if (!app->train) return fail("the spec has no train block for model '%s'", app->model->name);
    rt_train_cfg cfg = *app->train;
    long long v;
    if (arg_ll(&a, "--epochs", 0, &v) < 0) return 1;
    if (arg(&a, "--epochs")) cfg.epochs = (int)v;
    if (arg_ll(&a, "--batch", 1, &v) < 0) return 1;
    if (arg(&a, "--batch")) cfg.batch = v;
    if (arg_ll(&a, "--seed", 0, &v) < 0) return 1;
    if (arg(&a, "--seed")) cfg.seed = (uint64_t)v;
    if (arg(&a, "--lr")) {
        char *end;
        double lr = strtod(arg(&a, "--lr"), &end);
        if (*end || !(lr > 0)) return fail("--lr expects a positive number, not '%s'", arg(&a, "--lr"));
        cfg.lr = rt_schedule_const(lr);
    }
    cfg.quiet = arg(&a, "--quiet") != NULL;
    rt_dataset data = {0}, held = {0};
    if (load_data(app, &a, &data, 1)) return 1;
    /* validation = ...: rows held out for fe_gap, so the training rows are
     * all of the data, as ebmc train's are */
    if (app->validation) {
        if (rt_source_load(app->validation, &held)) {
            rt_dataset_free(&data);
            return fail_rt();
        }
        cfg.validation = &held;
    }
    char def[512];
    snprintf(def, sizeof def, "%s.safetensors", app->model->name);
    const char *out = arg(&a, "--out") ? arg(&a, "--out") : def;
    if (rt_output_check(out, "--out")) {
        rt_dataset_free(&data);
        return fail_rt();
    }
    rt_params *p = rt_params_new(app->model), *qp = NULL;
    rt_params_init(app->model, p, cfg.seed);
    /* as ebmc train does: the tempered model, the recognition model's
     * parameters drawn after the model's */
    if (cfg.method == RT_PT) cfg.tempered = app->tempered;
    if ((cfg.method == RT_WAKE_SLEEP || cfg.method == RT_REINFORCE) && app->recognition) {
        qp = rt_params_new(app->recognition);
        rt_params_init(app->recognition, qp, cfg.seed + 1);
        cfg.recognition = app->recognition;
        cfg.recognition_params = qp;
    }
    char seedtxt[32];
    snprintf(seedtxt, sizeof seedtxt, "%llu", (unsigned long long)cfg.seed);
    rt_meta meta[] = {{"spec", app->spec}, {"spec_hash", app->spec_hash}, {"model", app->model->name}, {"seed", seedtxt},
                      {"ebmc_version", app->version}};
    cfg.meta = meta;
    cfg.nmeta = app->version ? 5 : 4;
    cfg.checkpoint_path = out;
    cfg.resume_path = arg(&a, "--resume");
    cfg.stop = &interrupted;
    rt_reporter rpt;
    rt_reporter_init(&rpt, cfg.quiet ? NULL : stderr, NULL);
    if (rpt.bar) {
        cfg.on_progress = rt_reporter_event;
        cfg.progress_ctx = &rpt;
    }
    rt_on_stop_signals(on_interrupt);
    rt_train_report rep = {0};
    rc = rt_train(app->model, p, &data, &cfg, cfg.quiet ? NULL : stdout, &rep);
    rt_on_stop_signals(SIG_DFL);
    rt_reporter_end(&rpt);
    if (rc) rc = fail_rt();
    else if (rep.stopped) {
        printf("interrupted: the training state is in %s; continue with --resume %s\n", out, out);
        rc = 128 + interrupted;
    } else if (rt_params_save(app->model, p, out, meta, cfg.nmeta)) {
        rc = fail_rt();
    } else {
        double ll = rep.epochs ? rep.per_epoch[rep.epochs - 1].loglik : NAN;
        if (!cfg.quiet && !isnan(ll)) printf("exact average log-likelihood of the training set: %.4f\n", ll);
        if (!cfg.quiet) printf("parameters written to %s\n", out);
        if (qp) rc = save_recognition(app, qp, out, cfg.quiet);
    }
    free(rep.per_epoch);
    rt_params_free(p);
    rt_params_free(qp);
    rt_dataset_free(&held);
    rt_dataset_free(&data);
    return rc;
}

static int cmd_sample(const rt_app *app, int argc, char **argv) {
    Args a;
    int rc = parse("sample", sample_flags, argc, argv, &a);
    if (rc) return rc < 0 ? 0 : rc;
    const rt_model *m = app->model;
    long long chains = app->sample->chains, steps = app->sample->steps, seed = (long long)app->sample->seed;
    if (arg_ll(&a, "--chains", 1, &chains) < 0 || arg_ll(&a, "--steps", 0, &steps) < 0 ||
        arg_ll(&a, "--seed", 0, &seed) < 0)
        return 1;
    const char *out = arg(&a, "--out") ? arg(&a, "--out") : app->sample->out ? app->sample->out : "samples.png";
    int mean_field = app->sample->mean_field || arg(&a, "--mean-field");
    rt_params *p = load_params(app, &a);
    if (!p) return 1;
    if (rt_output_check(out, "--out")) {
        rt_params_free(p);
        return fail_rt();
    }
    int64_t rf = rt_visible_floats(m);
    float *values = rt_alloc(sizeof(float) * (size_t)(chains * rf));
    float *means = rt_alloc(sizeof(float) * (size_t)(chains * rf));
    if (rt_sample_clamped(m, p, chains, (int)steps, (uint64_t)seed, NULL, 0, mean_field, values, means) ||
        rt_write_samples(m, out, values, means, chains))
        rc = fail_rt();
    else
        printf("%lld samples (%lld sweeps each) written to %s\n", chains, steps, out);
    rt_free(values);
    rt_free(means);
    rt_params_free(p);
    return rc;
}

static int cmd_eval(const rt_app *app, int argc, char **argv) {
    Args a;
    int rc = parse("eval", eval_flags, argc, argv, &a);
    if (rc) return rc < 0 ? 0 : rc;
    long long seed = 1;
    if (arg_ll(&a, "--seed", 0, &seed) < 0) return 1;
    rt_params *p = load_params(app, &a);
    if (!p) return 1;
    rt_dataset data = {0};
    if (load_data(app, &a, &data, 0)) {
        rt_params_free(p);
        return 1;
    }
    printf("model: %s\nparams: %s\nexamples: %lld\n", app->model->name,
           arg(&a, "--params") ? arg(&a, "--params") : "embedded", (long long)data.n);
    double ll;
    int target = arg(&a, "--target") ? rt_find_group(app->model, arg(&a, "--target")) : app->train ? app->train->target : -1;
    if (target < -1 || (arg(&a, "--target") && target < 0) ||
        rt_eval_basic(app->model, p, &data, (uint64_t)seed, arg(&a, "--exact") != NULL, target, stdout, &ll))
        rc = fail_rt();
    else if (!isnan(ll)) {
        rt_yaml_number(stdout, "loglik", ll);
        printf("loglik_source: exact\n");
    }
    rt_params_free(p);
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
               "  sample   draw samples by block Gibbs sampling\n"
               "  eval     reconstruction error, pseudo-log-likelihood, exact log Z when small enough\n\n"
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
