/* compile.h — one spec through the front end and the analysis: the piece
 * every subcommand starts with. */
#ifndef EBMC_COMPILE_H
#define EBMC_COMPILE_H
#include "derive.h"

typedef struct Compilation {
    Arena *arena;
    Diag diag;
    const char *path;
    char *src;
    size_t len;
    Program *prog;
    SemaResult *sema;
    Analysis **analysis;    /* per model; NULL entries where analysis failed */
} Compilation;

/* Parses, checks and analyses path. Returns NULL (after an "ebmc: error:")
 * if the file cannot be read; otherwise check c->diag.errors. */
Compilation *compile_file(const char *path);
Compilation *compile_source(const char *path, const char *src, size_t len);
/* The same for a network the compiler wrote (derive_mp.c): its lets are
 * kept, each computed once (Model.keep_lets), and its loss differentiated
 * by reverse mode only. */
Compilation *compile_network(const char *path, const char *src, size_t len);
void compile_free(Compilation *c);
/* The model to act on: the only one, or the first; NULL if none. */
Analysis *compile_main_model(Compilation *c);
#endif
