/* rt_train.c — the stochastic maximum likelihood loop.
 *
 * The gradient of the average log-likelihood is
 *     < dF/dtheta >_model - < dF/dtheta >_data
 * where F is the free energy with the hidden groups summed out (or the
 * energy at mean-field values when they cannot be). The compiled "grad"
 * kernel accumulates sum_b w[b] dF/dtheta(row b); running it on the data
 * rows with w = -1/B and on the negative-phase rows with w = +1/C leaves
 * the ascent direction in the gradient buffers. */
#include "rt_train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rt_adaptive.h"
#include "rt_checkpoint.h"
#include "rt_classify.h"
#include "rt_collapse.h"
#include "rt_recurrent.h"
#include "rt_enhanced.h"
#include "rt_diverge.h"
#include "rt_exact.h"
#include "rt_methods.h"
#include "rt_optim.h"
#include "rt_par.h"
#include "rt_pt.h"
#include "rt_dist.h"
#include "rt_train_dist.h"
#include "rt_update.h"

/* batches of an epoch that recon_error measures (3,200 rows at batch
 * 100): a measured batch costs about a fifth of a batch (one GEMM of five),
 * so 32 of the 600 of a Fashion-MNIST epoch add ~1%; 64 added 2%, timed
 * inside the run, which the bench's 5% target could not tell from noise */
#define RECON_BATCHES 32

rt_train_cfg rt_train_defaults(void) {
    rt_train_cfg c = {0};
    c.method = RT_CD;
    c.k = 1;
    c.chains = 100;
    c.batch = 100;
    c.epochs = 10;
    c.lr = rt_schedule_const(0.05);
    c.momentum = rt_schedule_const(0);
    c.weight_decay = rt_schedule_const(0);
    c.seed = 1;
    c.mf_iters = 10;
    c.mf_tol = 1e-5;
    c.mon_recon = 1;
    c.mon_every = 1;
    c.target = -1;
    c.beta1 = 0.9;
    c.beta2 = 0.999;
    c.adam_eps = 1e-8;
    c.tol = 1e-9;
    c.iters = 200;
    c.l1_scale = 1;
    c.samples = 1;
    c.on_collapse = RT_COLLAPSE_STOP;
    c.collapse_factor = 0.5;
    c.baseline = RT_BASELINE_LEARNED;
    return c;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Fisher-Yates with Philox draws on stream 1<<25: reproducible per epoch. */
void rt_shuffle(int64_t *order, int64_t n, uint64_t seed, int epoch) {
    for (int64_t i = 0; i < n; i++) order[i] = i;
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = (int64_t)(rt_uniform(seed, 1u << 25, (uint64_t)epoch, (uint32_t)i) * (float)(i + 1));
        if (j > i) j = i;
        int64_t t = order[i];
        order[i] = order[j];
        order[j] = t;
    }
}

static void fill_weights(rt_ws *w, int64_t rows, float value) {
    float *wt = w->bufs[w->m->weight_buf];
    for (int64_t r = 0; r < rows; r++) wt[r] = value;
}

/* method = minimize, and each step of adversarial: descend the loss of w's
 * rows (fresh noise; weights -1/nb make the ascent direction) and add it
 * to *loss_sum */
static void loss_gradient(rt_ws *w, int64_t nl, int64_t nb, double *loss_sum) {
    const rt_model *m = w->m;
    rt_ws_fill_noise(w);
    fill_weights(w, nl, -1.0f / (float)nb);
    rt_ws_run(w, m->k_grad_loss);
    /* grad_loss of reverse mode writes the loss rows too; the step still
     * advances, so a seed draws the noise it drew when the loss kernel ran
     * here */
    if (!m->grad_loss_rows) rt_ws_run(w, m->k_loss);
    else w->step++;
    for (int64_t r = 0; r < nl; r++) *loss_sum += w->bufs[m->loss_buf][r];
}

/* v -> E[h | v] -> E[v | h]: the squared error of the reconstruction,
 * summed. hid: a workspace whose hidden groups' mean buffers already hold
 * E[h | v] for these rows (the positive phase of the means flow), or NULL
 * to compute them here. */
static double recon_error(rt_ws *w, int64_t rows, const rt_ws *hid) {
    const rt_model *m = w->m;
    if (hid) {
        for (int g = 0; g < m->ngroups; g++)
            if (m->groups[g].role == RT_HIDDEN)
                memcpy(w->bufs[m->groups[g].state_buf], hid->bufs[m->groups[g].mean_buf],
                       sizeof(float) * (size_t)(rows * m->groups[g].size));
    } else
        rt_mean_field(w, 1, 0);
    double err = 0;
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role != RT_VISIBLE) continue;
        /* keep the data: the mean kernel overwrites the state */
        int64_t n = rows * gr->size;
        float *keep = malloc(sizeof(float) * (size_t)n);
        memcpy(keep, w->bufs[gr->state_buf], sizeof(float) * (size_t)n);
        rt_ws_run(w, gr->k_mean);
        const float *mean = w->bufs[gr->mean_buf];
        for (int64_t i = 0; i < n; i++) err += (double)(keep[i] - mean[i]) * (keep[i] - mean[i]);
        memcpy(w->bufs[gr->state_buf], keep, sizeof(float) * (size_t)n);
        free(keep);
    }
    return err;
}

static int recon_chunk(void *ctx, rt_ws *w, int64_t r0) {
    (void)r0;
    *(double *)ctx += recon_error(w, w->B, NULL);
    return 0;
}

