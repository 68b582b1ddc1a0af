/* test_exact_loglik.c — rt_exact_loglik (and eval's exact_loglik) against a
 * direct enumeration in double, on models whose hidden groups do not all
 * sum out or whose log Z depends on inputs:
 *
 *   a DBM 5-3-3 (h2 summed out, h1 listed per example),
 *   a DBM 3-3-2-2 (h1 and h3 summed out, h2 listed),
 *   a BM with laterals among its hidden units (nothing sums out),
 *   a semi-restricted BM 5x3 (laterals among the visibles),
 *   a factored three-way model and a conditional RBM (input groups: log Z
 *   of each example's inputs).
 *
 * Parameters N(0, 1), seeded; 12 examples with random bits and, for the
 * input groups, values uniform in [-1, 1] (examples 3 and 4 share their
 * inputs, which the runtime enumerates once). The oracle sums exp(-E) over
 * every configuration of every non-input unit in double (energy_eval);
 * the runtime's kernels run in float: |difference| of the average < 1e-4
 * and of every example's log p < 1e-3. */
#include "../unit/check.h"
#include "energy_eval.h"
#include "rt_eval.h"
#include "rt_exact.h"
#include "stats.h"

enum { N = 12 };

static void lse_into(double *acc, double x) {
    double a = *acc;
    *acc = a == -INFINITY ? x : a > x ? a + log1p(exp(x - a)) : x + log1p(exp(a - x));
}

/* log sum exp(-E) over every bit of the groups in free; the other groups
 * hold vals */
static double brute_lse(TestModel *t, double **params, double **vals, uint64_t free_mask) {
    const rt_model *m = t->m;
    int ng = 0, gi[64];
    int64_t bits = 0;
    for (int g = 0; g < m->ngroups; g++)
        if (free_mask >> g & 1) {
            gi[ng++] = g;
            bits += m->groups[g].size;
        }
    long long *vv = calloc((size_t)t->an->en->nvars + 1, sizeof(long long));
    EvalEnv env = {t->an->en, (const double *const *)vals, (const double *const *)params};
    double acc = -INFINITY;
    for (int64_t c = 0; c < (int64_t)1 << bits; c++) {
        int64_t x = c;
        for (int k = 0; k < ng; k++)
            for (int64_t i = 0; i < m->groups[gi[k]].size; i++, x >>= 1)
                vals[gi[k]][i] = m->groups[gi[k]].utype == RT_SPIN ? ((x & 1) ? 1 : -1) : (double)(x & 1);
        lse_into(&acc, -energy_eval(&env, t->an->en->E, vv));
    }
    free(vv);
    return acc;
}

/* random rows: visible bits, then inputs in [-1, 1] (rows 3 and 4 share) */
static float *make_rows(const rt_model *m, int64_t rf, uint64_t seed) {
    float *rows = malloc(sizeof(float) * (size_t)(N * rf));
    for (int r = 0; r < N; r++) {
        int64_t off = 0;
        for (int pass = 0; pass < 2; pass++)
            for (int g = 0; g < m->ngroups; g++) {
                const rt_group *gr = &m->groups[g];
                if (gr->role != (pass ? RT_INPUT : RT_VISIBLE)) continue;
                for (int64_t i = 0; i < gr->size; i++) {
                    float u = rt_uniform(seed, 5, (uint64_t)(pass && r == 4 ? 3 : r), (uint32_t)(off + i));
                    rows[r * rf + off + i] = pass ? 2 * u - 1 : u < 0.5f ? 1.0f : 0.0f;
                }
                off += gr->size;
            }
    }
    return rows;
}

