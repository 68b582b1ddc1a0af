/* rt_linear.c — linear-Gaussian models solved exactly: the joint Gaussian,
 * the marginal likelihood, closed-form EM (factor analysis, PPCA), and
 * PPCA's closed-form maximum likelihood.
 *
 * The compiler recognised the energy as E = u'Pu/2 - a'u + c over all units
 * (compiler/energy/energy_linear.c) and emitted dE/dg for every group. dE/du is
 * Pu - a, so one kernel call on the rows {0, e_1, ..., e_n} reads off -a and
 * every column of P: the runtime never needs to know how the spec wrote the
 * model. From P and a everything is linear algebra in double.
 *
 * EM for x = W.h + b + noise, h with a fixed Gaussian prior: the posterior
 * of h given x has precision P_hh and mean P_hh^-1 (a_h - P_hx x), so the
 * E-step's expectations are linear in x and the data enter only through
 * their mean and second moment, computed once. The M-step solves for
 * [W b] by least squares against E[h] and E[hh'], then sets each unit's
 * noise variance to its expected squared residual (PPCA: their mean). */
#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_dist.h"
#include "rt_la.h"
#include "rt_methods.h"

int64_t rt_linear_units(const rt_model *m) {
    int64_t n = 0;
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role != RT_INPUT) n += m->groups[g].size;
    return n;
}

/* offset of group g's first unit in u */
static int64_t unit_offset(const rt_model *m, int g) {
    int64_t off = 0;
    for (int k = 0; k < g; k++)
        if (m->groups[k].role != RT_INPUT) off += m->groups[k].size;
    return off;
}

int rt_linear_joint(const rt_model *m, rt_params *p, double *P, double *a) {
    if (!m->lin || !m->lin->gaussian)
        return rt_fail("model '%s' is not linear-Gaussian%s%s", m->name, m->lin && m->lin->why_not ? ": " : "",
                       m->lin && m->lin->why_not ? m->lin->why_not : "");
    int64_t n = rt_linear_units(m);
    rt_ws *w = rt_ws_new(m, n + 1, p, 0);
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role == RT_INPUT) continue;
        if (gr->k_dstate < 0) {
            rt_ws_free(w);
            return rt_fail("internal: group '%s' has no dE kernel", gr->name);
        }
        float *x = w->bufs[gr->state_buf];
        memset(x, 0, sizeof(float) * (size_t)((n + 1) * gr->size));
        int64_t off = unit_offset(m, g);
        for (int64_t i = 0; i < gr->size; i++) x[(off + i + 1) * gr->size + i] = 1;
    }
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role != RT_INPUT) rt_ws_run(w, m->groups[g].k_dstate);
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role == RT_INPUT) continue;
        const float *d = w->bufs[gr->dstate_buf];
        int64_t off = unit_offset(m, g);
        for (int64_t i = 0; i < gr->size; i++) {
            a[off + i] = -d[i];
            for (int64_t c = 0; c < n; c++) P[(off + i) * n + c] = (double)d[(c + 1) * gr->size + i] - d[i];
        }
    }
    rt_ws_free(w);
    /* float kernels: symmetrise what rounding left uneven */
    for (int64_t i = 0; i < n; i++)
        for (int64_t c = i + 1; c < n; c++) P[i * n + c] = P[c * n + i] = 0.5 * (P[i * n + c] + P[c * n + i]);
    return 0;
}

/* The visible marginal: mean mu (nv) and the Cholesky factor of its
 * covariance (nv x nv), visible units in data-row order. */
typedef struct Marginal {
    int64_t nv;
    double *mu, *L;
} Marginal;

static void marginal_free(Marginal *mg) {
    free(mg->mu);
    free(mg->L);
}

