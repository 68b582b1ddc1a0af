/* test_reinforce.c — REINFORCE with a learned baseline for a sigmoid belief
 * net's encoder, and wake-sleep (seed 97; a 3-4 SBN, h enumerable).
 *
 *   unbiased: for 2 examples, the REINFORCE estimate of the ELBO's gradient
 *     in q's parameters (no baseline), averaged over 400 batches of 256
 *     samples, equals the exact gradient sum_h q(h|x) l(h) grad log q(h|x)
 *     (enumerating the 8 states of h) within 5 standard errors for every
 *     parameter; the same for p's gradient E_q[grad log p(x, h)].
 *   baseline: after 300 batches of warm-up, the learned baseline cuts the
 *     estimator's variance (summed over q's parameters, 400 batches of one
 *     sample) to less than half of the plain estimator's, still unbiased
 *     (5 standard errors).
 *   optimal: with 4 samples per example (2 examples, 400 batches), the
 *     estimator's variance summed over q's parameters for no baseline, the
 *     learned one (after 300 batches of warm-up, no normalisation) and the
 *     optimal one (the learned b(x) plus the per-parameter optimal constant
 *     for its residual): optimal <= learned < none; the optimal one stays
 *     unbiased (5 standard errors from the exact gradient); with one sample
 *     per example (100 batches of warm-up, 1600 measured) it is unbiased too
 *     and beats no baseline.
 *   training: method = reinforce on 4 patterns raises the ELBO (first epoch
 *     to last), and the final ELBO stays below the exact log-likelihood.
 *   ancestral: the compiled prior.h, prior.x kernels draw (x, h) from the
 *     exact joint: 100000 samples, chi-square over the 128 states (cells
 *     below 5 expected pooled), p > 1e-3; the directed energy sums to 1.
 *   wake_sleep: method = wake_sleep on the same 4 patterns raises the ELBO
 *     by more than 0.3 nats. */
#include "../unit/check.h"
#include "rt_methods.h"
#include "stats.h"

static const uint64_t SEED = 97;

static const char *spec = "model sbn {\n"
                          "  visible x[4] : bernoulli\n"
                          "  hidden  h[3] : bernoulli { sampler = metropolis(steps = 5) }\n"
                          "  param W[3, 4]\n  param b[4]\n  param c[3]\n"
                          "  h[j] ~ bernoulli(sigmoid(c[j]))\n"
                          "  x[i] ~ bernoulli(sigmoid(sum(j) h[j]*W[j, i] + b[i]))\n}\n"
                          "model q {\n"
                          "  input   x[4]\n  visible h[3] : bernoulli\n"
                          "  param R[4, 3]\n  param r[3]\n"
                          "  h[j] ~ bernoulli(sigmoid(sum(i) x[i]*R[i, j] + r[j]))\n}\n";

typedef struct Pair {
    TestModel t;
    rt_model *qm;
    rt_params *qp;
} Pair;

static int pair_new(Pair *pr) {
    if (!test_model(&pr->t, spec)) return 0;
    Analysis *qa = pr->t.c->analysis[1];
    IrProgram *ir = ir_build(pr->t.c->arena, qa);
    pr->qm = ir_model_build(pr->t.c->arena, qa, ir);
    pr->qp = rt_params_new(pr->qm);
    test_random_params(&pr->t, 1.0, 98);
    for (int i = 0; i < pr->qm->nparams; i++)
        for (int64_t k = 0; k < pr->qm->params[i].size; k++)
            pr->qp->value[i][k] = (float)rt_normal(SEED, 7, (uint64_t)i, (uint32_t)k);
    return 1;
}

static void pair_free(Pair *pr) {
    rt_params_free(pr->qp);
    test_model_free(&pr->t);
}

static int nparams(const rt_model *m) {
    int n = 0;
    for (int i = 0; i < m->nparams; i++) n += (int)m->params[i].size;
    return n;
}

