/* rt_clamps.c — clamp specs to the sampler's clamps (rt_clamps.h). It was
 * compiler/cli/cli_sample.c's resolve_clamps; in the runtime, ebmc sample
 * and a built binary's sample clamp alike. */
#include "rt_clamps.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_data_check.h"

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static int find_group(const rt_model *m, const char *name) {
    for (int g = 0; g < m->ngroups; g++)
        if (!strcmp(m->groups[g].name, name)) return g;
    return -1;
}

/* A file's rows for group g: CSV, .npy or IDX with the group's size per row. */
static int load_rows(const rt_model *m, int g, const char *file, rt_dataset *d) {
    int rc = ends_with(file, ".npy") ? rt_load_npy(file, d)
           : ends_with(file, ".csv") ? rt_load_csv(file, d) : rt_load_idx(file, d);
    if (rc) return rc;
    if (rt_dataset_row(d) != m->groups[g].size) {
        rt_dataset_free(d);
        return rt_fail("%s: %lld values per row, but group '%s' has %lld units", file, (long long)rt_dataset_row(d),
                       m->groups[g].name, (long long)m->groups[g].size);
    }
    return 0;
}

/* units of a region of an image-shaped group */
static int in_region(const rt_group *gr, int64_t i, const char *region) {
    int64_t h, w;
    if (gr->ndim == 2) h = gr->dims[0], w = gr->dims[1];
    else h = w = (int64_t)lrint(sqrt((double)gr->size));
    int64_t r = i / w, c = i % w;
    if (!strcmp(region, "top_half")) return r < h / 2;
    if (!strcmp(region, "bottom_half")) return r >= h / 2;
    if (!strcmp(region, "left_half")) return c < w / 2;
    return c >= w / 2;
}

void rt_clamps_free(rt_clamps *cl) {
    for (int i = 0; i < cl->n; i++) {
        rt_dataset_free(&cl->data[i]);
        free(cl->values[i]);
        free(cl->mask[i]);
    }
    cl->n = 0;
}

/* the mask of clamp i: 1 where a unit is held, 0 where it is free (the
 * region, the mask file's non-zero entries, NaN values) */
static int make_mask(const rt_model *m, int g, const rt_clamp_spec *cs, const float *v, int64_t nr, float **out) {
    const rt_group *gr = &m->groups[g];
    int64_t n = gr->size;
    if (cs->free && gr->ndim != 2 && (int64_t)lrint(sqrt((double)n)) * (int64_t)lrint(sqrt((double)n)) != n)
        return rt_fail("free = \"%s\" needs an image-shaped group; '%s' is not", cs->free, gr->name);
    rt_dataset md = {0};
    if (cs->mask_file) {
        if (load_rows(m, g, cs->mask_file, &md)) return -1;
        if (md.n != nr) {
            long long got = (long long)md.n;   /* freeing zeroes it: the message said "0 rows" */
            rt_dataset_free(&md);
            return rt_fail("--mask %s=%s: %lld rows for %lld rows of values", gr->name, cs->mask_file, got, (long long)nr);
        }
    }
    float *mk = *out = malloc(sizeof(float) * (size_t)(n * nr));
    for (int64_t r = 0; r < nr; r++)
        for (int64_t k = 0; k < n; k++) {
            int fr = (cs->free && in_region(gr, k, cs->free)) || (md.data && md.data[r * n + k] != 0) ||
                     isnan(v[r * n + k]);
            mk[r * n + k] = fr ? 0.0f : 1.0f;
        }
    rt_dataset_free(&md);
    return 0;
}

int rt_clamps_load(const rt_model *m, const rt_clamp_spec *specs, int nspecs, rt_clamps *cl, int64_t *rows) {
    memset(cl, 0, sizeof *cl);
    *rows = 0;
    if (nspecs > RT_MAX_CLAMPS) return rt_fail("%d clamps: at most %d", nspecs, RT_MAX_CLAMPS);
    for (int i = 0; i < nspecs; i++) {
        const rt_clamp_spec *cs = &specs[i];
        int g = find_group(m, cs->group);
        if (g < 0) return rt_fail("--clamp: model '%s' has no group '%s'", m->name, cs->group);
        const rt_group *gr = &m->groups[g];
        int64_t n = gr->size, nr = 1;
        float *v;
        if (cs->file) {
            if (load_rows(m, g, cs->file, &cl->data[i])) return -1;
            if (cs->limit > 0 && cs->limit < cl->data[i].n) cl->data[i].n = cs->limit;
            if (!isnan(cs->binarize)) rt_binarize(&cl->data[i], (float)cs->binarize);
            nr = cl->data[i].n;
            v = cl->data[i].data;
            if (!*rows) *rows = nr;
        } else {
            v = cl->values[i] = malloc(sizeof(float) * (size_t)n);
            for (int64_t k = 0; k < n; k++) v[k] = (float)cs->value;
        }
        cl->n = i + 1;
        if ((cs->free || cs->mask_file) && make_mask(m, g, cs, v, nr, &cl->mask[i])) return -1;
        const float *mk = cl->mask[i];
        /* a one-hot row is held whole or not at all */
        if (gr->utype == RT_SOFTMAX) {
            int64_t K = gr->dims[gr->ndim - 1];
            for (int64_t q = 0; q < n * nr; q += K)
                for (int64_t k = 1; k < K; k++) {
                    int a = mk ? mk[q] != 0 : !isnan(v[q]), b = mk ? mk[q + k] != 0 : !isnan(v[q + k]);
                    if (a != b) return rt_fail("group '%s' is one-hot: clamp whole rows of %lld values", gr->name, (long long)K);
                }
        }
        /* a value the units cannot take would be written out as a sample */
        char flag[300];
        if (cs->file) snprintf(flag, sizeof flag, "%s", cs->file);
        else snprintf(flag, sizeof flag, "--clamp %s=%g", cs->group, cs->value);
        if (rt_group_check(gr, v, nr, flag)) return -1;
        cl->c[i] = (rt_clamp){g, v, mk, nr};
    }
    return 0;
}
