/* config.h — the meaning of train / sample / eval blocks: from entries
 * (key = value) to the runtime's settings, with errors at the entry. */
#ifndef EBMC_CONFIG_H
#define EBMC_CONFIG_H
#include <math.h>

#include "rt_source.h"
#include "rt_train.h"
#include "sema.h"

/* DataSpec is the runtime's rt_source: a built binary loads data too */
typedef rt_source DataSpec;

typedef struct TrainConfig {
    rt_train_cfg rt;
    DataSpec data;
    const char *recognition;  /* wake_sleep / reinforce: the model of q(h | x) */
    Span recognition_span;
    const char *discriminator;  /* adversarial: the discriminator's model */
    const char *logit;          /* adversarial: its logit let (NULL: its last) */
    Span method_span;           /* adversarial(...): where errors about the pair point */
    DataSpec test;            /* test = ...: held-out data scored after training */
    DataSpec validation;      /* validation = ...: the fe_gap monitor's held-out data */
    const char *filters;      /* filters = "f.png": the loading's columns as images */
} TrainConfig;

/* units held fixed while sampling: GROUP(file = "f.csv" | value = c
 * [, free = "bottom_half"]) in a sample block, or --clamp GROUP=FILE|VALUE */
typedef struct ClampSpec {
    const char *group;
    const char *file;        /* CSV or .npy, one row per chain; NaN = free */
    double value;            /* NAN when a file is given */
    const char *free;        /* a region left free: top_half, bottom_half, left_half, right_half */
    const char *mask_file;   /* --mask GROUP=FILE: non-zero entries are free */
    double binarize;         /* NAN: keep the file's values */
    long long limit;         /* first N rows; 0: all */
    Span span;
} ClampSpec;

typedef struct SampleConfig {
    long long chains, steps;
    const char *out;
    unsigned long long seed;
    int nclamps;
    ClampSpec clamps[16];
    int mean_field;
    long long length;        /* a recurrent model's frames per sequence (0: the train data's) */
} SampleConfig;

/* eval m { ais(runs = 100, betas = 10000), exact, data = idx(...), filters =
 * "f.png", html = "r.html", seed = 1 }: what ebmc eval runs by default */
typedef struct EvalConfig {
    int ais;                 /* ais(...) given */
    long long runs, betas;   /* AIS runs and steps (100, 10000) */
    const char *schedule;    /* a file of betas instead of the standard schedule */
    int exact;
    DataSpec data;           /* the data to evaluate (RT_SRC_NONE: the train block's) */
    const char *filters, *html;
    unsigned long long seed;
} EvalConfig;

/* Entries of block (may be NULL: defaults), then overrides "key=value" (from
 * --set) on top. Returns 0 if there were errors (reported to d). */
int config_train(Arena *a, Diag *d, const Model *m, const Block *block, char **sets, int nsets, TrainConfig *out);
int config_sample(Arena *a, Diag *d, const Block *block, char **sets, int nsets, SampleConfig *out);
int config_eval(Arena *a, Diag *d, const Block *block, char **sets, int nsets, EvalConfig *out);
/* The model a train block's recognition = q names (another model of the
 * spec): its index among s's models, or -1 (after an error when one was
 * named). */
int config_recognition(Diag *d, const SemaResult *s, const Model *m, const TrainConfig *tc);
/* ... and the discriminator adversarial(discriminator = d) names */
int config_discriminator(Diag *d, const SemaResult *s, const Model *m, const TrainConfig *tc);
/* a data source expression: idx(...), csv(...), ... */
int config_data(Arena *a, Diag *d, const Expr *e, DataSpec *out);
/* one train setting onto out (stages parse theirs one by one) */
int config_train_entry(Arena *a, Diag *d, const Model *m, const Stmt *st, TrainConfig *out);
/* the run's overrides (--config, --set: runconfig.h) onto out; stage: the
 * stack stage out configures */
int config_train_sets(Arena *a, Diag *d, const Model *m, const char *stage, char **sets, int nsets, TrainConfig *out);
/* A data source given on the command line: "idx:PATH", a path ending in
 * .csv, .npy, or an IDX file. */
int config_data_arg(const char *arg, DataSpec *out);
#endif
