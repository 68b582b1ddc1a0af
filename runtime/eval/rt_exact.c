/* rt_exact.c — enumeration of configurations, exact log Z and log p(v). */
#include "rt_exact.h"
#include "rt_dist.h"

#include "rt_par.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One "digit" of the odometer: a unit (or a one-hot row) and its values. */
typedef struct Digit {
    int group;
    int64_t offset;     /* first float of the unit in a row of the group */
    int64_t width;      /* 1, or K for a one-hot row */
    int nvalues;
    int utype;
} Digit;

static void write_digit(const Digit *d, float *row, int value) {
    if (d->utype == RT_SOFTMAX) {
        for (int64_t k = 0; k < d->width; k++) row[d->offset + k] = k == value ? 1.0f : 0.0f;
    } else if (d->utype == RT_SPIN) {
        row[d->offset] = value ? 1.0f : -1.0f;
    } else {
        row[d->offset] = (float)value;
    }
}

int rt_enumerate(rt_ws *w, uint64_t mask, void (*fn)(void *ctx, rt_ws *w, int64_t rows), void *ctx) {
    const rt_model *m = w->m;
    int64_t ndig = 0;
    for (int g = 0; g < m->ngroups; g++)
        if (mask >> g & 1) ndig += m->groups[g].size;
    Digit *dig = calloc((size_t)ndig + 1, sizeof(Digit));
    int nd = 0;
    for (int g = 0; g < m->ngroups; g++) {
        if (!(mask >> g & 1)) continue;
        const rt_group *gr = &m->groups[g];
        int64_t width = gr->utype == RT_SOFTMAX ? gr->dims[gr->ndim - 1] : 1;
        int nv = gr->utype == RT_SOFTMAX ? (int)width : gr->utype == RT_BINOMIAL ? gr->binomial_n + 1 : 2;
        if (gr->utype != RT_BERNOULLI && gr->utype != RT_SPIN && gr->utype != RT_SOFTMAX && gr->utype != RT_BINOMIAL) {
            free(dig);
            return rt_fail("cannot enumerate group '%s': its units are continuous", gr->name);
        }
        for (int64_t o = 0; o < gr->size; o += width) dig[nd++] = (Digit){g, o, width, nv, gr->utype};
    }
    int *val = calloc((size_t)nd + 1, sizeof(int));
    int64_t filled = 0;
    for (int done = 0; !done;) {
        for (int i = 0; i < nd; i++) {
            const Digit *d = &dig[i];
            const rt_group *gr = &m->groups[d->group];
            write_digit(d, w->bufs[gr->state_buf] + filled * gr->size, val[i]);
        }
        filled++;
        /* next configuration: the last digit moves fastest */
        int i = nd - 1;
        while (i >= 0 && ++val[i] == dig[i].nvalues) val[i--] = 0;
        done = i < 0;
        if (filled == w->B || done) {
            fn(ctx, w, filled);
            filled = 0;
        }
    }
    free(val);
    free(dig);
    return 0;
}

/* running log-sum-exp in double */
typedef struct Lse {
    double max, sum;
    int buf;
    uint64_t mask;   /* the enumerated groups, for their base measure */
} Lse;

static void lse_add(Lse *l, double x) {
    if (x == -INFINITY) return;
    if (x > l->max) {
        l->sum = l->sum * exp(l->max - x) + 1;
        l->max = x;
    } else {
        l->sum += exp(x - l->max);
    }
}

static void lse_chunk(void *ctx, rt_ws *w, int64_t rows) {
    Lse *l = ctx;
    rt_ws_run(w, w->m->k_free_energy_enum);
    const float *f = w->bufs[l->buf];
    for (int64_t r = 0; r < rows; r++) lse_add(l, -(double)f[r] + rt_log_base_measure(w, r, l->mask));
}

/* the groups the enumeration of log Z visits: neither summed out nor inputs */
static uint64_t logz_mask(const rt_model *m) {
    uint64_t mask = 0;
    for (int g = 0; g < m->ngroups; g++)
        if (!(m->enum_sum_mask >> g & 1) && m->groups[g].role != RT_INPUT) mask |= 1ULL << g;
    return mask;
}

static int logz_check(const rt_model *m) {
    if (m->enum_log2_states < 0 || m->k_free_energy_enum < 0)
        return rt_fail("model '%s' cannot be enumerated (a group left to enumerate is continuous)", m->name);
    if (m->enum_log2_states > RT_EXACT_MAX_LOG2)
        return rt_fail("model '%s' has 2^%.1f configurations to enumerate; exact log Z stops at 2^%d (use AIS)",
                       m->name, m->enum_log2_states, RT_EXACT_MAX_LOG2);
    return 0;
}

