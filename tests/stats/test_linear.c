/* test_linear.c — factor analysis and PPCA solved exactly (seed 81, 20000
 * samples of a known 10-dimensional factor model with 3 factors).
 *
 *   marginal: the runtime's exact log p(x) (from the compiled dE kernels)
 *     equals log N(x; b, W W' + diag(psi)) computed here directly (1e-6).
 *   fa_em: EM recovers the true loading subspace (largest principal angle
 *     < 0.05 rad) and noise variances (within 10%); the log-likelihood
 *     never decreases (beyond 1e-6 float rounding); the final value equals
 *     the row-by-row exact log-likelihood (1e-5).
 *   ppca_closed_form: PPCA trained by EM reaches the closed-form maximum
 *     likelihood from the eigendecomposition of the sample covariance:
 *     sigma^2 (1e-3 relative), subspace (1e-2 rad), log-likelihood (1e-4).
 *   ppca_to_pca: at sigma^2 = 1e-6 the exact posterior mean reconstructs x
 *     as PCA's projection onto the top 3 eigenvectors (1e-3). */
#include "../unit/check.h"
#include "rt_la.h"
#include "rt_methods.h"
#include "stats.h"

enum { D = 10, K = 3, N = 20000 };
static const uint64_t SEED = 81;

static const char *fa_spec = "model fa {\n"
                             "  visible x[10] : gaussian\n  hidden h[3] : gaussian\n"
                             "  param W[10, 3] init normal(0, 0.1)\n  param b[10]\n  param psi[10] init ones\n"
                             "  h ~ normal(0, 1)\n"
                             "  x[i] ~ normal(sum(j) W[i, j]*h[j] + b[i], sqrt(psi[i]))\n}\n";
static const char *ppca_spec = "model ppca {\n"
                               "  visible x[10] : gaussian\n  hidden h[3] : gaussian\n"
                               "  param W[10, 3] init normal(0, 0.1)\n  param b[10]\n  param s2 init 1\n"
                               "  h ~ normal(0, 1)\n"
                               "  x[i] ~ normal(sum(j) W[i, j]*h[j] + b[i], sqrt(s2))\n}\n";

static double Wt[D * K], bt[D], psit[D];

/* x = W h + b + sqrt(psi) e, h and e standard normal (Philox streams 1, 2) */
static rt_dataset make_data(void) {
    for (int i = 0; i < D; i++) {
        for (int j = 0; j < K; j++) Wt[i * K + j] = (1.0 + j) * rt_normal(SEED, 3, 0, (uint32_t)(i * K + j));
        bt[i] = rt_normal(SEED, 4, 0, (uint32_t)i);
        psit[i] = 0.2 + 0.08 * i;
    }
    rt_dataset ds = {.n = N, .ndim = 1, .dims = {D}};
    ds.data = rt_alloc(sizeof(float) * N * D);
    for (int r = 0; r < N; r++) {
        double h[K];
        for (int j = 0; j < K; j++) h[j] = rt_normal(SEED, 1, (uint64_t)r, (uint32_t)j);
        for (int i = 0; i < D; i++) {
            double x = bt[i] + sqrt(psit[i]) * rt_normal(SEED, 2, (uint64_t)r, (uint32_t)i);
            for (int j = 0; j < K; j++) x += Wt[i * K + j] * h[j];
            ds.data[r * D + i] = (float)x;
        }
    }
    return ds;
}

/* largest principal angle between the column spans of A and B (D x K) */
static double max_angle(const double *A, const double *B) {
    double Q[2][D * K];
    const double *src[2] = {A, B};
    for (int s = 0; s < 2; s++) {
        /* Gram-Schmidt on the columns */
        for (int j = 0; j < K; j++) {
            for (int i = 0; i < D; i++) Q[s][i * K + j] = src[s][i * K + j];
            for (int q = 0; q < j; q++) {
                double dot = 0;
                for (int i = 0; i < D; i++) dot += Q[s][i * K + q] * Q[s][i * K + j];
                for (int i = 0; i < D; i++) Q[s][i * K + j] -= dot * Q[s][i * K + q];
            }
            double nrm = 0;
            for (int i = 0; i < D; i++) nrm += Q[s][i * K + j] * Q[s][i * K + j];
            for (int i = 0; i < D; i++) Q[s][i * K + j] /= sqrt(nrm);
        }
    }
    /* cosines: singular values of Q0'Q1, from the eigenvalues of M'M */
    double M[K * K], MM[K * K], ev[K];
    rt_la_gemm(1, 0, K, K, D, 1.0, Q[0], Q[1], 0.0, M);
    rt_la_gemm(1, 0, K, K, K, 1.0, M, M, 0.0, MM);
    rt_la_eigh(MM, K, ev);
    double c = sqrt(fmin(1.0, fmax(ev[0], 0.0)));
    return acos(c);
}

