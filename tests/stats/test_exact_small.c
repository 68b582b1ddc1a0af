/* test_exact_small.c — derived quantities against brute-force enumeration
 * on models small enough to list every joint configuration: tiny versions
 * of the catalogue (RBMs, labels, spins, laterals, DBMs, three-way, conv).
 *
 * For each model (random parameters, N(0, 1), fixed seeds):
 *   free energy: the compiled kernel's F(c) equals -log sum exp(-E) over
 *     the groups the compiler sums out (|diff| < 1e-4, float kernel);
 *   log Z: the enumeration plan (rt_exact_logz) equals the brute force sum
 *     over all joint states (|diff| < 1e-4);
 *   gradient: the derived statistic dF/dtheta, averaged as
 *     <dF>_model - <dF>_data, equals the central finite difference
 *     (eps 1e-5) of the exact average log-likelihood of 5 fixed examples,
 *     relative error (2-norm over all parameters) < 1e-4, all in double;
 *     the float grad kernel matches it to 1e-4 relative;
 *   mean-field: the compiled mean updates iterated 300 times with the
 *     visible units clamped satisfy the derived fixed-point equations
 *     mu = E[g | field(mu)] to 1e-6;
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
            e->digit_n[k] = (int)(gr->utype == RT_SOFTMAX ? w : gr->utype == RT_BINOMIAL ? gr->binomial_n + 1 : 2);
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

/* the state's digits restricted to a set of groups, as a mixed-radix key */
static int64_t key_of(Enum *e, int64_t s, unsigned long long groups, int64_t *count) {
    int d[64];
    for (int k = e->ndigits - 1; k >= 0; k--) {
        d[k] = (int)(s % e->digit_n[k]);
        s /= e->digit_n[k];
    }
    int64_t key = 0, n = 1;
    for (int k = 0; k < e->ndigits; k++)
        if (groups >> e->digit_group[k] & 1) {
            key = key * e->digit_n[k] + d[k];
            n *= e->digit_n[k];
        }
    if (count) *count = n;
    return key;
}

static void set_state_rows(Enum *e, rt_ws *w, int64_t r, unsigned long long groups) {
    const rt_model *m = e->t->m;
    for (int g = 0; g < m->ngroups; g++)
        if (groups >> g & 1)
            for (int64_t i = 0; i < m->groups[g].size; i++)
                w->bufs[m->groups[g].state_buf][r * m->groups[g].size + i] = (float)e->vals[g][i];
}

/* Exact quantities in double: log p of every joint state, log Z, log p of
 * every visible configuration, and -log sum over the summed-out groups for
 * every configuration c of the rest (the free energy the compiler derives). */
typedef struct Exact {
    double logz;
    double *logp;             /* per joint state */
    int64_t nvis, nc;
    double *logpv;            /* per visible configuration */
    double *F;                /* per configuration of the unsummed groups */
} Exact;

static void lse_into(double *acc, double x) {
    double a = *acc;
    *acc = a == -INFINITY ? x : a > x ? a + log1p(exp(x - a)) : x + log1p(exp(a - x));
}

static unsigned long long visible_mask(const rt_model *m) {
    unsigned long long v = 0;
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE) v |= 1ULL << g;
    return v;
}

static void exact_compute(Enum *e, double **params, Exact *x) {
    const rt_model *m = e->t->m;
    unsigned long long all = (1ULL << m->ngroups) - 1, unsummed = all & ~e->t->an->sum_mask, vis = visible_mask(m);
    long long *vals = calloc((size_t)e->t->an->en->nvars + 1, sizeof(long long));
    x->logp = malloc(sizeof(double) * (size_t)e->nstates);
    double lz = -INFINITY;
    for (int64_t s = 0; s < e->nstates; s++) {
        enum_set(e, s);
        x->logp[s] = -energy_of(e, params, e->t->an->en->E, vals);
        /* binomial(n) units: each count k weighs C(n, k) */
        for (int g = 0; g < m->ngroups; g++)
            if (m->groups[g].utype == RT_BINOMIAL)
                for (int64_t i = 0; i < m->groups[g].size; i++) {
                    double n = m->groups[g].binomial_n, k = e->vals[g][i];
                    x->logp[s] += lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1);
                }
        lse_into(&lz, x->logp[s]);
    }
    x->logz = lz;
    key_of(e, 0, vis, &x->nvis);
    key_of(e, 0, unsummed, &x->nc);
    x->logpv = malloc(sizeof(double) * (size_t)x->nvis);
    x->F = malloc(sizeof(double) * (size_t)x->nc);
    for (int64_t v = 0; v < x->nvis; v++) x->logpv[v] = -INFINITY;
    for (int64_t c = 0; c < x->nc; c++) x->F[c] = -INFINITY;
    for (int64_t s = 0; s < e->nstates; s++) {
        lse_into(&x->F[key_of(e, s, unsummed, NULL)], x->logp[s]);
        x->logp[s] -= x->logz;
        lse_into(&x->logpv[key_of(e, s, vis, NULL)], x->logp[s]);
    }
    for (int64_t c = 0; c < x->nc; c++) x->F[c] = -x->F[c];
    free(vals);
}

