/* rt_stack_updown.c — a DBN's up-down fine-tuning, contrastive wake-sleep
 * (Hinton, Osindero & Teh 2006, appendix B; rt_stack_parts.h).
 *
 * The layers below the top get generative (down) weights of their own,
 * untied from the recognition (up) weights they were pretrained with:
 * a copy of each layer's parameters, gp[k], beside lp[k]. Per batch:
 *   up:    h_k+1 ~ q(h_k+1 | h_k) by the recognition weights (h_0 = data)
 *   top:   CD-k of the top RBM from the up-pass states (and the labels,
 *          which the chain samples freely): its positive statistic at
 *          them, its negative after k Gibbs sweeps
 *   down:  d_L-1 = the chain's state, d_k ~ p(d_k | d_k+1) by the
 *          generative weights
 *   learn: generative weights: grad log p(h_k | h_k+1) at the up-pass
 *          states, s_k+1 (h_k - p_k), p_k = E[h_k | h_k+1];
 *          recognition weights: grad log q(d_k+1 | d_k) at the down-pass
 *          states, d_k (d_k+1 - q_k+1), q_k+1 = E[d_k+1 | d_k].
 * Each gradient is the layer's compiled mean statistic (grad.mean: -dE/d
 * theta at the visible state and the hidden mean buffer) at the target
 * less the same at the prediction, which for an energy linear in each
 * group is exactly that delta rule. All gradients are taken before any
 * step, so a batch sees one set of weights. The step is rt_train's
 * (rt_update_step), so a layer's per-parameter rules (trainable, masks, lr
 * scales, momentum and weight decay of their own) hold for both copies. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_exact.h"
#include "rt_methods.h"
#include "rt_stack_parts.h"
#include "rt_update.h"

/* the bound: on up to BOUND_ROWS rows, with BOUND_DRAWS draws of q in all
 * (10 per row at least): its noise about 0.01 nats on bars-and-stripes */
enum { MAX_LEVELS = 64, BOUND_ROWS = 2000, BOUND_DRAWS = 20000 };

typedef struct Ud {
    rt_stack_parts *r;
    int L;
    int64_t size[MAX_LEVELS], extras, topf;
    int vis[MAX_LEVELS], hid[MAX_LEVELS];   /* the lower layers' groups */
    rt_ws *rec[MAX_LEVELS], *gen[MAX_LEVELS], *pos, *neg;
    float *up[MAX_LEVELS], *down[MAX_LEVELS], *toprow;
} Ud;

static void weights(rt_ws *w, int64_t rows, float value) {
    float *wt = w->bufs[w->m->weight_buf];
    for (int64_t i = 0; i < rows; i++) wt[i] = value;
}

static float *buf(rt_ws *w, int g, int mean) {
    return w->bufs[mean ? w->m->groups[g].mean_buf : w->m->groups[g].state_buf];
}

static void zero_grads(const rt_model *m, rt_params *p) {
    for (int i = 0; i < m->nparams; i++) memset(p->grad[i], 0, sizeof(float) * (size_t)m->params[i].size);
}

/* a fresh optimiser: the momentum of an earlier stage is not carried in,
 * so a resumed run repeats an uninterrupted one */
static void reset_optimiser(const rt_model *m, rt_params *p) {
    for (int i = 0; i < m->nparams; i++) {
        memset(p->velocity[i], 0, sizeof(float) * (size_t)m->params[i].size);
        memset(p->second[i], 0, sizeof(float) * (size_t)m->params[i].size);
    }
    p->steps = 0;
}

/* one batch of nb rows (order: their indices); returns the sum over rows of
 * log p(v | h1) by the generative weights at the up pass */
