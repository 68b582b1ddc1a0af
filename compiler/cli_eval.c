/* cli_eval.c — ebmc eval: a YAML report on a trained model. */
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "rt_exact.h"

/* ---- eval ------------------------------------------------------------------------ */

static const Flag eval_flags[] = {
    {"--params", 1, "trained parameters (.safetensors)"},
    {"--data", 1, "data to evaluate on: an IDX, .csv or .npy file (default: the train block's data)"},
    {"--exact", 0, "exact log Z and log-likelihood by enumeration (an error if the model is too large)"},
    {"--ais", 0, "annealed importance sampling of log Z (not supported yet)"},
    {"--seed", 1, "random seed"},
    {"--backend", 1, "interp or jit"},
    {NULL, 0, NULL},
};

int cmd_eval(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, eval_flags, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    const char *params = opt_str(&o, "--params");
    if (!params) {
        diag_tool_error("ebmc eval needs --params P.safetensors (from ebmc train)");
        return 1;
    }
    if (opt_has(&o, "--ais")) {
        diag_tool_error("--ais: annealed importance sampling is not supported yet; --exact works for small models");
        return 1;
    }
    long long seed = 1;
    if (opt_ll(&o, "--seed", 0, &seed) < 0) return 1;
    Built b;
    if ((rc = cli_build(o.spec, &o, &b))) {
        cli_unbuild(&b);
        return rc;
    }
    rc = 1;
    rt_params *p = NULL;
    rt_dataset data = {0};
    TrainConfig tc;
    DataSpec ds;
    if (opt_str(&o, "--data")) config_data_arg(opt_str(&o, "--data"), &ds);
    else if (config_train(b.c->arena, &b.c->diag, b.an->m, b.an->m->train, NULL, 0, &tc)) ds = tc.data;
    else goto done;
    p = rt_params_new(b.m);
    if (rt_params_load(b.m, p, params) || config_load_data(&ds, &data)) {
        cli_fail_rt();
        goto done;
    }
    int64_t rf = rt_visible_floats(b.m);
    if (rt_dataset_row(&data) != rf) {
        diag_tool_error("the data has %lld values per example but model '%s' has %lld visible units",
                        (long long)rt_dataset_row(&data), b.m->name, (long long)rf);
        goto done;
    }
    int enumerable = b.m->fe_exact && b.m->enum_log2_states >= 0 && b.m->enum_log2_states <= RT_EXACT_MAX_LOG2;
    if (opt_has(&o, "--exact") && !enumerable) {
        diag_tool_error("--exact: model '%s' is too large to enumerate (2^%.1f configurations)", b.m->name,
                        b.m->enum_log2_states);
        goto done;
    }
    printf("model: %s\nparams: %s\nexamples: %lld\n", b.m->name, params, (long long)data.n);
    double pll, mse;
    if (!rt_recon_error(b.m, p, data.data, data.n, rf, &mse)) printf("recon_error: %.6f\n", mse);
    if (!rt_pseudo_loglik(b.m, p, data.data, data.n, rf, (uint64_t)seed, &pll)) printf("pseudo_loglik: %.6f\n", pll);
    if (enumerable && (opt_has(&o, "--exact") || b.m->enum_log2_states <= 22)) {
        double logz, sum;
        if (rt_exact_logz(b.m, p, &logz) || rt_exact_loglik(b.m, p, logz, data.data, data.n, rf, &sum)) {
            cli_fail_rt();
            goto done;
        }
        printf("exact_logz: %.6f\nexact_loglik: %.6f\nloglik: %.6f\n", logz, sum / (double)data.n, sum / (double)data.n);
    }
    rc = 0;
done:
    rt_params_free(p);
    rt_dataset_free(&data);
    cli_unbuild(&b);
    return rc;
}