static int marginal(const rt_model *m, rt_params *p, Marginal *mg) {
    int64_t n = rt_linear_units(m), nv = 0;
    double *P = malloc(sizeof(double) * (size_t)(n * n)), *a = malloc(sizeof(double) * (size_t)n);
    int64_t *vis = malloc(sizeof(int64_t) * (size_t)n);
    memset(mg, 0, sizeof *mg);
    int rc = rt_linear_joint(m, p, P, a);
    for (int g = 0; !rc && g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE)
            for (int64_t i = 0; i < m->groups[g].size; i++) vis[nv++] = unit_offset(m, g) + i;
    if (!rc && rt_la_spd_inverse(P, (int)n))
        rc = rt_fail("the precision of model '%s' is not positive definite: its energy has no normalisable density",
                     m->name);
    if (!rc) {
        /* mu = P^-1 a; the visible block of P^-1 is their covariance */
        mg->nv = nv;
        mg->mu = malloc(sizeof(double) * (size_t)nv);
        mg->L = malloc(sizeof(double) * (size_t)(nv * nv));
        for (int64_t i = 0; i < nv; i++) {
            double s = 0;
            for (int64_t c = 0; c < n; c++) s += P[vis[i] * n + c] * a[c];
            mg->mu[i] = s;
            for (int64_t j = 0; j < nv; j++) mg->L[i * nv + j] = P[vis[i] * n + vis[j]];
        }
        if (rt_la_chol(mg->L, (int)nv)) rc = rt_fail("internal: the marginal covariance of '%s' is singular", m->name);
    }
    free(P);
    free(a);
    free(vis);
    if (rc) marginal_free(mg);
    return rc;
}

int rt_linear_loglik(const rt_model *m, rt_params *p, const float *rows, int64_t n, int64_t rf, double *avg) {
    Marginal mg;
    if (marginal(m, p, &mg)) return -1;
    if (mg.nv != rf) {
        marginal_free(&mg);
        return rt_fail("the data has %lld values per example but the model's visible groups hold %lld", (long long)rf,
                       (long long)mg.nv);
    }
    int64_t d = mg.nv, chunk = 256;
    double *z = malloc(sizeof(double) * (size_t)(chunk * d)), s = 0;
    int64_t lo, hi;   /* this rank's rows (rt_dist.h) */
    rt_dist_share(n, &lo, &hi);
    for (int64_t r0 = lo; r0 < hi; r0 += chunk) {
        int64_t k = hi - r0 < chunk ? hi - r0 : chunk;
        for (int64_t r = 0; r < k; r++)
            for (int64_t i = 0; i < d; i++) z[r * d + i] = rows[(r0 + r) * rf + i] - mg.mu[i];
        /* z := z L'^-1 row by row: the whitened residuals */
        cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, (int)k, (int)d, 1.0, mg.L, (int)d, z,
                    (int)d);
        for (int64_t i = 0; i < k * d; i++) s += z[i] * z[i];
    }
    free(z);
    if (rt_dist_sum(NULL, 0, &s, 1)) {
        marginal_free(&mg);
        return -1;
    }
    *avg = -0.5 * s / (double)n - 0.5 * rt_la_chol_logdet(mg.L, (int)d) - 0.5 * (double)d * log(2 * M_PI);
    marginal_free(&mg);
    return 0;
}

/* ---- EM ---------------------------------------------------------------------------------- */

/* The data's sufficient statistics: n, the sum of x and of x x'. */
typedef struct Moments {
    int64_t n, d;
    double *sx, *sxx;
} Moments;

/* split: in a job of several ranks (rt_dist.h) each adds up its share of
 * the rows and two exchanges (the sum, then the scatter about the mean)
 * add the ranks' parts; every rank calling with split must call alike */
