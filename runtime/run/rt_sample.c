/* rt_sample.c — chains of block Gibbs sweeps. */
#include "rt_sample.h"

#include <stdlib.h>
#include <string.h>

#include "rt_dist.h"

static void gather(const rt_model *m, rt_ws *w, int use_mean, float *out) {
    int64_t rf = rt_visible_floats(m), off = 0;
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role == RT_HIDDEN || gr->noise != RT_NOISE_NONE) continue;   /* as rt_visible_floats */
        const float *src = w->bufs[use_mean ? gr->mean_buf : gr->state_buf];
        for (int64_t r = 0; r < w->B; r++) memcpy(out + r * rf + off, src + r * gr->size, sizeof(float) * (size_t)gr->size);
        off += gr->size;
    }
}

#include <math.h>

/* the last run's accepted and proposed MCMC moves per group */
static double last_counts[2 * RT_SAMPLE_GROUPS];

void rt_sample_counts(double *counts) { memcpy(counts, last_counts, sizeof last_counts); }

void rt_sample_rates(const rt_model *m, const double *counts, double *rates) {
    for (int g = 0; g < m->ngroups && g < RT_SAMPLE_GROUPS; g++)
        rates[g] = counts[RT_SAMPLE_GROUPS + g] > 0 ? counts[g] / counts[RT_SAMPLE_GROUPS + g] : NAN;
}

int rt_sample(const rt_model *m, rt_params *p, int64_t chains, int steps, uint64_t seed, float *values,
              float *means) {
    return rt_sample_clamped(m, p, chains, steps, seed, NULL, 0, 0, values, means);
}

/* a sweep of conditional means instead of draws, for deterministic completion */
static void mean_sweep(rt_ws *w) {
    const rt_model *m = w->m;
    for (int k = 0; k < m->nblocks; k++)
        for (int g = 0; g < m->ngroups; g++) {
            const rt_group *gr = &m->groups[g];
            if (gr->block != m->sweep[k]) continue;
            if (gr->sampler != RT_SAMPLER_EXACT) rt_mcmc_update(w, g);
            else rt_ws_run(w, gr->k_mean);
            rt_ws_apply_clamp(w, g);
        }
}

int rt_sample_clamped(const rt_model *m, rt_params *p, int64_t chains, int steps, uint64_t seed,
                      const rt_clamp *clamps, int nclamps, int mean_field, float *values, float *means) {
    if (chains <= 0) return rt_fail("the number of chains must be positive");
    return rt_sample_rows(m, p, 0, chains, steps, seed, clamps, nclamps, mean_field, values, means);
}

int rt_sample_rows(const rt_model *m, rt_params *p, int64_t c0, int64_t c1, int steps, uint64_t seed,
                   const rt_clamp *clamps, int nclamps, int mean_field, float *values, float *means) {
    int64_t chains = c1 - c0;
    memset(last_counts, 0, sizeof last_counts);
    if (chains < 0 || c0 < 0) return rt_fail("internal: chains [%lld, %lld)", (long long)c0, (long long)c1);
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        int clamped = 0;
        for (int c = 0; c < nclamps; c++) clamped |= clamps[c].group == g;
        if (gr->role == RT_INPUT && !clamped && gr->noise == RT_NOISE_NONE)
            return rt_fail("input group '%s' is observed: give its values with --clamp %s=FILE", gr->name, gr->name);
        if (gr->role != RT_INPUT && gr->k_sample < 0 && gr->sampler == RT_SAMPLER_EXACT)
            return rt_fail("group '%s' has no sampler", gr->name);
    }
    if (chains == 0) return 0;   /* a rank without chains: nothing to draw */
    rt_ws *w = rt_ws_new(m, chains, p, seed);
    w->row0 = c0;
    rt_ws_randomize(w, 1u << 28);
    /* noise inputs: a draw per chain, held for its sweeps (only where there
     * are some: the fill advances the step, which keys every later draw) */
    int noise = 0;
    for (int g = 0; g < m->ngroups; g++) noise |= m->groups[g].noise != RT_NOISE_NONE;
    if (noise) rt_ws_fill_noise(w);
    for (int c = 0; c < nclamps; c++) {
        const rt_group *gr = &m->groups[clamps[c].group];
        int64_t n = gr->size;
        float *v = malloc(sizeof(float) * (size_t)(chains * n)), *mk = clamps[c].mask ? malloc(sizeof(float) * (size_t)(chains * n)) : NULL;
        for (int64_t r = 0; r < chains; r++) {
            int64_t src = ((c0 + r) % clamps[c].rows) * n;
            memcpy(v + r * n, clamps[c].values + src, sizeof(float) * (size_t)n);
            if (mk) memcpy(mk + r * n, clamps[c].mask + src, sizeof(float) * (size_t)n);
        }
        rt_ws_clamp(w, clamps[c].group, v, mk, chains);
        free(v);
        free(mk);
    }
    for (int s = 0; s < steps; s++) {
        if (mean_field) mean_sweep(w);
        else rt_ws_sweep(w);
    }
    for (int g = 0; g < m->ngroups && g < RT_SAMPLE_GROUPS; g++) {
        last_counts[g] = (double)w->accepts[g];
        last_counts[RT_SAMPLE_GROUPS + g] = (double)w->proposals[g];
    }
    if (values) gather(m, w, 0, values);
    if (means) gather(m, w, 1, means);
    rt_ws_free(w);
    return 0;
}

int rt_sample_split(const rt_model *m, rt_params *p, int64_t chains, int steps, uint64_t seed, const rt_clamp *clamps,
                    int nclamps, int mean_field, float *values, float *means, double *rates) {
    if (chains <= 0) return rt_fail("the number of chains must be positive");
    int64_t rf = rt_visible_floats(m), c0, c1;
    rt_dist_share(chains, &c0, &c1);
    /* one process draws straight into the caller's buffers; ranks draw
     * their share of what the caller asked for, then gather it */
    int one = rt_dist_size() == 1;
    size_t bytes = sizeof(float) * (size_t)((c1 - c0) * rf) + 1;
    float *mv = one || !values ? values : malloc(bytes), *mm = one || !means ? means : malloc(bytes);
    double counts[2 * RT_SAMPLE_GROUPS];
    int rc = (values && !mv) || (means && !mm)
                 ? rt_fail("out of memory for %lld chains", (long long)(c1 - c0))
                 : rt_sample_rows(m, p, c0, c1, steps, seed, clamps, nclamps, mean_field, mv, mm);
    if (!rc) rt_sample_counts(counts);
    if (!one) {
        rc = rc || (values && rt_dist_gather_rows(mv, c0, c1, rf, values)) ||
             (means && rt_dist_gather_rows(mm, c0, c1, rf, means)) || rt_dist_sum(NULL, 0, counts, 2 * RT_SAMPLE_GROUPS);
        free(mv);
        free(mm);
    }
    if (!rc && rates) rt_sample_rates(m, counts, rates);
    return rc ? -1 : 0;
}
