/* test_sfa.c — slow feature analysis in closed form (seed 93).
 *
 *   linear: 5000 frames of a slow sine (period 500 frames) and four fast
 *     white-noise sources mixed by a random 5 x 5 matrix; the first slow
 *     feature correlates > 0.99 (in absolute value) with the sine; the
 *     features have unit variance and are decorrelated (1e-3); the spec's
 *     loss, evaluated by its compiled kernel at the solution, equals the
 *     reported slowness (0.5 * sum of the generalised eigenvalues, 1e-3).
 *   quadratic: Wiskott & Sejnowski's example x1 = sin(t) + cos(11 t)^2,
 *     x2 = cos(11 t) (2000 frames over 4 pi): the slow signal sin(t) is
 *     not linear in x but is x1 - x2^2, and the quadratic expansion finds
 *     it (correlation > 0.99). */
#include "../unit/check.h"
#include "rt_train.h"
#include "stats.h"

static const uint64_t SEED = 93;

static const char *linear_spec = "model sfa {\n"
                                 "  visible x[5] : gaussian\n  input xp[5]\n"
                                 "  param W[5, 2]\n  param m[5]\n"
                                 "  let y[k] = sum(i) (x[i] - m[i])*W[i, k]\n"
                                 "  let yp[k] = sum(i) (xp[i] - m[i])*W[i, k]\n"
                                 "  loss = 0.5*sum(k) sqr(y[k] - yp[k])\n}\n";
static const char *quad_spec = "model qsfa {\n"
                               "  visible x[2] : gaussian\n  input xp[2]\n"
                               "  param W[2, 1]\n  param Q[2, 2, 1]\n  param m[2]\n"
                               "  let y[k] = sum(i) (x[i] - m[i])*W[i, k] + sum(i, j) (x[i] - m[i])*(x[j] - m[j])*Q[i, j, k]\n"
                               "  let yp[k] = sum(i) (xp[i] - m[i])*W[i, k] + sum(i, j) (xp[i] - m[i])*(xp[j] - m[j])*Q[i, j, k]\n"
                               "  loss = 0.5*sum(k) sqr(y[k] - yp[k])\n}\n";

/* rows [x_t, x_{t-1}] from frames (T x d) */
static rt_dataset pairs(const double *frames, int T, int d) {
    rt_dataset ds = {.n = T - 1, .ndim = 1, .dims = {2 * d}};
    ds.data = rt_alloc(sizeof(float) * (size_t)((T - 1) * 2 * d));
    for (int t = 1; t < T; t++)
        for (int i = 0; i < d; i++) {
            ds.data[(t - 1) * 2 * d + i] = (float)frames[t * d + i];
            ds.data[(t - 1) * 2 * d + d + i] = (float)frames[(t - 1) * d + i];
        }
    return ds;
}