static void flat_grad(const rt_model *m, const rt_params *p, double *out) {
    int o = 0;
    for (int i = 0; i < m->nparams; i++)
        for (int64_t k = 0; k < m->params[i].size; k++) out[o++] = p->grad[i][k];
}

/* exact ELBO gradients for the rows x (n of them) by enumerating h */
static void exact(Pair *pr, const float *x, int n, double *gq, double *gp) {
    const rt_model *pm = pr->t.m, *qm = pr->qm;
    int R = 8 * n;
    rt_ws *pw = rt_ws_new(pm, R, pr->t.p, 1), *qw = rt_ws_new(qm, R, pr->qp, 1);
    for (int i = 0; i < n; i++)
        for (int s = 0; s < 8; s++) {
            int row = i * 8 + s;
            for (int k = 0; k < 4; k++)
                pw->bufs[pm->groups[0].state_buf][row * 4 + k] = qw->bufs[qm->groups[0].state_buf][row * 4 + k] = x[i * 4 + k];
            for (int j = 0; j < 3; j++)
                pw->bufs[pm->groups[1].state_buf][row * 3 + j] = qw->bufs[qm->groups[1].state_buf][row * 3 + j] = (float)(s >> j & 1);
        }
    rt_ws_run(pw, pm->k_energy);
    rt_ws_run(qw, qm->k_energy);
    for (int row = 0; row < R; row++) {
        double eq = qw->bufs[qm->energy_buf][row], ep = pw->bufs[pm->energy_buf][row], q = exp(-eq);
        qw->bufs[qm->weight_buf][row] = (float)(-q * (eq - ep) / n);
        pw->bufs[pm->weight_buf][row] = (float)(-q / n);
    }
    for (int i = 0; i < qm->nparams; i++) memset(pr->qp->grad[i], 0, sizeof(float) * (size_t)qm->params[i].size);
    for (int i = 0; i < pm->nparams; i++) memset(pr->t.p->grad[i], 0, sizeof(float) * (size_t)pm->params[i].size);
    rt_ws_run(qw, qm->k_grad);
    rt_ws_run(pw, pm->k_grad);
    flat_grad(qm, pr->qp, gq);
    flat_grad(pm, pr->t.p, gp);
    rt_ws_free(pw);
    rt_ws_free(qw);
}

/* mean and variance of the estimates over M batches */
static void estimate(Pair *pr, rt_reinforce *r, const float *x, int n, int S, int M, int baseline, double *mq, double *vq,
                     double *mp, double *vp) {
    int nq = nparams(pr->qm), np = nparams(pr->t.m);
    double gq[64], gp[64];
    for (int i = 0; i < nq; i++) mq[i] = vq[i] = 0;
    for (int i = 0; i < np; i++) mp[i] = vp[i] = 0;
    for (int b = 0; b < M; b++) {
        rt_reinforce_batch(r, x, n, S, baseline, 0);
        flat_grad(pr->qm, pr->qp, gq);
        flat_grad(pr->t.m, pr->t.p, gp);
        for (int i = 0; i < nq; i++) mq[i] += gq[i] / M, vq[i] += gq[i] * gq[i] / M;
        for (int i = 0; i < np; i++) mp[i] += gp[i] / M, vp[i] += gp[i] * gp[i] / M;
    }
    for (int i = 0; i < nq; i++) vq[i] -= mq[i] * mq[i];
    for (int i = 0; i < np; i++) vp[i] -= mp[i] * mp[i];
}

static const float X[8] = {1, 0, 1, 1, 0, 1, 0, 0};

