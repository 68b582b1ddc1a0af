/* rt_cpu.c — the processor set up for ebmc's arithmetic.
 *
 * Two things cost a factor of several on the machines we measure on, and
 * neither changes a result that means anything:
 *
 * - OpenBLAS 0.3.21 picks its kernels from a table of processor models;
 *   one newer than the table (a Sapphire Rapids Xeon under KVM) gets the
 *   generic "Prescott" SSE3 kernels, five times slower than the AVX-512
 *   ones it can run. The choice is made when the library loads, before
 *   main, so the only remedy is to start again with OPENBLAS_CORETYPE set.
 * - Sigmoid probabilities of saturated units underflow into subnormal
 *   floats (below 1.2e-38), and every multiply that reads one takes a
 *   microcode assist: an RBM's epochs grew three times slower as its
 *   weights grew. Those values are zero for every purpose here. */
#include "rt_cpu.h"

#include <cblas.h>
#include <stdlib.h>
#include <strings.h>
#include <unistd.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

void rt_cpu_flush_denormals(void) {
#if defined(__x86_64__) || defined(__i386__)
    _mm_setcsr(_mm_getcsr() | 0x8040);   /* FTZ (bit 15) and DAZ (bit 6) */
#elif defined(__aarch64__)
    unsigned long fpcr;
    __asm__ volatile("mrs %0, fpcr" : "=r"(fpcr));
    __asm__ volatile("msr fpcr, %0" : : "r"(fpcr | (1ul << 24)));   /* FZ */
#endif
}

/* the OpenBLAS core this processor can run, when OpenBLAS chose a lesser one */
static const char *better_core(void) {
#if defined(__x86_64__) && defined(__GNUC__)
    const char *core = openblas_get_corename();
    if (!core || strcasecmp(core, "prescott")) return NULL;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq"))
        return "SkylakeX";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return "Haswell";
#endif
    return NULL;
}

void rt_cpu_setup(char **argv) {
    const char *core = getenv("OPENBLAS_CORETYPE") ? NULL : better_core();
    if (core && !setenv("OPENBLAS_CORETYPE", core, 1)) execv("/proc/self/exe", argv);
    rt_cpu_flush_denormals();
}
