/* bench_ebmc.c — the timing driver of tests/bench/run.sh: a spec's kernels
 * on the interpreter or the JIT, without the command line's I/O.
 *
 *   bench_ebmc sample SPEC interp|jit CHAINS SWEEPS REPS
 *       block-Gibbs sweeps of CHAINS chains from random states (seed 1);
 *       prints the median sweeps per second over REPS runs
 *   bench_ebmc meanfield SPEC interp|jit BATCH ITERS REPS
 *       mean-field passes (ITERS fixed-point iterations over the hidden
 *       blocks in sweep order, visible rows held) on BATCH random binary
 *       rows; prints the median seconds per pass
 *   bench_ebmc cd1count SPEC
 *       one CD-1 batch of 100 rows through rt_train; prints the GEMM
 *       floating-point operations it ran, per kernel
 *   bench_ebmc gemm
 *       the runtime's rt_gemm (split over the worker threads) on the CD-1
 *       shape, 100x784 times 784x500: median seconds of a call
 *   bench_ebmc binary DENSITY
 *       rt_gemm on binary operands of that density, the three shapes of a
 *       CD-1 batch: the fields v W (v 100x784, W 784x500), the way back
 *       h W' (h 100x500) and the gradient statistic v' P (P 100x500),
 *       dense (EBMC_SPARSE=0) and sparse (EBMC_SPARSE=1), their windows
 *       interleaved: median seconds of a call of each
 *   bench_ebmc compile SPEC...
 *       the JIT compile time of each spec's main model (median of 3), its
 *       kernels and statements, and how many statements were interpreted,
 *       reordered or split over threads
 * Every mode also prints the JIT's compile time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "compile.h"
#include "ir_kernels.h"
#ifndef EBMC_NO_LLVM
#include "llvm.h"
#endif
#include "ir_model.h"
#include "rt_kernel.h"
#include "rt_par.h"
#include "rt_train.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct Bench {
    Compilation *c;
    IrProgram *ir;
    rt_model *m;
    rt_params *p;
} Bench;

static int load(Bench *b, const char *spec, const char *backend) {
    b->c = compile_file(spec);
    Analysis *an = b->c ? compile_main_model(b->c) : NULL;
    if (!an || b->c->diag.errors) {
        fprintf(stderr, "bench_ebmc: %s does not compile\n", spec);
        return 1;
    }
    b->ir = ir_build(b->c->arena, an);
    b->m = ir_model_build(b->c->arena, an, b->ir);
    if (!strcmp(backend, "jit")) {
#ifdef EBMC_NO_LLVM
        fprintf(stderr, "bench_ebmc: this build has no LLVM (EBMC_NO_LLVM)\n");
        return 1;
#else
        LlvmJitInfo info;
        if (llvm_jit_attach(b->ir, b->m, &info)) {
            fprintf(stderr, "bench_ebmc: %s\n", rt_last_error());
            return 1;
        }
        printf("compile_seconds %.4f\n", info.seconds);
#endif
    } else if (strcmp(backend, "interp")) {
        fprintf(stderr, "bench_ebmc: backend must be interp or jit\n");
        return 1;
    }
    b->p = rt_params_new(b->m);
    rt_params_init(b->m, b->p, 1);
    return 0;
}

static void unload(Bench *b) {
    rt_params_free(b->p);
#ifndef EBMC_NO_LLVM
    llvm_jit_free(b->m);
#endif
    compile_free(b->c);
}

static double median(double *x, int n) {
    qsort(x, (size_t)n, sizeof *x, cmp);
    return n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

static int bench_sample(Bench *b, long chains, long sweeps, int reps) {
    double rate[64];
    for (int r = 0; r < reps; r++) {
        rt_ws *w = rt_ws_new(b->m, chains, b->p, 1);
        rt_ws_randomize(w, 1u << 27);
        rt_ws_sweep(w);   /* warm */
        double t0 = now();
        for (long s = 0; s < sweeps; s++) rt_ws_sweep(w);
        rate[r] = (double)sweeps / (now() - t0);
        rt_ws_free(w);
    }
    printf("sweeps_per_second %.2f\n", median(rate, reps));
    return 0;
}

static int is_visible_block(const rt_model *m, int block) {
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].block == block && m->groups[g].role == RT_VISIBLE) return 1;
    return 0;
}

