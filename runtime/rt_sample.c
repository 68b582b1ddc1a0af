/* rt_sample.c — chains of block Gibbs sweeps. */
#include "rt_sample.h"

#include <string.h>

static void gather(const rt_model *m, rt_ws *w, int use_mean, float *out) {
    int64_t rf = rt_visible_floats(m), off = 0;
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role == RT_HIDDEN) continue;
        const float *src = w->bufs[use_mean ? gr->mean_buf : gr->state_buf];
        for (int64_t r = 0; r < w->B; r++) memcpy(out + r * rf + off, src + r * gr->size, sizeof(float) * (size_t)gr->size);
        off += gr->size;
    }
}

#include <math.h>

static double last_rates[64];

void rt_sample_acceptance(const rt_model *m, double *rates) {
    for (int g = 0; g < m->ngroups; g++) rates[g] = g < 64 ? last_rates[g] : NAN;
}

int rt_sample(const rt_model *m, rt_params *p, int64_t chains, int steps, uint64_t seed, float *values,
              float *means) {
    if (chains <= 0) return rt_fail("the number of chains must be positive");
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role != RT_INPUT && m->groups[g].k_sample < 0)
            return rt_fail("group '%s' has no sampler", m->groups[g].name);
    rt_ws *w = rt_ws_new(m, chains, p, seed);
    rt_ws_randomize(w, 1u << 28);
    for (int s = 0; s < steps; s++) rt_ws_sweep(w);
    for (int g = 0; g < m->ngroups && g < 64; g++)
        last_rates[g] = w->proposals[g] ? (double)w->accepts[g] / (double)w->proposals[g] : NAN;
    if (values) gather(m, w, 0, values);
    if (means) gather(m, w, 1, means);
    rt_ws_free(w);
    return 0;
}
