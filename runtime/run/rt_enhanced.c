/* rt_enhanced.c — the enhanced gradient (rt_enhanced.h has the formulas).
 *
 * The plain gradient leaves, per parameter, <s>_d - <s>_m in its buffer
 * (s its statistic, -dF/dtheta). The enhanced one needs the data and model
 * means apart: data_done copies b's and c's buffers after the data phase
 * (<s_b>_d, <h>_d), and the model means follow as data minus difference.
 * Expanding the covariances,
 *     eW = gW - gb (x) <h>_dm - <x>_dm (x) gc
 * with gW, gb, gc the plain gradients, which is what apply computes. */
#include "rt_enhanced.h"

#include "rt_dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

struct rt_enhanced {
    const rt_model *m;
    rt_params *p;
    int W, b, c;
    int w_hv;             /* W indexed [h, v] rather than [v, h] */
    int64_t nv, nh;
    rt_ws *zero;          /* one row, v = 0: b's statistic's offset */
    float *zrow;
    float *x0;            /* nv: s_b(v = 0), this batch */
    float *bd, *cd;       /* <s_b>_d and <h>_d, this batch */
    double *xdm, *hdm;
};

static void zero_grads(const rt_model *m, rt_params *p) {
    for (int i = 0; i < m->nparams; i++) memset(p->grad[i], 0, sizeof(float) * (size_t)m->params[i].size);
}

/* every parameter's statistic at one row: the gradient kernel with weight -1 */
static void stats_at(rt_ws *w, rt_params *p, const float *row, int64_t rf) {
    const rt_model *m = w->m;
    rt_ws_set_visible(w, row, 1, rf);
    zero_grads(m, p);
    w->bufs[m->weight_buf][0] = -1.0f;
    rt_ws_run(w, m->k_grad);
}

static int64_t w_at(const rt_enhanced *e, int64_t i, int64_t j) { return e->w_hv ? j * e->nv + i : i * e->nh + j; }

/* W's statistic = (s_b - s_b(0)) times s_c at every probe row, and not
 * only because all of them are zero */
static int fits(rt_enhanced *e, float **sw, float **sb, float **sc, const float *b0, int nrows) {
    int informative = 0;
    for (int r = 0; r < nrows; r++) {
        double err = 0, scale = 0;
        for (int64_t i = 0; i < e->nv; i++)
            for (int64_t j = 0; j < e->nh; j++) {
                double xh = ((double)sb[r][i] - b0[i]) * sc[r][j], s = sw[r][w_at(e, i, j)];
                err = fmax(err, fabs(s - xh));
                scale = fmax(scale, fmax(fabs(s), fabs(xh)));
            }
        if (err > 1e-3 * scale) return 0;
        informative |= scale > 0;
    }
    return informative;
}

