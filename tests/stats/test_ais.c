/* test_ais.c — AIS log Z against exact enumeration (seeds 7 / 11 / 13, 200
 * runs x 2000 betas; |AIS - exact| < 0.1 and exact inside log(Z^ -/+ 3 se)),
 * the base model's log Z against enumeration at beta = 0 (1e-4), and the
 * variational bound against exact log p(v) (equal for an RBM, below it for
 * a DBM, 1e-3).
 *
 *   a random RBM, 12 x 6, weights N(0, 0.5^2), base rates fitted to 50
 *     random rows;
 *   a tiny DBM 6-4-3, parameters N(0, 0.7^2) (AIS runs on h1 with v and h2
 *     summed out), also with its hidden base rates fitted to the rows'
 *     mean-field posteriors (rt_tempered_fit_hidden);
 *   a DBM 16-12-8 on which that base raises the ESS (ais_dbm_base_ess);
 *   the 6-4-3 DBM with h1 summed out, the chain on v and h2 (--chain
 *     visible), with either base;
 *   a spin RBM 8 x 4 with a softmax visible group (base models of spins and
 *     one-hot rows);
 *   a Gaussian-Bernoulli RBM 8 x 5 (v summed out for the exact value,
 *     sampled by AIS; base model 0.5*(v - mean)^2).
 *
 * Then the sandwich (AIS and RAISE around exact log p(v), 10 seeds each),
 * and RAISE against the annealed model p_ann it estimates, tabulated
 * exactly (3000 reverse chains per example, within 3 se + 0.01). */
#include "../unit/check.h"
#include "rt_ais.h"
#include "rt_exact.h"
#include "rt_sample.h"
#include "stats.h"
#include "derive_tempered.h"

static const char *rbm_src =
    "model r {\n"
    "  visible v[12] : bernoulli\n"
    "  hidden  h[6]  : bernoulli\n"
    "  param W[12, 6]\n  param b[12]\n  param c[6]\n"
    "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
    "}\n";

static const char *dbm_src =
    "model d {\n"
    "  visible v[6]  : bernoulli\n"
    "  hidden  h1[4] : bernoulli\n"
    "  hidden  h2[3] : bernoulli\n"
    "  param W1[6, 4]\n  param W2[4, 3]\n  param b[6]\n  param c1[4]\n  param c2[3]\n"
    "  energy = - sum(i) b[i]*v[i] - sum(j) c1[j]*h1[j] - sum(k) c2[k]*h2[k]\n"
    "           - sum(i, j) v[i]*W1[i, j]*h1[j] - sum(j, k) h1[j]*W2[j, k]*h2[k]\n"
    "}\n";

static const char *mixed_src =
    "model s {\n"
    "  visible v[8]    : spin\n"
    "  visible y[3]    : softmax\n"
    "  hidden  h[4]    : spin\n"
    "  param W[8, 4]\n  param U[3, 4]\n  param b[8]\n  param c[4]\n  param d[3]\n"
    "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(k) d[k]*y[k] - sum(i, j) v[i]*W[i, j]*h[j]\n"
    "           - sum(k, j) y[k]*U[k, j]*h[j]\n"
    "}\n";

static const char *grbm_src =
    "model g {\n"
    "  visible v[8] : gaussian\n"
    "  hidden  h[5] : bernoulli\n"
    "  param W[8, 5]\n  param b[8]\n  param c[5]\n"
    "  energy = sum(i) sqr(v[i] - b[i])/2 - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
    "}\n";

typedef struct Setup {
    TestModel tm;
    Tempered *t;
    rt_params *tp;
    float *rows;
    int64_t n, rf;
} Setup;

