/* cli_config.c — --config RUN.yaml and --print-config: the run file made the
 * overrides of the spec's blocks, and the resolved configuration written
 * back as YAML (printed, embedded in checkpoints and reports). */
#include "cli_config.h"

#include <stdlib.h>
#include <string.h>

#include "rt_progress.h"
#include "runconfig.h"
#include "config_stages.h"
#include "rt_drive.h"

int cli_config_use(const Opts *o) {
    const char *path = opt_str(o, "--config");
    if (!path) return 0;
    /* the run file lives as long as the command: its own arena */
    static Arena *a;
    if (!a) a = arena_new();
    const RunConfig *rc = runconfig_load(a, path);
    if (!rc) return 1;
    runconfig_use(rc);
    return 0;
}

char *cli_config_yaml(Built *b, const TrainConfig *tc, char **sets, int nsets) {
    return runconfig_train_yaml(b->c->arena, &b->c->diag, b->c->path, b->an->m, tc, sets, nsets);
}

char *cli_config_stack_yaml(Compilation *c, char **sets, int nsets, Stage **st, int *n) {
    return config_stages_resolve(c->arena, &c->diag, c->path, c->sema->stacks[0], sets, nsets, st, n);
}

void cli_config_embed(FILE *out, const char *key, const char *yaml) { rt_log_embed(out, key, yaml); }

void cli_config_report(FILE *out, const char *key, const char *params) { rt_drive_config_report(out, key, params); }
