/* rt_base.c — errors, memory, tensors, Philox, atomic files. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rt.h"
#include "rt_dist.h"

/* per thread: a failure on one thread cannot overwrite another's message */
static _Thread_local char last_error[2048];

int rt_fail(const char *fmt, ...) {
    /* formatted apart first: an argument may be rt_last_error() itself */
    char msg[sizeof last_error];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    memcpy(last_error, msg, sizeof msg);
    return -1;
}

const char *rt_last_error(void) { return last_error; }

int rt_error_is_internal(void) { return !strncmp(last_error, "internal", 8); }

static const char *program = "ebmc";

void rt_set_program(const char *name) { program = name && *name ? name : "ebmc"; }

void rt_vreport(const char *kind, const char *fmt, va_list ap) {
    fflush(stdout);   /* in order with what the run printed before */
    /* of a job's ranks above 0 only the errors are heard, naming the rank
     * (rt_dist.h); an error there stops the job when the rank leaves */
    int error = !strcmp(kind, "error");
    if (error) rt_dist_failed();
    FILE *out = error ? rt_dist_errors() : stderr;
    fprintf(out, "%s: %s%s: ", program, rt_dist_tag(), kind);
    vfprintf(out, fmt, ap);
    fputc('\n', out);
}

void rt_report(const char *kind, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rt_vreport(kind, fmt, ap);
    va_end(ap);
}

void rt_warn(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rt_vreport("warning", fmt, ap);
    va_end(ap);
}

void rt_say(rt_say_fn fn, const char *kind, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0) msg = NULL;
    va_end(ap);
    if (fn) fn(kind, msg ? msg : fmt);
    else rt_report(kind, "%s", msg ? msg : fmt);
    free(msg);
}

void *rt_alloc(size_t bytes) {
    size_t n = (bytes + 63) / 64 * 64;
    void *p = aligned_alloc(64, n ? n : 64);
    if (!p) {
        rt_report("error", "out of memory (%zu bytes wanted)", bytes);
        exit(1);
    }
    memset(p, 0, n ? n : 64);
    return p;
}

void rt_free(void *p) { free(p); }

int rt_memory_check(double bytes, const char *what) {
    long long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    double have = (double)pages * (double)page;
    if (pages > 0 && page > 0 && !(bytes <= have))
        return rt_fail("%s needs %.1f GiB of memory; this machine has %.1f GiB", what, bytes / (1 << 30),
                       have / (1 << 30));
    return 0;
}

/* -1 when the product overflows: a corrupt header must not wrap around */
int64_t rt_numel(int ndim, const int64_t *dims) {
    int64_t n = 1;
    for (int i = 0; i < ndim; i++)
        if (dims[i] < 0 || __builtin_mul_overflow(n, dims[i], &n)) return -1;
    return n;
}

rt_tensor *rt_tensor_new(const char *name, int ndim, const int64_t *dims) {
    rt_tensor *t = calloc(1, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->ndim = ndim;
    for (int i = 0; i < ndim; i++) t->dims[i] = dims[i];
    t->data = rt_alloc(sizeof(float) * (size_t)rt_numel(ndim, dims));
    return t;
}

void rt_tensor_free(rt_tensor *t) {
    if (!t) return;
    rt_free(t->data);
    free(t);
}

void rt_tensors_free(rt_tensor **t, int n) {
    if (!t) return;
    for (int i = 0; i < n; i++) rt_tensor_free(t[i]);
    free(t);
}

void rt_meta_free(rt_meta *m, int n) {
    if (!m) return;
    for (int i = 0; i < n; i++) {
        free((char *)m[i].key);
        free((char *)m[i].value);
    }
    free(m);
}

/* ---- Philox-4x32-10 (Salmon et al., SC 2011) ---------------------------------- */

void rt_philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t out[4]) {
    uint32_t x0 = ctr[0], x1 = ctr[1], x2 = ctr[2], x3 = ctr[3], k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++) {
        uint64_t p0 = (uint64_t)0xD2511F53u * x0, p1 = (uint64_t)0xCD9E8D57u * x2;
        uint32_t y0 = (uint32_t)(p1 >> 32) ^ x1 ^ k0, y1 = (uint32_t)p1;
        uint32_t y2 = (uint32_t)(p0 >> 32) ^ x3 ^ k1, y3 = (uint32_t)p0;
        x0 = y0;
        x1 = y1;
        x2 = y2;
        x3 = y3;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    out[0] = x0;
    out[1] = x1;
    out[2] = x2;
    out[3] = x3;
}