/* random rows of the visible groups by type; the chain on `chain`'s side */
static int setup_on(Setup *s, const char *src, double sd, uint64_t seed, int chain) {
    memset(s, 0, sizeof *s);
    if (!test_model(&s->tm, src)) return 0;
    test_random_params(&s->tm, sd, seed);
    s->t = derive_tempered_build_on(s->tm.c->arena, &s->tm.c->diag, s->tm.an, s->tm.m, chain);
    if (!s->t) return 0;
    s->tp = rt_tempered_params(&s->t->rt, s->tm.p);
    s->rf = rt_visible_floats(s->tm.m);
    s->n = 50;
    s->rows = malloc(sizeof(float) * (size_t)(s->n * s->rf));
    for (int64_t r = 0; r < s->n; r++) {
        int64_t off = 0;
        for (int g = 0; g < s->tm.m->ngroups; g++) {
            const rt_group *gr = &s->tm.m->groups[g];
            if (gr->role != RT_VISIBLE) continue;
            for (int64_t i = 0; i < gr->size; i++) {
                float u = rt_uniform(seed, 77, (uint64_t)r, (uint32_t)(off + i));
                float x = gr->utype == RT_SPIN ? (u < 0.3f ? 1.0f : -1.0f) : u < 0.3f ? 1.0f : 0.0f;
                if (gr->utype == RT_SOFTMAX) x = (i == (int64_t)(u * 3)) ? 1.0f : 0.0f;
                s->rows[r * s->rf + off + i] = x;
            }
            off += gr->size;
        }
    }
    return rt_tempered_fit_base(&s->t->rt, s->tp, s->rows, s->n, s->rf) == 0;
}

/* the smaller side: the 12 x 6 RBM's chain on h, the 5 x 9's on v, a DBM's on h1 */
static int setup(Setup *s, const char *src, double sd, uint64_t seed) {
    return setup_on(s, src, sd, seed, DERIVE_CHAIN_SMALLER);
}

static void teardown(Setup *s) {
    if (s->t) rt_tempered_params_free(&s->t->rt, s->tp);
    free(s->rows);
    test_model_free(&s->tm);
}

/* AIS against enumeration: within tol, and exact inside the 3-sigma band */
static void check_ais(Setup *s, int64_t runs, int64_t betas, double tol, const char *what) {
    double exact;
    CHECK(rt_exact_logz(s->tm.m, s->tm.p, &exact) == 0, "%s: exact: %s", what, rt_last_error());
    rt_ais_cfg cfg = {runs, betas, NULL, 0, 5, 1};
    rt_ais_result res;
    CHECK(rt_ais(&s->t->rt, s->tp, &cfg, &res) == 0, "%s: ais: %s", what, rt_last_error());
    printf("# %s: exact log Z %.4f, AIS %.4f +- %.4f [%.4f, %.4f], ESS %.1f, %.2f s\n", what, exact, res.logz,
           res.stderr_logz, res.logz_lo, res.logz_hi, res.ess, res.seconds);
    CHECK_NEAR(res.logz, exact, tol, what);
    CHECK(res.logz_lo <= exact && exact <= res.logz_hi, "%s: exact %.4f outside [%.4f, %.4f]", what, exact, res.logz_lo,
          res.logz_hi);
}

/* log Z of the base model in closed form against enumeration of the tempered
 * model at beta = 0 */
static void check_logz0(Setup *s, const char *what) {
    double lz0;
    CHECK(rt_tempered_logz0(&s->t->rt, s->tp, &lz0) == 0, "%s: %s", what, rt_last_error());
    /* beta = 0 in one row; enumerate the original groups' states */
    const rt_model *m = s->t->m;
    uint64_t mask = 0;
    for (int g = 0; g < m->ngroups; g++)
        if (g != s->t->rt.beta_group) mask |= 1ULL << g;
    rt_ws *w = rt_ws_new(m, 1, s->tp, 0);
    /* one configuration at a time: E_t from the energy kernel */
    double lz = -INFINITY;
    int64_t total = 1;
    for (int g = 0; g < m->ngroups; g++)
        if (mask >> g & 1) {
            const rt_group *gr = &m->groups[g];
            total *= gr->utype == RT_SOFTMAX ? 3 : (int64_t)1 << gr->size;
        }
    for (int64_t c = 0; c < total; c++) {
        int64_t x = c;
        for (int g = 0; g < m->ngroups; g++) {
            if (!(mask >> g & 1)) continue;
            const rt_group *gr = &m->groups[g];
            float *st = w->bufs[gr->state_buf];
            if (gr->utype == RT_SOFTMAX) {
                for (int64_t i = 0; i < gr->size; i++) st[i] = i == x % 3;
                x /= 3;
                continue;
            }
            for (int64_t i = 0; i < gr->size; i++, x >>= 1)
                st[i] = gr->utype == RT_SPIN ? ((x & 1) ? 1.0f : -1.0f) : (float)(x & 1);
        }
        rt_tempered_set_beta(&s->t->rt, w, 0.0);
        rt_ws_run(w, m->k_energy);
        double e = -(double)w->bufs[m->energy_buf][0];
        lz = lz > e ? lz + log1p(exp(e - lz)) : e + log1p(exp(lz - e));
    }
    rt_ws_free(w);
    CHECK_NEAR(lz0, lz, 1e-4, what);
}

