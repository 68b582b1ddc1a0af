/* test_math.c — the kernels' float functions (runtime/core/rt_math.c, and
 * the same operations the LLVM back end inlines, compiler/llvm/llvm_math.c)
 * against libm in double.
 *
 * For each of exp, log, log1p, softplus, sigmoid, tanh and log cosh: about
 * 2^20 arguments (evenly spaced over each range below, plus powers of two
 * from 2^-149 to 2^127 of both signs, plus the special values 0, -0, +-inf,
 * NaN) through the interpreter's function and through a JIT-compiled
 * element-wise loop (4096 elements, so the vectorised body runs); the two
 * must agree bit for bit (any NaN equals any NaN), and the error against
 * the double-precision reference must stay within the stated units in the
 * last place (ulp: 2^(e-23) for a result of binade e, 2^-149 for a subnormal
 * one). log cosh is measured in ulps of max(|result|, 1): its formula |x| +
 * log1p(e^-2|x|) - log 2 cancels near 0, where the result is about x^2/2.
 * Deterministic inputs; the measured worst cases are printed. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "../stats/stats.h"
#include "rt_kernel.h"
#ifndef EBMC_NO_LLVM
#include "llvm.h"
#endif

enum { N = 4096 };

typedef struct MathFn {
    const char *name;
    int fn;                      /* IrFn */
    float (*f)(float);
    double (*ref)(double);
    double lo, hi;               /* the range evenly sampled */
    double max_ulp;              /* allowed error */
    int abs_floor;               /* ulps of max(|want|, 1) */
} MathFn;

static double softplus_d(double x) { return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)); }
static double sigmoid_d(double x) { return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)); }
static double logcosh_d(double x) { return fabs(x) + log1p(exp(-2 * fabs(x))) - log(2.0); }

static const MathFn fns[] = {
    {"exp", F_EXP, rt_fn_exp, exp, -110, 100, 2, 0},
    {"log", F_LOG, rt_fn_log, log, 0, 4, 2, 0},
    {"log1p", F_LOG1P, rt_fn_log1p, log1p, -1, 4, 3, 0},
    {"softplus", F_SOFTPLUS, rt_fn_softplus, softplus_d, -110, 100, 3, 0},
    {"sigmoid", F_SIGMOID, rt_fn_sigmoid, sigmoid_d, -110, 100, 3, 0},
    {"tanh", F_TANH, rt_fn_tanh, tanh, -12, 12, 3, 0},
    {"logcosh", F_LOGCOSH, rt_fn_logcosh, logcosh_d, -30, 30, 3, 1},
};
enum { NFNS = sizeof fns / sizeof fns[0] };

/* the arguments of fn: its range evenly, powers of two, special values */
static float *arguments(const MathFn *f, int64_t *n) {
    int64_t even = (1 << 20) - 1024, k = 0;
    float *x = malloc(sizeof(float) * (size_t)(even + 1024));
    for (int64_t i = 0; i < even; i++) x[k++] = (float)(f->lo + (f->hi - f->lo) * (double)i / (double)(even - 1));
    for (int e = -149; e <= 127; e++) {
        x[k++] = ldexpf(1.0f, e);
        x[k++] = -ldexpf(1.0f, e);
        x[k++] = ldexpf(1.6f, e < 127 ? e : 126);
    }
    const float special[] = {0.0f, -0.0f, INFINITY, -INFINITY, NAN, FLT_MAX, -FLT_MAX, FLT_MIN, 1.0f, -1.0f,
                             88.72f, 89.0f, -87.3f, -103.9f, -104.0f, 0.625f, -0.625f, 0.62499994f, 1e-30f, -1e-30f};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) x[k++] = special[i];
    *n = k;
    return x;
}

