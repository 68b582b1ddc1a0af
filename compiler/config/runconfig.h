/* runconfig.h — a run's overrides of the spec's settings blocks, from a
 * YAML file (--config RUN.yaml) and from --set KEY=VALUE; and the resolved
 * settings printed back as YAML (--print-config), which read back with
 * --config give the same run.
 *
 *   train:
 *     lr: 0.01                          # a number ...
 *     momentum: 0.5 until 5, 0.9        # ... or spec text, read like the block's own
 *     data: 'idx("f.gz", binarize = 0.5)'
 *     monitor: [recon_error, pseudo_loglik]
 *     layer1: {epochs: 5}               # one stage of a stack's train block
 *   sample: {chains: 16, out: samples.png}
 *
 * Each value becomes an entry of the block it overrides, parsed with the
 * spec grammar at the line and column where it stands in the YAML file (a
 * block header on line 0, runconfig_yaml.c), so every error in it — an
 * unknown key, a wrong type, a value out of range — is reported at the YAML
 * file's line and column with its source line. A --set is parsed the same
 * way, against its own text. */
#ifndef EBMC_RUNCONFIG_H
#define EBMC_RUNCONFIG_H
#include "config.h"

/* the entries one override adds to one block */
typedef struct RunSource {
    const char *kind;          /* "train", "sample" or "eval" */
    const char *stage;         /* a stack stage's entries; NULL: the block's */
    Span stage_span;
    const char *file, *text;   /* where the entries were written (diagnostics) */
    size_t len;
    const Block *block;
} RunSource;

typedef struct RunConfig {
    const char *path;
    int n;
    RunSource *src;
} RunConfig;

/* Reads a run file. NULL after errors (reported as file:line:col). */
RunConfig *runconfig_load(Arena *a, const char *path);
/* The run file that config_train / config_sample apply before --set;
 * NULL: none. */
void runconfig_use(const RunConfig *rc);
const RunConfig *runconfig_current(void);

typedef int (*RunEntryFn)(void *ctx, const Stmt *st);
/* Every override of a `kind` block, in order: the run file's, then each of
 * sets ("KIND.KEY=VALUE", "KIND.STAGE.KEY=VALUE" or "KEY=VALUE", which
 * belongs to every kind). stage: the stack stage being configured (NULL:
 * not a stack; then stage entries are errors). Each entry goes to fn while
 * d reports in the entry's own source. Returns 0 after errors. */
int runconfig_apply(Arena *a, Diag *d, const char *kind, const char *stage, char **sets, int nsets, RunEntryFn fn,
                    void *ctx);
/* Stage names the overrides use that are not among names: errors. */
int runconfig_check_stages(Arena *a, Diag *d, char **sets, int nsets, const char *const *names, int n);

/* The resolved settings as YAML (runconfig_print.c), indented by indent
 * spaces; m names the target group (may be NULL). */
void runconfig_print_train(FILE *f, const TrainConfig *tc, const Model *m, int indent);
void runconfig_print_sample(FILE *f, const SampleConfig *sc, int indent);
/* A data source as spec text, idx("f.gz", binarize = 0.5): what a data
 * entry would read to give ds (not RT_SRC_NONE). */
void runconfig_data_text(FILE *t, const DataSpec *ds);
/* The resolved configuration of a train run of spec's model m as YAML
 * (malloc'd): tc, and m's sample block with the run's sample overrides;
 * what ebmc train and a built binary embed in a checkpoint. NULL after
 * errors in the sample settings (reported to d). */
char *runconfig_train_yaml(Arena *a, Diag *d, const char *spec, const Model *m, const TrainConfig *tc, char **sets,
                           int nsets);
/* its first lines: what it is, and how to run it again */
void runconfig_print_header(FILE *f, const char *spec);
#endif