/* log Z with whatever w's input groups hold (the same in every row) */
static double logz_ws(rt_ws *w) {
    Lse l = {-INFINITY, 0, w->m->fe_enum_buf, logz_mask(w->m)};
    rt_enumerate(w, l.mask, lse_chunk, &l);
    return l.max + log(l.sum);
}

/* a job of several ranks (rt_dist.h): rank r adds up chunks r, r + N, ...
 * of the enumeration */
typedef struct Share {
    Lse *l;
    int64_t chunk;
} Share;

static void lse_share(void *ctx, rt_ws *w, int64_t rows) {
    Share *s = ctx;
    if (s->chunk++ % rt_dist_size() == rt_dist_rank()) lse_chunk(s->l, w, rows);
}

/* the ranks' partial sums, combined in rank order on every rank */
static int lse_ranks(Lse *l) {
    int N = rt_dist_size();
    double mine[2] = {l->max, l->sum}, *all = malloc(sizeof(double) * 2 * (size_t)N);
    int rc = rt_dist_allgather(mine, sizeof mine, all, NULL);
    l->max = -INFINITY;
    l->sum = 0;
    for (int r = 0; r < N && !rc; r++)
        if (all[2 * r] > l->max) l->max = all[2 * r];
    for (int r = 0; r < N && !rc; r++)
        if (all[2 * r] > -INFINITY) l->sum += all[2 * r + 1] * exp(all[2 * r] - l->max);
    free(all);
    return rc;
}

int rt_exact_logz(const rt_model *m, rt_params *p, double *logz) {
    if (logz_check(m)) return -1;
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_INPUT) return rt_fail("exact log Z of a model with input groups depends on the inputs");
    rt_ws *w = rt_ws_new(m, 4096, p, 0);
    Lse l = {-INFINITY, 0, m->fe_enum_buf, logz_mask(m)};
    Share s = {&l, 0};
    int rc = rt_dist_size() > 1 ? rt_enumerate(w, l.mask, lse_share, &s) : rt_enumerate(w, l.mask, lse_chunk, &l);
    rt_ws_free(w);
    if (!rc && rt_dist_size() > 1) rc = lse_ranks(&l);
    if (rc) return rc;
    *logz = l.max + log(l.sum);
    return 0;
}

double rt_exact_cond_log2(const rt_model *m) {
    if (m->fe_exact && m->k_free_energy >= 0) return 0;
    return m->k_free_energy_cond >= 0 ? m->cond_log2_states : -1;
}

/* ---- log p(v) ---------------------------------------------------------------------- */

typedef struct Loglik {
    const rt_model *m;
    rt_params *p;
    const float *rows;
    int64_t n, rf;
    double logz;           /* without input groups */
    int inputs;
    int64_t in_off;        /* first float of the inputs in a row */
    double *out;           /* per row: log p(row) */
} Loglik;

/* the numerator sum over the hidden configurations left, exp(-F_cond) */
static void cond_chunk(void *ctx, rt_ws *w, int64_t rows) {
    Lse *l = ctx;
    rt_ws_run(w, w->m->k_free_energy_cond);
    const float *f = w->bufs[l->buf];
    for (int64_t r = 0; r < rows; r++) lse_add(l, -(double)f[r] + rt_log_base_measure(w, r, l->mask));
}

/* Rows [lo, hi): one workspace of the listed hidden configurations (or of
 * data rows when every hidden group sums out), one for log Z of the row's
 * inputs, reused while consecutive rows share them. */
