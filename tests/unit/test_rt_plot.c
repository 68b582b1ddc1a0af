/* test_rt_plot.c — the pictures of runtime/io/rt_plot.c read back pixel by
 * pixel: filters on one symmetric colour scale (0 is the white middle of
 * the legend, +-max the two ends, whichever filter they are in) with a
 * legend under the grid; training curves with the optimum drawn as a line,
 * and a log axis for a curve that spans decades (equal ratios at equal
 * heights). */
#include <png.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "rt.h"
#include "rt_plot.h"

typedef struct Image {
    int w, h;
    unsigned char *px;   /* RGB */
} Image;

static const char *tmp(const char *name) {
    static char buf[256];
    snprintf(buf, sizeof buf, "/tmp/ebmc_test_rt_plot_%d_%s", (int)getpid(), name);
    return buf;
}

static Image read_rgb(const char *path) {
    Image im = {0, 0, NULL};
    FILE *f = fopen(path, "rb");
    if (!f) return im;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (!setjmp(png_jmpbuf(png))) {
        png_init_io(png, f);
        png_read_info(png, info);
        if (png_get_color_type(png, info) == PNG_COLOR_TYPE_RGB && png_get_bit_depth(png, info) == 8) {
            im.w = (int)png_get_image_width(png, info);
            im.h = (int)png_get_image_height(png, info);
            im.px = malloc((size_t)im.w * (size_t)im.h * 3);
            for (int y = 0; y < im.h; y++) png_read_row(png, im.px + (size_t)y * (size_t)im.w * 3, NULL);
        }
    }
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
    return im;
}

/* the plot area starts 30 rows down a panel drawn 4 rows from the top
 * (rt_plot.c's TOP): above it, the title is written in the curve's colour */
enum { PLOT_TOP = 34 };

static const unsigned char *at(const Image *im, int x, int y) { return im->px + 3 * ((size_t)y * (size_t)im->w + (size_t)x); }

static int is(const unsigned char *p, int r, int g, int b) { return p[0] == r && p[1] == g && p[2] == b; }

/* two 2 x 2 filters, [-2 0; 1 2] and [0 0.5; -1 -0.5]: one scale, max 2 */
static void filters_symmetric_scale(void) {
    const float w[8] = {-2, 0, 1, 2, 0, 0.5f, -1, -0.5f};
    CHECK(rt_write_filters_png(tmp("f.png"), w, 2, 2, 2, 2) == 0, "%s", rt_last_error());
    Image im = read_rgb(tmp("f.png"));
    CHECK(im.px != NULL, "the PNG reads back as 8-bit RGB");
    if (!im.px) return;
    /* 2 x 2 images are drawn with 8 x 8 pixels, a 1-pixel separator: tile
     * k's pixel (r, c) has its centre at (1 + k*17 + c*8 + 4, 1 + r*8 + 4) */
#define PIX(k, r, c) at(&im, 1 + (k) * 17 + (c) * 8 + 4, 1 + (r) * 8 + 4)
    rt_rgb lo = rt_filter_colour(-1), mid = rt_filter_colour(0), hi = rt_filter_colour(1), half = rt_filter_colour(0.5);
    CHECK(mid.r == 255 && mid.g == 255 && mid.b == 255, "0 is white, the middle colour");
    CHECK(lo.b > lo.r && hi.r > hi.b, "negative blue, positive red");
    CHECK(is(PIX(0, 0, 0), lo.r, lo.g, lo.b), "-2 (the largest |w|) is the negative end");
    CHECK(is(PIX(0, 0, 1), 255, 255, 255), "0 in the first filter is white");
    CHECK(is(PIX(1, 0, 0), 255, 255, 255), "0 in the second filter is white too (one scale)");
    CHECK(is(PIX(0, 1, 1), hi.r, hi.g, hi.b), "+2 is the positive end");
    CHECK(is(PIX(0, 1, 0), half.r, half.g, half.b), "1 is half way to red");
    /* per-filter scaling would paint the second filter's -1 at the end */
    rt_rgb mhalf = rt_filter_colour(-0.5);
    CHECK(is(PIX(1, 1, 0), mhalf.r, mhalf.g, mhalf.b), "-1 in the second filter is half way to blue, not its end");
#undef PIX
    /* the legend: under the 18-pixel grid, a bar from blue through white to
     * red, and black label pixels under it */
    int grid_h = 18, bar_y = -1;
    CHECK(im.h > grid_h + 20, "there is room for a legend (%d rows)", im.h);
    for (int y = grid_h; y < im.h && bar_y < 0; y++)
        for (int x = 0; x < im.w; x++)
            if (is(at(&im, x, y), lo.r, lo.g, lo.b)) {
                bar_y = y;
                break;
            }
    CHECK(bar_y > 0, "the legend's bar starts at the negative end's colour");
    if (bar_y < 0) return;
    int first = -1, last = -1;
    for (int x = 0; x < im.w; x++) {
        const unsigned char *p = at(&im, x, bar_y);
        if (p[0] != 255 || p[1] != 255 || p[2] != 255) {
            if (first < 0) first = x;
            last = x;
        }
    }
    CHECK(is(at(&im, last, bar_y), hi.r, hi.g, hi.b), "the bar ends at the positive end's colour");
    const unsigned char *c = at(&im, (first + last) / 2, bar_y);
    CHECK(c[0] >= 250 && c[1] >= 250 && c[2] >= 250, "the bar's middle is white (0)");
    int labels = 0;
    for (int y = bar_y + 10; y < im.h; y++)
        for (int x = 0; x < im.w; x++) labels += is(at(&im, x, y), 0, 0, 0);
    CHECK(labels > 20, "the legend's values are written under the bar (%d black pixels)", labels);
    free(im.px);
}

