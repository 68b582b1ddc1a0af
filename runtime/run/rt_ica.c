/* rt_ica.c — independent component analysis: x = W.s with a factorial
 * non-Gaussian prior on s, in the noiseless limit.
 *
 * The data are centred and whitened first (z = V (x - mean), V from the
 * covariance's eigendecomposition), so the unmixing B in y = B z starts
 * near an orthogonal matrix. Maximum likelihood then follows Amari's
 * natural gradient, B += lr (I - E[phi(y) y']) B, where phi = -d log p/dy is
 * the prior's score. ebmc does not hard-code phi: it is the derived dE/ds
 * (the dE.s kernel) evaluated with the loading set to zero, which leaves
 * only the prior's terms (the likelihood's depend on s through W.s). With
 * algorithm = fastica, symmetric FastICA (g = tanh) finds the directions
 * and each source's scale is then fitted by maximum likelihood under the
 * prior (the fixed point a = n / sum phi(a y) y).
 *
 * The result is written back as the mixing matrix W = (B V)^-1 and, when
 * the model has one, the mean b; the log-likelihood reported per epoch is
 * exact for the noiseless model: log|det(B V)| + sum_k log p(y_k).
 *
 * In a job of several ranks (rt_dist.h) every sum over rows is split: each
 * rank adds up its share of the rows (of the data, of each batch) and one
 * exchange per sum adds the ranks' parts in rank order, so every rank
 * takes the same steps as one process, up to the order of addition. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_dist.h"
#include "rt_la.h"
#include "rt_methods.h"

typedef struct Ica {
    const rt_model *m;
    const rt_linear *lin;
    rt_params *q;           /* the parameters with the loading (and mean) at 0 */
    rt_ws *w;               /* rows of s for the score and the energy */
    int64_t d, B;
    double lik_const;       /* the energy of x = 0 given s under W = 0, minus the prior */
} Ica;

/* phi(y) for rows of y (n x d, n <= B) into out */
static void score(Ica *c, const double *y, int64_t n, double *out) {
    const rt_group *s = &c->m->groups[c->lin->h];
    float *st = c->w->bufs[s->state_buf];
    c->w->B = n;
    for (int64_t i = 0; i < n * c->d; i++) st[i] = (float)y[i];
    rt_ws_run(c->w, s->k_dstate);
    const float *g = c->w->bufs[s->dstate_buf];
    for (int64_t i = 0; i < n * c->d; i++) out[i] = g[i];
}

/* sum over rows of -log p(y) (the prior's energy) */
static double prior_energy(Ica *c, const double *y, int64_t n) {
    const rt_group *s = &c->m->groups[c->lin->h];
    float *st = c->w->bufs[s->state_buf];
    c->w->B = n;
    for (int64_t i = 0; i < n * c->d; i++) st[i] = (float)y[i];
    rt_ws_run(c->w, c->m->k_energy);
    double e = 0;
    for (int64_t r = 0; r < n; r++) e += c->w->bufs[c->m->energy_buf][r] - c->lik_const;
    return e;
}

/* The Gaussian normaliser the likelihood adds to the energy when W = 0 and
 * x = 0: sum_i (log(2 pi) - log D_i) / 2, D_i from dE/dx at x = e_i. */
static double likelihood_constant(Ica *c) {
    const rt_group *x = &c->m->groups[c->lin->x];
    int64_t d = x->size;
    rt_ws *w = rt_ws_new(c->m, d, c->q, 0);
    float *xs = w->bufs[x->state_buf];
    for (int64_t i = 0; i < d; i++) xs[i * d + i] = 1;
    rt_ws_run(w, x->k_dstate);
    double s = 0;
    for (int64_t i = 0; i < d; i++) s += 0.5 * (log(2 * M_PI) - log(w->bufs[x->dstate_buf][i * d + i]));
    rt_ws_free(w);
    return s;
}