static Moments moments(const float *rows, int64_t n, int64_t d, int split) {
    Moments mo = {n, d, calloc((size_t)d, sizeof(double)), calloc((size_t)(d * d), sizeof(double))};
    double *mean = calloc((size_t)d, sizeof(double));
    int64_t lo = 0, hi = n;
    if (split) rt_dist_share(n, &lo, &hi);
    for (int64_t r = lo; r < hi; r++)
        for (int64_t i = 0; i < d; i++) mean[i] += rows[r * d + i];
    if (split) rt_dist_sum(NULL, 0, mean, d);
    for (int64_t i = 0; i < d; i++) mean[i] /= (double)n;
    /* centred in chunks, in double: the second moment about the mean */
    int64_t chunk = 512;
    double *c = malloc(sizeof(double) * (size_t)(chunk * d));
    for (int64_t r0 = lo; r0 < hi; r0 += chunk) {
        int64_t k = hi - r0 < chunk ? hi - r0 : chunk;
        for (int64_t r = 0; r < k; r++)
            for (int64_t i = 0; i < d; i++) c[r * d + i] = rows[(r0 + r) * d + i] - mean[i];
        cblas_dsyrk(CblasRowMajor, CblasLower, CblasTrans, (int)d, (int)k, 1.0, c, (int)d, 1.0, mo.sxx, (int)d);
    }
    if (split) rt_dist_sum(NULL, 0, mo.sxx, d * d);
    for (int64_t i = 0; i < d; i++) {
        mo.sx[i] = mean[i] * (double)n;
        for (int64_t j = 0; j <= i; j++) {
            double v = mo.sxx[i * d + j] + (double)n * mean[i] * mean[j];
            mo.sxx[i * d + j] = mo.sxx[j * d + i] = v;
        }
    }
    free(c);
    free(mean);
    return mo;
}

/* The model's current x = W.h + b + noise, read from P and a. */
typedef struct Effective {
    int64_t d, k;
    double *D;      /* x's precision given h (diagonal) */
    double *W;      /* d x k */
    double *b;      /* d */
    double *Phh;    /* k x k: the posterior precision */
    double *ah;     /* k */
} Effective;

static void effective_free(Effective *e) {
    free(e->D);
    free(e->W);
    free(e->b);
    free(e->Phh);
    free(e->ah);
}

static int effective(const rt_model *m, rt_params *p, Effective *e) {
    const rt_linear *lin = m->lin;
    int64_t n = rt_linear_units(m), d = m->groups[lin->x].size, k = m->groups[lin->h].size;
    int64_t ox = unit_offset(m, lin->x), oh = unit_offset(m, lin->h);
    double *P = malloc(sizeof(double) * (size_t)(n * n)), *a = malloc(sizeof(double) * (size_t)n);
    if (rt_linear_joint(m, p, P, a)) {
        free(P);
        free(a);
        return -1;
    }
    e->d = d;
    e->k = k;
    e->D = malloc(sizeof(double) * (size_t)d);
    e->W = malloc(sizeof(double) * (size_t)(d * k));
    e->b = malloc(sizeof(double) * (size_t)d);
    e->Phh = malloc(sizeof(double) * (size_t)(k * k));
    e->ah = malloc(sizeof(double) * (size_t)k);
    int rc = 0;
    double off = 0, scale = 0;
    for (int64_t i = 0; i < d; i++) {
        e->D[i] = P[(ox + i) * n + ox + i];
        scale = fmax(scale, fabs(e->D[i]));
        for (int64_t j = 0; j < d; j++)
            if (j != i) off = fmax(off, fabs(P[(ox + i) * n + ox + j]));
        if (!(e->D[i] > 0)) rc = rt_fail("EM: the precision of '%s' given '%s' is not positive", m->groups[lin->x].name,
                                         m->groups[lin->h].name);
    }
    if (!rc && off > 1e-5 * scale) rc = rt_fail("EM: the noise of '%s' couples its units (not diagonal)", m->groups[lin->x].name);
    for (int64_t i = 0; i < d && !rc; i++) {
        e->b[i] = a[ox + i] / e->D[i];
        for (int64_t j = 0; j < k; j++) e->W[i * k + j] = -P[(ox + i) * n + oh + j] / e->D[i];
    }
    for (int64_t j = 0; j < k; j++) {
        e->ah[j] = a[oh + j];
        for (int64_t l = 0; l < k; l++) e->Phh[j * k + l] = P[(oh + j) * n + oh + l];
    }
    free(P);
    free(a);
    if (rc) effective_free(e);
    return rc;
}

static double param_at(const rt_params *p, int param, int64_t i) { return p->value[param][i]; }

