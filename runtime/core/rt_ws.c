/* rt_ws.c — parameters, workspaces and Gibbs sweeps over a compiled model. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_model.h"

rt_params *rt_params_new(const rt_model *m) {
    rt_params *p = calloc(1, sizeof *p);
    p->n = m->nparams;
    p->value = calloc((size_t)m->nparams + 1, sizeof(float *));
    p->grad = calloc((size_t)m->nparams + 1, sizeof(float *));
    p->velocity = calloc((size_t)m->nparams + 1, sizeof(float *));
    p->second = calloc((size_t)m->nparams + 1, sizeof(float *));
    for (int i = 0; i < m->nparams; i++) {
        size_t bytes = sizeof(float) * (size_t)(m->params[i].size ? m->params[i].size : 1);
        p->value[i] = rt_alloc(bytes);
        p->grad[i] = rt_alloc(bytes);
        p->velocity[i] = rt_alloc(bytes);
        p->second[i] = rt_alloc(bytes);
    }
    return p;
}

void rt_params_free(rt_params *p) {
    if (!p) return;
    for (int i = 0; i < p->n; i++) {
        rt_free(p->value[i]);
        rt_free(p->grad[i]);
        rt_free(p->velocity[i]);
        rt_free(p->second[i]);
    }
    free(p->second);
    free(p->value);
    free(p->grad);
    free(p->velocity);
    free(p);
}

/* streams 1<<24 + i: parameter i's initial values */
const float *rt_param_mask(const rt_model *m, const rt_params *p, int i) {
    const rt_param *q = &m->params[i];
    return q->mask_data ? q->mask_data : q->mask >= 0 ? p->value[q->mask] : NULL;
}

void rt_params_init(const rt_model *m, rt_params *p, uint64_t seed) {
    for (int i = 0; i < m->nparams; i++) {
        const rt_param *q = &m->params[i];
        for (int64_t k = 0; k < q->size; k++) {
            float v = 0;
            switch (q->init) {
            case RT_INIT_CONST: v = (float)q->init_a; break;
            case RT_INIT_NORMAL:
                v = (float)(q->init_a + q->init_b * rt_normal(seed, (1u << 24) + (uint32_t)i, 0, (uint32_t)k));
                break;
            case RT_INIT_UNIFORM:
                v = (float)(q->init_a + (q->init_b - q->init_a) * rt_uniform(seed, (1u << 24) + (uint32_t)i, 0, (uint32_t)k));
                break;
            default: break;
            }
            p->value[i][k] = q->init_data ? q->init_data[k] : v;
        }
        memset(p->velocity[i], 0, sizeof(float) * (size_t)q->size);
        memset(p->second[i], 0, sizeof(float) * (size_t)q->size);
    }
    /* masked entries start (and stay, rt_train.c) at zero */
    for (int i = 0; i < m->nparams; i++) {
        const float *mask = rt_param_mask(m, p, i);
        for (int64_t k = 0; mask && k < m->params[i].size; k++)
            if (mask[k] == 0) p->value[i][k] = 0;
    }
    p->steps = 0;
}

int rt_params_save(const rt_model *m, const rt_params *p, const char *path, const rt_meta *meta, int nmeta) {
    rt_tensor *ts = calloc((size_t)m->nparams + 1, sizeof(rt_tensor));
    rt_tensor **ptrs = calloc((size_t)m->nparams + 1, sizeof(rt_tensor *));
    for (int i = 0; i < m->nparams; i++) {
        snprintf(ts[i].name, sizeof ts[i].name, "%s", m->params[i].name);
        ts[i].ndim = m->params[i].ndim;
        memcpy(ts[i].dims, m->params[i].dims, sizeof(int64_t) * RT_MAX_DIMS);
        ts[i].data = p->value[i];
        ptrs[i] = &ts[i];
    }
    int nall = 0;
    rt_meta *all = rt_structure_meta(m, meta, nmeta, &nall);
    int rc = all ? rt_save_safetensors(path, ptrs, m->nparams, all, nall) : rt_fail("out of memory");
    rt_structure_meta_free(all, nall);
    free(ts);
    free(ptrs);
    return rc;
}

static void shape_text(char *buf, size_t n, int ndim, const int64_t *dims) {
    int o = snprintf(buf, n, "[");
    for (int d = 0; d < ndim && o < (int)n; d++) o += snprintf(buf + o, n - (size_t)o, "%s%lld", d ? ", " : "", (long long)dims[d]);
    if (o < (int)n) snprintf(buf + o, n - (size_t)o, "]");
}

