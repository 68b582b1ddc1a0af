/* test_jit.c — the LLVM JIT computes what the interpreter computes, bit for
 * bit: every kernel of every spec in specs/ and of small models written
 * here, on the same random buffers (batches of 1, 5 and 37 rows, seed 7),
 * and 25 block-Gibbs sweeps of 13 chains (seed 11). Equal means the same
 * bits, except that any NaN equals any NaN (which NaN propagates through
 * a commuted operation is not specified). Also: the runtime's exp keeps
 * ~1e-6 relative accuracy, and a statement kind the code generator does not
 * know runs through the interpreter. Without LLVM every case says so. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../stats/stats.h"
#include "rt_kernel.h"
#ifndef EBMC_NO_LLVM
#include "llvm.h"

static const char *small[][2] = {
    {"binary_rbm", "model m { visible v[13] : bernoulli  hidden h[9] : bernoulli\n"
                   "  param W[13, 9]  param b[13]  param c[9]\n"
                   "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j] }\n"},
    {"softmax_labels", "model m { visible v[11] : bernoulli  visible y[4] : softmax  hidden h[6] : bernoulli\n"
                       "  param W[11, 6]  param U[4, 6]  param b[11]  param c[6]  param d[4]\n"
                       "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(k) d[k]*y[k]\n"
                       "           - sum(i, j) v[i]*W[i, j]*h[j] - sum(k, j) y[k]*U[k, j]*h[j] }\n"},
    {"spin_rbm", "model m { visible v[3, 5] : spin  hidden h[7] : spin\n"
                 "  param W[3, 5, 7]  param b[3, 5]  param c[7]\n"
                 "  energy = - sum(r, s) b[r, s]*v[r, s] - sum(j) c[j]*h[j] - sum(r, s, j) v[r, s]*W[r, s, j]*h[j] }\n"},
    {"gaussian_visibles", "model m { visible v[10] : gaussian  hidden h[17] : bernoulli\n"
                          "  param W[10, 17]  param b[10]  param c[17]\n"
                          "  energy = sum(i) sqr(v[i] - b[i]) / 2 - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j] }\n"},
};

static int same_floats(const float *a, const float *b, int64_t n, int64_t *where) {
    for (int64_t i = 0; i < n; i++)
        if (memcmp(&a[i], &b[i], sizeof(float)) && !(a[i] != a[i] && b[i] != b[i])) {
            *where = i;
            return 0;
        }
    return 1;
}

static int64_t floats(const rt_model *m, int i, int64_t B) { return m->buf_batched[i] ? m->buf_size[i] * B : m->buf_size[i]; }

/* every buffer of both workspaces the same; "what" names the first that is not */
static int same_ws(const rt_ws *a, const rt_ws *b, char *what, size_t n) {
    const rt_model *m = a->m;
    for (int i = 0; i < m->nbufs; i++) {
        int64_t at;
        if (!same_floats(a->bufs[i], b->bufs[i], floats(m, i, a->B), &at)) {
            snprintf(what, n, "buffer %d [%lld]: interp %.9g, jit %.9g", i, (long long)at, (double)a->bufs[i][at],
                     (double)b->bufs[i][at]);
            return 0;
        }
    }
    return 1;
}

/* the same pseudo-random contents in both: clamps 0/1, everything else
 * in [-1.5, 1.5) */
static void fill(rt_ws *a, rt_ws *b, uint64_t seed) {
    const rt_model *m = a->m;
    for (int i = 0; i < m->nbufs; i++) {
        if (m->buf_kind[i] == RT_BUF_PARAM) continue;
        int64_t n = floats(m, i, a->B);
        for (int64_t k = 0; k < n; k++) {
            float u = rt_uniform(seed, 500 + (uint32_t)i, 0, (uint32_t)k);
            float v = m->buf_kind[i] == RT_BUF_CLAMP ? (u < 0.2f ? 1.0f : 0.0f) : 3.0f * u - 1.5f;
            a->bufs[i][k] = b->bufs[i][k] = v;
        }
    }
}