static void check_loglik(const char *name, const char *src, uint64_t seed, double want_cond_log2) {
    TestModel t;
    if (!test_model(&t, src)) {
        CHECK(0, "%s: spec did not compile", name);
        return;
    }
    test_random_params(&t, 1.0, seed);
    double **params = test_params_double(&t);
    const rt_model *m = t.m;
    int64_t rf = rt_visible_floats(m);
    float *rows = make_rows(m, rf, seed);
    double **vals = calloc((size_t)m->ngroups, sizeof(double *));
    uint64_t hid = 0, vis = 0;
    int inputs = 0;
    for (int g = 0; g < m->ngroups; g++) {
        vals[g] = calloc((size_t)m->groups[g].size, sizeof(double));
        if (m->groups[g].role == RT_HIDDEN) hid |= 1ULL << g;
        if (m->groups[g].role == RT_VISIBLE) vis |= 1ULL << g;
        inputs |= m->groups[g].role == RT_INPUT;
    }
    double want[N], avg = 0, logz = 0;
    if (!inputs) logz = brute_lse(&t, params, vals, hid | vis);
    for (int r = 0; r < N; r++) {
        int64_t off = 0;
        for (int pass = 0; pass < 2; pass++)
            for (int g = 0; g < m->ngroups; g++)
                if (m->groups[g].role == (pass ? RT_INPUT : RT_VISIBLE))
                    for (int64_t i = 0; i < m->groups[g].size; i++) vals[g][i] = rows[r * rf + off++];
        double num = brute_lse(&t, params, vals, hid);   /* before log Z overwrites v */
        want[r] = num - (inputs ? brute_lse(&t, params, vals, hid | vis) : logz);
        avg += want[r] / N;
    }
    CHECK_NEAR(rt_exact_cond_log2(m), want_cond_log2, 1e-9, "hidden configurations listed per example");
    double rt_logz = 0, sum = 0, worst = 0;
    if (!inputs) CHECK(rt_exact_logz(m, t.p, &rt_logz) == 0, "%s: %s", name, rt_last_error());
    CHECK(rt_exact_loglik(m, t.p, rt_logz, rows, N, rf, &sum) == 0, "%s: %s", name, rt_last_error());
    for (int r = 0; r < N && !check_failed_case; r++) {
        double one;
        CHECK(rt_exact_loglik(m, t.p, rt_logz, rows + r * rf, 1, rf, &one) == 0, "%s", rt_last_error());
        worst = fabs(one - want[r]) > worst ? fabs(one - want[r]) : worst;
    }
    printf("# %s: exact average log p %.6f, runtime %.6f, worst example off by %.2g\n", name, avg, sum / N, worst);
    CHECK_NEAR(sum / N, avg, 1e-4, name);
    CHECK(worst < 1e-3, "%s: an example's log p off by %g", name, worst);
    /* eval's report prints it (no --exact needed at this size) */
    char *text = NULL;
    size_t len = 0;
    FILE *y = open_memstream(&text, &len);
    rt_dataset d = {0};
    d.data = rows;
    d.n = N;
    d.dims[0] = N;
    d.dims[1] = rf;
    d.ndim = 2;
    double ell = NAN;
    CHECK(rt_eval_basic(m, t.p, &d, 1, 1, -1, 10, 0, y, &ell) == 0, "%s: eval: %s", name, rt_last_error());
    fclose(y);
    CHECK(text && strstr(text, "exact_loglik:"), "%s: eval printed no exact_loglik:\n%s", name, text ? text : "");
    CHECK_NEAR(ell, avg, 1e-4, "eval's exact_loglik");
    free(text);
    for (int g = 0; g < m->ngroups; g++) free(vals[g]);
    free(vals);
    free(rows);
    test_free_double(params, m->nparams);
    test_model_free(&t);
}