/* The spec's parameters against the effective ones: EM writes W, b and
 * the noise back, so they must be those (up to the noise's power). */
static int check_roles(const rt_model *m, const rt_params *p, const Effective *e, double *c) {
    const rt_linear *lin = m->lin;
    int64_t d = e->d, k = e->k;
    double wmax = 1e-3, werr = 0;
    for (int64_t i = 0; i < d; i++)
        for (int64_t j = 0; j < k; j++) {
            double v = param_at(p, lin->loading, lin->loading_t ? j * d + i : i * k + j);
            wmax = fmax(wmax, fabs(v));
            werr = fmax(werr, fabs(v - e->W[i * k + j]));
        }
    if (werr > 1e-3 * wmax)
        return rt_fail("EM: the mean of '%s' is not %s.%s as a plain parameter (differs by %g)", m->groups[lin->x].name,
                       m->params[lin->loading].name, m->groups[lin->h].name, werr);
    for (int64_t i = 0; i < d; i++) {
        double b = lin->mean >= 0 ? param_at(p, lin->mean, i) : 0;
        if (lin->mean >= 0 && fabs(b - e->b[i]) > 1e-3 * (1 + fabs(b)))
            return rt_fail("EM: parameter '%s' is not the mean of '%s'", m->params[lin->mean].name, m->groups[lin->x].name);
        if (lin->noise >= 0) {
            double s = param_at(p, lin->noise, lin->isotropic ? 0 : i);
            c[i] = e->D[i] / pow(s, lin->noise_power);
            if (!(s > 0) || !isfinite(c[i]))
                return rt_fail("EM: the noise parameter '%s' must start positive (it is %g)", m->params[lin->noise].name, s);
        }
    }
    return 0;
}

/* Average log N(x; mu, L L') of the data, from their moments. */
static double moments_loglik(const Moments *mo, const double *mu, const double *L) {
    int64_t d = mo->d;
    /* E[(x - mu)(x - mu)'] = Sxx/n - mean mu' - mu mean' + mu mu' */
    double *S = malloc(sizeof(double) * (size_t)(d * d));
    double nn = (double)mo->n;
    for (int64_t i = 0; i < d; i++)
        for (int64_t j = 0; j < d; j++)
            S[i * d + j] = mo->sxx[i * d + j] / nn - mo->sx[i] / nn * mu[j] - mu[i] * mo->sx[j] / nn + mu[i] * mu[j];
    /* tr(Sigma^-1 S) = tr(L^-1 S L'^-1) */
    cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, (int)d, (int)d, 1.0, L, (int)d, S, (int)d);
    cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, (int)d, (int)d, 1.0, L, (int)d, S, (int)d);
    double tr = 0;
    for (int64_t i = 0; i < d; i++) tr += S[i * d + i];
    free(S);
    return -0.5 * tr - 0.5 * rt_la_chol_logdet(L, (int)d) - 0.5 * (double)d * log(2 * M_PI);
}

/* The same with the model's marginal read from its kernels. */
static int loglik_moments(const rt_model *m, rt_params *p, const Moments *mo, double *ll) {
    Marginal mg;
    if (marginal(m, p, &mg)) return -1;
    *ll = moments_loglik(mo, mg.mu, mg.L);
    marginal_free(&mg);
    return 0;
}

/* The prior EM keeps: h ~ N(Lam^-1 a0, Lam^-1) with Lam = P_hh - W'DW and
 * a0 = a_h + W'D b, read once from the model. */
typedef struct Prior {
    double *Lam, *a0, *S0, *mu0;    /* S0 = Lam^-1, mu0 = S0 a0 */
} Prior;

