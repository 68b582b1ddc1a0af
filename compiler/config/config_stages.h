/* config_stages.h — the stages of a stack's train block, run in order.
 *
 *   train dbn {
 *     stage l1 { layer = rbm1  data = idx(...)  method = cd(k = 1)  epochs = 10 }
 *     stage l2 { layer = rbm2  epochs = 10 }       # data: rbm1's hidden means
 *     stage tune { method = backprop  epochs = 5 }  # unrolled into an MLP
 *   }
 *
 * A layer stage trains one layer on the stack's data passed up through the
 * layers below it (their hidden groups' conditional means). A joint stage
 * (`joint = dbm2`) trains the stack's joint model, starting from the
 * layers' parameters of the same names (`halve = W2` halves those copies,
 * as composing pretrained RBMs into a DBM needs). A backprop stage unrolls
 * the layers into an MLP with a softmax output over the label columns the
 * data carries, and minimises its cross-entropy. An up-down stage
 * (`method = up_down(k = 10)`, a DBN only) fine-tunes the whole stack by
 * contrastive wake-sleep, its generative weights untied from the
 * recognition ones (runtime/run/rt_stack_updown.c). */
#ifndef EBMC_STAGES_H
#define EBMC_STAGES_H
#include "config.h"

typedef enum { STAGE_LAYER, STAGE_JOINT, STAGE_BACKPROP, STAGE_UPDOWN } StageKind;

typedef struct Stage {
    const char *name;
    Span span;
    StageKind kind;
    int layer;               /* STAGE_LAYER: index in the stack */
    TrainConfig cfg;         /* data.kind == RT_SRC_NONE: the data passed up */
    int nhalve;
    const char **halve;      /* STAGE_JOINT */
} Stage;                     /* cfg.test: a backprop stage's held-out data for accuracy */

/* why g cannot honour its setting key (as its settings now stand), or NULL:
 * a stage refuses what it would otherwise drop */
const char *config_stage_unsupported(const Stage *g, const char *key);
/* the first setting g cannot honour, or NULL: the error its stage gives
 * when it runs (the stages before it still train) */
const char *config_stage_refused(const Stage *g);
/* 0 after errors (reported) */
int config_stages_parse(Arena *a, Diag *d, const Stack *s, Stage **out, int *n);
/* The stages of s with the run file's and the --set overrides applied
 * (each stage-qualified --set checked against the stages' names), and
 * their settings as YAML (--print-config, a log's head; malloc'd). NULL
 * after errors (reported). ebmc train and a stack's built binary resolve
 * a stack's settings here. */
char *config_stages_resolve(Arena *a, Diag *d, const char *spec, const Stack *s, char **sets, int nsets, Stage **out,
                            int *n);
#endif
