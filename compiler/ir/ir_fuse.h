/* ir_fuse.h — fusing adjacent loop nests of a kernel (see ir_fuse.c). */
#ifndef EBMC_IR_FUSE_H
#define EBMC_IR_FUSE_H
#include "arena.h"
#include "ir.h"

/* Fuses adjacent loops of k where that computes the same; returns how many
 * loops went into an earlier one. */
int ir_fuse_loops(Arena *a, IrKernel *k);
#endif
