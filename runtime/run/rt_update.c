/* rt_update.c — the update step of the training loops (rt_train.c): SGD
 * with momentum or Adam, with the per-parameter rules (rt_update.h). */
#include "rt_update.h"

#include <math.h>
#include <string.h>

#include "rt_par.h"

/* momentum SGD on elements [lo, hi) of one parameter (the worker threads
 * take parts of it: the update is memory-bound) */
typedef struct Sgd {
    float *v, *x;
    const float *g;
    float mom, lr, decay;
} Sgd;

static void sgd_part(void *ctx, int64_t lo, int64_t hi) {
    const Sgd *s = ctx;
    float *restrict v = s->v, *restrict x = s->x;
    const float *restrict g = s->g;
    float mom = s->mom, lr = s->lr, d = s->decay;
    for (int64_t k = lo; k < hi; k++) {
        v[k] = mom * v[k] + lr * (g[k] - d * x[k]);
        x[k] += v[k];
    }
}

/* The update step, per parameter: a fixed one is left alone; a masked one
 * has its gradient zeroed where the mask is 0 before the step and its value
 * and optimiser state after it, so those entries stay exactly 0; lr is the
 * run's times the parameter's lr_scale; momentum and weight_decay are the
 * parameter's own when it sets them (weight_decay then applies whatever its
 * rank), else the run's (weight_decay only on parameters of rank >= 2). */
static void rules_of(const rt_model *m, const rt_train_cfg *cfg, int i, double *scale, double *mom, double *decay) {
    const rt_param *q = &m->params[i];
    *scale = q->lr_scale;
    *mom = q->momentum;
    *decay = q->weight_decay;
    for (int k = 0; k < cfg->nparam_rules; k++) {
        const rt_param_rule *r = &cfg->param_rules[k];
        if (strcmp(r->param, q->name)) continue;
        if (!isnan(r->lr_scale)) *scale = r->lr_scale;
        if (!isnan(r->momentum)) *mom = r->momentum;
        if (!isnan(r->weight_decay)) *decay = r->weight_decay;
    }
}

void rt_update_step(const rt_model *m, rt_params *p, const rt_train_cfg *cfg, double lr, double mom, double wd) {
    for (int i = 0; i < m->nparams; i++) {
        const rt_param *q = &m->params[i];
        if (q->offset_of >= 0) memset(p->grad[i], 0, sizeof(float) * (size_t)q->size);
        const float *mask = rt_param_mask(m, p, i);
        for (int64_t k = 0; mask && k < q->size; k++)
            if (mask[k] == 0) p->grad[i][k] = 0;
    }
    p->steps++;
    for (int i = 0; i < m->nparams; i++) {
        const rt_param *q = &m->params[i];
        if (q->fixed) continue;
        double scale, mom_i, decay;
        rules_of(m, cfg, i, &scale, &mom_i, &decay);
        double lr_i = lr * scale;
        if (isnan(mom_i)) mom_i = mom;
        if (isnan(decay)) decay = q->ndim >= 2 ? wd : 0;
        if (cfg->optimizer == RT_ADAM) {
            /* Kingma & Ba 2015, with bias correction; g is the ascent direction */
            double c1 = 1 - pow(cfg->beta1, (double)p->steps), c2 = 1 - pow(cfg->beta2, (double)p->steps);
            float d = (float)decay;
            float *mm = p->velocity[i], *vv = p->second[i], *x = p->value[i], *g = p->grad[i];
            for (int64_t k = 0; k < q->size; k++) {
                double gk = g[k] - d * x[k];
                mm[k] = (float)(cfg->beta1 * mm[k] + (1 - cfg->beta1) * gk);
                vv[k] = (float)(cfg->beta2 * vv[k] + (1 - cfg->beta2) * gk * gk);
                x[k] += (float)(lr_i * (mm[k] / c1) / (sqrt(vv[k] / c2) + cfg->adam_eps));
            }
        } else {
            Sgd s = {p->velocity[i], p->value[i], p->grad[i], (float)mom_i, (float)lr_i, (float)decay};
            rt_par_for(sgd_part, &s, q->size, q->size);
        }
        const float *mask = rt_param_mask(m, p, i);
        for (int64_t k = 0; mask && k < q->size; k++)
            if (mask[k] == 0) p->value[i][k] = p->velocity[i][k] = p->second[i][k] = 0;
    }
}
