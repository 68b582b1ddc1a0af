/* test_enhanced.c — the enhanced gradient (rt_enhanced.c) against its
 * definition (Cho, Raiko & Ilin 2011), computed here in double from the
 * rows: x the visible statistic (v, or v / exp(z) for a Gaussian visible
 * with log-variance z), h = E[h | v], <.>_dm the average of the data and
 * model means,
 *     eW = cov_d(x, h) - cov_m(x, h),  cov_P = <(x - <x>_dm)(h - <h>_dm)>_P
 *     eb = <x>_d - <x>_m - eW <h>_dm,   ec = <h>_d - <h>_m - eW^T <x>_dm.
 * Cases: a binary RBM 4x3 whose model phase is exact (all 16 visible
 * states weighted by p(v)); W indexed [h, v]; a Gaussian-Bernoulli RBM
 * 2x3x4 with learned log-variances (b and z both [2, 3]: the roles are
 * told apart by the statistics), whose log-variances keep their plain
 * gradient; models that do not fit are refused. Parameters N(0, 0.5^2),
 * seeded; tolerance 2e-5 absolute on gradients of size ~0.1 (float
 * kernels), and the enhanced gradient must differ from the plain one by
 * more than 1e-2 somewhere, so the comparison can fail.
 *
 * And the adaptive learning rate (rt_adaptive.c) in a case whose answer
 * is known: a binary RBM 4x3, the update a step along the exact gradient,
 * 20000 exact draws from p(v) as the model samples (seed 5); candidates
 * lr / 4, lr, 4 lr at lr = 0.05 and at lr = 40. The exact log-likelihood
 * of each candidate (enumerated in double) decides the right choice; the
 * chosen rate must be it in both cases, the two answers must differ (one
 * is the largest candidate, one the smallest), the estimated gain of the
 * small steps must be within 0.01 nats of the exact gain, and the
 * parameters must be as they were. */
#include "../unit/check.h"
#include "rt_adaptive.h"
#include "rt_enhanced.h"
#include "stats.h"

static int param_index(const rt_model *m, const char *name) {
    for (int i = 0; i < m->nparams; i++)
        if (!strcmp(m->params[i].name, name)) return i;
    return -1;
}

static double sigm(double a) { return 1 / (1 + exp(-a)); }

typedef struct Rbm {
    TestModel t;
    int W, b, c, z;   /* z: -1 for binary visibles */
    int w_hv;         /* W indexed [h, v] */
    int64_t nv, nh;
} Rbm;

static double w_of(const Rbm *r, const float *w, int64_t i, int64_t j) { return w[r->w_hv ? j * r->nv + i : i * r->nh + j]; }

/* x and E[h | v] of one row, in double */
static void stats_of(const Rbm *r, const float *v, double *x, double *h) {
    rt_params *p = r->t.p;
    for (int64_t i = 0; i < r->nv; i++) x[i] = r->z >= 0 ? v[i] / exp(p->value[r->z][i]) : v[i];
    for (int64_t j = 0; j < r->nh; j++) {
        double a = p->value[r->c][j];
        for (int64_t i = 0; i < r->nv; i++) a += x[i] * w_of(r, p->value[r->W], i, j);
        h[j] = sigm(a);
    }
}