static int count_rgb(const Image *im, int r, int g, int b) {
    int n = 0;
    for (int y = 0; y < im->h; y++)
        for (int x = 0; x < im->w; x++) n += is(at(im, x, y), r, g, b);
    return n;
}

/* the optimum's dashed line: its colour appears only when there is one */
static void curves_optimum_line(void) {
    double x[5] = {1, 2, 3, 4, 5}, y[5] = {-9, -7, -6, -5.5, -5.2};
    rt_series s = {"exact_loglik", 5, x, y, 1, -3.4};
    CHECK(rt_write_plot_png(tmp("c.png"), "epoch", &s, 1) == 0, "%s", rt_last_error());
    Image with = read_rgb(tmp("c.png"));
    s.has_optimum = 0;
    CHECK(rt_write_plot_png(tmp("c.png"), "epoch", &s, 1) == 0, "%s", rt_last_error());
    Image without = read_rgb(tmp("c.png"));
    CHECK(with.px && without.px, "both read back");
    if (!with.px || !without.px) return;
    int green = count_rgb(&with, 0, 128, 0);
    CHECK(green > 400, "the optimum's line is drawn (%d pixels of its colour)", green);
    CHECK(count_rgb(&without, 0, 128, 0) == 0, "no optimum, no line");
    /* the line is horizontal, above the curve (-3.4 > -5.2): one row holds
     * most of its pixels */
    int best = 0, best_y = -1;
    for (int yy = 0; yy < with.h; yy++) {
        int n = 0;
        for (int xx = 0; xx < with.w; xx++) n += is(at(&with, xx, yy), 0, 128, 0);
        if (n > best) best = n, best_y = yy;
    }
    int curve_top = with.h;
    for (int yy = PLOT_TOP; yy < with.h && curve_top == with.h; yy++)
        for (int xx = 0; xx < with.w; xx++)
            if (is(at(&with, xx, yy), 31, 119, 180)) {
                curve_top = yy;
                break;
            }
    CHECK(best > 300 && best_y < curve_top, "a horizontal line (%d pixels in row %d) above the curve (row %d)", best,
          best_y, curve_top);
    free(with.px);
    free(without.px);
}


/* the row of the curve's marker at column x (the 5 x 5 dot's centre) */
static int marker_row(const Image *im, int x) {
    int lo = -1, hi = -1;
    for (int y = PLOT_TOP; y < im->h; y++)
        if (is(at(im, x, y), 31, 119, 180)) {
            if (lo < 0) lo = y;
            hi = y;
        }
    return lo < 0 ? -1 : (lo + hi) / 2;
}

/* 1, 0.1, .. 0.0001: on a log axis the points are evenly spaced in height;
 * on a linear one the last four would sit within a few pixels */
static void curves_log_scale(void) {
    double x[5] = {0, 10, 20, 30, 40}, y[5] = {1, 0.1, 0.01, 0.001, 0.0001};
    rt_series s = {"recon_error", 5, x, y, 0, 0};
    CHECK(rt_write_plot_png(tmp("l.png"), "epoch", &s, 1) == 0, "%s", rt_last_error());
    Image im = read_rgb(tmp("l.png"));
    CHECK(im.px != NULL, "reads back");
    if (!im.px) return;
    /* the plot area runs from x = 90 to 760 - 24 over 0..40 */
    int rows[5];
    for (int i = 0; i < 5; i++) rows[i] = marker_row(&im, 90 + (int)lround(x[i] / 40 * (760 - 24 - 90)));
    for (int i = 1; i < 5; i++) {
        int step = rows[i] - rows[i - 1], first = rows[1] - rows[0];
        CHECK(step > 10 && abs(step - first) <= 2, "equal ratios, equal steps: rows %d %d %d %d %d", rows[0], rows[1],
              rows[2], rows[3], rows[4]);
    }
    free(im.px);
}

int main(void) {
    TEST(filters_symmetric_scale);
    TEST(curves_optimum_line);
    TEST(curves_log_scale);
    unlink(tmp("f.png"));
    unlink(tmp("c.png"));
    unlink(tmp("l.png"));
    return check_failures != 0;
}