static int prior_of(const Effective *e, Prior *pr) {
    int64_t d = e->d, k = e->k;
    pr->Lam = malloc(sizeof(double) * (size_t)(k * k));
    pr->S0 = malloc(sizeof(double) * (size_t)(k * k));
    pr->a0 = malloc(sizeof(double) * (size_t)k);
    pr->mu0 = calloc((size_t)k, sizeof(double));
    for (int64_t j = 0; j < k; j++) {
        pr->a0[j] = e->ah[j];
        for (int64_t i = 0; i < d; i++) pr->a0[j] += e->W[i * k + j] * e->D[i] * e->b[i];
        for (int64_t l = 0; l < k; l++) {
            double v = e->Phh[j * k + l];
            for (int64_t i = 0; i < d; i++) v -= e->W[i * k + j] * e->D[i] * e->W[i * k + l];
            pr->Lam[j * k + l] = v;
        }
    }
    memcpy(pr->S0, pr->Lam, sizeof(double) * (size_t)(k * k));
    if (rt_la_spd_inverse(pr->S0, (int)k)) return rt_fail("EM: the prior on the latent group is not a proper Gaussian");
    for (int64_t j = 0; j < k; j++)
        for (int64_t l = 0; l < k; l++) pr->mu0[j] += pr->S0[j * k + l] * pr->a0[l];
    return 0;
}

static void prior_free(Prior *pr) {
    free(pr->Lam), free(pr->a0), free(pr->S0), free(pr->mu0);
}

/* The effective model after an M-step: W, b, psi, with the prior held. */
static void set_effective(Effective *e, const Prior *pr, const double *W, const double *b, const double *psi) {
    int64_t d = e->d, k = e->k;
    memcpy(e->W, W, sizeof(double) * (size_t)(d * k));
    memcpy(e->b, b, sizeof(double) * (size_t)d);
    for (int64_t i = 0; i < d; i++) e->D[i] = 1 / psi[i];
    for (int64_t j = 0; j < k; j++) {
        e->ah[j] = pr->a0[j];
        for (int64_t i = 0; i < d; i++) e->ah[j] -= W[i * k + j] * e->D[i] * b[i];
        for (int64_t l = 0; l < k; l++) {
            double v = pr->Lam[j * k + l];
            for (int64_t i = 0; i < d; i++) v += W[i * k + j] * e->D[i] * W[i * k + l];
            e->Phh[j * k + l] = v;
        }
    }
}

/* Exact average log-likelihood of x ~ N(b + W mu0, W S0 W' + diag(psi)). */
static int effective_loglik(const Effective *e, const Prior *pr, const Moments *mo, double *ll) {
    int64_t d = e->d, k = e->k;
    double *WS = malloc(sizeof(double) * (size_t)(d * k)), *C = malloc(sizeof(double) * (size_t)(d * d));
    double *mu = malloc(sizeof(double) * (size_t)d);
    rt_la_gemm(0, 0, (int)d, (int)k, (int)k, 1.0, e->W, pr->S0, 0.0, WS);
    rt_la_gemm(0, 1, (int)d, (int)d, (int)k, 1.0, WS, e->W, 0.0, C);
    for (int64_t i = 0; i < d; i++) {
        C[i * d + i] += 1 / e->D[i];
        mu[i] = e->b[i];
        for (int64_t j = 0; j < k; j++) mu[i] += e->W[i * k + j] * pr->mu0[j];
    }
    int rc = rt_la_chol(C, (int)d) ? rt_fail("EM: the marginal covariance became singular") : 0;
    if (!rc) *ll = moments_loglik(mo, mu, C);
    free(WS), free(C), free(mu);
    return rc;
}

/* One EM iteration from the effective parameters; the new W, b and noise
 * variances go to W, b, psi. */