/* error of got in ulps of want (rounded to float) */
static double ulps(float got, double want, int abs_floor) {
    if (isnan(want)) return isnan(got) ? 0 : INFINITY;
    if (isinf(want) || fabs(want) > FLT_MAX) return (double)got == (want > 0 ? INFINITY : -INFINITY) ? 0 : INFINITY;
    double a = fabs(want);
    if (abs_floor && a < 1) a = 1;
    int e;
    frexp(a, &e);   /* a in [2^(e-1), 2^e) */
    double ulp = a < FLT_MIN ? 0x1p-149 : ldexp(1.0, e - 24);
    return fabs((double)got - want) / ulp;
}

static void accuracy(void) {
    for (int i = 0; i < NFNS; i++) {
        const MathFn *f = &fns[i];
        int64_t n;
        float *x = arguments(f, &n);
        double worst = 0;
        float at = 0;
        for (int64_t k = 0; k < n; k++) {
            double u = ulps(f->f(x[k]), f->ref((double)x[k]), f->abs_floor);
            if (u > worst || isnan(u)) worst = u, at = x[k];
        }
        printf("# %-8s max error %.2f ulp%s at x = %.9g (limit %.0f)\n", f->name, worst,
               f->abs_floor ? " of max(|y|, 1)" : "", (double)at, f->max_ulp);
        CHECK(worst <= f->max_ulp, "%s: %.3g ulp at x = %.9g", f->name, worst, (double)at);
        free(x);
    }
}

/* the limits IEEE and the definitions fix */
static void special_values(void) {
    CHECK(isinf(rt_fn_exp(INFINITY)) && rt_fn_exp(-INFINITY) == 0 && isnan(rt_fn_exp(NAN)), "exp");
    CHECK(rt_fn_log(0) == -INFINITY && rt_fn_log(-0.0f) == -INFINITY && isnan(rt_fn_log(-1)) &&
              isnan(rt_fn_log(NAN)) && rt_fn_log(INFINITY) == INFINITY && rt_fn_log(1) == 0,
          "log");
    CHECK(rt_fn_log1p(-1) == -INFINITY && isnan(rt_fn_log1p(-2)) && rt_fn_log1p(INFINITY) == INFINITY &&
              rt_fn_log1p(1e-30f) == 1e-30f && signbit(rt_fn_log1p(-0.0f)),
          "log1p");
    CHECK(rt_fn_softplus(100) == 100 && rt_fn_softplus(1e30f) == 1e30f && rt_fn_softplus(INFINITY) == INFINITY &&
              rt_fn_softplus(-INFINITY) == 0 && isnan(rt_fn_softplus(NAN)),
          "softplus: %g", (double)rt_fn_softplus(100));
    CHECK(rt_fn_tanh(10) == 1 && rt_fn_tanh(-1e30f) == -1 && rt_fn_tanh(INFINITY) == 1 && rt_fn_tanh(1e-30f) == 1e-30f &&
              signbit(rt_fn_tanh(-0.0f)) && isnan(rt_fn_tanh(NAN)),
          "tanh");
    CHECK(rt_fn_sigmoid(-INFINITY) == 0 && rt_fn_sigmoid(INFINITY) == 1 && isnan(rt_fn_sigmoid(NAN)), "sigmoid");
    CHECK(rt_fn_logcosh(INFINITY) == INFINITY && rt_fn_logcosh(0) == 0 && isnan(rt_fn_logcosh(NAN)), "logcosh");
}

#ifndef EBMC_NO_LLVM
static const char *spec = "model m { visible v[1] : bernoulli  hidden h[4096] : bernoulli\n"
                          "  param W[1, 4096]  param c[4096]\n"
                          "  energy = - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j] }\n";

/* the function node of cond.h.mean's loop (sigmoid(v W + c)) and the
 * buffer its value is stored to */
static IrX *fn_node(IrKernel *kn, int *out) {
    for (int s = 0; s < kn->nstmts; s++) {
        IrStmt *st = &kn->stmts[s];
        if (st->kind != S_LOOP) continue;
        IrX *node = NULL;
        for (int a = 0; a < st->nassign; a++) {
            IrAssign *as = &st->assign[a];
            if (as->x && as->x->op == X_FN) node = as->x;
            if (as->kind == A_STORE && node) *out = as->buf;
        }
        if (node) return node;
    }
    return NULL;
}

