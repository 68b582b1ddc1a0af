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
#include "cli_adversarial.h"
#include "derive_adversarial.h"
#include "cli_config.h"
#include "cli_anneal.h"
#include "rt_page.h"
#include "rt_drive.h"
#include "config.h"
#include "rt_data_check.h"

/* ---- train ---------------------------------------------------------------------- */


static const char *default_out(Arena *a, const char *spec) {
    char out[4096];
    rt_default_out(spec, out, sizeof out);
    return arena_strdup(a, out);
}

/* a stack's training: Ctrl-C, kill (SIGTERM) or a closed terminal (SIGHUP)
 * stop it after the current batch, with a checkpoint */
static volatile int interrupted;
static void on_interrupt(int sig) { interrupted = sig; }

int cmd_train(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, rt_flags_train, argc, argv, &o, 1);
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
        Stage *st;
        int nst;
        char *text = cli_config_stack_yaml(b.c, sets, nsets, &st, &nst);
        if (text && opt_has(&o, "--print-config")) fputs(text, stdout);
        else if (text) {
            rt_on_stop_signals(on_interrupt);   /* SIGINT, SIGTERM, SIGHUP */
            rc = cli_stack_train(b.c, &o, seed, st, nst, text, &interrupted);
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
    Adversarial ad = {0};
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
    /* --report's page draws samples as the sample block says */
    SampleConfig sc;
    if (!config_sample(b.c->arena, &b.c->diag, b.an->m->sample, NULL, 0, &sc)) goto done;
    rt_page_ctx page = {b.m, sc.chains, sc.steps};
    rt_drive d = {arena_printf(b.c->arena, "ebmc train %s", o.spec), o.spec, NULL, EBMC_VERSION, config, b.m, NULL,
                  &data, &tc.rt, NULL, opt_str(&o, "--log"), opt_str(&o, "--report"), NULL, NULL, &tc.test, tc.filters,
                  cli_say, rt_page_of_run, &page};
    /* adversarial: the pair trains as the discriminator's step (the
     * checkpoint's model, whose visible group reads the data) and the
     * generator's; the page's pictures are drawn for energy models only */
    if ((rc = cli_adversarial_prepare(&b, &o, &tc, 1 << ADV_DISCRIMINATOR | 1 << ADV_GENERATOR, &ad))) goto done;
    if (ad.m[ADV_DISCRIMINATOR]) d.m = ad.m[ADV_DISCRIMINATOR], d.page = NULL;
    if ((rc = rt_drive_load_data(&d, &tc.data, 1, &data))) goto done;
    rc = 1;
    p = rt_params_new(d.m);
    rt_params_init(d.m, p, tc.rt.seed);
    if (cli_latent_prepare(&b, &o, &tc, &lt)) goto done;
    int xrc = cli_train_extras(&b, &o, &tc, &tx);   /* validation data, method = pt */
    if (xrc) {
        rc = xrc;
        goto done;
    }
    const char *out = opt_str(&o, "--out");
    if (!out) out = default_out(b.c->arena, o.spec);
    /* the spec's text and the compiler that read it, beside the structure
     * rt_params_save adds: what a checkpoint was made from */
    char spec_hash[17];
    unsigned long long sh = 1469598103934665603ull;   /* FNV-1a, as a built binary's --version */
    for (size_t i = 0; i < b.c->len; i++) sh = (sh ^ (unsigned char)b.c->src[i]) * 1099511628211ull;
    snprintf(spec_hash, sizeof spec_hash, "%016llx", sh);
    d.spec_hash = spec_hash;
    d.p = p;
    d.out = out;
    d.q = lt.q;
    d.qp = lt.qp;
    /* every input is known (the data are loaded): refuse an output that is one
     * of them, another output, or not a regular file, before any training */
    if (rt_drive_check_outputs(&d)) goto done;
    tc.rt.resume_path = opt_str(&o, "--resume");
    rc = rt_drive_train(&d);
done:
    free(config);
    cli_latent_free(&lt);
    cli_train_extras_free(&tx);
    rt_params_free(p);
    cli_adversarial_free(&ad);
    rt_dataset_free(&data);
    cli_unbuild(&b);
    return rc;
}

