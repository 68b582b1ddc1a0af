/* ir.c — lookups and a readable dump of kernel programs. */
#include "ir.h"

#include <string.h>

const char *ir_fn_name(IrFn f) {
    static const char *names[] = {
#define X(id, name) name,
        IR_FNS(X)
#undef X
    };
    return f < F_COUNT ? names[f] : "?";
}

int ir_find_kernel(const IrProgram *p, const char *name) {
    for (int i = 0; i < p->nkernels; i++)
        if (!strcmp(p->kernels[i].name, name)) return i;
    return -1;
}

int ir_find_buf(const IrProgram *p, BufKind kind, int ref) {
    for (int i = 0; i < p->nbufs; i++)
        if (p->bufs[i].kind == kind && p->bufs[i].ref == ref) return i;
    return -1;
}


static const char *kind_name(BufKind k) {
    static const char *names[] = {"param", "state", "mean", "grad", "row", "weight", "temp", "dstate", "clamp"};
    return names[k];
}

static void print_idx(FILE *out, const IrIdx *ix) {
    int any = 0;
    for (int k = 0; k < ix->n; k++) {
        if (any || ix->coef[k] < 0) fputs(ix->coef[k] < 0 ? "-" : "+", out);
        if (ix->coef[k] != 1 && ix->coef[k] != -1) fprintf(out, "%d*", ix->coef[k] < 0 ? -ix->coef[k] : ix->coef[k]);
        fprintf(out, "%%%d", ix->var[k]);
        any = 1;
    }
    if (ix->cst || !any) fprintf(out, any ? "%+lld" : "%lld", ix->cst);
}

static void print_x(FILE *out, const IrProgram *p, const IrX *x) {
    switch (x->op) {
    case X_CONST: fprintf(out, "%.9g", x->c); return;
    case X_LOCAL: fprintf(out, "t%d", x->local); return;
    case X_LOAD:
        fprintf(out, "%s.%d[", p->bufs[x->buf].name, x->buf);
        for (int i = 0; i < x->nidx; i++) {
            if (i) fputs(", ", out);
            print_idx(out, &x->idx[i]);
        }
        fputc(']', out);
        return;
    case X_FN:
        fprintf(out, "%s(", ir_fn_name(x->fn));
        print_x(out, p, x->a);
        if (x->fn == F_POW) fprintf(out, ", %.9g", x->c);
        fputc(')', out);
        return;
    case X_POWI:
        fputs("powi(", out);
        print_x(out, p, x->a);
        fprintf(out, ", %d)", (int)x->c);
        return;
    case X_UNIFORM: fprintf(out, "uniform(stream %d)", x->stream); return;
    case X_NORMAL: fprintf(out, "normal(stream %d)", x->stream); return;
    case X_NEG:
        fputs("-(", out);
        print_x(out, p, x->a);
        fputc(')', out);
        return;
    case X_SELECT:
        fputs("select(", out);
        print_x(out, p, x->s);
        fputs(", ", out);
        print_x(out, p, x->a);
        fputs(", ", out);
        print_x(out, p, x->b);
        fputc(')', out);
        return;
    default: {
        static const char ops[] = {[X_ADD] = '+', [X_SUB] = '-', [X_MUL] = '*', [X_DIV] = '/', [X_LT] = '<'};
        if (x->op == X_MAX) fputs("max", out);
        fputc('(', out);
        print_x(out, p, x->a);
        if (x->op == X_MAX) fputs(", ", out);
        else fprintf(out, " %c ", ops[x->op]);
        print_x(out, p, x->b);
        fputc(')', out);
    }
    }
}

static void print_ext(FILE *out, IrExt e) {
    if (e.batch && e.c == 1) fputs("B", out);
    else if (e.batch) fprintf(out, "%lld*B", e.c);
    else fprintf(out, "%lld", e.c);
}

