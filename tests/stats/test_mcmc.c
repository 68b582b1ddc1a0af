/* test_mcmc.c — HMC and Metropolis against known answers.
 *
 *   HMC on a 2-D Gaussian with correlation 0.8 (energy 0.5 v'Pv, P = S^-1):
 *     4000 chains x 300 sweeps (20 leapfrog steps of 0.15), seed 1; final
 *     states' mean within 5 sd/sqrt(N) of 0, covariance within 0.06 of S,
 *     acceptance rate in [0.6, 1).
 *   HMC on the double well E = x^4/4 - x^2 (not Gaussian, so the analysis
 *     alone refuses it): E[x^2] within 0.05 of the value by quadrature.
 *   Metropolis (single flips) on a fully visible BM: chi-square against the
 *     enumerated distribution, p > 0.001 (4000 chains, 200 sweeps of 20 flips).
 */
#include "../unit/check.h"
#include "stats.h"

static void hmc_correlated_gaussian(void) {
    TestModel t;
    CHECK(test_model(&t, "model g {\n"
                         "  visible v[2] : gaussian { sampler = hmc(steps = 20, step_size = 0.15) }\n"
                         "  param P[2, 2]\n"
                         "  energy = 0.5*sum(i, k) v[i]*P[i, k]*v[k]\n}\n"),
          "compile");
    if (!t.m) return;
    /* S = [[1, .8], [.8, 1]], P = S^-1 */
    double det = 1 - 0.64;
    float P[4] = {(float)(1 / det), (float)(-0.8 / det), (float)(-0.8 / det), (float)(1 / det)};
    memcpy(t.p->value[0], P, sizeof P);
    CHECK(t.an->g[0].cond == COND_INTRACTABLE && t.m->groups[0].sampler == RT_SAMPLER_HMC, "v is sampled by HMC");
    int64_t N = 4000;
    rt_ws *w = rt_ws_new(t.m, N, t.p, 1);
    rt_ws_randomize(w, 5);
    for (int s = 0; s < 300; s++) rt_ws_sweep(w);
    const float *x = w->bufs[t.m->groups[0].state_buf];
    double m0 = 0, m1 = 0, c00 = 0, c01 = 0, c11 = 0;
    for (int64_t r = 0; r < N; r++) {
        m0 += x[2 * r] / N;
        m1 += x[2 * r + 1] / N;
    }
    for (int64_t r = 0; r < N; r++) {
        c00 += (x[2 * r] - m0) * (x[2 * r] - m0) / (N - 1);
        c01 += (x[2 * r] - m0) * (x[2 * r + 1] - m1) / (N - 1);
        c11 += (x[2 * r + 1] - m1) * (x[2 * r + 1] - m1) / (N - 1);
    }
    double tol = 5 / sqrt((double)N), rate = (double)w->accepts[0] / (double)w->proposals[0];
    CHECK_NEAR(m0, 0, tol, "mean 0");
    CHECK_NEAR(m1, 0, tol, "mean 1");
    CHECK_NEAR(c00, 1, 0.06, "var 0");
    CHECK_NEAR(c11, 1, 0.06, "var 1");
    CHECK_NEAR(c01, 0.8, 0.06, "cov");
    CHECK(rate >= 0.6 && rate < 1, "acceptance rate %g", rate);
    printf("# hmc 2-d gaussian: mean (%.3f, %.3f), cov [[%.3f, %.3f], [., %.3f]], acceptance %.3f\n", m0, m1, c00, c01, c11, rate);
    rt_ws_free(w);
    test_model_free(&t);
}

static void hmc_double_well(void) {
    TestModel t;
    CHECK(test_model(&t, "model g {\n"
                         "  visible x : gaussian { sampler = hmc(steps = 15, step_size = 0.1) }\n"
                         "  energy = x^4/4 - x^2\n}\n"),
          "compile");
    if (!t.m) return;
    double zs = 0, zx2 = 0;
    for (double y = -6; y <= 6; y += 1e-4) {
        double p = exp(-(y * y * y * y / 4 - y * y));
        zs += p;
        zx2 += y * y * p;
    }
    double ex2 = zx2 / zs;
    int64_t N = 4000;
    rt_ws *w = rt_ws_new(t.m, N, t.p, 2);
    rt_ws_randomize(w, 6);
    for (int s = 0; s < 400; s++) rt_ws_sweep(w);
    const float *x = w->bufs[t.m->groups[0].state_buf];
    double m2 = 0;
    for (int64_t r = 0; r < N; r++) m2 += (double)x[r] * x[r] / N;
    CHECK_NEAR(m2, ex2, 0.05, "E[x^2] of the double well");
    printf("# hmc double well: E[x^2] = %.4f (quadrature %.4f), acceptance %.3f\n", m2, ex2,
           (double)w->accepts[0] / (double)w->proposals[0]);
    rt_ws_free(w);
    test_model_free(&t);
}

static void metropolis_discrete(void) {
    TestModel t;
    CHECK(test_model(&t, "model f {\n"
                         "  visible x[5] : bernoulli { sampler = metropolis(steps = 20) }\n"
                         "  param U[5, 5]\n  param b[5]\n"
                         "  energy = - sum(i, j) x[i]*U[i, j]*x[j] - sum(i) b[i]*x[i]\n}\n"),
          "compile");
    if (!t.m) return;
    test_random_params(&t, 0.7, 23);
    double **pd = test_params_double(&t);
    double prob[32], obs[32] = {0}, z = 0;
    for (int s = 0; s < 32; s++) {
        double e = 0;
        for (int i = 0; i < 5; i++) {
            e -= pd[1][i] * (s >> i & 1);
            for (int j = 0; j < 5; j++) e -= (s >> i & 1) * pd[0][i * 5 + j] * (s >> j & 1);
        }
        prob[s] = exp(-e);
        z += prob[s];
    }
    for (int s = 0; s < 32; s++) prob[s] /= z;
    int64_t N = 4000;
    rt_ws *w = rt_ws_new(t.m, N, t.p, 3);
    rt_ws_randomize(w, 7);
    for (int s = 0; s < 200; s++) rt_ws_sweep(w);
    const float *x = w->bufs[t.m->groups[0].state_buf];
    for (int64_t r = 0; r < N; r++) {
        int s = 0;
        for (int i = 0; i < 5; i++) s |= (x[r * 5 + i] > 0.5f) << i;
        obs[s]++;
    }
    int dof;
    double p = stats_chisq_p(obs, prob, 32, (double)N, &dof);
    CHECK(p > 0.001, "metropolis chi-square p = %g (%d dof)", p, dof);
    printf("# metropolis fully visible bm: chi-square p = %.3f (%d dof), acceptance %.3f\n", p, dof,
           (double)w->accepts[0] / (double)w->proposals[0]);
    rt_ws_free(w);
    test_free_double(pd, t.m->nparams);
    test_model_free(&t);
}

int main(void) {
    TEST(hmc_correlated_gaussian);
    TEST(hmc_double_well);
    TEST(metropolis_discrete);
    CHECK_DONE();
}
