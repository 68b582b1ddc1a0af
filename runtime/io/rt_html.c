/* rt_html.c — a self-contained HTML report: headings, text, and PNGs inline
 * as base64 data: URIs, so the one file can be mailed or archived. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"
#include "rt_html.h"

char *rt_base64(const unsigned char *b, size_t n) {
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc(4 * ((n + 2) / 3) + 1), *o = out;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)b[i] << 16 | (i + 1 < n ? (unsigned)b[i + 1] << 8 : 0) | (i + 2 < n ? b[i + 2] : 0);
        *o++ = digits[v >> 18 & 63];
        *o++ = digits[v >> 12 & 63];
        *o++ = i + 1 < n ? digits[v >> 6 & 63] : '=';
        *o++ = i + 2 < n ? digits[v & 63] : '=';
    }
    *o = 0;
    return out;
}

static void escaped(FILE *f, const char *s) {
    for (; *s; s++) {
        if (*s == '<') fputs("&lt;", f);
        else if (*s == '>') fputs("&gt;", f);
        else if (*s == '&') fputs("&amp;", f);
        else fputc(*s, f);
    }
}

static int inline_png(FILE *f, const char *path, const char *alt) {
    FILE *in = fopen(path, "rb");
    if (!in) return rt_fail("cannot read '%s': %s", path, strerror(errno));
    size_t cap = 1 << 16, n = 0, k;
    unsigned char *buf = malloc(cap);
    while ((k = fread(buf + n, 1, cap - n, in)) > 0)
        if ((n += k) == cap) buf = realloc(buf, cap *= 2);
    fclose(in);
    char *b64 = rt_base64(buf, n);
    fputs("<img alt=\"", f);
    escaped(f, alt);
    fprintf(f, "\" src=\"data:image/png;base64,%s\">\n", b64);
    free(b64);
    free(buf);
    return 0;
}

int rt_write_html(const char *path, const char *title, const rt_html_part *parts, int n) {
    rt_atomic a;
    if (rt_atomic_open(&a, path)) return -1;
    FILE *f = a.fp;
    fputs("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>", f);
    escaped(f, title);
    fputs("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:60em}"
          "pre{background:#f4f4f4;padding:1em;overflow-x:auto}img{image-rendering:pixelated;max-width:100%}</style>\n"
          "</head><body>\n<h1>",
          f);
    escaped(f, title);
    fputs("</h1>\n", f);
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        if (parts[i].heading) {
            fputs("<h2>", f);
            escaped(f, parts[i].heading);
            fputs("</h2>\n", f);
        }
        if (parts[i].text) {
            fputs("<pre>", f);
            escaped(f, parts[i].text);
            fputs("</pre>\n", f);
        }
        if (parts[i].png_path) rc = inline_png(f, parts[i].png_path, parts[i].heading ? parts[i].heading : "");
    }
    fputs("</body></html>\n", f);
    int ok = !rc && !ferror(f);
    if (!ok && !rc) rt_fail("cannot write '%s': %s", path, strerror(errno));
    return rt_atomic_commit(&a, ok) || rc ? -1 : 0;
}
