/* rt_plot.h — training curves drawn to a PNG: a small line-plot rasteriser
 * over libpng (rt_plot.c). */
#ifndef EBMC_RT_PLOT_H
#define EBMC_RT_PLOT_H

/* One curve: n points (x[i], y[i]); NAN values leave a gap. */
typedef struct rt_series {
    const char *name;
    int n;
    const double *x, *y;
} rt_series;

/* One panel per series, stacked, all sharing the x range: axes, ticks with
 * labels, a light grid, the series' name as the panel's title. RGB PNG,
 * written atomically. Series without a finite point are left out. */
int rt_write_plot_png(const char *path, const char *xlabel, const rt_series *s, int ns);
#endif
