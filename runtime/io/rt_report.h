/* rt_report.h — pictures and pages of a report: training curves drawn to a
 * PNG (a small line-plot rasteriser over libpng), and a self-contained HTML
 * page with PNGs inline as base64. */
#ifndef EBMC_RT_REPORT_H
#define EBMC_RT_REPORT_H
#include <stddef.h>
#include <stdint.h>

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

/* A part of an HTML report: a heading, then text (escaped, in <pre>) or a
 * PNG file (read and inlined as a data: URI). */
typedef struct rt_html_part {
    const char *heading;
    const char *text;       /* or NULL */
    const char *png_path;   /* or NULL */
} rt_html_part;

int rt_write_html(const char *path, const char *title, const rt_html_part *parts, int n);
/* base64 of n bytes (RFC 4648, no line breaks) into a malloc'd string */
char *rt_base64(const unsigned char *bytes, size_t n);
#endif