static void ais_rbm_12x6(void) {
    Setup s;
    CHECK(setup(&s, rbm_src, 0.5, 7), "setup: %s", rt_last_error());
    if (!check_failed_case) {
        CHECK(s.t->rt.marginal_v && s.t->rt.sum_mask == 1, "v summed out: the chain runs on the 6 hidden units");
        /* by default an RBM's chain runs on v, the hidden units summed out */
        Tempered *d = derive_tempered_build(s.tm.c->arena, &s.tm.c->diag, s.tm.an, s.tm.m);
        CHECK(d && d->rt.marginal_v && d->rt.sum_mask == 2, "the default: h summed out, the chain on v");
        check_logz0(&s, "rbm base log Z");
        check_ais(&s, 200, 2000, 0.1, "rbm 12x6");
    }
    teardown(&s);
}

static void ais_dbm_6_4_3(void) {
    Setup s;
    CHECK(setup(&s, dbm_src, 0.7, 11), "setup: %s", rt_last_error());
    if (!check_failed_case) {
        CHECK(!s.t->rt.marginal_v && s.t->rt.sum_mask == 5, "v and h2 summed out (mask %llu)",
              (unsigned long long)s.t->rt.sum_mask);
        check_logz0(&s, "dbm base log Z");
        check_ais(&s, 200, 2000, 0.1, "dbm 6-4-3");
    }
    teardown(&s);
}

/* the same DBM with its hidden base rates fitted to the posteriors of its
 * 50 rows: log Z0 still matches enumeration, AIS still exact log Z */
static void ais_dbm_posterior_base(void) {
    Setup s;
    CHECK(setup(&s, dbm_src, 0.7, 11), "setup: %s", rt_last_error());
    if (!check_failed_case) {
        CHECK(rt_tempered_fit_hidden(&s.t->rt, s.tp, s.rows, s.n, s.rf, 100) == 0, "%s", rt_last_error());
        int fitted = 0;
        for (int k = 0; k < s.t->rt.nbase; k++)
            if (s.tm.m->groups[s.t->rt.base_group[k]].role == RT_HIDDEN)
                for (int64_t i = 0; i < s.tm.m->groups[s.t->rt.base_group[k]].size; i++)
                    fitted += s.tp->value[s.t->rt.base_param[k]][i] != 0;
        CHECK(fitted == 7, "%d of h1's and h2's 7 base rates moved from 0", fitted);
        check_logz0(&s, "dbm base log Z, hidden rates from posteriors");
        check_ais(&s, 200, 2000, 0.1, "dbm 6-4-3, posterior base");
    }
    teardown(&s);
}

/* --chain visible on a DBM: h1 summed out, the chain on v and h2, both
 * bases; log Z within 0.1 of enumeration and inside the 3-se band */
static void ais_dbm_chain_visible(void) {
    Setup s;
    CHECK(setup_on(&s, dbm_src, 0.7, 11, DERIVE_CHAIN_VISIBLE), "setup: %s", rt_last_error());
    if (!check_failed_case) {
        CHECK(!s.t->rt.marginal_v && s.t->rt.sum_mask == 2, "h1 summed out (mask %llu)",
              (unsigned long long)s.t->rt.sum_mask);
        check_ais(&s, 200, 2000, 0.1, "dbm 6-4-3, chain on v and h2");
        CHECK(rt_tempered_fit_hidden(&s.t->rt, s.tp, s.rows, s.n, s.rf, 100) == 0, "%s", rt_last_error());
        check_logz0(&s, "dbm base log Z, chain on v and h2, posterior base");
        check_ais(&s, 200, 2000, 0.1, "dbm 6-4-3, chain on v and h2, posterior base");
    }
    teardown(&s);
}

/* What the posterior base is for: a DBM 16-12-8 with parameters N(0, 1.5^2)
 * and 400 rows drawn from it (block Gibbs, 300 sweeps), AIS on h1 with 100
 * runs x 300 betas, seed 5. With h1 uniform at beta = 0 (the visible base)
 * the ESS was 45.9 and log Z 0.13 low (1.2 se); with h1's rates from
 * q(h1 | v) the ESS is 89.5 (asked: above 1.5 times the old one) and log Z
 * agrees with enumeration within 3 se (it was 0.001 off). */
