/* test_deep.c — deep models against exact answers.
 *
 *   Greedy layer-wise training improves the variational bound (Hinton,
 *   Osindero & Teh 2006): an RBM v[6]-h[4] trained by CD on 10 patterns
 *   (seed 5); a second RBM h[4]-g[6], started as the first one transposed
 *   (so its marginal over h equals the first RBM's and the bound equals the
 *   exact average log p(v), to 1e-4), trained by CD on 50 draws per
 *   pattern of q(h | v);
 *   the bound E_data sum_h q(h|v) [log p2(h) + log p1(v|h) - log q(h|v)],
 *   computed exactly in double, must rise.
 *   The DBM mean-field fixed point: a DBM v[4]-h1[3]-h2[2] with N(0, 0.7)
 *   parameters (seed 9): the compiled mean updates iterated 500 times match
 *   the fixed point found by Newton's method on the written-out equations
 *   mu1 = sigmoid(c1 + W1'v + W2 mu2), mu2 = sigmoid(c2 + W2'mu1) (1e-5).
 */
#include "../unit/check.h"
#include "rt_stack.h"
#include "rt_train.h"
#include "stats.h"

static double sig(double x) { return 1 / (1 + exp(-x)); }
static double lsig(double x) { return x > 0 ? -log1p(exp(-x)) : x - log1p(exp(x)); }

enum { NV = 6, NH = 4, NDATA = 10 };

/* RBM parameters in declaration order: W[NV, NH], b[NV], c[NH] */
static double bound(float *const *p1, float *const *p2, const float *data) {
    /* log p2(h) of the second RBM (visible h, hidden g: W2[NH, NV], b2, c2),
     * its log Z by summing over the 2^NH states of h */
    double lz = -INFINITY;
    double logp2[1 << NH];
    for (int h = 0; h < (1 << NH); h++) {
        double f = 0;
        for (int j = 0; j < NH; j++) f += p2[1][j] * (h >> j & 1);
        for (int k = 0; k < NV; k++) {
            double a = p2[2][k];
            for (int j = 0; j < NH; j++) a += (h >> j & 1) * p2[0][j * NV + k];
            f += a > 0 ? a + log1p(exp(-a)) : log1p(exp(a));
        }
        logp2[h] = f;
        lz = lz > f ? lz + log1p(exp(f - lz)) : f + log1p(exp(lz - f));
    }
    double total = 0;
    for (int n = 0; n < NDATA; n++) {
        const float *v = data + n * NV;
        for (int h = 0; h < (1 << NH); h++) {
            double logq = 0, logpv = 0;
            for (int j = 0; j < NH; j++) {
                double a = p1[2][j];
                for (int i = 0; i < NV; i++) a += v[i] * p1[0][i * NH + j];
                logq += (h >> j & 1) ? lsig(a) : lsig(-a);
            }
            for (int i = 0; i < NV; i++) {
                double a = p1[1][i];
                for (int j = 0; j < NH; j++) a += (h >> j & 1) * p1[0][i * NH + j];
                logpv += v[i] > 0.5f ? lsig(a) : lsig(-a);
            }
            total += exp(logq) * (logp2[h] - lz + logpv - logq);
        }
    }
    return total / NDATA;
}

