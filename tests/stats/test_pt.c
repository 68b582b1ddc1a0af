/* test_pt.c — parallel tempering on a bimodal RBM (seed 3; 2000 chains;
 * PT: 10 replicas, betas 1 .. 0 evenly, 100 steps; Gibbs: the same 1000
 * sweeps per chain).
 *
 * The RBM has 8 visible units and one hidden unit with W = 8, b = -4,
 * c = -31: h = 1 turns every visible unit on, h = 0 off; the all-on mode
 * holds 73% of the mass. Leaving a mode needs half the units to flip
 * against odds of e^4 each, so plain Gibbs keeps whatever mode its random
 * start fell into. The final visible states are compared with the exact
 * p(v) (enumeration, h summed out):
 *   PT: Pearson's chi-square p > 0.001 and the all-on mode's share within
 *       4 standard errors;
 *   Gibbs with the same budget: chi-square p < 0.001 or the share more than
 *       6 standard errors off (it mixes badly: shown, not just claimed);
 *   swap rates are in (0, 1] for every pair of neighbouring temperatures. */
#include "../unit/check.h"
#include "rt_exact.h"
#include "rt_pt.h"
#include "rt_sample.h"
#include "stats.h"
#include "derive_tempered.h"

static const char *src =
    "model bi {\n"
    "  visible v[8] : bernoulli\n"
    "  hidden  h[1] : bernoulli\n"
    "  param W[8, 1] init 8\n  param b[8] init -4\n  param c[1] init -31\n"
    "  energy = - sum(i) b[i]*v[i] - sum(j) c[j]*h[j] - sum(i, j) v[i]*W[i, j]*h[j]\n"
    "}\n";

enum { CHAINS = 2000, REPLICAS = 10, STEPS = 100 };

static TestModel tm;
static Tempered *tt;
static rt_params *tp;
static double prob[256], p_on;

/* exact p(v) of the 256 visible states by the free-energy kernel */
static void exact(void) {
    double logz;
    rt_exact_logz(tm.m, tm.p, &logz);
    rt_ws *w = rt_ws_new(tm.m, 256, tm.p, 0);
    for (int s = 0; s < 256; s++)
        for (int i = 0; i < 8; i++) w->bufs[tm.m->groups[0].state_buf][s * 8 + i] = (float)(s >> i & 1);
    rt_ws_run(w, tm.m->k_free_energy);
    p_on = 0;
    for (int s = 0; s < 256; s++) {
        prob[s] = exp(-(double)w->bufs[tm.m->fe_buf][s] - logz);
        if (__builtin_popcount((unsigned)s) >= 5) p_on += prob[s];
    }
    rt_ws_free(w);
}

/* chi-square p-value of the states and the all-on mode's share */
static double score(const float *values, double *share) {
    static double counts[256];
    memset(counts, 0, sizeof counts);
    int on = 0;
    for (int c = 0; c < CHAINS; c++) {
        int s = 0;
        for (int i = 0; i < 8; i++) s |= (values[c * 8 + i] > 0.5f) << i;
        counts[s]++;
        on += __builtin_popcount((unsigned)s) >= 5;
    }
    *share = (double)on / CHAINS;
    int dof;
    return stats_chisq_p(counts, prob, 256, CHAINS, &dof);
}

static double se(void) { return sqrt(p_on * (1 - p_on) / CHAINS); }

static void pt_samples_both_modes(void) {
    float *values = malloc(sizeof(float) * CHAINS * 8);
    rt_pt_cfg cfg = {REPLICAS, CHAINS, 0.0, 0, 3};
    double rate, share;
    CHECK(rt_pt_sample(&tt->rt, tp, &cfg, STEPS, values, NULL, &rate) == 0, "%s", rt_last_error());
    double p = score(values, &share);
    printf("# PT: chi-square p = %.4g, all-on share %.4f (exact %.4f, se %.4f), swap rate %.3f\n", p, share, p_on, se(),
           rate);
    CHECK(p > 0.001, "PT chi-square p = %g", p);
    CHECK(fabs(share - p_on) < 4 * se(), "PT all-on share %.4f vs exact %.4f", share, p_on);
    free(values);
}

static void gibbs_same_budget_mixes_badly(void) {
    float *values = malloc(sizeof(float) * CHAINS * 8);
    double share;
    CHECK(rt_sample(tm.m, tm.p, CHAINS, REPLICAS * STEPS, 3, values, NULL) == 0, "%s", rt_last_error());
    double p = score(values, &share);
    printf("# Gibbs (%d sweeps): chi-square p = %.4g, all-on share %.4f (exact %.4f)\n", REPLICAS * STEPS, p, share, p_on);
    CHECK(p < 0.001 || fabs(share - p_on) > 6 * se(), "Gibbs should mix badly here: p = %g, share %.4f", p, share);
    free(values);
}

static void swap_rates_reported(void) {
    rt_pt_cfg cfg = {REPLICAS, 200, 0.0, 0, 5};
    rt_pt *pt = rt_pt_new(&tt->rt, tp, &cfg, NULL, 0, 0);
    CHECK(pt != NULL, "%s", rt_last_error());
    if (!pt) return;
    for (int s = 0; s < 20; s++) rt_pt_step(pt, 1);
    double rates[REPLICAS], all = rt_pt_swap_rate(pt, rates);
    printf("# swap rates:");
    for (int i = 0; i + 1 < REPLICAS; i++) {
        printf(" %.2f", rates[i]);
        CHECK(rates[i] > 0 && rates[i] <= 1, "pair %d: rate %g", i, rates[i]);
    }
    printf(" (all %.3f)\n", all);
    rt_pt_free(pt);
}

int main(void) {
    if (!test_model(&tm, src)) {
        printf("not ok - compile\n");
        return 1;
    }
    rt_params_init(tm.m, tm.p, 1);
    tt = derive_tempered_build(tm.c->arena, &tm.c->diag, tm.an, tm.m);
    if (!tt) {
        printf("not ok - tempered: %s\n", rt_last_error());
        return 1;
    }
    tp = rt_tempered_params(&tt->rt, tm.p);   /* base rates 0: uniform at beta = 0 */
    exact();
    TEST(pt_samples_both_modes);
    TEST(gibbs_same_budget_mixes_badly);
    TEST(swap_rates_reported);
    rt_tempered_params_free(&tt->rt, tp);
    test_model_free(&tm);
    CHECK_DONE();
}
