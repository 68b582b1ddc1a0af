/* cli_train.c — ebmc train. */
#include <libgen.h>
#include <signal.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_stack.h"
#include "config.h"

/* ---- train ---------------------------------------------------------------------- */

static const Flag train_flags[] = {
    {"--out", 1, "where to write the parameters (default: SPEC's name .safetensors)"},
    {"--config", 1, "a run configuration in YAML (not supported yet)"},
    {"--set", 1, "override one train setting: --set lr=0.01 (repeatable)"},
    {"--seed", 1, "random seed"},
    {"--backend", 1, "interp (the reference interpreter) or jit"},
    {"--quiet", 0, "no progress lines"},
    {"--resume", 1, "continue a checkpoint written during training (a stack's: skip the stages it completed)"},
    {"--stages", 1, "a stack: stop after this many stages (resume later with --resume)"},
    {NULL, 0, NULL},
};

static const char *default_out(Arena *a, const char *spec) {
    char *copy = arena_strdup(a, spec);
    char *base = basename(copy);
    char *dot = strrchr(base, '.');
    if (dot) *dot = 0;
    return arena_printf(a, "%s.safetensors", base);
}

/* Ctrl-C: stop after the current batch, with a checkpoint */
static volatile int interrupted;
static void on_interrupt(int sig) {
    (void)sig;
    interrupted = 1;
}

int cmd_train(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, train_flags, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    if (opt_has(&o, "--config")) {
        diag_tool_error("--config: run configurations in YAML are not supported yet; use --set KEY=VALUE");
        return 1;
    }
    long long seed = -1;
    if (opt_ll(&o, "--seed", 0, &seed) < 0) return 1;
    Built b;
    if ((rc = cli_build(o.spec, &o, &b))) {
        cli_unbuild(&b);
        return rc;
    }
    char *sets[64];
    int nsets = opt_all(&o, "--set", sets, 64);
    if (b.c->sema->nstacks > 0) {
        rc = stack_train(b.c, &o, seed, sets, nsets);
        cli_unbuild(&b);
        return rc;
    }
    TrainConfig tc;
    rt_dataset data = {0};
    rt_params *p = NULL;
    rc = 1;
    if (!config_train(b.c->arena, &b.c->diag, b.an->m, b.an->m->train, sets, nsets, &tc)) goto done;
    if (seed >= 0) tc.rt.seed = (uint64_t)seed;
    tc.rt.quiet = opt_has(&o, "--quiet");
    if (config_load_data(&tc.data, &data)) {
        cli_fail_rt();
        goto done;
    }
    int64_t want = rt_visible_floats(b.m);
    if (rt_dataset_row(&data) != want) {
        diag_tool_error("the data has %lld values per example but model '%s' has %lld visible units",
                        (long long)rt_dataset_row(&data), b.m->name, (long long)want);
        goto done;
    }
    p = rt_params_new(b.m);
    rt_params_init(b.m, p, tc.rt.seed);
    const char *out = opt_str(&o, "--out");
    if (!out) out = default_out(b.c->arena, o.spec);
    /* the run's state goes to the output file as it trains: periodically when
     * asked, and on Ctrl-C */
    tc.rt.checkpoint_path = out;
    tc.rt.resume_path = opt_str(&o, "--resume");
    tc.rt.stop = &interrupted;
    char seedtxt[32];
    snprintf(seedtxt, sizeof seedtxt, "%llu", (unsigned long long)tc.rt.seed);
    rt_meta cmeta[] = {{"spec", o.spec}, {"model", b.m->name}, {"seed", seedtxt}};
    tc.rt.meta = cmeta;
    tc.rt.nmeta = 3;
    signal(SIGINT, on_interrupt);
    rt_train_report rep = {0};
    int trc = rt_train(b.m, p, &data, &tc.rt, stdout, &rep);
    signal(SIGINT, SIG_DFL);
    if (trc) {
        free(rep.per_epoch);
        cli_fail_rt();
        goto done;
    }
    if (rep.stopped) {
        printf("interrupted: the training state is in %s; continue with --resume %s\n", out, out);
        free(rep.per_epoch);
        rc = 130;
        goto done;
    }
    char epochs[32], seedbuf[32];
    snprintf(epochs, sizeof epochs, "%d", rep.epochs);
    snprintf(seedbuf, sizeof seedbuf, "%llu", (unsigned long long)tc.rt.seed);
    rt_meta meta[] = {{"spec", o.spec}, {"model", b.m->name}, {"epochs", epochs}, {"seed", seedbuf}};
    if (rt_params_save(b.m, p, out, meta, 4)) {
        free(rep.per_epoch);
        cli_fail_rt();
        goto done;
    }
    double ll = rep.epochs ? rep.per_epoch[rep.epochs - 1].loglik : NAN;
    if (!tc.rt.quiet && !isnan(ll))
        printf("exact average log-likelihood of the training set: %.4f (optimum %.4f)\n", ll, rep.optimum);
    if (!tc.rt.quiet) printf("parameters written to %s\n", out);
    free(rep.per_epoch);
    rc = 0;
done:
    rt_params_free(p);
    rt_dataset_free(&data);
    cli_unbuild(&b);
    return rc;
}