static const char *dbm16_src =
    "model d {\n"
    "  visible v[16]  : bernoulli\n"
    "  hidden  h1[12] : bernoulli\n"
    "  hidden  h2[8]  : bernoulli\n"
    "  param W1[16, 12]\n  param W2[12, 8]\n  param b[16]\n  param c1[12]\n  param c2[8]\n"
    "  energy = - sum(i) b[i]*v[i] - sum(j) c1[j]*h1[j] - sum(k) c2[k]*h2[k]\n"
    "           - sum(i, j) v[i]*W1[i, j]*h1[j] - sum(j, k) h1[j]*W2[j, k]*h2[k]\n"
    "}\n";

static void ais_dbm_base_ess(void) {
    Setup s;
    CHECK(setup(&s, dbm16_src, 1.5, 31), "setup: %s", rt_last_error());
    if (!check_failed_case) {
        free(s.rows);
        s.n = 400;
        s.rows = malloc(sizeof(float) * (size_t)(s.n * s.rf));
        CHECK(rt_sample(s.tm.m, s.tm.p, s.n, 300, 32, s.rows, NULL) == 0, "%s", rt_last_error());
        CHECK(rt_tempered_fit_base(&s.t->rt, s.tp, s.rows, s.n, s.rf) == 0, "%s", rt_last_error());
        double exact;
        CHECK(rt_exact_logz(s.tm.m, s.tm.p, &exact) == 0, "exact: %s", rt_last_error());
        rt_ais_cfg cfg = {100, 300, NULL, 0, 5, 1};
        rt_ais_result old, fit;
        CHECK(rt_ais(&s.t->rt, s.tp, &cfg, &old) == 0, "%s", rt_last_error());
        CHECK(rt_tempered_fit_hidden(&s.t->rt, s.tp, s.rows, s.n, s.rf, 100) == 0, "%s", rt_last_error());
        CHECK(rt_ais(&s.t->rt, s.tp, &cfg, &fit) == 0, "%s", rt_last_error());
        printf("# dbm 16-12-8: exact log Z %.4f; visible base %.4f +- %.4f ESS %.1f; posterior base %.4f +- %.4f ESS %.1f\n",
               exact, old.logz, old.stderr_logz, old.ess, fit.logz, fit.stderr_logz, fit.ess);
        CHECK(fit.ess > 1.5 * old.ess, "ESS %.1f with the posterior base, %.1f without", fit.ess, old.ess);
        CHECK(fabs(fit.logz - exact) < 3 * fit.stderr_logz, "posterior base: log Z %.4f +- %.4f, exact %.4f", fit.logz,
              fit.stderr_logz, exact);
    }
    teardown(&s);
}

static void ais_spin_softmax(void) {
    Setup s;
    CHECK(setup(&s, mixed_src, 0.5, 13), "setup: %s", rt_last_error());
    if (!check_failed_case) {
        check_logz0(&s, "spin/softmax base log Z");
        check_ais(&s, 200, 2000, 0.1, "spin rbm with softmax");
    }
    teardown(&s);
}

static void ais_gaussian_rbm(void) {
    Setup s;
    CHECK(setup(&s, grbm_src, 0.5, 17), "setup: %s", rt_last_error());
    if (!check_failed_case) check_ais(&s, 200, 2000, 0.1, "gaussian rbm 8x5");
    teardown(&s);
}

/* an RBM's mean-field posterior is exact: the bound is log p(v); a DBM's
 * bound lies below its exact log p(v) */
static void bound_rbm_exact(void) {
    Setup s;
    CHECK(setup(&s, rbm_src, 0.5, 7), "setup: %s", rt_last_error());
    double logz, sum, bound;
    if (!check_failed_case) {
        CHECK(rt_exact_logz(s.tm.m, s.tm.p, &logz) == 0, "exact");
        CHECK(rt_exact_loglik(s.tm.m, s.tm.p, logz, s.rows, s.n, s.rf, &sum) == 0, "loglik");
        CHECK(rt_variational_bound(&s.t->rt, s.tm.p, logz, s.rows, s.n, s.rf, 50, &bound) == 0, "%s", rt_last_error());
        CHECK_NEAR(bound, sum / (double)s.n, 1e-3, "RBM bound = exact log p(v)");
    }
    teardown(&s);
}

