/* rt_recurrent.c — the loops over time of a model with a recurrent input
 * group (see rt_recurrent.h): back-propagation through time of the
 * per-step gradients, exact per-frame likelihoods, generation. Every
 * per-step computation is a kernel the compiler derived; this file only
 * moves frames and states between steps. */
#include "rt_recurrent.h"

#include <math.h>
#include <string.h>

#include "rt_dist.h"
#include "rt_eval.h"
#include "rt_exact.h"
#include "rt_methods.h"
#include "rt_sample_out.h"
#include "rt_update.h"

int rt_recurrent_source_check(const rt_model *m, const rt_source *src) {
    if (src->history > 0 || (src->kind == RT_SRC_MOVING_BAR && src->length == 0))
        return rt_fail("model '%s' reads sequences, one per row in time order (moving_bar(width, length = T)), "
                       "not frames with their history", m->name);
    return 0;
}

int rt_recurrent_frames(const rt_model *m, int64_t row_floats, int *T) {
    if (!m->recur) return rt_fail("model '%s' has no recurrent input group", m->name);
    if (!m->fe_exact) return rt_fail("a recurrent model's hidden groups must sum out of its free energy (see `ebmc explain`)");
    int64_t V = 0;
    for (int g = 0; g < m->ngroups; g++) {
        if (m->groups[g].role == RT_VISIBLE) V += m->groups[g].size;
        if (m->groups[g].role == RT_INPUT && g != m->recur->group)
            return rt_fail("a recurrent model takes no input group but its state ('%s' is one)", m->groups[g].name);
    }
    if (V == 0 || row_floats % V || row_floats == 0)
        return rt_fail("a data row of %lld values is not a sequence of frames of %lld values (the visible groups)",
                       (long long)row_floats, (long long)V);
    *T = (int)(row_floats / V);
    return 0;
}

static int64_t frame_floats(const rt_model *m) {
    int64_t V = 0;
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE) V += m->groups[g].size;
    return V;
}

static float *buf(rt_ws *w, int b) { return w->bufs[b]; }

/* frame t of sequences rows[order[r]] into the visible groups of rows [0, n) */
static void set_frame(rt_ws *w, const float *rows, const int64_t *order, int64_t n, int64_t rf, int t) {
    const rt_model *m = w->m;
    int64_t V = frame_floats(m);
    for (int64_t r = 0; r < n; r++) {
        const float *src = rows + (order ? order[r] : r) * rf + (int64_t)t * V;
        for (int g = 0; g < m->ngroups; g++) {
            const rt_group *gr = &m->groups[g];
            if (gr->role != RT_VISIBLE) continue;
            memcpy(buf(w, gr->state_buf) + r * gr->size, src, sizeof(float) * (size_t)gr->size);
            src += gr->size;
        }
    }
}

static void set_state(rt_ws *w, const float *u, int64_t n) {
    const rt_group *g = &w->m->groups[w->m->recur->group];
    memcpy(buf(w, g->state_buf), u, sizeof(float) * (size_t)(n * g->size));
}

/* the state before the first step of n rows: the start parameter, or zeros */
static void first_state(const rt_model *m, const rt_params *p, float *u, int64_t n) {
    int64_t U = m->groups[m->recur->group].size;
    int s = m->recur->start_param;
    for (int64_t r = 0; r < n; r++)
        if (s >= 0) memcpy(u + r * U, p->value[s], sizeof(float) * (size_t)U);
        else memset(u + r * U, 0, sizeof(float) * (size_t)U);
}

static void fill(float *x, int64_t n, float v) {
    for (int64_t i = 0; i < n; i++) x[i] = v;
}

/* one step of block Gibbs: the hidden groups given the rest, then the visible ones */
static void gibbs(rt_ws *w) {
    const rt_model *m = w->m;
    for (int pass = 0; pass < 2; pass++)
        for (int k = 0; k < m->nblocks; k++)
            for (int g = 0; g < m->ngroups; g++)
                if (m->groups[g].block == m->sweep[k] && m->groups[g].role == (pass ? RT_VISIBLE : RT_HIDDEN))
                    rt_ws_run(w, m->groups[g].k_sample);
}

/* the exact negative phase of n rows: every visible configuration of each
 * row's state, weighted by p(v | u) * scale; into the gradient, and
 * sum_v p(v | u) dF/du into dn */