static void loading(const TestModel *t, double *W) {
    for (int i = 0; i < D * K; i++) W[i] = t->p->value[0][i];
}

static void marginal(void) {
    TestModel t;
    CHECK(test_model(&t, fa_spec), "compile");
    if (!t.m) return;
    CHECK(t.m->lin && t.m->lin->gaussian && t.m->lin->loading == 0 && t.m->lin->noise == 2, "FA recognised as linear-Gaussian");
    test_random_params(&t, 0.7, 82);
    for (int i = 0; i < D; i++) t.p->value[2][i] = 0.3f + 0.1f * (float)i;
    float rows[4 * D];
    for (int i = 0; i < 4 * D; i++) rows[i] = (float)rt_normal(SEED, 9, 0, (uint32_t)i);
    double got;
    CHECK(!rt_linear_loglik(t.m, t.p, rows, 4, D, &got), "loglik: %s", rt_last_error());
    /* direct: Sigma = W W' + diag(psi), log N(x; b, Sigma) */
    double S[D * D], want = 0;
    for (int i = 0; i < D; i++)
        for (int k = 0; k < D; k++) {
            double s = i == k ? t.p->value[2][i] : 0;
            for (int j = 0; j < K; j++) s += (double)t.p->value[0][i * K + j] * t.p->value[0][k * K + j];
            S[i * D + k] = s;
        }
    rt_la_chol(S, D);
    for (int r = 0; r < 4; r++) {
        double z[D];
        for (int i = 0; i < D; i++) {
            double v = rows[r * D + i] - t.p->value[1][i];
            for (int k = 0; k < i; k++) v -= S[i * D + k] * z[k];
            z[i] = v / S[i * D + i];
        }
        double q = 0;
        for (int i = 0; i < D; i++) q += z[i] * z[i];
        want += (-0.5 * q - 0.5 * rt_la_chol_logdet(S, D) - 0.5 * D * log(2 * M_PI)) / 4;
    }
    CHECK_NEAR(got, want, 1e-5, "exact log p(x) against the direct Gaussian");
    test_model_free(&t);
}

static int train_em(TestModel *t, rt_dataset *ds, int iters, rt_train_report *rep) {
    rt_params_init(t->m, t->p, 5);
    rt_train_cfg cfg = rt_train_defaults();
    cfg.method = RT_EM;
    cfg.epochs = iters;
    cfg.tol = 1e-12;
    cfg.quiet = 1;
    return rt_train(t->m, t->p, ds, &cfg, NULL, rep);
}

static void fa_em(void) {
    rt_dataset ds = make_data();
    TestModel t;
    CHECK(test_model(&t, fa_spec), "compile");
    if (!t.m) return;
    rt_train_report rep = {0};
    CHECK(!train_em(&t, &ds, 3000, &rep), "em: %s", rt_last_error());
    double W[D * K];
    loading(&t, W);
    double ang = max_angle(W, Wt), worst = 0;
    CHECK(ang < 0.05, "loading subspace: largest principal angle %g rad", ang);
    for (int i = 0; i < D; i++) worst = fmax(worst, fabs(t.p->value[2][i] - psit[i]) / psit[i]);
    CHECK(worst < 0.1, "noise variances: worst relative error %g", worst);
    for (int e = 1; e < rep.epochs; e++)
        CHECK(rep.per_epoch[e].loglik >= rep.per_epoch[e - 1].loglik - 1e-6, "EM lowered the log-likelihood at %d: %.9g -> %.9g", e,
              rep.per_epoch[e - 1].loglik, rep.per_epoch[e].loglik);
    double rows_ll;
    CHECK(!rt_linear_loglik(t.m, t.p, ds.data, N, D, &rows_ll), "loglik");
    CHECK_NEAR(rows_ll, rep.per_epoch[rep.epochs - 1].loglik, 1e-5, "log-likelihood from moments vs rows");
    printf("# fa: %d EM iterations, loglik %.6f per example, angle %.3g rad, psi error %.3g\n", rep.epochs,
           rows_ll, ang, worst);
    free(rep.per_epoch);
    test_model_free(&t);
    rt_dataset_free(&ds);
}

