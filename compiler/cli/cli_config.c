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

char *cli_config_stack_yaml(Compilation *c, char **sets, int nsets) {
    const Stack *s = c->sema->stacks[0];
    Stage *st;
    int n;
    if (!config_stages_parse(c->arena, &c->diag, s, &st, &n)) return NULL;
    const char **names = ARENA_ARRAY(c->arena, const char *, n + 1);
    for (int i = 0; i < n; i++) names[i] = st[i].name;
    if (!runconfig_check_stages(c->arena, &c->diag, sets, nsets, names, n)) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    runconfig_print_header(f, c->path);
    fprintf(f, "train:\n");
    int ok = 1;
    for (int i = 0; i < n; i++) {
        ok &= config_train_sets(c->arena, &c->diag, NULL, st[i].name, sets, nsets, &st[i].cfg);
        const Model *m = st[i].layer >= 0 ? s->layers[st[i].layer] : s->joint;
        fprintf(f, "  %s:\n", st[i].name);
        runconfig_print_train(f, &st[i].cfg, m, 4);
    }
    fclose(f);
    if (!ok) {
        free(buf);
        return NULL;
    }
    return buf;
}

void cli_config_embed(FILE *out, const char *key, const char *yaml) { rt_log_embed(out, key, yaml); }

void cli_config_report(FILE *out, const char *key, const char *params) { rt_drive_config_report(out, key, params); }