static int exact_negative(rt_ws *e, const float *u, int64_t n, int V, double scale, float *dn) {
    const rt_model *m = e->m;
    const rt_group *ug = &m->groups[m->recur->group];
    int64_t C = (int64_t)1 << V, U = ug->size;
    e->B = n * C;
    for (int64_t r = 0; r < n; r++)
        for (int64_t c = 0; c < C; c++) {
            float *x = NULL;
            int bit = 0;
            for (int g = 0; g < m->ngroups; g++) {
                const rt_group *gr = &m->groups[g];
                if (gr->role != RT_VISIBLE) continue;
                x = buf(e, gr->state_buf) + (r * C + c) * gr->size;
                for (int64_t i = 0; i < gr->size; i++, bit++) x[i] = (float)(c >> bit & 1);
            }
            memcpy(buf(e, ug->state_buf) + (r * C + c) * U, u + r * U, sizeof(float) * (size_t)U);
        }
    rt_ws_run(e, m->k_free_energy);
    const float *F = buf(e, m->fe_buf);
    float *wt = buf(e, m->weight_buf);
    for (int64_t r = 0; r < n; r++) {
        double lo = INFINITY, z = 0;
        for (int64_t c = 0; c < C; c++) lo = fmin(lo, (double)F[r * C + c]);
        for (int64_t c = 0; c < C; c++) z += exp(lo - (double)F[r * C + c]);
        for (int64_t c = 0; c < C; c++) wt[r * C + c] = (float)(exp(lo - (double)F[r * C + c]) / z);
    }
    rt_ws_run(e, m->recur->k_dfree);
    const float *d = buf(e, ug->dstate_buf);
    for (int64_t r = 0; r < n; r++)
        for (int64_t i = 0; i < U; i++) {
            double s = 0;
            for (int64_t c = 0; c < C; c++) s += (double)wt[r * C + c] * d[(r * C + c) * U + i];
            dn[r * U + i] = (float)s;
        }
    for (int64_t i = 0; i < n * C; i++) wt[i] = (float)(wt[i] * scale);
    rt_ws_run(e, m->k_grad);
    return 0;
}

static int exact_ok(const rt_model *m) {
    int V = 0;
    for (int g = 0; g < m->ngroups; g++) {
        if (m->groups[g].role != RT_VISIBLE) continue;
        if (m->groups[g].utype != RT_BERNOULLI) return rt_fail("the exact negative phase lists binary frames only");
        V += (int)m->groups[g].size;
    }
    if (V > 16) return rt_fail("the exact negative phase lists at most 2^16 frames; this one has 2^%d", V);
    return V;
}

