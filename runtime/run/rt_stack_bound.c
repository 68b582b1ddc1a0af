/* rt_stack_bound.c — a DBN's variational lower bound on log p(v) with the
 * recognition posterior (Hinton, Osindero & Teh 2006, eq. 1 extended up
 * the layers; rt_stack_parts.h):
 *     log p(v) >= E_q[ log p(v | h1) + log p(h1 | h2) + ... + log p_top(h_L-1) ]
 *                 + E_q[ H(q(h1 | v)) + ... + H(q(h_L-1 | h_L-2)) ]
 * Each h_k+1 is drawn from q given the h_k drawn below it, the entropy of
 * q(h_k+1 | h_k) taken in closed form (Rao-Blackwellised: the same
 * expectation, less noise), log p(h_k | h_k+1) from the generative
 * weights, and the top RBM's marginal -F(h_L-1, y) summed over the label
 * classes y, less its log Z. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_ais.h"
#include "rt_eval.h"
#include "rt_exact.h"
#include "rt_stack_parts.h"

enum { MAX_LEVELS = 64 };

static double clampp(double p) { return p < 1e-7 ? 1e-7 : p > 1 - 1e-7 ? 1 - 1e-7 : p; }

/* sum over the row's units of log Bernoulli(x | mu), and of H(mu) */
static double log_bernoulli(const float *x, const float *mu, int64_t n) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) {
        double p = clampp(mu[i]);
        s += x[i] > 0.5f ? log(p) : log1p(-p);
    }
    return s;
}

static double entropy(const float *mu, int64_t n) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) {
        double p = clampp(mu[i]);
        s -= p * log(p) + (1 - p) * log1p(-p);
    }
    return s;
}

static int group_of(const rt_model *m, int role) {
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == role) return g;
    return -1;
}

int rt_stack_bound(const rt_stack_parts *r, double logz_top, const float *rows, int64_t n, int64_t row_floats,
                   int samples, uint64_t seed, double *avg) {
    const rt_stack *s = r->s;
    int L = s->nlayers;
    int64_t size[MAX_LEVELS], extras;
    if (L > MAX_LEVELS) return rt_fail("the DBN bound takes up to %d layers", MAX_LEVELS);
    if (rt_stack_levels(s, "the DBN bound", size, &extras)) return -1;
    if (row_floats < size[0]) return rt_fail("the DBN bound: rows of %lld values, the DBN's bottom layer takes %lld",
                                             (long long)row_floats, (long long)size[0]);
    int64_t B = n < 500 ? n : 500;
    const rt_model *top = s->layers[L - 1];
    int64_t topf = size[L - 1] + extras;
    rt_ws *rec[MAX_LEVELS], *gen[MAX_LEVELS], *tw = rt_ws_new(top, B, r->lp[L - 1], seed);
    float *lev[MAX_LEVELS], *trow = malloc(sizeof(float) * (size_t)(B * topf));
    double *lse = malloc(sizeof(double) * (size_t)B);
    for (int k = 0; k < L; k++) lev[k] = malloc(sizeof(float) * (size_t)(B * size[k]));
    for (int k = 0; k < L - 1; k++) {
        rec[k] = rt_ws_new(s->layers[k], B, r->lp[k], seed + 1 + (uint64_t)k);
        gen[k] = rt_ws_new(s->layers[k], B, rt_stack_gen(r, k), seed);
    }
    double total = 0;
    for (int64_t r0 = 0; r0 < n; r0 += B) {
        int64_t nb = n - r0 < B ? n - r0 : B;
        for (int rep = 0; rep < samples; rep++) {
            for (int64_t i = 0; i < nb; i++)
                memcpy(lev[0] + i * size[0], rows + (r0 + i) * row_floats, sizeof(float) * (size_t)size[0]);
            /* up: h_k+1 ~ q(. | h_k), with the entropy of q */
            for (int k = 0; k < L - 1; k++) {
                const rt_model *m = s->layers[k];
                const rt_group *h = &m->groups[group_of(m, RT_HIDDEN)];
                rt_ws *w = rec[k];
                w->B = nb;
                rt_ws_set_visible(w, lev[k], nb, size[k]);
                rt_ws_run(w, h->k_mean);
                total += entropy(w->bufs[h->mean_buf], nb * h->size);
                rt_ws_run(w, h->k_sample);
                memcpy(lev[k + 1], w->bufs[h->state_buf], sizeof(float) * (size_t)(nb * h->size));
            }
            /* log p(h_k | h_k+1) by the generative weights */
            for (int k = 0; k < L - 1; k++) {
                const rt_model *m = s->layers[k];
                const rt_group *v = &m->groups[group_of(m, RT_VISIBLE)], *h = &m->groups[group_of(m, RT_HIDDEN)];
                rt_ws *w = gen[k];
                w->B = nb;
                memcpy(w->bufs[h->state_buf], lev[k + 1], sizeof(float) * (size_t)(nb * h->size));
                rt_ws_run(w, v->k_mean);
                total += log_bernoulli(lev[k], w->bufs[v->mean_buf], nb * v->size);
            }
            /* the top's marginal: log sum_y exp(-F(h, y)) - log Z */
            tw->B = nb;
            int64_t classes = extras ? extras : 1, hs = size[L - 1];
            for (int64_t c = 0; c < classes; c++) {
                for (int64_t i = 0; i < nb; i++) {
                    memcpy(trow + i * topf, lev[L - 1] + i * hs, sizeof(float) * (size_t)hs);
                    for (int64_t q = 0; q < extras; q++) trow[i * topf + hs + q] = q == c;
                }
                rt_ws_set_visible(tw, trow, nb, topf);
                rt_ws_run(tw, top->k_free_energy);
                for (int64_t i = 0; i < nb; i++) {
                    double x = -(double)tw->bufs[top->fe_buf][i];
                    lse[i] = c == 0 ? x : lse[i] > x ? lse[i] + log1p(exp(x - lse[i])) : x + log1p(exp(lse[i] - x));
                }
            }
            for (int64_t i = 0; i < nb; i++) total += lse[i] - logz_top;
        }
    }
    *avg = total / ((double)n * samples);
    for (int k = 0; k < L - 1; k++) {
        rt_ws_free(rec[k]);
        rt_ws_free(gen[k]);
    }
    for (int k = 0; k < L; k++) free(lev[k]);
    rt_ws_free(tw);
    free(trow);
    free(lse);
    return 0;
}

