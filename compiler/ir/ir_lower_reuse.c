/* ir_lower_reuse.c — reuse of statements within a kernel.
 *
 * The derivation's terms share sub-products: every weight gradient of an
 * MLP needs sigmoid(a) and its product with the next layer's weights, and
 * each term is planned on its own. Before emitting an elementwise pass or a
 * GEMM into a new temporary, lowering asks here for an earlier statement of
 * the same kernel that computed the same thing from operands not written
 * since, and reads its temporary instead. */
#include "ir_lower.h"

static int same_x(const IrX *a, const IrX *b) {
    if (!a || !b) return a == b;
    if (a->op != b->op) return 0;
    switch (a->op) {
    case X_CONST: return a->c == b->c;
    case X_LOCAL: return a->local == b->local;
    case X_UNIFORM:
    case X_NORMAL: return 0;   /* every draw is its own */
    case X_LOAD:
        return a->buf == b->buf && a->nidx == b->nidx && ir_idx_same(a->idx, b->idx, a->nidx);
    default:
        return a->c == b->c && a->fn == b->fn && same_x(a->a, b->a) && same_x(a->b, b->b) && same_x(a->s, b->s);
    }
}

static int writes_buf(const IrStmt *st, int buf) {
    switch (st->kind) {
    case S_LOOP:
        for (int i = 0; i < st->nassign; i++)
            if (st->assign[i].kind != A_LOCAL && st->assign[i].buf == buf) return 1;
        return 0;
    case S_GEMM: return st->c == buf;
    case S_ZERO: return st->buf == buf;
    default: return st->out == buf || st->aux == buf;
    }
}

/* buf is written by a statement after number from */
static int written_since(Lower *L, int from, int buf) {
    for (int i = from + 1; i < L->k->nstmts; i++)
        if (writes_buf(&L->k->stmts[i], buf)) return 1;
    return 0;
}

static int loads_unchanged(Lower *L, int from, const IrX *x) {
    if (!x) return 1;
    if (x->op == X_LOAD && written_since(L, from, x->buf)) return 0;
    return loads_unchanged(L, from, x->a) && loads_unchanged(L, from, x->b) && loads_unchanged(L, from, x->s);
}

/* an earlier elementwise pass computing the same into a temporary */
int lower_find_same_loop(Lower *L, const IrExt *ext, int nvars, const IrAssign *as) {
    for (int i = L->k->nstmts - 1; i >= 0; i--) {
        const IrStmt *st = &L->k->stmts[i];
        if (st->kind != S_LOOP || st->nvars != nvars || st->nassign != 1) continue;
        const IrAssign *b = st->assign;
        if (b->kind != A_STORE || b->nguard || L->p->bufs[b->buf].kind != BUF_TEMP || b->nidx != as->nidx) continue;
        int same = 1;
        for (int v = 0; v < nvars && same; v++) same = st->ext[v].c == ext[v].c && st->ext[v].batch == ext[v].batch;
        same = same && ir_idx_same(b->idx, as->idx, as->nidx);
        if (same && same_x(b->x, as->x) && !written_since(L, i, b->buf) && loads_unchanged(L, i, as->x)) return b->buf;
    }
    return -1;
}

/* an earlier GEMM with the same operands into a temporary */
int lower_find_same_gemm(Lower *L, const IrStmt *g) {
    for (int i = L->k->nstmts - 1; i >= 0; i--) {
        const IrStmt *st = &L->k->stmts[i];
        if (st->kind != S_GEMM || st->a != g->a || st->b != g->b || st->ta != g->ta || st->tb != g->tb) continue;
        if (st->alpha != 1 || st->beta != 0 || L->p->bufs[st->c].kind != BUF_TEMP) continue;
        if (st->m.c != g->m.c || st->m.batch != g->m.batch || st->n.c != g->n.c || st->n.batch != g->n.batch ||
            st->k.c != g->k.c || st->k.batch != g->k.batch)
            continue;
        if (written_since(L, i, st->c) || written_since(L, i, st->a) || written_since(L, i, st->b)) continue;
        return st->c;
    }
    return -1;
}

int lower_is_shared(const Lower *L, int buf) {
    for (int i = 0; i < L->nshared; i++)
        if (L->shared[i] == buf) return 1;
    return 0;
}

