/* rt_wake_sleep.c — directed models with discrete latent variables trained
 * through a recognition model q(h | x): wake-sleep (Hinton, Dayan, Frey &
 * Neal 1995), and the variational method with REINFORCE (the
 * score-function estimator, Williams 1992; Goodfellow et al., Deep
 * Learning, 20.9.1) and a learned baseline (Mnih & Gregor 2014).
 *
 * Wake-sleep: in the wake phase the model takes the gradient of log p(x, h)
 * at h ~ q(h | x) (as below); in the sleep phase it dreams (x, h) by
 * ancestral sampling (the compiled prior.<g> kernels, parents first) and q
 * takes the gradient of log q(h | x) at the dream. Each phase is maximum
 * likelihood on complete data, so no estimator is needed, but the sleep
 * phase fits q to the wrong divergence; the ELBO printed is measured in the
 * wake phase.
 *
 * The model p (say a sigmoid belief net, h ~ bernoulli, x ~ bernoulli
 * (sigmoid(W.h + b))) and q (a second model of the spec: input x, visible
 * h, h ~ bernoulli(sigmoid(R.x + r))) are compiled separately, and each is
 * normalised, so their compiled energies are -log p(x, h) and -log q(h | x).
 * For a batch, h is drawn from q's conditional kernel, and
 *     l = log p(x, h) - log q(h | x)        (its mean is the ELBO)
 *     grad_p ELBO = E_q[grad_p log p(x, h)]         p's "grad" kernel with
 *                                                   weights -1/n
 *     grad_q ELBO = E_q[(l - b(x)) grad_q log q]    q's "grad" kernel with
 *                                                   weights -(l - b(x))/n
 * The baseline b(x) = mu + c + v.x does not change the expectation (E_q of
 * the score is 0) but removes most of the variance: mu is a running mean
 * of l, c + v.x a linear regression of l - mu on x learnt by normalised
 * LMS, and the centred signal is divided by its running standard
 * deviation (when above 1). baseline = optimal adds, per parameter,
 * the notes' optimal constant b*_k = E[sig g_k^2] / E[g_k^2] for what the
 * learned baseline leaves (sig, the residual signal): see
 * optimal_direction.
 *
 * In a job of several ranks (rt_dist.h) each rank draws the samples of its
 * share of every batch (and of the dreams) from streams of its own; the
 * weights divide by the whole batch, and one exchange per model adds the
 * gradients and the baseline's sums, so every rank takes the same step.
 * The draws differ from one process's, so N ranks train as well as one
 * process, not identically (as cd and pcd do). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_dist.h"
#include "rt_methods.h"
#include "rt_train_dist.h"

struct rt_reinforce {
    const rt_model *pm, *qm;
    rt_params *pp, *qp;
    rt_ws *pw, *qw;
    int64_t rows;
    int px, ph, qx, qh;     /* p's visible and hidden group, q's input and visible */
    double *v, c, mu, var;  /* the baseline */
    int started;
    double *l;              /* per row: the learning signal */
    /* the optimal baseline: a one-row workspace of q for each row's score,
     * that score, the direction, and running averages of sig g^2 and g^2 */
    rt_ws *qw1;
    double *g, *dir, *num, *den;
    int64_t nq;
};

static int find_group(const rt_model *m, const char *name) {
    for (int g = 0; g < m->ngroups; g++)
        if (!strcmp(m->groups[g].name, name)) return g;
    return -1;
}