/* the definition: eW [nv * nh, indexed i * nh + j], eb [nv], ec [nh] */
static void definition(const Rbm *r, const float *dr, const double *dw, int nd, const float *mr, const double *mw, int nm,
                       double *eW, double *eb, double *ec) {
    int64_t nv = r->nv, nh = r->nh;
    double *xd = calloc((size_t)nv, 8), *xm = calloc((size_t)nv, 8), *hd = calloc((size_t)nh, 8),
           *hm = calloc((size_t)nh, 8), *x = malloc(8 * (size_t)nv), *h = malloc(8 * (size_t)nh);
    for (int ph = 0; ph < 2; ph++)
        for (int k = 0; k < (ph ? nm : nd); k++) {
            stats_of(r, (ph ? mr : dr) + k * nv, x, h);
            double w = ph ? mw[k] : dw[k];
            for (int64_t i = 0; i < nv; i++) (ph ? xm : xd)[i] += w * x[i];
            for (int64_t j = 0; j < nh; j++) (ph ? hm : hd)[j] += w * h[j];
        }
    for (int64_t q = 0; q < nv * nh; q++) eW[q] = 0;
    for (int ph = 0; ph < 2; ph++)
        for (int k = 0; k < (ph ? nm : nd); k++) {
            stats_of(r, (ph ? mr : dr) + k * nv, x, h);
            double w = (ph ? -mw[k] : dw[k]);
            for (int64_t i = 0; i < nv; i++)
                for (int64_t j = 0; j < nh; j++)
                    eW[i * nh + j] += w * (x[i] - (xd[i] + xm[i]) / 2) * (h[j] - (hd[j] + hm[j]) / 2);
        }
    for (int64_t i = 0; i < nv; i++) {
        eb[i] = xd[i] - xm[i];
        for (int64_t j = 0; j < nh; j++) eb[i] -= (hd[j] + hm[j]) / 2 * eW[i * nh + j];
    }
    for (int64_t j = 0; j < nh; j++) {
        ec[j] = hd[j] - hm[j];
        for (int64_t i = 0; i < nv; i++) ec[j] -= (xd[i] + xm[i]) / 2 * eW[i * nh + j];
    }
    free(xd), free(xm), free(hd), free(hm), free(x), free(h);
}

/* the runtime's gradient over data rows (weights dw) and model rows (mw);
 * enhanced or plain */
static void runtime_grad(Rbm *r, rt_enhanced *e, const float *dr, const double *dw, int nd, const float *mr,
                         const double *mw, int nm) {
    const rt_model *m = r->t.m;
    rt_params *p = r->t.p;
    for (int i = 0; i < m->nparams; i++) memset(p->grad[i], 0, sizeof(float) * (size_t)m->params[i].size);
    if (e) rt_enhanced_begin(e);
    rt_ws *d = rt_ws_new(m, nd, p, 1), *mo = rt_ws_new(m, nm, p, 2);
    rt_ws_set_visible(d, dr, nd, r->nv);
    for (int k = 0; k < nd; k++) d->bufs[m->weight_buf][k] = (float)-dw[k];
    rt_ws_run(d, m->k_grad);
    if (e) rt_enhanced_data_done(e);
    rt_ws_set_visible(mo, mr, nm, r->nv);
    for (int k = 0; k < nm; k++) mo->bufs[m->weight_buf][k] = (float)mw[k];
    rt_ws_run(mo, m->k_grad);
    if (e) rt_enhanced_apply(e);
    rt_ws_free(d);
    rt_ws_free(mo);
}

static int rbm_open(Rbm *r, const char *src, int w_hv, uint64_t seed) {
    if (!test_model(&r->t, src)) return 0;
    const rt_model *m = r->t.m;
    r->W = param_index(m, "W"), r->b = param_index(m, "b"), r->c = param_index(m, "c"), r->z = param_index(m, "z");
    r->w_hv = w_hv;
    r->nv = m->groups[0].size, r->nh = m->groups[1].size;
    test_random_params(&r->t, 0.5, seed);
    return 1;
}