static double batch(Ud *u, const float *data, const int64_t *order, int64_t nb, int64_t rf, const rt_train_cfg *cfg) {
    rt_stack_parts *r = u->r;
    const rt_stack *s = r->s;
    int L = u->L, T = L - 1;
    const rt_model *top = s->layers[T];
    int64_t s0 = u->size[0], hs = u->size[T];
    float inv = 1.0f / (float)nb;
    for (int64_t i = 0; i < nb; i++) {
        const float *row = data + order[i] * rf;
        memcpy(u->up[0] + i * s0, row, sizeof(float) * (size_t)s0);
        memcpy(u->toprow + i * u->topf + hs, row + s0, sizeof(float) * (size_t)u->extras);
    }
    /* up: the recognition weights' draws */
    for (int k = 0; k < T; k++) {
        rt_ws *w = u->rec[k];
        w->B = nb;
        rt_ws_set_visible(w, u->up[k], nb, u->size[k]);
        rt_ws_run(w, s->layers[k]->groups[u->hid[k]].k_sample);
        memcpy(u->up[k + 1], buf(w, u->hid[k], 0), sizeof(float) * (size_t)(nb * u->size[k + 1]));
    }
    for (int k = 0; k < T; k++) {
        zero_grads(s->layers[k], r->lp[k]);
        zero_grads(s->layers[k], r->gp[k]);
    }
    zero_grads(top, r->lp[T]);
    /* top: CD-k from the up-pass states */
    for (int64_t i = 0; i < nb; i++) memcpy(u->toprow + i * u->topf, u->up[T] + i * hs, sizeof(float) * (size_t)hs);
    u->pos->B = u->neg->B = nb;
    rt_ws_set_visible(u->pos, u->toprow, nb, u->topf);
    weights(u->pos, nb, -inv);
    rt_ws_run(u->pos, top->k_grad);
    rt_ws_set_visible(u->neg, u->toprow, nb, u->topf);
    for (int k = 0; k < cfg->k; k++) rt_ws_sweep(u->neg);
    weights(u->neg, nb, inv);
    rt_ws_run(u->neg, top->k_grad);
    for (int g = 0; g < top->ngroups; g++)
        if (top->groups[g].role == RT_VISIBLE) {
            memcpy(u->down[T], buf(u->neg, g, 0), sizeof(float) * (size_t)(nb * hs));
            break;
        }
    /* down: the generative weights' draws */
    for (int k = T - 1; k >= 0; k--) {
        rt_ws *w = u->gen[k];
        w->B = nb;
        memcpy(buf(w, u->hid[k], 0), u->down[k + 1], sizeof(float) * (size_t)(nb * u->size[k + 1]));
        rt_ws_run(w, s->layers[k]->groups[u->vis[k]].k_sample);
        memcpy(u->down[k], buf(w, u->vis[k], 0), sizeof(float) * (size_t)(nb * u->size[k]));
    }
    /* generative weights: the up-pass states, less their prediction from above */
    double loglik = 0;
    for (int k = 0; k < T; k++) {
        rt_ws *w = u->gen[k];
        const rt_model *m = s->layers[k];
        size_t hb = sizeof(float) * (size_t)(nb * u->size[k + 1]), vb = sizeof(float) * (size_t)(nb * u->size[k]);
        memcpy(buf(w, u->vis[k], 0), u->up[k], vb);
        memcpy(buf(w, u->hid[k], 0), u->up[k + 1], hb);
        memcpy(buf(w, u->hid[k], 1), u->up[k + 1], hb);
        weights(w, nb, -inv);
        rt_ws_run(w, m->k_grad_mean);
        rt_ws_run(w, m->groups[u->vis[k]].k_mean);
        const float *p = buf(w, u->vis[k], 1);
        if (k == 0)
            for (int64_t i = 0; i < nb * u->size[0]; i++) {
                double q = p[i] < 1e-7f ? 1e-7 : p[i] > 1 - 1e-7f ? 1 - 1e-7 : p[i];
                loglik += u->up[0][i] > 0.5f ? log(q) : log1p(-q);
            }
        memcpy(buf(w, u->vis[k], 0), p, vb);
        weights(w, nb, inv);
        rt_ws_run(w, m->k_grad_mean);
    }
    /* recognition weights: the down-pass states, less their prediction from below */
    for (int k = 0; k < T; k++) {
        rt_ws *w = u->rec[k];
        const rt_model *m = s->layers[k];
        rt_ws_set_visible(w, u->down[k], nb, u->size[k]);
        memcpy(buf(w, u->hid[k], 1), u->down[k + 1], sizeof(float) * (size_t)(nb * u->size[k + 1]));
        weights(w, nb, -inv);
        rt_ws_run(w, m->k_grad_mean);
        rt_ws_run(w, m->groups[u->hid[k]].k_mean);
        weights(w, nb, inv);
        rt_ws_run(w, m->k_grad_mean);
    }
    return loglik;
}