/* every kernel, then sweeps; 0 when they agree, else a reason */
static int compare(const char *name, const char *src, char *why, size_t n) {
    TestModel t;
    if (!test_model(&t, src)) {
        snprintf(why, n, "%.300s: does not compile", name);
        test_model_free(&t);
        return 1;
    }
    rt_model mj = *t.m;
    LlvmJitInfo info;
    if (llvm_jit_attach(t.ir, &mj, &info)) {
        snprintf(why, n, "%.300s: %.600s", name, rt_last_error());
        test_model_free(&t);
        return 1;
    }
    test_random_params(&t, 0.3, 3);
    rt_params *pj = rt_params_new(&mj);
    int bad = 0;
    static const int64_t Bs[] = {1, 5, 37};
    for (int bi = 0; bi < 3 && !bad; bi++)
        for (int k = 0; k < t.ir->nkernels && !bad; k++) {
            for (int i = 0; i < t.m->nparams; i++)
                memcpy(pj->value[i], t.p->value[i], sizeof(float) * (size_t)t.m->params[i].size);
            rt_ws *wi = rt_ws_new(t.m, Bs[bi], t.p, 7), *wj = rt_ws_new(&mj, Bs[bi], pj, 7);
            fill(wi, wj, 100 + (uint64_t)k);
            wi->step = wj->step = 0x100000003ull;   /* both halves of the step in the counter */
            rt_ws_run(wi, k);
            rt_ws_run(wj, k);
            char what[256];
            if (!same_ws(wi, wj, what, sizeof what)) {
                snprintf(why, n, "%.300s: kernel %.200s, B = %lld: %s", name, t.ir->kernels[k].name, (long long)Bs[bi], what);
                bad = 1;
            }
            rt_ws_free(wi);
            rt_ws_free(wj);
        }
    if (!bad) {
        for (int i = 0; i < t.m->nparams; i++)
            memcpy(pj->value[i], t.p->value[i], sizeof(float) * (size_t)t.m->params[i].size);
        rt_ws *wi = rt_ws_new(t.m, 13, t.p, 11), *wj = rt_ws_new(&mj, 13, pj, 11);
        rt_ws_randomize(wi, 1u << 27);
        rt_ws_randomize(wj, 1u << 27);
        for (int s = 0; s < 25; s++) {
            rt_ws_sweep(wi);
            rt_ws_sweep(wj);
        }
        char what[256];
        if (!same_ws(wi, wj, what, sizeof what)) {
            snprintf(why, n, "%.300s: after 25 sweeps: %s", name, what);
            bad = 1;
        }
        rt_ws_free(wi);
        rt_ws_free(wj);
    }
    rt_params_free(pj);
    llvm_jit_free(&mj);
    test_model_free(&t);
    return bad;
}

static char *slurp(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    size_t got = fread(s, 1, (size_t)n, f);
    s[got] = 0;
    fclose(f);
    return s;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void jit_matches_interp_on_every_spec(void) {
    DIR *d = opendir("specs");
    CHECK(d, "cannot open specs/ (run from the repository root)");
    if (!d) return;
    char *names[256];
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 256) {
        size_t l = strlen(e->d_name);
        if (l > 4 && !strcmp(e->d_name + l - 4, ".ebm")) names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_names);
    CHECK(n >= 10, "only %d specs found", n);
    for (int i = 0; i < n; i++) {
        char path[300], why[1024];
        snprintf(path, sizeof path, "specs/%s", names[i]);
        char *src = slurp(path);
        CHECK(src, "cannot read %s", path);
        if (src && compare(path, src, why, sizeof why)) CHECK(0, "%.450s", why);
        free(src);
        free(names[i]);
    }
}

static void jit_matches_interp_on_small_models(void) {
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
        char why[1024];
        if (compare(small[i][0], small[i][1], why, sizeof why)) CHECK(0, "%.450s", why);
    }
}

/* grad.mean (the statistic from the hidden groups' mean buffers) equals
 * grad (dF/dparam, the hidden groups summed out) once the hidden groups'
 * mean kernels have run: every spec that has it, 7 random rows (seed 21),
 * relative tolerance 1e-4; interpreter only */