static void greedy_bound_improves(void) {
    TestModel l1, l2;
    CHECK(test_model(&l1, "model l1 {\n  visible v[6] : bernoulli\n  hidden h[4] : bernoulli\n"
                          "  param W[6, 4] init normal(0, 0.1)\n  param b[6]\n  param c[4]\n"
                          "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n}\n"),
          "compile l1");
    CHECK(test_model(&l2, "model l2 {\n  visible v[4] : bernoulli\n  hidden h[6] : bernoulli\n"
                          "  param W[4, 6]\n  param b[4]\n  param c[6]\n"
                          "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n}\n"),
          "compile l2");
    if (!l1.m || !l2.m) return;
    float data[NDATA * NV];
    for (int n = 0; n < NDATA; n++)
        for (int i = 0; i < NV; i++) data[n * NV + i] = (float)((n * 5 + i * 3 + n * i) % 4 < 2);
    rt_dataset d = {NDATA, 1, {NV}, data, NULL};
    rt_params_init(l1.m, l1.p, 5);
    rt_train_cfg cfg = rt_train_defaults();
    cfg.epochs = 2000;
    cfg.batch = NDATA;
    cfg.lr = rt_schedule_const(0.1);
    cfg.quiet = 1;
    rt_train_report rep = {0};
    CHECK(rt_train(l1.m, l1.p, &d, &cfg, NULL, &rep) == 0, "train l1: %s", rt_last_error());
    free(rep.per_epoch);
    /* layer 2 starts as layer 1 transposed: p2(h) is then p1(h), and the
     * bound is exactly the average log p1(v) */
    for (int i = 0; i < NV; i++)
        for (int j = 0; j < NH; j++) l2.p->value[0][j * NV + i] = l1.p->value[0][i * NH + j];
    memcpy(l2.p->value[1], l1.p->value[2], sizeof(float) * NH);
    memcpy(l2.p->value[2], l1.p->value[1], sizeof(float) * NV);
    double logp1 = 0;
    {
        /* the exact average log p1(v): the bound when p2(h) = p1(h) */
        double lz = -INFINITY;
        for (int v = 0; v < (1 << NV); v++) {
            double f = 0;
            for (int i = 0; i < NV; i++) f += l1.p->value[1][i] * (v >> i & 1);
            for (int j = 0; j < NH; j++) {
                double a = l1.p->value[2][j];
                for (int i = 0; i < NV; i++) a += (v >> i & 1) * l1.p->value[0][i * NH + j];
                f += a > 0 ? a + log1p(exp(-a)) : log1p(exp(a));
            }
            lz = lz > f ? lz + log1p(exp(f - lz)) : f + log1p(exp(lz - f));
        }
        for (int n = 0; n < NDATA; n++) {
            double f = 0;
            for (int i = 0; i < NV; i++) f += l1.p->value[1][i] * data[n * NV + i];
            for (int j = 0; j < NH; j++) {
                double a = l1.p->value[2][j];
                for (int i = 0; i < NV; i++) a += data[n * NV + i] * l1.p->value[0][i * NH + j];
                f += a > 0 ? a + log1p(exp(-a)) : log1p(exp(a));
            }
            logp1 += (f - lz) / NDATA;
        }
    }
    /* q(h | v) through the stack's up pass, then 50 draws per pattern */
    float up[NDATA * NH], hs[NDATA * 50 * NH];
    CHECK(rt_layer_up(l1.m, l1.p, 1, data, NDATA, NV, up) == 0, "up pass: %s", rt_last_error());
    for (int n = 0; n < NDATA; n++)
        for (int s = 0; s < 50; s++)
            for (int j = 0; j < NH; j++)
                hs[(n * 50 + s) * NH + j] = rt_uniform(7, 3, 0, (uint32_t)((n * 50 + s) * NH + j)) < up[n * NH + j];
    rt_dataset dh = {NDATA * 50, 1, {NH}, hs, NULL};
    double before = bound(l1.p->value, l2.p->value, data);
    cfg.epochs = 300;
    cfg.batch = 50;
    CHECK(rt_train(l2.m, l2.p, &dh, &cfg, NULL, &rep) == 0, "train l2: %s", rt_last_error());
    free(rep.per_epoch);
    double after = bound(l1.p->value, l2.p->value, data);
    CHECK_NEAR(before, logp1, 1e-4, "the bound with the transposed layer is log p1(v)");
    CHECK(after > before, "the bound fell: %g -> %g", before, after);
    printf("# greedy second layer: bound %.4f = log p1(v) %.4f at the start, %.4f trained\n", before, logp1, after);
    test_model_free(&l1);
    test_model_free(&l2);
}