static double corr(const double *a, const double *b, int n) {
    double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
    for (int i = 0; i < n; i++) ma += a[i] / n, mb += b[i] / n;
    for (int i = 0; i < n; i++) {
        sab += (a[i] - ma) * (b[i] - mb);
        saa += (a[i] - ma) * (a[i] - ma);
        sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / sqrt(saa * sbb);
}

static int train(TestModel *t, rt_dataset *ds, int quadratic, rt_train_report *rep) {
    rt_train_cfg cfg = rt_train_defaults();
    cfg.method = RT_SFA;
    cfg.sfa_quadratic = quadratic;
    cfg.epochs = 1;
    cfg.quiet = 1;
    return rt_train(t->m, t->p, ds, &cfg, NULL, rep);
}

static void linear(void) {
    enum { T = 5000, Dd = 5, Kk = 2 };
    double *frames = malloc(sizeof(double) * T * Dd), *slow = malloc(sizeof(double) * T), A[Dd * Dd];
    for (int i = 0; i < Dd * Dd; i++) A[i] = rt_normal(SEED, 3, 0, (uint32_t)i);
    for (int t = 0; t < T; t++) {
        double s[Dd];
        slow[t] = s[0] = sin(2 * M_PI * t / 500.0);
        for (int k = 1; k < Dd; k++) s[k] = rt_normal(SEED, 1, (uint64_t)t, (uint32_t)k);
        for (int i = 0; i < Dd; i++) {
            frames[t * Dd + i] = 0;
            for (int k = 0; k < Dd; k++) frames[t * Dd + i] += A[i * Dd + k] * s[k];
        }
    }
    rt_dataset ds = pairs(frames, T, Dd);
    TestModel tm;
    CHECK(test_model(&tm, linear_spec), "compile");
    if (!tm.m) return;
    rt_train_report rep = {0};
    CHECK(!train(&tm, &ds, 0, &rep), "sfa: %s", rt_last_error());
    const float *W = tm.p->value[0], *m = tm.p->value[1];
    double *y = malloc(sizeof(double) * T * Kk), c;
    for (int t = 0; t < T; t++)
        for (int k = 0; k < Kk; k++) {
            y[t * Kk + k] = 0;
            for (int i = 0; i < Dd; i++) y[t * Kk + k] += (frames[t * Dd + i] - m[i]) * W[i * Kk + k];
        }
    double *y0 = malloc(sizeof(double) * T), *y1 = malloc(sizeof(double) * T);
    for (int t = 0; t < T; t++) y0[t] = y[t * Kk], y1[t] = y[t * Kk + 1];
    c = corr(y0, slow, T);
    CHECK(fabs(c) > 0.99, "first slow feature vs the sine: correlation %g", c);
    double v0 = 0, v1 = 0, v01 = 0;
    for (int t = 0; t < T; t++) v0 += y0[t] * y0[t] / T, v1 += y1[t] * y1[t] / T, v01 += y0[t] * y1[t] / T;
    CHECK(fabs(v0 - 1) < 1e-3 && fabs(v1 - 1) < 1e-3 && fabs(v01) < 1e-3, "unit variance, decorrelated: %g %g %g", v0, v1, v01);
    /* the spec's loss at the solution is the slowness the method reports */
    rt_ws *w = rt_ws_new(tm.m, ds.n, tm.p, 1);
    rt_ws_set_visible(w, ds.data, ds.n, 2 * Dd);
    rt_ws_run(w, tm.m->k_loss);
    double L = 0;
    for (int64_t r = 0; r < ds.n; r++) L += w->bufs[tm.m->loss_buf][r] / (double)ds.n;
    CHECK(fabs(L - rep.per_epoch[0].loss) < 1e-3 * rep.per_epoch[0].loss, "compiled loss %g vs reported slowness %g", L,
          rep.per_epoch[0].loss);
    printf("# sfa: correlation with the slow source %.6f; slowness %.6g\n", fabs(c), rep.per_epoch[0].loss);
    rt_ws_free(w);
    free(rep.per_epoch);
    free(frames), free(slow), free(y), free(y0), free(y1);
    test_model_free(&tm);
    rt_dataset_free(&ds);
}

static void quadratic(void) {
    enum { T = 2000 };
    double *frames = malloc(sizeof(double) * T * 2), *slow = malloc(sizeof(double) * T);
    for (int t = 0; t < T; t++) {
        double u = 4 * M_PI * t / (T - 1);
        slow[t] = sin(u);
        frames[t * 2] = sin(u) + cos(11 * u) * cos(11 * u);
        frames[t * 2 + 1] = cos(11 * u);
    }
    rt_dataset ds = pairs(frames, T, 2);
    TestModel tm;
    CHECK(test_model(&tm, quad_spec), "compile");
    if (!tm.m) return;
    rt_train_report rep = {0};
    CHECK(!train(&tm, &ds, 1, &rep), "sfa: %s", rt_last_error());
    const float *W = tm.p->value[0], *Q = tm.p->value[1], *m = tm.p->value[2];
    double *y = malloc(sizeof(double) * T);
    for (int t = 0; t < T; t++) {
        const double *x = frames + t * 2;
        y[t] = 0;
        for (int i = 0; i < 2; i++) {
            y[t] += (x[i] - m[i]) * W[i];
            for (int j = 0; j < 2; j++) y[t] += (x[i] - m[i]) * (x[j] - m[j]) * Q[i * 2 + j];
        }
    }
    double c = corr(y, slow, T);
    CHECK(fabs(c) > 0.99, "quadratic SFA vs sin(t): correlation %g", c);
    printf("# quadratic sfa: correlation %.6f\n", fabs(c));
    free(rep.per_epoch);
    free(frames), free(slow), free(y);
    test_model_free(&tm);
    rt_dataset_free(&ds);
}

int main(void) {
    TEST(linear);
    TEST(quadratic);
    CHECK_DONE();
}