void rt_param_element_text(char *buf, size_t n, const rt_param *q, int64_t k) {
    int64_t idx[RT_MAX_DIMS];
    for (int d = q->ndim - 1; d >= 0; d--) {
        idx[d] = k % q->dims[d];
        k /= q->dims[d];
    }
    int o = snprintf(buf, n, "%s", q->name);
    if (q->ndim && o >= 0 && (size_t)o < n) shape_text(buf + o, n - (size_t)o, q->ndim, idx);
}

/* param's tensor: "param", else "model.param" (a stack's checkpoint names
 * each part's tensors so) */
static rt_tensor *find_tensor(rt_tensor **ts, int n, const char *model, const char *param) {
    size_t ml = strlen(model);
    for (int k = 0; k < n; k++)
        if (!strcmp(ts[k]->name, param)) return ts[k];
    for (int k = 0; k < n; k++)
        if (!strncmp(ts[k]->name, model, ml) && ts[k]->name[ml] == '.' && !strcmp(ts[k]->name + ml + 1, param)) return ts[k];
    return NULL;
}

int rt_params_load(const rt_model *m, rt_params *p, const char *path) {
    rt_tensor **ts;
    rt_meta *meta;
    int n, nmeta;
    if (rt_load_safetensors(path, &ts, &n, &meta, &nmeta)) return -1;
    int rc = 0;
    for (int i = 0; i < m->nparams && !rc; i++) {
        const rt_param *q = &m->params[i];
        rt_tensor *t = find_tensor(ts, n, m->name, q->name);
        if (!t) {
            rc = rt_fail("%s: has no tensor '%s', which the spec's model '%s' declares", path, q->name, m->name);
            break;
        }
        int same = t->ndim == q->ndim;
        for (int d = 0; same && d < q->ndim; d++) same = t->dims[d] == q->dims[d];
        if (!same) {
            char a[128], b[128];
            shape_text(a, sizeof a, t->ndim, t->dims);
            shape_text(b, sizeof b, q->ndim, q->dims);
            rc = rt_fail("%s: parameter '%s' has shape %s but the spec declares %s", path, q->name, a, b);
            break;
        }
        /* a NaN or an infinity would sample and evaluate as if all were well */
        for (int64_t k = 0; k < q->size; k++)
            if (!isfinite(t->data[k])) {
                char at[160];
                rt_param_element_text(at, sizeof at, q, k);
                rc = rt_fail("%s: parameter '%s' holds %s at %s%s; a checkpoint must hold finite numbers", path, q->name,
                             isnan(t->data[k]) ? "NaN" : "an infinity", at + strlen(q->name), q->ndim ? "" : "[]");
                break;
            }
    }
    /* a precision that is not positive samples NaN and evaluates to NaN */
    if (!rc) {
        float **vals = calloc((size_t)m->nparams + 1, sizeof(float *));
        for (int i = 0; vals && i < m->nparams; i++) vals[i] = find_tensor(ts, n, m->name, m->params[i].name)->data;
        char why[512];
        if (!vals) rc = rt_fail("out of memory");
        else if (rt_precision_bad(m, vals, why, sizeof why)) rc = rt_fail("%s: %s", path, why);
        free(vals);
    }
    /* after the names and shapes, whose mismatches have plainer messages;
     * nothing is copied unless everything fits */
    if (!rc) rc = rt_structure_check(m, path, meta, nmeta);
    for (int i = 0; i < m->nparams && !rc; i++)
        memcpy(p->value[i], find_tensor(ts, n, m->name, m->params[i].name)->data, sizeof(float) * (size_t)m->params[i].size);
    rt_meta_free(meta, nmeta);
    rt_tensors_free(ts, n);
    return rc;
}

/* ---- workspaces ------------------------------------------------------------------ */

double rt_ws_bytes(const rt_model *m, int64_t B) {
    double n = 0;
    for (int i = 0; i < m->nbufs; i++)
        if (m->buf_kind[i] != RT_BUF_PARAM && m->buf_kind[i] != RT_BUF_GRAD)
            n += (double)m->buf_size[i] * (m->buf_batched[i] ? (double)B : 1.0);
    return 4.0 * n;
}

