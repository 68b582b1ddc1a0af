/* parse_ctx.h — state shared by the scanner (lexer.l) and the grammar
 * (parser.y); nothing outside the front end includes it. */
#ifndef EBMC_PARSE_CTX_H
#define EBMC_PARSE_CTX_H
#include "ast.h"

/* A growable list of pointers in the arena, for grammar actions. */
typedef struct PList {
    int n, cap;
    void **items;
} PList;

typedef struct Opener {
    char ch;
    Span span;
} Opener;

typedef struct ParseCtx {
    Arena *arena;
    Diag *diag;
    const char *src;
    size_t len;
    size_t offset;          /* bytes consumed by the scanner */
    int line, col;          /* where the next token starts */
    Span comment_open;      /* start of an open block comment */
    Opener open[64];        /* unclosed brackets, innermost last */
    int nopen;
    const char *last_text;  /* text of the most recent token, for messages */
    int quiet;              /* after a bad character: no syntax errors until the next block */
    Program *prog;
} ParseCtx;

PList *plist_new(Arena *a);
PList *plist_push(Arena *a, PList *l, void *item);
#endif