static int bench_meanfield(Bench *b, long batch, int iters, int reps) {
    const rt_model *m = b->m;
    rt_ws *w = rt_ws_new(m, batch, b->p, 1);
    double sec[64];
    for (int r = 0; r < reps; r++) {
        rt_ws_randomize(w, 1u << 27);   /* binary visible rows, random hidden starts */
        double t0 = now();
        for (int it = 0; it < iters; it++)
            for (int k = 0; k < m->nblocks; k++) {
                if (is_visible_block(m, m->sweep[k])) continue;
                for (int g = 0; g < m->ngroups; g++)
                    if (m->groups[g].block == m->sweep[k] && m->groups[g].role == RT_HIDDEN) rt_ws_run(w, m->groups[g].k_mean);
            }
        sec[r] = now() - t0;
    }
    rt_ws_free(w);
    printf("seconds_per_pass %.6f\n", median(sec, reps));
    return 0;
}

/* ---- GEMM work of one CD-1 batch ---------------------------------------------------- */

static const IrProgram *count_ir;
static rt_exec_fn count_inner;
static void *count_backend;
static double count_flops[256];

static void count_exec(void *backend, int kernel, float **bufs, int64_t B, uint64_t seed, uint64_t step,
                       int64_t row0) {
    (void)backend;
    const IrKernel *k = &count_ir->kernels[kernel];
    for (int s = 0; s < k->nstmts; s++) {
        const IrStmt *st = &k->stmts[s];
        if (st->kind == S_GEMM && kernel < 256)
            count_flops[kernel] += 2.0 * (double)ir_ext(st->m, B) * (double)ir_ext(st->n, B) * (double)ir_ext(st->k, B);
    }
    count_inner(count_backend, kernel, bufs, B, seed, step, row0);
}

static int bench_cd1count(Bench *b) {
    count_ir = b->ir;
    count_inner = b->m->exec;
    count_backend = b->m->backend;
    b->m->exec = count_exec;
    int64_t rf = rt_visible_floats(b->m);
    rt_dataset d = {.n = 100, .ndim = 1, .dims = {rf}};
    d.data = malloc(sizeof(float) * (size_t)(100 * rf));
    for (int64_t i = 0; i < 100 * rf; i++) d.data[i] = (float)(rt_uniform(5, 0, 0, (uint32_t)i) < 0.3f);
    rt_train_cfg cfg = rt_train_defaults();
    cfg.method = RT_CD;
    cfg.k = 1;
    cfg.batch = 100;
    cfg.epochs = 1;
    cfg.mon_recon = cfg.mon_pll = cfg.mon_exact = 0;
    cfg.quiet = 1;
    rt_train_report rep = {0};
    int rc = rt_train(b->m, b->p, &d, &cfg, NULL, &rep);
    free(rep.per_epoch);
    free(d.data);
    b->m->exec = count_inner;
    if (rc) {
        fprintf(stderr, "bench_ebmc: %s\n", rt_last_error());
        return 1;
    }
    double total = 0;
    for (int k = 0; k < b->ir->nkernels && k < 256; k++) {
        if (count_flops[k] == 0) continue;
        printf("gemm_flops %s %.0f\n", b->ir->kernels[k].name, count_flops[k]);
        total += count_flops[k];
    }
    printf("gemm_flops_per_batch %.0f\n", total);
    return 0;
}

static int bench_compile(int n, char **specs) {
#ifdef EBMC_NO_LLVM
    (void)n;
    (void)specs;
    fprintf(stderr, "bench_ebmc: this build has no LLVM (EBMC_NO_LLVM)\n");
    return 1;
#else
    for (int i = 0; i < n; i++) {
        Bench b = {0};
        if (load(&b, specs[i], "interp")) return 1;
        double sec[3];
        LlvmJitInfo info = {0};
        for (int r = 0; r < 3; r++) {
            rt_model m = *b.m;
            if (llvm_jit_attach(b.ir, &m, &info)) {
                fprintf(stderr, "bench_ebmc: %s: %s\n", specs[i], rt_last_error());
                return 1;
            }
            sec[r] = info.seconds;
            llvm_jit_free(&m);
        }
        printf("compile %s %.4f kernels %d statements %d interpreted %d reordered %d parallel %d\n", specs[i],
               median(sec, 3), info.kernels, info.stmts, info.interpreted, info.interchanged, info.parallel);
        unload(&b);
    }
    return 0;
#endif
}