/* the top layer's log Z where it can be enumerated cheaply; NAN otherwise */
static double top_logz(const rt_stack_parts *r) {
    const rt_model *top = r->s->layers[r->s->nlayers - 1];
    double logz;
    if (top->enum_log2_states < 0 || top->enum_log2_states > RT_EXACT_AUTO_COST_LOG2) return NAN;
    return rt_exact_logz(top, r->lp[r->s->nlayers - 1], &logz) ? NAN : logz;
}

/* the bound on up to BOUND_ROWS rows (evenly spaced), or NAN */
static double bound(const rt_stack_parts *r, const rt_dataset *data, uint64_t seed) {
    double logz = top_logz(r), avg;
    if (isnan(logz)) return NAN;
    int64_t rf = rt_dataset_row(data), k = data->n < BOUND_ROWS ? data->n : BOUND_ROWS;
    float *rows = malloc(sizeof(float) * (size_t)(k * rf));
    for (int64_t i = 0; i < k; i++)
        memcpy(rows + i * rf, data->data + (i * data->n / k) * rf, sizeof(float) * (size_t)rf);
    int draws = (int)(BOUND_DRAWS / k) > 10 ? (int)(BOUND_DRAWS / k) : 10;
    int rc = rt_stack_bound(r, logz, rows, k, rf, draws, seed, &avg);
    free(rows);
    return rc ? NAN : avg;
}

static void free_ud(Ud *u) {
    for (int k = 0; k < u->L; k++) {
        if (k < u->L - 1) {
            rt_ws_free(u->rec[k]);
            rt_ws_free(u->gen[k]);
        }
        free(u->up[k]);
        free(u->down[k]);
    }
    rt_ws_free(u->pos);
    rt_ws_free(u->neg);
    free(u->toprow);
}