/* q must read p's visible groups as inputs and produce p's hidden groups. */
static int pair_groups(rt_reinforce *r) {
    const rt_model *p = r->pm, *q = r->qm;
    r->px = r->ph = -1;
    for (int g = 0; g < p->ngroups; g++) {
        if (p->groups[g].role == RT_INPUT) return rt_fail("the recognition methods do not take input groups ('%s')", p->groups[g].name);
        int *slot = p->groups[g].role == RT_VISIBLE ? &r->px : &r->ph;
        if (*slot >= 0)
            return rt_fail("the recognition methods take one visible and one hidden group; model '%s' has more", p->name);
        *slot = g;
    }
    if (r->px < 0 || r->ph < 0) return rt_fail("model '%s' needs a visible and a hidden group", p->name);
    const rt_group *x = &p->groups[r->px], *h = &p->groups[r->ph];
    r->qx = find_group(q, x->name);
    r->qh = find_group(q, h->name);
    if (r->qx < 0 || q->groups[r->qx].role != RT_INPUT || q->groups[r->qx].size != x->size)
        return rt_fail("recognition model '%s' must read '%s' as an input group of %lld units", q->name, x->name, (long long)x->size);
    if (r->qh < 0 || q->groups[r->qh].role != RT_VISIBLE || q->groups[r->qh].size != h->size || q->groups[r->qh].k_sample < 0)
        return rt_fail("recognition model '%s' must produce '%s' as a visible group of %lld units with a sampled conditional",
                       q->name, h->name, (long long)h->size);
    for (int g = 0; g < q->ngroups; g++)
        if (g != r->qx && g != r->qh) return rt_fail("recognition model '%s' has a group '%s' model '%s' lacks", q->name, q->groups[g].name, p->name);
    if (h->utype != RT_BERNOULLI && h->utype != RT_SPIN && h->utype != RT_SOFTMAX && h->utype != RT_BINOMIAL)
        return rt_fail("REINFORCE is for discrete latent groups; '%s' is real-valued (use the reparameterisation trick: "
                       "method = minimize with a noise input)", h->name);
    return 0;
}

rt_reinforce *rt_reinforce_new(const rt_model *p, rt_params *pp, const rt_model *q, rt_params *qp, int64_t rows,
                               uint64_t seed) {
    rt_reinforce *r = calloc(1, sizeof *r);
    r->pm = p, r->qm = q, r->pp = pp, r->qp = qp, r->rows = rows;
    if (pair_groups(r)) {
        free(r);
        return NULL;
    }
    r->pw = rt_ws_new(p, rows, pp, seed);
    r->qw = rt_ws_new(q, rows, qp, seed + 0x9e3779b97f4a7c15ULL);
    r->v = calloc((size_t)p->groups[r->px].size, sizeof(double));
    r->l = calloc((size_t)rows, sizeof(double));
    for (int i = 0; i < q->nparams; i++) r->nq += q->params[i].size;
    return r;
}

void rt_reinforce_free(rt_reinforce *r) {
    if (!r) return;
    rt_ws_free(r->pw);
    rt_ws_free(r->qw);
    rt_ws_free(r->qw1);
    free(r->v);
    free(r->l);
    free(r->g);
    free(r->dir);
    free(r->num);
    free(r->den);
    free(r);
}

static void zero_grads(const rt_model *m, rt_params *p) {
    for (int i = 0; i < m->nparams; i++) memset(p->grad[i], 0, sizeof(float) * (size_t)m->params[i].size);
}

/* g = d log q(h | x) / d theta of row i of q's workspace, all of q's
 * parameters in one flat vector: q's grad kernel on that row alone */
static void row_score(rt_reinforce *r, int64_t i, double *g) {
    const rt_model *q = r->qm;
    int64_t dx = q->groups[r->qx].size, dh = q->groups[r->qh].size;
    memcpy(r->qw1->bufs[q->groups[r->qx].state_buf], r->qw->bufs[q->groups[r->qx].state_buf] + i * dx, sizeof(float) * (size_t)dx);
    memcpy(r->qw1->bufs[q->groups[r->qh].state_buf], r->qw->bufs[q->groups[r->qh].state_buf] + i * dh, sizeof(float) * (size_t)dh);
    r->qw1->bufs[q->weight_buf][0] = 1;
    zero_grads(q, r->qp);
    rt_ws_run(r->qw1, q->k_grad);
    /* the kernel leaves d(-log q)/d theta */
    for (int p = 0, o = 0; p < q->nparams; p++)
        for (int64_t k = 0; k < q->params[p].size; k++) g[o++] = -(double)r->qp->grad[p][k];
}

/* REINFORCE's direction in q's parameters with the optimal baseline,
 * (1/R) sum_rows (sig - d_k) g_k * scale: sig = l - mu - b(x) is the
 * learned baseline's residual, and d_k = E[sig g_k^2] / E[g_k^2] the
 * notes' optimal baseline for it, per parameter, from running averages of
 * earlier batches (so the estimate stays unbiased), which then learn.
 * Each row's score g needs a gradient pass of its own. */
