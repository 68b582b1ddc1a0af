/* rt_app.h — the main program of a binary built by `ebmc build`: one
 * compiled model and its spec's settings, embedded as static data, driven
 * by the subcommands train, sample and eval with ebmc's flags (rt_flags.c;
 * less the SPEC argument and what needs the compiler: --backend, --model).
 * No LLVM and no code generation run here; the spec's text is embedded,
 * and its settings blocks are read again with --config and --set by the
 * resolver the glue hands in (the compiler's front end and run
 * configuration, linked from libebmcfront.a: compiler/config/config_app.c),
 * so both mean what they mean to ebmc. */
#ifndef EBMC_RT_APP_H
#define EBMC_RT_APP_H
#include "rt_clamps.h"
#include "rt_model.h"
#include "rt_source.h"
#include "rt_stack.h"
#include "rt_tempered.h"
#include "rt_flags.h"
#include "rt_train.h"

/* the sample block's settings (with --set and --config) */
typedef struct rt_app_sample {
    int64_t chains, steps;
    uint64_t seed;
    const char *out;         /* NULL: none given */
    int mean_field;
    int64_t length;          /* a recurrent model's frames per sequence (0: the train data's) */
    int nclamps;             /* clamp lines of the block */
    rt_clamp_spec clamps[RT_MAX_CLAMPS];
} rt_app_sample;

/* the eval block's settings (with --set and --config) */
typedef struct rt_app_eval {
    rt_source data;          /* kind RT_SRC_NONE: the train block's */
    int exact, ais;          /* ais: ais(...) given */
    int64_t runs, betas;     /* AIS runs and steps */
    const char *schedule;    /* a file of betas, or NULL */
    const char *filters, *html;
    uint64_t seed;
} rt_app_eval;

/* One command's settings, resolved from the spec's blocks, the run file
 * and the --set overrides: what ebmc's train / sample / eval would use. */
typedef struct rt_app_run {
    rt_train_cfg train;
    rt_source data, validation, test;   /* kind RT_SRC_NONE: none */
    const char *filters;                /* the train block's filters = "f.png", or NULL */
    rt_app_sample sample;
    rt_app_eval eval;
    char *config;   /* train: the resolved configuration as YAML, the checkpoint's "config" (malloc'd) */
    /* train of a stack: its stages resolved (the bundle's, with the settings
     * replaced; malloc'd), or NULL: the bundle's own */
    rt_stack_stage *stages;
} rt_app_run;

struct rt_app;
/* kind "train", "sample" or "eval"; run_file (--config) may be NULL.
 * 0, or an exit code after the errors were reported. An override that
 * would change what was compiled into the binary (a method needing a model
 * it does not hold) is refused. */
typedef int (*rt_app_resolve_fn)(const struct rt_app *app, const char *kind, const char *run_file, char **sets, int nsets,
                                 rt_app_run *out);

typedef struct rt_app {
    const char *program;     /* the binary's name, for messages */
    rt_model *model;
    const char *spec;        /* the spec file it was built from */
    const char *spec_hash;   /* FNV-1a 64 of the spec's text, hex */
    const char *version;     /* ebmc's version */
    const char *target;      /* "TRIPLE (cpu CPU)" of the kernels */
    const rt_train_cfg *train;
    const rt_source *data;   /* the train block's data (kind RT_SRC_NONE: none) */
    const rt_app_sample *sample;
    const float *params;     /* trained parameters embedded with --params, in
                                parameter order; NULL: none */
    const char *params_from; /* the file they came from */
    /* the other compiled models the train block's method needs, or NULL */
    const rt_tempered *tempered;    /* method = pt, eval --ais, sample --pt (NULL:
                                       the model cannot be annealed) */
    rt_model *recognition;          /* wake_sleep, reinforce: q(h | x) */
    rt_model *mp_net;               /* mp: the network of train's mp(iters, drop) */
    const rt_source *validation;    /* the fe_gap monitor's held-out rows, or NULL */
    const rt_stack *stack;          /* a spec with a stack: train and sample run it
                                       (rt_app_stack.c); eval evaluates model on its data */
    const char *spec_text;          /* the spec itself, for resolve */
    size_t spec_len;
    rt_app_resolve_fn resolve;      /* NULL: the embedded settings, no --set / --config */
} rt_app;

int rt_app_main(const rt_app *app, int argc, char **argv);
/* train and sample of a stack's binary: argv[1] is the command */
int rt_app_stack_main(const rt_app *app, int argc, char **argv);

/* for rt_app_stack.c: a command's flags (ebmc's, less those with a bit of
 * leave_out), and its settings resolved with --config and --set plus the
 * nextra entries of extra (app->resolve; without it the embedded ones) */
int rt_app_parse(const rt_app *app, const char *cmd, const char *help, const rt_flag *flags, int leave_out, int argc,
                 char **argv, rt_opts *o);
int rt_app_settings(const rt_app *app, const char *kind, const rt_opts *o, char **extra, int nextra, rt_app_run *r);
#endif
