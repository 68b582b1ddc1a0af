/* fuzz_specgen.c — libFuzzer harness: a structure-aware spec generator.
 * The fuzzer's bytes are choices, not text: they pick unit types, dims
 * (big, zero, negative, written as arithmetic), parameters with inits whose
 * arguments are expressions, and an energy of long sums, deep nesting and
 * many terms; the spec that comes out always parses far enough to reach
 * sema, the energy analysis, the derivation and the kernel IR, where bytes
 * as text (fuzz_spec.c) seldom get. Errors are expected; crashes, leaks,
 * undefined behaviour and runaway time or memory are not. With
 * -DSPECGEN_MAIN it is a program that prints the spec of a byte file (to
 * turn a crash into a readable regression). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef SPECGEN_MAIN
#include "compile.h"
#include "ir_kernels.h"
#endif

typedef struct Gen {
    const uint8_t *d;
    size_t n, at;
    char *out;
    size_t len, cap;
    int budget;   /* expression nodes left: keeps one input's spec bounded */
} Gen;

static unsigned pick(Gen *g, unsigned k) {
    if (k <= 1) return 0;
    unsigned v = g->at < g->n ? g->d[g->at++] : 0;
    return v % k;
}

static void put(Gen *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(Gen *g, const char *fmt, ...) {
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int k = vsnprintf(g->out + g->len, g->cap - g->len, fmt, ap);
        va_end(ap);
        if (k < 0) return;
        if (g->len + (size_t)k < g->cap) {
            g->len += (size_t)k;
            return;
        }
        g->cap = g->cap * 2 + (size_t)k;
        g->out = realloc(g->out, g->cap);
    }
}

/* a number, sometimes written as arithmetic, sometimes extreme */
static void number(Gen *g, int depth) {
    static const char *const odd[] = {"0", "1", "-1", "-3", "2-5", "4/0", "1/10", "1e39", "-1e39", "1e-45",
                                      "2147483648", "4294967297", "9223372036854775807", "1e12", "0.5", "3"};
    switch (depth > 3 ? 0 : pick(g, 4)) {
    case 0: put(g, "%s", odd[pick(g, 16)]); break;
    case 1: put(g, "%u", pick(g, 40)); break;
    case 2:
        put(g, "(");
        number(g, depth + 1);
        put(g, " %c ", "+-*/"[pick(g, 4)]);
        number(g, depth + 1);
        put(g, ")");
        break;
    default:
        put(g, "-");
        number(g, depth + 1);
    }
}

static const char *const units[] = {"bernoulli", "spin", "gaussian", "softmax", "relu", "laplace", "binomial(n = 3)", "bogus"};
static const char *const fns[] = {"exp", "log", "softplus", "sigmoid", "abs", "sqr", "sqrt", "tanh", "nosuch"};

typedef struct Shape { const char *name; int ndim; } Shape;

/* a factor: a group or parameter indexed by the loop variables (or a
 * constant, a shifted or an unbound index now and then) */
static void factor(Gen *g, const Shape *s, int ns, int nloop) {
    const Shape *x = &s[pick(g, (unsigned)ns)];
    put(g, "%s", x->name);
    if (!x->ndim) return;
    put(g, "[");
    for (int d = 0; d < x->ndim; d++) {
        if (d) put(g, ", ");
        switch (pick(g, 8)) {
        case 0: put(g, "%u", pick(g, 3)); break;
        case 1: put(g, "i%u + %u", pick(g, (unsigned)(nloop ? nloop : 1)), pick(g, 3)); break;
        case 2: put(g, "z"); break;
        default: put(g, "i%u", pick(g, (unsigned)(nloop ? nloop : 1)));
        }
    }
    put(g, "]");
}