double rt_recurrent_grad(const rt_model *m, rt_params *p, const float *rows, const int64_t *order, int64_t n,
                         int64_t row_floats, int k, uint64_t seed, uint64_t step) {
    int T;
    if (rt_recurrent_frames(m, row_floats, &T)) return -1;
    int V = k == 0 ? exact_ok(m) : 0;
    if (V < 0) return -1;
    const rt_recurrent *rc = m->recur;
    const rt_group *ug = &m->groups[rc->group];
    int64_t U = ug->size;
    rt_ws *d = rt_ws_new(m, n, p, seed), *e = rt_ws_new(m, k == 0 ? n << V : n, p, seed);
    if (!d || !e) {
        rt_ws_free(d);
        rt_ws_free(e);
        return -1;
    }
    d->step = step;
    e->step = step + 1000003;
    float *states = rt_alloc(sizeof(float) * (size_t)((T + 1) * n * U));
    float *dfree = rt_alloc(sizeof(float) * (size_t)(T * n * U));
    float *dn = rt_alloc(sizeof(float) * (size_t)(n * U));
    float *adj = rt_alloc(sizeof(float) * (size_t)(n * U));
    for (int i = 0; i < m->nparams; i++) memset(p->grad[i], 0, sizeof(float) * (size_t)m->params[i].size);
    first_state(m, p, states, n);
    double err = 0, scale = 1.0 / (double)n;
    int64_t V1 = frame_floats(m);
    /* forward: the states, and each step's two phases */
    for (int t = 0; t < T; t++) {
        float *u = states + (int64_t)t * n * U;
        set_frame(d, rows, order, n, row_floats, t);
        set_state(d, u, n);
        rt_ws_run(d, rc->k_next);
        memcpy(u + n * U, buf(d, ug->mean_buf), sizeof(float) * (size_t)(n * U));
        rt_ws_run(d, rc->k_dfree);
        memcpy(dfree + (int64_t)t * n * U, buf(d, ug->dstate_buf), sizeof(float) * (size_t)(n * U));
        fill(buf(d, m->weight_buf), n, (float)-scale);
        rt_ws_run(d, m->k_grad);
        if (k == 0) exact_negative(e, u, n, V, scale, dn);
        else {
            e->B = n;
            set_frame(e, rows, order, n, row_floats, t);
            set_state(e, u, n);
            for (int s = 0; s < k; s++) gibbs(e);
            fill(buf(e, m->weight_buf), n, (float)scale);
            rt_ws_run(e, m->k_grad);
            rt_ws_run(e, rc->k_dfree);
            memcpy(dn, buf(e, ug->dstate_buf), sizeof(float) * (size_t)(n * U));
            for (int g = 0; g < m->ngroups; g++) {
                const rt_group *gr = &m->groups[g];
                if (gr->role != RT_VISIBLE) continue;
                const float *a = buf(d, gr->state_buf), *b = buf(e, gr->state_buf);
                for (int64_t i = 0; i < n * gr->size; i++) err += (double)(a[i] - b[i]) * (a[i] - b[i]);
            }
        }
        /* the ascent direction in u[t-1]: -(dF(data) - dF(negative)) / n */
        float *df = dfree + (int64_t)t * n * U;
        for (int64_t i = 0; i < n * U; i++) df[i] = (float)((dn[i] - df[i]) * scale);
    }
    /* backward: the adjoint of u[t+1] through s into the parameters and u[t] */
    memset(adj, 0, sizeof(float) * (size_t)(n * U));
    for (int t = T - 1; t >= 1; t--) {
        set_frame(d, rows, order, n, row_floats, t);
        set_state(d, states + (int64_t)t * n * U, n);
        memcpy(buf(d, rc->adjoint_buf), adj, sizeof(float) * (size_t)(n * U));
        fill(buf(d, m->weight_buf), n, 1);
        rt_ws_run(d, rc->k_back);
        const float *back = buf(d, ug->dstate_buf), *df = dfree + (int64_t)t * n * U;
        for (int64_t i = 0; i < n * U; i++) adj[i] = back[i] + df[i];
    }
    /* t = 0: the adjoint of u[1] into the parameters; what reaches u[0]
     * goes to the start parameter when there is one (else u[0] is zeros) */
    set_frame(d, rows, order, n, row_floats, 0);
    set_state(d, states, n);
    memcpy(buf(d, rc->adjoint_buf), adj, sizeof(float) * (size_t)(n * U));
    fill(buf(d, m->weight_buf), n, 1);
    rt_ws_run(d, rc->k_back);
    if (rc->start_param >= 0) {
        const float *back = buf(d, ug->dstate_buf);
        float *g = p->grad[rc->start_param];
        for (int64_t r = 0; r < n; r++)
            for (int64_t i = 0; i < U; i++) g[i] += back[r * U + i] + dfree[r * U + i];
    }
    rt_free(states);
    rt_free(dfree);
    rt_free(dn);
    rt_free(adj);
    rt_ws_free(d);
    rt_ws_free(e);
    return k == 0 ? 0 : err / (double)(n * T * V1);
}

int rt_recurrent_loglik(const rt_model *m, rt_params *p, const float *rows, int64_t n, int64_t row_floats,
                        double *per_frame) {
    int T;
    if (rt_recurrent_frames(m, row_floats, &T)) return -1;
    const rt_group *ug = &m->groups[m->recur->group];
    int64_t U = ug->size, V = frame_floats(m), rf = V + U;
    rt_ws *d = rt_ws_new(m, n, p, 0);
    if (!d) return -1;
    float *u = rt_alloc(sizeof(float) * (size_t)(n * U));
    float *step = rt_alloc(sizeof(float) * (size_t)(n * rf));
    first_state(m, p, u, n);
    int rc = 0;
    for (int t = 0; t < T && !rc; t++) {
        /* rows of the step's model: the frame, then its state */
        for (int64_t r = 0; r < n; r++) {
            memcpy(step + r * rf, rows + r * row_floats + (int64_t)t * V, sizeof(float) * (size_t)V);
            memcpy(step + r * rf + V, u + r * U, sizeof(float) * (size_t)U);
        }
        rc = rt_exact_loglik(m, p, 0, step, n, rf, &per_frame[t]);
        set_frame(d, rows, NULL, n, row_floats, t);
        set_state(d, u, n);
        rt_ws_run(d, m->recur->k_next);
        memcpy(u, buf(d, ug->mean_buf), sizeof(float) * (size_t)(n * U));
    }
    rt_free(u);
    rt_free(step);
    rt_ws_free(d);
    return rc;
}

