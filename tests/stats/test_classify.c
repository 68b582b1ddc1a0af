/* test_classify.c — p(label | image) by enumeration, and its gradient.
 *
 * An RBM with 5 visible bits, a one-hot label y[3] and 4 hidden units,
 * random N(0, 1) parameters (seed 31):
 *   rt_classify's average log p(y | v) and accuracy over all 96 (v, y)
 *   equal brute-force sums over (v, y, h) in double (1e-5);
 *   the discriminative gradient (one rt_conditional_pass over 6 rows)
 *   equals central finite differences (eps 1e-4) of the average
 *   log p(y | v) computed by brute force, 2-norm relative error < 1e-4.
 */
#include "../unit/check.h"
#include "rt_classify.h"
#include "stats.h"

static const char *spec = "model r {\n"
                          "  visible v[5] : bernoulli\n  visible y[3] : softmax\n  hidden h[4] : bernoulli\n"
                          "  param W[5, 4]\n  param U[3, 4]\n  param b[5]\n  param c[4]\n  param d[3]\n"
                          "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(k) d[k]*y[k]\n"
                          "           - sum(i, j) v[i]*W[i, j]*h[j] - sum(k, j) y[k]*U[k, j]*h[j]\n}\n";

/* log sum_h exp(-E(v, y, h)) = -F(v, y), in double, from the parameters */
static double neg_free(double **p, int v, int y) {
    /* params in declaration order: W 0, U 1, b 2, c 3, d 4 */
    double s = p[4][y];
    for (int i = 0; i < 5; i++) s += p[2][i] * (v >> i & 1);
    for (int j = 0; j < 4; j++) {
        double a = p[3][j] + p[1][y * 4 + j];
        for (int i = 0; i < 5; i++) a += (v >> i & 1) * p[0][i * 4 + j];
        s += log1p(exp(a));
    }
    return s;
}

static double log_p_y(double **p, int v, int y) {
    double mx = -INFINITY, z = 0, f[3];
    for (int k = 0; k < 3; k++) {
        f[k] = neg_free(p, v, k);
        if (f[k] > mx) mx = f[k];
    }
    for (int k = 0; k < 3; k++) z += exp(f[k] - mx);
    return f[y] - mx - log(z);
}

static void row_of(int v, int y, float *row) {
    for (int i = 0; i < 5; i++) row[i] = (float)(v >> i & 1);
    for (int k = 0; k < 3; k++) row[5 + k] = k == y;
}

static void conditional_and_accuracy(void) {
    TestModel t;
    CHECK(test_model(&t, spec), "compile");
    if (!t.m) return;
    test_random_params(&t, 1.0, 31);
    double **p = test_params_double(&t);
    float rows[96 * 8];
    double ll = 0, ok = 0;
    for (int v = 0; v < 32; v++)
        for (int y = 0; y < 3; y++) {
            row_of(v, y, rows + (v * 3 + y) * 8);
            ll += log_p_y(p, v, y) / 96;
            int best = 0;
            for (int k = 1; k < 3; k++)
                if (log_p_y(p, v, k) > log_p_y(p, v, best)) best = k;
            ok += (best == y) / 96.0;
        }
    double got_ll, got_acc;
    CHECK(rt_classify(t.m, t.p, 1, rows, 96, 8, &got_ll, &got_acc) == 0, "rt_classify: %s", rt_last_error());
    CHECK_NEAR(got_ll, ll, 1e-5, "average log p(y|v)");
    CHECK_NEAR(got_acc, ok, 1e-9, "accuracy");
    test_free_double(p, t.m->nparams);
    test_model_free(&t);
}

static void discriminative_gradient(void) {
    TestModel t;
    CHECK(test_model(&t, spec), "compile");
    if (!t.m) return;
    test_random_params(&t, 1.0, 37);
    double **p = test_params_double(&t);
    static const int data[6][2] = {{3, 0}, {17, 2}, {30, 1}, {8, 1}, {21, 0}, {12, 2}};
    float rows[6 * 8];
    for (int n = 0; n < 6; n++) row_of(data[n][0], data[n][1], rows + n * 8);
    for (int i = 0; i < t.m->nparams; i++) memset(t.p->grad[i], 0, sizeof(float) * (size_t)t.m->params[i].size);
    rt_ws *w = rt_ws_new(t.m, 6 * 3, t.p, 1);
    rt_conditional_pass(t.m, w, 1, rows, 6, 8, 1, NULL, NULL);
    rt_ws_free(w);
    double num = 0, den = 0;
    for (int i = 0; i < t.m->nparams; i++)
        for (int64_t k = 0; k < t.m->params[i].size; k++) {
            double keep = p[i][k], eps = 1e-4, lp = 0, lm = 0;
            p[i][k] = keep + eps;
            for (int n = 0; n < 6; n++) lp += log_p_y(p, data[n][0], data[n][1]) / 6;
            p[i][k] = keep - eps;
            for (int n = 0; n < 6; n++) lm += log_p_y(p, data[n][0], data[n][1]) / 6;
            p[i][k] = keep;
            double fd = (lp - lm) / (2 * eps);
            num += (t.p->grad[i][k] - fd) * (t.p->grad[i][k] - fd);
            den += fd * fd;
        }
    CHECK(sqrt(num / den) < 1e-4, "discriminative gradient: relative error %g", sqrt(num / den));
    printf("# discriminative gradient relative error %.2g\n", sqrt(num / den));
    test_free_double(p, t.m->nparams);
    test_model_free(&t);
}

int main(void) {
    TEST(conditional_and_accuracy);
    TEST(discriminative_gradient);
    CHECK_DONE();
}
