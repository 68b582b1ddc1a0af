/* rt_classify.c — exact conditionals of one visible group given the rest,
 * and discriminative training from them (Larochelle & Bengio 2008).
 *
 * With the hidden groups summed out, p(y | x) = exp(-F(x, y)) / sum_y'
 * exp(-F(x, y')); the target y is enumerated (a one-hot group has K
 * configurations, n bits have 2^n). Each data row is repeated once per
 * configuration, the free energy kernel runs on all of them, and the
 * gradient of log p(y | x),  -dF(x, y) + sum_y' p(y' | x) dF(x, y'),  is one
 * run of the grad kernel with row weights p(y' | x) - [y' = y]. */
#include "rt_classify.h"
#include "rt_dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* number of configurations of group g, or -1 if too many / continuous */
int64_t rt_target_configs(const rt_model *m, int g) {
    const rt_group *gr = &m->groups[g];
    if (gr->utype == RT_SOFTMAX) {
        int64_t K = gr->dims[gr->ndim - 1], rows = gr->size / K, n = 1;
        for (int64_t r = 0; r < rows; r++) {
            if (n > 4096 / K) return -1;
            n *= K;
        }
        return n;
    }
    if ((gr->utype == RT_BERNOULLI || gr->utype == RT_SPIN) && gr->size <= 12) return (int64_t)1 << gr->size;
    return -1;
}

/* writes configuration k of group gr into x */
static void write_config(const rt_group *gr, int64_t k, float *x) {
    if (gr->utype == RT_SOFTMAX) {
        int64_t K = gr->dims[gr->ndim - 1];
        for (int64_t r = 0; r < gr->size / K; r++, k /= K)
            for (int64_t q = 0; q < K; q++) x[r * K + q] = q == k % K ? 1.0f : 0.0f;
        return;
    }
    for (int64_t i = 0; i < gr->size; i++) {
        int on = (int)(k >> i & 1);
        x[i] = gr->utype == RT_SPIN ? (on ? 1.0f : -1.0f) : (float)on;
    }
}

static int64_t config_of(const rt_group *gr, const float *x) {
    int64_t k = 0;
    if (gr->utype == RT_SOFTMAX) {
        int64_t K = gr->dims[gr->ndim - 1], mult = 1;
        for (int64_t r = 0; r < gr->size / K; r++, mult *= K) {
            int64_t best = 0;
            for (int64_t q = 1; q < K; q++)
                if (x[r * K + q] > x[r * K + best]) best = q;
            k += best * mult;
        }
        return k;
    }
    for (int64_t i = 0; i < gr->size; i++) k |= (int64_t)(x[i] > (gr->utype == RT_SPIN ? 0.0f : 0.5f)) << i;
    return k;
}

static int64_t group_offset(const rt_model *m, int g) {
    int64_t off = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < m->ngroups; k++) {
            if (m->groups[k].role != (pass ? RT_INPUT : RT_VISIBLE)) continue;
            if (k == g) return off;
            off += m->groups[k].size;
        }
    return -1;
}

int rt_conditional_check(const rt_model *m, int target) {
    if (target < 0 || target >= m->ngroups || m->groups[target].role != RT_VISIBLE)
        return rt_fail("the target of a conditional must be a visible group");
    if (!m->fe_exact) return rt_fail("p(%s | rest) needs every hidden group summed out in closed form", m->groups[target].name);
    if (rt_target_configs(m, target) < 0)
        return rt_fail("group '%s' has too many configurations to enumerate (a one-hot group or at most 12 bits)",
                       m->groups[target].name);
    return 0;
}

/* The target's free energies: row r's configuration k at F[r * K + k]
 * (in w's free-energy buffer; w->B is left at n * K for the caller). */
static const float *target_free_energies(const rt_model *m, rt_ws *w, int target, const float *rows, int64_t n,
                                         int64_t row_floats) {
    const rt_group *gr = &m->groups[target];
    int64_t K = rt_target_configs(m, target), off = group_offset(m, target);
    float *rep = calloc((size_t)(n * K * row_floats) + 1, sizeof(float));
    for (int64_t r = 0; r < n; r++)
        for (int64_t k = 0; k < K; k++) {
            float *dst = rep + (r * K + k) * row_floats;
            memcpy(dst, rows + r * row_floats, sizeof(float) * (size_t)row_floats);
            write_config(gr, k, dst + off);
        }
    w->B = n * K;
    rt_ws_set_visible(w, rep, n * K, row_floats);
    rt_ws_run(w, m->k_free_energy);
    free(rep);
    return w->bufs[m->fe_buf];
}