static void unbiased(void) {
    Pair pr;
    CHECK(pair_new(&pr), "compile");
    if (!pr.qm) return;
    enum { S = 256, M = 400 };
    rt_reinforce *r = rt_reinforce_new(pr.t.m, pr.t.p, pr.qm, pr.qp, 2 * S, SEED);
    CHECK(r != NULL, "pair: %s", rt_last_error());
    if (!r) return;
    int nq = nparams(pr.qm), np = nparams(pr.t.m);
    double eq[64], ep[64], mq[64], vq[64], mp[64], vp[64], worst = 0;
    exact(&pr, X, 2, eq, ep);
    estimate(&pr, r, X, 2, S, M, 0, mq, vq, mp, vp);
    for (int i = 0; i < nq; i++) worst = fmax(worst, fabs(mq[i] - eq[i]) / (sqrt(vq[i] / M) + 1e-9));
    CHECK(worst < 5, "REINFORCE (q) vs exact: %g standard errors", worst);
    double worst_p = 0;
    for (int i = 0; i < np; i++) worst_p = fmax(worst_p, fabs(mp[i] - ep[i]) / (sqrt(vp[i] / M) + 1e-9));
    CHECK(worst_p < 5, "p's gradient vs exact: %g standard errors", worst_p);
    printf("# reinforce: worst deviation %.2f (q), %.2f (p) standard errors\n", worst, worst_p);
    rt_reinforce_free(r);
    pair_free(&pr);
}

static void baseline(void) {
    Pair pr;
    CHECK(pair_new(&pr), "compile");
    if (!pr.qm) return;
    enum { M = 400 };
    rt_reinforce *r = rt_reinforce_new(pr.t.m, pr.t.p, pr.qm, pr.qp, 2, SEED);
    if (!r) return;
    int nq = nparams(pr.qm);
    double eq[64], ep[64], mq[64], vq[64], mp[64], vp[64], plain = 0, with = 0, worst = 0;
    exact(&pr, X, 2, eq, ep);
    estimate(&pr, r, X, 2, 1, M, 0, mq, vq, mp, vp);
    for (int i = 0; i < nq; i++) plain += vq[i];
    estimate(&pr, r, X, 2, 1, 300, 1, mq, vq, mp, vp);   /* the baseline learns */
    estimate(&pr, r, X, 2, 1, M, 1, mq, vq, mp, vp);
    for (int i = 0; i < nq; i++) {
        with += vq[i];
        worst = fmax(worst, fabs(mq[i] - eq[i]) / (sqrt(vq[i] / M) + 1e-9));
    }
    CHECK(with < 0.5 * plain, "variance with the baseline %g, without %g", with, plain);
    CHECK(worst < 5, "with the baseline: %g standard errors from exact", worst);
    printf("# baseline: estimator variance %.4g -> %.4g\n", plain, with);
    rt_reinforce_free(r);
    pair_free(&pr);
}

static double summed_variance(const double *v, int n) {
    double t = 0;
    for (int i = 0; i < n; i++) t += v[i];
    return t;
}

static double worst_deviation(const double *m, const double *v, const double *exact_g, int n, int M) {
    double worst = 0;
    for (int i = 0; i < n; i++) worst = fmax(worst, fabs(m[i] - exact_g[i]) / (sqrt(v[i] / M) + 1e-9));
    return worst;
}