static void expr(Gen *g, const Shape *s, int ns, int nloop, int depth) {
    if (--g->budget <= 0 || depth > 40) {
        factor(g, s, ns, nloop);
        return;
    }
    switch (pick(g, 10)) {
    case 0: {   /* a long sum of repeated terms */
        unsigned k = 1 + pick(g, 200) * (pick(g, 4) == 0 ? 50 : 1);
        put(g, "(");
        for (unsigned i = 0; i < k && g->budget > 0; i++, g->budget--) {
            if (i) put(g, " %c ", pick(g, 2) ? '+' : '-');
            factor(g, s, ns, nloop);
        }
        put(g, ")");
        break;
    }
    case 1: {   /* deep nesting */
        unsigned k = 1 + pick(g, 60);
        for (unsigned i = 0; i < k; i++) put(g, "(");
        expr(g, s, ns, nloop, depth + 1);
        for (unsigned i = 0; i < k; i++) put(g, ")");
        break;
    }
    case 2:
        put(g, "sum(i%d) ", nloop);
        expr(g, s, ns, nloop + 1, depth + 1);
        break;
    case 3:
        put(g, "%s(", fns[pick(g, 9)]);
        expr(g, s, ns, nloop, depth + 1);
        put(g, ")");
        break;
    case 4:
        number(g, 0);
        put(g, "*");
        expr(g, s, ns, nloop, depth + 1);
        break;
    case 5:
        expr(g, s, ns, nloop, depth + 1);
        put(g, "^");
        number(g, 2);
        break;
    case 6:
        put(g, "-");
        expr(g, s, ns, nloop, depth + 1);
        break;
    default:
        expr(g, s, ns, nloop, depth + 1);
        put(g, " %c ", "+-*/"[pick(g, 4)]);
        expr(g, s, ns, nloop, depth + 1);
    }
}

/* the spec the bytes choose; free() it */
static char *specgen(const uint8_t *data, size_t size, size_t *len) {
    Gen g = {data, size, 0, malloc(4096), 0, 4096, 20000};
    g.out[0] = 0;
    Shape s[12];
    int ns = 0;
    static char names[12][8];
    put(&g, "model m {\n");
    int groups = 1 + (int)pick(&g, 4);
    for (int k = 0; k < groups; k++) {
        snprintf(names[ns], sizeof names[ns], "g%d", k);
        int nd = (int)pick(&g, 3);
        put(&g, "  %s %s", k == 0 || pick(&g, 2) ? "visible" : "hidden", names[ns]);
        if (nd) {
            put(&g, "[");
            for (int d = 0; d < nd; d++) {
                if (d) put(&g, ", ");
                number(&g, 1);
            }
            put(&g, "]");
        }
        put(&g, " : %s\n", units[pick(&g, 8)]);
        s[ns] = (Shape){names[ns], nd};
        ns++;
    }
    int params = (int)pick(&g, 5);
    for (int k = 0; k < params; k++) {
        snprintf(names[ns], sizeof names[ns], "p%d", k);
        int nd = (int)pick(&g, 3);
        put(&g, "  param %s", names[ns]);
        if (nd) {
            put(&g, "[");
            for (int d = 0; d < nd; d++) {
                if (d) put(&g, ", ");
                number(&g, 1);
            }
            put(&g, "]");
        }
        switch (pick(&g, 4)) {
        case 0: put(&g, " init zeros"); break;
        case 1:
            put(&g, " init normal(");
            number(&g, 0);
            put(&g, ", ");
            number(&g, 0);
            put(&g, ")");
            break;
        case 2:
            put(&g, " init ");
            number(&g, 0);
            break;
        default: break;
        }
        put(&g, "\n");
        s[ns] = (Shape){names[ns], nd};
        ns++;
    }
    int lines = 1 + (int)pick(&g, 3);
    for (int k = 0; k < lines; k++) {
        put(&g, "  energy = ");
        expr(&g, s, ns, 0, 0);
        put(&g, "\n");
    }
    put(&g, "}\n");
    if (pick(&g, 2)) {
        put(&g, "train m { epochs = ");
        number(&g, 0);
        put(&g, "  batch = ");
        number(&g, 0);
        put(&g, "  lr = ");
        number(&g, 0);
        put(&g, "  method = cd(k = ");
        number(&g, 0);
        put(&g, ") }\n");
    }
    *len = g.len;
    return g.out;
}

#ifdef SPECGEN_MAIN
int main(int argc, char **argv) {
    if (argc != 2) return fprintf(stderr, "usage: specgen BYTES-FILE\n"), 2;
    FILE *f = fopen(argv[1], "rb");
    if (!f) return perror(argv[1]), 2;
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    size_t len;
    char *s = specgen(buf, n, &len);
    fwrite(s, 1, len, stdout);
    free(s);
    return 0;
}
#else
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    size_t len;
    char *src = specgen(data, size, &len);
    Compilation *c = compile_source("gen.ebm", src, len);
    c->diag.out = fopen("/dev/null", "w");
    Analysis *an = compile_main_model(c);
    if (an) ir_build(c->arena, an);
    if (c->diag.out) fclose(c->diag.out);
    compile_free(c);
    free(src);
    return 0;
}
#endif
