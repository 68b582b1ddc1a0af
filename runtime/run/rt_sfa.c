/* rt_sfa.c — slow feature analysis in closed form (Wiskott & Sejnowski
 * 2002).
 *
 * Features y = W'(x - m) (and, expanded, + sum(i <= j) Q[i, j]
 * (x_i - m_i)(x_j - m_j) - c) that minimise the mean squared temporal
 * difference E[(y_t - y_{t-1})^2] subject to zero mean, unit variance and
 * decorrelation: with C the covariance of the expanded signal f(x) and Cd
 * the second moment of its temporal differences, the features are the
 * generalised eigenvectors of Cd v = lambda C v with the smallest
 * eigenvalues (LAPACK dsygv normalises v'Cv = 1: unit variance, and the
 * eigenvectors are C-orthogonal: decorrelated). lambda_k is then feature
 * k's slowness.
 *
 * A data row is frame t of the visible group x followed by frame t - 1 in
 * an input group of the same size (the data loaders' history = 1 makes
 * those rows from a time series stored one frame per row). Parameters are
 * found by shape: W [D, K] (required), Q [D, D, K] (expand = quadratic),
 * m [D] (the mean) and c [K] (the quadratic part's mean).
 *
 * In a job of several ranks (rt_dist.h) each rank adds up its share of the
 * rows, and one exchange per statistic (the mean, the expanded mean, C and
 * Cd) adds the ranks' parts: every rank solves the same eigenproblem. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_dist.h"
#include "rt_la.h"
#include "rt_methods.h"

static int find_param(const rt_model *m, int ndim, const int64_t *dims) {
    for (int i = 0; i < m->nparams; i++) {
        const rt_param *q = &m->params[i];
        if (q->ndim != ndim) continue;
        int same = 1;
        for (int d = 0; d < ndim; d++) same &= dims[d] < 0 || q->dims[d] == dims[d];
        if (same) return i;
    }
    return -1;
}

/* the expanded signal of one frame (x - m, then the products i <= j) */
static void expand(const float *x, const double *m, int64_t D, int quad, double *f) {
    for (int64_t i = 0; i < D; i++) f[i] = x[i] - m[i];
    if (!quad) return;
    int64_t o = D;
    for (int64_t i = 0; i < D; i++)
        for (int64_t j = i; j < D; j++) f[o++] = (x[i] - m[i]) * (x[j] - m[j]);
}

