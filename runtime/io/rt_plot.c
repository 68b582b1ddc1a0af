/* rt_plot.c — training curves as a PNG: one panel per monitor, stacked.
 *
 * Monitors have scales of their own (a reconstruction error of 0.05, a
 * pseudo-log-likelihood of -200), so each gets a panel with its own y axis
 * and all share the x axis (the epoch). Everything is drawn into an RGB
 * pixel array: lines by Bresenham's algorithm, text in a 5 x 7 bitmap font,
 * tick values at 1, 2 or 5 times a power of ten. */
#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "rt_plot.h"

/* ---- a 5 x 7 font: rows top to bottom, bit 4 the leftmost pixel; g p q y
 * are drawn two rows lower (their descenders) ------------------------------------ */

static const char glyph_chars[] = "0123456789abcdefghijklmnopqrstuvwxyz.-+_:()/,";
static const unsigned char glyphs[][7] = {
    {0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E}, {0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E},
    {0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F}, {0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E},
    {0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02}, {0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E},
    {0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E}, {0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08},
    {0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E}, {0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C},
    {0x00, 0x00, 0x0E, 0x01, 0x0F, 0x11, 0x0F}, {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x1E}, /* a b */
    {0x00, 0x00, 0x0E, 0x10, 0x10, 0x11, 0x0E}, {0x01, 0x01, 0x0D, 0x13, 0x11, 0x11, 0x0F}, /* c d */
    {0x00, 0x00, 0x0E, 0x11, 0x1F, 0x10, 0x0E}, {0x06, 0x09, 0x08, 0x1C, 0x08, 0x08, 0x08}, /* e f */
    {0x0F, 0x11, 0x11, 0x11, 0x0F, 0x01, 0x0E}, {0x10, 0x10, 0x16, 0x19, 0x11, 0x11, 0x11}, /* g h */
    {0x04, 0x00, 0x0C, 0x04, 0x04, 0x04, 0x0E}, {0x02, 0x00, 0x06, 0x02, 0x02, 0x12, 0x0C}, /* i j */
    {0x10, 0x10, 0x12, 0x14, 0x18, 0x14, 0x12}, {0x0C, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E}, /* k l */
    {0x00, 0x00, 0x1A, 0x15, 0x15, 0x11, 0x11}, {0x00, 0x00, 0x16, 0x19, 0x11, 0x11, 0x11}, /* m n */
    {0x00, 0x00, 0x0E, 0x11, 0x11, 0x11, 0x0E}, {0x1E, 0x11, 0x11, 0x11, 0x1E, 0x10, 0x10}, /* o p */
    {0x0F, 0x11, 0x11, 0x11, 0x0F, 0x01, 0x01}, {0x00, 0x00, 0x16, 0x19, 0x10, 0x10, 0x10}, /* q r */
    {0x00, 0x00, 0x0E, 0x10, 0x0E, 0x01, 0x1E}, {0x08, 0x08, 0x1C, 0x08, 0x08, 0x09, 0x06}, /* s t */
    {0x00, 0x00, 0x11, 0x11, 0x11, 0x13, 0x0D}, {0x00, 0x00, 0x11, 0x11, 0x11, 0x0A, 0x04}, /* u v */
    {0x00, 0x00, 0x11, 0x11, 0x15, 0x15, 0x0A}, {0x00, 0x00, 0x11, 0x0A, 0x04, 0x0A, 0x11}, /* w x */
    {0x11, 0x11, 0x11, 0x11, 0x0F, 0x01, 0x0E}, {0x00, 0x00, 0x1F, 0x02, 0x04, 0x08, 0x1F}, /* y z */
    {0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C}, {0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00}, /* . - */
    {0x00, 0x04, 0x04, 0x1F, 0x04, 0x04, 0x00}, {0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F}, /* + _ */
    {0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00}, {0x02, 0x04, 0x08, 0x08, 0x08, 0x04, 0x02}, /* : ( */
    {0x08, 0x04, 0x02, 0x02, 0x02, 0x04, 0x08}, {0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00}, /* ) / */
    {0x00, 0x00, 0x00, 0x00, 0x0C, 0x04, 0x08},                                             /* , */
};

typedef struct Canvas {
    int w, h;
    unsigned char *px;   /* RGB */
} Canvas;

typedef struct Rgb {
    unsigned char r, g, b;
} Rgb;

static void dot(Canvas *c, int x, int y, Rgb col) {
    if (x < 0 || y < 0 || x >= c->w || y >= c->h) return;
    unsigned char *p = c->px + 3 * ((size_t)y * (size_t)c->w + (size_t)x);
    p[0] = col.r, p[1] = col.g, p[2] = col.b;
}

