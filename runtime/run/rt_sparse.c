/* rt_sparse.c — sparse coding: MAP codes by FISTA, and dictionary learning.
 *
 * The energy of x = W.h + b + noise with a Laplace prior on h is a smooth
 * part (the Gaussian likelihood, quadratic in h) plus sum_j l1[j] |h[j]|.
 * The compiler splits it (compiler/energy/energy_linear.c) and emits the smooth
 * part's gradient (dEs.h) and the weights (l1.h), so the encoder is FISTA
 * (Beck & Teboulle 2009) with nothing model-specific here:
 *     h' = soft(y - grad(y)/L, l1/L),  t' = (1 + sqrt(1 + 4t^2))/2,
 *     y = h' + (t - 1)/t' (h' - h)
 * with L the largest eigenvalue of the smooth part's Hessian in h, found by
 * power iteration on Hessian-vector products grad(v) - grad(0) (exact: the
 * smooth part is quadratic in h).
 *
 * Dictionary learning alternates: codes of a minibatch by FISTA, then the
 * dictionary by block-coordinate descent on its statistics A = sum g g' and
 * Bx = sum x g' (g = the codes and a 1 for the mean b; Mairal, Bach, Ponce
 * & Sapiro 2009, "Online dictionary learning"): each atom W[:, j] in turn
 * solves the least-squares problem with the others held and is projected
 * back onto the unit ball (without that constraint the L1 term is beaten
 * by shrinking h and growing W). This step uses the roles the compiler
 * found (loading, mean) and assumes the noise is the same for every unit of
 * x, as in the usual sparse coding model; it needs no learning rate.
 *
 * In a job of several ranks (rt_dist.h) each rank finds the codes of its
 * share of every batch and one exchange adds the ranks' parts of the
 * batch's statistics (and the monitors' sums); every rank then takes the
 * same dictionary step. FISTA stops when the codes of the rank's own rows
 * settle (within its tolerance), so N ranks agree with one process to
 * about that tolerance, not to the last bit.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_dist.h"
#include "rt_methods.h"
#include "rt_train_dist.h"

static void set_rows(rt_ws *w, int g, const float *v, int64_t rows) {
    const rt_group *gr = &w->m->groups[g];
    memcpy(w->bufs[gr->state_buf], v, sizeof(float) * (size_t)(rows * gr->size));
}

/* The largest eigenvalue of the smooth part's Hessian in h. It does not
 * depend on x (the likelihood is linear-Gaussian), so a workspace of two
 * rows with x = 0 gives H v as the difference of the gradients at h = v and
 * h = 0, for the power iteration. */
static double lipschitz(rt_ws *w, int h) {
    const rt_model *m = w->m;
    const rt_group *gr = &m->groups[h];
    int64_t k = gr->size;
    float **val = calloc((size_t)m->nparams + 1, sizeof(float *)), **grad = calloc((size_t)m->nparams + 1, sizeof(float *));
    for (int i = 0; i < m->nparams; i++) {
        val[i] = w->bufs[m->params[i].buf];
        grad[i] = w->bufs[m->params[i].grad_buf];
    }
    rt_params q = {.n = m->nparams, .value = val, .grad = grad};
    rt_ws *two = rt_ws_new(m, 2, &q, 0);
    float *st = two->bufs[gr->state_buf];
    const float *g = two->bufs[gr->dstate_buf];
    double *v = malloc(sizeof(double) * (size_t)k), lam = 0;
    for (int64_t i = 0; i < k; i++) v[i] = 1.0 + 0.01 * (double)(i % 7);
    for (int it = 0; it < 200; it++) {
        double nv = 0, next = 0;
        for (int64_t i = 0; i < k; i++) nv += v[i] * v[i];
        nv = sqrt(nv);
        for (int64_t i = 0; i < k; i++) st[k + i] = (float)(v[i] / nv);
        rt_ws_run(two, gr->k_dsmooth);
        for (int64_t i = 0; i < k; i++) {
            v[i] = (double)g[k + i] - g[i];
            next += v[i] * (double)st[k + i];
        }
        int done = it > 5 && fabs(next - lam) <= 1e-7 * fabs(next);
        lam = next;
        if (done) break;
    }
    rt_ws_free(two);
    free(v), free(val), free(grad);
    return lam;
}

