/* rt_stack_sample.c — samples of a stack (rt_stack.h): a DBN generates by
 * Gibbs sampling in its top layer, then one pass down through the layers
 * below (each layer's visible conditional, with its generative weights
 * where up_down untied them); a DBM samples its joint model. */
#include <stdlib.h>
#include <string.h>

#include "rt_sample.h"
#include "rt_stack_parts.h"

/* the bottom visible values of a DBN's chains [c0, c1), from its top layer
 * down (every buffer one float longer: a part may hold no chains) */
static float *dbn_chains(rt_stack_parts *r, int64_t c0, int64_t c1, int steps, uint64_t seed, int64_t *width) {
    const rt_stack *s = r->s;
    int top = s->nlayers - 1;
    int64_t rf = rt_visible_floats(s->layers[top]), n = c1 - c0;
    float *vals = malloc(sizeof(float) * (size_t)(n * rf + 1));
    if (rt_sample_rows(s->layers[top], r->lp[top], c0, c1, steps, seed, NULL, 0, 0, vals, NULL)) {
        free(vals);
        return NULL;
    }
    /* the top layer's first visible group is the hidden group below */
    int64_t hs = rt_stack_first_visible(s->layers[top]);
    float *cur = malloc(sizeof(float) * (size_t)(n * hs + 1));
    for (int64_t i = 0; i < n; i++) memcpy(cur + i * hs, vals + i * rf, sizeof(float) * (size_t)hs);
    free(vals);
    for (int k = top - 1; k >= 0; k--) {
        int64_t vs = rt_stack_first_visible(s->layers[k]);
        float *next = malloc(sizeof(float) * (size_t)(n * vs + 1));
        if (rt_layer_down(s->layers[k], rt_stack_gen(r, k), r->hidden[k], cur, n, c0, k > 0, seed + (uint64_t)k, next)) {
            free(cur);
            free(next);
            return NULL;
        }
        free(cur);
        cur = next;
        hs = vs;
    }
    *width = hs;
    return cur;
}

int rt_stack_sample(const rt_stack *s, const char *params, int64_t c0, int64_t c1, int steps, uint64_t seed,
                    float **out, int64_t *width) {
    rt_stack_parts r;
    rt_stack_parts_init(&r, s, 1, 0, 1);
    int done, rc = -1;
    *out = NULL;
    if (rt_stack_load(&r, params, 0, &done)) goto fail;
    if (s->dbm) {
        int64_t rf = rt_visible_floats(s->joint);
        float *means = malloc(sizeof(float) * (size_t)((c1 - c0) * rf + 1));
        if (rt_sample_rows(s->joint, r.jp, c0, c1, steps, seed, NULL, 0, 0, NULL, means)) {
            free(means);
            goto fail;
        }
        *out = means;
        *width = rf;
    } else if (!(*out = dbn_chains(&r, c0, c1, steps, seed, width))) {
        goto fail;
    }
    rc = 0;
fail:
    rt_stack_parts_free(&r);
    return rc;
}
