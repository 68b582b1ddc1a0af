/* rt_page.c — the HTML page of a run (rt_page.h). */
#include "rt_page.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "rt_filters.h"
#include "rt_html.h"
#include "rt_plot.h"
#include "rt_sample.h"
#include "rt_sample_out.h"

/* chains samples of the first visible group's conditional means as a PNG
 * grid; 0, or -1 when it is not image-shaped or the sampler failed */
static int samples_png(const rt_model *m, rt_params *p, int64_t chains, int64_t steps, uint64_t seed, const char *path) {
    int ih, iw;
    if (!rt_image_shape(m, &ih, &iw)) return -1;
    int64_t rf = rt_visible_floats(m), n = (int64_t)ih * iw;
    float *means = malloc(sizeof(float) * (size_t)(chains * rf)), *img = malloc(sizeof(float) * (size_t)(chains * n));
    int rc = rt_sample(m, p, chains, (int)steps, seed, NULL, means);
    /* the first group's floats lead each row */
    for (int64_t r = 0; r < chains && !rc; r++)
        for (int64_t i = 0; i < n; i++) img[r * n + i] = means[r * rf + i];
    if (!rc) rc = rt_write_png_grid(path, img, (int)chains, ih, iw, (int)ceil(sqrt((double)chains)), 0);
    free(means);
    free(img);
    return rc ? -1 : 0;
}

int rt_page_write(const rt_page_ctx *c, rt_params *p, const char *html, const char *title, const char *heading,
                  const char *text, const char *curves, uint64_t seed) {
    char dir[] = "/tmp/ebmc-html-XXXXXX";
    if (!mkdtemp(dir)) return rt_fail("%s: cannot make a temporary directory", html);
    char fpath[64], spath[64], cap[160];
    snprintf(fpath, sizeof fpath, "%s/filters.png", dir);
    snprintf(spath, sizeof spath, "%s/samples.png", dir);
    /* a picture that cannot be drawn (no image shape) is left out */
    int64_t chains = c->chains > 100 ? 100 : c->chains;
    int have_f = rt_filters_png(c->m, p, fpath, NULL, NULL) == 0;
    int have_s = samples_png(c->m, p, chains, c->steps, seed, spath) == 0;
    rt_html_part parts[4];
    int n = 0;
    if (text) parts[n++] = (rt_html_part){heading, text, NULL};
    if (curves) parts[n++] = (rt_html_part){"Training curves (one panel per monitor)", NULL, curves};
    if (have_f) parts[n++] = (rt_html_part){"Receptive fields (one per hidden unit; blue negative, red positive)", NULL, fpath};
    if (have_s) {
        snprintf(cap, sizeof cap, "Samples (%lld chains, %lld Gibbs sweeps, conditional means)", (long long)chains,
                 (long long)c->steps);
        parts[n++] = (rt_html_part){cap, NULL, spath};
    }
    int rc = rt_write_html(html, title, parts, n) ? -1 : 0;
    unlink(fpath);
    unlink(spath);
    rmdir(dir);
    return rc;
}

int rt_page_of_run(void *ctx, rt_params *p, const char *html, const char *title, const char *text, const char *curves,
                   uint64_t seed) {
    return rt_page_write(ctx, p, html, title, "Run", text, curves, seed);
}