int rt_recon_error(const rt_model *m, rt_params *p, const float *rows, int64_t n, int64_t row_floats, double *mse) {
    double err = 0;
    int64_t lo, hi;
    if (n == 0) return rt_fail("no examples");
    rt_dist_share(n, &lo, &hi);   /* this rank's rows (rt_dist.h) */
    if (hi > lo && rt_ws_over_rows(m, p, 0, n < 512 ? n : 512, rows + lo * row_floats, hi - lo, row_floats,
                                   recon_chunk, &err))
        return -1;
    if (rt_dist_sum(NULL, 0, &err, 1)) return -1;
    *mse = err / (double)n / (double)row_floats;
    return 0;
}

/* causes that are there before the first update */
static int check_start(const rt_model *m, const rt_params *p, const rt_dataset *data, int64_t rf) {
    for (int i = 0; i < m->nparams; i++)
        for (int64_t k = 0; k < m->params[i].size; k++)
            if (!isfinite(p->value[i][k]))
                return rt_fail("parameter '%s' is not finite before training (%s[%lld] = %g): its init gives a value "
                               "a float cannot hold (floats end near 3.4e38)",
                               m->params[i].name, m->params[i].name, (long long)k, (double)p->value[i][k]);
    char why[512];
    if (rt_precision_bad(m, p->value, why, sizeof why))
        return rt_fail("%s before training: give it an init that makes the precision positive", why);
    for (int64_t r = 0; r < data->n; r++)
        for (int64_t c = 0; c < rf; c++)
            if (isinf(data->data[r * rf + c]))
                return rt_fail("the training data hold an infinite value (example %lld, value %lld): training on it "
                               "cannot give finite parameters", (long long)r + 1, (long long)c + 1);
    return 0;
}

static int binary_visibles(const rt_model *m) {
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE && m->groups[g].utype != RT_BERNOULLI && m->groups[g].utype != RT_SPIN)
            return 0;
    return 1;
}

int rt_pseudo_loglik(const rt_model *m, rt_params *p, const float *rows, int64_t n, int64_t row_floats,
                     uint64_t seed, double *avg) {
    if (!m->fe_exact || !binary_visibles(m))
        return rt_fail("pseudo-log-likelihood needs binary visible units and a closed-form free energy");
    int64_t nvis = 0;
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE) nvis += m->groups[g].size;
    int64_t B = n < 512 ? n : 512, lo, hi;
    rt_dist_share(n, &lo, &hi);   /* this rank's rows; the flips follow the row's number */
    rt_ws *w = rt_ws_new(m, B, p, seed);
    double s = 0;
    for (int64_t r0 = lo; r0 < hi; r0 += B) {
        int64_t k = hi - r0 < B ? hi - r0 : B;
        w->B = k;
        rt_ws_set_visible(w, rows + r0 * row_floats, k, row_floats);
        rt_ws_run(w, m->k_free_energy);
        double *f0 = malloc(sizeof(double) * (size_t)k);
        for (int64_t r = 0; r < k; r++) f0[r] = w->bufs[m->fe_buf][r];
        /* flip one unit per row: spins change sign, bits 0 <-> 1 */
        for (int64_t r = 0; r < k; r++) {
            int64_t u = (int64_t)(rt_uniform(seed, 1u << 26, 0, (uint32_t)(r0 + r)) * (float)nvis);
            if (u >= nvis) u = nvis - 1;
            for (int g = 0; g < m->ngroups; g++) {
                const rt_group *gr = &m->groups[g];
                if (gr->role != RT_VISIBLE) continue;
                if (u < gr->size) {
                    float *x = w->bufs[gr->state_buf] + r * gr->size + u;
                    *x = gr->utype == RT_SPIN ? -*x : 1.0f - *x;
                    break;
                }
                u -= gr->size;
            }
        }
        rt_ws_run(w, m->k_free_energy);
        for (int64_t r = 0; r < k; r++) {
            double d = w->bufs[m->fe_buf][r] - f0[r];   /* F(flipped) - F(v) */
            s += (double)nvis * -(d > 0 ? log1p(exp(-d)) : -d + log1p(exp(d)));
        }
        free(f0);
    }
    rt_ws_free(w);
    if (rt_dist_sum(NULL, 0, &s, 1)) return -1;
    *avg = s / (double)n;
    return 0;
}

/* Missing values (NaN in a data row) are latent: the observed units are
 * held and a few Gibbs sweeps draw the missing ones (and the hidden ones)
 * given them, so the positive phase sees a completed row. */
static void impute(rt_ws *w, const float *rows, int64_t n, int64_t rf, int sweeps) {
    const rt_model *m = w->m;
    int any = 0;
    for (int64_t i = 0; i < n * rf && !any; i++) any = isnan(rows[i]);
    if (!any) return;
    int64_t off = 0;
    float *v = malloc(sizeof(float) * (size_t)(n * rf));
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role != RT_VISIBLE) continue;
        for (int64_t r = 0; r < n; r++) {
            memcpy(v + r * gr->size, rows + r * rf + off, sizeof(float) * (size_t)gr->size);
            /* a neutral start for the missing units */
            float *x = w->bufs[gr->state_buf] + r * gr->size;
            for (int64_t i = 0; i < gr->size; i++)
                if (isnan(x[i])) x[i] = gr->utype == RT_SPIN || gr->utype == RT_GAUSSIAN ? 0.0f : 0.5f;
        }
        rt_ws_clamp(w, g, v, NULL, n);
        off += gr->size;
    }
    for (int s = 0; s < (sweeps > 1 ? sweeps : 1) + 4; s++) rt_ws_sweep(w);
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE) rt_ws_clamp(w, g, NULL, NULL, 0);
    free(v);
}