int rt_fista(rt_ws *w, int h, int iters, double tol, double l1_scale, double *lip) {
    const rt_model *m = w->m;
    const rt_group *gr = &m->groups[h];
    if (gr->k_dsmooth < 0 || gr->k_l1 < 0)
        return rt_fail("'%s' has no L1 prior the compiler could split off (see `ebmc explain`)", gr->name);
    int64_t n = w->B * gr->size;
    float *st = w->bufs[gr->state_buf];
    const float *g = w->bufs[gr->dstate_buf];
    double *lam = malloc(sizeof(double) * (size_t)n), *x = malloc(sizeof(double) * (size_t)n);
    double *xn = malloc(sizeof(double) * (size_t)n), *y = malloc(sizeof(double) * (size_t)n);
    double L = lipschitz(w, h);
    if (!(L > 0)) {
        free(lam), free(x), free(xn), free(y);
        return rt_fail("sparse coding: the smooth part of the energy is not convex in '%s' (curvature %g)", gr->name, L);
    }
    L *= 1.0001;
    if (lip) *lip = L;
    rt_ws_run(w, gr->k_l1);
    for (int64_t i = 0; i < n; i++) lam[i] = l1_scale * g[i] / L;
    for (int64_t i = 0; i < n; i++) x[i] = y[i] = st[i];
    double t = 1;
    for (int it = 0; it < iters; it++) {
        for (int64_t i = 0; i < n; i++) st[i] = (float)y[i];
        rt_ws_run(w, gr->k_dsmooth);
        double moved = 0;
        for (int64_t i = 0; i < n; i++) {
            double z = y[i] - g[i] / L;
            xn[i] = z > lam[i] ? z - lam[i] : z < -lam[i] ? z + lam[i] : 0;
            moved = fmax(moved, fabs(xn[i] - x[i]));
        }
        double tn = 0.5 * (1 + sqrt(1 + 4 * t * t));
        for (int64_t i = 0; i < n; i++) {
            y[i] = xn[i] + (t - 1) / tn * (xn[i] - x[i]);
            x[i] = xn[i];
        }
        t = tn;
        if (moved < tol) break;
    }
    for (int64_t i = 0; i < n; i++) st[i] = (float)x[i];
    /* the mean buffer holds the codes too, so monitors see them */
    memcpy(w->bufs[gr->mean_buf], st, sizeof(float) * (size_t)n);
    free(lam), free(x), free(xn), free(y);
    return 0;
}

double rt_sparse_objective(rt_ws *w, int h, double l1_scale, int64_t row) {
    const rt_model *m = w->m;
    const rt_group *gr = &m->groups[h];
    float *st = w->bufs[gr->state_buf], *keep = malloc(sizeof(float) * (size_t)(w->B * gr->size));
    memcpy(keep, st, sizeof(float) * (size_t)(w->B * gr->size));
    rt_ws_run(w, gr->k_l1);
    double extra = 0;
    for (int64_t i = 0; i < gr->size; i++) extra += (l1_scale - 1) * w->bufs[gr->dstate_buf][row * gr->size + i] * fabs(keep[row * gr->size + i]);
    rt_ws_run(w, m->k_energy);
    double e = w->bufs[m->energy_buf][row] + extra;
    free(keep);
    return e;
}

/* The dictionary's sufficient statistics (Mairal et al. 2009): A = sum of
 * g g' and Bx = sum of x g' over the codes seen, g = (h, 1) when the model
 * has a mean b, forgotten by a factor per batch so the early codes (from a
 * worse dictionary) fade. */
typedef struct Dict {
    int64_t d, k, q;        /* q = k + 1 with a mean */
    double *A, *Bx, *W;     /* A q x q, Bx d x q, W d x q (the mean last) */
} Dict;

static void dict_load(Dict *D, const rt_params *p, const rt_linear *lin) {
    for (int64_t i = 0; i < D->d; i++) {
        for (int64_t j = 0; j < D->k; j++)
            D->W[i * D->q + j] = p->value[lin->loading][lin->loading_t ? j * D->d + i : i * D->k + j];
        if (D->q > D->k) D->W[i * D->q + D->k] = p->value[lin->mean][i];
    }
}