int rt_stack_up_down(rt_stack_parts *r, const rt_stack_stage *st, const rt_train_cfg *cfg, const rt_dataset *data,
                     rt_train_report *rep) {
    const rt_stack *s = r->s;
    Ud u = {.r = r, .L = s->nlayers};
    int L = u.L, T = L - 1;
    if (L > MAX_LEVELS) return rt_fail("stage '%s': up_down takes up to %d layers", st->name, MAX_LEVELS);
    char what[160];
    snprintf(what, sizeof what, "stage '%s': up_down", st->name);
    if (rt_stack_levels(s, what, u.size, &u.extras)) return -1;
    int64_t n = data->n, rf = rt_dataset_row(data);
    u.topf = u.size[T] + u.extras;
    if (rf != u.size[0] + u.extras)
        return rt_fail("stage '%s': the data has %lld values per example; the DBN takes %lld (%lld for the bottom layer%s)",
                       st->name, (long long)rf, (long long)(u.size[0] + u.extras), (long long)u.size[0],
                       u.extras ? " and the top layer's labels" : "");
    if (n == 0) return rt_fail("stage '%s': the training data is empty", st->name);
    /* untie: the generative weights start as the recognition ones */
    for (int k = 0; k < T; k++) {
        const rt_model *m = s->layers[k];
        if (!r->gp[k]) {
            r->gp[k] = rt_params_new(m);
            for (int i = 0; i < m->nparams; i++)
                memcpy(r->gp[k]->value[i], r->lp[k]->value[i], sizeof(float) * (size_t)m->params[i].size);
        }
        reset_optimiser(m, r->lp[k]);
        reset_optimiser(m, r->gp[k]);
        for (int g = 0; g < m->ngroups; g++) {
            if (m->groups[g].role == RT_VISIBLE) u.vis[k] = g;
            if (m->groups[g].role == RT_HIDDEN) u.hid[k] = g;
        }
    }
    reset_optimiser(s->layers[T], r->lp[T]);
    int64_t B = cfg->batch < n ? cfg->batch : n;
    for (int k = 0; k < L; k++) {
        u.up[k] = malloc(sizeof(float) * (size_t)(B * u.size[k]));
        u.down[k] = malloc(sizeof(float) * (size_t)(B * u.size[k]));
        if (k < T) {
            u.rec[k] = rt_ws_new(s->layers[k], B, r->lp[k], cfg->seed + 2 * (uint64_t)k + 1);
            u.gen[k] = rt_ws_new(s->layers[k], B, r->gp[k], cfg->seed + 2 * (uint64_t)k + 2);
        }
    }
    u.pos = rt_ws_new(s->layers[T], B, r->lp[T], cfg->seed);
    u.neg = rt_ws_new(s->layers[T], B, r->lp[T], cfg->seed + 1000003u);
    u.toprow = malloc(sizeof(float) * (size_t)(B * u.topf));
    int64_t *order = malloc(sizeof(int64_t) * (size_t)n);
    double before = bound(r, data, cfg->seed + 17);
    for (int epoch = 1; epoch <= cfg->epochs; epoch++) {
        double t0 = rt_method_now(), lr = rt_schedule_at(&cfg->lr, epoch, cfg->epochs),
               mom = rt_schedule_at(&cfg->momentum, epoch, cfg->epochs),
               wd = rt_schedule_at(&cfg->weight_decay, epoch, cfg->epochs), loglik = 0;
        rt_shuffle(order, n, cfg->seed, epoch);
        for (int64_t b0 = 0; b0 < n; b0 += B) {
            if (cfg->stop && *cfg->stop) {
                rep->stopped = 1;
                goto out;
            }
            int64_t nb = n - b0 < B ? n - b0 : B;
            loglik += batch(&u, data->data, order + b0, nb, rf, cfg);
            for (int k = 0; k < T; k++) {
                rt_update_step(s->layers[k], r->gp[k], cfg, lr, mom, wd);
                rt_update_step(s->layers[k], r->lp[k], cfg, lr, mom, wd);
            }
            rt_update_step(s->layers[T], r->lp[T], cfg, lr, mom, wd);
            rt_method_batch(cfg, epoch, b0 + nb, n, B, NAN);
        }
        rt_epoch_stats *es = rt_method_epoch(rep, cfg, epoch);
        es->seconds = rt_method_now() - t0;
        es->cond_loglik = loglik / (double)n;
        es->lr = lr;
        rep->epochs = epoch;
        int due = cfg->mon_every > 0 && (epoch % cfg->mon_every == 0 || epoch == cfg->epochs);
        rt_method_epoch_end(cfg, es, (n + B - 1) / B, NAN,
                            due && rt_method_progress(stdout, cfg, es, "log p(v|h1)", es->cond_loglik));
    }
    double after = bound(r, data, cfg->seed + 17);
    if (!isnan(before) && !cfg->quiet)
        printf("stage %s: variational bound %.4f before up-down, %.4f after (nats per example, on %lld examples; the "
               "top layer's log Z exact)\n",
               st->name, before, after, (long long)(n < BOUND_ROWS ? n : BOUND_ROWS));
    else if (!cfg->quiet)
        printf("stage %s: the variational bound needs the top layer's log Z, which is too large to enumerate: ebmc eval "
               "--dbn-bound estimates it by AIS\n", st->name);
out:
    free(order);
    free_ud(&u);
    return 0;
}
