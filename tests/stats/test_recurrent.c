/* test_recurrent.c — the RNN-RBM's loops over time (runtime/run/rt_recurrent.c)
 * and the kernels the compiler derives for a recurrent input group
 * (compiler/derive/derive_recurrent.c), on a tiny enumerable RNN-RBM:
 * 3 visible, 2 hidden and 2 recurrent units with a learned first state u0,
 * N = 5 sequences of T = 4
 * frames of random bits (Philox seed 7), parameters N(0, 0.7^2) (seed 3).
 *
 * The oracle is written here in double, from the equations alone:
 * u[0] = u0, u[t] = tanh(bu + u[t-1].Wuu + v[t].Wvu), and log p(v[t] | u[t-1])
 * by summing exp(-E) over every visible and hidden configuration.
 *   - exact_loglik: rt_recurrent_loglik's per-frame sums against the
 *     oracle, |difference| < 1e-4 per frame (the kernels run in float);
 *   - bptt_exact_gradient: with the exact negative phase (k = 0) the
 *     back-propagated gradient is the gradient of the log-likelihood:
 *     against central differences (h = 1e-4) of the oracle's
 *     (1/N) sum_n sum_t log p, relative 2-norm error < 1e-3 for every
 *     parameter (float kernels against double differences);
 *   - cd_gradient_near_exact: CD-k's gradient with k = 50 (enough sweeps
 *     for a 3-unit frame to mix) over 400 copies of the sequences is within
 *     a relative 2-norm error of 0.1 of the exact one: the CD path (its
 *     Gibbs steps, weights and dF/du from samples) feeds the same BPTT. */
#include "../unit/check.h"
#include "rt_recurrent.h"
#include "stats.h"

enum { N = 5, T = 4, V = 3, H = 2, U = 2 };

static const char *SPEC =
    "model rr {\n"
    "  visible v[3] : bernoulli\n"
    "  hidden  h[2] : bernoulli\n"
    "  input   u[2] { recurrent = s, start = u0 }\n"
    "  param W[3, 2]\n  param Wuv[2, 3]\n  param Wuh[2, 2]\n  param Wuu[2, 2]\n  param Wvu[3, 2]\n"
    "  param bv[3]\n  param bh[2]\n  param bu[2]\n  param u0[2]\n"
    "  energy = - sum(i) bv[i]*v[i] - sum(j) bh[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
    "           - sum(k, i) u[k]*Wuv[k, i]*v[i] - sum(k, j) u[k]*Wuh[k, j]*h[j]\n"
    "  let s[k] = tanh(bu[k] + sum(l) u[l]*Wuu[l, k] + sum(i) v[i]*Wvu[i, k])\n"
    "}\n";

static TestModel tm;
static float rows[N * T * V];
static double P[9][16];   /* the parameters in double, by the spec's order */

static int pidx(const char *name) {
    for (int i = 0; i < tm.m->nparams; i++)
        if (!strcmp(tm.m->params[i].name, name)) return i;
    return -1;
}

/* the oracle: sum over sequences of log p(v[t] | u[t-1]) per frame */
static void oracle(double *per_frame) {
    const double *W = P[pidx("W")], *Wuv = P[pidx("Wuv")], *Wuh = P[pidx("Wuh")], *Wuu = P[pidx("Wuu")],
                 *Wvu = P[pidx("Wvu")], *bv = P[pidx("bv")], *bh = P[pidx("bh")], *bu = P[pidx("bu")], *u0 = P[pidx("u0")];
    for (int t = 0; t < T; t++) per_frame[t] = 0;
    for (int n = 0; n < N; n++) {
        double u[U] = {u0[0], u0[1]};
        for (int t = 0; t < T; t++) {
            const float *v = rows + (n * T + t) * V;
            double logz = -INFINITY, lp = -INFINITY;
            for (int c = 0; c < 1 << V; c++)
                for (int d = 0; d < 1 << H; d++) {
                    double e = 0;
                    for (int i = 0; i < V; i++) {
                        double vi = c >> i & 1;
                        double b = bv[i];
                        for (int k = 0; k < U; k++) b += u[k] * Wuv[k * V + i];
                        e -= b * vi;
                        for (int j = 0; j < H; j++) e -= vi * W[i * H + j] * (d >> j & 1);
                    }
                    for (int j = 0; j < H; j++) {
                        double b = bh[j];
                        for (int k = 0; k < U; k++) b += u[k] * Wuh[k * H + j];
                        e -= b * (d >> j & 1);
                    }
                    double x = -e;
                    logz = logz > x ? logz + log1p(exp(x - logz)) : x + log1p(exp(logz - x));
                    int same = 1;
                    for (int i = 0; i < V; i++) same &= (int)v[i] == (c >> i & 1);
                    if (same) lp = lp > x ? lp + log1p(exp(x - lp)) : x + log1p(exp(lp - x));
                }
            per_frame[t] += lp - logz;
            double nu[U];
            for (int k = 0; k < U; k++) {
                double a = bu[k];
                for (int l = 0; l < U; l++) a += u[l] * Wuu[l * U + k];
                for (int i = 0; i < V; i++) a += v[i] * Wvu[i * U + k];
                nu[k] = tanh(a);
            }
            memcpy(u, nu, sizeof u);
        }
    }
}

