/* parse.h — the front end's public surface: spec text in, syntax tree out.
 * Errors go to the Diag; the caller decides success from diag->errors
 * (bison returns 0 after errors it recovered from). */
#ifndef EBMC_PARSE_H
#define EBMC_PARSE_H
#include "ast.h"

Program *parse_source(Arena *a, Diag *d, const char *file, const char *src, size_t len);
/* The same with the first line numbered first_line: text made to stand at
 * the lines and columns of another file (runconfig.c puts a block header on
 * line 0 and each value where it stands in a YAML file). */
Program *parse_source_from(Arena *a, Diag *d, const char *file, const char *src, size_t len, int first_line);
/* Reads a whole file into malloc'd memory (NUL-terminated): a regular file
 * of at most RT_TEXT_CAP bytes, or "-" for standard input; NULL after
 * rt_fail ("cannot read 'PATH': why") on failure. */
char *parse_read_file(const char *path, size_t *len);
#endif
