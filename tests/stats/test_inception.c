/* test_inception.c — the inception score under a classifier of our own.
 *
 * A discriminative RBM whose label y[3] sits between its inputs a[2] and
 * b[3] (so the samples are spliced around the label's columns), 4 hidden
 * units, N(0, 3^2) parameters (seed 41):
 *   rt_inception of 37 samples (37 = 10 splits of 3 or 4 rows) equals the
 *   score computed here in double from p(y | x) by brute force over h,
 *   the same split rule and the standard error of the 10 split scores
 *   (1e-5 relative), given either the 5 input values or whole rows.
 * The textbook cases, on one-hot p(y | x): every sample certainly class 2
 *   gives IS = 1; samples certainly in each of K = 4 classes equally often
 *   (in every split) give IS = K; both with a zero error bar (1e-12).
 * Refusals: samples of the wrong width, fewer samples than splits, a model
 *   without a softmax group, one with two and no --target.
 */
#include "../unit/check.h"
#include "rt_inception.h"
#include "stats.h"

static const char *spec = "model r {\n"
                          "  visible a[2] : bernoulli\n  visible y[3] : softmax\n  visible b[3] : bernoulli\n"
                          "  hidden h[4] : bernoulli\n"
                          "  param Wa[2, 4]\n  param Wb[3, 4]\n  param U[3, 4]\n  param c[4]\n  param d[3]\n"
                          "  energy = - sum(j) c[j]*h[j] - sum(k) d[k]*y[k] - sum(i, j) a[i]*Wa[i, j]*h[j]\n"
                          "           - sum(i, j) b[i]*Wb[i, j]*h[j] - sum(k, j) y[k]*U[k, j]*h[j]\n}\n";

/* -F(x, y) = log sum_h exp(-E): x's bits 0-1 are a, 2-4 are b; params in
 * declaration order Wa 0, Wb 1, U 2, c 3, d 4 */
static double neg_free(double **p, int x, int y) {
    double s = p[4][y];
    for (int j = 0; j < 4; j++) {
        double t = p[3][j] + p[2][y * 4 + j];
        for (int i = 0; i < 2; i++) t += (x >> i & 1) * p[0][i * 4 + j];
        for (int i = 0; i < 3; i++) t += (x >> (2 + i) & 1) * p[1][i * 4 + j];
        s += log1p(exp(t));
    }
    return s;
}

static void p_y_given_x(double **p, int x, double *q) {
    double f[3], mx = -INFINITY, z = 0;
    for (int k = 0; k < 3; k++) f[k] = neg_free(p, x, k), mx = f[k] > mx ? f[k] : mx;
    for (int k = 0; k < 3; k++) z += exp(f[k] - mx);
    for (int k = 0; k < 3; k++) q[k] = exp(f[k] - mx) / z;
}

enum { N = 37, S = 10 };