/* text with its top-left corner at (x, y), each font pixel s x s */
static void text(Canvas *c, int x, int y, const char *s, int scale, Rgb col) {
    for (; *s; s++, x += 6 * scale) {
        char ch = *s >= 'A' && *s <= 'Z' ? (char)(*s - 'A' + 'a') : *s;
        const char *at = ch ? strchr(glyph_chars, ch) : NULL;
        if (!at) continue;   /* blanks and unknown characters: a space */
        const unsigned char *g = glyphs[at - glyph_chars];
        int drop = strchr("gpqy", ch) ? 2 : 0;
        for (int r = 0; r < 7; r++)
            for (int k = 0; k < 5; k++)
                if (g[r] >> (4 - k) & 1)
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++) dot(c, x + k * scale + dx, y + (r + drop) * scale + dy, col);
    }
}

static int text_width(const char *s, int scale) { return (int)strlen(s) * 6 * scale - scale; }

/* Bresenham, two pixels thick */
static void line(Canvas *c, int x0, int y0, int x1, int y1, int thick, Rgb col) {
    int dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
    for (;;) {
        dot(c, x0, y0, col);
        if (thick) dot(c, x0, y0 + 1, col), dot(c, x0 + 1, y0, col);
        if (x0 == x1 && y0 == y1) break;
        int e2 = 2 * err;
        if (e2 >= dy) err += dy, x0 += sx;
        if (e2 <= dx) err += dx, y0 += sy;
    }
}

/* a step of 1, 2 or 5 times a power of ten giving about n ticks */
static double nice_step(double range, int n) {
    double raw = range / n, p = pow(10, floor(log10(raw))), f = raw / p;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * p;
}

static void tick_label(char *buf, size_t n, double v, double step) {
    int dec = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
    if (fabs(v) >= 1e6 || dec > 6) snprintf(buf, n, "%.3g", v);
    else snprintf(buf, n, "%.*f", dec, fabs(v) < step * 1e-9 ? 0.0 : v);
}

static void range_of(const double *v, int n, double *lo, double *hi) {
    *lo = INFINITY, *hi = -INFINITY;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i])) *lo = v[i] < *lo ? v[i] : *lo, *hi = v[i] > *hi ? v[i] : *hi;
    if (*lo > *hi) return;
    if (*hi - *lo < 1e-12 * (fabs(*hi) + 1)) {
        double pad = fabs(*hi) > 0 ? 0.05 * fabs(*hi) : 1;
        *lo -= pad, *hi += pad;
    }
}

enum { WIDTH = 760, PANEL = 190, LEFT = 90, RIGHT = 24, TOP = 30, BOTTOM = 36 };

static const Rgb black = {0, 0, 0}, grid = {225, 225, 225}, grey = {90, 90, 90};
static const Rgb palette[] = {{31, 119, 180}, {214, 39, 40}, {44, 160, 44}, {148, 103, 189},
                              {255, 127, 14}, {140, 86, 75}, {23, 190, 207}, {127, 127, 127}};

/* values all positive and a factor of 100 apart: a log axis shows them */
static int wants_log(const rt_series *s) {
    double lo = INFINITY, hi = 0;
    for (int i = 0; i < s->n; i++) {
        if (!isfinite(s->y[i])) continue;
        if (s->y[i] <= 0) return 0;
        lo = s->y[i] < lo ? s->y[i] : lo, hi = s->y[i] > hi ? s->y[i] : hi;
    }
    return hi > 0 && hi >= 100 * lo && !s->has_optimum;
}

static const Rgb optimum_col = {0, 128, 0};