static int em_step(const Effective *e, const Moments *mo, int has_mean, int isotropic, double *W, double *b, double *psi) {
    int64_t d = e->d, k = e->k, K = k + 1;
    double nn = (double)mo->n;
    /* posterior: G = P_hh^-1, E[h|x] = c0 + F x with c0 = G a_h, F = G W' D */
    double *G = malloc(sizeof(double) * (size_t)(k * k)), *c0 = calloc((size_t)k, sizeof(double));
    double *F = malloc(sizeof(double) * (size_t)(k * d)), *WD = malloc(sizeof(double) * (size_t)(d * k));
    memcpy(G, e->Phh, sizeof(double) * (size_t)(k * k));
    if (rt_la_spd_inverse(G, (int)k)) {
        free(G), free(c0), free(F), free(WD);
        return rt_fail("EM: the posterior precision is not positive definite");
    }
    for (int64_t j = 0; j < k; j++)
        for (int64_t l = 0; l < k; l++) c0[j] += G[j * k + l] * e->ah[l];
    for (int64_t i = 0; i < d; i++)
        for (int64_t j = 0; j < k; j++) WD[i * k + j] = e->W[i * k + j] * e->D[i];
    rt_la_gemm(0, 1, (int)k, (int)d, (int)k, 1.0, G, WD, 0.0, F);
    /* expectations summed over the data: Sm = sum E[h], Sxm = sum x E[h]',
     * Smm = sum E[hh'] */
    double *Fs = calloc((size_t)k, sizeof(double)), *Sxm = malloc(sizeof(double) * (size_t)(d * k));
    double *SF = malloc(sizeof(double) * (size_t)(d * k)), *Smm = malloc(sizeof(double) * (size_t)(k * k));
    for (int64_t j = 0; j < k; j++)
        for (int64_t i = 0; i < d; i++) Fs[j] += F[j * d + i] * mo->sx[i];
    rt_la_gemm(0, 1, (int)d, (int)k, (int)d, 1.0, mo->sxx, F, 0.0, SF);   /* Sxx F' */
    for (int64_t i = 0; i < d; i++)
        for (int64_t j = 0; j < k; j++) Sxm[i * k + j] = mo->sx[i] * c0[j] + SF[i * k + j];
    rt_la_gemm(0, 0, (int)k, (int)k, (int)d, 1.0, F, SF, 0.0, Smm);       /* F Sxx F' */
    for (int64_t j = 0; j < k; j++)
        for (int64_t l = 0; l < k; l++)
            Smm[j * k + l] += nn * G[j * k + l] + nn * c0[j] * c0[l] + c0[j] * Fs[l] + Fs[j] * c0[l];
    double *Sm = malloc(sizeof(double) * (size_t)k);
    for (int64_t j = 0; j < k; j++) Sm[j] = nn * c0[j] + Fs[j];
    /* M-step: [W b] A = [Sxm sx] with A = [[Smm, Sm], [Sm', n]] */
    int64_t q = has_mean ? K : k;
    double *A = malloc(sizeof(double) * (size_t)(q * q)), *R = malloc(sizeof(double) * (size_t)(d * q));
    for (int64_t j = 0; j < k; j++) {
        for (int64_t l = 0; l < k; l++) A[j * q + l] = Smm[j * k + l];
        if (has_mean) A[j * q + k] = A[k * q + j] = Sm[j];
    }
    if (has_mean) A[k * q + k] = nn;
    for (int64_t i = 0; i < d; i++) {
        for (int64_t j = 0; j < k; j++) R[i * q + j] = Sxm[i * k + j] - (has_mean ? 0 : e->b[i] * Sm[j]);
        if (has_mean) R[i * q + k] = mo->sx[i];
    }
    int rc = rt_la_chol(A, (int)q);
    if (rc) rc = rt_fail("EM: the expected second moment of the latent variables is singular");
    if (!rc) {
        rt_la_chol_solve(A, (int)q, R, (int)d);
        for (int64_t i = 0; i < d; i++) {
            for (int64_t j = 0; j < k; j++) W[i * k + j] = R[i * q + j];
            b[i] = has_mean ? R[i * q + k] : e->b[i];
        }
        /* the expected squared residual of each unit under the new W, b */
        double mean_psi = 0;
        for (int64_t i = 0; i < d; i++) {
            double r = mo->sxx[i * d + i] - 2 * b[i] * mo->sx[i] + nn * b[i] * b[i];
            for (int64_t j = 0; j < k; j++) {
                r += -2 * W[i * k + j] * Sxm[i * k + j] + 2 * b[i] * W[i * k + j] * Sm[j];
                for (int64_t l = 0; l < k; l++) r += W[i * k + j] * W[i * k + l] * Smm[j * k + l];
            }
            psi[i] = fmax(r / nn, 1e-12);
            mean_psi += psi[i] / (double)d;
        }
        if (isotropic)
            for (int64_t i = 0; i < d; i++) psi[i] = mean_psi;
    }
    free(G), free(c0), free(F), free(WD), free(Fs), free(Sxm), free(SF), free(Smm), free(Sm), free(A), free(R);
    return rc;
}

