/* test_clamp.c — sampling with units clamped, against exact conditionals.
 *
 *   RBM 5x3 and semi-restricted BM 5x3 (lateral couplings: the sequential
 *   update must skip clamped units), random N(0, 1) parameters: v[0] = 1 and
 *   v[3] = 0 held; 20000 chains x 200 sweeps; the free units (v[1], v[2],
 *   v[4] and h) pass a chi-square test against p(free | clamped) by
 *   enumeration, p > 0.001.
 *   Full-covariance Gaussian (precision P, field b) with x[1] held at 0.7:
 *   the free units' mean and covariance match the conditional Gaussian
 *   (40000 rows, tolerances as in test_gaussian).
 *   A clamped unit never changes: every step of 500 sweeps (exact,
 *   sequential and HMC-sampled groups).
 */
#include "../unit/check.h"
#include "stats.h"

static const float held_v[5] = {1, NAN, NAN, 0, NAN};

static void check_conditional(const char *name, const char *src, uint64_t seed) {
    TestModel t;
    CHECK(test_model(&t, src), "%s: compile", name);
    if (!t.m) return;
    test_random_params(&t, 1.0, seed);
    double **pd = test_params_double(&t);
    const rt_model *m = t.m;
    /* the free configurations: 3 visible bits then 3 hidden bits */
    double prob[64], z = 0;
    double *vals[2] = {calloc(5, sizeof(double)), calloc(3, sizeof(double))};
    long long *vars = calloc((size_t)t.an->en->nvars + 1, sizeof(long long));
    EvalEnv env = {t.an->en, (const double *const *)vals, (const double *const *)pd};
    static const int free_v[3] = {1, 2, 4};
    for (int s = 0; s < 64; s++) {
        vals[0][0] = 1;
        vals[0][3] = 0;
        for (int k = 0; k < 3; k++) vals[0][free_v[k]] = s >> k & 1;
        for (int j = 0; j < 3; j++) vals[1][j] = s >> (3 + j) & 1;
        prob[s] = exp(-energy_eval(&env, t.an->en->E, vars));
        z += prob[s];
    }
    for (int s = 0; s < 64; s++) prob[s] /= z;
    int64_t N = 20000;
    rt_ws *w = rt_ws_new(m, N, t.p, seed);
    rt_ws_randomize(w, 9);
    float *vv = malloc(sizeof(float) * (size_t)(5 * N));
    for (int64_t r = 0; r < N; r++) memcpy(vv + 5 * r, held_v, sizeof held_v);
    rt_ws_clamp(w, 0, vv, NULL, N);
    for (int s = 0; s < 200; s++) rt_ws_sweep(w);
    double obs[64] = {0};
    const float *x = w->bufs[m->groups[0].state_buf], *h = w->bufs[m->groups[1].state_buf];
    int held_ok = 1;
    for (int64_t r = 0; r < N; r++) {
        int s = 0;
        for (int k = 0; k < 3; k++) s |= (x[5 * r + free_v[k]] > 0.5f) << k;
        for (int j = 0; j < 3; j++) s |= (h[3 * r + j] > 0.5f) << (3 + j);
        obs[s]++;
        held_ok &= x[5 * r] == 1.0f && x[5 * r + 3] == 0.0f;
    }
    CHECK(held_ok, "%s: clamped units moved", name);
    int dof;
    double p = stats_chisq_p(obs, prob, 64, (double)N, &dof);
    CHECK(p > 0.001, "%s: chi-square against p(free | clamped): p = %g (%d dof)", name, p, dof);
    printf("# %s: clamped sampling chi-square p = %.3f (%d dof)\n", name, p, dof);
    rt_ws_free(w);
    free(vv);
    free(vals[0]);
    free(vals[1]);
    free(vars);
    test_free_double(pd, m->nparams);
    test_model_free(&t);
}

static void rbm_clamped(void) {
    check_conditional("rbm 5x3",
                      "model r {\n  visible v[5] : bernoulli\n  hidden h[3] : bernoulli\n"
                      "  param W[5, 3]\n  param b[5]\n  param c[3]\n"
                      "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n}\n",
                      3);
}

static void laterals_clamped(void) {
    check_conditional("semi-restricted bm 5x3",
                      "model r {\n  visible v[5] : bernoulli\n  hidden h[3] : bernoulli\n"
                      "  param W[5, 3]\n  param L[5, 5]\n  param b[5]\n  param c[3]\n"
                      "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
                      "           - sum(i, k) v[i]*L[i, k]*v[k]\n}\n",
                      4);
}

/* x ~ N(P^-1 b, P^-1); holding x[1] = c leaves x[0], x[2] Gaussian with
 * precision P_FF and mean P_FF^-1 (b_F - P_F1 c) */
