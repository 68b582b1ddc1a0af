/* interp.h — the reference back end: kernel IR interpreted (compiler/ir/interp.c). */
#ifndef EBMC_INTERP_H
#define EBMC_INTERP_H
#include <stdint.h>

#include "ir.h"

/* kernel number `kernel` on B rows, the first of which is the job's row
 * row0 (rt_exec_fn) */
void interp_exec(const IrProgram *p, int kernel, float **bufs, int64_t B, uint64_t seed, uint64_t step,
                 int64_t row0);
/* One statement of a kernel, as interp_exec runs it: compiled kernels call
 * this (through RT_KERNEL_ABI) for statements their code generator does not
 * handle, so IR that grows new statement kinds still runs everywhere. */
void interp_stmt(const IrProgram *p, int32_t kernel, int32_t stmt, float **bufs, int64_t B, uint64_t seed,
                 uint64_t step, int64_t row0);
#endif