/* runtime against definition; the largest difference from the plain gradient in *moved */
static void compare(Rbm *r, const float *dr, const double *dw, int nd, const float *mr, const double *mw, int nm,
                    double *moved) {
    const rt_model *m = r->t.m;
    rt_params *p = r->t.p;
    rt_enhanced *e = rt_enhanced_new(m, p, dr, nd, r->nv);
    CHECK(e, "refused: %s", rt_last_error());
    if (!e) return;
    int W, b, c;
    rt_enhanced_roles(e, &W, &b, &c);
    CHECK(W == r->W && b == r->b && c == r->c, "roles W %d b %d c %d, expected %d %d %d", W, b, c, r->W, r->b, r->c);
    int64_t nv = r->nv, nh = r->nh;
    float **plain = malloc(sizeof(float *) * (size_t)m->nparams);
    runtime_grad(r, NULL, dr, dw, nd, mr, mw, nm);
    for (int i = 0; i < m->nparams; i++) {
        plain[i] = malloc(sizeof(float) * (size_t)m->params[i].size);
        memcpy(plain[i], p->grad[i], sizeof(float) * (size_t)m->params[i].size);
    }
    runtime_grad(r, e, dr, dw, nd, mr, mw, nm);
    double *eW = malloc(8 * (size_t)(nv * nh)), *eb = malloc(8 * (size_t)nv), *ec = malloc(8 * (size_t)nh);
    definition(r, dr, dw, nd, mr, mw, nm, eW, eb, ec);
    *moved = 0;
    for (int64_t i = 0; i < nv; i++)
        for (int64_t j = 0; j < nh; j++) {
            double got = w_of(r, p->grad[W], i, j);
            CHECK_NEAR(got, eW[i * nh + j], 2e-5, "eW");
            *moved = fmax(*moved, fabs(got - w_of(r, plain[W], i, j)));
        }
    for (int64_t i = 0; i < nv; i++) {
        CHECK_NEAR(p->grad[b][i], eb[i], 2e-5, "eb");
        *moved = fmax(*moved, fabs(p->grad[b][i] - plain[b][i]));
    }
    for (int64_t j = 0; j < nh; j++) {
        CHECK_NEAR(p->grad[c][j], ec[j], 2e-5, "ec");
        *moved = fmax(*moved, fabs(p->grad[c][j] - plain[c][j]));
    }
    if (r->z >= 0)
        for (int64_t i = 0; i < nv; i++) CHECK(p->grad[r->z][i] == plain[r->z][i], "z's gradient changed at %lld", (long long)i);
    for (int i = 0; i < m->nparams; i++) free(plain[i]);
    free(plain), free(eW), free(eb), free(ec);
    rt_enhanced_free(e);
}

/* all 2^nv visible states and their exact probabilities under a binary RBM */
static int all_states(const Rbm *r, float *rows, double *prob) {
    int n = 1 << r->nv;
    double *x = malloc(8 * (size_t)r->nv), *h = malloc(8 * (size_t)r->nh), z = 0;
    const rt_params *p = r->t.p;
    for (int s = 0; s < n; s++) {
        double negf = 0;
        for (int64_t i = 0; i < r->nv; i++) {
            rows[s * r->nv + i] = (float)(s >> i & 1);
            negf += p->value[r->b][i] * (s >> i & 1);
        }
        stats_of(r, rows + s * r->nv, x, h);
        for (int64_t j = 0; j < r->nh; j++) negf -= log1p(-h[j]);   /* log(1 + e^a) = -log(1 - sigmoid(a)) */
        prob[s] = exp(negf);
        z += prob[s];
    }
    for (int s = 0; s < n; s++) prob[s] /= z;
    free(x), free(h);
    return n;
}

static const float bits[5 * 4] = {1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 1, 0, 1, 1, 0, 0, 0};
static const double fifth[5] = {0.2, 0.2, 0.2, 0.2, 0.2};

/* a binary RBM 4x3 against the definition, its model phase exact */
static void binary_case(const char *src, int w_hv, uint64_t seed) {
    Rbm r;
    CHECK(rbm_open(&r, src, w_hv, seed), "compile");
    float rows[16 * 4];
    double prob[16], moved;
    int n = all_states(&r, rows, prob);
    compare(&r, bits, fifth, 5, rows, prob, n, &moved);
    CHECK(moved > 1e-2, "the enhanced gradient equals the plain one (largest difference %g): the test cannot tell", moved);
    test_model_free(&r.t);
}

