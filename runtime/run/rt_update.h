/* rt_update.h — one update of a model's parameters from the gradients in
 * p->grad (the ascent direction): SGD with momentum or Adam (cfg->optimizer)
 * at learning rate lr, momentum mom and weight decay wd, with the
 * per-parameter rules (fixed, masks, lr scales, momentum and weight decay
 * of their own, cfg->param_rules). */
#ifndef EBMC_RT_UPDATE_H
#define EBMC_RT_UPDATE_H
#include "rt_train.h"

void rt_update_step(const rt_model *m, rt_params *p, const rt_train_cfg *cfg, double lr, double mom, double wd);
/* the same, counting the step in *steps (Adam's t) instead of p->steps:
 * the generator of an adversarial pair counts its own, p->gen_steps */
void rt_update_step_counted(const rt_model *m, rt_params *p, const rt_train_cfg *cfg, double lr, double mom, double wd,
                            int64_t *steps);
#endif
