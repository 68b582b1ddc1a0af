/* cli_config.c — --config RUN.yaml and --print-config: the run file made the
 * overrides of the spec's blocks, and the resolved configuration written
 * back as YAML (printed, embedded in checkpoints and reports). */
#include "cli_config.h"

#include <stdlib.h>
#include <string.h>

#include "rt_progress.h"
#include "runconfig.h"
#include "config_stages.h"

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

/* the --set entries of one kind only ("sample.chains=4") */
static int sets_of(const char *kind, char **sets, int nsets, char **out) {
    int n = 0;
    size_t k = strlen(kind);
    for (int i = 0; i < nsets; i++)
        if (!strncmp(sets[i], kind, k) && sets[i][k] == '.') out[n++] = sets[i];
    return n;
}

static void header(FILE *f, const char *spec) {
    fprintf(f, "# the resolved configuration of a run of %s: every setting, defaults\n"
               "# included; 'ebmc train %s --config FILE' repeats the run\n",
            spec, spec);
}

char *cli_config_yaml(Built *b, const TrainConfig *tc, char **sets, int nsets) {
    SampleConfig sc;
    char *own[64];
    int nown = sets_of("sample", sets, nsets, own);
    if (!config_sample(b->c->arena, &b->c->diag, b->an->m->sample, own, nown, &sc)) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    header(f, b->c->path);
    fprintf(f, "train:\n");
    runconfig_print_train(f, tc, b->an->m, 2);
    fprintf(f, "sample:\n");
    runconfig_print_sample(f, &sc, 2);
    fclose(f);
    return buf;
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
    header(f, c->path);
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

void cli_config_report(FILE *out, const char *key, const char *params) {
    rt_tensor **ts;
    rt_meta *meta;
    int n, nm;
    if (rt_load_safetensors(params, &ts, &n, &meta, &nm)) return;
    for (int i = 0; i < nm; i++) {
        if (strcmp(meta[i].key, "config")) continue;
        cli_config_embed(out, key, meta[i].value);
    }
    rt_tensors_free(ts, n);
    rt_meta_free(meta, nm);
}