static int optimal_direction(rt_reinforce *r, const double *sig, int64_t R, int64_t Rall, int split, double scale) {
    const rt_model *q = r->qm;
    int64_t nq = r->nq;
    if (!r->qw1) {
        r->qw1 = rt_ws_new(q, 1, r->qp, 1);
        r->g = malloc(sizeof(double) * (size_t)nq);
        r->dir = malloc(sizeof(double) * (size_t)(3 * nq));   /* with the batch's sums (one exchange) */
        r->num = calloc((size_t)nq, sizeof(double));
        r->den = calloc((size_t)nq, sizeof(double));
    }
    memset(r->dir, 0, sizeof(double) * (size_t)(3 * nq));
    double *bnum = r->dir + nq, *bden = r->dir + 2 * nq;
    for (int64_t i = 0; i < R; i++) {
        row_score(r, i, r->g);
        for (int64_t k = 0; k < nq; k++) {
            double g = r->g[k], g2 = g * g, d = r->den[k] > 1e-12 ? r->num[k] / r->den[k] : 0;
            r->dir[k] += (sig[i] - d) * g * scale / (double)Rall;
            bnum[k] += sig[i] * g2, bden[k] += g2;
        }
    }
    if (split && rt_dist_sum(NULL, 0, r->dir, 3 * nq)) return -1;
    int64_t R_ = Rall;
    const double a = 0.9;
    for (int64_t k = 0; k < nq; k++) {
        r->num[k] = a * r->num[k] + (1 - a) * bnum[k] / (double)R_;
        r->den[k] = a * r->den[k] + (1 - a) * bden[k] / (double)R_;
    }
    for (int p = 0, o = 0; p < q->nparams; p++)
        for (int64_t k = 0; k < q->params[p].size; k++) r->qp->grad[p][k] = (float)r->dir[o++];
    return 0;
}

/* rt_reinforce_batch; split: x holds the whole batch of every rank, this
 * rank takes its share of the rows, and the sums are added over the ranks
 * (every rank calls alike); q's gradients too unless wake (wake-sleep's
 * sleep phase replaces them). NAN after a failed exchange. */
