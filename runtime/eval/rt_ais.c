/* rt_ais.c — annealed importance sampling of log Z, and the variational
 * lower bound of log p(v) (rt_ais.h). */
#include "rt_ais.h"
#include "rt_dist.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

double *rt_ais_schedule(int64_t K) {
    if (K < 3) K = 3;
    /* 500 : 4000 : 10000 of the steps on 0..0.5, 0.5..0.9, 0.9..1 */
    int64_t n1 = llround((double)K * 500.0 / 14500.0), n2 = llround((double)K * 4000.0 / 14500.0);
    if (n1 < 1) n1 = 1;
    if (n2 < 1) n2 = 1;
    int64_t n3 = K - n1 - n2;
    if (n3 < 1) {
        n3 = 1;
        n2 = K - n1 - 1;
    }
    double *b = malloc(sizeof(double) * (size_t)(K + 1));
    int64_t k = 0;
    for (int64_t i = 0; i < n1; i++) b[k++] = 0.5 * (double)i / (double)n1;
    for (int64_t i = 0; i < n2; i++) b[k++] = 0.5 + 0.4 * (double)i / (double)n2;
    for (int64_t i = 0; i < n3; i++) b[k++] = 0.9 + 0.1 * (double)i / (double)n3;
    b[k] = 1.0;
    return b;
}

