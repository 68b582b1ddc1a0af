/* test_loss.c — losses and directed statements.
 *
 *   A tiny VAE (16 -> 6 tanh -> 2 Gaussian latents -> 16 Bernoulli, noise
 *   input eps fixed per row): the compiled loss kernel equals the loss
 *   evaluated directly (1e-4 relative); the derived loss gradient (double)
 *   equals central finite differences (eps 1e-6) of the summed loss over 4
 *   rows, relative error < 1e-5; the grad_loss kernel matches it (1e-4).
 *   The same for a VAE with a hidden decoder layer (2 -> 5 tanh -> 16).
 *   Directed statements: "h ~ normal(0, 1)" and "x[i] ~ normal(W h + b,
 *   sqrt(psi))" give exactly -log N(h) - log N(x | h) (1e-9), and
 *   "y ~ bernoulli(sigmoid(a))" gives -log of the Bernoulli probability;
 *   the posterior h | x is then a full-covariance Gaussian.
 */
#include "../unit/check.h"
#include "stats.h"

static const char *vae = "model vae {\n"
                         "  visible x[16] : bernoulli\n"
                         "  input eps[2] { noise = normal }\n"
                         "  param V[16, 6]\n  param d[6]\n  param Um[6, 2]\n  param um[2]\n"
                         "  param Us[6, 2]\n  param us[2]\n  param W[2, 16]\n  param c[16]\n"
                         "  let e[j] = tanh(sum(i) x[i]*V[i, j] + d[j])\n"
                         "  let mu[k] = sum(j) e[j]*Um[j, k] + um[k]\n"
                         "  let ls[k] = sum(j) e[j]*Us[j, k] + us[k]\n"
                         "  let z[k] = mu[k] + exp(ls[k])*eps[k]\n"
                         "  let a[i] = sum(k) z[k]*W[k, i] + c[i]\n"
                         "  loss = sum(i) (softplus(a[i]) - x[i]*a[i])\n"
                         "       + 0.5*sum(k) (mu[k]^2 + exp(2*ls[k]) - 2*ls[k] - 1)\n"
                         "}\n";

/* the same with a hidden layer in the decoder (2 -> 5 tanh -> 16): its
 * gradient holds products of a batched factor with an unbatched one that
 * GEMM planning once folded the wrong way (read outside the batch loop) */
static const char *deep_vae = "model vae2 {\n"
                              "  visible x[16] : bernoulli\n"
                              "  input eps[2] { noise = normal }\n"
                              "  param V[16, 6]\n  param d[6]\n  param Um[6, 2]\n  param um[2]\n"
                              "  param Us[6, 2]\n  param us[2]\n  param G[2, 5]\n  param g[5]\n"
                              "  param W[5, 16]\n  param c[16]\n"
                              "  let e[j] = tanh(sum(i) x[i]*V[i, j] + d[j])\n"
                              "  let mu[k] = sum(j) e[j]*Um[j, k] + um[k]\n"
                              "  let ls[k] = sum(j) e[j]*Us[j, k] + us[k]\n"
                              "  let z[k] = mu[k] + exp(ls[k])*eps[k]\n"
                              "  let hd[l] = tanh(sum(k) z[k]*G[k, l] + g[l])\n"
                              "  let a[i] = sum(l) hd[l]*W[l, i] + c[i]\n"
                              "  loss = sum(i) (softplus(a[i]) - x[i]*a[i])\n"
                              "       + 0.5*sum(k) (mu[k]^2 + exp(2*ls[k]) - 2*ls[k] - 1)\n"
                              "}\n";

static double loss_rows(TestModel *t, double **pd, const double *x, const double *eps, int rows) {
    long long *vals = calloc((size_t)t->an->en->nvars + 1, sizeof(long long));
    double s = 0;
    for (int r = 0; r < rows; r++) {
        const double *u[2] = {x + 16 * r, eps + 2 * r};
        EvalEnv env = {t->an->en, u, (const double *const *)pd};
        s += energy_eval(&env, t->an->loss, vals);
    }
    free(vals);
    return s;
}

