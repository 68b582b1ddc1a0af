/* ir_kernels.h — a model's kernel program (see ir_kernels.c for the list). */
#ifndef EBMC_IR_KERNELS_H
#define EBMC_IR_KERNELS_H
#include "derive.h"
#include "ir.h"

IrProgram *ir_build(Arena *a, Analysis *an);
#endif
