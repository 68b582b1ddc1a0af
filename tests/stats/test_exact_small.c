/* test_exact_small.c — derived quantities against brute-force enumeration
 * on models small enough to list every joint configuration.
 *
 * For each model (random parameters, N(0, 1), fixed seeds):
 *   free energy: the compiled kernel's F(x) equals -log sum_h exp(-E(x, h))
 *     over the enumerated hidden units (|diff| < 1e-4, float kernel);
 *   log Z: the enumeration plan (rt_exact_logz) equals the brute force sum
 *     over all joint states (|diff| < 1e-4);
 *   gradient: the derived statistic dF/dtheta, averaged as
 *     <dF>_model - <dF>_data, equals the central finite difference
 *     (eps 1e-5) of the exact average log-likelihood of 5 fixed examples,
 *     relative error (2-norm over all parameters) < 1e-4, all in double;
 *     the float grad kernel matches it to 1e-4 relative;
 *   Gibbs: 20000 chains x 200 sweeps from random states; the joint states
 *     pass Pearson's chi-square against the exact joint, p > 0.001.
 */
#include "../unit/check.h"
#include "rt_exact.h"
#include "rt_sample.h"
#include "stats.h"

typedef struct Enum {
    TestModel *t;
    int nunits;                /* all groups */
    int64_t nstates;
    double **vals;             /* per group, one row of values (double) */
    int digit_group[64], digit_off[64], digit_n[64], digit_type[64];
    int ndigits;
} Enum;

static void enum_init(Enum *e, TestModel *t) {
    memset(e, 0, sizeof *e);
    e->t = t;
    const rt_model *m = t->m;
    e->nunits = m->ngroups;
    e->vals = calloc((size_t)m->ngroups, sizeof(double *));
    e->nstates = 1;
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        e->vals[g] = calloc((size_t)gr->size, sizeof(double));
        int64_t w = gr->utype == RT_SOFTMAX ? gr->dims[gr->ndim - 1] : 1;
        for (int64_t o = 0; o < gr->size; o += w) {
            int k = e->ndigits++;
            e->digit_group[k] = g;
            e->digit_off[k] = (int)o;
            e->digit_n[k] = (int)(gr->utype == RT_SOFTMAX ? w : 2);
            e->digit_type[k] = gr->utype;
            e->nstates *= e->digit_n[k];
        }
    }
}

/* state number -> values; the first digit is the most significant */
static void enum_set(Enum *e, int64_t s) {
    for (int k = e->ndigits - 1; k >= 0; k--) {
        int d = (int)(s % e->digit_n[k]);
        s /= e->digit_n[k];
        double *x = e->vals[e->digit_group[k]] + e->digit_off[k];
        if (e->digit_type[k] == RT_SOFTMAX)
            for (int q = 0; q < e->digit_n[k]; q++) x[q] = q == d;
        else if (e->digit_type[k] == RT_SPIN)
            x[0] = d ? 1 : -1;
        else
            x[0] = d;
    }
}

static void enum_free(Enum *e) {
    for (int g = 0; g < e->nunits; g++) free(e->vals[g]);
    free(e->vals);
}

static double energy_of(Enum *e, double **params, const Poly *p, long long *vals) {
    EvalEnv env = {e->t->an->en, (const double *const *)e->vals, (const double *const *)params};
    return energy_eval(&env, p, vals);
}

/* the visible part of the current state, as a float row */
static int64_t visible_row(Enum *e, float *row) {
    const rt_model *m = e->t->m;
    int64_t o = 0;
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE)
            for (int64_t i = 0; i < m->groups[g].size; i++) row[o++] = (float)e->vals[g][i];
    return o;
}

static int64_t visible_key(Enum *e, int64_t s) {
    /* states are ordered with visible groups first (declared first in every
     * test spec), so the visible part is the state divided by the hidden count */
    int64_t hidden = 1;
    for (int k = 0; k < e->ndigits; k++)
        if (e->t->m->groups[e->digit_group[k]].role != RT_VISIBLE) hidden *= e->digit_n[k];
    return s / hidden;
}

typedef struct Exact {
    double logz;
    double *logp;             /* per joint state */
    int64_t nvis;             /* visible configurations */
    double *logpv;            /* per visible configuration */
} Exact;

static void exact_compute(Enum *e, double **params, Exact *x) {
    long long *vals = calloc((size_t)e->t->an->en->nvars + 1, sizeof(long long));
    x->logp = malloc(sizeof(double) * (size_t)e->nstates);
    double mx = -INFINITY;
    for (int64_t s = 0; s < e->nstates; s++) {
        enum_set(e, s);
        x->logp[s] = -energy_of(e, params, e->t->an->en->E, vals);
        if (x->logp[s] > mx) mx = x->logp[s];
    }
    double sum = 0;
    for (int64_t s = 0; s < e->nstates; s++) sum += exp(x->logp[s] - mx);
    x->logz = mx + log(sum);
    x->nvis = visible_key(e, e->nstates - 1) + 1;
    x->logpv = malloc(sizeof(double) * (size_t)x->nvis);
    for (int64_t v = 0; v < x->nvis; v++) x->logpv[v] = -INFINITY;
    for (int64_t s = 0; s < e->nstates; s++) {
        x->logp[s] -= x->logz;
        int64_t v = visible_key(e, s);
        double a = x->logpv[v], b = x->logp[s];
        x->logpv[v] = a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
    }
    free(vals);
}