/* the optimised module (EBMC_DUMP_IR's DIR/m.opt.ll) calls no rt_fn_
 * function and computes on float vectors */
static int inlined_and_vectorised(const char *dir) {
    char path[512];
    snprintf(path, sizeof path, "%s/m.opt.ll", dir);
    FILE *f = fopen(path, "r");
    if (!f) return 0;
    int calls = 0, vectors = 0;
    char line[4096];
    while (fgets(line, sizeof line, f)) {
        calls += strstr(line, "call float @rt_fn_") != NULL;
        vectors += strstr(line, "x float> @llvm.floor") != NULL || strstr(line, "fdiv <") != NULL;
    }
    fclose(f);
    remove(path);
    snprintf(path, sizeof path, "%s/m.ll", dir);
    remove(path);
    return calls == 0 && vectors > 0;
}

/* the JIT's loop: x through W (v = 1, c = -0, so v W + c is x exactly) */
static void jit_matches_the_runtime(void) {
    char dir[] = "/tmp/ebmc_test_math_XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    TestModel t;
    CHECK(test_model(&t, spec), "the spec does not compile");
    if (!t.ir) return;
    int k = ir_find_kernel(t.ir, "cond.h.mean"), out = -1;
    IrX *node = k >= 0 ? fn_node(&t.ir->kernels[k], &out) : NULL;
    CHECK(node && out >= 0, "no function in cond.h.mean");
    if (!node || out < 0) return test_model_free(&t);
    for (int i = 0; i < NFNS; i++) {
        const MathFn *f = &fns[i];
        node->fn = (IrFn)f->fn;
        rt_model mj = *t.m;
        LlvmJitInfo info;
        setenv("EBMC_DUMP_IR", dir, 1);
        int rc = llvm_jit_attach(t.ir, &mj, &info);
        unsetenv("EBMC_DUMP_IR");
        CHECK(!rc && inlined_and_vectorised(dir), "%s: the optimised module calls the runtime's function, or has no "
              "vector code", f->name);
        CHECK(!rc && info.interpreted == 0, "%s: %s", f->name, rc ? rt_last_error() : "interpreted");
        if (rc) break;
        rt_ws *w = rt_ws_new(&mj, 1, t.p, 7);
        float one = 1;
        int64_t n, bad = -1;
        float *x = arguments(f, &n), got = 0;
        for (int64_t j = 0; j < N; j++) t.p->value[1][j] = -0.0f;
        for (int64_t j = 0; j < n; j++)   /* -0 reaches the loop as +0 (the GEMM adds to +0) */
            if (x[j] == 0) x[j] = 0.0f;
        for (int64_t at = 0; at < n && bad < 0; at += N) {
            for (int64_t j = 0; j < N; j++) t.p->value[0][j] = x[at + j < n ? at + j : n - 1];
            rt_ws_set_visible(w, &one, 1, 1);
            rt_ws_run(w, k);
            for (int64_t j = 0; j < N && at + j < n && bad < 0; j++) {
                float want = f->f(x[at + j]);
                got = w->bufs[out][j];
                if (memcmp(&got, &want, sizeof got) && !(isnan(got) && isnan(want))) bad = at + j;
            }
        }
        CHECK(bad < 0, "%s(%.9g): jit %.9g, runtime %.9g", f->name, bad >= 0 ? (double)x[bad] : 0, (double)got,
              bad >= 0 ? (double)f->f(x[bad]) : 0);
        free(x);
        rt_ws_free(w);
        llvm_jit_free(&mj);
    }
    rmdir(dir);
    test_model_free(&t);
}
#endif

int main(void) {
    TEST(accuracy);
    TEST(special_values);
#ifndef EBMC_NO_LLVM
    if (!llvm_available()) {
        printf("not ok - llvm_available: LLVM's native target did not initialise\n");
        return 1;
    }
    TEST(jit_matches_the_runtime);
#endif
    CHECK_DONE();
}
