/* test_row0.c — chains split into parts draw what they draw together: 7
 * chains x 15 sweeps (seed 5, N(0, 0.3^2) parameters) sampled at once, and
 * as the parts [0, 3), [3, 3), [3, 4), [4, 7) (rt_sample_rows, each part's
 * workspace with rt_ws.row0 at its first chain), give the same bits, chain
 * for chain, in the interpreter and in the JIT. The model draws in every
 * way the runtime has: sequential single-site Gibbs (v, lateral), softmax
 * rows (y), diagonal and full-covariance Gaussians (h, g), Metropolis (z),
 * HMC (s), a noise input (n) and the random starting states. That the
 * offset matters is checked too: the part [0, 4) sampled alone is not
 * chains 3..6. (This is what `mpirun ... sample --chains` relies on;
 * tests/e2e/mpi_sample.sh runs it across ranks.) */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "../stats/stats.h"
#include "rt_sample.h"
#ifndef EBMC_NO_LLVM
#include "llvm.h"
#endif

static const char *spec =
    "model mix {\n"
    "  visible v[3, 3] : bernoulli\n"
    "  visible y[3]    : softmax\n"
    "  input   n[2] { noise = normal }\n"
    "  hidden  h[4]    : gaussian\n"
    "  hidden  g[2]    : gaussian\n"
    "  hidden  z[2]    : bernoulli { sampler = metropolis(steps = 2) }\n"
    "  hidden  s[2]    : gaussian { sampler = hmc(steps = 3, step_size = 0.1) }\n"
    "  param W[3, 3, 4]  param U[3, 4]  param L[3, 3, 3, 3]  param G[3, 3, 2]  param M[2, 2]\n"
    "  param Q[4, 2]  param N[2, 4]  param S[2, 4]  param b[3, 3]  param c[4]\n"
    "  energy = - sum(r, t) b[r, t]*v[r, t] + sum(j) sqr(h[j] - c[j]) / 2 + sum(a) sqr(g[a]) / 2\n"
    "           + sum(a) sqr(s[a]) / 2\n"
    "           - sum(r, t, j) v[r, t]*W[r, t, j]*h[j] - sum(k, j) y[k]*U[k, j]*h[j]\n"
    "           - sum(r, t, p, q) v[r, t]*L[r, t, p, q]*v[p, q]\n"
    "           - sum(r, t, a) v[r, t]*G[r, t, a]*g[a] - sum(a, e) g[a]*M[a, e]*g[e]\n"
    "           - sum(j, k) h[j]*Q[j, k]*z[k] - sum(a, j) n[a]*N[a, j]*h[j] - sum(a, j) s[a]*S[a, j]*h[j]\n"
    "}\n";

enum { CHAINS = 7, STEPS = 15 };

/* 0 when the parts give the whole run's rows; else a reason in why */
static int parts_agree(const rt_model *m, rt_params *p, const char *backend, char *why, size_t n) {
    int64_t rf = rt_visible_floats(m);
    size_t bytes = sizeof(float) * (size_t)(CHAINS * rf);
    float *all = malloc(bytes), *allm = malloc(bytes), *part = malloc(bytes), *partm = malloc(bytes);
    static const int64_t cut[] = {0, 3, 3, 4, 7};
    int bad = rt_sample_rows(m, p, 0, CHAINS, STEPS, 5, NULL, 0, 0, all, allm);
    if (bad) snprintf(why, n, "%s: %s", backend, rt_last_error());
    for (int k = 0; k + 1 < 5 && !bad; k++) {
        int64_t c0 = cut[k], c1 = cut[k + 1];
        if (rt_sample_rows(m, p, c0, c1, STEPS, 5, NULL, 0, 0, part, partm)) {
            snprintf(why, n, "%s: [%lld, %lld): %s", backend, (long long)c0, (long long)c1, rt_last_error());
            bad = 1;
        } else if (memcmp(part, all + c0 * rf, sizeof(float) * (size_t)((c1 - c0) * rf)) ||
                   memcmp(partm, allm + c0 * rf, sizeof(float) * (size_t)((c1 - c0) * rf))) {
            snprintf(why, n, "%s: chains [%lld, %lld) drawn alone differ from the same chains drawn with the rest",
                     backend, (long long)c0, (long long)c1);
            bad = 1;
        }
    }
    /* without the offset, the last 4 chains would be the first 4 */
    if (!bad && !rt_sample_rows(m, p, 0, 4, STEPS, 5, NULL, 0, 0, part, partm) &&
        !memcmp(part, all + 3 * rf, sizeof(float) * (size_t)(4 * rf))) {
        snprintf(why, n, "%s: chains 0..3 and 3..6 are the same: the test cannot tell the offset", backend);
        bad = 1;
    }
    free(all);
    free(allm);
    free(part);
    free(partm);
    return bad;
}

static void interp_parts(void) {
    TestModel t;
    CHECK(test_model(&t, spec), "the model compiles");
    if (!t.m) return;
    test_random_params(&t, 0.3, 3);
    char why[512];
    CHECK(!parts_agree(t.m, t.p, "interp", why, sizeof why), "%.400s", why);
    test_model_free(&t);
}

static void jit_parts(void) {
#ifndef EBMC_NO_LLVM
    TestModel t;
    CHECK(test_model(&t, spec), "the model compiles");
    if (!t.m) return;
    rt_model mj = *t.m;
    LlvmJitInfo info;
    if (llvm_jit_attach(t.ir, &mj, &info)) {
        CHECK(0, "jit: %s", rt_last_error());
        test_model_free(&t);
        return;
    }
    test_random_params(&t, 0.3, 3);
    char why[512];
    CHECK(!parts_agree(&mj, t.p, "jit", why, sizeof why), "%.400s", why);
    llvm_jit_free(&mj);
    test_model_free(&t);
#else
    SKIP("built without LLVM");
#endif
}

int main(void) {
    TEST(interp_parts);
    TEST(jit_parts);
    CHECK_DONE();
}