/* exact log p(v) of the DBM by enumerating its 2^7 hidden states per row */
static double dbm_exact_loglik(Setup *s, double logz) {
    const rt_model *m = s->tm.m;
    rt_ws *w = rt_ws_new(m, 128, s->tm.p, 0);
    double sum = 0;
    for (int64_t r = 0; r < s->n; r++) {
        for (int64_t c = 0; c < 128; c++) {
            for (int i = 0; i < 6; i++) w->bufs[m->groups[0].state_buf][c * 6 + i] = s->rows[r * s->rf + i];
            for (int j = 0; j < 4; j++) w->bufs[m->groups[1].state_buf][c * 4 + j] = (float)(c >> j & 1);
            for (int k = 0; k < 3; k++) w->bufs[m->groups[2].state_buf][c * 3 + k] = (float)(c >> (4 + k) & 1);
        }
        rt_ws_run(w, m->k_energy);
        double lse = -INFINITY;
        for (int64_t c = 0; c < 128; c++) {
            double e = -(double)w->bufs[m->energy_buf][c];
            lse = lse > e ? lse + log1p(exp(e - lse)) : e + log1p(exp(lse - e));
        }
        sum += lse - logz;
    }
    rt_ws_free(w);
    return sum / (double)s->n;
}

static void bound_dbm_below(void) {
    Setup s;
    CHECK(setup(&s, dbm_src, 0.7, 11), "setup: %s", rt_last_error());
    double logz, bound;
    if (!check_failed_case) {
        CHECK(rt_exact_logz(s.tm.m, s.tm.p, &logz) == 0, "exact");
        CHECK(rt_variational_bound(&s.t->rt, s.tm.p, logz, s.rows, s.n, s.rf, 100, &bound) == 0, "%s", rt_last_error());
        double ll = dbm_exact_loglik(&s, logz);
        printf("# dbm: exact average log p(v) %.4f, mean-field bound %.4f\n", ll, bound);
        CHECK(bound <= ll + 1e-4 && bound > ll - 1.0, "DBM bound %.4f vs exact %.4f", bound, ll);
    }
    teardown(&s);
}

/* an RBM with fewer visible than hidden units: the chain runs on v */
static const char *wide_src =
    "model w {\n"
    "  visible v[5]  : bernoulli\n"
    "  hidden  h[9]  : bernoulli\n"
    "  param W[5, 9]\n  param b[5]\n  param c[9]\n"
    "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
    "}\n";

/* The sandwich, seeds 1..10: AIS (100 runs) and RAISE (the first 20 rows,
 * 5 chains each), 200 betas and 2 sweeps per temperature, on a model with
 * parameters N(0, sd^2): the exact average log p(v) of those rows lies
 * above RAISE - 3 se and below AIS + 3 se (AIS's loglik is -F or the exact
 * numerator minus its log Z), and neither is further than 0.25 from it
 * (each errs its own way by up to 3 se, about 0.05 to 0.1 here). */