int rt_recurrent_report(const rt_model *m, rt_params *p, const rt_dataset *data, FILE *y) {
    int T;
    int64_t rf = rt_dataset_row(data);
    if (rt_recurrent_frames(m, rf, &T)) return -1;
    double *f = rt_alloc(sizeof(double) * (size_t)T), sum = 0;
    if (rt_recurrent_loglik(m, p, data->data, data->n, rf, f)) {
        rt_free(f);
        return -1;
    }
    fprintf(y, "sequences: %lld\nframes: %d\n", (long long)data->n, T);
    for (int t = 0; t < T; t++) sum += f[t];
    rt_yaml_number(y, "exact_loglik", sum / (double)(data->n * T));
    fprintf(y, "exact_loglik_per_frame: [");
    for (int t = 0; t < T; t++) fprintf(y, "%s%.6g", t ? ", " : "", f[t] / (double)data->n);
    fprintf(y, "]\n");
    rt_yaml_number(y, "loglik", sum / (double)(data->n * T));
    fprintf(y, "loglik_source: exact\n");
    rt_free(f);
    return 0;
}

int rt_recurrent_sample(const rt_model *m, rt_params *p, int64_t c0, int64_t c1, int T, int steps, uint64_t seed,
                        float *out, float *means) {
    if (!m->recur) return rt_fail("model '%s' has no recurrent input group", m->name);
    const rt_group *ug = &m->groups[m->recur->group];
    int64_t V = frame_floats(m), chains = c1 - c0;
    rt_ws *w = rt_ws_new(m, chains, p, seed);
    if (!w) return -1;
    w->row0 = c0;
    first_state(m, p, buf(w, ug->state_buf), chains);
    for (int t = 0; t < T; t++) {
        rt_ws_randomize(w, (uint32_t)(1000 + t));
        for (int s = 0; s < steps; s++) gibbs(w);
        for (int64_t c = 0; c < chains; c++) {
            float *o = out + (c * T + t) * V, *om = means ? means + (c * T + t) * V : NULL;
            for (int g = 0; g < m->ngroups; g++) {
                const rt_group *gr = &m->groups[g];
                if (gr->role != RT_VISIBLE) continue;
                memcpy(o, buf(w, gr->state_buf) + c * gr->size, sizeof(float) * (size_t)gr->size);
                if (om) memcpy(om, buf(w, gr->mean_buf) + c * gr->size, sizeof(float) * (size_t)gr->size);
                o += gr->size;
                if (om) om += gr->size;
            }
        }
        rt_ws_run(w, m->recur->k_next);
        memcpy(buf(w, ug->state_buf), buf(w, ug->mean_buf), sizeof(float) * (size_t)(chains * ug->size));
    }
    rt_ws_free(w);
    return 0;
}

