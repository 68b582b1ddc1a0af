/* parse_file.c — reading spec and run files into memory for the scanner. */
#include "parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* A regular file of at most RT_TEXT_CAP bytes, or "-" (standard input, cut
 * at the same cap): /dev/zero or a FIFO named as a spec is refused, not
 * read until memory runs out. */
char *parse_read_file(const char *path, size_t *len) {
    int stream = !strcmp(path, "-");
    if (!stream && rt_input_check(path, RT_TEXT_CAP)) return NULL;
    FILE *f = stream ? stdin : fopen(path, "rb");
    if (!f) {
        rt_fail("cannot read '%s': %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 14, n = 0;
    char *buf = malloc(cap);
    int err = 0;
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = (size_t)RT_TEXT_CAP < cap ? NULL : realloc(buf, cap *= 2);
            if (!nb) {
                err = EFBIG;
                break;
            }
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (got == 0) break;
    }
    if (!err && ferror(f)) err = EIO;
    if (!stream) fclose(f);
    if (err) {
        free(buf);
        if (err == EFBIG) rt_fail("cannot read '%s': more than %lld bytes", path, (long long)RT_TEXT_CAP);
        else rt_fail("cannot read '%s': %s", path, strerror(err));
        return NULL;
    }
    buf[n] = 0;
    *len = n;
    return buf;
}