static void sandwich(const char *src, double sd, uint64_t want_mask, const char *what) {
    int below = 0, above = 0;
    double worst = 0;
    for (uint64_t seed = 1; seed <= 10 && !check_failed_case; seed++) {
        Setup s;
        CHECK(setup(&s, src, sd, seed), "%s: setup: %s", what, rt_last_error());
        if (check_failed_case) {
            teardown(&s);
            break;
        }
        CHECK(s.t->rt.sum_mask == want_mask, "%s: the tempered model sums out mask %llu, not %llu", what,
              (unsigned long long)s.t->rt.sum_mask, (unsigned long long)want_mask);
        int64_t n = 20;
        double logz, sum, exact;
        rt_ais_cfg cfg = {100, 200, NULL, 0, 100 + seed, 2};
        rt_ais_result a;
        rt_raise_result r;
        CHECK(rt_exact_logz(s.tm.m, s.tm.p, &logz) == 0, "exact: %s", rt_last_error());
        CHECK(rt_exact_loglik(s.tm.m, s.tm.p, logz, s.rows, n, s.rf, &sum) == 0, "exact: %s", rt_last_error());
        exact = sum / (double)n;
        CHECK(rt_ais(&s.t->rt, s.tp, &cfg, &a) == 0, "ais: %s", rt_last_error());
        CHECK(rt_exact_loglik(s.tm.m, s.tm.p, a.logz, s.rows, n, s.rf, &sum) == 0, "ais loglik: %s", rt_last_error());
        double ais = sum / (double)n;
        CHECK(rt_raise(&s.t->rt, s.tm.p, s.tp, &cfg, s.rows, n, s.rf, 5, &r) == 0, "raise: %s", rt_last_error());
        printf("# %s seed %llu: RAISE %.4f +- %.4f <= exact %.4f <= AIS %.4f +- %.4f\n", what, (unsigned long long)seed,
               r.loglik, r.stderr_loglik, exact, ais, a.stderr_logz);
        CHECK(r.loglik - 3 * r.stderr_loglik <= exact, "%s seed %llu: RAISE %.4f - 3 x %.4f above exact %.4f", what,
              (unsigned long long)seed, r.loglik, r.stderr_loglik, exact);
        CHECK(exact <= ais + 3 * a.stderr_logz, "%s seed %llu: AIS %.4f + 3 x %.4f below exact %.4f", what,
              (unsigned long long)seed, ais, a.stderr_logz, exact);
        below += r.loglik <= exact;
        above += ais >= exact;
        worst = fmax(worst, fmax(fabs(r.loglik - exact), fabs(ais - exact)));
        teardown(&s);
    }
    printf("# %s: RAISE at or below exact %d of 10, AIS at or above %d of 10, largest miss %.4f\n", what, below, above,
           worst);
    CHECK(worst < 0.25, "%s: an estimate %.4f from exact", what, worst);
}

/* slower annealing narrows the sandwich: the DBM of ais_dbm_6_4_3, 1000
 * betas, 20 rows x 20 reverse chains, 200 AIS runs: both within 0.03 of
 * exact and inside their 3-sd bands (two-sided) */
static void sandwich_narrows(void) {
    Setup s;
    CHECK(setup(&s, dbm_src, 0.7, 11), "setup: %s", rt_last_error());
    if (!check_failed_case) {
        int64_t n = 20;
        double logz, sum;
        rt_ais_cfg cfg = {200, 1000, NULL, 0, 3, 1};
        rt_ais_result a;
        rt_raise_result r;
        CHECK(rt_exact_logz(s.tm.m, s.tm.p, &logz) == 0 && rt_exact_loglik(s.tm.m, s.tm.p, logz, s.rows, n, s.rf, &sum) == 0,
              "exact: %s", rt_last_error());
        double exact = sum / (double)n;
        CHECK(rt_ais(&s.t->rt, s.tp, &cfg, &a) == 0 && rt_exact_loglik(s.tm.m, s.tm.p, a.logz, s.rows, n, s.rf, &sum) == 0,
              "ais: %s", rt_last_error());
        double ais = sum / (double)n;
        CHECK(rt_raise(&s.t->rt, s.tm.p, s.tp, &cfg, s.rows, n, s.rf, 20, &r) == 0, "raise: %s", rt_last_error());
        printf("# dbm 6-4-3, 1000 betas: RAISE %.4f +- %.4f, exact %.4f, AIS %.4f +- %.4f (%.2f s + %.2f s)\n", r.loglik,
               r.stderr_loglik, exact, ais, a.stderr_logz, r.seconds, a.seconds);
        CHECK(fabs(r.loglik - exact) < fmin(0.03, 3 * r.stderr_loglik + 0.005), "RAISE %.4f vs exact %.4f", r.loglik, exact);
        CHECK(fabs(ais - exact) < fmin(0.03, 3 * a.stderr_logz + 0.005), "AIS %.4f vs exact %.4f", ais, exact);
    }
    teardown(&s);
}

/* ---- RAISE against the annealed model it estimates, computed exactly ------------ */

/* The forward chain of AIS is a generative model p_ann: the chain's state
 * c starts at the base model, moves by T_k = (the summed-out groups s
 * given c, then c given s, at beta_k) for k = 1 .. K-1, and emits v from
 * the model given the last c. On a model of a few binary units every
 * distribution here is a table: enumerate the joint states x = (every
 * group's bits, in group order), tabulate p_beta(x) with the tempered
 * model's energy kernel, and push the chain's distribution through the
 * transition matrices. out[e] = log p_ann(v_e) for the rows. */