static void binary_exact_model(void) {
    binary_case("model m { visible v[4] : bernoulli  hidden h[3] : bernoulli\n"
                "  param W[4, 3]  param b[4]  param c[3]\n"
                "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j] }\n", 0, 3);
}

static void weights_hv(void) {
    binary_case("model m { visible v[4] : bernoulli  hidden h[3] : bernoulli\n"
                "  param c[3]  param W[3, 4]  param b[4]\n"
                "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[j, i]*h[j] }\n", 1, 4);
}

static void gaussian_learned_variance(void) {
    Rbm r;
    CHECK(rbm_open(&r, "model m { visible v[2, 3] : gaussian  hidden h[4] : bernoulli\n"
                       "  param W[2, 3, 4]  param b[2, 3]  param c[4]  param z[2, 3]\n"
                       "  energy = sum(r, s) sqr(v[r, s] - b[r, s]) / (2*exp(z[r, s])) - sum(j) c[j]*h[j]\n"
                       "         - sum(r, s, j) v[r, s]/exp(z[r, s])*W[r, s, j]*h[j] }\n", 0, 5),
          "compile");
    float dr[6 * 6], mr[7 * 6];
    double dw[6], mw[7], moved;
    for (int k = 0; k < 36; k++) dr[k] = rt_normal(6, 1, 0, (uint32_t)k);
    for (int k = 0; k < 42; k++) mr[k] = 1.5f * rt_normal(6, 2, 0, (uint32_t)k);
    for (int k = 0; k < 6; k++) dw[k] = 1.0 / 6;
    for (int k = 0; k < 7; k++) mw[k] = 1.0 / 7;
    compare(&r, dr, dw, 6, mr, mw, 7, &moved);
    CHECK(moved > 1e-2, "no difference from the plain gradient (%g)", moved);
    test_model_free(&r.t);
}

static void refusals(void) {
    static const char *const not_rbm[][2] = {
        {"no hidden bias", "model m { visible v[4] : bernoulli  hidden h[3] : bernoulli  param W[4, 3]  param b[4]\n"
                           "  energy = - sum(i) b[i]*v[i] - sum(i, j) v[i]*W[i, j]*h[j] }\n"},
        {"spin units", "model m { visible v[4] : spin  hidden h[3] : spin  param W[4, 3]  param b[4]  param c[3]\n"
                       "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j] }\n"},
        {"halved coupling", "model m { visible v[4] : bernoulli  hidden h[3] : bernoulli  param W[4, 3]  param b[4]  param c[3]\n"
                            "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) 2*v[i]*W[i, j]*h[j] }\n"},
    };
    static const char *const says[] = {"no weight W", "bernoulli and gaussian", "no weight W"};
    for (int k = 0; k < 3; k++) {
        TestModel t;
        CHECK(test_model(&t, not_rbm[k][1]), "compile %s", not_rbm[k][0]);
        test_random_params(&t, 0.5, 7);
        rt_enhanced *e = rt_enhanced_new(t.m, t.p, bits, 5, 4);
        CHECK(!e && strstr(rt_last_error(), says[k]), "%s: %s", not_rbm[k][0], e ? "accepted" : rt_last_error());
        rt_enhanced_free(e);
        test_model_free(&t);
    }
}

/* ---- adaptive learning rate ---- */

typedef struct Ascent {
    Rbm *r;
    float **g;   /* the exact gradient */
} Ascent;

static void ascend(void *ctx, double lr) {
    Ascent *a = ctx;
    const rt_model *m = a->r->t.m;
    for (int i = 0; i < m->nparams; i++)
        for (int64_t k = 0; k < m->params[i].size; k++) a->r->t.p->value[i][k] += (float)(lr * a->g[i][k]);
}

/* the exact average log-likelihood of the data rows */
static double exact_loglik(Rbm *r, const float *dr, int nd) {
    float rows[16 * 4];
    double prob[16], s = 0;
    all_states(r, rows, prob);
    for (int k = 0; k < nd; k++) {
        int st = 0;
        for (int i = 0; i < 4; i++) st |= (dr[k * 4 + i] > 0.5f) << i;
        s += log(prob[st]);
    }
    return s / nd;
}

