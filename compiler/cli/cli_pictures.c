/* cli_pictures.c — receptive fields and samples as PNG grids, and the HTML
 * page that shows them with a report's text and curves. */
#include "cli_pictures.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "rt_html.h"
#include "rt_plot.h"
#include "rt_sample.h"

int cli_image_shape(const rt_model *m, int g, int *h, int *w) {
    const rt_group *gr = &m->groups[g];
    if (gr->ndim == 2) {
        *h = (int)gr->dims[0];
        *w = (int)gr->dims[1];
        return 1;
    }
    long long s = llround(sqrt((double)gr->size));
    if (s * s != gr->size) return 0;
    *h = *w = (int)s;
    return 1;
}

/* an error for a person, unless the caller draws what it can quietly */
static int complain(int loud, const char *fmt, ...) {
    if (!loud) return 1;
    va_list ap;
    va_start(ap, fmt);
    char buf[512];
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    diag_tool_error("%s", buf);
    return 1;
}

static int first_visible(const rt_model *m) {
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE) return g;
    return -1;
}

/* A coupling found in one term: param P with every index a plain index of
 * the visible group V or of the hidden group H; from[d] says which (0..nv-1:
 * V's dimension, nv + k: H's dimension k). */
typedef struct Coupling {
    const Sym *P, *V, *H;
    int from[MAX_DIMS];
} Coupling;

static int dim_of(const Factor *f, int var) {
    for (int d = 0; d < f->nidx; d++) {
        int v;
        if (affine_is_var(&f->idx[d], &v) && v == var) return d;
    }
    return -1;
}

static int coupling_in(const Term *t, const Sym *V, Coupling *c) {
    const Factor *fv = NULL, *fh = NULL, *fp = NULL;
    for (int k = 0; k < t->nf; k++) {
        const Factor *f = &t->f[k];
        if (f->kind != FK_TENSOR || !f->sym || f->power != 1 || f->fn != FN_NONE) continue;
        if (f->sym == V) fv = f;
        else if (f->sym->kind == SYM_UNIT && f->sym->role == ROLE_HIDDEN) fh = f;
        else if (f->sym->kind == SYM_PARAM && f->sym->ndim >= 2) fp = f;
    }
    if (!fv || !fh || !fp) return 0;
    for (int d = 0; d < fp->nidx; d++) {
        int var, dv, dh;
        if (!affine_is_var(&fp->idx[d], &var)) return 0;
        if ((dv = dim_of(fv, var)) >= 0) c->from[d] = dv;
        else if ((dh = dim_of(fh, var)) >= 0) c->from[d] = V->ndim + dh;
        else return 0;
    }
    c->P = fp->sym, c->V = V, c->H = fh->sym;
    return 1;
}

int cli_filters_png(const Built *b, rt_params *p, const char *path, int loud) {
    const rt_model *m = b->m;
    int gv = first_visible(m), ih, iw;
    if (gv < 0 || !cli_image_shape(m, gv, &ih, &iw)) {
        return complain(loud, "filters: the first visible group of '%s' is not image-shaped (declare it 2-D, e.g. v[28, 28])",
                        m->name);
    }
    const Sym *V = b->an->m->units[gv];
    Coupling c = {0};
    int found = 0;
    for (int i = 0; i < b->an->en->E->n && !found; i++) found = coupling_in(&b->an->en->E->t[i], V, &c);
    if (!found) {
        return complain(loud, "filters: no parameter of '%s' couples '%s' to a hidden group by plain indices (as W[i, j] "
                        "in v[i]*W[i, j]*h[j])", m->name, V->name);
    }
    int64_t nv = V->size, nh = c.H->size;
    if (nh > 4096) nh = 4096;   /* a picture of the first 4096 is plenty */
    float *img = malloc(sizeof(float) * (size_t)(nv * nh));
    const float *P = p->value[c.P->id];
    int64_t idx[2 * MAX_DIMS];
    for (int64_t j = 0; j < nh; j++)
        for (int64_t i = 0; i < nv; i++) {
            /* multi-indices of V's unit i and H's unit j, row-major */
            int64_t r = i;
            for (int d = V->ndim - 1; d >= 0; d--) idx[d] = r % V->dims[d], r /= V->dims[d];
            r = j;
            for (int d = c.H->ndim - 1; d >= 0; d--) idx[V->ndim + d] = r % c.H->dims[d], r /= c.H->dims[d];
            int64_t off = 0;
            for (int d = 0; d < c.P->ndim; d++) off = off * c.P->dims[d] + idx[c.from[d]];
            img[j * nv + i] = P[off];
        }
    int rc = rt_write_filters_png(path, img, (int)nh, ih, iw, (int)ceil(sqrt((double)nh)));
    free(img);
    return rc ? complain(loud, "%s", rt_last_error()) : 0;
}

