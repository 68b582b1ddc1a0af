/* cli_sample.c — ebmc sample: the spec compiled, its sample block resolved
 * with --set and --config, then the runtime's sample driver
 * (runtime/app/rt_drive_sample.c), which a built binary's sample runs too;
 * a stack's samples go to the stack driver. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_anneal.h"
#include "cli_adversarial.h"
#include "cli_config.h"
#include "cli_stack.h"
#include "config.h"
#include "config_app.h"
#include "rt_drive_sample.h"

int cmd_sample(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, rt_flags_sample, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    const char *params = opt_str(&o, "--params");
    if (!params) {
        diag_tool_error("ebmc sample needs --params P.safetensors (from ebmc train)");
        return 1;
    }
    if (cli_config_use(&o)) return 1;
    Built b;
    if ((rc = cli_build_model(o.spec, &o, 1, &b))) {   /* a DBM stack: its joint model names the units */
        cli_unbuild(&b);
        return rc;
    }
    rc = 1;
    char *sets[64];
    int nsets = opt_all(&o, "--set", sets, 64);
    SampleConfig sc;
    TrainConfig tc;
    Tempered *t = NULL;
    rt_sample_job j = {.m = b.m, .say = cli_say};
    if (!config_sample(b.c->arena, &b.c->diag, b.an->m->sample, sets, nsets, &sc)) goto done;
    config_app_sample(&sc, &j.s);
    if (rt_drive_sample_flags(&o, &j) || rt_drive_sample_check_name(&j)) goto done;
    /* a generator's samples are G(z), drawn by a model of their own */
    if ((rc = cli_adversarial_sample(&b, &o, params, &j.s, j.states))) {
        rc = rc < 0 ? 0 : rc;
        goto done;
    }
    rc = 1;
    if (rt_drive_sample_check_out(&j)) goto done;
    if (b.c->sema->nstacks > 0) {
        rc = rt_drive_sample_stack_check(&o, &j) ? 1 : cli_stack_sample(b.c, &o, params, &j);
        goto done;
    }
    /* the train block's data: --pt's base rates, inpainting's baseline */
    if (config_train(b.c->arena, &b.c->diag, b.an->m, b.an->m->train, NULL, 0, &tc)) j.train_data = &tc.data;
    j.p = rt_params_new(b.m);
    if ((rc = cli_params_load(&b, &o, j.p, params))) goto done;
    rc = 1;
    if (j.replicas && !j.s.nclamps && !j.s.mean_field && !b.m->recur) {
        if (!(t = cli_tempered(&b, &o, &rc))) goto done;
        j.tempered = &t->rt;
    }
    rc = rt_drive_sample(&j);
done:
    rt_params_free(j.p);
    cli_tempered_free(t);
    cli_unbuild(&b);
    return rc;
}
