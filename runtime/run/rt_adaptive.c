/* rt_adaptive.c — the learning rate of the largest estimated likelihood
 * gain (rt_adaptive.h has the estimate). Each candidate is the run's own
 * update (momentum, decay, per-parameter rules) applied from a copy of the
 * parameters and optimiser state, so what is chosen is what is then done. */
#include "rt_adaptive.h"

#include "rt_dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct rt_adaptive {
    const rt_model *m;
    rt_params *p;
    double factor;
    float **keep;          /* per parameter: value, velocity, second moment */
    int64_t steps, gen_steps;
    double *fd, *fm;       /* F at the current parameters: data, model rows */
    int64_t nd, nm;
};

rt_adaptive *rt_adaptive_new(const rt_model *m, rt_params *p, double factor) {
    if (!m->fe_exact || m->k_free_energy < 0)
        return rt_fail("an adaptive learning rate needs the free energy in closed form (every hidden group summed out); "
                       "model '%s' has none", m->name), NULL;
    rt_adaptive *a = calloc(1, sizeof *a);
    a->m = m;
    a->p = p;
    a->factor = factor;
    a->keep = calloc((size_t)(3 * m->nparams), sizeof(float *));
    for (int i = 0; i < 3 * m->nparams; i++) a->keep[i] = malloc(sizeof(float) * (size_t)m->params[i / 3].size);
    return a;
}

void rt_adaptive_free(rt_adaptive *a) {
    if (!a) return;
    for (int i = 0; i < 3 * a->m->nparams; i++) free(a->keep[i]);
    free(a->keep);
    free(a->fd);
    free(a->fm);
    free(a);
}

static void state_copy(rt_adaptive *a, int save) {
    const rt_model *m = a->m;
    rt_params *p = a->p;
    for (int i = 0; i < m->nparams; i++) {
        float *live[3] = {p->value[i], p->velocity[i], p->second[i]};
        for (int k = 0; k < 3; k++) {
            size_t bytes = sizeof(float) * (size_t)m->params[i].size;
            if (save) memcpy(a->keep[3 * i + k], live[k], bytes);
            else memcpy(live[k], a->keep[3 * i + k], bytes);
        }
    }
    if (save) a->steps = p->steps, a->gen_steps = p->gen_steps;
    else p->steps = a->steps, p->gen_steps = a->gen_steps;
}

/* F of the workspace's rows, into out (or minus out's: the change) */
static void free_energies(rt_ws *w, double *out, int change) {
    rt_ws_run(w, w->m->k_free_energy);
    const float *f = w->bufs[w->m->fe_buf];
    for (int64_t r = 0; r < w->B; r++) out[r] = change ? f[r] - out[r] : f[r];
}

double rt_adaptive_choose(rt_adaptive *a, rt_ws *data, rt_ws *model, double lr, rt_step_fn step, void *ctx,
                          double *gains) {
    if (data->B > a->nd) a->fd = realloc(a->fd, sizeof(double) * (size_t)(a->nd = data->B));
    if (model->B > a->nm) a->fm = realloc(a->fm, sizeof(double) * (size_t)(a->nm = model->B));
    double *d = malloc(sizeof(double) * (size_t)data->B), *md = malloc(sizeof(double) * (size_t)model->B);
    state_copy(a, 1);
    free_energies(data, a->fd, 0);
    free_energies(model, a->fm, 0);
    double rates[3] = {lr / a->factor, lr, lr * a->factor}, best = -INFINITY, chosen = lr;
    /* per rate: the sum of the data rows' changes, their count, the model
     * rows' largest -change, the sum of exp(-change - that), their count;
     * in a job of several ranks (rt_dist.h) each rank has its rows of the
     * batch, and the ranks' parts are gathered and combined in rank order */
    double part[3][5];
    for (int k = 0; k < 3; k++) {
        step(ctx, rates[k]);
        memcpy(d, a->fd, sizeof(double) * (size_t)data->B);
        memcpy(md, a->fm, sizeof(double) * (size_t)model->B);
        free_energies(data, d, 1);
        free_energies(model, md, 1);
        double sd = 0, top = -INFINITY, s = 0;
        for (int64_t r = 0; r < data->B; r++) sd += d[r];
        for (int64_t r = 0; r < model->B; r++) top = fmax(top, -md[r]);
        for (int64_t r = 0; r < model->B; r++) s += exp(-md[r] - top);
        part[k][0] = sd, part[k][1] = (double)data->B, part[k][2] = top, part[k][3] = s, part[k][4] = (double)model->B;
        state_copy(a, 0);
    }
    free(d);
    free(md);
    int N = rt_dist_size();
    double *all = malloc(sizeof part * (size_t)N);
    if (rt_dist_allgather(part, sizeof part, all, NULL)) {
        free(all);
        return NAN;
    }
    for (int k = 0; k < 3; k++) {
        double sd = 0, nd = 0, top = -INFINITY, s = 0, nm = 0;
        for (int r = 0; r < N; r++) {
            const double *q = all + 15 * r + 5 * k;
            sd += q[0], nd += q[1], nm += q[4];
            top = fmax(top, q[2]);
        }
        for (int r = 0; r < N; r++) {
            const double *q = all + 15 * r + 5 * k;
            if (q[4] > 0) s += q[3] * exp(q[2] - top);
        }
        double gain = -sd / nd - (top + log(s / nm));
        if (gains) gains[k] = gain;
        /* a non-finite gain (an overflow at a rate too large) never wins */
        if (isfinite(gain) && gain > best) best = gain, chosen = rates[k];
    }
    free(all);
    return chosen;
}