static void optimal(void) {
    Pair pr;
    CHECK(pair_new(&pr), "compile");
    if (!pr.qm) return;
    enum { S = 4, M = 400 };
    rt_reinforce *r = rt_reinforce_new(pr.t.m, pr.t.p, pr.qm, pr.qp, 2 * S, SEED);
    if (!r) return;
    int nq = nparams(pr.qm);
    double eq[64], ep[64], mq[64], vq[64], mp[64], vp[64];
    exact(&pr, X, 2, eq, ep);
    estimate(&pr, r, X, 2, S, M, RT_BASELINE_NONE, mq, vq, mp, vp);
    double none = summed_variance(vq, nq);
    estimate(&pr, r, X, 2, S, 300, RT_BASELINE_LEARNED, mq, vq, mp, vp);
    estimate(&pr, r, X, 2, S, M, RT_BASELINE_LEARNED, mq, vq, mp, vp);
    double learned = summed_variance(vq, nq);
    estimate(&pr, r, X, 2, S, M, RT_BASELINE_OPTIMAL, mq, vq, mp, vp);
    double best = summed_variance(vq, nq), worst = worst_deviation(mq, vq, eq, nq, M);
    CHECK(best <= learned && learned < none, "variance: optimal %g, learned %g, none %g", best, learned, none);
    CHECK(worst < 5, "optimal baseline: %g standard errors from exact", worst);
    printf("# optimal baseline, %d samples per example: variance none %.4g, learned %.4g, optimal %.4g; "
           "worst deviation %.2f standard errors\n", S, none, learned, best, worst);
    rt_reinforce_free(r);
    /* one sample per example: b* from the running averages of earlier batches */
    r = rt_reinforce_new(pr.t.m, pr.t.p, pr.qm, pr.qp, 2, SEED + 1);
    estimate(&pr, r, X, 2, 1, 100, RT_BASELINE_OPTIMAL, mq, vq, mp, vp);
    estimate(&pr, r, X, 2, 1, 4 * M, RT_BASELINE_OPTIMAL, mq, vq, mp, vp);
    double one = summed_variance(vq, nq);
    worst = worst_deviation(mq, vq, eq, nq, 4 * M);
    estimate(&pr, r, X, 2, 1, 4 * M, RT_BASELINE_NONE, mq, vq, mp, vp);
    double one_none = summed_variance(vq, nq);
    CHECK(worst < 5, "optimal baseline, one sample: %g standard errors from exact", worst);
    CHECK(one < one_none, "one sample: variance with the optimal baseline %g, none %g", one, one_none);
    printf("# optimal baseline, one sample per example: variance none %.4g, optimal %.4g; worst deviation %.2f\n",
           one_none, one, worst);
    rt_reinforce_free(r);
    pair_free(&pr);
}

/* the four patterns, 100 times each */
static const float pats[4][4] = {{1, 1, 0, 0}, {0, 0, 1, 1}, {1, 0, 1, 0}, {0, 1, 0, 1}};

/* 40 epochs of method with the recognition model (Adam, lr 0.02, batch 20) */
static rt_train_report fit(Pair *pr, int method, const char *label) {
    enum { N = 400 };
    rt_dataset ds = {.n = N, .ndim = 1, .dims = {4}};
    ds.data = rt_alloc(sizeof(float) * N * 4);
    for (int i = 0; i < N; i++) memcpy(ds.data + i * 4, pats[i % 4], sizeof pats[0]);
    rt_train_cfg cfg = rt_train_defaults();
    cfg.method = method;
    cfg.recognition = pr->qm;
    cfg.recognition_params = pr->qp;
    cfg.optimizer = RT_ADAM;
    cfg.lr = rt_schedule_const(0.02);
    cfg.epochs = 40;
    cfg.batch = 20;
    cfg.quiet = 1;
    rt_train_report rep = {0};
    CHECK(!rt_train(pr->t.m, pr->t.p, &ds, &cfg, NULL, &rep), "%s: %s", label, rt_last_error());
    rt_dataset_free(&ds);
    return rep;
}

static void training(void) {
    Pair pr;
    CHECK(pair_new(&pr), "compile");
    if (!pr.qm) return;
    rt_train_report rep = fit(&pr, RT_REINFORCE, "reinforce");
    if (rep.epochs == 40) {
        double first = -rep.per_epoch[0].loss, last = -rep.per_epoch[39].loss;
        CHECK(last > first + 0.3, "ELBO did not rise: %g -> %g", first, last);
        /* exact log p(x) of the 4 patterns by enumerating h */
        rt_ws *w = rt_ws_new(pr.t.m, 32, pr.t.p, 1);
        for (int pi = 0; pi < 4; pi++)
            for (int s = 0; s < 8; s++) {
                memcpy(w->bufs[pr.t.m->groups[0].state_buf] + (pi * 8 + s) * 4, pats[pi], sizeof pats[0]);
                for (int j = 0; j < 3; j++) w->bufs[pr.t.m->groups[1].state_buf][(pi * 8 + s) * 3 + j] = (float)(s >> j & 1);
            }
        rt_ws_run(w, pr.t.m->k_energy);
        double ll = 0;
        for (int pi = 0; pi < 4; pi++) {
            double z = 0;
            for (int s = 0; s < 8; s++) z += exp(-w->bufs[pr.t.m->energy_buf][pi * 8 + s]);
            ll += log(z) / 4;
        }
        CHECK(last <= ll + 0.05, "ELBO %g above the exact log-likelihood %g", last, ll);
        printf("# training: ELBO %.4f -> %.4f; exact log-likelihood %.4f\n", first, last, ll);
        rt_ws_free(w);
    }
    free(rep.per_epoch);
    pair_free(&pr);
}

