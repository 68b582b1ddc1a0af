/* ir_fuse.c — adjacent loop nests over the same extents become one.
 *
 * Reverse mode emits a loop per forward statement, and many of them run
 * over the same [B, n]; one nest reads the operands once, and the JIT
 * optimises one loop instead of several (its compile time grows with the
 * number of loops). Two nests L1; L2 fuse only when running them together,
 * element by element, computes what running L1 then L2 does, up to the
 * order in which one element's accumulations arrive:
 *   - what L1 reads of L2's writes, it reads at the element L2 writes
 *     there (before L2 changes it, as when L1 runs first);
 *   - what L2 reads of L1's writes, it reads at the element L1 writes at
 *     that point, an index that moves with the inner loop (so the JIT's
 *     per-element code and the interpreter's per-chunk code agree, as
 *     llvm_codegen.c's loop_fusable() requires);
 *   - a buffer both write is written at the same index, moving with the
 *     inner loop;
 *   - the fused nest can still be split across threads if either could. */
#include "ir_fuse.h"

#include <string.h>

enum { MAX_FUSED_ASSIGN = 24, MAX_FUSED_LOCALS = 48 };

static int plain(const IrIdx *ix, int v) { return ix->n == 1 && ix->var[0] == v && ix->coef[0] == 1 && ix->cst == 0; }

static int has_plain(const IrIdx *idx, int n, int v) {
    for (int d = 0; d < n; d++)
        if (plain(&idx[d], v)) return 1;
    return 0;
}

/* every index a plain variable or a constant: inside the buffer */
static int simple(const IrIdx *idx, int n) {
    for (int d = 0; d < n; d++)
        if (idx[d].n > 1 || (idx[d].n == 1 && (idx[d].coef[0] != 1 || idx[d].cst))) return 0;
    return 1;
}

static int reads(const IrX *x, int buf) {
    if (!x) return 0;
    if (x->op == X_LOAD && x->buf == buf) return 1;
    return reads(x->a, buf) || reads(x->b, buf) || reads(x->s, buf);
}

static int stmt_reads(const IrStmt *st, int buf) {
    for (int i = 0; i < st->nassign; i++)
        if (reads(st->assign[i].x, buf)) return 1;
    return 0;
}

/* a variable every write of the nests indexes plainly (-1: none) */
static int split_var(const IrStmt *const *sts, int n) {
    const IrStmt *st = sts[0];
    for (int v = 0; v < st->nvars; v++) {
        if (!st->ext[v].batch && st->ext[v].c < 2) continue;
        int all = 1, writes = 0;
        for (int s = 0; s < n; s++)
            for (int i = 0; i < sts[s]->nassign; i++) {
                const IrAssign *as = &sts[s]->assign[i];
                if (as->kind == A_LOCAL) continue;
                writes++;
                if (!has_plain(as->idx, as->nidx, v)) all = 0;
            }
        if (all && writes) return v;
    }
    return -1;
}

static int fusable(const IrStmt *a, const IrStmt *b) {
    if (a->kind != S_LOOP || b->kind != S_LOOP || a->nvars != b->nvars || a->nvars == 0) return 0;
    for (int v = 0; v < a->nvars; v++)
        if (a->ext[v].c != b->ext[v].c || a->ext[v].batch != b->ext[v].batch) return 0;
    if (a->nassign + b->nassign > MAX_FUSED_ASSIGN || a->nlocals + b->nlocals > MAX_FUSED_LOCALS) return 0;
    int inner = a->nvars - 1;
    /* L1 may read what L2 writes only at the element L2 writes: it reads
     * it before L2 changes it either way */
    for (int j = 0; j < b->nassign; j++) {
        const IrAssign *w = &b->assign[j];
        if (w->kind == A_LOCAL || !stmt_reads(a, w->buf)) continue;
        if (!(has_plain(w->idx, w->nidx, inner) && simple(w->idx, w->nidx))) return 0;
        for (int i = 0; i < a->nassign; i++)
            if (!ir_reads_only_at(a->assign[i].x, w->buf, w->idx, w->nidx)) return 0;
        for (int k = 0; k < b->nassign; k++)
            if (k != j && b->assign[k].kind != A_LOCAL && b->assign[k].buf == w->buf) return 0;
    }
    for (int i = 0; i < a->nassign; i++) {
        const IrAssign *w = &a->assign[i];
        if (w->kind == A_LOCAL) continue;
        int shared = 0;
        for (int j = 0; j < b->nassign; j++) {
            const IrAssign *o = &b->assign[j];
            if (o->kind != A_LOCAL && o->buf == w->buf) {
                if (o->nidx != w->nidx || !ir_idx_same(o->idx, w->idx, w->nidx)) return 0;
                shared = 1;
            }
            if (reads(o->x, w->buf)) {
                if (!ir_reads_only_at(o->x, w->buf, w->idx, w->nidx)) return 0;
                shared = 1;
            }
        }
        /* (two writes of a in the same buffer: leave a as it is) */
        for (int k = 0; k < a->nassign && shared; k++)
            if (k != i && a->assign[k].kind != A_LOCAL && a->assign[k].buf == w->buf) return 0;
        if (shared && !(has_plain(w->idx, w->nidx, inner) && simple(w->idx, w->nidx))) return 0;
    }
    const IrStmt *one[1] = {a}, *two[2] = {a, b};
    int before = split_var(one, 1) >= 0;
    one[0] = b;
    before |= split_var(one, 1) >= 0;
    return !before || split_var(two, 2) >= 0;
}

