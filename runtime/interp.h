/* interp.h — the reference back end: kernel IR interpreted (runtime/interp.c). */
#ifndef EBMC_INTERP_H
#define EBMC_INTERP_H
#include <stdint.h>

#include "ir.h"

void interp_exec(const IrProgram *p, int kernel, float **bufs, int64_t B, uint64_t seed, uint64_t step);
#endif