/* Centering offsets follow the mean of their group in the positive phase
 * (data for visible groups, conditional means for hidden ones), by an
 * exponential moving average; they take no gradient step. */
/* the offsets' moving averages of the batch's means: pos holds this rank's
 * `rows` of the batch's nb (all of them in one process); in a job of
 * several ranks one exchange per offset adds the ranks' sums (rt_dist.h).
 * In turn: a hidden group's means read the offsets updated before them. */
static int update_offsets(const rt_model *m, rt_params *p, rt_ws *pos, int64_t rows, int64_t nb) {
    int rc = 0;
    for (int i = 0; i < m->nparams && !rc; i++) {
        const rt_param *q = &m->params[i];
        if (q->offset_of < 0) continue;
        const rt_group *g = &m->groups[q->offset_of];
        if (g->role == RT_HIDDEN && m->fe_exact && rows > 0) rt_ws_run(pos, g->k_mean);   /* summed out: compute its means */
        const float *x = pos->bufs[g->role == RT_HIDDEN ? g->mean_buf : g->state_buf];
        double *sum = calloc((size_t)q->size, sizeof(double));
        for (int64_t k = 0; k < q->size; k++)
            for (int64_t r = 0; r < rows; r++) sum[k] += x[r * g->size + k];
        rc = rt_dist_sum(NULL, 0, sum, q->size);
        for (int64_t k = 0; k < q->size && !rc; k++)
            p->value[i][k] = (float)((1 - q->offset_rate) * p->value[i][k] + q->offset_rate * sum[k] / (double)nb);
        free(sum);
    }
    return rc;
}

/* a batch's data rows (in the shuffled order) into a block of rows, or
 * straight into a workspace's visible groups; parts of the batch */
typedef struct Gather {
    float *rows;
    rt_ws *ws;
    const float *data;
    const int64_t *order;
    int64_t rf;
} Gather;

static void gather_part(void *ctx, int64_t lo, int64_t hi) {
    const Gather *g = ctx;
    if (g->ws) rt_ws_set_visible_at(g->ws, g->data, g->order, lo, hi, g->rf);
    else
        for (int64_t r = lo; r < hi; r++)
            memcpy(g->rows + r * g->rf, g->data + g->order[r] * g->rf, sizeof(float) * (size_t)g->rf);
}

static void zero_part(void *x, int64_t lo, int64_t hi) { memset((float *)x + lo, 0, sizeof(float) * (size_t)(hi - lo)); }

/* init logit_mean: a visible bias starts at the log-odds of its unit's mean
 * in the training rows (Hinton's practical guide, section 8), with the mean
 * clipped to [0.01, 0.99] so that a unit constant in the data gets a finite
 * bias (+-4.595); a spin unit's bias is half that (P(+1) = sigmoid(2a)).
 * Missing values (NaN) are left out of the mean. */
static void init_logit_mean(const rt_model *m, rt_params *p, const float *rows, int64_t n, int64_t rf) {
    for (int i = 0; i < m->nparams; i++) {
        const rt_param *q = &m->params[i];
        if (q->init != RT_INIT_LOGIT_MEAN) continue;
        int gi = (int)q->init_a;
        int64_t off = 0;
        for (int k = 0; k < gi; k++)
            if (m->groups[k].role == RT_VISIBLE) off += m->groups[k].size;
        int spin = m->groups[gi].utype == RT_SPIN;
        for (int64_t u = 0; u < q->size; u++) {
            double sum = 0, count = 0;
            for (int64_t r = 0; r < n; r++) {
                float x = rows[r * rf + off + u];
                if (!isnan(x)) sum += spin ? (x + 1) / 2 : x, count++;
            }
            double mean = count > 0 ? sum / count : 0.5;
            mean = mean < 0.01 ? 0.01 : mean > 0.99 ? 0.99 : mean;
            p->value[i][u] = (float)((spin ? 0.5 : 1) * log(mean / (1 - mean)));
        }
    }
}

/* rt_update_step as rt_adaptive's step */
typedef struct Step {
    const rt_model *m;
    rt_params *p;
    const rt_train_cfg *cfg;
    double mom, wd;
} Step;

static void step_at(void *ctx, double lr) {
    const Step *s = ctx;
    rt_update_step(s->m, s->p, s->cfg, lr, s->mom, s->wd);
}

/* the reporter's event (rt_progress.h): after a batch that brought the
 * epoch to `done` rows (`rows` of them summed in err and loss), or at the
 * end of an epoch with its stats */
static void report(const rt_train_cfg *cfg, int epoch, int64_t done, int64_t n, int64_t B, int64_t rows, double err,
                   double loss, int64_t rf, const rt_epoch_stats *st, double optimum, int prints) {
    if (!cfg->on_progress) return;
    rt_progress ev = {epoch, cfg->epochs, (done + B - 1) / B, (n + B - 1) / B,
                      rows > 0 && !isnan(err) ? err / (double)rows / (double)rf : NAN,
                      rows > 0 && !isnan(loss) ? loss / (double)rows : NAN, st, optimum, prints};
    cfg->on_progress(cfg->progress_ctx, &ev);
}

/* CD and PCD through the conditional means: when the compiler gave a
 * grad.mean kernel (the statistic read from the summed-out groups' mean
 * buffers) and every block is all hidden or all visible, a batch runs
 *     pos: hidden | data (means, and samples for the chain), grad.mean
 *     neg: k times (visible | hidden, then hidden | visible), grad.mean
 * which is CD-k / PCD with each field computed once: an RBM's CD-1 costs
 * 5 GEMMs instead of 6. Otherwise the general path below runs. */