int rt_sfa(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
           rt_train_report *rep) {
    double t0 = rt_method_now();
    int x = -1, xp = -1;
    for (int g = 0; g < m->ngroups; g++) {
        if (m->groups[g].role == RT_VISIBLE) x = x < 0 ? g : -2;
        if (m->groups[g].role == RT_INPUT && m->groups[g].noise == RT_NOISE_NONE) xp = xp < 0 ? g : -2;
        if (m->groups[g].role == RT_HIDDEN) return rt_fail("method = sfa has no latent groups to infer; '%s' is hidden", m->groups[g].name);
    }
    if (x < 0 || xp < 0 || m->groups[x].size != m->groups[xp].size)
        return rt_fail("method = sfa needs one visible group x (frame t) and one input group of the same size (frame t - 1); "
                       "load a time series with history = 1");
    int64_t D = m->groups[x].size, rf = rt_dataset_row(data), n = data->n;
    if (rf != 2 * D) return rt_fail("sfa: a data row must hold frame t and frame t - 1 (%lld values), not %lld", (long long)(2 * D), (long long)rf);
    int64_t any[2] = {D, -1};
    int W = find_param(m, 2, any);
    if (W < 0) return rt_fail("method = sfa needs a parameter W[%lld, K]: the K slow features", (long long)D);
    int64_t K = m->params[W].dims[1];
    int64_t qd[3] = {D, D, K}, md[1] = {D}, cd[1] = {K};
    int Q = find_param(m, 3, qd), M = find_param(m, 1, md), Cp = K != D ? find_param(m, 1, cd) : -1;
    int quad = cfg->sfa_quadratic;
    if (quad && Q < 0) return rt_fail("sfa(expand = quadratic) needs a parameter Q[%lld, %lld, %lld] for the products x_i x_j", (long long)D, (long long)D, (long long)K);
    int64_t F = quad ? D + D * (D + 1) / 2 : D;
    if (K > F) return rt_fail("sfa: %lld features from a %lld-dimensional signal", (long long)K, (long long)F);
    if (n < 2) return rt_fail("sfa needs at least two frames");
    double *mean = calloc((size_t)D, sizeof(double)), *f = malloc(sizeof(double) * (size_t)F);
    double *fp = malloc(sizeof(double) * (size_t)F), *mf = calloc((size_t)F, sizeof(double));
    /* C and Cd side by side: one exchange adds both */
    double *C = calloc((size_t)(2 * F * F), sizeof(double)), *Cd = C + F * F;
    double *ev = malloc(sizeof(double) * (size_t)F);
    int64_t lo, hi;
    rt_dist_share(n, &lo, &hi);
    int rc = 0;
    for (int64_t r = lo; r < hi; r++)
        for (int64_t i = 0; i < D; i++) mean[i] += data->data[r * rf + i] / (double)n;
    if (!rc) rc = rt_dist_sum(NULL, 0, mean, D);
    for (int64_t r = lo; r < hi; r++) {
        expand(data->data + r * rf, mean, D, quad, f);
        for (int64_t i = 0; i < F; i++) mf[i] += f[i] / (double)n;
    }
    if (!rc) rc = rt_dist_sum(NULL, 0, mf, F);
    for (int64_t r = lo; r < hi; r++) {
        expand(data->data + r * rf, mean, D, quad, f);
        expand(data->data + r * rf + D, mean, D, quad, fp);
        for (int64_t i = 0; i < F; i++)
            for (int64_t j = 0; j <= i; j++) {
                C[i * F + j] += (f[i] - mf[i]) * (f[j] - mf[j]) / (double)n;
                Cd[i * F + j] += (f[i] - fp[i]) * (f[j] - fp[j]) / (double)n;
            }
    }
    if (!rc) rc = rt_dist_sum(NULL, 0, C, 2 * F * F);
    double tr = 0;
    for (int64_t i = 0; i < F; i++) tr += C[i * F + i];
    for (int64_t i = 0; i < F; i++) {
        /* a tiny ridge keeps C positive definite when the expansion is degenerate */
        C[i * F + i] += 1e-10 * tr / (double)F;
        for (int64_t j = 0; j < i; j++) {
            C[j * F + i] = C[i * F + j];
            Cd[j * F + i] = Cd[i * F + j];
        }
    }
    if (!rc) rc = rt_la_sygv(Cd, C, (int)F, ev) ? rt_fail("sfa: the signal's covariance is singular") : 0;
    rt_epoch_stats *st = rt_method_epoch(rep, cfg, 1);
    if (!rc) {
        /* ascending: the slowest first; row k of Cd is v_k */
        memset(p->value[W], 0, sizeof(float) * (size_t)(D * K));
        if (Q >= 0) memset(p->value[Q], 0, sizeof(float) * (size_t)(D * D * K));
        double slow = 0;
        for (int64_t k = 0; k < K; k++) {
            const double *v = Cd + k * F;
            for (int64_t i = 0; i < D; i++) p->value[W][i * K + k] = (float)v[i];
            int64_t o = D;
            double c = 0;
            for (int64_t i = 0; quad && i < D; i++)
                for (int64_t j = i; j < D; j++, o++) {
                    p->value[Q][(i * D + j) * K + k] = (float)v[o];
                    c += v[o] * mf[o];
                }
            if (Cp >= 0) p->value[Cp][k] = (float)c;
            slow += ev[k];
            if (progress && !cfg->quiet) fprintf(progress, "feature %lld: slowness %.6g (mean squared difference at unit variance)\n", (long long)k + 1, ev[k]);
        }
        if (M >= 0)
            for (int64_t i = 0; i < D; i++) p->value[M][i] = (float)mean[i];
        st->loss = 0.5 * slow;
    }
    st->seconds = rt_method_now() - t0;
    rep->epochs = 1;
    if (!rc && progress && !cfg->quiet)
        fprintf(progress, "loss %.6f (half the summed slowness: the spec's loss at the solution)  %.2f s\n", st->loss, st->seconds);
    if (!rc) rt_method_epoch_end(cfg, st, 1, NAN, progress && !cfg->quiet);
    free(mean), free(f), free(fp), free(mf), free(C), free(ev);
    return rc;
}
