/* test_gaussian.c — Gaussian conditionals against their analytic moments.
 *
 * For each model, the hidden states are held fixed and the visible group's
 * compiled Gibbs update is drawn for N = 40000 rows (seed fixed); the sample
 * mean and covariance must match the analytic ones:
 *   |mean - mu| < 5 sd/sqrt(N) per unit, |cov - S| < 0.05 * max|S| + 5e-3;
 * the conditional's mean buffer must equal mu to 1e-4 (relative).
 *   gaussian_diag with learned log-variances z: mean b + W h, variance e^z
 *   gaussian_full with a fixed precision P: mean P^-1 b, covariance P^-1
 *   gaussian_full with a precision gated by hidden units (mcRBM-style):
 *     P = I + sum_j hc[j] R[:, j] R[:, j]', per row
 *   relu hidden units: the mean of max(0, a + N(0, sigmoid(a))) draws
 */
#include "../unit/check.h"
#include "stats.h"

enum { N = 40000 };

/* Draws the visible group `vis` with every other group's state set by
 * set_rows; returns sample moments in mean[n], cov[n*n]. */
static void moments(TestModel *t, int vis, void (*set_rows)(TestModel *, rt_ws *), double *mean, double *cov,
                    float *cond_mean) {
    const rt_model *m = t->m;
    rt_ws *w = rt_ws_new(m, N, t->p, 99);
    set_rows(t, w);
    rt_ws_run(w, m->groups[vis].k_sample);
    int64_t n = m->groups[vis].size;
    const float *x = w->bufs[m->groups[vis].state_buf];
    memset(mean, 0, sizeof(double) * (size_t)n);
    memset(cov, 0, sizeof(double) * (size_t)(n * n));
    for (int64_t r = 0; r < N; r++)
        for (int64_t i = 0; i < n; i++) mean[i] += x[r * n + i] / (double)N;
    for (int64_t r = 0; r < N; r++)
        for (int64_t i = 0; i < n; i++)
            for (int64_t k = 0; k < n; k++) cov[i * n + k] += (x[r * n + i] - mean[i]) * (x[r * n + k] - mean[k]) / (N - 1.0);
    memcpy(cond_mean, w->bufs[m->groups[vis].mean_buf], sizeof(float) * (size_t)n);
    rt_ws_free(w);
}

static void compare(const char *what, int n, const double *mean, const double *cov, const double *mu, const double *S,
                    const float *cond_mean) {
    double smax = 0;
    for (int i = 0; i < n * n; i++) smax = fmax(smax, fabs(S[i]));
    for (int i = 0; i < n; i++) {
        double tol = 5 * sqrt(S[i * n + i] / N);
        CHECK(fabs(mean[i] - mu[i]) < tol, "%s: mean[%d] %g vs %g (tol %g)", what, i, mean[i], mu[i], tol);
        CHECK(fabs(cond_mean[i] - mu[i]) < 1e-4 * (1 + fabs(mu[i])), "%s: mean buffer[%d] %g vs %g", what, i,
              cond_mean[i], mu[i]);
        for (int k = 0; k < n; k++)
            CHECK(fabs(cov[i * n + k] - S[i * n + k]) < 0.05 * smax + 5e-3, "%s: cov[%d][%d] %g vs %g", what, i, k,
                  cov[i * n + k], S[i * n + k]);
    }
}

/* n x n symmetric positive definite inverse by Gauss-Jordan, in double */
static void invert(int n, const double *A, double *inv) {
    double *a = malloc(sizeof(double) * (size_t)(n * n));
    memcpy(a, A, sizeof(double) * (size_t)(n * n));
    for (int i = 0; i < n * n; i++) inv[i] = (i / n == i % n);
    for (int c = 0; c < n; c++) {
        double piv = a[c * n + c];
        for (int k = 0; k < n; k++) {
            a[c * n + k] /= piv;
            inv[c * n + k] /= piv;
        }
        for (int r = 0; r < n; r++) {
            if (r == c) continue;
            double f = a[r * n + c];
            for (int k = 0; k < n; k++) {
                a[r * n + k] -= f * a[c * n + k];
                inv[r * n + k] -= f * inv[c * n + k];
            }
        }
    }
    free(a);
}

static const float h_pattern[3] = {1, 0, 1};

static void set_h(TestModel *t, rt_ws *w) {
    const rt_model *m = t->m;
    for (int g = 0; g < m->ngroups; g++) {
        if (m->groups[g].role != RT_HIDDEN) continue;
        for (int64_t r = 0; r < w->B; r++)
            for (int64_t j = 0; j < m->groups[g].size; j++) w->bufs[m->groups[g].state_buf][r * m->groups[g].size + j] = h_pattern[j % 3];
    }
}

static void diag_learned_variance(void) {
    TestModel t;
    CHECK(test_model(&t, "model g {\n"
                         "  visible v[4] : gaussian\n  hidden h[3] : bernoulli\n"
                         "  param W[4, 3]\n  param b[4]\n  param c[3]\n  param z[4]\n"
                         "  energy = sum(i) sqr(v[i] - b[i])/(2*exp(z[i])) - sum(j) c[j]*h[j]\n"
                         "         - sum(i, j) v[i]/exp(z[i])*W[i, j]*h[j]\n}\n"),
          "compile");
    if (!t.m) return;
    test_random_params(&t, 0.7, 3);
    double mean[4], cov[16], mu[4], S[16] = {0};
    float cm[4];
    moments(&t, 0, set_h, mean, cov, cm);
    /* params: W 0, b 1, c 2, z 3 (declaration order) */
    for (int i = 0; i < 4; i++) {
        mu[i] = t.p->value[1][i];
        for (int j = 0; j < 3; j++) mu[i] += t.p->value[0][i * 3 + j] * h_pattern[j];
        S[i * 4 + i] = exp(t.p->value[3][i]);
    }
    CHECK(t.an->g[0].cond == COND_GAUSS_DIAG, "v should be gaussian_diag");
    compare("diag", 4, mean, cov, mu, S, cm);
    test_model_free(&t);
}