static double objective(void) {
    double f[T], s = 0;
    oracle(f);
    for (int t = 0; t < T; t++) s += f[t];
    return s / N;
}

static int setup(void) {
    if (!test_model(&tm, SPEC)) return 0;
    test_random_params(&tm, 0.7, 3);
    for (int i = 0; i < tm.m->nparams; i++)
        for (int64_t k = 0; k < tm.m->params[i].size; k++) P[i][k] = tm.p->value[i][k];
    for (int i = 0; i < N * T * V; i++) rows[i] = rt_uniform(7, 1, 0, (uint32_t)i) < 0.5f ? 0.0f : 1.0f;
    return 1;
}

static void exact_loglik(void) {
    double got[T], want[T];
    CHECK(rt_recurrent_loglik(tm.m, tm.p, rows, N, T * V, got) == 0, "loglik: %s", rt_last_error());
    oracle(want);
    for (int t = 0; t < T; t++) CHECK_NEAR(got[t], want[t], 1e-4, "frame log-likelihood");
}

/* relative 2-norm error of a against b over every parameter */
static double rel_error(float **a, double **b, int i) {
    double num = 0, den = 0;
    for (int64_t k = 0; k < tm.m->params[i].size; k++) {
        num += (a[i][k] - b[i][k]) * (a[i][k] - b[i][k]);
        den += b[i][k] * b[i][k];
    }
    return sqrt(num / (den > 1e-30 ? den : 1e-30));
}

static double **fd_gradient(void) {
    double **g = calloc(9, sizeof(double *));
    for (int i = 0; i < tm.m->nparams; i++) {
        g[i] = calloc((size_t)tm.m->params[i].size, sizeof(double));
        for (int64_t k = 0; k < tm.m->params[i].size; k++) {
            double x = P[i][k], h = 1e-4;
            P[i][k] = x + h;
            double up = objective();
            P[i][k] = x - h;
            double down = objective();
            P[i][k] = x;
            g[i][k] = (up - down) / (2 * h);
        }
    }
    return g;
}

static void bptt_exact_gradient(void) {
    double e = rt_recurrent_grad(tm.m, tm.p, rows, NULL, N, T * V, 0, 1, 0);
    CHECK(e >= 0, "grad: %s", rt_last_error());
    double **fd = fd_gradient();
    for (int i = 0; i < tm.m->nparams; i++) {
        double r = rel_error(tm.p->grad, fd, i);
        CHECK(r < 1e-3, "%s: relative error %.3g of the BPTT gradient against finite differences", tm.m->params[i].name, r);
    }
    test_free_double(fd, tm.m->nparams);
}

static void cd_gradient_near_exact(void) {
    enum { COPIES = 400 };
    float *many = malloc(sizeof(float) * COPIES * N * T * V);
    for (int c = 0; c < COPIES; c++) memcpy(many + c * N * T * V, rows, sizeof rows);
    double **exact = calloc(9, sizeof(double *));
    CHECK(rt_recurrent_grad(tm.m, tm.p, rows, NULL, N, T * V, 0, 1, 0) >= 0, "exact: %s", rt_last_error());
    for (int i = 0; i < tm.m->nparams; i++) {
        exact[i] = malloc(sizeof(double) * (size_t)tm.m->params[i].size);
        for (int64_t k = 0; k < tm.m->params[i].size; k++) exact[i][k] = tm.p->grad[i][k];
    }
    CHECK(rt_recurrent_grad(tm.m, tm.p, many, NULL, COPIES * N, T * V, 50, 11, 0) >= 0, "cd: %s", rt_last_error());
    for (int i = 0; i < tm.m->nparams; i++) {
        double r = rel_error(tm.p->grad, exact, i);
        CHECK(r < 0.1, "%s: relative error %.3g of CD-50 against the exact gradient", tm.m->params[i].name, r);
    }
    test_free_double(exact, tm.m->nparams);
    free(many);
}

int main(void) {
    if (!setup()) {
        printf("not ok - setup: the spec did not compile\n");
        return 1;
    }
    TEST(exact_loglik);
    TEST(bptt_exact_gradient);
    TEST(cd_gradient_near_exact);
    test_model_free(&tm);
    return check_failures ? 1 : 0;
}
