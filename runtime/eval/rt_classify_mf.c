/* rt_classify_mf.c — predicting a visible group by mean field (rt_classify.h):
 * for models whose hidden groups do not sum out (a deep Boltzmann machine,
 * the multi-prediction DBM of method = mp), and for inputs with missing
 * values. The target group and a random fraction of the other visible
 * units start at 0 and are left free; the clamped units hold the data;
 * rt_mean_field updates the hidden groups and the free visible units in
 * its sweep order (the order method = mp trains through); the prediction
 * is the target's most probable configuration under its mean-field
 * distribution. */
#include "rt_classify.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* stream 0x4d495353 ("MISS"): which units are missing, per row and unit */
enum { MISSING_STREAM = 0x4d495353u };

int rt_classify_mean_field(const rt_model *m, rt_params *p, int target, const float *rows, int64_t n, int64_t rf,
                           int iters, double missing, uint64_t seed, double *accuracy) {
    const rt_group *tg = &m->groups[target];
    if (tg->role != RT_VISIBLE) return rt_fail("the target of a conditional must be a visible group");
    if (tg->utype != RT_SOFTMAX && tg->utype != RT_BERNOULLI)
        return rt_fail("mean-field prediction of '%s' needs a softmax or bernoulli group", tg->name);
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role != RT_INPUT && m->groups[g].k_mean < 0)
            return rt_fail("model '%s': group '%s' has no mean-field update", m->name, m->groups[g].name);
    int64_t B = 500, ok = 0, K = tg->utype == RT_SOFTMAX ? tg->dims[tg->ndim - 1] : 1;
    rt_ws *w = rt_ws_new(m, B, p, seed);
    float *vals = malloc(sizeof(float) * (size_t)(B * rf) + 1);
    for (int64_t r0 = 0; r0 < n; r0 += B) {
        int64_t nb = n - r0 < B ? n - r0 : B;
        w->B = nb;
        rt_ws_set_visible(w, rows + r0 * rf, nb, rf);
        for (int g = 0; g < m->ngroups; g++) {
            const rt_group *gr = &m->groups[g];
            float *x = w->bufs[gr->state_buf];
            if (gr->role == RT_HIDDEN) memset(x, 0, sizeof(float) * (size_t)(nb * gr->size));
            if (gr->role != RT_VISIBLE) continue;
            /* nan marks a free unit (rt_ws_clamp); free units start at 0 */
            for (int64_t i = 0; i < nb * gr->size; i++) {
                int free = g == target ||
                           (missing > 0 && rt_uniform(seed, MISSING_STREAM + (uint32_t)g, (uint64_t)(r0 * gr->size + i) >> 32,
                                                      (uint32_t)(r0 * gr->size + i)) < missing);
                vals[i] = free ? NAN : x[i];
                if (free) x[i] = 0;
            }
            rt_ws_clamp(w, g, vals, NULL, nb);
        }
        rt_mean_field(w, iters, 0);
        const float *q = w->bufs[tg->state_buf];
        int64_t off = rt_target_offset(m, target);
        for (int64_t r = 0; r < nb; r++) {
            const float *truth = rows + (r0 + r) * rf + off, *qr = q + r * tg->size;
            int right = 1;
            for (int64_t s = 0; s < tg->size; s += K) {
                if (K == 1) {
                    right &= (qr[s] > 0.5f) == (truth[s] > 0.5f);
                    continue;
                }
                int64_t best = 0, want = 0;
                for (int64_t k = 1; k < K; k++) {
                    if (qr[s + k] > qr[s + best]) best = k;
                    if (truth[s + k] > truth[s + want]) want = k;
                }
                right &= best == want;
            }
            ok += right;
        }
    }
    for (int g = 0; g < m->ngroups; g++) rt_ws_clamp(w, g, NULL, NULL, 0);
    free(vals);
    rt_ws_free(w);
    *accuracy = n ? (double)ok / (double)n : NAN;
    return 0;
}
