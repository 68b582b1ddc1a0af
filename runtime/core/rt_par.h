/* rt_par.h — the runtime's worker threads: compiled kernels' elementwise
 * passes, GEMMs split into parts, the optimiser's update.
 *
 * rt_par_for(fn, ctx, n, work) runs fn(ctx, lo, hi) over [0, n) in
 * contiguous parts, one per thread (the caller runs the first), when work
 * (an estimate of the elements touched) is worth it; otherwise fn(ctx, 0,
 * n) on the caller. Callers only split work whose parts write disjoint
 * memory, so the results are the same for every thread count. Calls from
 * inside a part, or from a second thread while one hands out parts, run
 * serially. The pool has EBMC_THREADS threads (default:
 * the online CPUs), started on first use; EBMC_THREADS=1 uses none. */
#ifndef EBMC_RT_PAR_H
#define EBMC_RT_PAR_H
#include <stdint.h>

typedef void (*rt_par_fn)(void *ctx, int64_t lo, int64_t hi);

void rt_par_for(rt_par_fn fn, void *ctx, int64_t n, int64_t work);
/* threads rt_par_for would use (1: everything runs on the caller) */
int rt_par_threads(void);
#endif
