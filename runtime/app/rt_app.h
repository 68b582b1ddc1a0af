/* rt_app.h — the main program of a binary built by `ebmc build`: one
 * compiled model and its spec's settings, embedded as static data, driven
 * by the subcommands train, sample and eval with ebmc's flags (less the
 * SPEC argument and what needs the compiler: --set, --config, --backend).
 * No LLVM, no compiler and no spec parser run here. */
#ifndef EBMC_RT_APP_H
#define EBMC_RT_APP_H
#include "rt_model.h"
#include "rt_source.h"
#include "rt_stack.h"
#include "rt_tempered.h"
#include "rt_train.h"

typedef struct rt_app_sample {
    int64_t chains, steps;
    uint64_t seed;
    const char *out;         /* NULL: "samples.png" */
    int mean_field;
} rt_app_sample;

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
    const rt_tempered *tempered;    /* method = pt */
    rt_model *recognition;          /* wake_sleep, reinforce: q(h | x) */
    const rt_source *validation;    /* the fe_gap monitor's held-out rows, or NULL */
    const rt_stack *stack;          /* a spec with a stack: train and sample run it
                                       (rt_app_stack.c); eval evaluates model on its data */
} rt_app;

int rt_app_main(const rt_app *app, int argc, char **argv);
/* train and sample of a stack's binary: argv[1] is the command */
int rt_app_stack_main(const rt_app *app, int argc, char **argv);
#endif