static void dict_store(const Dict *D, rt_params *p, const rt_linear *lin) {
    for (int64_t i = 0; i < D->d; i++) {
        for (int64_t j = 0; j < D->k; j++)
            p->value[lin->loading][lin->loading_t ? j * D->d + i : i * D->k + j] = (float)D->W[i * D->q + j];
        if (D->q > D->k) p->value[lin->mean][i] = (float)D->W[i * D->q + D->k];
    }
}

/* One sweep of block-coordinate descent over the atoms: each column of W
 * minimises sum ||x - W g||^2 with the others held, then is projected onto
 * the unit ball; the mean column is not constrained. An atom no code has
 * used restarts at a data residual (Mairal's remedy for dead atoms). */
static void dict_update(Dict *D, const float *x, int64_t nb, uint64_t seed, uint64_t step) {
    int64_t d = D->d, q = D->q;
    double *u = malloc(sizeof(double) * (size_t)d);
    for (int64_t j = 0; j < q; j++) {
        double ajj = D->A[j * q + j];
        if (j < D->k && ajj < 1e-8) {
            int64_t r = (int64_t)(rt_uniform(seed, 1u << 22, step, (uint32_t)j) * (float)nb) % nb;
            double nrm = 0;
            for (int64_t i = 0; i < d; i++) {
                u[i] = x[r * d + i] - (q > D->k ? D->W[i * q + D->k] : 0);
                nrm += u[i] * u[i];
            }
            for (int64_t i = 0; i < d; i++) D->W[i * q + j] = nrm > 0 ? u[i] / sqrt(nrm) : 0;
            continue;
        }
        if (ajj <= 0) continue;
        double nrm = 0;
        for (int64_t i = 0; i < d; i++) {
            double wa = 0;
            for (int64_t l = 0; l < q; l++) wa += D->W[i * q + l] * D->A[l * q + j];
            u[i] = D->W[i * q + j] + (D->Bx[i * q + j] - wa) / ajj;
            nrm += u[i] * u[i];
        }
        double c = j < D->k && nrm > 1 ? 1 / sqrt(nrm) : 1;
        for (int64_t i = 0; i < d; i++) D->W[i * q + j] = u[i] * c;
    }
    free(u);
}

