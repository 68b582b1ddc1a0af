/* cli_train.c — ebmc train. */
#include <errno.h>
#include <libgen.h>
#include <signal.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_stack.h"
#include "cli_latent.h"
#include "cli_config.h"
#include "cli_anneal.h"
#include "cli_report.h"
#include "config.h"
#include "rt_data_check.h"

/* ---- train ---------------------------------------------------------------------- */

static const Flag train_flags[] = {
    {"--out", 1, "where to write the parameters (default: SPEC's name .safetensors)", "P.safetensors", 0},
    {"--config", 1, "a run configuration in YAML: train: {lr: 0.01, epochs: 5} (see 'ebmc help train')", "RUN.yaml", 0},
    {"--set", 1, "override one setting: --set lr=0.01, --set train.lr=0.01 (repeatable; after --config)", "KEY=VALUE", FLAG_REPEAT},
    {"--print-config", 0, "print the resolved configuration as YAML and stop (--config reads it back)", NULL, 0},
    {"--seed", 1, "random seed", "N", 0},
    {"--backend", 1, "interp (the reference interpreter) or jit", "interp|jit", 0},
    {"--quiet", 0, "no progress lines and no progress bar", NULL, 0},
    {"--log", 1, "write every epoch's monitors to FILE as YAML (the configuration first), when training ends", "FILE", 0},
    {"--report", 1, "after training: every monitor per epoch to R.yaml, the curves drawn to R.png", "R.yaml", 0},
    {"--resume", 1, "continue a checkpoint written during training (a stack's: skip the stages it completed)", "P", 0},
    {"--stages", 1, "a stack: stop after this many stages (resume later with --resume)", "N", 0},
    {NULL, 0, NULL, NULL, 0},
};

static const char *default_out(Arena *a, const char *spec) {
    char *copy = arena_strdup(a, spec);
    char *base = basename(copy);
    char *dot = strrchr(base, '.');
    if (dot) *dot = 0;
    return arena_printf(a, "%s.safetensors", base);
}

/* Ctrl-C, kill (SIGTERM) or a closed terminal (SIGHUP): stop after the
 * current batch, with a checkpoint */
static volatile int interrupted;
static void on_interrupt(int sig) { interrupted = sig; }

