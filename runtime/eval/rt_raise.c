/* rt_raise.c — the reverse AIS estimator of log p(v) (RAISE; Burda, Grosse
 * & Salakhutdinov 2015), rt_ais.h.
 *
 * AIS's forward chain defines a model of its own, p_ann: start at the base
 * model, apply the transitions T_1 .. T_K-1 of the temperatures in turn,
 * and emit v from the last state. RAISE estimates p_ann(v) of a test
 * example without bias by importance sampling the chain backwards:
 *   x_K ~ q(x | v)         the chain's state drawn given the example: exact
 *                          p(h | v) where every hidden group sums out, else
 *                          the factorial mean-field posterior;
 *   x_k ~ T~_k(. | x_k+1)  k = K-1 .. 1, the reversal of T_k (rt_ais.h:
 *                          the same transition with its blocks reversed);
 *   log w = log f(v, x_K) - log q(x_K | v) - log Z_0
 *           + sum_k F_k(x_k) - F_k-1(x_k),
 * with F_k the tempered free energy (the groups AIS sums out, summed out)
 * and f(v, x) = exp(-E) of the original model with every hidden group that
 * is not the chain's summed out (where all sum out, f / q = exp(-F(v))).
 * E[w] = p_ann(v), so log of a mean of w is low in expectation for p_ann;
 * and p_ann approaches the model as the annealing gets slower. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rt_ais.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* q(h | v) = mean-field means, one draw per row into the states; returns
 * nothing, adds log q of the draw to logq[row] */
static void draw_factorial(rt_ws *w, uint64_t seed, double *logq) {
    const rt_model *m = w->m;
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role != RT_HIDDEN) continue;
        int64_t K = gr->utype == RT_SOFTMAX ? gr->dims[gr->ndim - 1] : 1;
        for (int64_t r = 0; r < w->B; r++) {
            const float *mu = w->bufs[gr->mean_buf] + r * gr->size;
            float *x = w->bufs[gr->state_buf] + r * gr->size;
            for (int64_t i = 0; i < gr->size; i += K) {
                double u = rt_uniform(seed, 0x5a15eu + (uint32_t)g, (uint64_t)r, (uint32_t)i);
                if (gr->utype == RT_SOFTMAX) {
                    int64_t pick = K - 1;
                    double c = 0;
                    for (int64_t k = 0; k < K; k++)
                        if (u < (c += mu[i + k])) {
                            pick = k;
                            break;
                        }
                    for (int64_t k = 0; k < K; k++) x[i + k] = k == pick;
                    logq[r] += log(mu[i + pick] > 1e-30 ? mu[i + pick] : 1e-30);
                    continue;
                }
                double p = gr->utype == RT_SPIN ? (1.0 + mu[i]) / 2 : mu[i];
                int on = u < p;
                x[i] = on ? 1.0f : gr->utype == RT_SPIN ? -1.0f : 0.0f;
                double pr = on ? p : 1 - p;
                logq[r] += log(pr > 1e-30 ? pr : 1e-30);
            }
        }
    }
}