static void against_brute_force(void) {
    TestModel t;
    CHECK(test_model(&t, spec), "compile");
    if (!t.m) return;
    test_random_params(&t, 3.0, 41);
    double **p = test_params_double(&t);
    int xs[N];
    float in[N * 5], whole[N * 8];
    for (int n = 0; n < N; n++) {
        xs[n] = (n * 13 + 5) % 32;
        for (int i = 0; i < 5; i++) in[n * 5 + i] = (float)(xs[n] >> i & 1);
        /* whole rows: a, y (any values: ignored), b */
        float *w = whole + n * 8;
        w[0] = in[n * 5], w[1] = in[n * 5 + 1], w[2] = 0.3f, w[3] = 1, w[4] = 0;
        for (int i = 0; i < 3; i++) w[5 + i] = in[n * 5 + 2 + i];
    }
    /* the score, directly: per split p(y), the mean KL, exp; then the mean
     * and standard error of the 10 */
    double scores[S], mean = 0, var = 0;
    for (int s = 0; s < S; s++) {
        int lo = s * N / S, hi = (s + 1) * N / S;
        double q[N][3], py[3] = {0, 0, 0}, kl = 0;
        for (int n = lo; n < hi; n++) {
            p_y_given_x(p, xs[n], q[n]);
            for (int k = 0; k < 3; k++) py[k] += q[n][k] / (hi - lo);
        }
        for (int n = lo; n < hi; n++)
            for (int k = 0; k < 3; k++) kl += q[n][k] * log(q[n][k] / py[k]);
        scores[s] = exp(kl / (hi - lo));
        mean += scores[s] / S;
    }
    for (int s = 0; s < S; s++) var += (scores[s] - mean) * (scores[s] - mean) / (S - 1);
    double se = sqrt(var / S);
    int label = rt_inception_label_group(t.m, NULL);
    CHECK(label == 1, "the only softmax group is the label: got %d (%s)", label, rt_last_error());
    rt_inception_result r, rw;
    CHECK(rt_inception(t.m, t.p, label, in, N, 5, &r) == 0, "rt_inception: %s", rt_last_error());
    CHECK(fabs(r.score - mean) <= 1e-5 * mean, "IS %.8f, direct %.8f", r.score, mean);
    CHECK(fabs(r.stderr_score - se) <= 1e-5 * se, "stderr %.8g, direct %.8g", r.stderr_score, se);
    CHECK(r.splits == S && r.n == N && r.classes == 3, "splits %d n %lld classes %lld", r.splits, (long long)r.n,
          (long long)r.classes);
    CHECK(rt_inception(t.m, t.p, label, whole, N, 8, &rw) == 0, "whole rows: %s", rt_last_error());
    CHECK(fabs(rw.score - mean) <= 1e-5 * mean, "whole rows: IS %.8f, direct %.8f", rw.score, mean);
    printf("# IS %.6f +- %.6f (direct %.6f +- %.6f)\n", r.score, r.stderr_score, mean, se);
    /* refusals */
    CHECK(rt_inception(t.m, t.p, label, in, N, 4, &r) < 0 && strstr(rt_last_error(), "values each"),
          "wrong width refused: %s", rt_last_error());
    CHECK(rt_inception(t.m, t.p, label, in, S - 1, 5, &r) < 0 && strstr(rt_last_error(), "fewer than the 10 splits"),
          "too few samples refused: %s", rt_last_error());
    CHECK(rt_inception_label_group(t.m, "a") == 0, "--target a: %s", rt_last_error());
    CHECK(rt_inception_label_group(t.m, "z") < 0 && strstr(rt_last_error(), "no group 'z'"), "unknown: %s",
          rt_last_error());
    test_free_double(p, t.m->nparams);
    test_model_free(&t);
}

static void textbook_cases(void) {
    enum { K = 4, M = 80 };   /* 8 rows per split: each class twice */
    double probs[M * K];
    rt_inception_result r;
    for (int n = 0; n < M; n++)
        for (int k = 0; k < K; k++) probs[n * K + k] = k == 2;
    CHECK(rt_inception_score_of(probs, M, K, S, &r) == 0, "one class: %s", rt_last_error());
    CHECK(fabs(r.score - 1) < 1e-12 && r.stderr_score < 1e-12, "one class: IS %.15g +- %g", r.score, r.stderr_score);
    for (int n = 0; n < M; n++)
        for (int k = 0; k < K; k++) probs[n * K + k] = k == n % K;
    CHECK(rt_inception_score_of(probs, M, K, S, &r) == 0, "K classes: %s", rt_last_error());
    CHECK(fabs(r.score - K) < 1e-12 && r.stderr_score < 1e-12, "K classes: IS %.15g +- %g", r.score, r.stderr_score);
}

static void no_label_group(void) {
    TestModel t;
    CHECK(test_model(&t, "model r {\n  visible v[3] : bernoulli\n  hidden h[2] : bernoulli\n  param W[3, 2]\n"
                         "  energy = - sum(i, j) v[i]*W[i, j]*h[j]\n}\n"), "compile");
    if (!t.m) return;
    CHECK(rt_inception_label_group(t.m, NULL) < 0 && strstr(rt_last_error(), "no label group"), "refused: %s",
          rt_last_error());
    test_model_free(&t);
    CHECK(test_model(&t, "model r {\n  visible v[3] : softmax\n  visible y[2] : softmax\n  hidden h[2] : bernoulli\n"
                         "  param W[3, 2]\n  param U[2, 2]\n"
                         "  energy = - sum(i, j) v[i]*W[i, j]*h[j] - sum(k, j) y[k]*U[k, j]*h[j]\n}\n"), "compile");
    if (!t.m) return;
    CHECK(rt_inception_label_group(t.m, NULL) < 0 && strstr(rt_last_error(), "several softmax groups"),
          "two softmax groups: %s", rt_last_error());
    CHECK(rt_inception_label_group(t.m, "y") == 1, "--target y: %s", rt_last_error());
    test_model_free(&t);
}

int main(void) {
    TEST(against_brute_force);
    TEST(textbook_cases);
    TEST(no_label_group);
    CHECK_DONE();
}