void ir_print(FILE *out, const IrProgram *p) {
    fprintf(out, "buffers:\n");
    for (int i = 0; i < p->nbufs; i++) {
        const IrBuf *b = &p->bufs[i];
        fprintf(out, "  %d %s %s [%s", i, kind_name(b->kind), b->name, b->batched ? "B" : "");
        for (int d = 0; d < b->ndim; d++) fprintf(out, "%s%lld", d || b->batched ? ", " : "", b->dims[d]);
        fprintf(out, "]\n");
    }
    for (int k = 0; k < p->nkernels; k++) {
        const IrKernel *kn = &p->kernels[k];
        fprintf(out, "kernel %s:\n", kn->name);
        if (kn->reverse)
            fprintf(out, "  # reverse mode: keeps %lld floats per row + %lld of forward intermediates, %lld per row + %lld of adjoints; peak %lld floats per row + %lld\n",
                    kn->keep_row, kn->keep_fixed, kn->adj_row, kn->adj_fixed, kn->keep_row + kn->adj_row, kn->keep_fixed + kn->adj_fixed);
        for (int s = 0; s < kn->nstmts; s++) {
            const IrStmt *st = &kn->stmts[s];
            switch (st->kind) {
            case S_ZERO: fprintf(out, "  zero %s.%d\n", p->bufs[st->buf].name, st->buf); break;
            case S_GEMM:
                fprintf(out, "  gemm %s.%d = %.9g * %s.%d%s x %s.%d%s + %.9g (m ", p->bufs[st->c].name, st->c,
                        st->alpha, p->bufs[st->a].name, st->a, st->ta ? "'" : "", p->bufs[st->b].name, st->b,
                        st->tb ? "'" : "", st->beta);
                print_ext(out, st->m);
                fputs(", n ", out);
                print_ext(out, st->n);
                fputs(", k ", out);
                print_ext(out, st->k);
                fputs(")\n", out);
                break;
            case S_SOFTMAX:
                fprintf(out, "  softmax.%s %s.%d <- %s.%d (", st->mode == SM_LSE ? "lse" : st->mode == SM_SAMPLE ? "sample" : "probs",
                        p->bufs[st->out].name, st->out, p->bufs[st->in].name, st->in);
                print_ext(out, st->rows);
                fprintf(out, " x %lld)\n", st->width);
                break;
            case S_SEQ:
            case S_GAUSS:
                fprintf(out, "  %s.%s %s.%d <- %s.%d, couplings %s.%d%s (", st->kind == S_SEQ ? "sequential" : "gaussian_full",
                        st->sample ? "sample" : "mean", p->bufs[st->out].name, st->out, p->bufs[st->in].name, st->in,
                        p->bufs[st->buf].name, st->buf, st->coupling_batched ? " per row" : "");
                print_ext(out, st->rows);
                fprintf(out, " x %lld)\n", st->width);
                break;
            case S_LOOP:
                fputs("  loop", out);
                for (int v = 0; v < st->nvars; v++) {
                    fprintf(out, " %%%d<", v);
                    print_ext(out, st->ext[v]);
                }
                fputs(":\n", out);
                for (int a = 0; a < st->nassign; a++) {
                    const IrAssign *as = &st->assign[a];
                    fputs("    ", out);
                    if (as->kind == A_LOCAL) fprintf(out, "t%d = ", as->local);
                    else {
                        fprintf(out, "%s.%d[", p->bufs[as->buf].name, as->buf);
                        for (int i = 0; i < as->nidx; i++) {
                            if (i) fputs(", ", out);
                            print_idx(out, &as->idx[i]);
                        }
                        fprintf(out, "] %s ", as->kind == A_ACCUM ? "+=" : "=");
                    }
                    print_x(out, p, as->x);
                    for (int g = 0; g < as->nguard; g++) {
                        fputs(" if ", out);
                        print_idx(out, &as->guard[g].idx);
                        fprintf(out, " in %lld..%lld", as->guard[g].lo, as->guard[g].hi);
                    }
                    fputc('\n', out);
                }
                break;
            }
        }
    }
}

int ir_idx_same(const IrIdx *a, const IrIdx *b, int n) {
    for (int d = 0; d < n; d++) {
        if (a[d].n != b[d].n || a[d].cst != b[d].cst) return 0;
        for (int k = 0; k < a[d].n; k++)
            if (a[d].var[k] != b[d].var[k] || a[d].coef[k] != b[d].coef[k]) return 0;
    }
    return 1;
}

int ir_reads_only_at(const IrX *x, int buf, const IrIdx *idx, int n) {
    if (!x) return 1;
    if (x->op == X_LOAD && x->buf == buf && !(x->nidx == n && ir_idx_same(x->idx, idx, n))) return 0;
    return ir_reads_only_at(x->a, buf, idx, n) && ir_reads_only_at(x->b, buf, idx, n) && ir_reads_only_at(x->s, buf, idx, n);
}