rt_ws *rt_ws_new(const rt_model *m, int64_t B, rt_params *p, uint64_t seed) {
    rt_ws *w = calloc(1, sizeof *w);
    w->m = m;
    w->B = B;
    w->seed = seed;
    w->bufs = calloc((size_t)m->nbufs + 1, sizeof(float *));
    w->accepts = calloc((size_t)m->ngroups + 1, sizeof(int64_t));
    w->clamp_value = calloc((size_t)m->ngroups + 1, sizeof(float *));
    w->proposals = calloc((size_t)m->ngroups + 1, sizeof(int64_t));
    for (int i = 0; i < m->nbufs; i++) {
        if (m->buf_kind[i] == RT_BUF_PARAM || m->buf_kind[i] == RT_BUF_GRAD) continue;
        int64_t n = m->buf_batched[i] ? m->buf_size[i] * B : m->buf_size[i];
        w->bufs[i] = rt_alloc(sizeof(float) * (size_t)(n ? n : 1));
    }
    for (int i = 0; i < m->nparams; i++) {
        w->bufs[m->params[i].buf] = p->value[i];
        w->bufs[m->params[i].grad_buf] = p->grad[i];
    }
    return w;
}

int rt_ws_over_rows(const rt_model *m, rt_params *p, uint64_t seed, int64_t B, const float *rows, int64_t n,
                    int64_t row_floats, rt_ws_chunk_fn chunk, void *ctx) {
    if (n < 1) return rt_fail("no examples");
    rt_ws *w = rt_ws_new(m, B, p, seed);
    int rc = 0;
    for (int64_t r0 = 0; r0 < n && !rc; r0 += B) {
        w->B = n - r0 < B ? n - r0 : B;
        rt_ws_set_visible(w, rows + r0 * row_floats, w->B, row_floats);
        rc = chunk(ctx, w, r0);
    }
    rt_ws_free(w);
    return rc;
}

void rt_ws_free(rt_ws *w) {
    if (!w) return;
    for (int i = 0; i < w->m->nbufs; i++)
        if (w->m->buf_kind[i] != RT_BUF_PARAM && w->m->buf_kind[i] != RT_BUF_GRAD) rt_free(w->bufs[i]);
    for (int g = 0; g < w->m->ngroups; g++) rt_free(w->clamp_value[g]);
    free(w->clamp_value);
    free(w->bufs);
    free(w->accepts);
    free(w->proposals);
    free(w);
}

void rt_ws_run(rt_ws *w, int kernel) {
    if (kernel < 0) return;
    w->m->exec(w->m->backend, kernel, w->bufs, w->B, w->seed, w->step++, w->row0);
}

void rt_ws_sweep(rt_ws *w) {
    const rt_model *m = w->m;
    for (int k = 0; k < m->nblocks; k++)
        for (int g = 0; g < m->ngroups; g++)
            if (m->groups[g].block == m->sweep[k]) {
                if (m->groups[g].sampler != RT_SAMPLER_EXACT) rt_mcmc_update(w, g);
                else rt_ws_run(w, m->groups[g].k_sample);
                rt_ws_apply_clamp(w, g);
            }
}

int64_t rt_visible_floats(const rt_model *m) {
    int64_t n = 0;
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role != RT_HIDDEN && m->groups[g].noise == RT_NOISE_NONE) n += m->groups[g].size;
    return n;
}

/* streams (1 << 27) + 2 g: noise draws, keyed by the workspace's step */
void rt_ws_fill_noise(rt_ws *w) {
    const rt_model *m = w->m;
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->noise == RT_NOISE_NONE) continue;
        float *x = w->bufs[gr->state_buf];
        int64_t e0 = w->row0 * gr->size;
        for (int64_t i = 0; i < gr->size * w->B; i++) {
            uint32_t st = (1u << 27) + 2u * (uint32_t)g;
            x[i] = gr->noise == RT_NOISE_NORMAL ? rt_normal(w->seed, st, w->step, (uint32_t)(e0 + i))
                                                : rt_uniform(w->seed, st, w->step, (uint32_t)(e0 + i));
            if (gr->noise == RT_NOISE_BERNOULLI) x[i] = x[i] < gr->noise_p ? 1.0f : 0.0f;
        }
    }
    w->step++;
}

void rt_ws_set_visible(rt_ws *w, const float *rows, int64_t n, int64_t row_floats) {
    rt_ws_set_visible_at(w, rows, NULL, 0, n, row_floats);
}

