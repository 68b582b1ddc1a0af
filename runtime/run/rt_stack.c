/* rt_stack.c — a stack's up pass (recognition) and down pass (generation):
 * each is one conditional of one layer, run by that layer's kernels. */
#include "rt_stack.h"

#include <string.h>

static int first_visible(const rt_model *m) {
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE) return g;
    return -1;
}

int rt_layer_up(const rt_model *m, rt_params *p, int hidden, const float *rows, int64_t n, int64_t row_floats,
                float *out) {
    const rt_group *h = &m->groups[hidden];
    if (h->k_mean < 0) return rt_fail("layer '%s': group '%s' has no conditional mean", m->name, h->name);
    int64_t B = n < 1000 ? n : 1000;
    rt_ws *w = rt_ws_new(m, B, p, 0);
    for (int64_t r0 = 0; r0 < n; r0 += B) {
        w->B = n - r0 < B ? n - r0 : B;
        rt_ws_set_visible(w, rows + r0 * row_floats, w->B, row_floats);
        rt_ws_run(w, h->k_mean);
        memcpy(out + r0 * h->size, w->bufs[h->mean_buf], sizeof(float) * (size_t)(w->B * h->size));
    }
    rt_ws_free(w);
    return 0;
}

int rt_layer_down(const rt_model *m, rt_params *p, int hidden, const float *h, int64_t n, int sample, uint64_t seed,
                  float *out) {
    int v = first_visible(m);
    if (v < 0) return rt_fail("layer '%s' has no visible group", m->name);
    const rt_group *vg = &m->groups[v], *hg = &m->groups[hidden];
    int k = sample ? vg->k_sample : vg->k_mean;
    if (k < 0) return rt_fail("layer '%s': group '%s' has no exact conditional to generate with", m->name, vg->name);
    rt_ws *w = rt_ws_new(m, n, p, seed);
    memcpy(w->bufs[hg->state_buf], h, sizeof(float) * (size_t)(n * hg->size));
    rt_ws_run(w, k);
    memcpy(out, w->bufs[sample ? vg->state_buf : vg->mean_buf], sizeof(float) * (size_t)(n * vg->size));
    rt_ws_free(w);
    return 0;
}