int rt_stack_bound_report(const rt_stack *s, const char *params, const rt_dataset *data, int samples,
                          const rt_tempered *t, const rt_ais_cfg *cfg, FILE *y) {
    rt_stack_parts r;
    rt_stack_parts_init(&r, s, 1, 0, 1);
    int L = s->nlayers, done, rc = -1;
    const rt_model *top = s->layers[L - 1];
    rt_dataset up = {0};
    rt_params *tp = NULL;
    double logz, avg;
    int64_t size[MAX_LEVELS], extras;
    if (L > MAX_LEVELS || rt_stack_levels(s, "--dbn-bound", size, &extras) || rt_stack_load(&r, params, 0, &done)) goto out;
    if (rt_dataset_row(data) != size[0] + extras) {
        rt_fail("--dbn-bound: the data has %lld values per example; DBN '%s' takes %lld (%lld for its bottom layer%s)",
                (long long)rt_dataset_row(data), s->name, (long long)(size[0] + extras), (long long)size[0],
                extras ? " and the top layer's labels" : "");
        goto out;
    }
    fprintf(y, "stack: %s\nparams: %s\nexamples: %lld\ndbn_bound_samples: %d\ngenerative_weights: %s\n", s->name, params,
            (long long)data->n, samples, r.gp[0] ? "untied (up_down)" : "tied (the layers' own)");
    if (top->enum_log2_states >= 0 && top->enum_log2_states <= RT_EXACT_AUTO_COST_LOG2) {
        if (rt_exact_logz(top, r.lp[L - 1], &logz)) goto out;
        fprintf(y, "top_logz_source: exact\n");
    } else if (!t) {
        rt_fail("--dbn-bound: the top layer '%s' is too large to enumerate and has no tempered model for AIS", top->name);
        goto out;
    } else {
        /* AIS on the top RBM, its base rates from the data passed up to it */
        rt_ais_result res;
        tp = rt_tempered_params(t, r.lp[L - 1]);
        if (rt_stack_layer_data(&r, data, L - 1, &up) ||
            rt_tempered_fit_base(t, tp, up.data, up.n, rt_dataset_row(&up)) || rt_ais(t, tp, cfg, &res))
            goto out;
        logz = res.logz;
        fprintf(y, "top_logz_source: ais\nais_runs: %lld\nais_betas: %lld\n", (long long)res.runs, (long long)res.steps);
        rt_yaml_number(y, "ais_logz_stderr", res.stderr_logz);
        fprintf(y, "ais_ess: %.1f\n", res.ess);
    }
    rt_yaml_number(y, "top_logz", logz);
    if (rt_stack_bound(&r, logz, data->data, data->n, rt_dataset_row(data), samples, cfg->seed, &avg)) goto out;
    rt_yaml_number(y, "dbn_bound", avg);
    rc = 0;
out:
    if (tp) rt_tempered_params_free(t, tp);
    rt_dataset_free(&up);
    rt_stack_parts_free(&r);
    return rc;
}