static double logdet_abs(const double *A, int n) {
    /* |det A| by Gaussian elimination with partial pivoting */
    double *M = malloc(sizeof(double) * (size_t)(n * n)), s = 0;
    memcpy(M, A, sizeof(double) * (size_t)(n * n));
    for (int c = 0; c < n; c++) {
        int piv = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(M[r * n + c]) > fabs(M[piv * n + c])) piv = r;
        if (M[piv * n + c] == 0) {
            free(M);
            return -INFINITY;
        }
        for (int k = 0; k < n; k++) {
            double t = M[c * n + k];
            M[c * n + k] = M[piv * n + k];
            M[piv * n + k] = t;
        }
        s += log(fabs(M[c * n + c]));
        for (int r = c + 1; r < n; r++) {
            double f = M[r * n + c] / M[c * n + c];
            for (int k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k];
        }
    }
    free(M);
    return s;
}

/* inverse of a general n x n matrix (Gauss-Jordan); 0 or -1 */
static int invert(const double *A, double *inv, int n) {
    double *M = malloc(sizeof(double) * (size_t)(n * 2 * n));
    for (int r = 0; r < n; r++)
        for (int k = 0; k < 2 * n; k++) M[r * 2 * n + k] = k < n ? A[r * n + k] : (k - n == r);
    for (int c = 0; c < n; c++) {
        int piv = c;
        for (int r = c + 1; r < n; r++)
            if (fabs(M[r * 2 * n + c]) > fabs(M[piv * 2 * n + c])) piv = r;
        if (fabs(M[piv * 2 * n + c]) < 1e-300) {
            free(M);
            return -1;
        }
        for (int k = 0; k < 2 * n; k++) {
            double t = M[c * 2 * n + k];
            M[c * 2 * n + k] = M[piv * 2 * n + k];
            M[piv * 2 * n + k] = t;
        }
        double p = M[c * 2 * n + c];
        for (int k = 0; k < 2 * n; k++) M[c * 2 * n + k] /= p;
        for (int r = 0; r < n; r++) {
            if (r == c) continue;
            double f = M[r * 2 * n + c];
            for (int k = 0; k < 2 * n; k++) M[r * 2 * n + k] -= f * M[c * 2 * n + k];
        }
    }
    for (int r = 0; r < n; r++)
        for (int k = 0; k < n; k++) inv[r * n + k] = M[r * 2 * n + n + k];
    free(M);
    return 0;
}

/* B := (B B')^-1/2 B: the nearest orthogonal matrix's decorrelation */
static int sym_decorrelate(double *B, int d) {
    double *C = malloc(sizeof(double) * (size_t)(d * d)), *ev = malloc(sizeof(double) * (size_t)d);
    double *S = calloc((size_t)(d * d), sizeof(double)), *T = malloc(sizeof(double) * (size_t)(d * d));
    rt_la_gemm(0, 1, d, d, d, 1.0, B, B, 0.0, C);
    int rc = rt_la_eigh(C, d, ev);
    for (int e = 0; !rc && e < d; e++) {
        if (!(ev[e] > 0)) rc = -1;
        else
            for (int i = 0; i < d; i++)
                for (int j = 0; j < d; j++) S[i * d + j] += C[e * d + i] * C[e * d + j] / sqrt(ev[e]);
    }
    if (!rc) {
        rt_la_gemm(0, 0, d, d, d, 1.0, S, B, 0.0, T);
        memcpy(B, T, sizeof(double) * (size_t)(d * d));
    }
    free(C), free(ev), free(S), free(T);
    return rc;
}

