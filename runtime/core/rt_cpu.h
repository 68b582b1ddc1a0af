/* rt_cpu.h — the processor set up for ebmc's arithmetic (rt_cpu.c). */
#ifndef EBMC_RT_CPU_H
#define EBMC_RT_CPU_H

/* First thing in a program's main: when OpenBLAS took this processor for
 * an older one than it is (its table predates the model), runs the
 * program again with OPENBLAS_CORETYPE naming the kernels the processor
 * can run; then rt_cpu_flush_denormals. Returns only when no re-run was
 * needed or it failed. */
void rt_cpu_setup(char **argv);
/* Subnormal floats computed and read as zero, on the calling thread and
 * the threads it starts later (they inherit its floating-point
 * environment: rt_par's pool, started on first use). A program embedding
 * the runtime (rt_embed.h) keeps its own mode unless it calls this. */
void rt_cpu_flush_denormals(void);
#endif
