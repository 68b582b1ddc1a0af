/* cli_stack.c — ebmc train and ebmc sample of a stack: the spec's stack
 * compiled into the runtime's bundle (cli_stack_bundle.c), then run by the
 * runtime's stack driver (runtime/run/rt_stack_train.c, rt_stack_sample.c),
 * the same code a built binary runs. */
#include <libgen.h>
#include <string.h>

#include "cli_anneal.h"
#include "cli_stack.h"
#include "rt_exact.h"

static const char *default_out(Arena *a, const char *spec) {
    char out[4096];
    rt_default_out(spec, out, sizeof out);
    return arena_strdup(a, out);
}

int cli_stack_train(Compilation *c, const Opts *o, long long seed, Stage *st, int n, const char *config,
                    volatile int *stop) {
    StackBundle b;
    int rc = cli_stack_bundle(c, o, 1, st, n, &b);
    rt_stack_run run = {.out = opt_str(o, "--out") ? opt_str(o, "--out") : default_out(c->arena, o->spec),
                        .resume = opt_str(o, "--resume"), .log = opt_str(o, "--log"), .spec = o->spec,
                        .config = config, .seed = seed, .stages = b.nstages, .quiet = opt_has(o, "--quiet"),
                        .stop = stop};
    /* the outputs before any work: none may be an input or a device */
    if (!rc && (cli_check_output(run.out, "--out") || cli_check_output(run.log, "--log") ||
                opt_ll(o, "--stages", 0, &run.stages) < 0))
        rc = 1;
    if (!rc && (rc = rt_stack_train(&b.rs, &run)) < 0) rc = cli_fail_rt();
    cli_stack_bundle_free(&b);
    return rc;
}

int cli_stack_sample(Compilation *c, const Opts *o, const char *params, const rt_sample_job *j) {
    StackBundle b;
    int rc = cli_stack_bundle(c, o, 1, NULL, 0, &b);
    if (!rc) rc = rt_drive_sample_stack(&b.rs, params, j);
    cli_stack_bundle_free(&b);
    return rc;
}

int cli_stack_bound(Compilation *c, const Opts *o, const char *params, const rt_dataset *data, int samples,
                    const struct rt_ais_cfg *cfg, FILE *y) {
    StackBundle b;
    int rc = cli_stack_bundle(c, o, 1, NULL, 0, &b);
    int T = b.s ? b.s->nlayers - 1 : 0;
    Tempered *t = NULL;
    /* AIS's tempered top layer only where its log Z cannot be enumerated */
    if (!rc && (b.m[T]->enum_log2_states < 0 || b.m[T]->enum_log2_states > RT_EXACT_AUTO_COST_LOG2))
        t = cli_tempered_of(c, b.an[T], b.m[T], o, &rc);
    if (!rc && rt_stack_bound_report(&b.rs, params, data, samples, t ? &t->rt : NULL, cfg, y)) rc = cli_fail_rt();
    cli_tempered_free(t);
    cli_stack_bundle_free(&b);
    return rc;
}