static void panel(Canvas *c, int top, const rt_series *s, double xlo, double xhi, const char *xlabel, Rgb col) {
    int x0 = LEFT, x1 = WIDTH - RIGHT, y0 = top + TOP, y1 = top + PANEL - BOTTOM;
    int logy = wants_log(s);
    double *yv = malloc(sizeof(double) * (size_t)(s->n + 1));
    for (int i = 0; i < s->n; i++) yv[i] = logy ? log10(s->y[i]) : s->y[i];
    yv[s->n] = s->has_optimum ? s->optimum : NAN;   /* the optimum inside the range */
    double ylo, yhi;
    range_of(yv, s->n + 1, &ylo, &yhi);
    double ys = logy ? 1 : nice_step(yhi - ylo, 4), xs = nice_step(xhi - xlo, 8);
    ylo = floor(ylo / ys) * ys, yhi = ceil(yhi / ys) * ys;
    if (yhi <= ylo) yhi = ylo + ys;
#define PX(x) (x0 + (int)lround(((x) - xlo) / (xhi - xlo) * (x1 - x0)))
#define PY(y) (y1 - (int)lround(((y) - ylo) / (yhi - ylo) * (y1 - y0)))
    char buf[40];
    for (double v = ylo; v <= yhi + ys * 1e-6; v += ys) {
        int y = PY(v);
        line(c, x0, y, x1, y, 0, grid);
        line(c, x0 - 4, y, x0, y, 0, black);
        if (logy) {
            int e = (int)lround(v);
            if (e >= 0 && e <= 3) snprintf(buf, sizeof buf, "%d", (int)lround(pow(10, e)));
            else snprintf(buf, sizeof buf, "1e%d", e);
        } else {
            tick_label(buf, sizeof buf, v, ys);
        }
        text(c, x0 - 8 - text_width(buf, 1), y - 3, buf, 1, grey);
    }
    for (double v = ceil(xlo / xs) * xs; v <= xhi + xs * 1e-6; v += xs) {
        int x = PX(v);
        line(c, x, y0, x, y1, 0, grid);
        line(c, x, y1, x, y1 + 4, 0, black);
        tick_label(buf, sizeof buf, v, xs);
        text(c, x - text_width(buf, 1) / 2, y1 + 8, buf, 1, grey);
    }
    line(c, x0, y0, x0, y1, 0, black);
    line(c, x0, y1, x1, y1, 0, black);
    text(c, x0, top + 8, s->name, 2, col);
    if (logy) text(c, x0 + text_width(s->name, 2) + 12, top + 14, "(log scale)", 1, grey);
    if (xlabel) text(c, x1 - text_width(xlabel, 1), y1 + 22, xlabel, 1, black);
    if (s->has_optimum && isfinite(s->optimum)) {
        /* dashed: 8 pixels on, 4 off */
        int y = PY(s->optimum);
        for (int x = x0 + 1; x <= x1; x++)
            if ((x - x0) % 12 < 8) dot(c, x, y, optimum_col), dot(c, x, y - 1, optimum_col);
        snprintf(buf, sizeof buf, "optimum %.4f", s->optimum);
        text(c, x1 - text_width(buf, 1) - 2, y - 12, buf, 1, optimum_col);
    }
    /* monitors computed every few epochs: the line joins the values they have */
    int have = 0, px = 0, py = 0, points = 0;
    for (int i = 0; i < s->n; i++) points += isfinite(s->x[i]) && isfinite(yv[i]);
    for (int i = 0; i < s->n; i++) {
        if (!isfinite(s->x[i]) || !isfinite(yv[i])) continue;
        int x = PX(s->x[i]), y = PY(yv[i]);
        if (have) line(c, px, py, x, y, 1, col);
        if (points <= 60)
            for (int dy = -2; dy <= 2; dy++)
                for (int dx = -2; dx <= 2; dx++) dot(c, x + dx, y + dy, col);
        have = 1, px = x, py = y;
    }
    free(yv);
#undef PX
#undef PY
}

