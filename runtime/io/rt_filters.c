/* rt_filters.c — a model's filters as images (rt_filters.h): `filters =`
 * of a train block or a stack's stage, eval --filters and the HTML page:
 * one drawer, so they draw one picture of one model. */
#include "rt_filters.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "rt_plot.h"

int rt_filters_png(const rt_model *m, rt_params *p, const char *path, int64_t *drawn, int *param) {
    int w = -1, transposed = 0;
    if (m->lin && m->lin->loading >= 0) {
        w = m->lin->loading;
        transposed = m->lin->loading_t;
    }
    /* a parameter whose leading dimensions are the first visible group's
     * units and the rest a hidden group's (W of v[i]*W[i, j]*h[j], or
     * W[r, s, j] of v[r, s]*W[r, s, j]*h[j]), else the first matrix */
    int64_t nv = 0, D = 0, K = 0;
    for (int g = 0; g < m->ngroups && !nv; g++)
        if (m->groups[g].role == RT_VISIBLE) nv = m->groups[g].size;
    if (w >= 0) {
        D = m->params[w].dims[transposed ? 1 : 0];
        K = m->params[w].dims[transposed ? 0 : 1];
    }
    for (int i = 0; i < m->nparams && w < 0; i++) {
        const rt_param *q = &m->params[i];
        int64_t lead = 1;
        for (int k = 0; k + 1 < q->ndim && w < 0; k++)
            if ((lead *= q->dims[k]) == nv) w = i, D = nv, K = q->size / nv;
    }
    for (int i = 0; i < m->nparams && w < 0; i++)
        if (m->params[i].ndim == 2) w = i, D = m->params[i].dims[0], K = m->params[i].dims[1];
    if (w < 0) return rt_fail("filters: model '%s' has no matrix parameter to draw", m->name);
    const rt_param *q = &m->params[w];
    int64_t stride = K;
    int64_t hgt = 0, wid = 0;
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE && m->groups[g].size == D && m->groups[g].ndim == 2)
            hgt = m->groups[g].dims[0], wid = m->groups[g].dims[1];
    if (!hgt) {
        int64_t s = (int64_t)llround(sqrt((double)D));
        if (s * s == D) hgt = wid = s;
    }
    if (!hgt)
        return rt_fail("filters: parameter '%s' has rows of %lld values, not an image (declare the visible group 2-D)",
                       q->name, (long long)D);
    if (K > 4096) K = 4096;   /* a picture of the first 4096 is plenty */
    float *img = malloc(sizeof(float) * (size_t)(D * K));
    for (int64_t k = 0; k < K; k++)
        for (int64_t i = 0; i < D; i++) img[k * D + i] = p->value[w][transposed ? k * D + i : i * stride + k];
    int cols = (int)ceil(sqrt((double)K));
    int rc = rt_write_filters_png(path, img, (int)K, (int)hgt, (int)wid, cols);
    free(img);
    if (rc) return -1;
    if (drawn) *drawn = K;
    if (param) *param = w;
    return 0;
}

int rt_draw_filters(const rt_model *m, rt_params *p, const char *path) {
    int64_t k;
    int w;
    if (rt_filters_png(m, p, path, &k, &w)) return -1;
    printf("filters (%lld columns of '%s') drawn to %s\n", (long long)k, m->params[w].name, path);
    return 0;
}