static void dbm_5_3_3(void) {
    check_loglik("dbm 5-3-3",
                 "model d {\n"
                 "  visible v[5] : bernoulli\n  hidden h1[3] : bernoulli\n  hidden h2[3] : bernoulli\n"
                 "  param W1[5, 3]\n  param W2[3, 3]\n  param b[5]\n  param c1[3]\n  param c2[3]\n"
                 "  energy = - sum(i) b[i]*v[i] - sum(j) c1[j]*h1[j] - sum(k) c2[k]*h2[k]\n"
                 "           - sum(i, j) v[i]*W1[i, j]*h1[j] - sum(j, k) h1[j]*W2[j, k]*h2[k]\n"
                 "}\n",
                 41, 3);
}

static void dbm_3layer(void) {
    check_loglik("dbm 3-3-2-2",
                 "model d {\n"
                 "  visible v[3] : bernoulli\n  hidden h1[3] : bernoulli\n  hidden h2[2] : bernoulli\n"
                 "  hidden h3[2] : bernoulli\n"
                 "  param W1[3, 3]\n  param W2[3, 2]\n  param W3[2, 2]\n  param b[3]\n  param c1[3]\n"
                 "  param c2[2]\n  param c3[2]\n"
                 "  energy = - sum(i) b[i]*v[i] - sum(j) c1[j]*h1[j] - sum(k) c2[k]*h2[k] - sum(l) c3[l]*h3[l]\n"
                 "           - sum(i, j) v[i]*W1[i, j]*h1[j] - sum(j, k) h1[j]*W2[j, k]*h2[k]\n"
                 "           - sum(k, l) h2[k]*W3[k, l]*h3[l]\n"
                 "}\n",
                 43, 2);
}

static void hidden_laterals(void) {
    check_loglik("bm with hidden laterals 4x3",
                 "model s {\n"
                 "  visible v[4] : bernoulli\n  hidden h[3] : bernoulli\n"
                 "  param W[4, 3]\n  param M[3, 3]\n  param b[4]\n  param c[3]\n"
                 "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
                 "           - sum(j, l) h[j]*M[j, l]*h[l]\n"
                 "}\n",
                 17, 3);
}

static void semi_restricted(void) {
    check_loglik("semi-restricted bm 5x3",
                 "model s {\n"
                 "  visible v[5] : bernoulli\n  hidden h[3] : bernoulli\n"
                 "  param W[5, 3]\n  param L[5, 5]\n  param b[5]\n  param c[3]\n"
                 "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
                 "           - sum(i, k) v[i]*L[i, k]*v[k]\n"
                 "}\n",
                 13, 0);
}

static void threeway(void) {
    check_loglik("factored three-way 4 | 3, 3 hidden",
                 "model t {\n"
                 "  visible y[4] : bernoulli\n  input x[3]\n  hidden h[3] : bernoulli\n"
                 "  param A[3, 2]\n  param B[4, 2]\n  param C[3, 2]\n  param a[4]\n  param c[3]\n"
                 "  energy = - sum(f) (sum(i) x[i]*A[i, f])*(sum(k) y[k]*B[k, f])*(sum(j) h[j]*C[j, f])\n"
                 "           - sum(k) a[k]*y[k] - sum(j) c[j]*h[j]\n"
                 "}\n",
                 47, 0);
}

static void conditional_rbm(void) {
    check_loglik("conditional rbm 4 | 2x3, 3 hidden",
                 "model c {\n"
                 "  visible v[4] : bernoulli\n  input x[2, 3]\n  hidden h[3] : bernoulli\n"
                 "  param W[4, 3]\n  param A[2, 3, 4]\n  param B[2, 3, 3]\n  param a[4]\n  param c[3]\n"
                 "  energy = - sum(i) a[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
                 "           - sum(t, k, i) x[t, k]*A[t, k, i]*v[i] - sum(t, k, j) x[t, k]*B[t, k, j]*h[j]\n"
                 "}\n",
                 53, 0);
}

int main(void) {
    TEST(dbm_5_3_3);
    TEST(dbm_3layer);
    TEST(hidden_laterals);
    TEST(semi_restricted);
    TEST(threeway);
    TEST(conditional_rbm);
    CHECK_DONE();
}
