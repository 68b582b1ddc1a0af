/* diag.h — every stage reports through here; no stage prints on its own.
 *
 *   file:line:col: error: message
 *      3 |   param W[784, 500 init normal(0, 0.01)
 *        |                    ^~~~
 *   file:line:col: note: ...
 *
 * Exit codes of the tool: 0 ok, 1 user error, 2 internal error. */
#ifndef EBMC_DIAG_H
#define EBMC_DIAG_H
#include <stddef.h>
#include <stdio.h>

/* Field names follow bison's YYLTYPE so its default location rules work.
 * Lines and columns are 1-based; first_line == 0 means "no location". */
typedef struct Span {
    int first_line, first_column, last_line, last_column;
} Span;

typedef struct Diag {
    const char *file;     /* the source being reported on */
    const char *src;
    size_t len;
    int errors;
    int internal;         /* of which "internal: ..." (ebmc's bugs: exit status 2) */
    int max_errors;       /* printing stops after this many (default 20) */
    FILE *out;            /* default stderr */
} Diag;

void diag_init(Diag *d, const char *file, const char *src, size_t len);
void diag_set_source(Diag *d, const char *file, const char *src, size_t len);
void diag_error(Diag *d, Span s, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_warning(Diag *d, Span s, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void diag_note(Diag *d, Span s, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* "ebmc: error: message" for messages with no place in a source file
 * (the runtime's printer, rt_vreport), and the same for warnings and
 * notes: no stage writes "ebmc: warning: ..." itself. */
void diag_tool_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diag_tool_warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void diag_tool_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
Span span_join(Span a, Span b);
extern const Span span_none;
#endif