rt_enhanced *rt_enhanced_new(const rt_model *m, rt_params *p, const float *rows, int64_t n, int64_t rf) {
    int vis = -1, hid = -1, groups = 0;
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        groups++;
        if (gr->role == RT_VISIBLE) vis = g;
        if (gr->role == RT_HIDDEN) hid = g;
    }
    if (groups != 2 || vis < 0 || hid < 0 || !m->fe_exact || m->k_grad < 0)
        return rt_fail("gradient = enhanced needs an RBM: one visible and one hidden group (no inputs), the hidden "
                       "one summed out; model '%s' is not one", m->name), NULL;
    for (int k = 0; k < 2; k++) {
        const rt_group *gr = &m->groups[k ? hid : vis];
        if (gr->utype != RT_BERNOULLI && gr->utype != RT_GAUSSIAN)
            return rt_fail("gradient = enhanced is defined for bernoulli and gaussian units; group '%s' is neither",
                           gr->name), NULL;
    }
    int nrows = n < 4 ? (int)n : 4;
    for (int64_t k = 0; k < nrows * rf; k++)
        if (isnan(rows[k])) return rt_fail("gradient = enhanced needs complete data rows (no missing values)"), NULL;
    rt_enhanced *e = calloc(1, sizeof *e);
    e->m = m;
    e->p = p;
    e->nv = m->groups[vis].size;
    e->nh = m->groups[hid].size;
    e->zero = rt_ws_new(m, 1, p, 0);
    /* the statistics at the zero row and the probe rows, kept per parameter */
    float *zrow = calloc((size_t)rf, sizeof(float));
    int np = m->nparams;
    float **st = calloc((size_t)(np * (nrows + 1)), sizeof(float *));   /* st[r * np + i]; row nrows: v = 0 */
    for (int r = 0; r <= nrows; r++) {
        stats_at(e->zero, p, r < nrows ? rows + r * rf : zrow, rf);
        for (int i = 0; i < np; i++) {
            st[r * np + i] = malloc(sizeof(float) * (size_t)m->params[i].size);
            memcpy(st[r * np + i], p->grad[i], sizeof(float) * (size_t)m->params[i].size);
        }
    }
    zero_grads(m, p);
    int found = 0, fw = -1, fb = -1, fc = -1, fhv = 0;
    float **sw = malloc(sizeof(float *) * (size_t)nrows), **sb = malloc(sizeof(float *) * (size_t)nrows),
          **sc = malloc(sizeof(float *) * (size_t)nrows);
    for (int w = 0; w < np; w++) {
        const rt_param *qw = &m->params[w];
        if (qw->fixed || qw->offset_of >= 0 || qw->size != e->nv * e->nh) continue;
        for (int b = 0; b < np; b++) {
            const rt_param *qb = &m->params[b];
            if (b == w || qb->fixed || qb->offset_of >= 0 || qb->size != e->nv) continue;
            for (int c = 0; c < np; c++) {
                const rt_param *qc = &m->params[c];
                if (c == w || c == b || qc->fixed || qc->offset_of >= 0 || qc->size != e->nh) continue;
                for (int hv = 0; hv < 2; hv++) {
                    e->w_hv = hv;
                    for (int r = 0; r < nrows; r++) sw[r] = st[r * np + w], sb[r] = st[r * np + b], sc[r] = st[r * np + c];
                    if (fits(e, sw, sb, sc, st[nrows * np + b], nrows)) found++, fw = w, fb = b, fc = c, fhv = hv;
                }
            }
        }
    }
    free(sw);
    free(sb);
    free(sc);
    for (int k = 0; k < np * (nrows + 1); k++) free(st[k]);
    free(st);
    e->zrow = zrow;
    if (found != 1) {
        rt_enhanced_free(e);
        if (found)
            rt_fail("gradient = enhanced: model '%s' has more than one weight, visible bias and hidden bias that fit "
                    "(W's statistic = x h with x from the visible bias, h from the hidden bias)", m->name);
        else
            rt_fail("gradient = enhanced: model '%s' has no weight W, visible bias b and hidden bias c whose statistics "
                    "fit W's = x h (x: b's statistic less its value at v = 0, h: c's); the energy needs "
                    "- sum(i, j) x[i]*W[i, j]*h[j] - sum(j) c[j]*h[j] and a visible bias b", m->name);
        return NULL;
    }
    e->W = fw, e->b = fb, e->c = fc, e->w_hv = fhv;
    e->x0 = malloc(sizeof(float) * (size_t)e->nv);
    e->bd = malloc(sizeof(float) * (size_t)(e->nv + e->nh));   /* side by side: one exchange */
    e->cd = e->bd + e->nv;
    e->xdm = malloc(sizeof(double) * (size_t)e->nv);
    e->hdm = malloc(sizeof(double) * (size_t)e->nh);
    return e;
}

void rt_enhanced_free(rt_enhanced *e) {
    if (!e) return;
    rt_ws_free(e->zero);
    free(e->zrow);
    free(e->x0);
    free(e->bd);
    free(e->xdm);
    free(e->hdm);
    free(e);
}

void rt_enhanced_roles(const rt_enhanced *e, int *W, int *b, int *c) {
    *W = e->W;
    *b = e->b;
    *c = e->c;
}

void rt_enhanced_begin(rt_enhanced *e) {
    stats_at(e->zero, e->p, e->zrow, rt_visible_floats(e->m));
    memcpy(e->x0, e->p->grad[e->b], sizeof(float) * (size_t)e->nv);
    zero_grads(e->m, e->p);
}

void rt_enhanced_data_done(rt_enhanced *e) {
    memcpy(e->bd, e->p->grad[e->b], sizeof(float) * (size_t)e->nv);
    memcpy(e->cd, e->p->grad[e->c], sizeof(float) * (size_t)e->nh);
}

int rt_enhanced_apply(rt_enhanced *e) {
    /* the data means of every rank's rows (rt_dist.h): the gradients
     * themselves were added up already */
    if (rt_dist_sum(e->bd, e->nv + e->nh, NULL, 0)) return -1;
    float *gw = e->p->grad[e->W], *gb = e->p->grad[e->b], *gc = e->p->grad[e->c];
    int64_t nv = e->nv, nh = e->nh;
    /* <x>_dm = <x>_d - (<x>_d - <x>_m) / 2, and the same for h */
    for (int64_t i = 0; i < nv; i++) e->xdm[i] = ((double)e->bd[i] - e->x0[i]) - 0.5 * gb[i];
    for (int64_t j = 0; j < nh; j++) e->hdm[j] = (double)e->cd[j] - 0.5 * gc[j];
    for (int64_t i = 0; i < nv; i++)
        for (int64_t j = 0; j < nh; j++) {
            float *g = &gw[w_at(e, i, j)];
            *g = (float)(*g - (double)gb[i] * e->hdm[j] - e->xdm[i] * gc[j]);
        }
    /* the biases from the new eW: eb = gb - eW <h>_dm, ec = gc - eW^T <x>_dm */
    double *ec = calloc((size_t)nh, sizeof(double));
    for (int64_t i = 0; i < nv; i++) {
        double eb = gb[i];
        for (int64_t j = 0; j < nh; j++) {
            double w = gw[w_at(e, i, j)];
            eb -= w * e->hdm[j];
            ec[j] += w * e->xdm[i];
        }
        gb[i] = (float)eb;
    }
    for (int64_t j = 0; j < nh; j++) gc[j] = (float)(gc[j] - ec[j]);
    free(ec);
    return 0;
}
