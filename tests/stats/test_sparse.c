/* test_sparse.c — sparse coding (seed 95).
 *
 *   fista_lasso: for 6 examples of a 8 x 12 problem (x ~ normal(W.h + b,
 *     0.5), h ~ laplace(0, 2): the LASSO 2||x - Wh - b||^2 + 0.5||h||_1),
 *     FISTA with the compiled smooth gradient (dEs.h) and L1 weights (l1.h)
 *     reaches the optimum that cyclic coordinate descent (in double, to
 *     convergence) finds: objectives within 1e-6 (relative); the split
 *     energy adds back up to the compiled energy (1e-5).
 *   dictionary: 2000 synthetic examples from a 3-sparse code of a random
 *     unit-norm dictionary (noise 0.05); 20 epochs of method =
 *     sparse_coding (noise 0.1, laplace(0, 0.02)) lower the average objective
 *     from the first epoch to the last, keep every atom in the unit ball
 *     (1e-5) and recover at least 11 of the 12 true atoms (|cos| > 0.95). */
#include "../unit/check.h"
#include "rt_methods.h"
#include "stats.h"

enum { D = 8, K = 12, R = 6 };
static const uint64_t SEED = 95;

static const char *spec = "model sc {\n"
                          "  visible x[8] : gaussian\n"
                          "  hidden  h[12] : gaussian { sampler = hmc(steps = 10, step_size = 0.05) }\n"
                          "  param W[8, 12] init normal(0, 0.3)\n  param b[8]\n"
                          "  h ~ laplace(0, 2)\n"
                          "  x[i] ~ normal(sum(j) W[i, j]*h[j] + b[i], 0.5)\n}\n";

/* the dictionary test's model: noise close to the data's, a light L1 */
static const char *dict_spec = "model sc {\n"
                               "  visible x[8] : gaussian\n"
                               "  hidden  h[12] : gaussian { sampler = hmc(steps = 10, step_size = 0.05) }\n"
                               "  param W[8, 12] init normal(0, 0.3)\n  param b[8]\n"
                               "  h ~ laplace(0, 0.02)\n"
                               "  x[i] ~ normal(sum(j) W[i, j]*h[j] + b[i], 0.1)\n}\n";

/* 2 ||x - W h - b||^2 + 0.5 ||h||_1 */
static double objective(const float *W, const float *b, const double *x, const double *h) {
    double s = 0;
    for (int i = 0; i < D; i++) {
        double r = x[i] - b[i];
        for (int j = 0; j < K; j++) r -= W[i * K + j] * h[j];
        s += 2 * r * r;
    }
    for (int j = 0; j < K; j++) s += 0.5 * fabs(h[j]);
    return s;
}

/* cyclic coordinate descent on the same objective */
static void lasso_cd(const float *W, const float *b, const double *x, double *h) {
    double r[D];
    for (int j = 0; j < K; j++) h[j] = 0;
    for (int i = 0; i < D; i++) r[i] = x[i] - b[i];
    for (int sweep = 0; sweep < 20000; sweep++) {
        double moved = 0;
        for (int j = 0; j < K; j++) {
            double a = 0, c = 0;
            for (int i = 0; i < D; i++) {
                a += 4 * W[i * K + j] * W[i * K + j];
                c += 4 * W[i * K + j] * (r[i] + W[i * K + j] * h[j]);
            }
            double z = c > 0.5 ? (c - 0.5) / a : c < -0.5 ? (c + 0.5) / a : 0;
            for (int i = 0; i < D; i++) r[i] -= W[i * K + j] * (z - h[j]);
            moved = fmax(moved, fabs(z - h[j]));
            h[j] = z;
        }
        if (moved < 1e-14) break;
    }
}