void rt_ws_set_visible_at(rt_ws *w, const float *data, const int64_t *order, int64_t lo, int64_t hi, int64_t row_floats) {
    const rt_model *m = w->m;
    int64_t off = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int g = 0; g < m->ngroups; g++) {
            const rt_group *gr = &m->groups[g];
            if (gr->role != (pass ? RT_INPUT : RT_VISIBLE) || gr->noise != RT_NOISE_NONE) continue;
            /* a row may stop before the input groups (a tempered model's
             * __beta is set by rt_tempered_set_betas, not by data) */
            if (off + gr->size > row_floats) return;
            float *dst = w->bufs[gr->state_buf];
            for (int64_t r = lo; r < hi; r++)
                memcpy(dst + r * gr->size, data + (order ? order[r] : r) * row_floats + off, sizeof(float) * (size_t)gr->size);
            off += gr->size;
        }
}

void rt_ws_randomize(rt_ws *w, uint32_t stream) {
    const rt_model *m = w->m;
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role == RT_INPUT) continue;
        float *s = w->bufs[gr->state_buf];
        int64_t n = gr->size * w->B;
        uint32_t st = stream + (uint32_t)g;
        int64_t e0 = w->row0 * gr->size;
        for (int64_t i = 0; i < n; i++) {
            uint32_t e = (uint32_t)(e0 + i);
            float u = rt_uniform(w->seed, st, w->step, e);
            switch (gr->utype) {
            case RT_SPIN: s[i] = u < 0.5f ? -1.0f : 1.0f; break;
            case RT_GAUSSIAN:
            case RT_LAPLACE: s[i] = rt_normal(w->seed, st, w->step, e); break;
            case RT_RELU: s[i] = 0; break;
            case RT_BINOMIAL: {
                int c = 0;
                for (int t = 0; t < gr->binomial_n; t++)
                    c += rt_uniform(w->seed, st + 4096u * (uint32_t)(t + 1), w->step, e) < 0.5f;
                s[i] = (float)c;
                break;
            }
            case RT_SOFTMAX: {
                int64_t K = gr->dims[gr->ndim - 1];
                if (i % K == 0) {
                    int64_t pick = (int64_t)(u * (float)K);
                    if (pick >= K) pick = K - 1;
                    for (int64_t k = 0; k < K; k++) s[i + k] = k == pick ? 1.0f : 0.0f;
                }
                break;
            }
            default: s[i] = u < 0.5f ? 1.0f : 0.0f; break;
            }
        }
        memcpy(w->bufs[gr->mean_buf], s, sizeof(float) * (size_t)n);
    }
    w->step++;
}

double rt_log_base_measure(const rt_ws *w, int64_t r, uint64_t mask) {
    const rt_model *m = w->m;
    double s = 0;
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (!(mask >> g & 1) || gr->utype != RT_BINOMIAL) continue;
        const float *x = w->bufs[gr->state_buf] + r * gr->size;
        double n = gr->binomial_n;
        for (int64_t i = 0; i < gr->size; i++) s += lgamma(n + 1) - lgamma(x[i] + 1) - lgamma(n - x[i] + 1);
    }
    return s;
}

void rt_ws_clamp(rt_ws *w, int g, const float *values, const float *mask, int64_t rows) {
    const rt_group *gr = &w->m->groups[g];
    float *cm = w->bufs[gr->clamp_buf];
    int64_t n = gr->size * w->B, k = gr->size * (rows < w->B ? rows : w->B);
    rt_free(w->clamp_value[g]);
    w->clamp_value[g] = NULL;
    memset(cm, 0, sizeof(float) * (size_t)n);
    if (!values) return;
    w->clamp_value[g] = rt_alloc(sizeof(float) * (size_t)n);
    for (int64_t i = 0; i < k; i++) {
        int held = mask ? mask[i] != 0 : !isnan(values[i]);
        cm[i] = held ? 1.0f : 0.0f;
        w->clamp_value[g][i] = held ? values[i] : 0.0f;
    }
    rt_ws_apply_clamp(w, g);
}

void rt_ws_apply_clamp(rt_ws *w, int g) {
    const float *v = w->clamp_value[g];
    if (!v) return;
    const rt_group *gr = &w->m->groups[g];
    const float *cm = w->bufs[gr->clamp_buf];
    float *x = w->bufs[gr->state_buf], *mean = w->bufs[gr->mean_buf];
    for (int64_t i = 0; i < gr->size * w->B; i++)
        if (cm[i] != 0) x[i] = mean[i] = v[i];
}
