/* rt_html.h — a self-contained HTML report page, PNGs inline as base64
 * (rt_html.c). */
#ifndef EBMC_RT_HTML_H
#define EBMC_RT_HTML_H
#include <stddef.h>

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