/* The prior on h is N(0, I): P_hh - W'DW = I and a_h + W'D b = 0. */
static int standard_prior(const Effective *e) {
    int64_t d = e->d, k = e->k;
    for (int64_t j = 0; j < k; j++) {
        double a0 = e->ah[j];
        for (int64_t i = 0; i < d; i++) a0 += e->W[i * k + j] * e->D[i] * e->b[i];
        if (fabs(a0) > 1e-4) return 0;
        for (int64_t l = 0; l < k; l++) {
            double lam = e->Phh[j * k + l];
            for (int64_t i = 0; i < d; i++) lam -= e->W[i * k + j] * e->D[i] * e->W[i * k + l];
            if (fabs(lam - (j == l)) > 1e-4) return 0;
        }
    }
    return 1;
}

/* PPCA: EM's result next to Tipping & Bishop's closed form. */
static void ppca_report(const rt_model *m, rt_params *p, const rt_dataset *data, const Moments *mo, const double *c,
                        FILE *progress) {
    const rt_linear *lin = m->lin;
    int64_t d = mo->d, k = m->groups[lin->h].size;
    Effective e;
    if (effective(m, p, &e)) return;
    int standard = standard_prior(&e);
    effective_free(&e);
    if (!standard || k >= d) return;
    double *W = malloc(sizeof(double) * (size_t)(d * k)), *b = malloc(sizeof(double) * (size_t)d), s2, ll_em, ll_cf;
    rt_params *q = rt_params_new(m);
    for (int i = 0; i < m->nparams; i++) memcpy(q->value[i], p->value[i], sizeof(float) * (size_t)m->params[i].size);
    if (!rt_ppca_closed_form(data->data, mo->n, d, (int)k, W, b, &s2)) {
        for (int64_t i = 0; i < d; i++) {
            for (int64_t j = 0; j < k; j++) q->value[lin->loading][lin->loading_t ? j * d + i : i * k + j] = (float)W[i * k + j];
            q->value[lin->mean][i] = (float)b[i];
        }
        q->value[lin->noise][0] = (float)pow(1 / (s2 * c[0]), 1 / lin->noise_power);
        if (!loglik_moments(m, p, mo, &ll_em) && !loglik_moments(m, q, mo, &ll_cf))
            fprintf(progress,
                    "PPCA closed form (eigendecomposition of the sample covariance): loglik %.6f, noise variance %.6g;\n"
                    "EM: loglik %.6f, noise variance %.6g\n",
                    ll_cf, s2, ll_em, 1 / (c[0] * pow(p->value[lin->noise][0], lin->noise_power)));
    }
    rt_params_free(q);
    free(W), free(b);
}