static void full_fixed_precision(void) {
    TestModel t;
    CHECK(test_model(&t, "model g {\n"
                         "  visible v[3] : gaussian\n"
                         "  param P[3, 3]\n  param b[3]\n"
                         "  energy = 0.5*sum(i, k) v[i]*P[i, k]*v[k] - sum(i) b[i]*v[i]\n}\n"),
          "compile");
    if (!t.m) return;
    /* a positive definite precision with strong correlations */
    static const float P[9] = {2.0f, 0.9f, 0.3f, 0.9f, 1.5f, -0.6f, 0.3f, -0.6f, 1.0f};
    static const float b[3] = {0.5f, -1.0f, 2.0f};
    memcpy(t.p->value[0], P, sizeof P);
    memcpy(t.p->value[1], b, sizeof b);
    CHECK(t.an->g[0].cond == COND_GAUSS_FULL, "v should be gaussian_full");
    double mean[3], cov[9], mu[3], S[9], Pd[9];
    float cm[3];
    for (int i = 0; i < 9; i++) Pd[i] = P[i];
    invert(3, Pd, S);
    for (int i = 0; i < 3; i++) {
        mu[i] = 0;
        for (int k = 0; k < 3; k++) mu[i] += S[i * 3 + k] * b[k];
    }
    moments(&t, 0, set_h, mean, cov, cm);
    compare("full", 3, mean, cov, mu, S, cm);
    test_model_free(&t);
}

/* the mcRBM covariance term 0.5*sum(j) hc[j]*(sum(i) v[i]*R[i,j])^2 */
static void full_gated_precision(void) {
    TestModel t;
    CHECK(test_model(&t, "model g {\n"
                         "  visible v[3] : gaussian\n  hidden hc[3] : bernoulli\n"
                         "  param R[3, 3]\n  param b[3]\n  param c[3]\n"
                         "  energy = 0.5*sum(j) hc[j]*(sum(i) v[i]*R[i, j])^2 + 0.5*sum(i) v[i]^2\n"
                         "         - sum(i) b[i]*v[i] - sum(j) c[j]*hc[j]\n}\n"),
          "compile");
    if (!t.m) return;
    test_random_params(&t, 0.8, 5);
    CHECK(t.an->g[0].cond == COND_GAUSS_FULL, "v should be gaussian_full");
    double Pd[9], S[9], mu[3], mean[3], cov[9];
    float cm[3];
    for (int i = 0; i < 3; i++)
        for (int k = 0; k < 3; k++) {
            Pd[i * 3 + k] = i == k;
            for (int j = 0; j < 3; j++) Pd[i * 3 + k] += h_pattern[j] * t.p->value[0][i * 3 + j] * t.p->value[0][k * 3 + j];
        }
    invert(3, Pd, S);
    for (int i = 0; i < 3; i++) {
        mu[i] = 0;
        for (int k = 0; k < 3; k++) mu[i] += S[i * 3 + k] * t.p->value[1][k];
    }
    moments(&t, 0, set_h, mean, cov, cm);
    compare("gated", 3, mean, cov, mu, S, cm);
    test_model_free(&t);
}

/* noisy rectified linear units (Nair & Hinton 2010): given field a, a draw
 * is max(0, a + s Z) with s^2 = sigmoid(a), so its mean is
 * a Phi(a/s) + s phi(a/s); N rows, mean within 5 sd/sqrt(N) */
static void relu_units(void) {
    TestModel t;
    CHECK(test_model(&t, "model r {\n"
                         "  visible v[3] : bernoulli\n  hidden h[4] : relu\n"
                         "  param W[3, 4]\n  param b[3]\n  param c[4]\n"
                         "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n}\n"),
          "compile");
    if (!t.m) return;
    test_random_params(&t, 1.0, 71);
    CHECK(t.an->g[1].cond == COND_RELU, "h should be relu");
    rt_ws *w = rt_ws_new(t.m, N, t.p, 5);
    for (int64_t r = 0; r < N; r++)
        for (int i = 0; i < 3; i++) w->bufs[t.m->groups[0].state_buf][r * 3 + i] = h_pattern[i];
    rt_ws_run(w, t.m->groups[1].k_sample);
    const float *h = w->bufs[t.m->groups[1].state_buf];
    for (int j = 0; j < 4; j++) {
        double a = t.p->value[2][j];
        for (int i = 0; i < 3; i++) a += h_pattern[i] * t.p->value[0][i * 4 + j];
        double s = sqrt(1 / (1 + exp(-a))), z = a / s;
        double mean = a * 0.5 * erfc(-z / sqrt(2)) + s * exp(-0.5 * z * z) / sqrt(2 * M_PI), m2 = 0, got = 0;
        for (int64_t r = 0; r < N; r++) {
            got += h[r * 4 + j] / N;
            m2 += (double)h[r * 4 + j] * h[r * 4 + j] / N;
        }
        double sd = sqrt(m2 - got * got);
        CHECK(fabs(got - mean) < 5 * sd / sqrt(N) + 1e-6, "relu unit %d: mean %g vs %g", j, got, mean);
    }
    rt_ws_free(w);
    test_model_free(&t);
}

int main(void) {
    TEST(diag_learned_variance);
    TEST(full_fixed_precision);
    TEST(full_gated_precision);
    TEST(relu_units);
    CHECK_DONE();
}
