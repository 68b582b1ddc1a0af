/* rt_stack_parts.h — the parameters of a stack's parts while the stack
 * driver runs (rt_stack_train.c, rt_stack_sample.c), their checkpoints,
 * and the data passed up through the layers. Internal to the driver. */
#ifndef EBMC_RT_STACK_PARTS_H
#define EBMC_RT_STACK_PARTS_H
#include "rt_stack.h"

typedef struct rt_stack_parts {
    const rt_stack *s;
    rt_params **lp;          /* each layer's */
    int *hidden;             /* each layer's hidden group handed up */
    rt_params *jp;           /* the joint model's, or NULL */
    rt_model *net;           /* a backprop stage's unrolled network, once built */
    rt_params *np;
} rt_stack_parts;

/* layer k's parameters drawn with seed + step * k, the joint model's
 * with joint_seed */
void rt_stack_parts_init(rt_stack_parts *r, const rt_stack *s, uint64_t seed, uint64_t step, uint64_t joint_seed);
void rt_stack_parts_free(rt_stack_parts *r);
/* every part's parameters as "part.param", with the stages done */
int rt_stack_save(const rt_stack_parts *r, const char *path, int stages_done);
/* the layers' and joint model's parameters found in path, which must be a
 * checkpoint of this stack with every part; the stages it completed
 * (checked against the stage count when training) */
int rt_stack_load(rt_stack_parts *r, const char *path, int training, int *stages_done);
/* The data of layer k: the rows of base passed up through layers
 * 0..k-1, their extra columns (labels) kept; then cut to what layer k takes. */
int rt_stack_layer_data(const rt_stack_parts *r, const rt_dataset *base, int k, rt_dataset *out);
/* a backprop stage: the unrolled network trained on data (cfg: the
 * stage's run settings); its accuracies printed */
int rt_stack_backprop(rt_stack_parts *r, const rt_stack_stage *st, const rt_train_cfg *cfg, const rt_dataset *data,
                      rt_train_report *rep);
#endif