static void loglik_part(void *ctx, int64_t lo, int64_t hi) {
    Loglik *L = ctx;
    const rt_model *m = L->m;
    uint64_t vis = 0, hid = 0;
    for (int g = 0; g < m->ngroups; g++) {
        if (m->groups[g].role == RT_VISIBLE) vis |= 1ULL << g;
        if (m->groups[g].role == RT_HIDDEN && !(m->cond_sum_mask >> g & 1)) hid |= 1ULL << g;
    }
    rt_ws *wz = L->inputs ? rt_ws_new(m, 4096, L->p, 0) : NULL;
    int64_t last = -1;
    double logz = L->logz;
    if (m->fe_exact) {
        int64_t B = hi - lo < 1024 ? hi - lo : 1024;
        rt_ws *w = rt_ws_new(m, B, L->p, 0);
        for (int64_t r0 = lo; r0 < hi; r0 += B) {
            w->B = hi - r0 < B ? hi - r0 : B;
            rt_ws_set_visible(w, L->rows + r0 * L->rf, w->B, L->rf);
            rt_ws_run(w, m->k_free_energy);
            for (int64_t r = 0; r < w->B; r++)
                L->out[r0 + r] = -(double)w->bufs[m->fe_buf][r] + rt_log_base_measure(w, r, vis);
        }
        rt_ws_free(w);
    } else {
        double c = exp2(m->cond_log2_states);
        int64_t B = c < 4096 ? (int64_t)llround(c) : 4096;
        rt_ws *w = rt_ws_new(m, B, L->p, 0);
        int64_t *same = malloc(sizeof(int64_t) * (size_t)B);
        for (int64_t r = lo; r < hi; r++) {
            for (int64_t i = 0; i < B; i++) same[i] = r;
            rt_ws_set_visible_at(w, L->rows, same, 0, B, L->rf);
            Lse l = {-INFINITY, 0, m->fe_cond_buf, hid};
            rt_enumerate(w, hid, cond_chunk, &l);
            L->out[r] = l.max + log(l.sum) + rt_log_base_measure(w, 0, vis);
        }
        free(same);
        rt_ws_free(w);
    }
    for (int64_t r = lo; r < hi && L->inputs; r++) {
        const float *x = L->rows + r * L->rf + L->in_off;
        if (last < 0 || memcmp(x, L->rows + last * L->rf + L->in_off, sizeof(float) * (size_t)(L->rf - L->in_off))) {
            int64_t *same = malloc(sizeof(int64_t) * (size_t)wz->B);
            for (int64_t i = 0; i < wz->B; i++) same[i] = r;
            rt_ws_set_visible_at(wz, L->rows, same, 0, wz->B, L->rf);
            free(same);
            logz = logz_ws(wz);
            last = r;
        }
        L->out[r] -= logz;
    }
    if (!L->inputs)
        for (int64_t r = lo; r < hi; r++) L->out[r] -= logz;
    rt_ws_free(wz);
}

int rt_exact_loglik(const rt_model *m, rt_params *p, double logz, const float *rows, int64_t n, int64_t row_floats,
                    double *sum) {
    double cl = rt_exact_cond_log2(m);
    if (cl < 0)
        return rt_fail("log p(v) of model '%s' needs its hidden configurations listed, and a hidden group left is "
                       "continuous", m->name);
    if (cl > RT_EXACT_MAX_LOG2)
        return rt_fail("log p(v) of model '%s' lists 2^%.1f hidden configurations per example; exact log p(v) stops at "
                       "2^%d (use AIS)", m->name, cl, RT_EXACT_MAX_LOG2);
    Loglik L = {m, p, rows, n, row_floats, logz, 0, 0, NULL};
    for (int g = 0; g < m->ngroups; g++) {
        if (m->groups[g].role == RT_INPUT && m->groups[g].noise == RT_NOISE_NONE) L.inputs = 1;
        if (m->groups[g].role == RT_VISIBLE) L.in_off += m->groups[g].size;
    }
    if (L.inputs && logz_check(m)) return -1;
    if (n <= 0) {
        *sum = 0;
        return 0;
    }
    /* a job of several ranks: this rank's rows [lo, hi), their sum added
     * to the other ranks' in rank order */
    int64_t lo, hi;
    rt_dist_share(n, &lo, &hi);
    L.rows = rows + lo * row_floats;
    L.n = hi - lo;
    L.out = malloc(sizeof(double) * (size_t)(L.n + 1));
    /* rows are independent: one part per worker thread, each with its own
     * workspaces; the sum runs in row order, so every thread count agrees */
    double work = (double)L.n * exp2(cl + (L.inputs ? m->enum_log2_states : 0)) * 64;
    if (L.n > 0) rt_par_for(loglik_part, &L, L.n, work > 1e15 ? (int64_t)1e15 : (int64_t)work);
    double s = 0;
    for (int64_t r = 0; r < L.n; r++) s += L.out[r];
    free(L.out);
    if (rt_dist_sum(NULL, 0, &s, 1)) return -1;
    *sum = s;
    return 0;
}

static const float *cmp_rows_base;
static int64_t cmp_rows_len;
static int cmp_rows(const void *a, const void *b) {
    int64_t i = *(const int64_t *)a, j = *(const int64_t *)b;
    return memcmp(cmp_rows_base + i * cmp_rows_len, cmp_rows_base + j * cmp_rows_len, sizeof(float) * (size_t)cmp_rows_len);
}

double rt_empirical_entropy(const float *rows, int64_t n, int64_t row_floats) {
    if (n == 0) return 0;
    int64_t *idx = malloc(sizeof(int64_t) * (size_t)n);
    for (int64_t i = 0; i < n; i++) idx[i] = i;
    cmp_rows_base = rows;
    cmp_rows_len = row_floats;
    qsort(idx, (size_t)n, sizeof *idx, cmp_rows);
    double h = 0;
    for (int64_t i = 0; i < n;) {
        int64_t j = i;
        while (j < n && cmp_rows(&idx[i], &idx[j]) == 0) j++;
        double q = (double)(j - i) / (double)n;
        h -= q * log(q);
        i = j;
    }
    free(idx);
    return h;
}
