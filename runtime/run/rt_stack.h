/* rt_stack.h — moving data through the layers of a stack. */
#ifndef EBMC_RT_STACK_H
#define EBMC_RT_STACK_H
#include "rt_model.h"

/* Conditional means of group `hidden` of layer m given n rows of its
 * visible (and input) values, row_floats each; out gets n x size. */
int rt_layer_up(const rt_model *m, rt_params *p, int hidden, const float *rows, int64_t n, int64_t row_floats,
                float *out);
/* The first visible group of layer m given its hidden group's values h
 * (n rows): drawn (sample != 0) or its conditional means; out gets n x size. */
int rt_layer_down(const rt_model *m, rt_params *p, int hidden, const float *h, int64_t n, int sample, uint64_t seed,
                  float *out);
#endif