static void exact_pann(Setup *s, const double *b, int64_t K, int sweeps, const float *rows, int64_t n, double *out) {
    const rt_tempered *t = &s->t->rt;
    const rt_model *m = t->m;
    int bit0[64] = {0}, nbits = 0;
    uint64_t cmask = 0, vmask = 0;   /* bits of the chain's groups, of the visible ones */
    for (int g = 0; g < m->ngroups; g++) {
        if (g == t->beta_group) continue;
        bit0[g] = nbits;
        for (int64_t i = 0; i < m->groups[g].size; i++, nbits++) {
            if (!(t->sum_mask >> g & 1)) cmask |= 1ULL << nbits;
            if (m->groups[g].role == RT_VISIBLE) vmask |= 1ULL << nbits;
        }
    }
    if (nbits > 24) {   /* tables of 2^nbits doubles: tiny models only */
        for (int64_t e = 0; e < n; e++) out[e] = NAN;
        return;
    }
    int64_t X = (int64_t)1 << nbits;
    rt_ws *w = rt_ws_new(m, X, s->tp, 0);
    for (int64_t x = 0; x < X; x++)
        for (int g = 0; g < m->ngroups; g++)
            if (g != t->beta_group)
                for (int64_t i = 0; i < m->groups[g].size; i++)
                    w->bufs[m->groups[g].state_buf][x * m->groups[g].size + i] = (float)(x >> (bit0[g] + i) & 1);
    double *p = malloc(sizeof(double) * (size_t)X), *q = calloc((size_t)X, sizeof(double)),
           *q2 = malloc(sizeof(double) * (size_t)X), *zc = malloc(sizeof(double) * (size_t)X),
           *zs = malloc(sizeof(double) * (size_t)X);
    /* p_beta(x) normalised; zc[c] = p(c), zs[s] = p(s) (indexed by x's own bits) */
    #define TABLE(beta)                                                                                       \
        do {                                                                                                  \
            rt_tempered_set_beta(t, w, beta);                                                                 \
            rt_ws_run(w, m->k_energy);                                                                        \
            double mx = -INFINITY, z = 0;                                                                     \
            for (int64_t x = 0; x < X; x++) mx = fmax(mx, -(double)w->bufs[m->energy_buf][x]);               \
            for (int64_t x = 0; x < X; x++) z += p[x] = exp(-(double)w->bufs[m->energy_buf][x] - mx);        \
            memset(zc, 0, sizeof(double) * (size_t)X);                                                        \
            memset(zs, 0, sizeof(double) * (size_t)X);                                                        \
            for (int64_t x = 0; x < X; x++) {                                                                 \
                p[x] /= z;                                                                                    \
                zc[x & cmask] += p[x];                                                                        \
                zs[x & ~cmask] += p[x];                                                                       \
            }                                                                                                 \
        } while (0)
    /* q: the chain's distribution, stored at x = c; the base model's */
    TABLE(b[0]);
    for (int64_t x = 0; x < X; x++) q[x & cmask] += p[x];
    for (int64_t k = 1; k < K; k++) {
        TABLE(b[k]);
        for (int sw = 0; sw < (sweeps > 1 ? sweeps : 1); sw++) {
            /* q2(c') = sum over c, s of q(c) p(s | c) p(c' | s) */
            memset(q2, 0, sizeof(double) * (size_t)X);
            for (int64_t x = 0; x < X; x++) {   /* x = (c, s) */
                double qs = q[x & cmask] * p[x] / zc[x & cmask];
                if (qs == 0) continue;
                uint64_t c2 = 0;   /* every chain state: the subsets of cmask */
                do q2[c2] += qs * p[c2 | (x & ~cmask)] / zs[x & ~cmask];
                while ((c2 = (c2 - cmask) & cmask));
            }
            memcpy(q, q2, sizeof(double) * (size_t)X);
        }
    }
    /* emission at beta = 1: p_ann(v) = sum over c of q(c) p(v | c) */
    TABLE(b[K]);
    #undef TABLE
    for (int64_t e = 0; e < n; e++) {
        uint64_t v = 0;
        int64_t off = 0;
        for (int g = 0; g < m->ngroups; g++) {
            if (g == t->beta_group || m->groups[g].role != RT_VISIBLE) continue;
            for (int64_t i = 0; i < m->groups[g].size; i++)
                if (rows[e * s->rf + off + i] > 0.5f) v |= 1ULL << (bit0[g] + i);
            off += m->groups[g].size;
        }
        double pv = 0;
        for (int64_t x = 0; x < X; x++)
            if ((x & vmask) == v) pv += q[x & cmask] * p[x] / zc[x & cmask];
        out[e] = log(pv);
    }
    rt_ws_free(w);
    free(p), free(q), free(q2), free(zc), free(zs);
}