int rt_sparse(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
              rt_train_report *rep) {
    const rt_linear *lin = rt_method_linear(m, "sparse_coding", RT_PRIOR_L1);
    if (!lin) return -1;
    if (rt_method_check_rows(m, data, lin->x)) return -1;
    int64_t n = data->n, d = m->groups[lin->x].size, k = m->groups[lin->h].size;
    int64_t B = cfg->batch < n ? cfg->batch : n;
    rt_ws *w = rt_ws_new(m, B, p, cfg->seed);
    int64_t *order = malloc(sizeof(int64_t) * (size_t)n);
    float *rows = malloc(sizeof(float) * (size_t)(B * d)), *zero = calloc((size_t)(B * k), sizeof(float));
    Dict D = {d, k, lin->mean >= 0 ? k + 1 : k, NULL, NULL, NULL};
    D.A = calloc((size_t)(D.q * D.q), sizeof(double));
    D.Bx = calloc((size_t)(d * D.q), sizeof(double));
    D.W = calloc((size_t)(d * D.q), sizeof(double));
    dict_load(&D, p, lin);
    for (int64_t j = 0; j < k; j++) {
        double nrm = 0;
        for (int64_t i = 0; i < d; i++) nrm += D.W[i * D.q + j] * D.W[i * D.q + j];
        for (int64_t i = 0; nrm > 1 && i < d; i++) D.W[i * D.q + j] /= sqrt(nrm);
    }
    dict_store(&D, p, lin);
    double *g = malloc(sizeof(double) * (size_t)(B * D.q));
    /* a batch's statistics of this rank's rows: A, Bx, the objective and the
     * nonzero codes, added over the ranks in one exchange */
    int64_t nstat = D.q * D.q + d * D.q + 2;
    double *stat = malloc(sizeof(double) * (size_t)nstat);
    int rc = 0;
    uint64_t steps = 0;
    for (int epoch = 1; epoch <= cfg->epochs && !rc; epoch++) {
        double t0 = rt_method_now(), obj = 0, nonzero = 0;
        rt_shuffle(order, n, cfg->seed, epoch);
        for (int64_t b0 = 0; b0 < n && !rc; b0 += B) {
            int64_t nb = n - b0 < B ? n - b0 : B;
            for (int64_t r = 0; r < nb; r++) memcpy(rows + r * d, data->data + order[b0 + r] * d, sizeof(float) * (size_t)d);
            int64_t lo, hi;   /* this rank's rows of the batch */
            rt_dist_share(nb, &lo, &hi);
            int64_t nl = hi - lo;
            const float *mine = rows + lo * d;
            double *A = stat, *Bx = stat + D.q * D.q;
            /* the statistics, forgetting 5% per batch: rank 0 adds its rows
             * to the faded sums, the others to zero (one process adds in
             * the same order as the ranks together) */
            memset(stat, 0, sizeof(double) * (size_t)nstat);
            if (rt_dist_rank() == 0) {
                for (int64_t i = 0; i < D.q * D.q; i++) A[i] = 0.95 * D.A[i];
                for (int64_t i = 0; i < d * D.q; i++) Bx[i] = 0.95 * D.Bx[i];
            }
            w->B = nl;
            if (nl > 0) {
                set_rows(w, lin->x, mine, nl);
                set_rows(w, lin->h, zero, nl);
                if ((rc = rt_fista(w, lin->h, cfg->iters, 1e-6, cfg->l1_scale, NULL))) break;
                for (int64_t r = 0; r < nl; r++) stat[nstat - 2] += rt_sparse_objective(w, lin->h, cfg->l1_scale, r);
                const float *codes = w->bufs[m->groups[lin->h].state_buf];
                for (int64_t i = 0; i < nl * k; i++) stat[nstat - 1] += codes[i] != 0;
                for (int64_t r = 0; r < nl; r++) {
                    for (int64_t j = 0; j < k; j++) g[r * D.q + j] = codes[r * k + j];
                    if (D.q > k) g[r * D.q + k] = 1;
                }
                for (int64_t r = 0; r < nl; r++)
                    for (int64_t j = 0; j < D.q; j++) {
                        if (g[r * D.q + j] == 0) continue;
                        for (int64_t l = 0; l < D.q; l++) A[j * D.q + l] += g[r * D.q + j] * g[r * D.q + l] / (double)nb;
                        for (int64_t i = 0; i < d; i++) Bx[i * D.q + j] += mine[r * d + i] * g[r * D.q + j] / (double)nb;
                    }
            }
            if ((rc = rt_dist_sum(NULL, 0, stat, nstat))) break;
            obj += stat[nstat - 2];
            nonzero += stat[nstat - 1];
            memcpy(D.A, A, sizeof(double) * (size_t)(D.q * D.q));
            memcpy(D.Bx, Bx, sizeof(double) * (size_t)(d * D.q));
            dict_update(&D, rows, nb, cfg->seed, steps++);
            dict_store(&D, p, lin);
            rt_method_batch(cfg, epoch, b0 + nb, n, B, NAN);
        }
        if (rc) break;
        rt_epoch_stats *st = rt_method_epoch(rep, cfg, epoch);
        st->loss = obj / (double)n;
        st->recon = nonzero / (double)(n * k);
        st->seconds = rt_method_now() - t0;
        rep->epochs = epoch;
        if (progress && !cfg->quiet) {
            fprintf(progress, "epoch %3d/%d  objective %.5f  nonzero codes %.4f  %.2f s/epoch\n", epoch, cfg->epochs, st->loss,
                    st->recon, st->seconds);
            fflush(progress);
        }
        rt_method_epoch_end(cfg, st, (n + B - 1) / B, NAN, progress && !cfg->quiet);
        for (int64_t i = 0; i < d * D.q && !rc; i++)
            if (!isfinite(D.W[i])) rc = rt_fail("sparse coding diverged in epoch %d", epoch);
        if (!rc) rc = rt_train_dist_same(m, p, epoch);
    }
    free(order), free(rows), free(zero), free(g), free(stat), free(D.A), free(D.Bx), free(D.W);
    rt_ws_free(w);
    return rc;
}
