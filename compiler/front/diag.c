/* diag.c — formatting of diagnostics with the source line and a caret. */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

const Span span_none = {0, 0, 0, 0};

void diag_init(Diag *d, const char *file, const char *src, size_t len) {
    memset(d, 0, sizeof *d);
    d->max_errors = 20;
    d->out = stderr;
    diag_set_source(d, file, src, len);
}

void diag_set_source(Diag *d, const char *file, const char *src, size_t len) {
    d->file = file;
    d->src = src;
    d->len = len;
}

Span span_join(Span a, Span b) {
    if (!a.first_line) return b;
    if (!b.first_line) return a;
    Span s = a;
    s.last_line = b.last_line;
    s.last_column = b.last_column;
    return s;
}

/* A message stays the size of a message whatever the input: a word
 * (identifier, number) longer than WORD_MAX is shown by its start and its
 * length, and a source line longer than LINE_MAX by a window around the
 * column (a 1 MB identifier made a 3 MB message). */
enum { WORD_MAX = 64, LINE_MAX_SHOWN = 160 };

static int word_char(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

static void put_shortened(FILE *out, const char *m) {
    while (*m) {
        size_t n = 0;
        while (word_char(m[n])) n++;
        if (n > WORD_MAX) fprintf(out, "%.32s...(%zu characters)", m, n);
        else fwrite(m, 1, n, out);
        m += n;
        if (*m) fputc(*m++, out);
    }
}

static void show_line(Diag *d, Span s) {
    if (!d->src || s.first_line <= 0) return;
    const char *p = d->src, *end = d->src + d->len;
    for (int line = 1; line < s.first_line && p < end; p++)
        if (*p == '\n') line++;
    if (p >= end && s.first_line > 1) return;
    const char *q = p;
    while (q < end && *q != '\n') q++;
    if (q - p > LINE_MAX_SHOWN) {
        /* the window: from a little before the column, LINE_MAX_SHOWN long */
        long from = s.first_column > 40 ? s.first_column - 40 : 1;
        if (from > q - p) from = q - p;
        const char *wp = p + from - 1, *wq = wp + LINE_MAX_SHOWN < q ? wp + LINE_MAX_SHOWN : q;
        fprintf(d->out, "%5d | %s%.*s%s\n", s.first_line, from > 1 ? "..." : "", (int)(wq - wp), wp, wq < q ? "..." : "");
        fprintf(d->out, "      | %s", from > 1 ? "   " : "");
        long col = from;
        for (; col < s.first_column && wp + (col - from) < wq; col++) fputc(wp[col - from] == '\t' ? '\t' : ' ', d->out);
        fputc('^', d->out);
        long last = s.last_line == s.first_line ? s.last_column : (long)(q - p);
        for (col++; col <= last && col - from < wq - wp; col++) fputc('~', d->out);
        fputc('\n', d->out);
        return;
    }
    fprintf(d->out, "%5d | %.*s\n", s.first_line, (int)(q - p), p);
    fprintf(d->out, "      | ");
    /* tabs are echoed so the caret lines up with the text above */
    int col = 1;
    for (; col < s.first_column && p + col - 1 < q; col++)
        fputc(p[col - 1] == '\t' ? '\t' : ' ', d->out);
    fputc('^', d->out);
    int last = s.last_line == s.first_line ? s.last_column : (int)(q - p);
    for (col++; col <= last; col++) fputc('~', d->out);
    fputc('\n', d->out);
}

static Span last_shown;

static void report(Diag *d, Span s, const char *kind, const char *fmt, va_list ap) {
    if (s.first_line > 0)
        fprintf(d->out, "%s:%d:%d: %s: ", d->file, s.first_line, s.first_column, kind);
    else if (d->file)
        fprintf(d->out, "%s: %s: ", d->file, kind);
    else
        fprintf(d->out, "ebmc: %s: ", kind);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0) msg = NULL;
    put_shortened(d->out, msg ? msg : fmt);
    free(msg);
    fputc('\n', d->out);
    /* a note about the same place as the line just shown needs no copy */
    int same = !strcmp(kind, "note") && s.first_line == last_shown.first_line &&
               s.first_column == last_shown.first_column && s.last_column == last_shown.last_column;
    if (!same) show_line(d, s);
    last_shown = s;
}

void diag_error(Diag *d, Span s, const char *fmt, ...) {
    d->errors++;
    if (!strncmp(fmt, "internal", 8)) d->internal++;
    if (d->errors > d->max_errors) {
        if (d->errors == d->max_errors + 1)
            fprintf(d->out, "%s: error: too many errors, stopping\n", d->file ? d->file : "ebmc");
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    report(d, s, "error", fmt, ap);
    va_end(ap);
}

void diag_warning(Diag *d, Span s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    report(d, s, "warning", fmt, ap);
    va_end(ap);
}

void diag_note(Diag *d, Span s, const char *fmt, ...) {
    if (d->errors > d->max_errors) return;
    va_list ap;
    va_start(ap, fmt);
    report(d, s, "note", fmt, ap);
    va_end(ap);
}

/* unplaced messages share the runtime's printer, so ebmc and a built
 * binary write them alike; long words are shortened as in placed ones */
static void tool_report(const char *kind, const char *fmt, va_list ap) {
    char *msg = NULL, *short_msg = NULL;
    size_t n = 0;
    if (vasprintf(&msg, fmt, ap) < 0) msg = NULL;
    FILE *mem = open_memstream(&short_msg, &n);
    if (mem) {
        put_shortened(mem, msg ? msg : fmt);
        fclose(mem);
    }
    rt_report(kind, "%s", short_msg ? short_msg : msg ? msg : fmt);
    free(short_msg);
    free(msg);
}

void diag_tool_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    tool_report("error", fmt, ap);
    va_end(ap);
}

void diag_tool_warning(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    tool_report("warning", fmt, ap);
    va_end(ap);
}

void diag_tool_note(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    tool_report("note", fmt, ap);
    va_end(ap);
}
