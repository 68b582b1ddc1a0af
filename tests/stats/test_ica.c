/* test_ica.c — ICA on synthetic mixtures (seed 91, 20000 samples of 4
 * super-Gaussian sources: two Laplace, one logistic, one cubed normal,
 * mixed by a random 4 x 4 matrix).
 *
 *   natural_gradient: method = ica (Amari's natural gradient with the
 *     logistic prior's score from the compiled dE.s kernel) separates them:
 *     the Amari index of unmixing x mixing is < 0.05; the log-likelihood
 *     rises from the first epoch to the last.
 *   fastica: algorithm = fastica separates them too (Amari index < 0.05). */
#include "../unit/check.h"
#include "rt_la.h"
#include "rt_train.h"
#include "stats.h"

enum { D = 4, N = 20000 };
static const uint64_t SEED = 91;

static const char *spec = "model ica {\n"
                          "  visible x[4] : gaussian\n"
                          "  hidden  s[4] : gaussian { sampler = hmc(steps = 10, step_size = 0.05) }\n"
                          "  param W[4, 4] init normal(0, 0.5)\n  param b[4]\n"
                          "  s ~ logistic(0, 1)\n"
                          "  x[i] ~ normal(sum(k) W[i, k]*s[k] + b[i], 0.01)\n}\n";

static double A[D * D];

static rt_dataset make_data(void) {
    for (int i = 0; i < D * D; i++) A[i] = (i % (D + 1) == 0 ? 1.0 : 0.0) + 0.6 * rt_normal(SEED, 5, 0, (uint32_t)i);
    rt_dataset ds = {.n = N, .ndim = 1, .dims = {D}};
    ds.data = rt_alloc(sizeof(float) * N * D);
    for (int r = 0; r < N; r++) {
        double s[D];
        double u = rt_uniform(SEED, 1, (uint64_t)r, 0) * 0.999998 + 1e-6, v = rt_uniform(SEED, 1, (uint64_t)r, 1);
        s[0] = (v < 0.5 ? -1 : 1) * -log(u);                      /* Laplace */
        u = rt_uniform(SEED, 1, (uint64_t)r, 2) * 0.999998 + 1e-6;
        v = rt_uniform(SEED, 1, (uint64_t)r, 3);
        s[1] = (v < 0.5 ? -1 : 1) * -log(u);                      /* Laplace */
        u = rt_uniform(SEED, 1, (uint64_t)r, 4) * 0.999998 + 1e-6;
        s[2] = log(u / (1 - u));                                  /* logistic */
        double z = rt_normal(SEED, 2, (uint64_t)r, 0);
        s[3] = z * z * z / 2;                                     /* cubed normal */
        for (int i = 0; i < D; i++) {
            double x = 0.5 * i;
            for (int k = 0; k < D; k++) x += A[i * D + k] * s[k];
            ds.data[r * D + i] = (float)x;
        }
    }
    return ds;
}

/* Amari index of P (0: a scaled permutation), normalised to [0, 1] */
static double amari(const double *P) {
    double s = 0;
    for (int i = 0; i < D; i++) {
        double mr = 0, mc = 0, sr = 0, sc = 0;
        for (int j = 0; j < D; j++) {
            mr = fmax(mr, fabs(P[i * D + j]));
            mc = fmax(mc, fabs(P[j * D + i]));
        }
        for (int j = 0; j < D; j++) {
            sr += fabs(P[i * D + j]) / mr;
            sc += fabs(P[j * D + i]) / mc;
        }
        s += sr - 1 + sc - 1;
    }
    return s / (2.0 * D * (D - 1));
}

/* the learned unmixing W^-1 times the true mixing A */
static double separation(const TestModel *t) {
    double W[D * D], Winv[D * D], P[D * D];
    for (int i = 0; i < D * D; i++) W[i] = t->p->value[0][i];
    /* W^-1 by solving W Winv = I column by column (Gauss-Jordan) */
    double M[D * 2 * D];
    for (int r = 0; r < D; r++)
        for (int k = 0; k < 2 * D; k++) M[r * 2 * D + k] = k < D ? W[r * D + k] : (k - D == r);
    for (int c = 0; c < D; c++) {
        int piv = c;
        for (int r = c + 1; r < D; r++)
            if (fabs(M[r * 2 * D + c]) > fabs(M[piv * 2 * D + c])) piv = r;
        for (int k = 0; k < 2 * D; k++) {
            double tmp = M[c * 2 * D + k];
            M[c * 2 * D + k] = M[piv * 2 * D + k];
            M[piv * 2 * D + k] = tmp;
        }
        double p = M[c * 2 * D + c];
        for (int k = 0; k < 2 * D; k++) M[c * 2 * D + k] /= p;
        for (int r = 0; r < D; r++)
            if (r != c) {
                double f = M[r * 2 * D + c];
                for (int k = 0; k < 2 * D; k++) M[r * 2 * D + k] -= f * M[c * 2 * D + k];
            }
    }
    for (int r = 0; r < D; r++)
        for (int k = 0; k < D; k++) Winv[r * D + k] = M[r * 2 * D + D + k];
    rt_la_gemm(0, 0, D, D, D, 1.0, Winv, A, 0.0, P);
    return amari(P);
}

static void run(int fast) {
    rt_dataset ds = make_data();
    TestModel t;
    CHECK(test_model(&t, spec), "compile");
    if (!t.m) return;
    CHECK(t.m->lin && t.m->lin->prior == RT_PRIOR_FACTORIAL, "factorial prior recognised");
    rt_params_init(t.m, t.p, 3);
    rt_train_cfg cfg = rt_train_defaults();
    cfg.method = RT_ICA;
    cfg.ica_fast = fast;
    cfg.epochs = 30;
    cfg.batch = 100;
    cfg.lr = rt_schedule_const(0.02);
    cfg.tol = 1e-7;
    cfg.quiet = 1;
    rt_train_report rep = {0};
    CHECK(!rt_train(t.m, t.p, &ds, &cfg, NULL, &rep), "ica: %s", rt_last_error());
    double ai = separation(&t);
    CHECK(ai < 0.05, "Amari index %g", ai);
    if (!fast && rep.epochs > 1)
        CHECK(rep.per_epoch[rep.epochs - 1].loglik > rep.per_epoch[0].loglik, "log-likelihood did not rise: %g -> %g",
              rep.per_epoch[0].loglik, rep.per_epoch[rep.epochs - 1].loglik);
    printf("# ica (%s): %d epochs, Amari index %.4f, loglik %.5f\n", fast ? "fastica" : "natural gradient", rep.epochs, ai,
           rep.epochs ? rep.per_epoch[rep.epochs - 1].loglik : NAN);
    free(rep.per_epoch);
    test_model_free(&t);
    rt_dataset_free(&ds);
}

static void natural_gradient(void) { run(0); }
static void fastica(void) { run(1); }

int main(void) {
    TEST(natural_gradient);
    TEST(fastica);
    CHECK_DONE();
}