static IrX *renumber(Arena *ar, const IrX *x, int off) {
    if (!x) return NULL;
    if (x->op == X_CONST || x->op == X_LOAD || x->op == X_UNIFORM || x->op == X_NORMAL) return (IrX *)x;
    IrX *y = ARENA_NEW(ar, IrX);
    *y = *x;
    if (x->op == X_LOCAL) y->local += off;
    y->a = renumber(ar, x->a, off);
    y->b = renumber(ar, x->b, off);
    y->s = renumber(ar, x->s, off);
    return y;
}

static int has_draws(const IrStmt *st) {
    for (int i = 0; i < st->nassign; i++) {
        const IrX *x = st->assign[i].x;
        /* a draw's element number is its position in the nest: the same
         * after fusion, but keep kernels with draws as they are */
        const IrX *stack[64];
        int n = 0;
        stack[n++] = x;
        while (n) {
            const IrX *y = stack[--n];
            if (!y) continue;
            if (y->op == X_UNIFORM || y->op == X_NORMAL) return 1;
            if (n < 61) stack[n++] = y->a, stack[n++] = y->b, stack[n++] = y->s;
        }
    }
    return 0;
}

/* L1: t[i] += f; L2: t[i] += g over the same nest, g not reading t:
 * one loop t[i] += f + g (the same sum, reassociated) */
static int foldable(const IrStmt *a, const IrStmt *b) {
    if (a->kind != S_LOOP || b->kind != S_LOOP || a->nvars != b->nvars || a->nassign != 1 || b->nassign != 1) return 0;
    for (int v = 0; v < a->nvars; v++)
        if (a->ext[v].c != b->ext[v].c || a->ext[v].batch != b->ext[v].batch) return 0;
    const IrAssign *x = &a->assign[0], *y = &b->assign[0];
    return x->kind == A_ACCUM && y->kind == A_ACCUM && !x->nguard && !y->nguard && x->buf == y->buf &&
           x->nidx == y->nidx && ir_idx_same(x->idx, y->idx, x->nidx) && !reads(x->x, x->buf) && !reads(y->x, y->buf);
}

int ir_fuse_loops(Arena *ar, IrKernel *k) {
    int n = 0, fused = 0;
    for (int s = 0; s < k->nstmts; s++) {
        IrStmt *st = &k->stmts[s];
        IrStmt *prev = n ? &k->stmts[n - 1] : NULL;
        if (prev && !has_draws(prev) && !has_draws(st) && foldable(prev, st)) {
            IrAssign *as = ARENA_NEW(ar, IrAssign);
            *as = prev->assign[0];
            IrX *sum = ARENA_NEW(ar, IrX);
            sum->op = X_ADD;
            sum->a = prev->assign[0].x;
            sum->b = st->assign[0].x;
            as->x = sum;
            prev->assign = as;
            fused++;
            continue;
        }
        if (prev && !has_draws(prev) && !has_draws(st) && fusable(prev, st)) {
            IrAssign *as = ARENA_ARRAY(ar, IrAssign, prev->nassign + st->nassign);
            mem_copy(as, prev->assign, sizeof(IrAssign) * (size_t)prev->nassign);
            for (int i = 0; i < st->nassign; i++) {
                IrAssign a = st->assign[i];
                a.x = renumber(ar, a.x, prev->nlocals);
                if (a.kind == A_LOCAL) a.local += prev->nlocals;
                as[prev->nassign + i] = a;
            }
            prev->assign = as;
            prev->nassign += st->nassign;
            prev->nlocals += st->nlocals;
            fused++;
            continue;
        }
        k->stmts[n++] = *st;
    }
    k->nstmts = n;
    return fused;
}
