/* rt_stack.h — a stack (a DBN, a DBM and its pretraining layers) as the
 * runtime runs it: a bundle of compiled parts and resolved stage settings
 * that the compiler fills (ebmc, compiler/cli/cli_stack.c) or a built
 * binary carries as static data (ebmc build), and the one driver that
 * trains it stage by stage and samples it. */
#ifndef EBMC_RT_STACK_H
#define EBMC_RT_STACK_H
#include <stdio.h>

#include "rt_model.h"
#include "rt_source.h"
#include "rt_tempered.h"
#include "rt_train.h"

/* Conditional means of group `hidden` of layer m given n rows of its
 * visible (and input) values, row_floats each; out gets n x size. */
int rt_layer_up(const rt_model *m, rt_params *p, int hidden, const float *rows, int64_t n, int64_t row_floats,
                float *out);
/* The first visible group of layer m given its hidden group's values h
 * (n rows, the first of which is the job's row row0: rt_ws.row0): drawn
 * (sample != 0) or its conditional means; out gets n x size. */
int rt_layer_down(const rt_model *m, rt_params *p, int hidden, const float *h, int64_t n, int64_t row0, int sample,
                  uint64_t seed, float *out);

/* the values of m's first visible group */
int64_t rt_stack_first_visible(const rt_model *m);

typedef enum { RT_STAGE_LAYER, RT_STAGE_JOINT, RT_STAGE_BACKPROP, RT_STAGE_UPDOWN } rt_stage_kind;

/* one stage of a stack's train block, its settings resolved (--set applied) */
typedef struct rt_stack_stage {
    const char *name;
    rt_stage_kind kind;
    int layer;                     /* RT_STAGE_LAYER: index in the stack */
    rt_train_cfg cfg;              /* its seed before the stage's own stream is mixed in */
    rt_source data;                /* RT_SRC_NONE: the stack's data passed up */
    rt_source validation, test;    /* RT_SRC_NONE: none */
    const char *filters;           /* filters = "f.png", or NULL */
    int nhalve;
    const char *const *halve;      /* RT_STAGE_JOINT: copies halved */
    const rt_tempered *tempered;   /* method = pt: the tempered model of the part trained */
    const char *refuse;            /* a setting the stage cannot honour: the error when it runs */
} rt_stack_stage;

/* The network a backprop stage trains, unrolled from the stack for a
 * number of label classes: compiled on demand (ebmc) or at build time (a
 * built binary: one class count). NULL after an error (rt_last_error). */
typedef rt_model *(*rt_stack_unroll_fn)(void *ctx, int64_t classes, int64_t *naug);

typedef struct rt_stack {
    const char *name;
    int dbm;                       /* a DBM (samples its joint model); else a DBN */
    int nlayers;
    rt_model *const *layers;
    rt_model *joint;               /* NULL: none */
    int nstages;
    const rt_stack_stage *stages;
    rt_stack_unroll_fn unroll;     /* NULL: the precompiled net below */
    void *unroll_ctx;
    rt_model *net;                 /* the unrolled network built for net_classes, or NULL */
    int64_t net_classes, net_naug;
    int image_h, image_w;          /* the bottom visible group as an image */
    const char *config;            /* the stages' settings as YAML (a log's head), or NULL */
} rt_stack;

/* how one `train` runs it */
typedef struct rt_stack_run {
    const char *out;               /* the stack's checkpoint */
    const char *resume;            /* a stack checkpoint to continue, or NULL */
    const char *log;               /* --log FILE, or NULL */
    const char *spec, *config;     /* for the log's head: the spec and its resolved settings
                                      (YAML; NULL: the bundle's) */
    long long seed;                /* --seed, or -1 */
    long long stages;              /* stop after this many stages */
    int quiet;
    volatile int *stop;            /* set by a signal: checkpoint and stop */
} rt_stack_run;

/* Runs the stages in order, a checkpoint after each. 0; 128 + the signal
 * when stopped (reported); -1 after an error (rt_last_error, unreported). */
int rt_stack_train(const rt_stack *s, const rt_stack_run *run);
/* chains [c0, c1) of a DBN (top Gibbs, then down) or of a DBM's joint
 * model from the stack checkpoint params, each drawing what it draws among
 * all chains (rt_sample_rows): *out gets (c1 - c0) x *width values of the
 * bottom visible group (malloc'd, also when empty). 0 or -1
 * (rt_last_error). */
int rt_stack_sample(const rt_stack *s, const char *params, int64_t c0, int64_t c1, int steps, uint64_t seed,
                    float **out, int64_t *width);
/* A DBN's variational lower bound on log p(v) as YAML on y
 * (rt_stack_bound.c): from the stack checkpoint params, on the rows of
 * data (the bottom layer's values, then the top's labels if it has them),
 * `samples` draws of the recognition posterior per row; the top layer's
 * log Z exact where it can be enumerated, else by AIS on t (its tempered
 * model; NULL: refused) with cfg, the base rates from the data passed up.
 * 0 or -1 (rt_last_error). */
struct rt_ais_cfg;
int rt_stack_bound_report(const rt_stack *s, const char *params, const rt_dataset *data, int samples,
                          const rt_tempered *t, const struct rt_ais_cfg *cfg, FILE *y);
#endif
