/* rt_stack_parts.h — the parameters of a stack's parts while the stack
 * driver runs (rt_stack_train.c, rt_stack_sample.c), their checkpoints,
 * and the data passed up through the layers. Internal to the driver. */
#ifndef EBMC_RT_STACK_PARTS_H
#define EBMC_RT_STACK_PARTS_H
#include "rt_stack.h"

typedef struct rt_stack_parts {
    const rt_stack *s;
    rt_params **lp;          /* each layer's (a DBN's recognition weights once untied) */
    rt_params **gp;          /* each layer's generative copy, untied by up_down (entries NULL: tied) */
    int *hidden;             /* each layer's hidden group handed up */
    rt_params *jp;           /* the joint model's, or NULL */
    rt_model *net;           /* a backprop stage's unrolled network, once built */
    rt_params *np;
} rt_stack_parts;

/* layer k's parameters drawn with seed + step * k, the joint model's
 * with joint_seed */
void rt_stack_parts_init(rt_stack_parts *r, const rt_stack *s, uint64_t seed, uint64_t step, uint64_t joint_seed);
void rt_stack_parts_free(rt_stack_parts *r);
/* every part's parameters as "part.param", with the stages done; a
 * layer's untied generative copy as "part.down.param" */
int rt_stack_save(const rt_stack_parts *r, const char *path, int stages_done);
/* the layers' and joint model's parameters found in path, which must be a
 * checkpoint of this stack with every part; the stages it completed
 * (checked against the stage count when training) */
int rt_stack_load(rt_stack_parts *r, const char *path, int training, int *stages_done);
/* layer k's generative parameters: its untied copy, else its own */
rt_params *rt_stack_gen(const rt_stack_parts *r, int k);
/* A DBN's levels for up_down and its bound: size[0] the bottom visible
 * group, size[k] the hidden group of layer k - 1, every layer below the
 * top an RBM of one binary visible and one binary hidden group with the
 * kernels named; the top's first visible group is size[L - 1] and its
 * other visible values (*extras: the labels) one softmax group or none.
 * size has nlayers entries. 0, or -1 (rt_fail naming what does not fit). */
int rt_stack_levels(const rt_stack *s, const char *what, int64_t *size, int64_t *extras);
/* An up-down stage (rt_stack_updown.c): the DBN fine-tuned on data by
 * contrastive wake-sleep, its generative weights untied first */
int rt_stack_up_down(rt_stack_parts *r, const rt_stack_stage *st, const rt_train_cfg *cfg, const rt_dataset *data,
                     rt_train_report *rep);
/* The DBN's variational lower bound on log p(v) (rt_stack_bound.c),
 * averaged over n rows (their first size[0] values), with the recognition
 * posterior q(h1 | v) q(h2 | h1) ... drawn `samples` times per row:
 *   E_q[ sum_k log p(h_k | h_k+1) + log p_top(h_L-1) ] + sum_k E_q H(q(h_k+1 | h_k))
 * (h_0 = v; p from the generative weights, p_top the top RBM's marginal
 * with any label group summed, its log Z given: logz_top). */
int rt_stack_bound(const rt_stack_parts *r, double logz_top, const float *rows, int64_t n, int64_t row_floats,
                   int samples, uint64_t seed, double *avg);
/* The data of layer k: the rows of base passed up through layers
 * 0..k-1, their extra columns (labels) kept; then cut to what layer k takes. */
int rt_stack_layer_data(const rt_stack_parts *r, const rt_dataset *base, int k, rt_dataset *out);
/* a backprop stage: the unrolled network trained on data (cfg: the
 * stage's run settings); its accuracies printed */
int rt_stack_backprop(rt_stack_parts *r, const rt_stack_stage *st, const rt_train_cfg *cfg, const rt_dataset *data,
                      rt_train_report *rep);
#endif