/* log sum_k exp(-f[k]), and the most probable k */
static double log_norm(const float *f, int64_t K, int64_t *best) {
    double mx = -f[0];
    *best = 0;
    for (int64_t k = 1; k < K; k++)
        if (-f[k] > mx) {
            mx = -f[k];
            *best = k;
        }
    double z = 0;
    for (int64_t k = 0; k < K; k++) z += exp(-(double)f[k] - mx);
    return mx + log(z);
}

int rt_conditional_pass(const rt_model *m, rt_ws *w, int target, const float *rows, int64_t n, int64_t row_floats,
                        int grad, double *cond_loglik, int64_t *correct) {
    const rt_group *gr = &m->groups[target];
    int64_t K = rt_target_configs(m, target), off = group_offset(m, target);
    if (n * K > w->B) return rt_fail("internal: conditional workspace too small");
    int64_t B = w->B;
    const float *F = target_free_energies(m, w, target, rows, n, row_floats);
    float *wt = w->bufs[m->weight_buf];
    double ll = 0;
    int64_t ok = 0;
    for (int64_t r = 0; r < n; r++) {
        const float *f = F + r * K;
        int64_t truth = config_of(gr, rows + r * row_floats + off), best;
        double lz = log_norm(f, K, &best);
        ll += -(double)f[truth] - lz;
        ok += best == truth;
        if (grad)
            for (int64_t k = 0; k < K; k++)
                wt[r * K + k] = (float)((exp(-(double)f[k] - lz) - (k == truth)) / (double)n);
    }
    if (grad) rt_ws_run(w, m->k_grad);
    w->B = B;
    if (cond_loglik) *cond_loglik = ll;
    if (correct) *correct = ok;
    return 0;
}

int rt_conditional_probs(const rt_model *m, rt_params *p, int target, const float *rows, int64_t n,
                         int64_t row_floats, double *probs) {
    if (rt_conditional_check(m, target)) return -1;
    int64_t K = rt_target_configs(m, target), chunk = 256;
    rt_ws *w = rt_ws_new(m, chunk * K, p, 0);
    for (int64_t r0 = 0; r0 < n; r0 += chunk) {
        int64_t k = n - r0 < chunk ? n - r0 : chunk, best;
        const float *F = target_free_energies(m, w, target, rows + r0 * row_floats, k, row_floats);
        for (int64_t r = 0; r < k; r++) {
            double lz = log_norm(F + r * K, K, &best);
            for (int64_t c = 0; c < K; c++) probs[(r0 + r) * K + c] = exp(-(double)F[r * K + c] - lz);
        }
        w->B = chunk * K;
    }
    rt_ws_free(w);
    return 0;
}

int64_t rt_target_offset(const rt_model *m, int g) { return group_offset(m, g); }

int rt_classify(const rt_model *m, rt_params *p, int target, const float *rows, int64_t n, int64_t row_floats,
                double *cond_loglik, double *accuracy) {
    if (rt_conditional_check(m, target)) return -1;
    int64_t K = rt_target_configs(m, target), chunk = 256, lo, hi;
    rt_dist_share(n, &lo, &hi);   /* this rank's rows (rt_dist.h) */
    rt_ws *w = rt_ws_new(m, chunk * K, p, 0);
    double s[2] = {0, 0};   /* log p(target | rest), rows right */
    for (int64_t r0 = lo; r0 < hi; r0 += chunk) {
        int64_t k = hi - r0 < chunk ? hi - r0 : chunk;
        double l;
        int64_t c;
        rt_conditional_pass(m, w, target, rows + r0 * row_floats, k, row_floats, 0, &l, &c);
        s[0] += l;
        s[1] += (double)c;
    }
    rt_ws_free(w);
    if (rt_dist_sum(NULL, 0, s, 2)) return -1;
    *cond_loglik = s[0] / (double)n;
    *accuracy = s[1] / (double)n;
    return 0;
}
