/* rt_sample_out.c — the final states of sampling chains as a PNG grid, a
 * .npy array or a CSV table (rt_sample_out.h). */
#include "rt_sample_out.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* the first visible group as images: 2-D groups as they are, 1-D ones of
 * square size as squares. */
int rt_image_shape(const rt_model *m, int *h, int *w) {
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role != RT_VISIBLE) continue;
        if (gr->ndim == 2) {
            *h = (int)gr->dims[0];
            *w = (int)gr->dims[1];
            return 1;
        }
        long long s = (long long)sqrt((double)gr->size);
        if (gr->ndim == 1 && s * s == gr->size) {
            *h = *w = (int)s;
            return 1;
        }
        return 0;
    }
    return 0;
}

int rt_write_samples(const rt_model *m, const char *out, const float *values, const float *means, int64_t chains) {
    int64_t rf = rt_visible_floats(m);
    if (ends_with(out, ".png")) {
        int h, w;
        if (!rt_image_shape(m, &h, &w))
            return rt_fail("%s: a PNG needs image-shaped visible units: declare the first visible group with two "
                           "dimensions (v[28, 28]) or a square size; or write .csv / .npy", out);
        int ncols = (int)ceil(sqrt((double)chains));
        /* the first group's floats of each chain, packed */
        float *img = malloc(sizeof(float) * (size_t)(chains * h * w));
        for (int64_t r = 0; r < chains; r++) memcpy(img + r * h * w, means + r * rf, sizeof(float) * (size_t)(h * w));
        int rc = rt_write_png_grid(out, img, (int)chains, h, w, ncols, 0);
        free(img);
        return rc;
    }
    if (ends_with(out, ".npy")) {
        int64_t dims[2] = {chains, rf};
        return rt_write_npy(out, values, 2, dims);
    }
    char **names = malloc(sizeof(char *) * (size_t)rf);
    int64_t k = 0;
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role == RT_HIDDEN || gr->noise != RT_NOISE_NONE) continue;   /* as rt_visible_floats counts */
        for (int64_t i = 0; i < gr->size; i++) {
            char buf[128];
            int o = snprintf(buf, sizeof buf, "%s", gr->name);
            int64_t rem = i, idx[RT_MAX_DIMS];
            for (int d = gr->ndim - 1; d >= 0; d--) {
                idx[d] = rem % gr->dims[d];
                rem /= gr->dims[d];
            }
            for (int d = 0; d < gr->ndim && o < (int)sizeof buf; d++) o += snprintf(buf + o, sizeof buf - (size_t)o, "_%lld", (long long)idx[d]);
            names[k++] = strdup(buf);
        }
    }
    int rc = rt_write_csv(out, values, chains, rf, (const char *const *)names);
    for (int64_t i = 0; i < rf; i++) free(names[i]);
    free(names);
    return rc;
}
