/* rt_diverge.c — where a training run went wrong, found at the update that
 * did it.
 *
 * The loop calls rt_check_gradient before each update and rt_check_update
 * after it; parameters were finite before (checked at the start, then
 * after every update), so the first failure names its cause: a gradient
 * that is not finite comes from the parameters themselves (a row of zeros
 * gives it too: a division by a parameter at zero), from a data row (the
 * positive phase of that row alone is not finite: a value whose square
 * overflows a float, say) or else from the model's own samples; a finite
 * gradient that leaves a parameter
 * non-finite is a step too long; a learned precision that crossed zero
 * leaves its group without a density. Each check reads every parameter
 * once, a pass as cheap as the update's own. */
#include "rt_diverge.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_optim.h"

/* what is kept on disk, for the end of the message */
static void kept_text(char *buf, size_t n, const rt_update_at *u) {
    const rt_train_cfg *c = u->cfg;
    if (!c->checkpoint_path) snprintf(buf, n, "nothing was saved");
    else if (u->saved_epoch > 0)
        snprintf(buf, n, "the last good checkpoint, %s (it resumes at epoch %d, batch %lld), is kept", c->checkpoint_path,
                 u->saved_epoch, (long long)u->saved_batch + 1);
    else
        snprintf(buf, n, "nothing was written to %s (checkpoint_every = N writes a checkpoint every N epochs)",
                 c->checkpoint_path);
}

static int updated(const rt_model *m, const rt_params *p, int i, int64_t k) {
    const rt_param *q = &m->params[i];
    const float *mask = rt_param_mask(m, p, i);
    return !q->fixed && q->offset_of < 0 && (!mask || mask[k] != 0);
}

/* the positive phase of one row alone gives parameter i a gradient that
 * is not finite */
static int positive_bad(const rt_model *m, rt_params *p, rt_ws *w, const float *row, const rt_update_at *u, int i,
                        int kernel) {
    for (int j = 0; j < m->nparams; j++) memset(p->grad[j], 0, sizeof(float) * (size_t)m->params[j].size);
    w->B = 1;
    rt_ws_set_visible(w, row, 1, u->rf);
    w->bufs[m->weight_buf][0] = -1;
    if (u->cfg->method == RT_MINIMIZE || u->cfg->method == RT_ADVERSARIAL) rt_ws_fill_noise(w);
    else if (!m->fe_exact) rt_mean_field(w, u->cfg->mf_iters, u->cfg->mf_tol);
    rt_ws_run(w, kernel);
    for (int64_t k = 0; k < m->params[i].size; k++)
        if (!isfinite(p->grad[i][k])) return 1;
    return 0;
}

int rt_check_gradient(const rt_model *m, rt_params *p, const rt_update_at *u) {
    int bad = -1;
    int64_t at = 0;
    for (int i = 0; i < m->nparams && bad < 0; i++) {
        if (rt_optim_finite(p->grad[i], m->params[i].size)) continue;   /* the usual case: one vectorised pass */
        for (int64_t k = 0; k < m->params[i].size; k++)
            if (!isfinite(p->grad[i][k]) && updated(m, p, i, k)) {
                bad = i, at = k;
                break;
            }
    }
    if (bad < 0) return 0;
    const rt_param *q = &m->params[bad];
    char el[160], kept[512], cause[512];
    rt_param_element_text(el, sizeof el, q, at);
    float gval = p->grad[bad][at];
    int minimize = u->cfg->method == RT_MINIMIZE || u->cfg->method == RT_ADVERSARIAL;
    int kernel = minimize ? m->k_grad_loss : m->k_grad;
    /* a row of zeros first: if it gives a non-finite gradient too, the
     * parameters do, whatever the data; then the batch's rows one at a time */
    float *zero = calloc((size_t)u->rf + 1, sizeof(float));
    rt_ws *w = kernel >= 0 && zero ? rt_ws_new(m, 1, p, u->cfg->seed) : NULL;
    int any_data = w && positive_bad(m, p, w, zero, u, bad, kernel);
    int64_t blamed = -1;
    for (int64_t r = 0; w && !any_data && r < u->nrows && blamed < 0; r++) {
        const float *row = u->data + u->rows[r] * u->rf;
        int missing = 0;
        for (int64_t c = 0; c < u->rf; c++) missing |= isnan(row[c]);
        if (!missing && positive_bad(m, p, w, row, u, bad, kernel)) blamed = r;   /* missing: imputed in training */
    }
    rt_ws_free(w);
    free(zero);
    if (any_data)
        snprintf(cause, sizeof cause,
                 "the parameters give it with any data (a row of zeros too): the energy divides by a parameter that "
                 "reached zero, or takes the log of a value that is not positive");
    else if (blamed >= 0) {
        const float *row = u->data + u->rows[blamed] * u->rf;
        int64_t big = 0;
        for (int64_t c = 1; c < u->rf; c++)
            if (fabsf(row[c]) > fabsf(row[big])) big = c;
        snprintf(cause, sizeof cause,
                 "the data gave it: example %lld of the training data gives it alone (its largest value is %g, value "
                 "%lld of the row)",
                 (long long)u->rows[blamed] + 1, (double)row[big], (long long)big + 1);
    } else {
        int bi = 0;
        int64_t bk = 0;
        for (int i = 0; i < m->nparams; i++)
            for (int64_t k = 0; k < m->params[i].size; k++)
                if (fabsf(p->value[i][k]) > fabsf(p->value[bi][bk])) bi = i, bk = k;
        char big[160];
        rt_param_element_text(big, sizeof big, &m->params[bi], bk);
        snprintf(cause, sizeof cause,
                 "each of the batch's data rows gives a finite one, so the model's own samples (the negative phase) "
                 "gave it: the parameters are large enough for them to overflow (the largest is %s = %g); the learning "
                 "rate (lr = %g) is probably too high, or an init too large",
                 big, (double)p->value[bi][bk], u->lr);
    }
    kept_text(kept, sizeof kept, u);
    return rt_fail("training diverged in epoch %d, batch %lld of %lld: the gradient of parameter '%s' is not finite "
                   "(at %s: %g); %s; %s",
                   u->epoch, (long long)u->batch, (long long)u->batches, q->name, el, (double)gval, cause, kept);
}

int rt_check_update(const rt_model *m, const rt_params *p, const rt_update_at *u) {
    char kept[512], why[512];
    for (int i = 0; i < m->nparams; i++) {
        if (rt_optim_finite(p->value[i], m->params[i].size)) continue;
        for (int64_t k = 0; k < m->params[i].size; k++)
            if (!isfinite(p->value[i][k])) {
                char el[160];
                rt_param_element_text(el, sizeof el, &m->params[i], k);
                kept_text(kept, sizeof kept, u);
                return rt_fail("training diverged in epoch %d, batch %lld of %lld: the update made parameter '%s' "
                               "non-finite (%s = %g) from a finite gradient: the step overflowed; the learning rate "
                               "(lr = %g) is probably too high; %s",
                               u->epoch, (long long)u->batch, (long long)u->batches, m->params[i].name, el,
                               (double)p->value[i][k], u->lr, kept);
            }
    }
    if (rt_precision_bad(m, p->value, why, sizeof why)) {
        kept_text(kept, sizeof kept, u);
        return rt_fail("training stopped in epoch %d, batch %lld of %lld: %s; lower the learning rate (lr = %g), or "
                       "write the precision as exp(l) of a parameter l so that it stays positive; %s",
                       u->epoch, (long long)u->batch, (long long)u->batches, why, u->lr, kept);
    }
    return 0;
}
