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

int rt_tempered_fit_base(const rt_tempered *t, rt_params *tp, const float *rows, int64_t n, int64_t rf) {
    const rt_model *o = t->orig;
    if (n <= 0) return rt_fail("base rates need data: the data set is empty");
    if (rf != rt_visible_floats(o))
        return rt_fail("base rates: the data has %lld values per example, model '%s' has %lld visible units", (long long)rf,
                       o->name, (long long)rt_visible_floats(o));
    for (int k = 0; k < t->nbase; k++) {
        const rt_group *g = &o->groups[t->base_group[k]];
        float *base = tp->value[t->base_param[k]];
        int64_t off = row_offset(o, t->base_group[k]);
        int64_t K = g->utype == RT_SOFTMAX ? g->dims[g->ndim - 1] : 1;
        for (int64_t i = 0; i < g->size; i++) {
            double s = 0;
            int64_t seen = 0;
            for (int64_t r = 0; r < n; r++) {
                float x = rows[r * rf + off + i];
                if (isnan(x)) continue;   /* missing values say nothing */
                s += x;
                seen++;
            }
            double nn = seen ? (double)seen : 1, mean = seen ? s / nn : 0;
            /* Salakhutdinov & Murray's smoothing: 5 pseudo-counts per 100 */
            double v;
            switch (g->utype) {
            case RT_GAUSSIAN: v = mean; break;
            case RT_SPIN: v = 0.5 * logit(((mean + 1) / 2 * nn + 0.05 * nn) / (1.05 * nn)); break;
            case RT_SOFTMAX: v = log((mean * nn + 0.05 * nn / (double)K) / (1.05 * nn)); break;
            case RT_BINOMIAL: v = logit((mean / g->binomial_n * nn + 0.05 * nn) / (1.05 * nn)); break;
            default: v = logit((mean * nn + 0.05 * nn) / (1.05 * nn)); break;
            }
            base[i] = (float)v;
        }
    }
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
    /* at beta = 0 the hidden units carry no energy: their configurations count */
    for (int h = 0; h < o->ngroups; h++) {
        const rt_group *g = &o->groups[h];
        if (g->role != RT_HIDDEN) continue;
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