static void fista_lasso(void) {
    TestModel t;
    CHECK(test_model(&t, spec), "compile");
    if (!t.m) return;
    CHECK(t.m->lin && t.m->lin->prior == RT_PRIOR_L1 && t.m->groups[1].k_dsmooth >= 0, "L1 prior split off");
    test_random_params(&t, 0.5, 96);
    double x[R * D];
    float rows[R * D];
    for (int i = 0; i < R * D; i++) rows[i] = (float)(x[i] = 2 * rt_normal(SEED, 1, 0, (uint32_t)i));
    rt_ws *w = rt_ws_new(t.m, R, t.p, 1);
    rt_ws_set_visible(w, rows, R, D);
    memset(w->bufs[t.m->groups[1].state_buf], 0, sizeof(float) * R * K);
    double lip;
    CHECK(!rt_fista(w, 1, 3000, 1e-9, 1.0, &lip), "fista: %s", rt_last_error());
    const float *codes = w->bufs[t.m->groups[1].state_buf];
    double worst = 0, worst_split = 0;
    for (int r = 0; r < R; r++) {
        double hf[K], hc[K];
        for (int j = 0; j < K; j++) hf[j] = codes[r * K + j];
        lasso_cd(t.p->value[0], t.p->value[1], x + r * D, hc);
        double of = objective(t.p->value[0], t.p->value[1], x + r * D, hf);
        double oc = objective(t.p->value[0], t.p->value[1], x + r * D, hc);
        worst = fmax(worst, (of - oc) / fmax(1.0, fabs(oc)));
        /* the compiled energy minus its constant is this objective */
        double e = rt_sparse_objective(w, 1, 1.0, r), e0;
        float keep[K];
        memcpy(keep, codes + r * K, sizeof keep);
        memcpy(w->bufs[t.m->groups[1].state_buf] + r * K, (float[K]){0}, sizeof keep);
        for (int i = 0; i < D; i++) w->bufs[t.m->groups[0].state_buf][r * D + i] = t.p->value[1][i];
        e0 = rt_sparse_objective(w, 1, 1.0, r);
        for (int i = 0; i < D; i++) w->bufs[t.m->groups[0].state_buf][r * D + i] = rows[r * D + i];
        memcpy(w->bufs[t.m->groups[1].state_buf] + r * K, keep, sizeof keep);
        worst_split = fmax(worst_split, fabs((e - e0) - of) / fmax(1.0, of));
    }
    CHECK(worst < 1e-6, "FISTA objective above the coordinate-descent optimum by %g (relative)", worst);
    CHECK(worst_split < 1e-5, "compiled energy vs the LASSO objective: %g", worst_split);
    printf("# fista: worst relative gap to coordinate descent %.2g; Lipschitz constant %.4g\n", worst, lip);
    rt_ws_free(w);
    test_model_free(&t);
}

static void dictionary(void) {
    enum { N = 2000 };
    TestModel t;
    CHECK(test_model(&t, dict_spec), "compile");
    if (!t.m) return;
    double Wt[D * K];
    for (int j = 0; j < K; j++) {
        double n = 0;
        for (int i = 0; i < D; i++) {
            Wt[i * K + j] = rt_normal(SEED, 2, 0, (uint32_t)(i * K + j));
            n += Wt[i * K + j] * Wt[i * K + j];
        }
        for (int i = 0; i < D; i++) Wt[i * K + j] /= sqrt(n);
    }
    rt_dataset ds = {.n = N, .ndim = 1, .dims = {D}};
    ds.data = rt_alloc(sizeof(float) * N * D);
    for (int r = 0; r < N; r++) {
        double h[K] = {0};
        for (int q = 0; q < 3; q++) {
            int j = (int)(rt_uniform(SEED, 3, (uint64_t)r, (uint32_t)q) * K) % K;
            h[j] = 2 * rt_normal(SEED, 4, (uint64_t)r, (uint32_t)q);
        }
        for (int i = 0; i < D; i++) {
            double v = 0.05 * rt_normal(SEED, 5, (uint64_t)r, (uint32_t)i);
            for (int j = 0; j < K; j++) v += Wt[i * K + j] * h[j];
            ds.data[r * D + i] = (float)v;
        }
    }
    rt_params_init(t.m, t.p, 7);
    rt_train_cfg cfg = rt_train_defaults();
    cfg.method = RT_SPARSE;
    cfg.epochs = 20;
    cfg.batch = 50;
    cfg.iters = 200;
    cfg.lr = rt_schedule_const(0.05);
    cfg.quiet = 1;
    rt_train_report rep = {0};
    CHECK(!rt_train(t.m, t.p, &ds, &cfg, NULL, &rep), "sparse coding: %s", rt_last_error());
    if (rep.epochs == 20) {
        double first = rep.per_epoch[0].loss, last = rep.per_epoch[19].loss;
        CHECK(last < first, "objective did not fall: %g -> %g", first, last);
        printf("# dictionary: objective %.4f -> %.4f, nonzero codes %.3f\n", first, last, rep.per_epoch[19].recon);
    }
    double worst = 0;
    for (int j = 0; j < K; j++) {
        double n = 0;
        for (int i = 0; i < D; i++) n += (double)t.p->value[0][i * K + j] * t.p->value[0][i * K + j];
        worst = fmax(worst, sqrt(n));
    }
    CHECK(worst <= 1 + 1e-5, "an atom left the unit ball: norm %g", worst);
    /* the true atoms, up to sign and order */
    int found = 0;
    for (int j = 0; j < K; j++) {
        double best = 0;
        for (int l = 0; l < K; l++) {
            double dot = 0, nl = 0;
            for (int i = 0; i < D; i++) {
                dot += Wt[i * K + j] * t.p->value[0][i * K + l];
                nl += (double)t.p->value[0][i * K + l] * t.p->value[0][i * K + l];
            }
            best = fmax(best, fabs(dot) / sqrt(nl + 1e-30));
        }
        found += best > 0.95;
    }
    CHECK(found >= 11, "only %d of 12 true atoms recovered (|cos| > 0.95)", found);
    printf("# dictionary: %d of 12 true atoms recovered\n", found);
    free(rep.per_epoch);
    test_model_free(&t);
    rt_dataset_free(&ds);
}

int main(void) {
    TEST(fista_lasso);
    TEST(dictionary);
    CHECK_DONE();
}