static void gaussian_clamped(void) {
    TestModel t;
    CHECK(test_model(&t, "model g {\n  visible v[3] : gaussian\n  param P[3, 3]\n  param b[3]\n"
                         "  energy = 0.5*sum(i, k) v[i]*P[i, k]*v[k] - sum(i) b[i]*v[i]\n}\n"),
          "compile");
    if (!t.m) return;
    static const float P[9] = {2.0f, 0.9f, 0.3f, 0.9f, 1.5f, -0.6f, 0.3f, -0.6f, 1.0f}, b[3] = {0.5f, -1.0f, 2.0f};
    memcpy(t.p->value[0], P, sizeof P);
    memcpy(t.p->value[1], b, sizeof b);
    double c = 0.7, f0 = b[0] - P[1] * c, f2 = b[2] - P[7] * c;
    double a = P[0], bb = P[2], d = P[8], det = a * d - bb * bb;
    double S00 = d / det, S02 = -bb / det, S22 = a / det;
    double mu0 = S00 * f0 + S02 * f2, mu2 = S02 * f0 + S22 * f2;
    int64_t N = 40000;
    rt_ws *w = rt_ws_new(t.m, N, t.p, 8);
    float *vv = malloc(sizeof(float) * (size_t)(3 * N));
    for (int64_t r = 0; r < N; r++) {
        vv[3 * r] = vv[3 * r + 2] = NAN;
        vv[3 * r + 1] = (float)c;
    }
    rt_ws_clamp(w, 0, vv, NULL, N);
    rt_ws_sweep(w);
    const float *x = w->bufs[t.m->groups[0].state_buf];
    double m0 = 0, m2 = 0, c00 = 0, c02 = 0, c22 = 0;
    int held = 1;
    for (int64_t r = 0; r < N; r++) {
        m0 += x[3 * r] / (double)N;
        m2 += x[3 * r + 2] / (double)N;
        held &= x[3 * r + 1] == (float)c;
    }
    for (int64_t r = 0; r < N; r++) {
        c00 += (x[3 * r] - m0) * (x[3 * r] - m0) / (N - 1.0);
        c02 += (x[3 * r] - m0) * (x[3 * r + 2] - m2) / (N - 1.0);
        c22 += (x[3 * r + 2] - m2) * (x[3 * r + 2] - m2) / (N - 1.0);
    }
    CHECK(held, "the clamped coordinate moved");
    CHECK_NEAR(m0, mu0, 5 * sqrt(S00 / N), "conditional mean 0");
    CHECK_NEAR(m2, mu2, 5 * sqrt(S22 / N), "conditional mean 2");
    CHECK_NEAR(c00, S00, 0.05 * S22 + 5e-3, "conditional var 0");
    CHECK_NEAR(c02, S02, 0.05 * S22 + 5e-3, "conditional cov");
    CHECK_NEAR(c22, S22, 0.05 * S22 + 5e-3, "conditional var 2");
    rt_ws_free(w);
    free(vv);
    test_model_free(&t);
}

/* every step of a long run, for exact, sequential and HMC updates */
static void clamped_never_moves(void) {
    TestModel t;
    CHECK(test_model(&t, "model c {\n  visible v[6] : bernoulli\n  hidden h[4] : bernoulli\n"
                         "  visible g[2] : gaussian { sampler = hmc(steps = 5, step_size = 0.1) }\n"
                         "  param W[6, 4]\n  param L[6, 6]\n  param U[2, 4]\n"
                         "  energy = - sum(i, j) v[i]*W[i, j]*h[j] - sum(i, k) v[i]*L[i, k]*v[k]\n"
                         "           + 0.5*sum(k) g[k]^2 - sum(k, j) g[k]*U[k, j]*h[j]\n}\n"),
          "compile");
    if (!t.m) return;
    test_random_params(&t, 1.0, 12);
    int64_t N = 50;
    rt_ws *w = rt_ws_new(t.m, N, t.p, 13);
    rt_ws_randomize(w, 3);
    float *vv = malloc(sizeof(float) * (size_t)(6 * N)), *gv = malloc(sizeof(float) * (size_t)(2 * N));
    for (int64_t r = 0; r < N; r++) {
        for (int i = 0; i < 6; i++) vv[6 * r + i] = i % 2 ? NAN : (float)((r + i) % 2);
        gv[2 * r] = NAN;
        gv[2 * r + 1] = 0.25f;
    }
    rt_ws_clamp(w, 0, vv, NULL, N);
    rt_ws_clamp(w, 2, gv, NULL, N);
    int moved = 0;
    for (int s = 0; s < 500 && !moved; s++) {
        rt_ws_sweep(w);
        const float *x = w->bufs[t.m->groups[0].state_buf], *g = w->bufs[t.m->groups[2].state_buf];
        for (int64_t r = 0; r < N; r++) {
            for (int i = 0; i < 6; i += 2) moved |= x[6 * r + i] != vv[6 * r + i];
            moved |= g[2 * r + 1] != 0.25f;
        }
    }
    CHECK(!moved, "a clamped unit changed");
    rt_ws_free(w);
    free(vv);
    free(gv);
    test_model_free(&t);
}

int main(void) {
    TEST(rbm_clamped);
    TEST(laterals_clamped);
    TEST(gaussian_clamped);
    TEST(clamped_never_moves);
    CHECK_DONE();
}
