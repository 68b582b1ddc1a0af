/* rt_update.c — the update step of the training loops (rt_train.c): SGD
 * with momentum or Adam (rt_optim.h), with the per-parameter rules (rt_update.h). */
#include "rt_update.h"

#include <math.h>
#include <string.h>

#include "rt_optim.h"

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
    rt_update_step_counted(m, p, cfg, lr, mom, wd, &p->steps);
}

void rt_update_step_counted(const rt_model *m, rt_params *p, const rt_train_cfg *cfg, double lr, double mom, double wd,
                            int64_t *steps) {
    for (int i = 0; i < m->nparams; i++) {
        const rt_param *q = &m->params[i];
        if (q->offset_of >= 0) memset(p->grad[i], 0, sizeof(float) * (size_t)q->size);
        const float *mask = rt_param_mask(m, p, i);
        for (int64_t k = 0; mask && k < q->size; k++)
            if (mask[k] == 0) p->grad[i][k] = 0;
    }
    ++*steps;
    for (int i = 0; i < m->nparams; i++) {
        const rt_param *q = &m->params[i];
        if (q->fixed) continue;
        double scale, mom_i, decay;
        rules_of(m, cfg, i, &scale, &mom_i, &decay);
        double lr_i = lr * scale;
        if (isnan(mom_i)) mom_i = mom;
        if (isnan(decay)) decay = q->ndim >= 2 ? wd : 0;
        if (cfg->optimizer == RT_ADAM)   /* g is the ascent direction */
            rt_optim_adam(p->value[i], p->velocity[i], p->second[i], p->grad[i], q->size, lr_i, cfg->beta1,
                          cfg->beta2, cfg->adam_eps, *steps, (float)decay);
        else
            rt_optim_sgd(p->value[i], p->velocity[i], p->grad[i], q->size, (float)lr_i, (float)mom_i, (float)decay);
        const float *mask = rt_param_mask(m, p, i);
        for (int64_t k = 0; mask && k < q->size; k++)
            if (mask[k] == 0) p->value[i][k] = p->velocity[i][k] = p->second[i][k] = 0;
    }
}