static int write_png(const Canvas *c, const char *path) {
    rt_atomic a;
    if (rt_atomic_open(&a, path)) return -1;
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    int ok = png && info;
    if (ok && setjmp(png_jmpbuf(png))) ok = 0;
    else if (ok) {
        png_init_io(png, a.fp);
        png_set_IHDR(png, info, (png_uint_32)c->w, (png_uint_32)c->h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_write_info(png, info);
        for (int y = 0; y < c->h; y++) png_write_row(png, c->px + 3 * (size_t)y * (size_t)c->w);
        png_write_end(png, NULL);
    }
    png_destroy_write_struct(&png, &info);
    if (!ok) rt_fail("cannot write PNG '%s'", path);
    return rt_atomic_commit(&a, ok);
}

int rt_write_plot_png(const char *path, const char *xlabel, const rt_series *s, int ns) {
    int keep[64], nk = 0;
    double xlo = INFINITY, xhi = -INFINITY;
    for (int i = 0; i < ns && nk < 64; i++) {
        double lo, hi;
        range_of(s[i].y, s[i].n, &lo, &hi);
        if (lo > hi) continue;
        keep[nk++] = i;
        range_of(s[i].x, s[i].n, &lo, &hi);
        xlo = lo < xlo ? lo : xlo, xhi = hi > xhi ? hi : xhi;
    }
    if (!nk) return rt_fail("nothing to plot in '%s': no monitor has a value", path);
    if (xhi - xlo < 1e-12) xlo -= 1, xhi += 1;
    Canvas c = {WIDTH, nk * PANEL + 8, NULL};
    c.px = malloc((size_t)c.w * (size_t)c.h * 3);
    memset(c.px, 255, (size_t)c.w * (size_t)c.h * 3);
    for (int k = 0; k < nk; k++)
        panel(&c, k * PANEL + 4, &s[keep[k]], xlo, xhi, k == nk - 1 ? xlabel : NULL, palette[k % 8]);
    int rc = write_png(&c, path);
    free(c.px);
    return rc;
}

/* ---- filters: one symmetric colour scale for the whole grid ---------------------- */

/* -1 .. 1 to blue .. white .. red: 0 is white whatever the weights, so a
 * filter's sign reads off its colour and zero is the middle of the legend */
static Rgb diverging(double t) {
    static const Rgb neg = {33, 102, 172}, pos = {178, 24, 43};
    if (!isfinite(t)) return black;
    t = t < -1 ? -1 : t > 1 ? 1 : t;
    Rgb end = t < 0 ? neg : pos;
    double a = fabs(t);
    return (Rgb){(unsigned char)lround(255 + a * (end.r - 255)), (unsigned char)lround(255 + a * (end.g - 255)),
                 (unsigned char)lround(255 + a * (end.b - 255))};
}

rt_rgb rt_filter_colour(double t) {
    Rgb c = diverging(t);
    return (rt_rgb){c.r, c.g, c.b};
}

enum { LEGEND_H = 44, LEGEND_BAR = 160 };

int rt_write_filters_png(const char *path, const float *images, int n, int h, int w, int ncols) {
    if (n <= 0 || h <= 0 || w <= 0) return rt_fail("nothing to draw in '%s'", path);
    if (ncols <= 0) ncols = 1;
    double m = 0;
    for (size_t i = 0; i < (size_t)n * (size_t)h * (size_t)w; i++)
        if (isfinite(images[i]) && fabs(images[i]) > m) m = fabs(images[i]);
    if (m == 0) m = 1;   /* all zero: white tiles, a legend of -1 .. 1 */
    /* the same square pixels as the greyscale grids (rt_write_png_grid) */
    int nrows = (n + ncols - 1) / ncols, big = h > w ? h : w, s = big >= 64 ? 1 : 64 / big > 8 ? 8 : 64 / big;
    int gw = ncols * (w * s + 1) + 1, gh = nrows * (h * s + 1) + 1;
    Canvas c = {gw > LEGEND_BAR + 60 ? gw : LEGEND_BAR + 60, gh + LEGEND_H, NULL};
    c.px = malloc((size_t)c.w * (size_t)c.h * 3);
    memset(c.px, 255, (size_t)c.w * (size_t)c.h * 3);
    const Rgb sep = {128, 128, 128};
    for (int y = 0; y < gh; y++)
        for (int x = 0; x < gw; x++) dot(&c, x, y, sep);
    for (int k = 0; k < n; k++) {
        const float *im = images + (size_t)k * (size_t)h * (size_t)w;
        int r0 = (k / ncols) * (h * s + 1) + 1, c0 = (k % ncols) * (w * s + 1) + 1;
        for (int y = 0; y < h * s; y++)
            for (int x = 0; x < w * s; x++) dot(&c, c0 + x, r0 + y, diverging(im[(y / s) * w + x / s] / m));
    }
    /* the legend: a bar from -m to +m, its ends and middle labelled */
    int bx = (c.w - LEGEND_BAR) / 2, by = gh + 8;
    for (int x = 0; x < LEGEND_BAR; x++)
        for (int y = 0; y < 10; y++) dot(&c, bx + x, by + y, diverging(2.0 * x / (LEGEND_BAR - 1) - 1));
    char lo[32], hi[32];
    snprintf(lo, sizeof lo, "-%.3g", m);
    snprintf(hi, sizeof hi, "+%.3g", m);
    line(&c, bx + LEGEND_BAR / 2, by + 10, bx + LEGEND_BAR / 2, by + 14, 0, black);
    text(&c, bx - text_width(lo, 1) / 2, by + 17, lo, 1, black);
    text(&c, bx + LEGEND_BAR / 2 - 2, by + 17, "0", 1, black);
    text(&c, bx + LEGEND_BAR - text_width(hi, 1) / 2, by + 17, hi, 1, black);
    int rc = write_png(&c, path);
    free(c.px);
    return rc;
}