static void exact_free(Exact *x) {
    free(x->logp);
    free(x->logpv);
}

static const int data_states[5] = {3, 17, 40, 7, 62};

/* average log p over the 5 data examples (visible configurations) */
static double avg_loglik(Enum *e, double **params) {
    Exact x;
    exact_compute(e, params, &x);
    double s = 0;
    for (int i = 0; i < 5; i++) s += x.logpv[data_states[i] % x.nvis];
    exact_free(&x);
    return s / 5;
}

static void check_model(const char *name, const char *src, uint64_t seed) {
    TestModel t;
    if (!test_model(&t, src)) {
        CHECK(0, "%s: spec did not compile", name);
        return;
    }
    test_random_params(&t, 1.0, seed);
    double **params = test_params_double(&t);
    Enum e;
    enum_init(&e, &t);
    Exact x;
    exact_compute(&e, params, &x);
    const rt_model *m = t.m;
    int64_t rf = rt_visible_floats(m);
    int64_t hidden_states = e.nstates / x.nvis;

    /* free energy kernel vs marginalisation */
    rt_ws *w = rt_ws_new(m, x.nvis, t.p, seed);
    float *rows = malloc(sizeof(float) * (size_t)(x.nvis * rf));
    for (int64_t v = 0; v < x.nvis; v++) {
        enum_set(&e, v * hidden_states);
        visible_row(&e, rows + v * rf);
    }
    rt_ws_set_visible(w, rows, x.nvis, rf);
    rt_ws_run(w, m->k_free_energy);
    double worst = 0;
    for (int64_t v = 0; v < x.nvis; v++) {
        double f_exact = -(x.logpv[v] + x.logz);
        double d = fabs(w->bufs[m->fe_buf][v] - f_exact);
        if (d > worst) worst = d;
    }
    CHECK(worst < 1e-4, "%s: free energy kernel off by %g", name, worst);

    /* log Z by the enumeration plan */
    double logz;
    CHECK(rt_exact_logz(m, t.p, &logz) == 0, "%s: rt_exact_logz: %s", name, rt_last_error());
    CHECK_NEAR(logz, x.logz, 1e-4, "log Z");

    /* derived gradient (double) vs finite differences of the exact loglik */
    Energy *en = t.an->en;
    long long *vals = calloc((size_t)en->nvars + 1, sizeof(long long));
    double num = 0, den = 0, knum = 0;
    for (int i = 0; i < m->nparams; i++) {
        int *out = t.an->grad_out[i];
        const Sym *ps = t.an->m->params[i];
        /* kernel gradient: data rows weighted -1/5, every visible state by p(v) */
        float *data_rows = malloc(sizeof(float) * (size_t)(5 * rf));
        for (int n = 0; n < 5; n++) memcpy(data_rows + n * rf, rows + (data_states[n] % x.nvis) * rf, sizeof(float) * (size_t)rf);
        memset(t.p->grad[i], 0, sizeof(float) * (size_t)ps->size);
        rt_ws *wd = rt_ws_new(m, 5, t.p, seed);
        rt_ws_set_visible(wd, data_rows, 5, rf);
        for (int n = 0; n < 5; n++) wd->bufs[m->weight_buf][n] = -0.2f;
        rt_ws_run(wd, m->k_grad);
        for (int64_t v = 0; v < x.nvis; v++) w->bufs[m->weight_buf][v] = (float)exp(x.logpv[v]);
        rt_ws_run(w, m->k_grad);
        rt_ws_free(wd);
        free(data_rows);
        for (int64_t k = 0; k < ps->size; k++) {
            /* the parameter entry k as index values of the gradient's variables */
            int64_t rem = k;
            for (int d = ps->ndim - 1; d >= 0; d--) {
                vals[out[d]] = rem % ps->dims[d];
                rem /= ps->dims[d];
            }
            double g = 0;
            for (int64_t v = 0; v < x.nvis; v++) {
                enum_set(&e, v * hidden_states);
                double dF = energy_of(&e, params, t.an->grad[i], vals);
                g += exp(x.logpv[v]) * dF;
                for (int n = 0; n < 5; n++)
                    if (data_states[n] % x.nvis == v) g -= 0.2 * dF;
            }
            double keep = params[i][k], eps = 1e-5;
            params[i][k] = keep + eps;
            double lp = avg_loglik(&e, params);
            params[i][k] = keep - eps;
            double lm = avg_loglik(&e, params);
            params[i][k] = keep;
            double fd = (lp - lm) / (2 * eps);
            num += (g - fd) * (g - fd);
            den += fd * fd;
            knum += (t.p->grad[i][k] - g) * (t.p->grad[i][k] - g);
        }
    }
    CHECK(sqrt(num / den) < 1e-4, "%s: derived gradient vs finite differences: relative error %g", name, sqrt(num / den));
    CHECK(sqrt(knum / den) < 1e-4, "%s: grad kernel vs derived gradient: relative error %g", name, sqrt(knum / den));
    free(vals);

    /* block Gibbs: chi-square of joint states against the exact joint */
    int64_t chains = 20000;
    rt_ws *ws = rt_ws_new(m, chains, t.p, seed + 1);
    rt_ws_randomize(ws, 77);
    for (int s = 0; s < 200; s++) rt_ws_sweep(ws);
    double *obs = calloc((size_t)e.nstates, sizeof(double)), *prob = malloc(sizeof(double) * (size_t)e.nstates);
    for (int64_t c = 0; c < chains; c++) {
        /* the chain's state number, digit by digit */
        int64_t s = 0;
        for (int k = 0; k < e.ndigits; k++) {
            const rt_group *gr = &m->groups[e.digit_group[k]];
            const float *xs = ws->bufs[gr->state_buf] + c * gr->size + e.digit_off[k];
            int d = 0;
            if (e.digit_type[k] == RT_SOFTMAX) {
                for (int q = 0; q < e.digit_n[k]; q++)
                    if (xs[q] > 0.5f) d = q;
            } else {
                d = xs[0] > 0;
            }
            s = s * e.digit_n[k] + d;
        }
        obs[s] += 1;
    }
    for (int64_t s = 0; s < e.nstates; s++) prob[s] = exp(x.logp[s]);
    int dof;
    double pval = stats_chisq_p(obs, prob, (int)e.nstates, (double)chains, &dof);
    CHECK(pval > 0.001, "%s: Gibbs samples vs exact joint: chi-square p = %g (%d dof)", name, pval, dof);
    printf("# %s: free energy err %.2g, log Z err %.2g, gradient rel err %.2g, chi-square p = %.3f (%d dof)\n", name,
           worst, fabs(logz - x.logz), sqrt(num / den), pval, dof);
    free(obs);
    free(prob);
    rt_ws_free(ws);
    rt_ws_free(w);
    free(rows);
    exact_free(&x);
    enum_free(&e);
    test_free_double(params, m->nparams);
    test_model_free(&t);
}