int rt_raise(const rt_tempered *t, rt_params *p, rt_params *tp, const rt_ais_cfg *cfg, const float *rows, int64_t n,
             int64_t rf, int64_t chains, rt_raise_result *res) {
    const rt_model *o = t->orig, *m = t->m;
    memset(res, 0, sizeof *res);
    if (n <= 0) return rt_fail("RAISE: no examples");
    if (chains < 2) return rt_fail("RAISE needs at least 2 chains per example (for its error bar), not %lld", (long long)chains);
    if (!o->fe_exact && !t->bound_ok)
        return rt_fail("RAISE needs every hidden group summed out given v, or bernoulli, spin or softmax hidden groups "
                       "for its mean-field start");
    double logz0;
    if (rt_tempered_logz0(t, tp, &logz0)) return -1;
    double *own = cfg->schedule ? NULL : rt_ais_schedule(cfg->betas);
    const double *b = cfg->schedule ? cfg->schedule : own;
    int64_t K = cfg->schedule ? cfg->nschedule - 1 : (cfg->betas < 3 ? 3 : cfg->betas), R = n * chains;
    double t0 = now();
    /* row r of the workspaces: example r / chains */
    int64_t *ex = malloc(sizeof(int64_t) * (size_t)R);
    for (int64_t r = 0; r < R; r++) ex[r] = r / chains;
    rt_ws *wo = rt_ws_new(o, R, p, cfg->seed ^ 0x7a15eULL);
    rt_ws_set_visible_at(wo, rows, ex, 0, R, rf);
    double *lw = calloc((size_t)R, sizeof(double));
    uint64_t vis = 0;
    for (int g = 0; g < o->ngroups; g++)
        if (o->groups[g].role == RT_VISIBLE) vis |= 1ULL << g;
    if (o->fe_exact) {
        /* f / q = exp(-F(v)); the hidden groups are independent given v */
        rt_ws_run(wo, o->k_free_energy);
        for (int64_t r = 0; r < R; r++) lw[r] = -(double)wo->bufs[o->fe_buf][r] + rt_log_base_measure(wo, r, vis);
        for (int g = 0; g < o->ngroups; g++)
            if (o->groups[g].role == RT_HIDDEN) rt_ws_run(wo, o->groups[g].k_sample);
    } else {
        for (int g = 0; g < o->ngroups; g++) {
            const rt_group *gr = &o->groups[g];
            if (gr->role != RT_HIDDEN) continue;
            float v = gr->utype == RT_SOFTMAX ? 1.0f / (float)gr->dims[gr->ndim - 1] : 0.0f;
            for (int64_t i = 0; i < gr->size * R; i++) wo->bufs[gr->state_buf][i] = wo->bufs[gr->mean_buf][i] = v;
        }
        rt_mean_field(wo, 100, 1e-6);
        double *logq = calloc((size_t)R, sizeof(double));
        draw_factorial(wo, cfg->seed ^ 0x7a15eULL, logq);
        rt_ws_run(wo, o->k_energy);
        for (int64_t r = 0; r < R; r++)
            lw[r] = -(double)wo->bufs[o->energy_buf][r] + rt_log_base_measure(wo, r, vis) - logq[r];
        free(logq);
    }
    /* the chain's state x_K into the tempered model (same group numbers) */
    rt_ws *w = rt_ws_new(m, R, tp, cfg->seed);
    for (int g = 0; g < o->ngroups; g++)
        memcpy(w->bufs[m->groups[g].state_buf], wo->bufs[o->groups[g].state_buf],
               sizeof(float) * (size_t)(o->groups[g].size * R));
    rt_ws_free(wo);
    free(ex);
    const float *fe = w->bufs[m->fe_buf];
    for (int64_t r = 0; r < R; r++) lw[r] -= logz0;
    for (int64_t k = K; k >= 1; k--) {
        rt_tempered_set_beta(t, w, b[k]);
        rt_ws_run(w, m->k_free_energy);
        for (int64_t r = 0; r < R; r++) lw[r] += fe[r];
        rt_tempered_set_beta(t, w, b[k - 1]);
        rt_ws_run(w, m->k_free_energy);
        for (int64_t r = 0; r < R; r++) lw[r] -= fe[r];
        if (k > 1) rt_ais_transition(t, w, cfg->sweeps, 1);
    }
    rt_ws_free(w);
    free(own);
    /* per example: log of the mean weight of its chains, and by the delta
     * method its standard error; the average's is the root of the sum of
     * their squares over n */
    double sum = 0, var = 0;
    int bad = 0;
    for (int64_t e = 0; e < n && !bad; e++) {
        const double *l = lw + e * chains;
        double mx = -INFINITY, s = 0, s2 = 0;
        for (int64_t c = 0; c < chains; c++) mx = l[c] > mx ? l[c] : mx;
        bad = !isfinite(mx);
        for (int64_t c = 0; c < chains && !bad; c++) {
            double x = exp(l[c] - mx);
            s += x;
            s2 += x * x;
        }
        double mean = s / (double)chains, v = (s2 / (double)chains - mean * mean) * (double)chains / (double)(chains - 1);
        sum += mx + log(mean);
        var += (v > 0 ? v : 0) / (double)chains / (mean * mean);
    }
    free(lw);
    if (bad) return rt_fail("RAISE: the importance weights are not finite (the parameters may be too)");
    res->loglik = sum / (double)n;
    res->stderr_loglik = sqrt(var) / (double)n;
    res->examples = n;
    res->chains = chains;
    res->steps = K;
    res->seconds = now() - t0;
    return 0;
}