static void dbm_mean_field_direct(void) {
    TestModel t;
    CHECK(test_model(&t, "model d {\n  visible v[4] : bernoulli\n  hidden h1[3] : bernoulli\n  hidden h2[2] : bernoulli\n"
                         "  param W1[4, 3]\n  param W2[3, 2]\n  param b[4]\n  param c1[3]\n  param c2[2]\n"
                         "  energy = - sum(i) b[i]*v[i] - sum(j) c1[j]*h1[j] - sum(k) c2[k]*h2[k]\n"
                         "           - sum(i, j) v[i]*W1[i, j]*h1[j] - sum(j, k) h1[j]*W2[j, k]*h2[k]\n}\n"),
          "compile");
    if (!t.m) return;
    test_random_params(&t, 0.7, 9);
    float *W1 = t.p->value[0], *W2 = t.p->value[1], *c1 = t.p->value[3], *c2 = t.p->value[4];
    static const float v[4] = {1, 0, 1, 1};
    rt_ws *w = rt_ws_new(t.m, 1, t.p, 1);
    memcpy(w->bufs[t.m->groups[0].state_buf], v, sizeof v);
    for (int g = 1; g < 3; g++)
        for (int64_t k = 0; k < t.m->groups[g].size; k++) w->bufs[t.m->groups[g].state_buf][k] = 0.5f;
    for (int it = 0; it < 500; it++) {
        rt_ws_run(w, t.m->groups[1].k_mean);
        rt_ws_run(w, t.m->groups[2].k_mean);
    }
    /* Newton on G(mu) = mu - sigmoid(A mu + a) for mu = (mu1, mu2) */
    double mu[5] = {0.5, 0.5, 0.5, 0.5, 0.5};
    for (int it = 0; it < 100; it++) {
        double a[5], s[5], J[25] = {0}, G[5];
        for (int j = 0; j < 3; j++) {
            a[j] = c1[j];
            for (int i = 0; i < 4; i++) a[j] += v[i] * W1[i * 3 + j];
            for (int k = 0; k < 2; k++) a[j] += W2[j * 2 + k] * mu[3 + k];
        }
        for (int k = 0; k < 2; k++) {
            a[3 + k] = c2[k];
            for (int j = 0; j < 3; j++) a[3 + k] += W2[j * 2 + k] * mu[j];
        }
        for (int r = 0; r < 5; r++) {
            s[r] = sig(a[r]);
            G[r] = mu[r] - s[r];
            J[r * 5 + r] = 1;
        }
        for (int j = 0; j < 3; j++)
            for (int k = 0; k < 2; k++) {
                J[j * 5 + 3 + k] -= s[j] * (1 - s[j]) * W2[j * 2 + k];
                J[(3 + k) * 5 + j] -= s[3 + k] * (1 - s[3 + k]) * W2[j * 2 + k];
            }
        /* solve J d = G by Gaussian elimination with partial pivoting */
        for (int c = 0; c < 5; c++) {
            int p = c;
            for (int r = c + 1; r < 5; r++)
                if (fabs(J[r * 5 + c]) > fabs(J[p * 5 + c])) p = r;
            for (int k = 0; k < 5; k++) {
                double tmp = J[c * 5 + k];
                J[c * 5 + k] = J[p * 5 + k];
                J[p * 5 + k] = tmp;
            }
            double tg = G[c];
            G[c] = G[p];
            G[p] = tg;
            for (int r = c + 1; r < 5; r++) {
                double f = J[r * 5 + c] / J[c * 5 + c];
                for (int k = c; k < 5; k++) J[r * 5 + k] -= f * J[c * 5 + k];
                G[r] -= f * G[c];
            }
        }
        for (int r = 4; r >= 0; r--) {
            for (int k = r + 1; k < 5; k++) G[r] -= J[r * 5 + k] * G[k];
            G[r] /= J[r * 5 + r];
        }
        for (int r = 0; r < 5; r++) mu[r] -= G[r];
    }
    double worst = 0;
    for (int j = 0; j < 3; j++) worst = fmax(worst, fabs(mu[j] - w->bufs[t.m->groups[1].state_buf][j]));
    for (int k = 0; k < 2; k++) worst = fmax(worst, fabs(mu[3 + k] - w->bufs[t.m->groups[2].state_buf][k]));
    CHECK(worst < 1e-5, "compiled mean-field vs Newton: %g", worst);
    printf("# dbm mean-field fixed point: compiled vs Newton %.2g\n", worst);
    rt_ws_free(w);
    test_model_free(&t);
}

int main(void) {
    TEST(greedy_bound_improves);
    TEST(dbm_mean_field_direct);
    CHECK_DONE();
}