int rt_recurrent_write_png(const rt_model *m, const char *path, const float *frames, int64_t chains, int T) {
    int h, w;
    int64_t V = frame_floats(m);
    if (!rt_image_shape(m, &h, &w) || (int64_t)h * w != V) h = 1, w = (int)V;
    /* per chain one image: 1-D frames as rows (time down), 2-D frames side by side */
    int ih = h == 1 ? T : h, iw = h == 1 ? w : w * T;
    float *img = rt_alloc(sizeof(float) * (size_t)(chains * ih * iw));
    for (int64_t c = 0; c < chains; c++)
        for (int t = 0; t < T; t++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    float v = frames[(c * T + t) * V + (int64_t)y * w + x];
                    int64_t at = h == 1 ? (int64_t)t * iw + x : (int64_t)y * iw + (int64_t)t * w + x;
                    img[c * ih * iw + at] = v;
                }
    int cols = h == 1 ? (chains < 16 ? (int)chains : 16) : 1;
    int rc = rt_write_png_grid(path, img, (int)chains, ih, iw, cols, 0);
    rt_free(img);
    return rc;
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

int rt_recurrent_sample_out(const rt_model *m, rt_params *p, int64_t chains, int T, int steps, uint64_t seed,
                            const char *out, int states) {
    if (T < 1) return rt_fail("how many frames? set length = T in the sample block (or --set sample.length=T)");
    int64_t V = frame_floats(m), c0, c1;
    float *values = rt_alloc(sizeof(float) * (size_t)(chains * T * V)), *means = rt_alloc(sizeof(float) * (size_t)(chains * T * V));
    /* the chains split over the ranks, gathered in chain order */
    rt_dist_share(chains, &c0, &c1);
    int rc;
    if (rt_dist_size() == 1) rc = rt_recurrent_sample(m, p, 0, chains, T, steps, seed, values, means);
    else {
        int64_t bytes = (int64_t)sizeof(float) * (c1 - c0) * T * V;
        float *mv = rt_alloc((size_t)bytes + 1), *mm = rt_alloc((size_t)bytes + 1);
        rc = rt_recurrent_sample(m, p, c0, c1, T, steps, seed, mv, mm) ||
             rt_dist_gather_rows(mv, c0, c1, T * V, values) || rt_dist_gather_rows(mm, c0, c1, T * V, means);
        rt_free(mv);
        rt_free(mm);
    }
    if (!rc && ends_with(out, ".png")) rc = rt_recurrent_write_png(m, out, states ? values : means, chains, T);
    else if (!rc && ends_with(out, ".npy")) {
        int64_t dims[3] = {chains, T, V};
        rc = rt_write_npy(out, values, 3, dims);
    } else if (!rc) rc = rt_write_csv(out, values, chains * T, V, NULL);
    rt_free(values);
    rt_free(means);
    return rc;
}

int rt_recurrent_train(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg,
                       FILE *progress, rt_train_report *rep) {
    int64_t rf = rt_dataset_row(data), n = data->n, B = cfg->batch > 0 && cfg->batch < n ? cfg->batch : n;
    int T;
    rep->epochs = 0;
    rep->per_epoch = NULL;
    rep->optimum = NAN;
    if (n == 0) return rt_fail("the training data is empty");
    if (rt_recurrent_frames(m, rf, &T)) return -1;
    if (cfg->method != RT_CD) return rt_fail("a recurrent model trains by method = cd(k = ...)");
    if (cfg->resume_path || cfg->checkpoint_every > 0 || cfg->checkpoint_minutes > 0)
        return rt_fail("a recurrent model's training does not write or resume training checkpoints yet "
                       "(checkpoint_every, checkpoint_minutes, --resume)");
    if (rt_dist_size() > 1) return rt_fail("a recurrent model trains in one process (not under mpirun yet)");
    if (cfg->mon_pll || cfg->mon_fe_gap || cfg->mon_accuracy)
        return rt_fail("a recurrent model's monitors are recon_error and exact_loglik");
    int64_t *order = rt_alloc(sizeof(int64_t) * (size_t)n);
    uint64_t step = 0;
    for (int epoch = 1; epoch <= cfg->epochs; epoch++) {
        double t0 = rt_method_now(), lr = rt_schedule_at(&cfg->lr, epoch, cfg->epochs),
               mom = rt_schedule_at(&cfg->momentum, epoch, cfg->epochs),
               wd = rt_schedule_at(&cfg->weight_decay, epoch, cfg->epochs), err = 0;
        rt_shuffle(order, n, cfg->seed, epoch);
        for (int64_t b0 = 0; b0 < n; b0 += B) {
            int64_t nb = n - b0 < B ? n - b0 : B;
            double e = rt_recurrent_grad(m, p, data->data, order + b0, nb, rf, cfg->k, cfg->seed, step);
            step += 2 * (uint64_t)T * (uint64_t)(cfg->k + 4);
            if (e < 0) {
                rt_free(order);
                return -1;
            }
            err += e * (double)nb;
            rt_update_step(m, p, cfg, lr, mom, wd);
            rt_method_batch(cfg, epoch, b0 + nb, n, B, err / (double)(b0 + nb));
        }
        rt_epoch_stats *st = rt_method_epoch(rep, cfg, epoch);
        st->recon = err / (double)n;
        st->lr = lr, st->momentum = mom, st->weight_decay = wd;
        st->seconds = rt_method_now() - t0;
        rep->epochs = epoch;
        int due = cfg->mon_every > 0 && (epoch % cfg->mon_every == 0 || epoch == cfg->epochs);
        if (due && cfg->mon_exact) {
            /* the exact average log p(frame | state) over the training frames */
            double *f = rt_alloc(sizeof(double) * (size_t)T), s = 0;
            int bad = rt_recurrent_loglik(m, p, data->data, n, rf, f);
            for (int t = 0; t < T; t++) s += f[t];
            rt_free(f);
            if (bad) {
                rt_free(order);
                return -1;
            }
            st->loglik = s / (double)(n * T);
            rt_method_progress(progress, cfg, st, "exact_loglik per frame", st->loglik);
        } else if (due) {
            rt_method_progress(progress, cfg, st, "recon", st->recon);
        }
        rt_method_epoch_end(cfg, st, (n + B - 1) / B, cfg->mon_recon ? st->recon : NAN, due);
        if (cfg->stop && *cfg->stop) {
            /* no training state to resume from: the parameters so far are
             * written as those of a run of this many epochs */
            if (progress) fprintf(progress, "interrupted after epoch %d: its parameters are written\n", epoch);
            break;
        }
    }
    rt_free(order);
    return 0;
}