static int means_flow(const rt_model *m, const rt_train_cfg *cfg, int missing) {
    if (m->k_grad_mean < 0 || !m->fe_exact || missing || (cfg->method != RT_CD && cfg->method != RT_PCD)) return 0;
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role == RT_INPUT) continue;
        if (gr->sampler != RT_SAMPLER_EXACT || gr->k_sample < 0 || gr->k_mean < 0) return 0;
        for (int h = 0; h < m->ngroups; h++)
            if (m->groups[h].block == gr->block && m->groups[h].role != RT_INPUT &&
                (m->groups[h].role == RT_HIDDEN) != (gr->role == RT_HIDDEN))
                return 0;
    }
    return 1;
}

/* gradient = enhanced and adapt_lr take the two phases of CD, PCD or PT */
static int gradient_options_check(const rt_model *m, const rt_train_cfg *cfg, int missing) {
    const char *what = cfg->gradient == RT_GRADIENT_ENHANCED ? "gradient = enhanced" : "adapt_lr";
    if (cfg->method != RT_CD && cfg->method != RT_PCD && cfg->method != RT_PT)
        return rt_fail("%s needs method cd, pcd or pt (a data and a model phase)", what);
    if (missing) return rt_fail("%s needs complete data: model '%s' is trained on rows with missing values", what, m->name);
    return 0;
}

/* one update of the groups of `role` in sweep order; mean: the conditional
 * means instead of draws (the state becomes the mean) */
static void update_role(rt_ws *w, int role, int mean) {
    const rt_model *m = w->m;
    for (int k = 0; k < m->nblocks; k++)
        for (int g = 0; g < m->ngroups; g++)
            if (m->groups[g].block == m->sweep[k] && m->groups[g].role == role) {
                rt_ws_run(w, mean ? m->groups[g].k_mean : m->groups[g].k_sample);
                rt_ws_apply_clamp(w, g);
            }
}

/* the states the negative phase starts from: the hidden groups' draws and
 * the inputs (the visible groups are drawn first, from the hidden ones) */
static void copy_states(rt_ws *to, const rt_ws *from, int64_t rows) {
    const rt_model *m = to->m;
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role != RT_VISIBLE)
            memcpy(to->bufs[m->groups[g].state_buf], from->bufs[m->groups[g].state_buf],
                   sizeof(float) * (size_t)(rows * m->groups[g].size));
}

static void copy_visible(rt_ws *to, const rt_ws *from, int64_t rows) {
    const rt_model *m = to->m;
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role != RT_HIDDEN)
            memcpy(to->bufs[m->groups[g].state_buf], from->bufs[m->groups[g].state_buf],
                   sizeof(float) * (size_t)(rows * m->groups[g].size));
}