/* average log-likelihood of the whitened rows z under unmixing B V */
static double loglik(Ica *c, const double *z, int64_t n, const double *B, double logdetV, double *y) {
    int d = (int)c->d;
    double e = 0;
    int64_t lo, hi;
    rt_dist_share(n, &lo, &hi);
    for (int64_t r0 = lo; r0 < hi; r0 += c->B) {
        int64_t k = hi - r0 < c->B ? hi - r0 : c->B;
        rt_la_gemm(0, 1, (int)k, d, d, 1.0, z + r0 * d, B, 0.0, y);
        e += prior_energy(c, y, k);
    }
    if (rt_dist_sum(NULL, 0, &e, 1)) return NAN;
    return logdet_abs(B, d) + logdetV - e / (double)n;
}

static void fastica(Ica *c, const double *z, int64_t n, double *B, double tol, int iters) {
    int d = (int)c->d;
    int64_t lo, hi;
    rt_dist_share(n, &lo, &hi);
    /* Bn, then the sums of g' (one exchange of both) */
    double *y = malloc(sizeof(double) * (size_t)((hi - lo) * d + 1)), *Bn = malloc(sizeof(double) * (size_t)(d * d + d));
    for (int it = 0; it < iters; it++) {
        if (hi > lo) rt_la_gemm(0, 1, (int)(hi - lo), d, d, 1.0, z + lo * d, B, 0.0, y);
        /* w_k := E[z g(w_k'z)] - E[g'(w_k'z)] w_k, g = tanh */
        memset(Bn, 0, sizeof(double) * (size_t)(d * d + d));
        double *gp = Bn + d * d;
        for (int64_t r = lo; r < hi; r++)
            for (int k = 0; k < d; k++) {
                double g = tanh(y[(r - lo) * d + k]);
                gp[k] += 1 - g * g;
                for (int i = 0; i < d; i++) Bn[k * d + i] += z[r * d + i] * g;
            }
        if (rt_dist_sum(NULL, 0, Bn, d * d + d)) break;
        for (int k = 0; k < d; k++)
            for (int i = 0; i < d; i++) Bn[k * d + i] = Bn[k * d + i] / (double)n - gp[k] / (double)n * B[k * d + i];
        if (sym_decorrelate(Bn, d)) break;
        /* converged when every row kept its direction (up to sign) */
        double worst = 0;
        for (int k = 0; k < d; k++) {
            double dot = 0;
            for (int i = 0; i < d; i++) dot += Bn[k * d + i] * B[k * d + i];
            worst = fmax(worst, 1 - fabs(dot));
        }
        memcpy(B, Bn, sizeof(double) * (size_t)(d * d));
        if (worst < tol) break;
    }
    free(y), free(Bn);
}

/* each source's scale by maximum likelihood under the prior */
static void fit_scales(Ica *c, const double *z, int64_t n, double *B) {
    int d = (int)c->d;
    int64_t m = n < c->B ? n : c->B, lo, hi;
    rt_dist_share(m, &lo, &hi);   /* this rank's rows of the first m */
    int64_t ml = hi - lo;
    double *y = malloc(sizeof(double) * (size_t)(ml * d + 1)), *ys = malloc(sizeof(double) * (size_t)(ml * d + 1));
    double *phi = malloc(sizeof(double) * (size_t)(ml * d + 1)), *a = malloc(sizeof(double) * (size_t)d);
    double *s = malloc(sizeof(double) * (size_t)d);
    if (ml) rt_la_gemm(0, 1, (int)ml, d, d, 1.0, z + lo * d, B, 0.0, y);
    for (int k = 0; k < d; k++) a[k] = 1;
    for (int it = 0; it < 100; it++) {
        for (int64_t r = 0; r < ml; r++)
            for (int k = 0; k < d; k++) ys[r * d + k] = a[k] * y[r * d + k];
        if (ml) score(c, ys, ml, phi);
        for (int k = 0; k < d; k++) {
            s[k] = 0;
            for (int64_t r = 0; r < ml; r++) s[k] += phi[r * d + k] * y[r * d + k];
        }
        if (rt_dist_sum(NULL, 0, s, d)) break;
        for (int k = 0; k < d; k++)
            if (s[k] > 0) a[k] = 0.5 * a[k] + 0.5 * (double)m / s[k];
    }
    for (int k = 0; k < d; k++)
        for (int i = 0; i < d; i++) B[k * d + i] *= a[k];
    free(y), free(ys), free(phi), free(a), free(s);
}