static void rbm_6x4(void) {
    check_model("rbm 6x4",
                "model r {\n"
                "  visible v[6] : bernoulli\n"
                "  hidden  h[4] : bernoulli\n"
                "  param W[6, 4]\n  param b[6]\n  param c[4]\n"
                "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
                "}\n",
                7);
}

/* three groups: visible bits, hidden bits, a one-hot label joined to the
 * hidden layer; the same analysis must sum h out given (v, y) */
static void rbm_with_labels(void) {
    check_model("rbm 5x4 + softmax label[3]",
                "model r {\n"
                "  visible v[5] : bernoulli\n"
                "  visible y[3] : softmax\n"
                "  hidden  h[4] : bernoulli\n"
                "  param W[5, 4]\n  param U[3, 4]\n  param b[5]\n  param c[4]\n  param d[3]\n"
                "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(k) d[k]*y[k]\n"
                "           - sum(i, j) v[i]*W[i, j]*h[j] - sum(k, j) y[k]*U[k, j]*h[j]\n"
                "}\n",
                11);
}

/* spins on both sides: tanh conditionals, logcosh free energy */
static void spin_rbm(void) {
    check_model("spin rbm 5x3",
                "model s {\n"
                "  visible v[5] : spin\n"
                "  hidden  h[3] : spin\n"
                "  param W[5, 3]\n  param b[5]\n  param c[3]\n"
                "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
                "}\n",
                5);
}

/* dense lateral couplings among the visible units, hidden units summed
 * out: sequential single-site Gibbs inside the visible block */
static void semi_restricted(void) {
    check_model("semi-restricted bm 5x3",
                "model s {\n"
                "  visible v[5] : bernoulli\n"
                "  hidden  h[3] : bernoulli\n"
                "  param W[5, 3]\n  param L[5, 5]\n  param b[5]\n  param c[3]\n"
                "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
                "           - sum(i, k) v[i]*L[i, k]*v[k]\n"
                "}\n",
                13);
}

/* E = -x'Ux - b'x with no hidden units: every unit couples to every other */
static void fully_visible(void) {
    check_model("fully visible bm 7",
                "model f {\n"
                "  visible x[7] : bernoulli\n"
                "  param U[7, 7]\n  param b[7]\n"
                "  energy = - sum(i, j) x[i]*U[i, j]*x[j] - sum(i) b[i]*x[i]\n"
                "}\n",
                17);
}

/* an Ising model: spins with couplings, where x^2 = 1 */
static void ising(void) {
    check_model("ising 6",
                "model f {\n"
                "  visible x[6] : spin\n"
                "  param J[6, 6]\n  param b[6]\n"
                "  energy = - 0.5*sum(i, j) x[i]*J[i, j]*x[j] - sum(i) b[i]*x[i]\n"
                "}\n",
                19);
}

int main(void) {
    TEST(rbm_6x4);
    TEST(rbm_with_labels);
    TEST(spin_rbm);
    TEST(semi_restricted);
    TEST(fully_visible);
    TEST(ising);
    CHECK_DONE();
}
