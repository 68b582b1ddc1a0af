/* ir_reverse.h — reverse-mode differentiation over the kernel IR.
 *
 * From a forward kernel that accumulates a value per row into out_buf
 * (the loss), a new kernel `name` that adds sum_b w[b] d out[b] / d param to
 * every parameter's gradient buffer, with w read from seed_buf: one forward
 * sweep that keeps its intermediates, then one reverse sweep of adjoints
 * (see ir_reverse.c). Returns the new kernel's index, or -1 (nothing
 * added) when the forward kernel holds a statement it cannot reverse. */
#ifndef EBMC_IR_REVERSE_H
#define EBMC_IR_REVERSE_H
#include "ir_lower.h"

int ir_reverse(Lower *L, int fwd, int out_buf, int seed_buf, const char *name);
#endif