int rt_ais_load_schedule(const char *path, double **betas, int64_t *n) {
    FILE *f = fopen(path, "r");
    if (!f) return rt_fail("cannot read the schedule '%s': %s", path, strerror(errno));
    int64_t cap = 1024, k = 0;
    double *b = malloc(sizeof(double) * (size_t)cap);
    int c, rc = 0;
    char tok[64];
    size_t len = 0;
    do {
        c = fgetc(f);
        if (c != EOF && c != ',' && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            if (len + 1 < sizeof tok) tok[len++] = (char)c;
            continue;
        }
        if (!len) continue;
        tok[len] = 0;
        len = 0;
        char *end;
        double v = strtod(tok, &end);
        if (*end || !isfinite(v) || v < 0 || v > 1 || (k && v < b[k - 1])) {
            rc = rt_fail("%s: '%s' (value %lld) is not a temperature: a schedule rises from 0 to 1", path, tok,
                         (long long)k + 1);
            break;
        }
        if (k == cap) b = realloc(b, sizeof(double) * (size_t)(cap *= 2));
        b[k++] = v;
    } while (c != EOF);
    fclose(f);
    if (!rc && (k < 2 || b[0] != 0 || b[k - 1] != 1))
        rc = rt_fail("%s: a schedule needs at least two values, the first 0 and the last 1", path);
    if (rc) {
        free(b);
        return rc;
    }
    *betas = b;
    *n = k;
    return 0;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void update(rt_ws *w, int g) {
    if (w->m->groups[g].sampler != RT_SAMPLER_EXACT) rt_mcmc_update(w, g);
    else rt_ws_run(w, w->m->groups[g].k_sample);
}

void rt_ais_transition(const rt_tempered *t, rt_ws *w, int sweeps, int reverse) {
    const rt_model *m = t->m;
    for (int s = 0; s < (sweeps > 1 ? sweeps : 1); s++) {
        /* the summed-out groups given the chain's state first, at this
         * beta (pairwise independent), then the chain's own blocks: as a
         * kernel on the chain's state this leaves the marginal at beta
         * invariant, and its reversal only reverses the blocks' order */
        for (int g = 0; g < m->ngroups; g++)
            if (t->sum_mask >> g & 1) update(w, g);
        for (int i = 0; i < m->nblocks; i++) {
            int b = m->sweep[reverse ? m->nblocks - 1 - i : i];
            for (int g = 0; g < m->ngroups; g++)
                if (m->groups[g].block == b && !(t->sum_mask >> g & 1) && g != t->beta_group) update(w, g);
        }
    }
}

int rt_ais(const rt_tempered *t, rt_params *tp, const rt_ais_cfg *cfg, rt_ais_result *res) {
    const rt_model *m = t->m;
    memset(res, 0, sizeof *res);
    if (cfg->runs < 2) return rt_fail("AIS needs at least 2 runs (for its error bar), not %lld", (long long)cfg->runs);
    if (m->k_free_energy < 0) return rt_fail("internal: the tempered model has no free-energy kernel");
    for (int g = 0; g < m->ngroups; g++)
        if (g != t->beta_group && m->groups[g].k_sample < 0 && m->groups[g].sampler == RT_SAMPLER_EXACT)
            return rt_fail("AIS: group '%s' has no sampler", m->groups[g].name);
    if (rt_tempered_logz0(t, tp, &res->logz0)) return -1;
    double *own = cfg->schedule ? NULL : rt_ais_schedule(cfg->betas);
    const double *b = cfg->schedule ? cfg->schedule : own;
    int64_t K = cfg->schedule ? cfg->nschedule - 1 : (cfg->betas < 3 ? 3 : cfg->betas), R = cfg->runs;
    double t0 = now();
    /* in a job of several ranks each runs its share of the runs [r0, r0 +
     * Rl) on streams of its own; the weights are gathered in rank order */
    int64_t r0, r1;
    rt_dist_share(R, &r0, &r1);
    int64_t Rl = r1 - r0;
    rt_ws *w = rt_ws_new(m, Rl, tp, rt_dist_seed(cfg->seed));
    /* at beta = 0 every group is independent of the others: one sweep from
     * any state is an exact draw from the base model */
    rt_ws_randomize(w, 1u << 29);
    rt_tempered_set_beta(t, w, b[0]);
    rt_ais_transition(t, w, 1, 0);
    double *lw = calloc((size_t)R, sizeof(double));
    const float *fe = w->bufs[m->fe_buf];
    for (int64_t k = 1; k <= K; k++) {
        /* log p*_k(x) - log p*_{k-1}(x) at the current state */
        rt_tempered_set_beta(t, w, b[k - 1]);
        rt_ws_run(w, m->k_free_energy);
        for (int64_t r = 0; r < Rl; r++) lw[r0 + r] += fe[r];
        rt_tempered_set_beta(t, w, b[k]);
        rt_ws_run(w, m->k_free_energy);
        for (int64_t r = 0; r < Rl; r++) lw[r0 + r] -= fe[r];
        /* a transition that leaves p_k invariant */
        if (k < K) rt_ais_transition(t, w, cfg->sweeps, 0);
    }
    if (rt_dist_size() > 1) {
        double *all = calloc((size_t)R, sizeof(double));
        int rc = rt_dist_allgather(lw + r0, (int64_t)sizeof(double) * Rl, all, NULL);
        free(lw);
        lw = all;
        if (rc) {
            free(lw);
            free(own);
            rt_ws_free(w);
            return -1;
        }
    }
    double mx = -INFINITY, s = 0, s2 = 0;
    for (int64_t r = 0; r < R; r++) mx = lw[r] > mx ? lw[r] : mx;
    int bad = !isfinite(mx);
    for (int64_t r = 0; r < R && !bad; r++) {
        double e = exp(lw[r] - mx);
        s += e;
        s2 += e * e;
    }
    free(lw);
    free(own);
    rt_ws_free(w);
    if (bad) return rt_fail("AIS: the importance weights are not finite (the parameters may be too)");
    double mean = s / (double)R, var = (s2 / (double)R - mean * mean) * (double)R / (double)(R - 1);
    double se = sqrt(var > 0 ? var / (double)R : 0);
    res->logz = res->logz0 + mx + log(mean);
    res->stderr_logz = se / mean;
    res->logz_lo = mean - 3 * se > 0 ? res->logz0 + mx + log(mean - 3 * se) : -INFINITY;
    res->logz_hi = res->logz0 + mx + log(mean + 3 * se);
    res->ess = s * s / s2;
    res->runs = R;
    res->steps = K;
    res->seconds = now() - t0;
    return 0;
}

/* ---- the variational lower bound ------------------------------------------------ */

/* entropy of independent units with these means */
static double entropy(const rt_group *g, const float *mu) {
    double h = 0;
    for (int64_t i = 0; i < g->size; i++) {
        double p = g->utype == RT_SPIN ? (1.0 + mu[i]) / 2 : mu[i];
        if (p > 0) h -= p * log(p);
        if (g->utype != RT_SOFTMAX && p < 1) h -= (1 - p) * log1p(-p);
    }
    return h;
}

typedef struct Bound {
    const rt_model *m;
    double logz;
    int iters;
    uint64_t vis;   /* the visible groups */
    double sum;
} Bound;

/* the bound of a chunk's rows, summed */
static int bound_chunk(void *ctx, rt_ws *w, int64_t r0) {
    Bound *b = ctx;
    const rt_model *m = b->m;
    (void)r0;
    /* q starts from no preference: 0 for bits and spins, 1/K one-hot */
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role != RT_HIDDEN) continue;
        float v = gr->utype == RT_SOFTMAX ? 1.0f / (float)gr->dims[gr->ndim - 1] : 0.0f;
        for (int64_t i = 0; i < gr->size * w->B; i++) w->bufs[gr->state_buf][i] = w->bufs[gr->mean_buf][i] = v;
    }
    rt_mean_field(w, b->iters, 1e-6);
    rt_ws_run(w, m->k_energy);   /* E at the means is E_q[E] here */
    for (int64_t r = 0; r < w->B; r++) {
        double x = -(double)w->bufs[m->energy_buf][r] - b->logz + rt_log_base_measure(w, r, b->vis);
        for (int g = 0; g < m->ngroups; g++)
            if (m->groups[g].role == RT_HIDDEN)
                x += entropy(&m->groups[g], w->bufs[m->groups[g].mean_buf] + r * m->groups[g].size);
        b->sum += x;
    }
    return 0;
}

int rt_variational_bound(const rt_tempered *t, rt_params *p, double logz, const float *rows, int64_t n, int64_t rf,
                         int iters, double *avg) {
    const rt_model *m = t->orig;
    if (!t->bound_ok)
        return rt_fail("the variational bound needs bernoulli, spin or softmax hidden groups without couplings "
                       "within a group, each at most once in every term of the energy");
    Bound b = {m, logz, iters, 0, 0};
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE) b.vis |= 1ULL << g;
    int64_t lo, hi;   /* this rank's rows (rt_dist.h) */
    if (n == 0) return rt_fail("no examples");
    rt_dist_share(n, &lo, &hi);
    if (hi > lo && rt_ws_over_rows(m, p, 0, n < 500 ? n : 500, rows + lo * rf, hi - lo, rf, bound_chunk, &b)) return -1;
    if (rt_dist_sum(NULL, 0, &b.sum, 1)) return -1;
    *avg = b.sum / (double)n;
    return 0;
}