int rt_ica(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
           rt_train_report *rep) {
    const rt_linear *lin = rt_method_linear(m, "ica", RT_PRIOR_FACTORIAL);
    if (!lin) return -1;
    if (rt_method_check_rows(m, data, lin->x)) return -1;
    int64_t n = data->n, d = m->groups[lin->x].size;
    if (m->groups[lin->h].size != d)
        return rt_fail("method = ica needs as many sources as observed units ('%s' has %lld, '%s' %lld)",
                       m->groups[lin->h].name, (long long)m->groups[lin->h].size, m->groups[lin->x].name, (long long)d);
    if (m->groups[lin->h].k_dstate < 0) return rt_fail("internal: '%s' has no dE kernel", m->groups[lin->h].name);
    Ica c = {m, lin, rt_params_new(m), NULL, d, cfg->batch < n ? cfg->batch : n, 0};
    for (int i = 0; i < m->nparams; i++) memcpy(c.q->value[i], p->value[i], sizeof(float) * (size_t)m->params[i].size);
    memset(c.q->value[lin->loading], 0, sizeof(float) * (size_t)m->params[lin->loading].size);
    if (lin->mean >= 0) memset(c.q->value[lin->mean], 0, sizeof(float) * (size_t)m->params[lin->mean].size);
    c.lik_const = likelihood_constant(&c);
    c.w = rt_ws_new(m, c.B, c.q, cfg->seed);
    /* centre and whiten: z = V (x - mean), V = L^-1/2 E' */
    double *mean = calloc((size_t)d, sizeof(double)), *C = calloc((size_t)(d * d), sizeof(double));
    double *ev = malloc(sizeof(double) * (size_t)d), *V = malloc(sizeof(double) * (size_t)(d * d));
    double *z = malloc(sizeof(double) * (size_t)(n * d)), *y = malloc(sizeof(double) * (size_t)(n * d));
    double *B = calloc((size_t)(d * d), sizeof(double)), *phi = malloc(sizeof(double) * (size_t)(c.B * d));
    double *G = malloc(sizeof(double) * (size_t)(d * d)), *T = malloc(sizeof(double) * (size_t)(d * d));
    int64_t lo, hi;   /* this rank's share of the rows: it reads no other */
    rt_dist_share(n, &lo, &hi);
    for (int64_t r = lo; r < hi; r++)
        for (int64_t i = 0; i < d; i++) mean[i] += data->data[r * d + i] / (double)n;
    int rc = rt_dist_sum(NULL, 0, mean, d);
    for (int64_t r = lo; r < hi; r++)
        for (int64_t i = 0; i < d; i++) z[r * d + i] = data->data[r * d + i] - mean[i];
    if (hi > lo) rt_la_gemm(1, 0, (int)d, (int)d, (int)(hi - lo), 1.0 / (double)n, z + lo * d, z + lo * d, 0.0, C);
    if (!rc) rc = rt_dist_sum(NULL, 0, C, d * d);
    if (!rc) rc = rt_la_eigh(C, (int)d, ev) ? rt_fail("ica: the eigendecomposition of the covariance failed") : 0;
    double logdetV = 0;
    for (int64_t e = 0; !rc && e < d; e++) {
        if (!(ev[e] > 1e-12 * ev[d - 1]))
            rc = rt_fail("ica: the data's covariance is singular (%lld observed units span fewer dimensions)", (long long)d);
        for (int64_t i = 0; !rc && i < d; i++) V[e * d + i] = C[e * d + i] / sqrt(ev[e]);
        logdetV -= 0.5 * log(ev[e]);
    }
    if (!rc) {
        /* each rank whitens its share; every rank then holds all of z */
        if (hi > lo) rt_la_gemm(0, 1, (int)(hi - lo), (int)d, (int)d, 1.0, z + lo * d, V, 0.0, y);
        rc = rt_dist_allgather(y, (int64_t)sizeof(double) * (hi - lo) * d, z, NULL);
        for (int64_t i = 0; i < d; i++) B[i * d + i] = 1;
    }
    if (!rc && cfg->ica_fast) {
        fastica(&c, z, n, B, cfg->tol > 0 ? cfg->tol : 1e-9, 200);
        fit_scales(&c, z, n, B);
    }
    double prev = -INFINITY;
    for (int epoch = 1; !rc && epoch <= cfg->epochs; epoch++) {
        double t0 = rt_method_now(), lr = rt_schedule_at(&cfg->lr, epoch, cfg->epochs);
        if (!cfg->ica_fast)
            for (int64_t r0 = 0; r0 < n; r0 += c.B) {
                int64_t k = n - r0 < c.B ? n - r0 : c.B, blo, bhi;
                rt_dist_share(k, &blo, &bhi);   /* this rank's rows of the batch */
                memset(G, 0, sizeof(double) * (size_t)(d * d));
                if (bhi > blo) {
                    rt_la_gemm(0, 1, (int)(bhi - blo), (int)d, (int)d, 1.0, z + (r0 + blo) * d, B, 0.0, y);
                    score(&c, y, bhi - blo, phi);
                    /* B += lr (I - E[phi y']) B */
                    rt_la_gemm(1, 0, (int)d, (int)d, (int)(bhi - blo), -1.0 / (double)k, phi, y, 0.0, G);
                }
                if ((rc = rt_dist_sum(NULL, 0, G, d * d))) break;
                for (int64_t i = 0; i < d; i++) G[i * d + i] += 1;
                rt_la_gemm(0, 0, (int)d, (int)d, (int)d, lr, G, B, 0.0, T);
                for (int64_t i = 0; i < d * d; i++) B[i] += T[i];
                rt_method_batch(cfg, epoch, r0 + k, n, c.B, NAN);
            }
        if (rc) break;
        rt_epoch_stats *st = rt_method_epoch(rep, cfg, epoch);
        st->loglik = loglik(&c, z, n, B, logdetV, y);
        st->seconds = rt_method_now() - t0;
        rep->epochs = epoch;
        rt_method_epoch_end(cfg, st, cfg->ica_fast ? 1 : (n + c.B - 1) / c.B, NAN,
                            rt_method_progress(progress, cfg, st, "loglik", st->loglik));
        if (!isfinite(st->loglik)) rc = rt_fail("ica diverged in epoch %d: the learning rate (lr = %g) is probably too high", epoch, lr);
        if (cfg->ica_fast || fabs(st->loglik - prev) < cfg->tol) break;
        prev = st->loglik;
    }
    if (!rc) {
        /* the unmixing in x's space is A = B V; the mixing W = A^-1 */
        double *A = malloc(sizeof(double) * (size_t)(d * d)), *W = malloc(sizeof(double) * (size_t)(d * d));
        rt_la_gemm(0, 0, (int)d, (int)d, (int)d, 1.0, B, V, 0.0, A);
        if (invert(A, W, (int)d)) rc = rt_fail("ica: the unmixing matrix became singular");
        for (int64_t i = 0; !rc && i < d; i++) {
            for (int64_t j = 0; j < d; j++) p->value[lin->loading][lin->loading_t ? j * d + i : i * d + j] = (float)W[i * d + j];
            if (lin->mean >= 0) p->value[lin->mean][i] = (float)mean[i];
        }
        free(A), free(W);
    }
    free(mean), free(C), free(ev), free(V), free(z), free(y), free(B), free(phi), free(G), free(T);
    rt_ws_free(c.w);
    rt_params_free(c.q);
    return rc;
}
