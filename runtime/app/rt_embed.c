/* rt_embed.c — a compiled model behind a small C API (rt_embed.h). */
#include "rt_embed.h"

#include <string.h>

#include "rt_sample.h"

rt_embedded *rt_embed_new(const rt_model *m, const float *params, uint64_t seed) {
    rt_embedded *e = rt_alloc(sizeof *e);
    e->m = m;
    e->p = rt_params_new(m);
    rt_params_init(m, e->p, seed);
    for (int i = 0; params && i < m->nparams; i++) {
        memcpy(e->p->value[i], params, sizeof(float) * (size_t)m->params[i].size);
        params += m->params[i].size;
    }
    return e;
}

int rt_embed_load(rt_embedded *e, const char *safetensors) { return rt_params_load(e->m, e->p, safetensors); }

int rt_embed_sample(rt_embedded *e, int64_t chains, int steps, uint64_t seed, float *out) {
    if (chains < 1 || steps < 0) return rt_fail("sample: %lld chains, %d steps", (long long)chains, steps);
    return rt_sample(e->m, e->p, chains, steps, seed, out, NULL);
}

/* kernel over n rows of visible values, 1024 at a time; take(ctx, w, r0,
 * rows) reads each chunk's results */
typedef struct Over {
    int kernel;
    void (*take)(void *ctx, rt_ws *w, int64_t r0, int64_t rows);
    void *ctx;
} Over;

static int over_chunk(void *ctx, rt_ws *w, int64_t r0) {
    Over *o = ctx;
    rt_ws_run(w, o->kernel);
    o->take(o->ctx, w, r0, w->B);
    return 0;
}

static void over_rows(rt_embedded *e, const float *v, int64_t n, int kernel,
                      void (*take)(void *ctx, rt_ws *w, int64_t r0, int64_t rows), void *ctx) {
    if (n < 1) return;
    Over o = {kernel, take, ctx};
    rt_ws_over_rows(e->m, e->p, 0, n < 1024 ? n : 1024, v, n, rt_visible_floats(e->m), over_chunk, &o);
}

static void take_fe(void *ctx, rt_ws *w, int64_t r0, int64_t rows) {
    for (int64_t r = 0; r < rows; r++) ((double *)ctx)[r0 + r] = w->bufs[w->m->fe_buf][r];
}

int rt_embed_free_energy(rt_embedded *e, const float *v, int64_t n, double *out) {
    const rt_model *m = e->m;
    if (m->k_free_energy < 0 || !m->fe_exact)
        return rt_fail("model '%s' has no closed-form free energy (not every hidden group sums out)", m->name);
    over_rows(e, v, n, m->k_free_energy, take_fe, out);
    return 0;
}

typedef struct Probs {
    const rt_group *h;
    float *out;
} Probs;

static void take_probs(void *ctx, rt_ws *w, int64_t r0, int64_t rows) {
    Probs *p = ctx;
    memcpy(p->out + r0 * p->h->size, w->bufs[p->h->mean_buf], sizeof(float) * (size_t)(rows * p->h->size));
}

int rt_embed_hidden_probs(rt_embedded *e, const float *v, int64_t n, float *out) {
    const rt_model *m = e->m;
    int g = 0;
    while (g < m->ngroups && m->groups[g].role != RT_HIDDEN) g++;
    if (g == m->ngroups || m->groups[g].k_mean < 0) return rt_fail("model '%s' has no hidden group with a conditional", m->name);
    Probs p = {&m->groups[g], out};
    over_rows(e, v, n, p.h->k_mean, take_probs, &p);
    return 0;
}

void rt_embed_free(rt_embedded *e) {
    if (!e) return;
    rt_params_free(e->p);
    rt_free(e);
}