static void check_vae(const char *src, const char *name) {
    TestModel t;
    CHECK(test_model(&t, src), "compile");
    if (!t.m) return;
    test_random_params(&t, 0.5, 81);
    double **pd = test_params_double(&t);
    enum { R = 4 };
    double x[16 * R], eps[2 * R];
    float rows[16 * R];
    for (int i = 0; i < 16 * R; i++) rows[i] = (float)(x[i] = (i * 7 + i / 5) % 3 == 0);
    rt_ws *w = rt_ws_new(t.m, R, t.p, 4);
    rt_ws_set_visible(w, rows, R, 16);
    rt_ws_fill_noise(w);
    for (int i = 0; i < 2 * R; i++) eps[i] = w->bufs[t.m->groups[1].state_buf][i];
    rt_ws_run(w, t.m->k_loss);
    for (int r = 0; r < R; r++) {
        double want = loss_rows(&t, pd, x + 16 * r, eps + 2 * r, 1), got = w->bufs[t.m->loss_buf][r];
        CHECK(fabs(got - want) < 1e-4 * fabs(want), "loss kernel row %d: %g vs %g", r, got, want);
    }
    for (int i = 0; i < t.m->nparams; i++) memset(t.p->grad[i], 0, sizeof(float) * (size_t)t.m->params[i].size);
    for (int r = 0; r < R; r++) w->bufs[t.m->weight_buf][r] = 1;
    rt_ws_run(w, t.m->k_grad_loss);
    long long *vals = calloc((size_t)t.an->en->nvars + 1, sizeof(long long));
    double num = 0, den = 0, knum = 0;
    for (int i = 0; i < t.m->nparams; i++) {
        const Sym *ps = t.an->m->params[i];
        for (int64_t k = 0; k < ps->size; k++) {
            int64_t rem = k;
            for (int d = ps->ndim - 1; d >= 0; d--) {
                vals[t.an->grad_out[i][d]] = rem % ps->dims[d];
                rem /= ps->dims[d];
            }
            double g = 0;
            for (int r = 0; r < R; r++) {
                const double *u[2] = {x + 16 * r, eps + 2 * r};
                EvalEnv env = {t.an->en, u, (const double *const *)pd};
                g += energy_eval(&env, t.an->loss_grad[i], vals);
            }
            double keep = pd[i][k], h = 1e-6;
            pd[i][k] = keep + h;
            double lp = loss_rows(&t, pd, x, eps, R);
            pd[i][k] = keep - h;
            double lm = loss_rows(&t, pd, x, eps, R);
            pd[i][k] = keep;
            double fd = (lp - lm) / (2 * h);
            num += (g - fd) * (g - fd);
            den += fd * fd;
            knum += (t.p->grad[i][k] - g) * (t.p->grad[i][k] - g);
        }
    }
    CHECK(sqrt(num / den) < 1e-5, "derived loss gradient vs finite differences: relative error %g", sqrt(num / den));
    CHECK(sqrt(knum / den) < 1e-4, "grad_loss kernel vs derived: relative error %g", sqrt(knum / den));
    printf("# %s: loss gradient relative error %.2g (derived), %.2g (kernel)\n", name, sqrt(num / den), sqrt(knum / den));
    free(vals);
    rt_ws_free(w);
    test_free_double(pd, t.m->nparams);
    test_model_free(&t);
}

static void vae_gradient(void) { check_vae(vae, "vae"); }
static void deep_vae_gradient(void) { check_vae(deep_vae, "deep vae"); }

static void directed_statements(void) {
    TestModel t;
    CHECK(test_model(&t, "model fa {\n"
                         "  visible x[3] : gaussian\n  hidden h[2] : gaussian\n"
                         "  visible y[2] : bernoulli\n"
                         "  param W[3, 2]\n  param b[3]\n  param psi[3]\n  param A[2]\n"
                         "  h ~ normal(0, 1)\n"
                         "  x[i] ~ normal(sum(j) W[i, j]*h[j] + b[i], sqrt(psi[i]))\n"
                         "  y[k] ~ bernoulli(sigmoid(A[k]))\n}\n"),
          "compile");
    if (!t.m) return;
    test_random_params(&t, 0.8, 83);
    for (int i = 0; i < 3; i++) t.p->value[2][i] = 0.5f + 0.3f * (float)i;   /* psi > 0 */
    double **pd = test_params_double(&t);
    double xv[3] = {0.3, -1.2, 2.0}, hv[2] = {0.7, -0.4}, yv[2] = {1, 0};
    const double *u[3] = {xv, hv, yv};
    long long *vals = calloc((size_t)t.an->en->nvars + 1, sizeof(long long));
    EvalEnv env = {t.an->en, u, (const double *const *)pd};
    double E = energy_eval(&env, t.an->en->E, vals), want = 0;
    for (int j = 0; j < 2; j++) want += 0.5 * hv[j] * hv[j] + 0.5 * log(2 * M_PI);
    for (int i = 0; i < 3; i++) {
        double mu = pd[1][i];
        for (int j = 0; j < 2; j++) mu += pd[0][i * 2 + j] * hv[j];
        want += 0.5 * (xv[i] - mu) * (xv[i] - mu) / pd[2][i] + 0.5 * log(pd[2][i]) + 0.5 * log(2 * M_PI);
    }
    for (int k = 0; k < 2; k++) {
        double p = 1 / (1 + exp(-pd[3][k]));
        want -= yv[k] ? log(p) : log(1 - p);
    }
    CHECK_NEAR(E, want, 1e-9, "energy of the directed statements");
    CHECK(t.an->g[1].cond == COND_GAUSS_FULL, "h | x should be a full-covariance Gaussian (factor analysis)");
    free(vals);
    test_free_double(pd, t.m->nparams);
    test_model_free(&t);
}

int main(void) {
    TEST(vae_gradient);
    TEST(deep_vae_gradient);
    TEST(directed_statements);
    CHECK_DONE();
}
