/* rt_pt.c — parallel tempering over the rows of one workspace (rt_pt.h). */
#include "rt_pt.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Philox stream of the swap decisions */
#define PT_STREAM ((1u << 29) + 101u)

/* what makes a configuration unusable, or NULL */
static const char *check(const rt_tempered *t, const rt_pt_cfg *cfg) {
    static char buf[256];
    const rt_model *m = t->m;
    if (cfg->replicas < 1) return "it needs at least 1 replica";
    if (cfg->chains < 1) return "it needs at least 1 chain";
    if (!(cfg->beta_min >= 0 && cfg->beta_min < 1)) return "beta_min must be in [0, 1)";
    if (cfg->geometric && cfg->beta_min <= 0) return "geometric temperatures beta_min^(i/(R-1)) need beta_min > 0";
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (g == t->beta_group) continue;
        if (gr->k_sample < 0 && gr->sampler == RT_SAMPLER_EXACT) {
            snprintf(buf, sizeof buf, "group '%s' has no sampler", gr->name);
            return buf;
        }
        /* at beta = 0 a hidden group's energy vanishes: continuous units
         * then have no proper distribution */
        if (cfg->replicas > 1 && cfg->beta_min <= 0 && gr->role == RT_HIDDEN &&
            (gr->utype == RT_GAUSSIAN || gr->utype == RT_LAPLACE)) {
            snprintf(buf, sizeof buf, "hidden group '%s' is continuous, so its distribution at beta = 0 is improper; "
                     "set beta_min > 0", gr->name);
            return buf;
        }
    }
    return NULL;
}

rt_pt *rt_pt_new(const rt_tempered *t, rt_params *tp, const rt_pt_cfg *cfg, const float *rows, int64_t n, int64_t rf) {
    const rt_model *m = t->m;
    int R = cfg->replicas;
    const char *why = check(t, cfg);
    if (why) {
        rt_fail("parallel tempering: %s", why);
        return NULL;
    }
    rt_pt *pt = calloc(1, sizeof *pt);
    pt->t = t;
    pt->R = R;
    pt->C = cfg->chains;
    int64_t rows_all = (int64_t)R * pt->C;
    pt->w = rt_ws_new(m, rows_all, tp, cfg->seed);
    pt->beta = malloc(sizeof(double) * (size_t)R);
    pt->row_beta = malloc(sizeof(double) * (size_t)rows_all);
    pt->slot = malloc(sizeof(int64_t) * (size_t)rows_all);
    pt->tried = calloc((size_t)R, sizeof(int64_t));
    pt->accepted = calloc((size_t)R, sizeof(int64_t));
    pt->e1 = malloc(sizeof(float) * (size_t)rows_all);
    for (int i = 0; i < R; i++) {
        double f = R > 1 ? (double)i / (R - 1) : 0;
        pt->beta[i] = cfg->geometric ? pow(cfg->beta_min, f) : 1 - f * (1 - cfg->beta_min);
    }
    for (int64_t r = 0; r < rows_all; r++) {
        pt->slot[r] = r;
        pt->row_beta[r] = pt->beta[r / pt->C];
    }
    rt_ws_randomize(pt->w, 1u << 28);
    if (rows && n > 0) {
        /* chain c's replicas all start at data row c mod n */
        float *buf = malloc(sizeof(float) * (size_t)(rows_all * rf));
        for (int64_t r = 0; r < rows_all; r++)
            memcpy(buf + r * rf, rows + ((r % pt->C) % n) * rf, sizeof(float) * (size_t)rf);
        rt_ws_set_visible(pt->w, buf, rows_all, rf);
        free(buf);
    }
    rt_tempered_set_betas(t, pt->w, pt->row_beta);
    /* a sweep starts with the hidden blocks: h drawn given the start */
    rt_ws_sweep(pt->w);
    return pt;
}

rt_pt *rt_pt_for_training(const rt_train_cfg *cfg, rt_params *p, const float *rows, int64_t n, int64_t rf) {
    const rt_tempered *t = cfg->tempered;
    if (!t) {
        rt_fail("internal: method pt without a tempered model");
        return NULL;
    }
    rt_params *tp = rt_tempered_params(t, p);
    rt_pt_cfg pc = {cfg->replicas, cfg->chains, cfg->beta_min, cfg->pt_geometric, cfg->seed + 0x5851f42d4c957f2dULL};
    rt_pt *pt = rt_tempered_fit_base(t, tp, rows, n, rf) ? NULL : rt_pt_new(t, tp, &pc, rows, n, rf);
    if (!pt) {
        rt_tempered_params_free(t, tp);
        return NULL;
    }
    pt->own_tp = tp;
    return pt;
}

