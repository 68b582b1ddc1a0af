/* rt_tempered.c — parameters, base rates, beta and log Z of the base model
 * for a tempered model (rt_tempered.h). */
#include "rt_tempered.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

rt_params *rt_tempered_params(const rt_tempered *t, rt_params *p) {
    const rt_model *m = t->m;
    rt_params *tp = rt_params_new(m);
    /* the original tensors are shared: swap our copies for p's storage */
    for (int i = 0; i < t->orig->nparams; i++) {
        rt_free(tp->value[i]);
        tp->value[i] = p->value[i];
    }
    return tp;
}

void rt_tempered_params_free(const rt_tempered *t, rt_params *tp) {
    if (!tp) return;
    for (int i = 0; i < t->orig->nparams; i++) tp->value[i] = NULL;   /* not ours */
    rt_params_free(tp);
}

/* first float of group g in a data row: visible groups in declaration order */
static int64_t row_offset(const rt_model *m, int g) {
    int64_t off = 0;
    for (int k = 0; k < g; k++)
        if (m->groups[k].role != RT_HIDDEN && m->groups[k].noise == RT_NOISE_NONE) off += m->groups[k].size;
    return off;
}

static double logit(double p) { return log(p) - log1p(-p); }

/* The base parameters of group g from the mean of each unit, with
 * Salakhutdinov & Murray's smoothing of 5 pseudo-counts per 100 (for
 * hidden groups spread over both values: their posterior means saturate
 * at 1 as often as at 0, and logit(1) is infinite) */
static void rates_from_means(const rt_group *g, const double *mean, float *base) {
    int64_t K = g->utype == RT_SOFTMAX ? g->dims[g->ndim - 1] : 1;
    double a = g->role == RT_HIDDEN ? 0.025 : 0.05;
    for (int64_t i = 0; i < g->size; i++) {
        double m = mean[i];
        switch (g->utype) {
        case RT_GAUSSIAN: base[i] = (float)m; break;
        case RT_SPIN: base[i] = (float)(0.5 * logit(((m + 1) / 2 + a) / 1.05)); break;
        case RT_SOFTMAX: base[i] = (float)log((m + 0.05 / (double)K) / 1.05); break;
        case RT_BINOMIAL: base[i] = (float)logit((m / g->binomial_n + a) / 1.05); break;
        default: base[i] = (float)logit((m + a) / 1.05); break;
        }
    }
}

int rt_tempered_fit_base(const rt_tempered *t, rt_params *tp, const float *rows, int64_t n, int64_t rf) {
    const rt_model *o = t->orig;
    if (n <= 0) return rt_fail("base rates need data: the data set is empty");
    if (rf != rt_visible_floats(o))
        return rt_fail("base rates: the data has %lld values per example, model '%s' has %lld visible units", (long long)rf,
                       o->name, (long long)rt_visible_floats(o));
    for (int k = 0; k < t->nbase; k++) {
        const rt_group *g = &o->groups[t->base_group[k]];
        if (g->role == RT_HIDDEN) continue;   /* rt_tempered_fit_hidden */
        int64_t off = row_offset(o, t->base_group[k]);
        double *mean = malloc(sizeof(double) * (size_t)g->size);
        for (int64_t i = 0; i < g->size; i++) {
            double s = 0;
            int64_t seen = 0;
            for (int64_t r = 0; r < n; r++) {
                float x = rows[r * rf + off + i];
                if (isnan(x)) continue;   /* missing values say nothing */
                s += x;
                seen++;
            }
            mean[i] = seen ? s / (double)seen : 0;
        }
        rates_from_means(g, mean, tp->value[t->base_param[k]]);
        free(mean);
    }
    return 0;
}

