/* rt_data_check.c — data a model's units cannot take are refused.
 *
 * A softmax row that is not one-hot raises the reported log-likelihood, a 7
 * in a bernoulli column is a state the model has no probability for; both
 * train and evaluate without complaint unless checked here, once, where the
 * data enter. Gaussian, relu, laplace and input groups take any finite real. */
#include "rt_data_check.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char *allowed(const rt_group *g, char *buf, size_t n) {
    switch (g->utype) {
    case RT_BERNOULLI: return "0 or 1";
    case RT_SPIN: return "-1 or +1";
    case RT_BINOMIAL: snprintf(buf, n, "an integer from 0 to %d", g->binomial_n); return buf;
    default: return "one-hot rows";
    }
}

static int value_ok(const rt_group *g, float x) {
    switch (g->utype) {
    case RT_BERNOULLI: return x == 0 || x == 1;
    case RT_SPIN: return x == -1 || x == 1;
    case RT_BINOMIAL: return x >= 0 && x <= g->binomial_n && x == floorf(x);
    case RT_SOFTMAX: return x == 0 || x == 1;
    default: return 1;
    }
}

/* unit u of g as g[i, j] */
static void unit_name(const rt_group *g, int64_t u, char *buf, size_t n) {
    int64_t idx[RT_MAX_DIMS];
    for (int d = g->ndim - 1; d >= 0; d--) {
        idx[d] = u % g->dims[d];
        u /= g->dims[d];
    }
    int o = snprintf(buf, n, "%s", g->name);
    for (int d = 0; d < g->ndim && o < (int)n; d++) o += snprintf(buf + o, n - (size_t)o, "%s%lld", d ? ", " : "[", (long long)idx[d]);
    if (g->ndim && o < (int)n) snprintf(buf + o, n - (size_t)o, "]");
}

/* One row's values of group g (x[0 .. size)), which starts at column off
 * + 1 of row r + 1 of src. */
static int check_group(const rt_group *g, const float *x, int64_t r, int64_t off, const char *src, int nan_missing,
                       int cols) {
    char where[64] = "";
    for (int64_t u = 0; u < g->size; u++) {
        float v = x[u];
        char unit[96], buf[48];
        if (isnan(v) ? nan_missing : g->role != RT_VISIBLE || value_ok(g, v)) continue;
        /* the place is written only for the message (once per value, it
         * took a third of a VAE epoch's time, loading) */
        if (cols) snprintf(where, sizeof where, "row %lld, column %lld: ", (long long)r + 1, (long long)(off + u + 1));
        if (isnan(v)) {
            unit_name(g, u, unit, sizeof unit);
            return rt_fail("%s: %s%s is NaN; a missing value is allowed only in a train block's data", src, where, unit);
        }
        unit_name(g, u, unit, sizeof unit);
        return rt_fail("%s: %s%s is %g, but %s units take %s%s", src, where, unit, v,
                       g->utype == RT_BERNOULLI ? "bernoulli" : g->utype == RT_SPIN ? "spin"
                                                : g->utype == RT_BINOMIAL ? "binomial" : "softmax",
                       allowed(g, buf, sizeof buf),
                       g->utype == RT_BERNOULLI && v > 0 && v < 1 ? " (binarize = 0.5 makes grey values 0 or 1)"
                       : g->utype == RT_SPIN && (v == 0 || v == 1) ? " (spins = 1 maps 0 and 1 to -1 and +1)"
                                                                   : "");
    }
    if (g->role != RT_VISIBLE || g->utype != RT_SOFTMAX || g->ndim == 0) return 0;
    int64_t k = g->dims[g->ndim - 1];
    for (int64_t s = 0; s < g->size; s += k) {
        int ones = 0, missing = 0;
        for (int64_t j = 0; j < k; j++) {
            ones += x[s + j] == 1;
            missing += isnan(x[s + j]) != 0;
        }
        if (missing || ones == 1) continue;
        char first[96], last[96];
        unit_name(g, s, first, sizeof first);
        unit_name(g, s + k - 1, last, sizeof last);
        if (cols) snprintf(where, sizeof where, "row %lld, columns %lld to %lld: ", (long long)r + 1, (long long)(off + s + 1),
                           (long long)(off + s + k));
        return rt_fail("%s: %s%s to %s hold %d ones, but a softmax group's values are one-hot over its last axis "
                       "(exactly one 1)", src, where, first, last, ones);
    }
    return 0;
}

/* a recurrent model's rows: sequences of frames of the visible groups
 * (rt_recurrent.h); nothing imputes a missing value in them */
static int check_sequences(const rt_model *m, const rt_dataset *d, const char *name) {
    int64_t rf = rt_dataset_row(d), V = 0;
    for (int gi = 0; gi < m->ngroups; gi++)
        if (m->groups[gi].role == RT_VISIBLE) V += m->groups[gi].size;
    if (V == 0 || rf % V) return 0;   /* the caller reports the width */
    for (int64_t r = 0; r < d->n; r++)
        for (int64_t off = 0; off < rf;)
            for (int gi = 0; gi < m->ngroups; gi++) {
                const rt_group *g = &m->groups[gi];
                if (g->role != RT_VISIBLE) continue;
                if (check_group(g, d->data + r * rf + off, r, off, name, 0, 1)) return -1;
                off += g->size;
            }
    return 0;
}

int rt_data_check(const rt_model *m, const rt_dataset *d, const char *src, int nan_missing) {
    if (m->recur) return check_sequences(m, d, src ? src : "the data");
    int64_t rf = rt_dataset_row(d);
    if (rf != rt_visible_floats(m)) return 0;   /* the caller reports a width mismatch */
    const char *name = src ? src : "the data";
    for (int64_t r = 0; r < d->n; r++) {
        int64_t off = 0;
        for (int gi = 0; gi < m->ngroups; gi++) {
            const rt_group *g = &m->groups[gi];
            if (g->role == RT_HIDDEN || g->noise != RT_NOISE_NONE) continue;
            if (check_group(g, d->data + r * rf + off, r, off, name, nan_missing, 1)) return -1;
            off += g->size;
        }
    }
    return 0;
}

int rt_group_check(const rt_group *g, const float *v, int64_t rows, const char *src) {
    for (int64_t r = 0; r < rows; r++)
        if (check_group(g, v + r * g->size, r, 0, src, 1, rows > 1 || strchr(src, '=') == NULL)) return -1;
    return 0;
}