/* RAISE's weights have mean p_ann(v) (Burda et al. 2015): on 4 examples,
 * 3000 reverse chains each, 4 temperatures (so p_ann is far from the
 * model), its average log mean weight is within 3 se + 0.01 of the exact
 * average log p_ann(v); and the exact log p(v) of the model is further
 * than that from it, so the check tells the two apart. Seeds 21 .. 23. */
static void raise_estimates_pann(const char *src, double sd, uint64_t seed, int sweeps, const char *what) {
    Setup s;
    CHECK(setup(&s, src, sd, seed), "%s: setup: %s", what, rt_last_error());
    if (!check_failed_case) {
        const double b[] = {0, 0.3, 0.6, 0.85, 1};
        int64_t n = 4, K = 4, chains = 3000;
        rt_ais_cfg cfg = {2, K, b, K + 1, seed, sweeps};
        double lp[4], pann = 0, logz, sum;
        exact_pann(&s, b, K, sweeps, s.rows, n, lp);
        for (int e = 0; e < n; e++) pann += lp[e] / (double)n;
        CHECK(rt_exact_logz(s.tm.m, s.tm.p, &logz) == 0 && rt_exact_loglik(s.tm.m, s.tm.p, logz, s.rows, n, s.rf, &sum) == 0,
              "%s: exact: %s", what, rt_last_error());
        rt_raise_result r;
        CHECK(rt_raise(&s.t->rt, s.tm.p, s.tp, &cfg, s.rows, n, s.rf, chains, &r) == 0, "%s: raise: %s", what,
              rt_last_error());
        printf("# %s: RAISE %.4f +- %.4f, exact log p_ann %.4f, exact log p %.4f\n", what, r.loglik, r.stderr_loglik,
               pann, sum / (double)n);
        CHECK(fabs(r.loglik - pann) < 3 * r.stderr_loglik + 0.01, "%s: RAISE %.4f +- %.4f, log p_ann %.4f", what,
              r.loglik, r.stderr_loglik, pann);
        CHECK(fabs(sum / (double)n - pann) > 3 * r.stderr_loglik + 0.01, "%s: p_ann %.4f too close to p %.4f to tell",
              what, pann, sum / (double)n);
    }
    teardown(&s);
}

static void raise_pann_rbm_12x6(void) { raise_estimates_pann(rbm_src, 1.0, 21, 1, "rbm 12x6 (chain on h)"); }
static void raise_pann_rbm_5x9(void) { raise_estimates_pann(wide_src, 1.0, 22, 2, "rbm 5x9 (chain on v, 2 sweeps)"); }
static void raise_pann_dbm_6_4_3(void) { raise_estimates_pann(dbm_src, 1.0, 23, 1, "dbm 6-4-3 (chain on h1)"); }

static void sandwich_rbm_12x6(void) { sandwich(rbm_src, 1.0, 1, "rbm 12x6 (chain on h)"); }
static void sandwich_rbm_5x9(void) { sandwich(wide_src, 1.0, 2, "rbm 5x9 (chain on v)"); }
static void sandwich_dbm_6_4_3(void) { sandwich(dbm_src, 1.0, 5, "dbm 6-4-3 (chain on h1)"); }

int main(void) {
    TEST(ais_rbm_12x6);
    TEST(ais_dbm_6_4_3);
    TEST(ais_dbm_posterior_base);
    TEST(ais_dbm_base_ess);
    TEST(ais_dbm_chain_visible);
    TEST(ais_spin_softmax);
    TEST(ais_gaussian_rbm);
    TEST(bound_rbm_exact);
    TEST(bound_dbm_below);
    TEST(sandwich_rbm_12x6);
    TEST(sandwich_rbm_5x9);
    TEST(sandwich_dbm_6_4_3);
    TEST(sandwich_narrows);
    TEST(raise_pann_rbm_12x6);
    TEST(raise_pann_rbm_5x9);
    TEST(raise_pann_dbm_6_4_3);
    CHECK_DONE();
}