static void draw(uint64_t seed, uint32_t stream, uint64_t step, uint32_t elem, uint32_t out[4]) {
    uint32_t ctr[4] = {elem, (uint32_t)step, (uint32_t)(step >> 32), stream};
    uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)};
    rt_philox4x32(ctr, key, out);
}

float rt_uniform(uint64_t seed, uint32_t stream, uint64_t step, uint32_t elem) {
    uint32_t o[4];
    draw(seed, stream, step, elem, o);
    return (float)(o[0] >> 8) * (1.0f / 16777216.0f);
}

float rt_normal(uint64_t seed, uint32_t stream, uint64_t step, uint32_t elem) {
    uint32_t o[4];
    draw(seed, stream, step, elem, o);
    double u1 = ((double)(o[0] >> 8) + 1.0) * (1.0 / 16777216.0);
    double u2 = (double)(o[1] >> 8) * (1.0 / 16777216.0);
    return (float)(sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2));
}

/* kill and batch schedulers send SIGTERM, a closed terminal SIGHUP: a run
 * stopped either way keeps its state as it does on Ctrl-C */
void rt_on_stop_signals(void (*handler)(int)) {
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sigemptyset(&sa.sa_mask);
    for (int i = 0; i < 3; i++) sigaction(sigs[i], &sa, NULL);
}

int rt_flag_fraction(const char *name, const char *v, double *out) {
    if (!v) return 0;
    char *end;
    double x = strtod(v, &end);
    if (*end || end == v || !(x >= 0 && x < 1)) {
        rt_report("error", "%s expects a fraction from 0 up to (not including) 1, not '%s'", name, v);
        return -1;
    }
    *out = x;
    return 1;
}

int rt_flag_ll(const char *name, const char *v, long long lo, long long *out) {
    if (!v) return 0;
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    long long hi = strstr(name, "seed") ? LLONG_MAX : INT_MAX;
    if (!errno && *end == 0 && end != v && x > hi) {
        rt_report("error", "%s must be at most %lld, not '%s'", name, hi, v);
        return -1;
    }
    if (errno || *end || end == v || x < lo) {
        rt_report("error", "%s expects an integer of at least %lld, not '%s'", name, lo, v);
        return -1;
    }
    *out = x;
    return 1;
}

/* ---- suggestions --------------------------------------------------------- */

static int edit_distance(const char *a, const char *b) {
    int la = (int)strlen(a), lb = (int)strlen(b);
    if (la > 63 || lb > 63) return 99;
    int d[64][64];
    for (int i = 0; i <= la; i++) d[i][0] = i;
    for (int j = 0; j <= lb; j++) d[0][j] = j;
    for (int i = 1; i <= la; i++)
        for (int j = 1; j <= lb; j++) {
            int c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            if (d[i - 1][j] + 1 < c) c = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < c) c = d[i][j - 1] + 1;
            d[i][j] = c;
        }
    return d[la][lb];
}

const char *rt_suggest(const char *name, const char *const *candidates, int n) {
    const char *best = NULL;
    int bestd = 3;
    for (int i = 0; i < n; i++) {
        int dist = edit_distance(name, candidates[i]);
        /* a one- or two-letter name is close to every other one */
        size_t len = strlen(name);
        int limit = len <= 2 ? 0 : len <= 4 ? 1 : 2;
        if (dist <= limit && dist < bestd) {
            bestd = dist;
            best = candidates[i];
        }
    }
    return best;
}
