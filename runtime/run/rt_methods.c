/* rt_methods.c — the dispatch from rt_train to the methods with loops of
 * their own, and what they share: epoch reports, progress lines, the roles
 * of a linear latent model. */
#include "rt_methods.h"
#include "rt_optim.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

int rt_train_method(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
                    rt_train_report *rep) {
    rep->epochs = 0;
    rep->per_epoch = NULL;
    rep->optimum = NAN;
    if (data->n == 0) return rt_fail("the training data is empty");
    static const char *const names[] = {"em", "ica", "sfa", "sparse_coding", "wake_sleep", "reinforce"};
    /* these loops have update rules of their own: refuse what they would ignore */
    for (int i = 0; i < m->nparams; i++) {
        const rt_param *q = &m->params[i];
        if (q->fixed || q->mask >= 0 || q->mask_data || q->init == RT_INIT_LOGIT_MEAN || q->lr_scale != 1 || !isnan(q->momentum) || !isnan(q->weight_decay))
            return rt_fail("method = %s does not apply per-parameter settings (trainable, mask, lr, momentum, "
                           "weight_decay, init logit_mean), which parameter '%s' has; they apply to cd, pcd, pt, discriminative and minimize",
                           cfg->method - RT_EM < 6 ? names[cfg->method - RT_EM] : "?", q->name);
    }
    if (cfg->nparam_rules > 0)
        return rt_fail("method = %s does not apply per-parameter settings (params = %s(...))",
                       cfg->method - RT_EM < 6 ? names[cfg->method - RT_EM] : "?", cfg->param_rules[0].param);
    switch (cfg->method) {
    case RT_EM: return rt_em(m, p, data, cfg, progress, rep);
    case RT_ICA: return rt_ica(m, p, data, cfg, progress, rep);
    case RT_SFA: return rt_sfa(m, p, data, cfg, progress, rep);
    case RT_SPARSE: return rt_sparse(m, p, data, cfg, progress, rep);
    case RT_WAKE_SLEEP:
    case RT_REINFORCE: return rt_wake_sleep(m, p, data, cfg, progress, rep);
    default: return rt_fail("internal: training method %d", cfg->method);
    }
}

double rt_method_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

rt_epoch_stats *rt_method_epoch(rt_train_report *rep, const rt_train_cfg *cfg, int epoch) {
    if (!rep->per_epoch) rep->per_epoch = calloc((size_t)(cfg->epochs > 0 ? cfg->epochs : 1) + 1, sizeof(rt_epoch_stats));
    rt_epoch_stats *st = &rep->per_epoch[epoch - 1];
    st->epoch = epoch;
    st->recon = st->pll = st->loglik = st->logz = st->accuracy = st->cond_loglik = st->loss = st->gen_loss = NAN;
    st->fe_gap = st->swap_rate = NAN;
    st->lr = st->momentum = st->weight_decay = NAN;
    return st;
}

int rt_method_progress(FILE *progress, const rt_train_cfg *cfg, const rt_epoch_stats *st, const char *what,
                        double value) {
    if (!progress || cfg->quiet) return 0;
    fprintf(progress, "epoch %3d/%d  %s %.6f  %.2f s/epoch\n", st->epoch, cfg->epochs, what, value, st->seconds);
    fflush(progress);
    return 1;
}

void rt_method_batch(const rt_train_cfg *cfg, int epoch, int64_t done, int64_t n, int64_t B, double recon) {
    if (!cfg->on_progress) return;
    rt_progress ev = {epoch, cfg->epochs, (done + B - 1) / B, (n + B - 1) / B, recon, NAN, NULL, NAN, 0};
    cfg->on_progress(cfg->progress_ctx, &ev);
}

void rt_method_epoch_end(const rt_train_cfg *cfg, const rt_epoch_stats *st, int64_t batches, double recon, int prints) {
    if (!cfg->on_progress) return;
    rt_progress ev = {st->epoch, cfg->epochs, batches, batches, recon, NAN, st, NAN, prints};
    cfg->on_progress(cfg->progress_ctx, &ev);
}

const rt_linear *rt_method_linear(const rt_model *m, const char *method, int prior) {
    static const char *const priors[] = {"", "Gaussian", "Laplace (L1)", "factorial non-Gaussian", ""};
    const rt_linear *lin = m->lin;
    if (!lin || lin->x < 0) {
        rt_fail("method = %s needs a model x = W.h + b + noise: one visible and one hidden group, with x ~ "
                "normal(sum(j) W[i, j]*h[j] + b[i], sd) (see `ebmc explain`)",
                method);
        return NULL;
    }
    if (lin->prior != prior) {
        rt_fail("method = %s needs a %s prior on '%s'; the compiler found a %s one", method, priors[prior],
                m->groups[lin->h].name,
                lin->prior == RT_PRIOR_OTHER ? "non-factorial" : priors[lin->prior]);
        return NULL;
    }
    return lin;
}

int rt_method_check_rows(const rt_model *m, const rt_dataset *data, int x) {
    int64_t rf = rt_dataset_row(data);
    if (rf != m->groups[x].size || rt_visible_floats(m) != rf)
        return rt_fail("the data has %lld values per example; '%s' has %lld units", (long long)rf, m->groups[x].name,
                       (long long)m->groups[x].size);
    return 0;
}

/* Adam or SGD with momentum on the ascent direction in p->grad (as
 * rt_train's optimiser: weight decay on parameters of 2+ dimensions) */
void rt_method_step(const rt_model *m, rt_params *p, const rt_train_cfg *cfg, double lr, double mom, double wd) {
    p->steps++;
    for (int i = 0; i < m->nparams; i++) {
        const rt_param *q = &m->params[i];
        float d = q->ndim >= 2 ? (float)wd : 0.0f;
        if (cfg->optimizer == RT_ADAM)
            rt_optim_adam(p->value[i], p->velocity[i], p->second[i], p->grad[i], q->size, lr, cfg->beta1, cfg->beta2,
                          cfg->adam_eps, p->steps, d);
        else
            rt_optim_sgd(p->value[i], p->velocity[i], p->grad[i], q->size, (float)lr, (float)mom, d);
    }
}
