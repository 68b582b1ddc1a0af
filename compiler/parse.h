/* parse.h — the front end's public surface: spec text in, syntax tree out.
 * Errors go to the Diag; the caller decides success from diag->errors
 * (bison returns 0 after errors it recovered from). */
#ifndef EBMC_PARSE_H
#define EBMC_PARSE_H
#include "ast.h"

Program *parse_source(Arena *a, Diag *d, const char *file, const char *src, size_t len);
/* Reads a whole file into malloc'd memory (NUL-terminated); NULL with errno
 * set on failure. */
char *parse_read_file(const char *path, size_t *len);
#endif