int rt_train(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
             rt_train_report *rep) {
    /* sequences: the loops over time of rt_recurrent.c */
    if (m->recur) return rt_recurrent_train(m, p, data, cfg, progress, rep);
    int64_t rf = rt_visible_floats(m), n = data->n;
    if (rt_dataset_row(data) != rf)
        return rt_fail("the data has %lld values per example but the model's visible groups hold %lld",
                       (long long)rt_dataset_row(data), (long long)rf);
    if (n == 0) return rt_fail("the training data is empty");
    if (check_start(m, p, data, rf)) return -1;
    for (int k = 0; k < cfg->nparam_rules; k++) {
        int found = 0;
        for (int i = 0; i < m->nparams; i++) found |= !strcmp(m->params[i].name, cfg->param_rules[k].param);
        if (!found) return rt_fail("params: model '%s' has no parameter '%s'", m->name, cfg->param_rules[k].param);
    }
    if (cfg->method == RT_MP) return rt_mp(m, p, data, cfg, progress, rep);
    if (cfg->method >= RT_EM) return rt_train_method(m, p, data, cfg, progress, rep);
    if (rt_train_dist_check(m, cfg)) return -1;
    /* fe_gap's held-out rows: the validation set, or the last 10% of the
     * data, which then stay out of training */
    const float *held = cfg->validation ? cfg->validation->data : NULL;
    int64_t nheld = cfg->validation ? cfg->validation->n : 0;
    if (cfg->validation && rt_dataset_row(cfg->validation) != rf)
        return rt_fail("the validation data has %lld values per example but the model's visible groups hold %lld",
                       (long long)rt_dataset_row(cfg->validation), (long long)rf);
    if (cfg->mon_fe_gap && !held && n >= 10) {
        nheld = n / 10;
        n -= nheld;
        held = data->data + n * rf;
    }
    int64_t B = cfg->batch < n ? cfg->batch : n;
    int64_t C = cfg->method == RT_PCD || cfg->method == RT_PT ? cfg->chains : B;
    int inputs = 0;
    for (int g = 0; g < m->ngroups; g++) inputs |= m->groups[g].role == RT_INPUT;
    if (inputs && cfg->method == RT_PCD)
        return rt_fail("model '%s' has input groups: persistent chains have no input of their own; use method = cd(k = 1)",
                       m->name);
    if ((cfg->method == RT_DISCRIMINATIVE || cfg->mon_accuracy) && rt_conditional_check(m, cfg->target)) return -1;
    int minimize = cfg->method == RT_MINIMIZE || cfg->method == RT_ADVERSARIAL;
    if (minimize && m->k_grad_loss < 0)
        return rt_fail("method = minimize needs a 'loss = ...' line in model '%s'", m->name);
    const rt_model *gm = cfg->method == RT_ADVERSARIAL ? cfg->adversary : NULL;
    if (cfg->method == RT_ADVERSARIAL && (!gm || gm->k_grad_loss < 0 || gm->nparams != m->nparams))
        return rt_fail("internal: method = adversarial without the generator's step of model '%s'", m->name);
    if (gm && rt_dist_size() > 1) return rt_fail("method = adversarial runs in one process (not yet across ranks)");
    int sampled = 0;
    for (int g = 0; g < m->ngroups; g++) sampled |= m->groups[g].k_sample >= 0 || m->groups[g].sampler != RT_SAMPLER_EXACT;
    if (!minimize && !sampled)
        return rt_fail("model '%s' has nothing to sample (only a loss?): train it with method = minimize", m->name);
    /* the workspaces below, checked against the machine before allocating
     * (chains = 100000000 is refused with the number, not an abort) */
    char what[96];
    snprintf(what, sizeof what, "training with batch %lld and %lld chains", (long long)B, (long long)C);
    if (rt_memory_check(3 * rt_ws_bytes(m, B) + rt_ws_bytes(m, C) + 4.0 * (double)B * (double)rf, what)) return -1;
    /* in a job of several ranks (rt_train_dist.h) each draws from streams
     * of its own and holds its share [c0, c0 + Cl) of the persistent chains */
    uint64_t seed = rt_dist_seed(cfg->seed);
    int64_t c0 = 0, c1 = C;
    if (cfg->method == RT_PCD || cfg->method == RT_PT) rt_dist_share(C, &c0, &c1);
    int64_t Cl = c1 - c0;
    rt_ws *dis = cfg->method == RT_DISCRIMINATIVE ? rt_ws_new(m, B * rt_target_configs(m, cfg->target), p, seed) : NULL;
    rt_ws *pos = rt_ws_new(m, B, p, seed);
    rt_ws *neg = rt_ws_new(m, Cl, p, seed + 0x9e3779b97f4a7c15ULL);
    rt_ws *rec = cfg->mon_recon ? rt_ws_new(m, B, p, seed) : NULL;
    /* the generator's step draws noise of its own, keyed by pos's step */
    rt_ws *gen = gm ? rt_ws_new(gm, B, p, seed + 0x5851f42d4c957f2dULL) : NULL;
    int64_t *order = malloc(sizeof(int64_t) * (size_t)n);
    float *rows = malloc(sizeof(float) * (size_t)(B * rf));
    int missing = 0;
    for (int64_t i = 0; i < n * rf && !missing; i++) missing = isnan(data->data[i]);
    /* with missing values, likelihood monitors would need the marginal */
    int means = means_flow(m, cfg, missing);
    int exact = !missing && cfg->mon_exact && m->fe_exact && m->enum_log2_states >= 0 && m->enum_log2_states <= 22;
    rep->epochs = 0;
    rep->per_epoch = calloc((size_t)cfg->epochs + 1, sizeof(rt_epoch_stats));
    rep->optimum = -rt_empirical_entropy(data->data, n, rf);
    if (cfg->method == RT_PCD) {
        /* chains start at data examples (hidden groups random; the first
         * sweep draws them from their conditional) */
        rt_ws_randomize(neg, 1u << 27);
        for (int64_t r0 = 0; r0 < Cl; r0 += B) {
            int64_t k = Cl - r0 < B ? Cl - r0 : B;
            for (int64_t r = 0; r < k; r++)
                memcpy(rows + r * rf, data->data + ((c0 + r0 + r) % n) * rf, sizeof(float) * (size_t)rf);
            for (int g = 0; g < m->ngroups; g++)
                if (m->groups[g].role != RT_HIDDEN) neg->bufs[m->groups[g].state_buf] += r0 * m->groups[g].size;
            rt_ws_set_visible(neg, rows, k, rf);
            for (int g = 0; g < m->ngroups; g++)
                if (m->groups[g].role != RT_HIDDEN) neg->bufs[m->groups[g].state_buf] -= r0 * m->groups[g].size;
        }
        /* the means flow's sweeps start with the visible groups: draw the
         * hidden ones from the data first */
        if (means) update_role(neg, RT_HIDDEN, 0);
    }
    /* centering offsets start at the data mean (visible) or 1/2 (hidden) */
    for (int i = 0; i < m->nparams; i++) {
        const rt_param *q = &m->params[i];
        if (q->offset_of < 0) continue;
        const rt_group *g = &m->groups[q->offset_of];
        int64_t off = 0;
        for (int k = 0; k < q->offset_of; k++)
            if (m->groups[k].role == RT_VISIBLE) off += m->groups[k].size;
        for (int64_t k = 0; k < q->size; k++) {
            double mean = 0;
            if (g->role == RT_VISIBLE)
                for (int64_t r = 0; r < n; r++) mean += data->data[r * rf + off + k] / (double)n;
            p->value[i][k] = g->role == RT_VISIBLE ? (float)mean : 0.5f;
        }
    }
    if (!cfg->resume_path) init_logit_mean(m, p, data->data, n, rf);
    int rc = 0;
    rt_pt *pt = NULL;   /* RT_PT: the chains' temperature ladders (rt_pt.c) */
    rt_guard *guard = NULL;
    rt_enhanced *enh = NULL;   /* gradient = enhanced */
    rt_adaptive *ada = NULL;   /* adapt_lr */
    double adapt = 1;          /* adapt_lr's rate over the schedule's */
    /* pt: this rank's chains, each with its whole ladder (swaps stay
     * within a chain, so within a rank), drawn from the rank's streams */
    rt_train_cfg mine = *cfg;
    mine.chains = Cl;
    mine.seed = seed;
    if (cfg->method == RT_PT && !(pt = rt_pt_for_training(&mine, p, data->data, n, rf))) {
        rc = -1;
        goto out;
    }
    rt_train_position at = {1, 0, 0, 0};
    if (cfg->resume_path) {
        if (rt_train_dist_load(cfg->resume_path, m, p, cfg->method == RT_PCD ? neg : NULL, C, c0, &at)) {
            rc = -1;
            goto out;
        }
        pos->step = at.pos_step;
        neg->step = at.neg_step;
    }
    double last_save = now();
    /* recon_error during training: on at most 32 evenly spaced batches of
     * an epoch (every stride-th, the first included), with the parameters
     * the batch's gradient is computed at; the means flow reads E[h | v]
     * from its positive phase, so a watched batch costs one GEMM more */
    int64_t stride = ((n + B - 1) / B + RECON_BATCHES - 1) / RECON_BATCHES;
    int trained = 0;   /* a batch has run since the start (or the resume) */
    /* collapse: the last good state, and the learning rate's cut so far */
    if (cfg->on_collapse != RT_COLLAPSE_IGNORE) guard = rt_guard_new(m, p, cfg->method == RT_PCD ? neg : NULL, at.epoch - 1);
    double lr_scale = 1;
    int restores = 0;
    if ((cfg->gradient == RT_GRADIENT_ENHANCED || cfg->adapt_lr > 0) &&
        ((rc = gradient_options_check(m, cfg, missing)) ||
         (cfg->gradient == RT_GRADIENT_ENHANCED && !(enh = rt_enhanced_new(m, p, data->data, n, rf))) ||
         (cfg->adapt_lr > 0 && !(ada = rt_adaptive_new(m, p, cfg->adapt_lr))))) {
        rc = -1;
        goto out;
    }
    /* several ranks: the stop signal and the checkpoint minutes as all of
     * them saw them in the last batch's exchange (rank 0's clock) */
    int dist = rt_dist_size() > 1, agreed[2] = {0, 0};
    /* the update checks' context (rt_diverge.h): where the batch is, and the
     * checkpoint written last, which a failure keeps */
    rt_update_at ua = {0, 0, (n + B - 1) / B, data->data, NULL, 0, rf, 0, cfg, 0, 0};
    if (cfg->resume_path && cfg->checkpoint_path && !strcmp(cfg->resume_path, cfg->checkpoint_path))
        ua.saved_epoch = at.epoch, ua.saved_batch = at.batch;
    for (int epoch = at.epoch; epoch <= cfg->epochs && !rc && !rep->stopped; epoch++) {
        double t0 = now(), lr = rt_schedule_at(&cfg->lr, epoch, cfg->epochs) * lr_scale,
               mom = rt_schedule_at(&cfg->momentum, epoch, cfg->epochs),
               wd = rt_schedule_at(&cfg->weight_decay, epoch, cfg->epochs);
        double err = 0, loss_sum = 0, gen_sum = 0;
        int64_t gen_rows = 0;
        int64_t watched = 0;   /* rows in err */
        rt_shuffle(order, n, cfg->seed, epoch);
        int64_t first = epoch == at.epoch ? at.batch * B : 0;
        for (int64_t b0 = first; b0 < n; b0 += B) {
            /* a checkpoint here: on a signal, or when the minutes are up */
            int stop = dist ? agreed[0] : cfg->stop && *cfg->stop;
            int due = dist ? agreed[1] : cfg->checkpoint_minutes > 0 && now() - last_save > 60 * cfg->checkpoint_minutes;
            if (trained && cfg->checkpoint_path && (stop || due)) {
                rt_train_position here = {epoch, b0 / B, pos->step, neg->step};
                if ((rc = rt_train_dist_save(cfg->checkpoint_path, m, p, cfg->method == RT_PCD ? neg : NULL, C, &here, cfg->meta,
                                             cfg->nmeta)))
                    break;
                ua.saved_epoch = epoch, ua.saved_batch = b0 / B;
                last_save = now();
                if (stop) {
                    rep->stopped = 1;
                    break;
                }
            }
            int64_t nb = n - b0 < B ? n - b0 : B;
            trained = 1;
            /* this rank's rows of the batch: [lo, lo + nl) (all of them in
             * one process); the weights divide by the whole batch's nb */
            int64_t lo, hi;
            rt_dist_share(nb, &lo, &hi);
            int64_t nl = hi - lo;
            double was[3] = {err, (double)watched, loss_sum};
            ua.epoch = epoch, ua.batch = b0 / B + 1, ua.rows = order + b0 + lo, ua.nrows = nl, ua.lr = lr;
            /* the rows themselves are needed only to impute or for the
             * discriminative pass; otherwise they go straight to pos */
            int direct = !missing && !dis;
            Gather ga = {rows, direct ? pos : NULL, data->data, order + b0 + lo, rf};
            pos->B = nl;
            rt_par_for(gather_part, &ga, nl, nl * rf);
            if (!direct) rt_ws_set_visible(pos, rows, nl, rf);
            if (missing) impute(pos, rows, nl, rf, cfg->k);
            for (int i = 0; i < m->nparams; i++) rt_par_for(zero_part, p->grad[i], m->params[i].size, m->params[i].size);
            if (enh) rt_enhanced_begin(enh);
            if (minimize) {
                loss_gradient(pos, nl, nb, &loss_sum);
                if (dist && (rc = rt_train_dist_batch(m, p, cfg, &err, &watched, &loss_sum, was, last_save, agreed))) break;
                if ((rc = rt_check_gradient(m, p, &ua))) break;
                rt_update_step(m, p, cfg, lr, mom, wd);
                if ((rc = rt_check_update(m, p, &ua))) break;
                /* adversarial: after every k-th discriminator step (in the
                 * epoch's batch order, so a resumed run steps alike) the
                 * generator's, on the same parameters */
                if (gen && (b0 / B + 1) % cfg->k == 0) {
                    for (int i = 0; i < m->nparams; i++) rt_par_for(zero_part, p->grad[i], m->params[i].size, m->params[i].size);
                    gen->B = nl;
                    gen->step = pos->step;
                    loss_gradient(gen, nl, nb, &gen_sum);
                    gen_rows += nl;
                    if ((rc = rt_check_gradient(gm, p, &ua))) break;
                    rt_update_step_counted(gm, p, cfg, lr, mom, wd, &p->gen_steps);
                    if ((rc = rt_check_update(gm, p, &ua))) break;
                }
                report(cfg, epoch, b0 + nb, n, B, b0 + nb - first, NAN, loss_sum, rf, NULL, NAN, 0);
                continue;
            }
            /* discriminative: the gradient of log p(target | rest), plus
             * `generative` times the likelihood's (a hybrid) */
            double gen = cfg->method == RT_DISCRIMINATIVE ? cfg->generative : 1.0;
            int64_t negs = cfg->method == RT_PCD || pt ? C : nb;   /* negative rows of all ranks */
            if (dis) {
                rt_conditional_pass(m, dis, cfg->target, rows, nl, rf, 1, NULL, NULL);
                if (nl != nb) rt_train_dist_scale(m, p, (double)nl / (double)nb);   /* its weights were 1/nl */
            }
            if (gen > 0 && means) {
                update_role(pos, RT_HIDDEN, 0);
                fill_weights(pos, nl, (float)(-gen / (double)nb));
                rt_ws_run(pos, m->k_grad_mean);
                if (enh) rt_enhanced_data_done(enh);
                if (rec && (b0 / B) % stride == 0) {
                    rec->B = nl;
                    copy_visible(rec, pos, nl);
                    err += recon_error(rec, nl, pos);
                    watched += nl;
                }
                if (cfg->method != RT_PCD) {
                    neg->B = nl;
                    copy_states(neg, pos, nl);
                }
                for (int s = 0; s < cfg->k; s++) {
                    update_role(neg, RT_VISIBLE, 0);
                    /* CD's last hidden states are not kept: means suffice */
                    update_role(neg, RT_HIDDEN, cfg->method == RT_CD && s == cfg->k - 1);
                }
                fill_weights(neg, neg->B, (float)(gen / (double)negs));
                rt_ws_run(neg, m->k_grad_mean);
                if ((rc = update_offsets(m, p, pos, nl, nb))) break;
            } else if (gen > 0) {
                if (!m->fe_exact) rt_mean_field(pos, cfg->mf_iters, cfg->mf_tol);
                fill_weights(pos, nl, (float)(-gen / (double)nb));
                rt_ws_run(pos, m->k_grad);
                if (enh) rt_enhanced_data_done(enh);
                if (rec && (b0 / B) % stride == 0) {
                    rec->B = nl;
                    copy_visible(rec, pos, nl);
                    err += recon_error(rec, nl, NULL);
                    watched += nl;
                }
                if (pt) {
                    rt_pt_negative(pt, neg, cfg->k);   /* the target replicas */
                } else {
                    if (cfg->method != RT_PCD) {
                        neg->B = nl;
                        copy_visible(neg, pos, nl);
                    }
                    for (int s = 0; s < cfg->k; s++) rt_ws_sweep(neg);
                }
                fill_weights(neg, neg->B, (float)(gen / (double)negs));
                rt_ws_run(neg, m->k_grad);
                if ((rc = update_offsets(m, p, pos, nl, nb))) break;
            }
            if (dist && (rc = rt_train_dist_batch(m, p, cfg, &err, &watched, &loss_sum, was, last_save, agreed))) break;
            if (enh && (rc = rt_enhanced_apply(enh))) break;
            if (ada && lr > 0) {
                Step at_lr = {m, p, cfg, mom, wd};
                adapt = rt_adaptive_choose(ada, pos, neg, lr * adapt, step_at, &at_lr, NULL) / lr;
                if (isnan(adapt)) {
                    rc = -1;
                    break;
                }
            }
            ua.lr = lr * adapt;
            if ((rc = rt_check_gradient(m, p, &ua))) break;
            rt_update_step(m, p, cfg, lr * adapt, mom, wd);
            if ((rc = rt_check_update(m, p, &ua))) break;
            report(cfg, epoch, b0 + nb, n, B, watched, rec && watched ? err : NAN, NAN, rf, NULL, NAN, 0);
        }
        if (rc || rep->stopped) break;
        if ((rc = rt_train_dist_same(m, p, epoch))) break;
        if (cfg->checkpoint_path && cfg->checkpoint_every > 0 && epoch % cfg->checkpoint_every == 0 && epoch < cfg->epochs) {
            rt_train_position next = {epoch + 1, 0, pos->step, neg->step};
            if ((rc = rt_train_dist_save(cfg->checkpoint_path, m, p, cfg->method == RT_PCD ? neg : NULL, C, &next, cfg->meta,
                                         cfg->nmeta)))
                break;
            ua.saved_epoch = epoch + 1, ua.saved_batch = 0;
            last_save = now();
        }
        rt_epoch_stats *st = &rep->per_epoch[epoch - 1];
        st->epoch = epoch;
        st->recon = watched ? err / (double)watched / (double)rf : NAN;
        st->pll = st->loglik = st->logz = st->accuracy = st->cond_loglik = st->fe_gap = st->swap_rate = NAN;
        st->loss = minimize ? loss_sum / (double)n : NAN;
        st->gen_loss = gen && gen_rows ? gen_sum / (double)gen_rows : NAN;
        int monitor = cfg->mon_every > 0 && (epoch % cfg->mon_every == 0 || epoch == cfg->epochs);
        if (monitor && !missing && cfg->mon_pll && m->fe_exact && binary_visibles(m)) {
            int64_t k = n < 2000 ? n : 2000;
            if (rt_pseudo_loglik(m, p, data->data, k, rf, cfg->seed + (uint64_t)epoch, &st->pll)) st->pll = NAN;
        }
        if (monitor && !missing && cfg->mon_accuracy) {
            int64_t k = n < 2000 ? n : 2000;
            rt_classify(m, p, cfg->target, data->data, k, rf, &st->cond_loglik, &st->accuracy);
        }
        if (monitor && cfg->mon_fe_gap && held && m->fe_exact &&
            rt_fe_gap(m, p, data->data, n, held, nheld, rf, &st->fe_gap))
            st->fe_gap = NAN;
        if (pt) {
            st->swap_rate = rt_train_dist_swap_rate(pt);
            rt_pt_reset_rates(pt);
        }
        if (monitor && exact) {
            double sum;
            if (!rt_exact_logz(m, p, &st->logz) && !rt_exact_loglik(m, p, st->logz, data->data, n, rf, &sum))
                st->loglik = sum / (double)n;
        }
        st->seconds = now() - t0;
        st->lr = lr * adapt;
        st->momentum = cfg->optimizer == RT_ADAM ? NAN : mom;
        st->weight_decay = wd;
        rep->epochs = epoch;
        report(cfg, epoch, n, n, B, 1, rec && !minimize ? st->recon : NAN, st->loss, 1, st, rep->optimum,
               progress && !cfg->quiet && monitor);
        if (progress && !cfg->quiet && monitor) {
            fprintf(progress, "epoch %3d/%d", epoch, cfg->epochs);
            if (cfg->mon_recon && !minimize) fprintf(progress, "  recon %.5f", st->recon);
            if (!isnan(st->loss)) fprintf(progress, "  loss %.5f", st->loss);
            if (!isnan(st->gen_loss)) fprintf(progress, "  gen_loss %.5f", st->gen_loss);
            if (cfg->adapt_lr > 0) fprintf(progress, "  lr %.4g", st->lr);
            if (!isnan(st->pll)) fprintf(progress, "  pll %.4f", st->pll);
            if (!isnan(st->fe_gap)) fprintf(progress, "  fe_gap %.4f", st->fe_gap);
            if (!isnan(st->swap_rate)) fprintf(progress, "  swap %.3f", st->swap_rate);
            if (!isnan(st->loglik)) fprintf(progress, "  loglik %.4f (exact; optimum %.4f)", st->loglik, rep->optimum);
            if (!isnan(st->accuracy))
                fprintf(progress, "  log p(%s|rest) %.4f  accuracy %.4f", m->groups[cfg->target].name, st->cond_loglik, st->accuracy);
            for (int g = 0; g < m->ngroups; g++)
                if (neg->proposals[g])
                    fprintf(progress, "  accept(%s) %.3f", m->groups[g].name, (double)neg->accepts[g] / (double)neg->proposals[g]);
            fprintf(progress, "  %.2f s/epoch\n", st->seconds);
            fflush(progress);
        }
        char why[256];
        if (guard && rt_guard_epoch(guard, st, why, sizeof why)) {
            int good = rt_guard_restore(guard);
            if (cfg->on_collapse == RT_COLLAPSE_RESTORE && good >= 0 && restores < RT_COLLAPSE_MAX_RESTORES) {
                restores++;
                lr_scale *= cfg->collapse_factor;
                rep->restores = restores;
                if (progress && !cfg->quiet)
                    fprintf(progress, "epoch %3d: collapse: %s; back to epoch %d, learning rate x %g\n", epoch, why, good,
                            lr_scale);
                continue;
            }
            rep->collapsed = epoch;
            if (good >= 0 && cfg->checkpoint_path) {
                rt_train_position next = {good + 1, 0, pos->step, neg->step};
                if ((rc = rt_train_dist_save(cfg->checkpoint_path, m, p, cfg->method == RT_PCD ? neg : NULL, C, &next, cfg->meta,
                                             cfg->nmeta)))
                    break;
            }
            if (good >= 0 && cfg->checkpoint_path)
                rc = rt_fail("training collapsed in epoch %d: %s; the state of epoch %d is in %s (continue it with --resume "
                             "and a lower lr, or set on_collapse = restore)", epoch, why, good, cfg->checkpoint_path);
            else
                rc = rt_fail("training collapsed in epoch %d: %s%s", epoch, why,
                             good >= 0 ? "" : "; no earlier epoch was healthy: lower the learning rate");
            break;
        }
    }
out:
    rt_guard_free(guard);
    rt_enhanced_free(enh);
    rt_adaptive_free(ada);
    rt_pt_free(pt);
    free(order);
    free(rows);
    rt_ws_free(pos);
    rt_ws_free(neg);
    rt_ws_free(rec);
    rt_ws_free(dis);
    rt_ws_free(gen);
    return rc;
}