static int bench_binary(double density) {
    enum { M = 100, K = 784, N = 500, W = 9 };
    float *v = malloc(sizeof(float) * M * K), *h = malloc(sizeof(float) * M * N), *w = malloc(sizeof(float) * K * N);
    float *p = malloc(sizeof(float) * M * N), *c = malloc(sizeof(float) * K * N);
    for (int i = 0; i < M * K; i++) v[i] = rt_uniform(3, 0, 0, (uint32_t)i) < density ? 1.0f : 0.0f;
    for (int i = 0; i < M * N; i++) h[i] = rt_uniform(3, 3, 0, (uint32_t)i) < density ? 1.0f : 0.0f;
    for (int i = 0; i < K * N; i++) w[i] = 0.01f * rt_normal(3, 1, 0, (uint32_t)i);
    for (int i = 0; i < M * N; i++) p[i] = rt_uniform(3, 2, 0, (uint32_t)i);
    for (int i = 0; i < K * N; i++) c[i] = 0;
    /* q / 2: v W, h W', v' P; q % 2: dense, sparse */
    double sec[6][W];
    for (int t = 0; t < W; t++)
        for (int q = 0; q < 6; q++) {
            setenv("EBMC_SPARSE", q % 2 ? "1" : "0", 1);
            int n = 0;
            double t0 = now();
            while (now() - t0 < 0.2) {
                if (q < 2) rt_gemm(0, 0, M, N, K, 1, v, w, 0, c);
                else if (q < 4) rt_gemm(0, 1, M, K, N, 1, h, w, 0, c);
                else rt_gemm(1, 0, K, N, M, -0.01f, v, p, 1, c);
                n++;
            }
            sec[q][t] = (now() - t0) / n;
        }
    const char *name[] = {"fields", "back", "grad"};
    for (int s = 0; s < 3; s++)
        printf("%s_dense_seconds %.9f\n%s_sparse_seconds %.9f\n", name[s], median(sec[2 * s], W), name[s],
               median(sec[2 * s + 1], W));
    free(v), free(h), free(w), free(p), free(c);
    return 0;
}

static int bench_gemm(void) {
    enum { M = 100, K = 784, N = 500, W = 7 };
    float *a = malloc(sizeof(float) * M * K), *b = malloc(sizeof(float) * K * N), *c = malloc(sizeof(float) * M * N);
    for (int i = 0; i < M * K; i++) a[i] = (float)(i % 2);
    for (int i = 0; i < K * N; i++) b[i] = 0.01f * (float)(i % 7 - 3);
    double sec[W];
    for (int i = 0; i < 50; i++) rt_gemm(0, 0, M, N, K, 1, a, b, 0, c);
    for (int w = 0; w < W; w++) {
        int n = 0;
        double t0 = now();
        while (now() - t0 < 1.0) {
            rt_gemm(0, 0, M, N, K, 1, a, b, 0, c);
            n++;
        }
        sec[w] = (now() - t0) / n;
    }
    printf("rt_gemm_seconds %.9f\nthreads %d\n", median(sec, W), rt_par_threads());
    free(a);
    free(b);
    free(c);
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_ebmc sample|meanfield SPEC interp|jit N M REPS | cd1count SPEC | gemm | compile SPEC...\n");
        return 2;
    }
    Bench b = {0};
    int rc;
    if (!strcmp(argv[1], "compile")) return bench_compile(argc - 2, argv + 2);
    if (!strcmp(argv[1], "gemm")) return bench_gemm();
    if (argc == 3 && !strcmp(argv[1], "binary")) return bench_binary(atof(argv[2]));
    if (!strcmp(argv[1], "cd1count")) {
        if (load(&b, argv[2], "jit")) return 1;
        rc = bench_cd1count(&b);
    } else if (argc == 7 && (!strcmp(argv[1], "sample") || !strcmp(argv[1], "meanfield"))) {
        if (load(&b, argv[2], argv[3])) return 1;
        int reps = atoi(argv[6]);
        if (reps < 1 || reps > 64) reps = 3;
        rc = !strcmp(argv[1], "sample") ? bench_sample(&b, atol(argv[4]), atol(argv[5]), reps)
                                        : bench_meanfield(&b, atol(argv[4]), atoi(argv[5]), reps);
    } else {
        fprintf(stderr, "bench_ebmc: bad arguments\n");
        return 2;
    }
    unload(&b);
    return rc;
}