static double batch(rt_reinforce *r, const float *x, int64_t n, int64_t S, int baseline, int normalize, int split,
                    int wake) {
    int use_baseline = baseline != RT_BASELINE_NONE;
    const rt_model *p = r->pm, *q = r->qm;
    int64_t dx = p->groups[r->px].size, dh = p->groups[r->ph].size;
    int64_t lo = 0, hi = n;
    if (split) rt_dist_share(n, &lo, &hi);
    int64_t Rall = n * S;   /* the weights' rows: of all ranks */
    x += lo * dx;
    n = hi - lo;
    int64_t R = n * S;
    if (R > r->rows) R = r->rows, n = R / S;
    if (!split) Rall = R;
    r->qw->B = r->pw->B = R;
    float *qx = r->qw->bufs[q->groups[r->qx].state_buf], *px = r->pw->bufs[p->groups[r->px].state_buf];
    for (int64_t i = 0; i < n; i++)
        for (int64_t s = 0; s < S; s++) {
            memcpy(qx + (i * S + s) * dx, x + i * dx, sizeof(float) * (size_t)dx);
            memcpy(px + (i * S + s) * dx, x + i * dx, sizeof(float) * (size_t)dx);
        }
    /* h ~ q(h | x), then -log q and -log p at (x, h) */
    rt_ws_run(r->qw, q->groups[r->qh].k_sample);
    memcpy(r->pw->bufs[p->groups[r->ph].state_buf], r->qw->bufs[q->groups[r->qh].state_buf], sizeof(float) * (size_t)(R * dh));
    rt_ws_run(r->qw, q->k_energy);
    rt_ws_run(r->pw, p->k_energy);
    /* the batch's sums: the ELBO's, the signal's two moments, the
     * baseline's steps (gmu, c, then v), added over the ranks with q's
     * gradients */
    double *sum = calloc((size_t)(5 + dx), sizeof(double));
    double *elbo = sum, *mean_s = sum + 1, *mean_s2 = sum + 2, *gmu = sum + 3, *dc = sum + 4, *dv = sum + 5;
    /* the baseline's c and v: rank 0 adds its steps to them, the others
     * to zero, so one process adds in the order the ranks do together */
    if (rt_dist_rank() == 0 || !split) {
        *dc = r->c;
        for (int64_t k = 0; k < dx; k++) dv[k] = r->v[k];
    }
    const float *eq = r->qw->bufs[q->energy_buf], *ep = r->pw->bufs[p->energy_buf];
    for (int64_t i = 0; i < R; i++) {
        r->l[i] = (double)eq[i] - ep[i];
        *elbo += r->l[i] / (double)Rall;
    }
    if (!r->started) {
        double e = *elbo;
        if (split && rt_dist_sum(NULL, 0, &e, 1)) e = NAN;
        r->mu = e;
        r->started = 1;
    }
    /* the centred learning signal and its baseline */
    double *sig = malloc(sizeof(double) * (size_t)R), *bx = malloc(sizeof(double) * (size_t)R);
    for (int64_t i = 0; i < R; i++) {
        double b = r->c;
        for (int64_t k = 0; k < dx; k++) b += r->v[k] * px[i * dx + k];
        bx[i] = b;
        sig[i] = use_baseline ? r->l[i] - r->mu - b : r->l[i];
        *mean_s += sig[i] / (double)Rall;
        *mean_s2 += sig[i] * sig[i] / (double)Rall;
    }
    double scale = normalize && use_baseline ? 1 / fmax(1.0, sqrt(r->var)) : 1;
    /* generative: ascent on log p(x, h); recognition: REINFORCE */
    zero_grads(p, r->pp);
    zero_grads(q, r->qp);
    float *pwt = r->pw->bufs[p->weight_buf], *qwt = r->qw->bufs[q->weight_buf];
    for (int64_t i = 0; i < R; i++) {
        pwt[i] = -1.0f / (float)Rall;
        qwt[i] = (float)(-sig[i] * scale / (double)Rall);
    }
    if (R > 0) rt_ws_run(r->pw, p->k_grad);
    int rc = 0;
    if (baseline == RT_BASELINE_OPTIMAL) rc = optimal_direction(r, sig, R, Rall, split, scale);
    else if (R > 0) rt_ws_run(r->qw, q->k_grad);
    if (use_baseline)
        for (int64_t i = 0; i < R; i++) {
            *gmu += (r->l[i] - r->mu) / (double)Rall;
            /* normalised LMS on l - mu: stable whatever the scale of x */
            const float *xi = px + i * dx;
            double err = r->l[i] - r->mu - bx[i], nx = 1;
            for (int64_t k = 0; k < dx; k++) nx += (double)xi[k] * xi[k];
            double step = 0.1 * err / nx / (double)Rall;
            *dc += step;
            for (int64_t k = 0; k < dx; k++) dv[k] += step * xi[k];
        }
    if (split && !rc && !wake && baseline != RT_BASELINE_OPTIMAL) rc = rt_train_dist_sum(q, r->qp, NULL, 0);
    if (split && !rc) rc = rt_train_dist_sum(p, r->pp, sum, (int)(5 + dx));
    if (use_baseline) {
        /* the baselines learn from this batch after it used them */
        const double a = 0.9;
        r->var = a * r->var + (1 - a) * fmax(*mean_s2 - *mean_s * *mean_s, 0) + (1 - a) * *mean_s * *mean_s;
        r->c = *dc;
        for (int64_t k = 0; k < dx; k++) r->v[k] = dv[k];
        r->mu += (1 - a) * *gmu;
    }
    double e = rc ? NAN : *elbo;
    free(sig);
    free(bx);
    free(sum);
    return e;
}

double rt_reinforce_batch(rt_reinforce *r, const float *x, int64_t n, int64_t S, int baseline, int normalize) {
    return batch(r, x, n, S, baseline, normalize, 0, 0);
}

int rt_ancestral(rt_ws *w) {
    const rt_model *m = w->m;
    if (m->nancestral == 0) return rt_fail("model '%s' has no ancestral sampler: it must be written with '~' statements "
                                           "alone, each with a bernoulli or normal child", m->name);
    for (int k = 0; k < m->nancestral; k++) rt_ws_run(w, m->groups[m->ancestral[k]].k_prior);
    return 0;
}

/* The sleep phase: (x, h) drawn from the model, q learns to recognise h
 * from x (ascent on log q(h | x) in q's gradient buffers). */