static void exact_free(Exact *x) {
    free(x->logp);
    free(x->logpv);
    free(x->F);
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

/* Mean-field with the visible groups clamped to data: the compiled mean
 * kernels iterated to a fixed point must satisfy the derived equations
 * mu = E[g | field(mu)] (checked in double through energy_eval). */
static double mean_field_residual(Enum *e, double **params) {
    TestModel *t = e->t;
    const rt_model *m = t->m;
    unsigned long long vis = visible_mask(m);
    int64_t nvis;
    key_of(e, 0, vis, &nvis);
    rt_ws *w = rt_ws_new(m, 5, t->p, 3);
    for (int n = 0; n < 5; n++) {
        for (int64_t s = 0; s < e->nstates; s++)
            if (key_of(e, s, vis, NULL) == data_states[n] % nvis) {
                enum_set(e, s);
                break;
            }
        set_state_rows(e, w, n, vis);
    }
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_HIDDEN)
            for (int64_t i = 0; i < 5 * m->groups[g].size; i++) w->bufs[m->groups[g].state_buf][i] = 0.5f;
    for (int it = 0; it < 300; it++)
        for (int k = 0; k < m->nblocks; k++)
            for (int g = 0; g < m->ngroups; g++)
                if (m->groups[g].block == m->sweep[k] && m->groups[g].role == RT_HIDDEN) rt_ws_run(w, m->groups[g].k_mean);
    double worst = 0;
    long long *vals = calloc((size_t)t->an->en->nvars + 1, sizeof(long long));
    for (int n = 0; n < 5; n++) {
        for (int g = 0; g < m->ngroups; g++)
            for (int64_t i = 0; i < m->groups[g].size; i++) e->vals[g][i] = w->bufs[m->groups[g].state_buf][n * m->groups[g].size + i];
        for (int g = 0; g < m->ngroups; g++) {
            const GroupInfo *gi = &t->an->g[g];
            if (m->groups[g].role != RT_HIDDEN || gi->lateral) continue;
            const Sym *s = gi->sym;
            for (int64_t k = 0; k < s->size; k++) {
                int64_t rem = k;
                for (int d = s->ndim - 1; d >= 0; d--) {
                    vals[gi->out[d]] = rem % s->dims[d];
                    rem /= s->dims[d];
                }
                double a = energy_of(e, params, gi->field, vals), mu;
                if (gi->cond == COND_SIGMOID) mu = 1 / (1 + exp(-a));
                else if (gi->cond == COND_TANH) mu = tanh(a);
                else if (gi->cond == COND_BINOMIAL) mu = gi->sym->binomial_n / (1 + exp(-a));
                else continue;
                double r = fabs(mu - e->vals[g][k]);
                if (r > worst) worst = r;
            }
        }
    }
    free(vals);
    rt_ws_free(w);
    return worst;
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
    unsigned long long all = (1ULL << m->ngroups) - 1, unsummed = all & ~t.an->sum_mask, vis = visible_mask(m);

    /* the free energy kernel on every configuration of the unsummed groups */
    rt_ws *w = rt_ws_new(m, x.nc, t.p, seed);
    int64_t *state_of_c = malloc(sizeof(int64_t) * (size_t)x.nc);
    for (int64_t s = 0; s < e.nstates; s++) state_of_c[key_of(&e, s, unsummed, NULL)] = s;
    for (int64_t c = 0; c < x.nc; c++) {
        enum_set(&e, state_of_c[c]);
        set_state_rows(&e, w, c, unsummed);
    }
    rt_ws_run(w, m->k_free_energy);
    double worst = 0;
    for (int64_t c = 0; c < x.nc; c++) {
        /* F excludes the base measure of the groups it keeps */
        double d = fabs(w->bufs[m->fe_buf][c] - rt_log_base_measure(w, c, unsummed) - x.F[c]);
        if (d > worst) worst = d;
    }
    CHECK(worst < 1e-4, "%s: free energy kernel off by %g", name, worst);

    /* log Z by the enumeration plan */
    double logz;
    CHECK(rt_exact_logz(m, t.p, &logz) == 0, "%s: rt_exact_logz: %s", name, rt_last_error());
    CHECK_NEAR(logz, x.logz, 1e-4, "log Z");

    /* the derived statistic dF/dtheta (double), averaged exactly:
     *   sum_c p(c) dF(c) - mean_n sum_{c ~ v_n} p(c | v_n) dF(c)
     * against finite differences of the exact average log-likelihood; the
     * grad kernel with the same row weights against it */
    Energy *en = t.an->en;
    long long *vals = calloc((size_t)en->nvars + 1, sizeof(long long));
    double *wt = malloc(sizeof(double) * (size_t)x.nc);
    for (int64_t c = 0; c < x.nc; c++) {
        double pc = exp(-x.F[c] - x.logz), data = 0;
        int64_t v = key_of(&e, state_of_c[c], vis, NULL);
        for (int n = 0; n < 5; n++)
            if (data_states[n] % x.nvis == v) data += 0.2 * pc / exp(x.logpv[v]);
        wt[c] = pc - data;
        w->bufs[m->weight_buf][c] = (float)wt[c];
    }
    for (int i = 0; i < m->nparams; i++) memset(t.p->grad[i], 0, sizeof(float) * (size_t)m->params[i].size);
    rt_ws_run(w, m->k_grad);
    double num = 0, den = 0, knum = 0;
    for (int i = 0; i < m->nparams; i++) {
        int *out = t.an->grad_out[i];
        const Sym *ps = t.an->m->params[i];
        for (int64_t k = 0; k < ps->size; k++) {
            int64_t rem = k;
            for (int d = ps->ndim - 1; d >= 0; d--) {
                vals[out[d]] = rem % ps->dims[d];
                rem /= ps->dims[d];
            }
            double g = 0;
            for (int64_t c = 0; c < x.nc; c++) {
                enum_set(&e, state_of_c[c]);
                g += wt[c] * energy_of(&e, params, t.an->grad[i], vals);
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
    free(wt);
    free(state_of_c);

    double mf = mean_field_residual(&e, params);
    CHECK(mf < 1e-6, "%s: mean-field fixed point residual %g", name, mf);

    /* block Gibbs: chi-square of joint states against the exact joint */
    int64_t chains = 20000;
    rt_ws *ws = rt_ws_new(m, chains, t.p, seed + 1);
    rt_ws_randomize(ws, 77);
    for (int s = 0; s < 200; s++) rt_ws_sweep(ws);
    double *obs = calloc((size_t)e.nstates, sizeof(double)), *prob = malloc(sizeof(double) * (size_t)e.nstates);
    for (int64_t c = 0; c < chains; c++) {
        int64_t s = 0;
        for (int k = 0; k < e.ndigits; k++) {
            const rt_group *gr = &m->groups[e.digit_group[k]];
            const float *xs = ws->bufs[gr->state_buf] + c * gr->size + e.digit_off[k];
            int d = 0;
            if (e.digit_type[k] == RT_SOFTMAX) {
                for (int q = 0; q < e.digit_n[k]; q++)
                    if (xs[q] > 0.5f) d = q;
            } else if (e.digit_type[k] == RT_BINOMIAL) {
                d = (int)lrintf(xs[0]);
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
    printf("# %s: free energy err %.2g, log Z err %.2g, gradient rel err %.2g, mean-field residual %.2g, "
           "chi-square p = %.3f (%d dof)\n",
           name, worst, fabs(logz - x.logz), sqrt(num / den), mf, pval, dof);
    free(obs);
    free(prob);
    rt_ws_free(ws);
    rt_ws_free(w);
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

/* the catalogue's deep and structured models, shrunk until they can be
 * enumerated; the same energies as specs/ */
static void dbm_2layer(void) {
    check_model("dbm 4-3-2",
                "model d {\n"
                "  visible v[4] : bernoulli\n  hidden h1[3] : bernoulli\n  hidden h2[2] : bernoulli\n"
                "  param W1[4, 3]\n  param W2[3, 2]\n  param b[4]\n  param c1[3]\n  param c2[2]\n"
                "  energy = - sum(i) b[i]*v[i] - sum(j) c1[j]*h1[j] - sum(k) c2[k]*h2[k]\n"
                "           - sum(i, j) v[i]*W1[i, j]*h1[j] - sum(j, k) h1[j]*W2[j, k]*h2[k]\n"
                "}\n",
                41);
}

static void dbm_3layer(void) {
    check_model("dbm 3-3-2-2",
                "model d {\n"
                "  visible v[3] : bernoulli\n  hidden h1[3] : bernoulli\n  hidden h2[2] : bernoulli\n"
                "  hidden h3[2] : bernoulli\n"
                "  param W1[3, 3]\n  param W2[3, 2]\n  param W3[2, 2]\n  param b[3]\n  param c1[3]\n"
                "  param c2[2]\n  param c3[2]\n"
                "  energy = - sum(i) b[i]*v[i] - sum(j) c1[j]*h1[j] - sum(k) c2[k]*h2[k] - sum(l) c3[l]*h3[l]\n"
                "           - sum(i, j) v[i]*W1[i, j]*h1[j] - sum(j, k) h1[j]*W2[j, k]*h2[k]\n"
                "           - sum(k, l) h2[k]*W3[k, l]*h3[l]\n"
                "}\n",
                43);
}

/* factored three-way: a product of three sums, every group linear in it */
static void threeway_factored(void) {
    check_model("factored three-way 3x3x2",
                "model t {\n"
                "  visible y[3] : bernoulli\n  visible x[3] : bernoulli\n  hidden h[2] : bernoulli\n"
                "  param A[3, 2]\n  param B[3, 2]\n  param C[2, 2]\n  param a[3]\n  param c[2]\n"
                "  energy = - sum(f) (sum(i) x[i]*A[i, f])*(sum(k) y[k]*B[k, f])*(sum(j) h[j]*C[j, f])\n"
                "           - sum(k) a[k]*y[k] - sum(j) c[j]*h[j]\n"
                "}\n",
                47);
}

/* the conditional RBM's energy with its history made visible */
static void crbm_energy(void) {
    check_model("conditional rbm 3 + history 3, 2 hidden",
                "model c {\n"
                "  visible v[3] : bernoulli\n  visible x[3] : bernoulli\n  hidden h[2] : bernoulli\n"
                "  param W[3, 2]\n  param A[3, 3]\n  param B[3, 2]\n  param a[3]\n  param c[2]\n"
                "  energy = - sum(i) a[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
                "           - sum(k, i) x[k]*A[k, i]*v[i] - sum(k, j) x[k]*B[k, j]*h[j]\n"
                "}\n",
                53);
}

/* shared filters through shifted indices: v[i + a, j + b] */
static void convolutional(void) {
    check_model("convolutional rbm 2x3, 2 filters of 2x2",
                "model k {\n"
                "  visible v[2, 3] : bernoulli\n  hidden h[2, 1, 2] : bernoulli\n"
                "  param K[2, 2, 2]\n  param b\n  param c[2]\n"
                "  energy = - sum(p, q) b*v[p, q] - sum(k, i, j) c[k]*h[k, i, j]\n"
                "           - sum(k, i, j, a, b2) v[i + a, j + b2]*K[k, a, b2]*h[k, i, j]\n"
                "}\n",
                59);
}

/* count units: binomial(3) visibles (an RBM for counts) */
static void binomial_rbm(void) {
    check_model("binomial(3) rbm 4x3",
                "model n {\n"
                "  visible v[4] : binomial(3)\n  hidden h[3] : bernoulli\n"
                "  param W[4, 3]\n  param b[4]\n  param c[3]\n"
                "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
                "}\n",
                61);
}

int main(void) {
    TEST(rbm_6x4);
    TEST(rbm_with_labels);
    TEST(spin_rbm);
    TEST(semi_restricted);
    TEST(fully_visible);
    TEST(ising);
    TEST(dbm_2layer);
    TEST(dbm_3layer);
    TEST(threeway_factored);
    TEST(crbm_energy);
    TEST(convolutional);
    TEST(binomial_rbm);
    CHECK_DONE();
}
