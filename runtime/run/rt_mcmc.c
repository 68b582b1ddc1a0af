/* rt_mcmc.c — Markov chain updates for groups without an exact conditional.
 *
 * HMC (Duane et al. 1987; Neal 2011): momentum p ~ N(0, I), L leapfrog
 * steps of size eps along -dE/dx with the other groups held, then a
 * Metropolis test on E + |p|^2/2 per row. Metropolis: a Gaussian random
 * walk on real units, or one flipped unit per row for discrete ones, each
 * kept with probability min(1, exp(E_old - E_new)). The energy is the
 * model's full energy per row; terms that do not involve the group cancel
 * in the difference. Draws use streams (1 << 29) + 8 g + k. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_model.h"

static uint32_t stream_of(int g, int k) { return (1u << 29) + 8u * (uint32_t)g + (uint32_t)k; }

/* E minus the log base measure of group g: what the Metropolis test
 * compares (binomial units weigh each count by C(n, k)) */
static void energies(rt_ws *w, int g, double *e) {
    rt_ws_run(w, w->m->k_energy);
    for (int64_t r = 0; r < w->B; r++) e[r] = w->bufs[w->m->energy_buf][r] - rt_log_base_measure(w, r, 1ULL << g);
}

/* keep row r's proposal with probability min(1, exp(-delta)) */
static int accept(rt_ws *w, int g, int64_t r, double delta) {
    if (!isfinite(delta)) return 0;
    if (delta <= 0) return 1;
    return rt_uniform(w->seed, stream_of(g, 1), w->step, (uint32_t)(w->row0 + r)) < exp(-delta);
}

static void hmc(rt_ws *w, int g) {
    const rt_group *gr = &w->m->groups[g];
    int64_t n = gr->size, B = w->B;
    float *x = w->bufs[gr->state_buf], *grad = w->bufs[gr->dstate_buf];
    float *x0 = malloc(sizeof(float) * (size_t)(n * B)), *p = malloc(sizeof(float) * (size_t)(n * B));
    double *e0 = malloc(sizeof(double) * (size_t)B), *e1 = malloc(sizeof(double) * (size_t)B);
    double *k0 = calloc((size_t)B, sizeof(double));
    float eps = (float)gr->sampler_step_size;
    memcpy(x0, x, sizeof(float) * (size_t)(n * B));
    energies(w, g, e0);
    /* clamped units get no momentum, so they never move */
    const float *cm = w->bufs[gr->clamp_buf];
    for (int64_t i = 0; i < n * B; i++) {
        p[i] = cm[i] != 0 ? 0.0f : rt_normal(w->seed, stream_of(g, 0), w->step, (uint32_t)(w->row0 * n + i));
        k0[i / n] += 0.5 * p[i] * p[i];
    }
    rt_ws_run(w, gr->k_dstate);
    for (int64_t i = 0; i < n * B; i++)
        if (cm[i] == 0) p[i] -= 0.5f * eps * grad[i];
    for (int l = 0; l < gr->sampler_steps; l++) {
        for (int64_t i = 0; i < n * B; i++) x[i] += eps * p[i];
        rt_ws_run(w, gr->k_dstate);
        float f = l + 1 < gr->sampler_steps ? eps : 0.5f * eps;
        for (int64_t i = 0; i < n * B; i++)
            if (cm[i] == 0) p[i] -= f * grad[i];
    }
    energies(w, g, e1);
    for (int64_t r = 0; r < B; r++) {
        double k1 = 0;
        for (int64_t u = 0; u < n; u++) k1 += 0.5 * p[r * n + u] * p[r * n + u];
        if (accept(w, g, r, e1[r] + k1 - e0[r] - k0[r])) w->accepts[g]++;
        else memcpy(x + r * n, x0 + r * n, sizeof(float) * (size_t)n);
    }
    w->proposals[g] += B;
    free(x0);
    free(p);
    free(e0);
    free(e1);
    free(k0);
}

static void metropolis(rt_ws *w, int g) {
    const rt_group *gr = &w->m->groups[g];
    int64_t n = gr->size, B = w->B;
    float *x = w->bufs[gr->state_buf];
    float *x0 = malloc(sizeof(float) * (size_t)(n * B));
    double *e0 = malloc(sizeof(double) * (size_t)B), *e1 = malloc(sizeof(double) * (size_t)B);
    int real = gr->utype == RT_GAUSSIAN || gr->utype == RT_LAPLACE;
    const float *cm = w->bufs[gr->clamp_buf];
    for (int s = 0; s < gr->sampler_steps; s++) {
        memcpy(x0, x, sizeof(float) * (size_t)(n * B));
        energies(w, g, e0);
        for (int64_t r = 0; r < B; r++) {
            float *xr = x + r * n;
            if (real) {
                for (int64_t u = 0; u < n; u++)
                    if (cm[r * n + u] == 0)
                        xr[u] += (float)gr->sampler_step_size * rt_normal(w->seed, stream_of(g, 2), w->step, (uint32_t)((w->row0 + r) * n + u));
                continue;
            }
            int64_t u = (int64_t)(rt_uniform(w->seed, stream_of(g, 3), w->step, (uint32_t)(w->row0 + r)) * (float)n);
            if (u >= n) u = n - 1;
            if (cm[r * n + u] != 0) continue;   /* a held unit: the proposal is to stay */
            float c = rt_uniform(w->seed, stream_of(g, 4), w->step, (uint32_t)(w->row0 + r));
            switch (gr->utype) {
            case RT_SPIN: xr[u] = -xr[u]; break;
            case RT_BINOMIAL: xr[u] = c < 0.5f ? (xr[u] > 0 ? xr[u] - 1 : 1) : (xr[u] < gr->binomial_n ? xr[u] + 1 : xr[u] - 1); break;
            case RT_SOFTMAX: {
                int64_t K = gr->dims[gr->ndim - 1], base = u - u % K, pick = (int64_t)(c * (float)K);
                if (pick >= K) pick = K - 1;
                for (int64_t k = 0; k < K; k++) xr[base + k] = k == pick ? 1.0f : 0.0f;
                break;
            }
            default: xr[u] = 1.0f - xr[u]; break;
            }
        }
        energies(w, g, e1);
        for (int64_t r = 0; r < B; r++) {
            if (accept(w, g, r, e1[r] - e0[r])) w->accepts[g]++;
            else memcpy(x + r * n, x0 + r * n, sizeof(float) * (size_t)n);
        }
        w->proposals[g] += B;
        w->step++;
    }
    free(x0);
    free(e0);
    free(e1);
}

void rt_mcmc_update(rt_ws *w, int g) {
    const rt_group *gr = &w->m->groups[g];
    if (gr->sampler == RT_SAMPLER_HMC) hmc(w, g);
    else metropolis(w, g);
    /* the group's "mean" is its current state: there is no closed form */
    memcpy(w->bufs[gr->mean_buf], w->bufs[gr->state_buf], sizeof(float) * (size_t)(gr->size * w->B));
    w->step++;
}