static int sleep_phase(rt_reinforce *r, int64_t n) {
    const rt_model *p = r->pm, *q = r->qm;
    int64_t lo, hi, all = n;   /* this rank's share of the dreams */
    rt_dist_share(n, &lo, &hi);
    n = hi - lo;
    r->pw->B = r->qw->B = n;
    zero_grads(q, r->qp);
    if (n == 0) return rt_train_dist_sum(q, r->qp, NULL, 0);
    rt_ancestral(r->pw);
    int64_t dx = p->groups[r->px].size, dh = p->groups[r->ph].size;
    memcpy(r->qw->bufs[q->groups[r->qx].state_buf], r->pw->bufs[p->groups[r->px].state_buf], sizeof(float) * (size_t)(n * dx));
    memcpy(r->qw->bufs[q->groups[r->qh].state_buf], r->pw->bufs[p->groups[r->ph].state_buf], sizeof(float) * (size_t)(n * dh));
    float *wt = r->qw->bufs[q->weight_buf];
    for (int64_t i = 0; i < n; i++) wt[i] = -1.0f / (float)all;
    rt_ws_run(r->qw, q->k_grad);
    return rt_train_dist_sum(q, r->qp, NULL, 0);
}

int rt_wake_sleep(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
                  rt_train_report *rep) {
    const char *name = cfg->method == RT_WAKE_SLEEP ? "wake_sleep" : "reinforce";
    if (!cfg->recognition) return rt_fail("method = %s needs recognition = q: a model of q(h | x) in this spec", name);
    if (cfg->method == RT_WAKE_SLEEP && m->nancestral == 0)
        return rt_fail("method = wake_sleep: model '%s' has no ancestral sampler (it must be written with '~' statements "
                       "alone, each with a bernoulli or normal child); use method = reinforce", m->name);
    int64_t n = data->n, S = cfg->samples > 0 ? cfg->samples : 1, B = cfg->batch < n ? cfg->batch : n;
    if (rt_dataset_row(data) != rt_visible_floats(m))
        return rt_fail("the data has %lld values per example; model '%s' reads %lld", (long long)rt_dataset_row(data), m->name,
                       (long long)rt_visible_floats(m));
    rt_reinforce *r = rt_reinforce_new(m, p, cfg->recognition, cfg->recognition_params, B * S, rt_dist_seed(cfg->seed));
    if (!r) return -1;
    int64_t *order = malloc(sizeof(int64_t) * (size_t)n), dx = rt_dataset_row(data);
    float *rows = malloc(sizeof(float) * (size_t)(B * dx));
    int rc = 0;
    for (int epoch = 1; epoch <= cfg->epochs && !rc; epoch++) {
        double t0 = rt_method_now(), lr = rt_schedule_at(&cfg->lr, epoch, cfg->epochs), mom = rt_schedule_at(&cfg->momentum, epoch, cfg->epochs),
               wd = rt_schedule_at(&cfg->weight_decay, epoch, cfg->epochs);
        double elbo = 0;
        rt_shuffle(order, n, cfg->seed, epoch);
        for (int64_t b0 = 0; b0 < n; b0 += B) {
            int64_t nb = n - b0 < B ? n - b0 : B;
            for (int64_t i = 0; i < nb; i++) memcpy(rows + i * dx, data->data + order[b0 + i] * dx, sizeof(float) * (size_t)dx);
            if (cfg->method == RT_WAKE_SLEEP) {
                /* wake: the model learns from h ~ q(h | x); sleep: q from
                 * the model's own dreams */
                elbo += batch(r, rows, nb, 1, RT_BASELINE_NONE, 0, 1, 1) * (double)nb;
                rt_method_step(m, p, cfg, lr, mom, wd);
                if ((rc = sleep_phase(r, nb))) break;
            } else {
                elbo += batch(r, rows, nb, S, cfg->baseline, 1, 1, 0) * (double)nb;
                rt_method_step(m, p, cfg, lr, mom, wd);
            }
            rt_method_step(cfg->recognition, cfg->recognition_params, cfg, lr, mom, wd);
            rt_method_batch(cfg, epoch, b0 + nb, n, B, NAN);
        }
        rt_epoch_stats *st = rt_method_epoch(rep, cfg, epoch);
        st->loss = -elbo / (double)n;
        st->seconds = rt_method_now() - t0;
        rep->epochs = epoch;
        rt_method_epoch_end(cfg, st, (n + B - 1) / B, NAN, rt_method_progress(progress, cfg, st, "elbo", -st->loss));
        if (!isfinite(st->loss)) rc = rt_fail("training diverged in epoch %d: the learning rate (lr = %g) is probably too high", epoch, lr);
        if (!rc) rc = rt_train_dist_same(m, p, epoch);
        if (!rc) rc = rt_train_dist_same(cfg->recognition, cfg->recognition_params, epoch);
    }
    free(order);
    free(rows);
    rt_reinforce_free(r);
    return rc;
}