void rt_pt_free(rt_pt *pt) {
    if (!pt) return;
    rt_ws_free(pt->w);
    if (pt->own_tp) rt_tempered_params_free(pt->t, pt->own_tp);
    free(pt->beta);
    free(pt->row_beta);
    free(pt->slot);
    free(pt->tried);
    free(pt->accepted);
    free(pt->e1);
    free(pt);
}

/* D = E - E_base per row: the tempered energy at beta = 1 and at beta = 0 */
static void energy_gap(rt_pt *pt) {
    const rt_tempered *t = pt->t;
    rt_ws *w = pt->w;
    const float *e = w->bufs[t->m->energy_buf];
    rt_tempered_set_beta(t, w, 1.0);
    rt_ws_run(w, t->m->k_energy);
    memcpy(pt->e1, e, sizeof(float) * (size_t)w->B);
    rt_tempered_set_beta(t, w, 0.0);
    rt_ws_run(w, t->m->k_energy);
    rt_tempered_set_betas(t, w, pt->row_beta);
}

static void swap_round(rt_pt *pt) {
    if (pt->R < 2) return;
    const rt_tempered *t = pt->t;
    energy_gap(pt);
    const float *e0 = pt->w->bufs[t->m->energy_buf];
    int64_t C = pt->C;
    for (int i = (int)(pt->steps & 1); i + 1 < pt->R; i += 2)
        for (int64_t c = 0; c < C; c++) {
            int64_t a = pt->slot[i * C + c], b = pt->slot[(i + 1) * C + c];
            double da = (double)pt->e1[a] - e0[a], db = (double)pt->e1[b] - e0[b];
            double logr = (pt->beta[i] - pt->beta[i + 1]) * (da - db);
            pt->tried[i]++;
            if (logr >= 0 || rt_uniform(pt->w->seed, PT_STREAM, (uint64_t)pt->steps, (uint32_t)(i * C + c)) < exp(logr)) {
                pt->accepted[i]++;
                pt->slot[i * C + c] = b;
                pt->slot[(i + 1) * C + c] = a;
                pt->row_beta[a] = pt->beta[i + 1];
                pt->row_beta[b] = pt->beta[i];
            }
        }
    rt_tempered_set_betas(t, pt->w, pt->row_beta);
}

void rt_pt_step(rt_pt *pt, int k) {
    for (int s = 0; s < (k > 1 ? k : 1); s++) rt_ws_sweep(pt->w);
    swap_round(pt);
    pt->steps++;
}

void rt_pt_negative(rt_pt *pt, rt_ws *neg, int k) {
    rt_pt_step(pt, k);
    int64_t C = pt->C < neg->B ? pt->C : neg->B;
    rt_tempered_to_orig(pt->t, pt->w, pt->slot, neg, C);
}

double rt_pt_swap_rate(const rt_pt *pt, double *rates) {
    int64_t tried = 0, acc = 0;
    for (int i = 0; i + 1 < pt->R; i++) {
        if (rates) rates[i] = pt->tried[i] ? (double)pt->accepted[i] / (double)pt->tried[i] : NAN;
        tried += pt->tried[i];
        acc += pt->accepted[i];
    }
    return tried ? (double)acc / (double)tried : NAN;
}

void rt_pt_reset_rates(rt_pt *pt) {
    memset(pt->tried, 0, sizeof(int64_t) * (size_t)pt->R);
    memset(pt->accepted, 0, sizeof(int64_t) * (size_t)pt->R);
}

int rt_pt_sample(const rt_tempered *t, rt_params *tp, const rt_pt_cfg *cfg, int steps, float *values, float *means,
                 double *swap_rate) {
    rt_pt *pt = rt_pt_new(t, tp, cfg, NULL, 0, 0);
    if (!pt) return -1;
    for (int s = 0; s < steps; s++) rt_pt_step(pt, 1);
    /* the means of the last sweep belong to the rows' current betas */
    rt_ws_sweep(pt->w);
    const rt_model *o = t->orig;
    int64_t rf = rt_visible_floats(o), off = 0;
    for (int g = 0; g < o->ngroups; g++) {
        const rt_group *gr = &t->m->groups[g];
        if (gr->role == RT_HIDDEN) continue;
        for (int64_t c = 0; c < pt->C; c++) {
            int64_t row = pt->slot[c];
            if (values) memcpy(values + c * rf + off, pt->w->bufs[gr->state_buf] + row * gr->size, sizeof(float) * (size_t)gr->size);
            if (means) memcpy(means + c * rf + off, pt->w->bufs[gr->mean_buf] + row * gr->size, sizeof(float) * (size_t)gr->size);
        }
        off += gr->size;
    }
    if (swap_rate) *swap_rate = rt_pt_swap_rate(pt, NULL);
    rt_pt_free(pt);
    return 0;
}