/* exact p(x, h) over the 2^7 states, and the states' numbers */
static void joint(Pair *pr, double *pj) {
    rt_ws *w = rt_ws_new(pr->t.m, 128, pr->t.p, 1);
    for (int s = 0; s < 128; s++) {
        for (int k = 0; k < 4; k++) w->bufs[pr->t.m->groups[0].state_buf][s * 4 + k] = (float)(s >> k & 1);
        for (int j = 0; j < 3; j++) w->bufs[pr->t.m->groups[1].state_buf][s * 3 + j] = (float)(s >> (4 + j) & 1);
    }
    rt_ws_run(w, pr->t.m->k_energy);
    for (int s = 0; s < 128; s++) pj[s] = exp(-w->bufs[pr->t.m->energy_buf][s]);
    rt_ws_free(w);
}

static void ancestral(void) {
    Pair pr;
    CHECK(pair_new(&pr), "compile");
    if (!pr.qm) return;
    CHECK(pr.t.m->nancestral == 2 && pr.t.m->ancestral[0] == 1, "ancestral order h, x");
    enum { R = 4000, M = 25 };
    double pj[128], obs[128] = {0}, total = 0;
    joint(&pr, pj);
    for (int s = 0; s < 128; s++) total += pj[s];
    CHECK(fabs(total - 1) < 1e-5, "the directed energy is normalised: sum exp(-E) = %g", total);
    rt_ws *w = rt_ws_new(pr.t.m, R, pr.t.p, 3);
    for (int b = 0; b < M; b++) {
        CHECK(!rt_ancestral(w), "ancestral: %s", rt_last_error());
        for (int r = 0; r < R; r++) {
            int s = 0;
            for (int k = 0; k < 4; k++) s |= (w->bufs[pr.t.m->groups[0].state_buf][r * 4 + k] != 0) << k;
            for (int j = 0; j < 3; j++) s |= (w->bufs[pr.t.m->groups[1].state_buf][r * 3 + j] != 0) << (4 + j);
            obs[s] += 1;
        }
    }
    int dof;
    double pv = stats_chisq_p(obs, pj, 128, (double)R * M, &dof);
    CHECK(pv > 1e-3, "ancestral samples vs exact p(x, h): chi-square p = %g (%d dof)", pv, dof);
    printf("# ancestral: %d samples, chi-square p = %.3f (%d dof)\n", R * M, pv, dof);
    rt_ws_free(w);
    pair_free(&pr);
}

static void wake_sleep(void) {
    Pair pr;
    CHECK(pair_new(&pr), "compile");
    if (!pr.qm) return;
    rt_train_report rep = fit(&pr, RT_WAKE_SLEEP, "wake-sleep");
    if (rep.epochs == 40) {
        double first = -rep.per_epoch[0].loss, last = -rep.per_epoch[39].loss;
        CHECK(last > first + 0.3, "ELBO did not rise: %g -> %g", first, last);
        printf("# wake-sleep: ELBO %.4f -> %.4f\n", first, last);
    }
    free(rep.per_epoch);
    pair_free(&pr);
}

int main(void) {
    TEST(unbiased);
    TEST(baseline);
    TEST(optimal);
    TEST(training);
    TEST(ancestral);
    TEST(wake_sleep);
    CHECK_DONE();
}