static void adaptive_known_answer(void) {
    Rbm r;
    CHECK(rbm_open(&r, "model m { visible v[4] : bernoulli  hidden h[3] : bernoulli\n"
                       "  param W[4, 3]  param b[4]  param c[3]\n"
                       "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j] }\n", 0, 9),
          "compile");
    const rt_model *m = r.t.m;
    rt_params *p = r.t.p;
    float rows[16 * 4];
    double prob[16];
    int n = all_states(&r, rows, prob);
    runtime_grad(&r, NULL, bits, fifth, 5, rows, prob, n);   /* exact: the model phase enumerated */
    float **g = malloc(sizeof(float *) * (size_t)m->nparams), **before = malloc(sizeof(float *) * (size_t)m->nparams);
    for (int i = 0; i < m->nparams; i++) {
        size_t bytes = sizeof(float) * (size_t)m->params[i].size;
        g[i] = malloc(bytes), before[i] = malloc(bytes);
        memcpy(g[i], p->grad[i], bytes);
        memcpy(before[i], p->value[i], bytes);
    }
    enum { S = 20000 };
    float *draws = malloc(sizeof(float) * S * 4);
    for (int k = 0; k < S; k++) {
        double u = rt_uniform(5, 3, 0, (uint32_t)k), acc = 0;
        int s = 0;
        while (s < n - 1 && (acc += prob[s]) < u) s++;
        memcpy(draws + k * 4, rows + s * 4, sizeof(float) * 4);
    }
    rt_ws *d = rt_ws_new(m, 5, p, 1), *mo = rt_ws_new(m, S, p, 2);
    rt_ws_set_visible(d, bits, 5, 4);
    rt_ws_set_visible(mo, draws, S, 4);
    rt_adaptive *a = rt_adaptive_new(m, p, 4);
    Ascent asc = {&r, g};
    double base = exact_loglik(&r, bits, 5);
    int answer[2];
    for (int sc = 0; sc < 2; sc++) {
        double lr = sc ? 40 : 0.05, rates[3] = {lr / 4, lr, lr * 4}, gains[3], exact[3];
        double chosen = rt_adaptive_choose(a, d, mo, lr, ascend, &asc, gains);
        int best = 0;
        for (int k = 0; k < 3; k++) {
            ascend(&asc, rates[k]);
            exact[k] = exact_loglik(&r, bits, 5) - base;
            for (int i = 0; i < m->nparams; i++)
                memcpy(p->value[i], before[i], sizeof(float) * (size_t)m->params[i].size);
            if (exact[k] > exact[best]) best = k;
        }
        answer[sc] = best;
        CHECK(chosen == rates[best], "lr %g: chose %g, the exact log-likelihood gains %.4f %.4f %.4f say %g", lr, chosen,
              exact[0], exact[1], exact[2], rates[best]);
        if (!sc)
            for (int k = 0; k < 3; k++) CHECK_NEAR(gains[k], exact[k], 0.01, "estimated gain of a small step");
    }
    CHECK(answer[0] == 2 && answer[1] == 0, "the cases do not pull both ways (best candidates %d, %d)", answer[0],
          answer[1]);
    for (int i = 0; i < m->nparams; i++)
        CHECK(!memcmp(p->value[i], before[i], sizeof(float) * (size_t)m->params[i].size), "parameters changed");
    rt_adaptive_free(a);
    rt_ws_free(d);
    rt_ws_free(mo);
    for (int i = 0; i < m->nparams; i++) free(g[i]), free(before[i]);
    free(g), free(before), free(draws);
    test_model_free(&r.t);
}

int main(void) {
    TEST(binary_exact_model);
    TEST(weights_hv);
    TEST(gaussian_learned_variance);
    TEST(refusals);
    TEST(adaptive_known_answer);
    CHECK_DONE();
}
