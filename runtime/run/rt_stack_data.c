/* rt_stack_data.c — the data a stack's layer trains on: the stack's rows
 * passed up through the layers below it (their hidden groups' conditional
 * means), the label columns kept (rt_stack_parts.h). */
#include <stdlib.h>
#include <string.h>

#include "rt_stack_parts.h"

/* rows of `width` values -> rows of `want`: the same, or the input twice
 * (a layer that doubles its input, as DBM pretraining does) */
static float *fit_rows(const float *x, int64_t n, int64_t width, int64_t want) {
    float *out = malloc(sizeof(float) * (size_t)(n * want));
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < want; k++) out[i * want + k] = x[i * width + k % width];
    return out;
}

static void dataset_new(rt_dataset *out, int64_t n, int64_t width) {
    memset(out, 0, sizeof *out);
    out->n = n;
    out->ndim = 1;
    out->dims[0] = width;
    out->data = rt_alloc(sizeof(float) * (size_t)(n * width));
}

int rt_stack_layer_data(const rt_stack_parts *r, const rt_dataset *base, int k, rt_dataset *out) {
    const rt_stack *s = r->s;
    int64_t w0 = rt_dataset_row(base), in0 = rt_stack_first_visible(s->layers[0]), extras = w0 - in0;
    int64_t width = in0, n = base->n;
    float *cur = malloc(sizeof(float) * (size_t)(n * in0));
    for (int64_t i = 0; i < n; i++) memcpy(cur + i * in0, base->data + i * w0, sizeof(float) * (size_t)in0);
    for (int l = 0; l < k; l++) {
        const rt_model *m = s->layers[l];
        int64_t h = m->groups[r->hidden[l]].size, vis = rt_visible_floats(m);
        float *next = malloc(sizeof(float) * (size_t)(n * h));
        float *in = vis == 2 * width ? fit_rows(cur, n, width, vis) : NULL;
        if (rt_layer_up(m, r->lp[l], r->hidden[l], in ? in : cur, n, in ? vis : width, next)) {
            free(in);
            free(cur);
            free(next);
            return -1;
        }
        free(in);
        free(cur);
        cur = next;
        width = h;
    }
    int64_t want = rt_visible_floats(s->layers[k]);
    if (want == 2 * width) {
        dataset_new(out, n, want);
        float *x = fit_rows(cur, n, width, want);
        memcpy(out->data, x, sizeof(float) * (size_t)(n * want));
        free(x);
        free(cur);
        return 0;
    }
    if (want != width && want != width + extras) {
        free(cur);
        return rt_fail("layer '%s' takes %lld values per example; the data passed up has %lld (and %lld extra columns)",
                       s->layers[k]->name, (long long)want, (long long)width, (long long)extras);
    }
    dataset_new(out, n, want);
    for (int64_t i = 0; i < n; i++) {
        memcpy(out->data + i * want, cur + i * width, sizeof(float) * (size_t)width);
        if (want > width) memcpy(out->data + i * want + width, base->data + i * w0 + in0, sizeof(float) * (size_t)extras);
    }
    free(cur);
    return 0;
}