int cli_samples_png(const Built *b, rt_params *p, long long chains, long long steps, unsigned long long seed,
                    const char *path, int loud) {
    const rt_model *m = b->m;
    int gv = first_visible(m), ih, iw;
    if (gv < 0 || !cli_image_shape(m, gv, &ih, &iw)) {
        return complain(loud, "samples: the first visible group of '%s' is not image-shaped", m->name);
    }
    int64_t rf = rt_visible_floats(m), n = ih * iw;
    float *means = malloc(sizeof(float) * (size_t)(chains * rf)), *img = malloc(sizeof(float) * (size_t)(chains * n));
    int rc = rt_sample(m, p, chains, (int)steps, seed, NULL, means);
    /* the first group's floats lead each row */
    for (int64_t r = 0; r < chains && !rc; r++)
        for (int64_t i = 0; i < n; i++) img[r * n + i] = means[r * rf + i];
    if (!rc) rc = rt_write_png_grid(path, img, (int)chains, ih, iw, (int)ceil(sqrt((double)chains)), 0);
    free(means);
    free(img);
    return rc ? complain(loud, "%s", rt_last_error()) : 0;
}

int cli_html_page(const Built *b, rt_params *p, const char *html, const char *title, const char *heading, const char *text,
                  const char *curves, unsigned long long seed) {
    char dir[] = "/tmp/ebmc-html-XXXXXX";
    if (!mkdtemp(dir)) {
        diag_tool_error("%s: cannot make a temporary directory", html);
        return 1;
    }
    char fpath[64], spath[64];
    snprintf(fpath, sizeof fpath, "%s/filters.png", dir);
    snprintf(spath, sizeof spath, "%s/samples.png", dir);
    SampleConfig sc;
    if (!config_sample(b->c->arena, &b->c->diag, b->an->m->sample, NULL, 0, &sc)) return 1;
    /* a picture that cannot be drawn (no image shape) is left out */
    long long chains = sc.chains > 100 ? 100 : sc.chains;
    int have_f = cli_filters_png(b, p, fpath, 0) == 0;
    int have_s = cli_samples_png(b, p, chains, sc.steps, seed, spath, 0) == 0;
    rt_html_part parts[4];
    int n = 0;
    if (text) parts[n++] = (rt_html_part){heading, text, NULL};
    if (curves) parts[n++] = (rt_html_part){"Training curves (one panel per monitor)", NULL, curves};
    if (have_f) parts[n++] = (rt_html_part){"Receptive fields (one per hidden unit; blue negative, red positive)", NULL, fpath};
    if (have_s) {
        char *cap = arena_printf(b->c->arena, "Samples (%lld chains, %lld Gibbs sweeps, conditional means)", chains, sc.steps);
        parts[n++] = (rt_html_part){cap, NULL, spath};
    }
    int rc = rt_write_html(html, title, parts, n) ? cli_fail_rt() : 0;
    unlink(fpath);
    unlink(spath);
    rmdir(dir);
    return rc;
}
