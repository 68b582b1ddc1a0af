/* rt_par.h — the runtime's worker threads: compiled kernels' elementwise
 * passes, GEMMs split into parts, the optimiser's update.
 *
 * Work over [0, n) is cut into chunks whose bounds depend only on n and
 * the chunk length (never on the number of threads); the caller and the
 * workers take chunks one at a time from a shared counter, so a thread
 * that the machine's other work has descheduled holds up at most the one
 * chunk it took. Idle workers, and a caller waiting for the last chunk,
 * spin for a few microseconds and then sleep on a futex; once the machine
 * is seen crowded (one of the pool's threads preempted 10 times in 100 ms) they sleep at
 * once: on a machine shared with other jobs they give their core away.
 *
 * rt_par_chunks(fn, ctx, n, chunk) calls fn(ctx, lo, hi) once per chunk
 * [lo, hi) = [i chunk, min(n, (i + 1) chunk)), also when it runs on the
 * caller alone (one thread, a call from inside a chunk, or a second thread
 * calling while one hands out chunks): work whose result depends on where
 * its parts start (a GEMM's edge handling) is then the same for every
 * EBMC_THREADS.
 *
 * rt_par_for(fn, ctx, n, work) is for work whose parts write disjoint
 * memory and compute each element the same way whatever the part (the
 * compiled kernels' loops, elementwise passes): chunks of about
 * RT_PAR_CHUNK_WORK of `work` (an estimate of the elements touched), run
 * as one fn(ctx, 0, n) when only the caller runs it.
 *
 * The pool has EBMC_THREADS threads in all (default: the online CPUs),
 * started on first use; EBMC_THREADS=1 starts none. */
#ifndef EBMC_RT_PAR_H
#define EBMC_RT_PAR_H
#include <stdint.h>

typedef void (*rt_par_fn)(void *ctx, int64_t lo, int64_t hi);

enum { RT_PAR_CHUNK_WORK = 16384 };

void rt_par_for(rt_par_fn fn, void *ctx, int64_t n, int64_t work);
void rt_par_chunks(rt_par_fn fn, void *ctx, int64_t n, int64_t chunk);
/* threads rt_par_for would use (1: everything runs on the caller) */
int rt_par_threads(void);
#endif