static int grad_mean_agrees(const char *name, const char *src, char *why, size_t n) {
    TestModel t;
    if (!test_model(&t, src)) {
        snprintf(why, n, "%.300s: does not compile", name);
        test_model_free(&t);
        return 1;
    }
    const rt_model *m = t.m;
    int bad = 0;
    if (m->k_grad_mean >= 0) {
        test_random_params(&t, 0.3, 5);
        rt_params *pb = rt_params_new(m);
        for (int i = 0; i < m->nparams; i++) memcpy(pb->value[i], t.p->value[i], sizeof(float) * (size_t)m->params[i].size);
        rt_ws *a = rt_ws_new(m, 7, t.p, 21), *b = rt_ws_new(m, 7, pb, 21);
        fill(a, b, 21);
        for (int g = 0; g < m->ngroups; g++)
            if (m->groups[g].role == RT_VISIBLE)
                for (int64_t k = 0; k < 7 * m->groups[g].size; k++)   /* valid unit values */
                    a->bufs[m->groups[g].state_buf][k] = b->bufs[m->groups[g].state_buf][k] =
                        m->groups[g].utype == RT_SPIN ? (a->bufs[m->groups[g].state_buf][k] < 0 ? -1.0f : 1.0f)
                        : m->groups[g].utype == RT_GAUSSIAN ? a->bufs[m->groups[g].state_buf][k]
                        : (a->bufs[m->groups[g].state_buf][k] < 0 ? 0.0f : 1.0f);
        for (int g = 0; g < m->ngroups; g++)
            if (m->groups[g].role == RT_HIDDEN) {
                rt_ws_run(b, m->groups[g].k_mean);
                /* only the mean buffer holds the means: scramble the state */
                for (int64_t k = 0; k < 7 * m->groups[g].size; k++) b->bufs[m->groups[g].state_buf][k] = (float)(k % 3);
            }
        for (int i = 0; i < m->nparams; i++) {
            memset(t.p->grad[i], 0, sizeof(float) * (size_t)m->params[i].size);
            memset(pb->grad[i], 0, sizeof(float) * (size_t)m->params[i].size);
        }
        rt_ws_run(a, m->k_grad);
        rt_ws_run(b, m->k_grad_mean);
        for (int i = 0; i < m->nparams && !bad; i++)
            for (int64_t k = 0; k < m->params[i].size && !bad; k++) {
                double x = t.p->grad[i][k], y = pb->grad[i][k];
                if (!(fabs(x - y) <= 1e-4 * (1 + fabs(x)))) {
                    snprintf(why, n, "%.300s: d%s[%lld]: grad %.9g, grad.mean %.9g", name, m->params[i].name,
                             (long long)k, x, y);
                    bad = 1;
                }
            }
        rt_ws_free(a);
        rt_ws_free(b);
        rt_params_free(pb);
    }
    test_model_free(&t);
    return bad;
}

static void grad_mean_matches_grad(void) {
    int with = 0;
    for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
        char why[1024];
        if (grad_mean_agrees(small[i][0], small[i][1], why, sizeof why)) CHECK(0, "%.450s", why);
    }
    DIR *d = opendir("specs");
    struct dirent *e;
    while (d && (e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcmp(e->d_name + l - 4, ".ebm")) continue;
        char path[300], why[1024];
        snprintf(path, sizeof path, "specs/%.200s", e->d_name);
        char *src = slurp(path);
        if (!src) continue;
        if (strstr(src, "model")) with++;
        if (grad_mean_agrees(path, src, why, sizeof why)) CHECK(0, "%.450s", why);
        free(src);
    }
    if (d) closedir(d);
    CHECK(with >= 10, "only %d specs", with);
}

/* a statement kind from the future: the kernel calls interp_stmt for it */
static void unknown_statement_runs_through_the_interpreter(void) {
    TestModel t;
    CHECK(test_model(&t, small[0][1]), "binary_rbm does not compile");
    int k = ir_find_kernel(t.ir, "cond.h.sample");
    CHECK(k >= 0, "no cond.h.sample");
    if (k < 0) return;
    IrKernel *kn = &t.ir->kernels[k];
    /* the same kernel, its first statement wearing an unknown kind number:
     * the interpreter would ignore it, so must the JIT's fallback */
    SKind kind = kn->stmts[0].kind;
    kn->stmts[0].kind = (SKind)99;
    rt_model mj = *t.m;
    LlvmJitInfo info;
    CHECK(!llvm_jit_attach(t.ir, &mj, &info), "%s", rt_last_error());
    CHECK(info.interpreted >= 1, "%d statements interpreted", info.interpreted);
    test_random_params(&t, 0.3, 3);
    rt_ws *wi = rt_ws_new(t.m, 4, t.p, 7), *wj = rt_ws_new(&mj, 4, t.p, 7);
    fill(wi, wj, 9);
    rt_ws_run(wi, k);
    rt_ws_run(wj, k);
    char what[256];
    CHECK(same_ws(wi, wj, what, sizeof what), "%s", what);
    rt_ws_free(wi);
    rt_ws_free(wj);
    kn->stmts[0].kind = kind;
    llvm_jit_free(&mj);
    test_model_free(&t);
}

