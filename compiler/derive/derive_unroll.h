/* derive_unroll.h — a stack's recognition path unrolled into a network
 * (spec text), for the backprop stage that fine-tunes it as a classifier. */
#ifndef EBMC_DERIVE_UNROLL_H
#define EBMC_DERIVE_UNROLL_H
#include <stdint.h>

#include "derive.h"
#include "sema.h"

/* The network as spec text: each layer's hidden group hidden[k] (a DBN),
 * or each hidden group of the joint model (a DBM, joint != NULL), then a
 * softmax over `classes` label columns, with the cross-entropy as the
 * loss. Its parameters are named LAYER_PARAM. *naug: the floats of the
 * mean-field inputs a DBM's network reads after x. NULL after an error
 * (rt_last_error). */
char *derive_unroll_text(Arena *a, const Stack *s, Analysis *const *layers, const int *hidden, Analysis *joint,
                         int64_t classes, int64_t *naug);
#endif
