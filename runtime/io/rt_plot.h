/* rt_plot.h — training curves drawn to a PNG: a small line-plot rasteriser
 * over libpng (rt_plot.c). */
#ifndef EBMC_RT_PLOT_H
#define EBMC_RT_PLOT_H

/* One curve: n points (x[i], y[i]); NAN values leave a gap. A known best
 * value (the exact optimum of a log-likelihood) is drawn as a line. */
typedef struct rt_series {
    const char *name;
    int n;
    const double *x, *y;
    int has_optimum;
    double optimum;
} rt_series;

/* One panel per series, stacked, all sharing the x range: axes, ticks with
 * labels, a light grid, the series' name as the panel's title. RGB PNG,
 * written atomically. Series without a finite point are left out. The
 * optimum, when a series has one, is a dashed horizontal line labelled
 * "optimum V" inside the y range. A series whose values are all positive
 * and span a factor of 100 or more (a reconstruction error falling from 0.3
 * to 0.0001) gets a log10 y axis, ticks at powers of ten, "(log scale)" in
 * its title. */
int rt_write_plot_png(const char *path, const char *xlabel, const rt_series *s, int ns);

/* Filters (weights) as a grid of n images of h x w, ncols per row, laid out
 * as rt_write_png_grid's, in RGB on ONE symmetric colour scale for the
 * whole grid: -m blue, 0 white, +m red, m the largest |weight| (NaN black),
 * with a legend under the grid: the colour bar and its values -m, 0, +m. */
int rt_write_filters_png(const char *path, const float *images, int n, int h, int w, int ncols);

/* The colour of t = weight/m in -1..1 on that scale (for tests and legends). */
typedef struct rt_rgb {
    unsigned char r, g, b;
} rt_rgb;
rt_rgb rt_filter_colour(double t);
#endif
