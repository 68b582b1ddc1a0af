/* rt_stack.c — a stack's up pass (recognition) and down pass (generation):
 * each is one conditional of one layer, run by that layer's kernels. */
#include "rt_stack.h"

#include <string.h>

static int first_visible(const rt_model *m) {
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE) return g;
    return -1;
}

typedef struct Up {
    const rt_group *h;
    float *out;
} Up;

static int up_chunk(void *ctx, rt_ws *w, int64_t r0) {
    Up *u = ctx;
    rt_ws_run(w, u->h->k_mean);
    memcpy(u->out + r0 * u->h->size, w->bufs[u->h->mean_buf], sizeof(float) * (size_t)(w->B * u->h->size));
    return 0;
}

int rt_layer_up(const rt_model *m, rt_params *p, int hidden, const float *rows, int64_t n, int64_t row_floats,
                float *out) {
    const rt_group *h = &m->groups[hidden];
    if (h->k_mean < 0) return rt_fail("layer '%s': group '%s' has no conditional mean", m->name, h->name);
    Up u = {h, out};
    return rt_ws_over_rows(m, p, 0, n < 1000 ? n : 1000, rows, n, row_floats, up_chunk, &u);
}

int rt_layer_down(const rt_model *m, rt_params *p, int hidden, const float *h, int64_t n, int64_t row0, int sample,
                  uint64_t seed, float *out) {
    int v = first_visible(m);
    if (v < 0) return rt_fail("layer '%s' has no visible group", m->name);
    const rt_group *vg = &m->groups[v], *hg = &m->groups[hidden];
    int k = sample ? vg->k_sample : vg->k_mean;
    if (k < 0) return rt_fail("layer '%s': group '%s' has no exact conditional to generate with", m->name, vg->name);
    rt_ws *w = rt_ws_new(m, n, p, seed);
    w->row0 = row0;
    memcpy(w->bufs[hg->state_buf], h, sizeof(float) * (size_t)(n * hg->size));
    rt_ws_run(w, k);
    memcpy(out, w->bufs[sample ? vg->state_buf : vg->mean_buf], sizeof(float) * (size_t)(n * vg->size));
    rt_ws_free(w);
    return 0;
}