/* a loop the code generator must not fuse (two assignments write one
 * buffer at different elements, so the per-element order would differ
 * from the interpreter's per-chunk order) runs through interp_stmt and
 * agrees */
static void unfusable_loop_runs_through_the_interpreter(void) {
    TestModel t;
    CHECK(test_model(&t, small[0][1]), "binary_rbm does not compile");
    int k = ir_find_kernel(t.ir, "cond.h.sample");
    CHECK(k >= 0, "no cond.h.sample");
    if (k < 0) return;
    IrKernel *kn = &t.ir->kernels[k];
    IrStmt *loop = NULL;
    for (int s = 0; s < kn->nstmts; s++)
        if (kn->stmts[s].kind == S_LOOP) loop = &kn->stmts[s];
    CHECK(loop && loop->nassign >= 2, "no loop with two assignments");
    if (!loop) return;
    int stores[2], ns = 0;
    for (int a = 0; a < loop->nassign && ns < 2; a++)
        if (loop->assign[a].kind != A_LOCAL) stores[ns++] = a;
    CHECK(ns == 2, "%d stores", ns);
    if (ns < 2) return;
    IrAssign keep = loop->assign[stores[0]];
    loop->assign[stores[0]].buf = loop->assign[stores[1]].buf;
    loop->assign[stores[0]].kind = A_ACCUM;
    loop->assign[stores[0]].idx[1] = (IrIdx){0};   /* h[b, 0] += ... */
    rt_model mj = *t.m;
    LlvmJitInfo info;
    CHECK(!llvm_jit_attach(t.ir, &mj, &info), "%s", rt_last_error());
    CHECK(info.interpreted == 1, "%d statements interpreted", info.interpreted);
    test_random_params(&t, 0.3, 3);
    rt_ws *wi = rt_ws_new(t.m, 6, t.p, 7), *wj = rt_ws_new(&mj, 6, t.p, 7);
    fill(wi, wj, 9);
    rt_ws_run(wi, k);
    rt_ws_run(wj, k);
    char what[256];
    CHECK(same_ws(wi, wj, what, sizeof what), "%s", what);
    rt_ws_free(wi);
    rt_ws_free(wj);
    loop->assign[stores[0]] = keep;
    llvm_jit_free(&mj);
    test_model_free(&t);
}
#endif

/* rt_fn_exp (inlined by the JIT): relative error against double exp */
static void exp_is_accurate_to_1e_6(void) {
    double worst = 0;
    for (int i = 0; i <= 200000; i++) {
        float x = -87.0f + 175.0f * (float)i / 200000.0f;
        double want = exp((double)x), got = rt_fn_exp(x), rel = fabs(got - want) / want;
        if (rel > worst) worst = rel;
    }
    CHECK(worst < 1e-6, "worst relative error %.3g on [-87, 88]", worst);
    CHECK(isinf(rt_fn_exp(89.0f)) && rt_fn_exp(-104.0f) == 0 && isnan(rt_fn_exp(NAN)), "limits");
    CHECK(rt_fn_exp(0) == 1.0f && rt_fn_sigmoid(0) == 0.5f && rt_fn_sigmoid(-200) == 0 && rt_fn_sigmoid(200) == 1,
          "exact points");
    /* subnormal results: within one unit of the last place (2^-149) */
    CHECK(fabs(rt_fn_exp(-100.0f) - exp(-100.0)) <= 0x1p-149, "subnormal %.9g", (double)rt_fn_exp(-100.0f));
}

int main(void) {
    TEST(exp_is_accurate_to_1e_6);
#ifndef EBMC_NO_LLVM
    if (!llvm_available()) {
        printf("not ok - llvm_available: LLVM's native target did not initialise\n");
        return 1;
    }
    TEST(jit_matches_interp_on_every_spec);
    TEST(jit_matches_interp_on_small_models);
    TEST(grad_mean_matches_grad);
    TEST(unknown_statement_runs_through_the_interpreter);
    TEST(unfusable_loop_runs_through_the_interpreter);
#else
    printf("skip - jit tests: built without LLVM (EBMC_NO_LLVM), nothing to compare\n");
#endif
    CHECK_DONE();
}