static void ppca_closed_form(void) {
    rt_dataset ds = make_data();
    TestModel t;
    CHECK(test_model(&t, ppca_spec), "compile");
    if (!t.m) return;
    CHECK(t.m->lin && t.m->lin->isotropic, "PPCA: isotropic noise recognised");
    rt_train_report rep = {0};
    CHECK(!train_em(&t, &ds, 5000, &rep), "em: %s", rt_last_error());
    double W[D * K], Wc[D * K], bc[D], s2c;
    loading(&t, W);
    CHECK(!rt_ppca_closed_form(ds.data, N, D, K, Wc, bc, &s2c), "closed form");
    double s2 = t.p->value[2][0], ang = max_angle(W, Wc);
    CHECK(fabs(s2 - s2c) < 1e-3 * s2c, "sigma^2: EM %.8g, closed form %.8g", s2, s2c);
    CHECK(ang < 1e-2, "EM vs closed-form subspace: %g rad", ang);
    double ll_em, ll_c;
    rt_linear_loglik(t.m, t.p, ds.data, N, D, &ll_em);
    for (int i = 0; i < D * K; i++) t.p->value[0][i] = (float)Wc[i];
    for (int i = 0; i < D; i++) t.p->value[1][i] = (float)bc[i];
    t.p->value[2][0] = (float)s2c;
    rt_linear_loglik(t.m, t.p, ds.data, N, D, &ll_c);
    CHECK(fabs(ll_em - ll_c) < 1e-4, "log-likelihood: EM %.8f, closed form %.8f", ll_em, ll_c);
    CHECK(ll_em <= ll_c + 1e-4, "EM above the maximum? %.8f > %.8f", ll_em, ll_c);
    printf("# ppca: %d EM iterations; sigma^2 %.6f (closed form %.6f); loglik %.6f (closed form %.6f); angle %.2g\n",
           rep.epochs, s2, s2c, ll_em, ll_c, ang);
    free(rep.per_epoch);
    test_model_free(&t);
    rt_dataset_free(&ds);
}

static void ppca_to_pca(void) {
    rt_dataset ds = make_data();
    TestModel t;
    CHECK(test_model(&t, ppca_spec), "compile");
    if (!t.m) return;
    double Wc[D * K], bc[D], s2c;
    rt_ppca_closed_form(ds.data, N, D, K, Wc, bc, &s2c);
    /* the sigma -> 0 limit: W = U (L - s2)^1/2 at s2 = 1e-6 */
    double s2 = 1e-6;
    for (int j = 0; j < K; j++) {
        double nrm = 0;
        for (int i = 0; i < D; i++) nrm += Wc[i * K + j] * Wc[i * K + j];
        /* nrm = L_j - s2c: rescale the column to (L_j - s2)^1/2 */
        double scale = sqrt((nrm + s2c - s2) / nrm);
        for (int i = 0; i < D; i++) t.p->value[0][i * K + j] = (float)(Wc[i * K + j] * scale);
    }
    for (int i = 0; i < D; i++) t.p->value[1][i] = (float)bc[i];
    t.p->value[2][0] = (float)s2;
    enum { R = 50 };
    rt_ws *w = rt_ws_new(t.m, R, t.p, 1);
    rt_ws_set_visible(w, ds.data, R, D);
    rt_ws_run(w, t.m->groups[1].k_mean);
    const float *mh = w->bufs[t.m->groups[1].mean_buf];
    double worst = 0;
    for (int r = 0; r < R; r++) {
        /* PCA: U U' (x - b) + b with U the normalised columns */
        double c[K] = {0}, xr[D];
        for (int j = 0; j < K; j++) {
            double nrm = 0;
            for (int i = 0; i < D; i++) nrm += Wc[i * K + j] * Wc[i * K + j];
            for (int i = 0; i < D; i++) c[j] += Wc[i * K + j] / sqrt(nrm) * (ds.data[r * D + i] - bc[i]);
        }
        for (int i = 0; i < D; i++) {
            double pca = bc[i], ppca = bc[i];
            for (int j = 0; j < K; j++) {
                double nrm = 0;
                for (int q = 0; q < D; q++) nrm += Wc[q * K + j] * Wc[q * K + j];
                pca += Wc[i * K + j] / sqrt(nrm) * c[j];
                ppca += t.p->value[0][i * K + j] * mh[r * K + j];
            }
            xr[i] = ppca;
            worst = fmax(worst, fabs(pca - xr[i]));
        }
    }
    CHECK(worst < 1e-3, "PPCA posterior-mean reconstruction vs PCA projection: %g", worst);
    rt_ws_free(w);
    test_model_free(&t);
    rt_dataset_free(&ds);
}

int main(void) {
    TEST(marginal);
    TEST(fa_em);
    TEST(ppca_closed_form);
    TEST(ppca_to_pca);
    CHECK_DONE();
}