int rt_tempered_fit_hidden(const rt_tempered *t, rt_params *tp, const float *rows, int64_t n, int64_t rf, int iters) {
    const rt_model *o = t->orig;
    if (n <= 0) return rt_fail("base rates need data: the data set is empty");
    if (rf != rt_visible_floats(o))
        return rt_fail("base rates: the data has %lld values per example, model '%s' has %lld visible units", (long long)rf,
                       o->name, (long long)rt_visible_floats(o));
    for (int g = 0; g < o->ngroups; g++)
        if (o->groups[g].role == RT_HIDDEN && (o->groups[g].k_mean < 0 || o->groups[g].sampler != RT_SAMPLER_EXACT))
            return rt_fail("hidden base rates from posteriors need a mean-field update of every hidden group; group "
                           "'%s' has none", o->groups[g].name);
    /* the original model's parameters are tp's first tensors */
    rt_params *p = rt_params_new(o);
    for (int i = 0; i < o->nparams; i++) {
        rt_free(p->value[i]);
        p->value[i] = tp->value[i];
    }
    /* at most HIDDEN_ROWS examples, evenly spaced, complete */
    enum { HIDDEN_ROWS = 2000, BATCH = 500 };
    int64_t want = n < HIDDEN_ROWS ? n : HIDDEN_ROWS, used = 0;
    float *batch = malloc(sizeof(float) * (size_t)(BATCH * rf));
    double *sum[RT_TEMPERED_MAX_BASE] = {0};
    for (int k = 0; k < t->nbase; k++)
        if (o->groups[t->base_group[k]].role == RT_HIDDEN)
            sum[k] = calloc((size_t)o->groups[t->base_group[k]].size, sizeof(double));
    rt_ws *w = rt_ws_new(o, BATCH, p, 0);
    for (int64_t i = 0; i < want;) {
        int64_t b = 0;
        for (; i < want && b < BATCH; i++) {
            const float *row = rows + (i * n / want) * rf;
            int complete = 1;
            for (int64_t j = 0; j < rf && complete; j++) complete = !isnan(row[j]);
            if (complete) memcpy(batch + b++ * rf, row, sizeof(float) * (size_t)rf);
        }
        if (!b) continue;
        w->B = b;
        rt_ws_set_visible(w, batch, b, rf);
        /* q starts from no preference, as the variational bound's does */
        for (int g = 0; g < o->ngroups; g++) {
            const rt_group *gr = &o->groups[g];
            if (gr->role != RT_HIDDEN) continue;
            float v = gr->utype == RT_SOFTMAX ? 1.0f / (float)gr->dims[gr->ndim - 1] : 0.0f;
            for (int64_t j = 0; j < gr->size * b; j++) w->bufs[gr->state_buf][j] = w->bufs[gr->mean_buf][j] = v;
        }
        rt_mean_field(w, iters, 1e-5);
        for (int k = 0; k < t->nbase; k++) {
            if (!sum[k]) continue;
            const rt_group *gr = &o->groups[t->base_group[k]];
            const float *mu = w->bufs[gr->mean_buf];
            for (int64_t r = 0; r < b; r++)
                for (int64_t j = 0; j < gr->size; j++) sum[k][j] += mu[r * gr->size + j];
        }
        used += b;
    }
    rt_ws_free(w);
    for (int k = 0; k < t->nbase; k++) {
        if (!sum[k]) continue;
        const rt_group *gr = &o->groups[t->base_group[k]];
        for (int64_t j = 0; j < gr->size; j++) sum[k][j] /= used ? (double)used : 1;
        /* no complete example: the rates stay where they were */
        if (used) rates_from_means(gr, sum[k], tp->value[t->base_param[k]]);
        free(sum[k]);
    }
    free(batch);
    for (int i = 0; i < o->nparams; i++) p->value[i] = NULL;   /* tp's */
    rt_params_free(p);
    return 0;
}

static double softplus(double x) { return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)); }

int rt_tempered_logz0(const rt_tempered *t, rt_params *tp, double *logz0) {
    const rt_model *o = t->orig;
    double lz = 0;
    for (int k = 0; k < t->nbase; k++) {
        const rt_group *g = &o->groups[t->base_group[k]];
        const float *b = tp->value[t->base_param[k]];
        int64_t K = g->utype == RT_SOFTMAX ? g->dims[g->ndim - 1] : 1;
        for (int64_t i = 0; i < g->size; i += K) {
            switch (g->utype) {
            case RT_BERNOULLI: lz += softplus(b[i]); break;
            case RT_SPIN: lz += fabs(b[i]) + log1p(exp(-2 * fabs((double)b[i]))); break;   /* log(2 cosh b) */
            case RT_BINOMIAL: lz += g->binomial_n * softplus(b[i]); break;
            case RT_GAUSSIAN: lz += 0.5 * log(2 * M_PI); break;
            case RT_SOFTMAX: {
                double mx = b[i];
                for (int64_t j = 1; j < K; j++) mx = b[i + j] > mx ? b[i + j] : mx;
                double s = 0;
                for (int64_t j = 0; j < K; j++) s += exp(b[i + j] - mx);
                lz += mx + log(s);
                break;
            }
            default: return rt_fail("visible group '%s' has no base model", g->name);
            }
        }
    }
    /* at beta = 0 hidden units without a base term carry no energy: their
     * configurations count */
    for (int h = 0; h < o->ngroups; h++) {
        const rt_group *g = &o->groups[h];
        int based = 0;
        for (int k = 0; k < t->nbase; k++) based |= t->base_group[k] == h;
        if (g->role != RT_HIDDEN || based) continue;
        switch (g->utype) {
        case RT_BERNOULLI:
        case RT_SPIN: lz += (double)g->size * log(2.0); break;
        case RT_BINOMIAL: lz += (double)g->size * g->binomial_n * log(2.0); break;
        case RT_SOFTMAX: {
            int64_t K = g->dims[g->ndim - 1];
            lz += (double)(g->size / K) * log((double)K);
            break;
        }
        default:
            return rt_fail("hidden group '%s' is continuous (%s): the base model at beta = 0 has no finite log Z, so AIS "
                           "cannot start there",
                           g->name, g->utype == RT_GAUSSIAN ? "gaussian" : g->utype == RT_RELU ? "relu" : "laplace");
        }
    }
    *logz0 = lz;
    return 0;
}

void rt_tempered_set_beta(const rt_tempered *t, rt_ws *w, double beta) {
    float *b = w->bufs[t->m->groups[t->beta_group].state_buf];
    for (int64_t r = 0; r < w->B; r++) b[r] = (float)beta;
}

void rt_tempered_set_betas(const rt_tempered *t, rt_ws *w, const double *beta) {
    float *b = w->bufs[t->m->groups[t->beta_group].state_buf];
    for (int64_t r = 0; r < w->B; r++) b[r] = (float)beta[r];
}

void rt_tempered_to_orig(const rt_tempered *t, const rt_ws *from, const int64_t *src_rows, rt_ws *to, int64_t n) {
    const rt_model *o = t->orig;
    for (int g = 0; g < o->ngroups; g++) {
        int64_t size = o->groups[g].size;
        const float *s = from->bufs[t->m->groups[g].state_buf];
        float *d = to->bufs[o->groups[g].state_buf];
        for (int64_t i = 0; i < n; i++)
            memcpy(d + i * size, s + (src_rows ? src_rows[i] : i) * size, sizeof(float) * (size_t)size);
    }
}