int rt_em(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
          rt_train_report *rep) {
    const rt_linear *lin = rt_method_linear(m, "em", RT_PRIOR_GAUSSIAN);
    if (!lin) return -1;
    if (lin->em_why) return rt_fail("method = em: %s", lin->em_why);
    if (rt_method_check_rows(m, data, lin->x)) return -1;
    Moments mo = moments(data->data, data->n, m->groups[lin->x].size, 1);
    int64_t d = mo.d, k = m->groups[lin->h].size;
    double *W = malloc(sizeof(double) * (size_t)(d * k)), *b = malloc(sizeof(double) * (size_t)d);
    double *psi = malloc(sizeof(double) * (size_t)d), *c = malloc(sizeof(double) * (size_t)d);
    double prev = -INFINITY;
    /* the model is read from its kernels once; the iterations then run in
     * double on W, b, psi with the prior held, and the parameters are
     * written back at the end */
    Effective e;
    Prior pr = {0};
    int rc = effective(m, p, &e);
    if (rc) goto out;
    if ((rc = check_roles(m, p, &e, c)) || (rc = prior_of(&e, &pr))) {
        effective_free(&e);
        goto out;
    }
    for (int it = 1; it <= cfg->epochs && !rc; it++) {
        double t0 = rt_method_now();
        if ((rc = em_step(&e, &mo, lin->mean >= 0, lin->isotropic, W, b, psi))) break;
        set_effective(&e, &pr, W, b, psi);
        rt_epoch_stats *st = rt_method_epoch(rep, cfg, it);
        if ((rc = effective_loglik(&e, &pr, &mo, &st->loglik))) break;
        st->seconds = rt_method_now() - t0;
        rep->epochs = it;
        rt_method_epoch_end(cfg, st, 1, NAN, rt_method_progress(progress, cfg, st, "loglik", st->loglik));
        if (st->loglik - prev < cfg->tol) break;
        prev = st->loglik;
    }
    if (!rc && rep->epochs > 0) {
        for (int64_t i = 0; i < d; i++) {
            for (int64_t j = 0; j < k; j++)
                p->value[lin->loading][lin->loading_t ? j * d + i : i * k + j] = (float)e.W[i * k + j];
            if (lin->mean >= 0) p->value[lin->mean][i] = (float)e.b[i];
            /* precision 1/psi = c * noise^power */
            if (lin->noise >= 0 && (!lin->isotropic || i == 0))
                p->value[lin->noise][lin->isotropic ? 0 : i] = (float)pow(e.D[i] / c[i], 1 / lin->noise_power);
        }
        /* the written parameters, read back through the kernels, give the
         * log-likelihood EM reached (up to their rounding to float) */
        double back = NAN;
        rt_epoch_stats *st = &rep->per_epoch[rep->epochs - 1];
        if (!(rc = loglik_moments(m, p, &mo, &back)) && fabs(back - st->loglik) > 1e-3 * (1 + fabs(back)))
            rc = rt_fail("internal: EM reached log-likelihood %g, the written parameters give %g", st->loglik, back);
        st->loglik = back;
    }
    effective_free(&e);
    if (!rc && lin->isotropic && lin->mean >= 0 && progress && !cfg->quiet) ppca_report(m, p, data, &mo, c, progress);
out:
    prior_free(&pr);
    free(W), free(b), free(psi), free(c);
    free(mo.sx), free(mo.sxx);
    return rc;
}

/* ---- PPCA in closed form ------------------------------------------------------------------- */

int rt_ppca_closed_form(const float *rows, int64_t n, int64_t d, int k, double *W, double *b, double *s2) {
    if (k < 1 || k >= d) return rt_fail("PPCA needs 1 <= k < d (k = %d, d = %lld)", k, (long long)d);
    Moments mo = moments(rows, n, d, 0);
    double *C = malloc(sizeof(double) * (size_t)(d * d)), *ev = malloc(sizeof(double) * (size_t)d);
    double nn = (double)n;
    for (int64_t i = 0; i < d; i++) {
        b[i] = mo.sx[i] / nn;
        for (int64_t j = 0; j < d; j++) C[i * d + j] = mo.sxx[i * d + j] / nn - mo.sx[i] * mo.sx[j] / (nn * nn);
    }
    int rc = rt_la_eigh(C, (int)d, ev) ? rt_fail("PPCA: the eigendecomposition failed") : 0;
    if (!rc) {
        /* ascending: the top k are the last k rows */
        double s = 0;
        for (int64_t j = 0; j < d - k; j++) s += ev[j];
        *s2 = s / (double)(d - k);
        for (int j = 0; j < k; j++) {
            int64_t e = d - 1 - j;
            double scale = sqrt(fmax(ev[e] - *s2, 0));
            for (int64_t i = 0; i < d; i++) W[i * k + j] = C[e * d + i] * scale;
        }
    }
    free(C), free(ev), free(mo.sx), free(mo.sxx);
    return rc;
}