int cmd_train(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, train_flags, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    if (cli_config_use(&o)) return 1;
    long long seed = -1;
    if (opt_ll(&o, "--seed", 0, &seed) < 0) return 1;
    Built b;
    if ((rc = cli_build(o.spec, &o, &b))) {
        cli_unbuild(&b);
        return rc;
    }
    char *sets[64];
    int nsets = opt_all(&o, "--set", sets, 64);
    if (b.c->sema->nstacks > 0 && opt_has(&o, "--report")) {
        diag_tool_error("--report: a stack's stages write their monitors per epoch with --log FILE");
        cli_unbuild(&b);
        return 1;
    }
    if (b.c->sema->nstacks > 0) {
        /* every stage's settings resolved first: errors before any training */
        char *text = cli_config_stack_yaml(b.c, sets, nsets);
        if (text && opt_has(&o, "--print-config")) fputs(text, stdout);
        else if (text) {
            rt_on_stop_signals(on_interrupt);   /* SIGINT, SIGTERM, SIGHUP */
            rc = cli_stack_train(b.c, &o, seed, sets, nsets, text, &interrupted);
            rt_on_stop_signals(SIG_DFL);
        }
        free(text);
        cli_unbuild(&b);
        return !text ? 1 : rc;
    }
    TrainConfig tc;
    rt_dataset data = {0};
    rt_params *p = NULL;
    Latent lt = {0};
    TrainExtras tx = {0};
    char *config = NULL;
    rc = 1;
    if (!config_train(b.c->arena, &b.c->diag, b.an->m, b.an->m->train, sets, nsets, &tc)) goto done;
    if (seed >= 0) tc.rt.seed = (uint64_t)seed;
    tc.rt.quiet = opt_has(&o, "--quiet");
    if (!(config = cli_config_yaml(&b, &tc, sets, nsets))) goto done;
    if (opt_has(&o, "--print-config")) {
        fputs(config, stdout);
        rc = 0;
        goto done;
    }
    tc.data.nan_missing = 1;   /* NaN in training data marks a missing value, imputed by rt_train */
    if (rt_source_load(&tc.data, &data)) {
        rc = cli_fail_rt();
        goto done;
    }
    int64_t want = rt_visible_floats(b.m);
    if (rt_dataset_row(&data) != want) {
        diag_tool_error("the data has %lld values per example but model '%s' has %lld visible units",
                        (long long)rt_dataset_row(&data), b.m->name, (long long)want);
        goto done;
    }
    if (rt_data_check(b.m, &data, tc.data.path, 1)) {
        cli_fail_rt();
        goto done;
    }
    p = rt_params_new(b.m);
    rt_params_init(b.m, p, tc.rt.seed);
    if (cli_latent_prepare(&b, &o, &tc, &lt)) goto done;
    int xrc = cli_train_extras(&b, &o, &tc, &tx);   /* validation data, method = pt */
    if (xrc) {
        rc = xrc;
        goto done;
    }
    const char *out = opt_str(&o, "--out");
    if (!out) out = default_out(b.c->arena, o.spec);
    const char *logpath = opt_str(&o, "--log"), *report = opt_str(&o, "--report");
    /* every input is known (the data are loaded): refuse an output that is one
     * of them, another output, or not a regular file, before any training */
    if (cli_check_output(out, "--out") || cli_check_output(logpath, "--log") || cli_check_output(report, "--report") ||
        (report && (cli_check_output(cli_report_plot_path(b.c->arena, report), "--report's curves") ||
                    cli_check_output(cli_report_html_path(b.c->arena, report), "--report's page"))))
        goto done;
    /* the run's state goes to the output file as it trains: periodically when
     * asked, and on Ctrl-C */
    tc.rt.checkpoint_path = out;
    tc.rt.resume_path = opt_str(&o, "--resume");
    tc.rt.stop = &interrupted;
    char seedtxt[32];
    snprintf(seedtxt, sizeof seedtxt, "%llu", (unsigned long long)tc.rt.seed);
    /* the spec's text and the compiler that read it, beside the structure
     * rt_params_save adds: what a checkpoint was made from */
    char spec_hash[17];
    unsigned long long sh = 1469598103934665603ull;   /* FNV-1a, as a built binary's --version */
    for (size_t i = 0; i < b.c->len; i++) sh = (sh ^ (unsigned char)b.c->src[i]) * 1099511628211ull;
    snprintf(spec_hash, sizeof spec_hash, "%016llx", sh);
    rt_meta cmeta[] = {{"spec", o.spec}, {"model", b.m->name}, {"seed", seedtxt}, {"config", config},
                       {"spec_hash", spec_hash}, {"ebmc_version", EBMC_VERSION}};
    tc.rt.meta = cmeta;
    tc.rt.nmeta = 6;
    /* a bar on a terminal, a YAML log */
    rt_reporter rpt;
    FILE *logf = NULL;
    /* the log replaces the previous one whole when training ends (finished,
     * interrupted or failed): a full disk leaves the old log, not half a line */
    rt_atomic logw;
    if (logpath && rt_atomic_open(&logw, logpath)) {
        diag_tool_error("--log: %s", rt_last_error());
        goto done;
    }
    if (logpath) logf = logw.fp;
    if (logf) {
        fprintf(logf, "# ebmc train %s: the configuration, then a line per epoch\n", o.spec);
        cli_config_embed(logf, "config", config);
        fprintf(logf, "epochs:\n");
        fflush(logf);
    }
    rt_reporter_init(&rpt, tc.rt.quiet ? NULL : stderr, logf);
    if (rpt.bar || rpt.log) {
        tc.rt.on_progress = rt_reporter_event;
        tc.rt.progress_ctx = &rpt;
    }
    rt_on_stop_signals(on_interrupt);
    rt_train_report rep = {0};
    int trc = rt_train(b.m, p, &data, &tc.rt, stdout, &rep);
    rt_on_stop_signals(SIG_DFL);
    rt_reporter_end(&rpt);
    int frc = trc ? cli_fail_rt() : 0;   /* 1, or 2 for an internal error */
    if (logf && rt_atomic_commit(&logw, 1)) {
        diag_tool_error("--log: %s", rt_last_error());
        trc = -1;
        if (!frc) frc = 1;
    }
    if (trc) {
        free(rep.per_epoch);
        rc = frc;
        goto done;
    }
    if (rep.stopped) {
        printf("interrupted: the training state is in %s; continue with --resume %s\n", out, out);
        free(rep.per_epoch);
        rc = 128 + interrupted;
        goto done;
    }
    char epochs[32], seedbuf[32];
    snprintf(epochs, sizeof epochs, "%d", rep.epochs);
    snprintf(seedbuf, sizeof seedbuf, "%llu", (unsigned long long)tc.rt.seed);
    rt_meta meta[] = {{"spec", o.spec},           {"model", b.m->name},        {"epochs", epochs},
                      {"seed", seedbuf},          {"config", config},          {"spec_hash", spec_hash},
                      {"ebmc_version", EBMC_VERSION}};
    if (rt_params_save(b.m, p, out, meta, 7)) {
        free(rep.per_epoch);
        rc = cli_fail_rt();
        goto done;
    }
    if (report && cli_train_report(&b, report, o.spec, out, &tc.rt, &rep, p)) {
        free(rep.per_epoch);
        goto done;
    }
    if (report && !tc.rt.quiet)
        printf("report written to %s (curves: %s, page: %s)\n", report, cli_report_plot_path(b.c->arena, report),
               cli_report_html_path(b.c->arena, report));
    double ll = rep.epochs ? rep.per_epoch[rep.epochs - 1].loglik : NAN;
    if (!tc.rt.quiet && !isnan(ll) && !isnan(rep.optimum))
        printf("exact average log-likelihood of the training set: %.4f (optimum %.4f)\n", ll, rep.optimum);
    else if (!tc.rt.quiet && !isnan(ll))
        printf("exact average log-likelihood of the training set: %.4f\n", ll);
    if (!tc.rt.quiet) printf("parameters written to %s\n", out);
    free(rep.per_epoch);
    if (cli_latent_finish(&b, &tc, p, &lt, out)) goto done;
    rc = 0;
done:
    free(config);
    cli_latent_free(&lt);
    cli_train_extras_free(&tx);
    rt_params_free(p);
    rt_dataset_free(&data);
    cli_unbuild(&b);
    return rc;
}

