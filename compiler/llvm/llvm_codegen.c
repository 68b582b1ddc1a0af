/* llvm_codegen.c — kernel IR -> one LLVM module (see llvm_int.h).
 *
 * A LOOP statement becomes a nest of counted loops; the innermost body
 * evaluates the assignments for one element. The interpreter runs the
 * assignments a chunk of the inner loop at a time (each assignment over the
 * chunk before the next), so fusing them per element is only the same
 * computation when no assignment reads or writes, at another element, what
 * another writes. loop_fusable() checks that; a loop that fails it calls
 * interp_stmt. A nest whose writes are disjoint along one variable is
 * outlined into a function of a range of it, which the worker threads run
 * in parts (rt_par_for). Reductions:
 *   - an accumulation whose address does not move in the inner loop is kept
 *     in a register over that loop (the same additions, in the same order);
 *   - a nest whose inner loop is a reduction (db[i] += x[b, i] w[b], inner b)
 *     is reordered so the inner loop runs over the target's last index: each
 *     element still receives its terms in the original order, and the loop
 *     vectorises. */
#include <stdio.h>
#include <string.h>

#include "llvm_int.h"
#include "rt.h"

void llvm_kernel_symbol(const IrProgram *p, int k, char *out, size_t n) {
    snprintf(out, n, "ebmc.%d.%s", k, p->kernels[k].name);
}

static LLVMTypeRef abi_type(Cg *g, char c) {
    switch (c) {
    case 'f': return g->f32;
    case 'i': case 'I': return g->i32;
    case 'l': return g->i64;
    case 'p': return g->i8p;
    default: return g->voidt;
    }
}

static void declare_abi(Cg *g) {
    static const struct {
        const char *name, *ret, *args;
    } abi[] = {
#define X(name, ret, args) {#name, ret, args},
        RT_KERNEL_ABI(X)
#undef X
    };
    for (int i = 0; i < ABI_COUNT; i++) {
        LLVMTypeRef params[32];
        int n = (int)strlen(abi[i].args);
        for (int k = 0; k < n; k++) params[k] = abi_type(g, abi[i].args[k]);
        g->abi_ty[i] = LLVMFunctionType(abi_type(g, abi[i].ret[0]), params, (unsigned)n, 0);
        g->abi[i] = LLVMAddFunction(g->mod, abi[i].name, g->abi_ty[i]);
    }
}

static LLVMValueRef ptr(Cg *g, int buf) {
    if (buf < 0) return LLVMConstNull(g->i8p);
    return LLVMBuildBitCast(g->b, g->buf[buf], g->i8p, "");
}

static LLVMValueRef ext_value(Cg *g, IrExt e) {
    if (!e.batch) return cg_i64(g, e.c);
    return e.c == 1 ? g->B : LLVMBuildMul(g->b, cg_i64(g, e.c), g->B, "");
}

/* ir_row0: the job's number of an extent's first item */
static LLVMValueRef row0_of(Cg *g, IrExt e) {
    if (!e.batch) return cg_i64(g, 0);
    return e.c == 1 ? g->row0 : LLVMBuildMul(g->b, cg_i64(g, e.c), g->row0, "");
}

static LLVMValueRef floats_of(Cg *g, int buf) {
    const IrBuf *b = &g->p->bufs[buf];
    return b->batched ? LLVMBuildMul(g->b, cg_i64(g, b->size), g->B, "") : cg_i64(g, b->size);
}

/* ---- which loops fuse ---------------------------------------------------------- */

static int x_reads(const IrX *x, int buf, const IrIdx **idx, int *nidx) {
    if (!x) return 0;
    if (x->op == X_LOAD && x->buf == buf) {
        *idx = x->idx;
        *nidx = x->nidx;
        return 1;
    }
    return x_reads(x->a, buf, idx, nidx) || x_reads(x->b, buf, idx, nidx) || x_reads(x->s, buf, idx, nidx);
}

static int has_plain_var(const IrIdx *idx, int nidx, int v) {
    for (int d = 0; d < nidx; d++)
        if (idx[d].n == 1 && idx[d].var[0] == v && idx[d].coef[0] == 1 && idx[d].cst == 0) return 1;
    return 0;
}

static int uses_var(const IrIdx *idx, int nidx, int v) {
    for (int d = 0; d < nidx; d++)
        for (int k = 0; k < idx[d].n; k++)
            if (idx[d].var[k] == v && idx[d].coef[k]) return 1;
    return 0;
}

static int locals_defined_first(const IrX *x, const int *defined) {
    if (!x) return 1;
    if (x->op == X_LOCAL && (x->local < 0 || x->local >= CG_MAX_LOCALS || !defined[x->local])) return 0;
    return locals_defined_first(x->a, defined) && locals_defined_first(x->b, defined) && locals_defined_first(x->s, defined);
}

static int loop_fusable(Cg *g, const IrStmt *st) {
    g->st = st;
    if (st->nvars > CG_MAX_VARS || st->nlocals > CG_MAX_LOCALS) return 0;
    int inner = st->nvars - 1, defined[CG_MAX_LOCALS] = {0};
    for (int i = 0; i < st->nassign; i++) {
        const IrAssign *as = &st->assign[i];
        if (!as->x || !cg_expr_supported(as->x) || !locals_defined_first(as->x, defined)) return 0;
        if (as->kind == A_LOCAL) {
            if (as->local < 0 || as->local >= CG_MAX_LOCALS) return 0;
            defined[as->local] = 1;
            continue;
        }
        if (as->buf < 0 || as->buf >= g->p->nbufs) return 0;
        /* Another assignment writing the same buffer, or any reading it,
         * must use exactly this element, and the element must move with
         * the inner loop: then each element sees the same operations in
         * the same order whether the assignments run per element or, as
         * in the interpreter, per chunk. */
        int shared = 0;
        for (int k = 0; k < st->nassign; k++) {
            const IrAssign *o = &st->assign[k];
            if (k != i && o->kind != A_LOCAL && o->buf == as->buf) {
                if (!(o->nidx == as->nidx && ir_idx_same(o->idx, as->idx, as->nidx))) return 0;
                shared = 1;
            }
            const IrIdx *ri;
            int rn;
            if (!x_reads(o->x, as->buf, &ri, &rn)) continue;
            if (!ir_reads_only_at(o->x, as->buf, as->idx, as->nidx)) return 0;
            shared = 1;
        }
        if (shared && inner >= 0 &&
            !(has_plain_var(as->idx, as->nidx, inner) && cg_in_range(g, as->buf, as->idx, as->nidx)))
            return 0;
    }
    return 1;
}

/* ---- loop order ------------------------------------------------------------------ */

/* loads of x with v in the last index, alone (unit stride in v) */
static int unit_stride_loads(const IrX *x, int v) {
    if (!x) return 0;
    int n = unit_stride_loads(x->a, v) + unit_stride_loads(x->b, v) + unit_stride_loads(x->s, v);
    if (x->op == X_LOAD && x->nidx > 0 && has_plain_var(&x->idx[x->nidx - 1], 1, v)) n++;
    return n;
}

/* The inner variable of the nest: normally the last; for a single
 * accumulation whose target does not use it, the variable of the target's
 * last index when that makes the loop's memory accesses contiguous. Only
 * the target variables move: the terms of each element keep their order. */
static void loop_order(Cg *g, const IrStmt *st, int *order, LlvmStats *stats) {
    int n = st->nvars;
    for (int v = 0; v < n; v++) order[v] = v;
    if (n < 2) return;
    const IrAssign *acc = NULL;
    for (int i = 0; i < st->nassign; i++) {
        const IrAssign *as = &st->assign[i];
        if (as->kind == A_LOCAL) continue;
        if (acc || as->kind != A_ACCUM || as->nguard) return;
        acc = as;
    }
    int inner = n - 1;
    if (!acc || uses_var(acc->idx, acc->nidx, inner) || !cg_in_range(g, acc->buf, acc->idx, acc->nidx)) return;
    /* every target index a plain variable or a constant, so distinct
     * iterations of the target variables write distinct elements */
    for (int d = 0; d < acc->nidx; d++)
        if (acc->idx[d].n > 1 || (acc->idx[d].n == 1 && (acc->idx[d].coef[0] != 1 || acc->idx[d].cst))) return;
    const IrIdx *last = NULL;
    for (int d = acc->nidx - 1; d >= 0 && !last; d--)
        if (acc->idx[d].n == 1) last = &acc->idx[d];
    if (!last) return;
    int cand = last->var[0];
    if (st->ext[cand].batch) return;   /* a row reduction: the loads would be strided */
    int old = 0, new = 1;              /* the store itself becomes contiguous */
    for (int i = 0; i < st->nassign; i++) {
        old += unit_stride_loads(st->assign[i].x, inner);
        new += unit_stride_loads(st->assign[i].x, cand);
    }
    if (new < old) return;
    int k = 0;
    for (int v = 0; v < n; v++)
        if (v != cand) order[k++] = v;
    order[k] = cand;
    stats->interchanged++;
}

/* ---- loops ------------------------------------------------------------------------ */

typedef struct Nest {
    const IrStmt *st;
    int order[CG_MAX_VARS];
    int nacc;                  /* accumulators held in registers over the inner loop */
    int acc_as[CG_MAX_LOCALS];
    LLVMValueRef acc_addr[CG_MAX_LOCALS], acc_phi[CG_MAX_LOCALS], acc_next[CG_MAX_LOCALS];
} Nest;

static LLVMValueRef guard_ok(Cg *g, const IrAssign *as) {
    LLVMValueRef ok = NULL;
    for (int k = 0; k < as->nguard; k++) {
        const IrIdx *ix = &as->guard[k].idx;
        LLVMValueRef v = cg_i64(g, ix->cst);
        for (int j = 0; j < ix->n; j++)
            v = LLVMBuildAdd(g->b, v, LLVMBuildMul(g->b, g->var[ix->var[j]], cg_i64(g, ix->coef[j]), ""), "");
        LLVMValueRef c = LLVMBuildAnd(g->b, LLVMBuildICmp(g->b, LLVMIntSGE, v, cg_i64(g, as->guard[k].lo), ""),
                                      LLVMBuildICmp(g->b, LLVMIntSLE, v, cg_i64(g, as->guard[k].hi), ""), "");
        ok = ok ? LLVMBuildAnd(g->b, ok, c, "") : c;
    }
    return ok;
}

static int acc_slot(const Nest *n, int as) {
    for (int i = 0; i < n->nacc; i++)
        if (n->acc_as[i] == as) return i;
    return -1;
}

static void body(Cg *g, Nest *n) {
    const IrStmt *st = n->st;
    g->elem = NULL;
    for (int i = 0; i < st->nassign; i++) {
        const IrAssign *as = &st->assign[i];
        LLVMValueRef v = cg_expr(g, as->x);
        if (as->kind == A_LOCAL) {
            g->local[as->local] = v;
            continue;
        }
        LLVMValueRef ok = as->nguard ? guard_ok(g, as) : NULL;
        int slot = acc_slot(n, i);
        if (slot >= 0) {
            LLVMValueRef sum = LLVMBuildFAdd(g->b, n->acc_phi[slot], v, "");
            n->acc_next[slot] = ok ? LLVMBuildSelect(g->b, ok, sum, n->acc_phi[slot], "") : sum;
            continue;
        }
        LLVMValueRef a = cg_address(g, as->buf, as->idx, as->nidx);
        LLVMValueRef p = LLVMBuildGEP2(g->b, g->f32, g->buf[as->buf], &a, 1, "");
        LLVMBasicBlockRef after = NULL;
        if (ok) {
            LLVMBasicBlockRef then = LLVMAppendBasicBlockInContext(g->ctx, g->fn, "guarded");
            after = LLVMAppendBasicBlockInContext(g->ctx, g->fn, "unguarded");
            LLVMBuildCondBr(g->b, ok, then, after);
            LLVMPositionBuilderAtEnd(g->b, then);
        }
        if (as->kind == A_ACCUM) v = LLVMBuildFAdd(g->b, LLVMBuildLoad2(g->b, g->f32, p, ""), v, "");
        LLVMBuildStore(g->b, v, p);
        if (ok) {
            LLVMBuildBr(g->b, after);
            LLVMPositionBuilderAtEnd(g->b, after);
        }
    }
}

/* level L of the nest runs variable order[L] */
static void nest(Cg *g, Nest *n, int L) {
    const IrStmt *st = n->st;
    int v = n->order[L], innermost = L == st->nvars - 1;
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(g->b);
    if (innermost) {
        /* accumulators whose element does not move in this loop */
        n->nacc = 0;
        for (int i = 0; i < st->nassign && n->nacc < CG_MAX_LOCALS; i++) {
            const IrAssign *as = &st->assign[i];
            /* (it is loaded and stored even where a guard skips every
             * term, so only an element inside the buffer) */
            if (as->kind != A_ACCUM || uses_var(as->idx, as->nidx, v) || !cg_in_range(g, as->buf, as->idx, as->nidx))
                continue;
            LLVMValueRef a = cg_address(g, as->buf, as->idx, as->nidx);
            n->acc_addr[n->nacc] = LLVMBuildGEP2(g->b, g->f32, g->buf[as->buf], &a, 1, "");
            n->acc_as[n->nacc] = i;
            n->acc_phi[n->nacc] = LLVMBuildLoad2(g->b, g->f32, n->acc_addr[n->nacc], "acc0");
            n->nacc++;
        }
    }
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(g->ctx, g->fn, "loop");
    LLVMBasicBlockRef exit = LLVMAppendBasicBlockInContext(g->ctx, g->fn, "done");
    LLVMBuildBr(g->b, head);
    LLVMPositionBuilderAtEnd(g->b, head);
    LLVMValueRef iv = LLVMBuildPhi(g->b, g->i64, "i");
    LLVMValueRef init[CG_MAX_LOCALS];
    for (int a = 0; innermost && a < n->nacc; a++) {
        init[a] = n->acc_phi[a];
        n->acc_phi[a] = LLVMBuildPhi(g->b, g->f32, "acc");
    }
    g->var[v] = iv;
    if (innermost) body(g, n);
    else nest(g, n, L + 1);
    LLVMValueRef next = LLVMBuildAdd(g->b, iv, cg_i64(g, 1), "");
    LLVMBasicBlockRef latch = LLVMGetInsertBlock(g->b);
    LLVMValueRef start = g->lo[v];
    LLVMAddIncoming(iv, &start, &pre, 1);
    LLVMAddIncoming(iv, &next, &latch, 1);
    for (int a = 0; innermost && a < n->nacc; a++) {
        LLVMAddIncoming(n->acc_phi[a], &init[a], &pre, 1);
        LLVMAddIncoming(n->acc_phi[a], &n->acc_next[a], &latch, 1);
    }
    LLVMBuildCondBr(g->b, LLVMBuildICmp(g->b, LLVMIntSLT, next, g->hi[v], ""), head, exit);
    LLVMPositionBuilderAtEnd(g->b, exit);
    for (int a = 0; innermost && a < n->nacc; a++) LLVMBuildStore(g->b, n->acc_next[a], n->acc_addr[a]);
}

/* The nest in loop order; variable `split` (or -1) runs over [lo, hi)
 * only, every other variable over its extent. */
static void emit_loop(Cg *g, const IrStmt *st, const int *order, int split, LLVMValueRef lo, LLVMValueRef hi) {
    g->st = st;
    g->nvars = st->nvars;
    LLVMValueRef nonempty = NULL;
    for (int v = 0; v < st->nvars; v++) {
        if (!st->ext[v].batch && st->ext[v].c <= 0) return;   /* total 0: nothing runs */
        g->ext[v] = ext_value(g, st->ext[v]);
        g->lo[v] = v == split ? lo : cg_i64(g, 0);
        g->hi[v] = v == split ? hi : g->ext[v];
        if (st->ext[v].batch || v == split) {
            LLVMValueRef c = LLVMBuildICmp(g->b, LLVMIntSGT, g->hi[v], g->lo[v], "");
            nonempty = nonempty ? LLVMBuildAnd(g->b, nonempty, c, "") : c;
        }
    }
    Nest n = {.st = st};
    if (st->nvars == 0) {
        g->var[0] = cg_i64(g, 0);
        body(g, &n);
        return;
    }
    for (int v = 0; v < st->nvars; v++) n.order[v] = order[v];
    LLVMBasicBlockRef run = NULL, after = NULL;
    if (nonempty) {
        run = LLVMAppendBasicBlockInContext(g->ctx, g->fn, "nest");
        after = LLVMAppendBasicBlockInContext(g->ctx, g->fn, "nest.end");
        LLVMBuildCondBr(g->b, nonempty, run, after);
        LLVMPositionBuilderAtEnd(g->b, run);
    }
    nest(g, &n, 0);
    if (nonempty) {
        LLVMBuildBr(g->b, after);
        LLVMPositionBuilderAtEnd(g->b, after);
    }
}

/* A variable the nest can be split on across threads: every assignment
 * that writes memory indexes its target by it alone in some dimension (in
 * range), so parts write disjoint elements and each element's terms keep
 * their order. The outermost such variable in loop order; -1 if none. */
static int split_var(Cg *g, const IrStmt *st, const int *order) {
    int writes = 0;
    for (int i = 0; i < st->nassign; i++) {
        const IrAssign *as = &st->assign[i];
        if (as->kind == A_LOCAL) continue;
        writes++;
        if (!cg_in_range(g, as->buf, as->idx, as->nidx)) return -1;
    }
    if (!writes) return -1;
    for (int L = 0; L < st->nvars; L++) {
        int v = order[L], all = 1;
        if (!st->ext[v].batch && st->ext[v].c < 2) continue;
        for (int i = 0; i < st->nassign && all; i++) {
            const IrAssign *as = &st->assign[i];
            if (as->kind != A_LOCAL && !has_plain_var(as->idx, as->nidx, v)) all = 0;
        }
        if (all) return v;
    }
    return -1;
}

/* the context a parallel part receives: {bufs, B, seed, step, row0} */
enum { CTX_FIELDS = 5 };
static LLVMTypeRef ctx_type(Cg *g) {
    LLVMTypeRef f[CTX_FIELDS] = {g->f32pp, g->i64, g->i64, g->i64, g->i64};
    return LLVMStructTypeInContext(g->ctx, f, CTX_FIELDS, 0);
}

static void load_bufs(Cg *g) {
    for (int i = 0; i < g->p->nbufs; i++) {
        LLVMValueRef ix = cg_i64(g, i);
        LLVMValueRef slot = LLVMBuildGEP2(g->b, g->f32p, g->bufs, &ix, 1, "");
        g->buf[i] = LLVMBuildLoad2(g->b, g->f32p, slot, g->p->bufs[i].name);
    }
}

/* Statement s as its own function of (ctx, lo, hi), which the kernel hands
 * to rt_par_for: the worker threads run parts of the split variable. */
static void emit_parallel(Cg *g, int s, const IrStmt *st, const int *order, int split) {
    Cg outer = *g;
    char name[600];
    llvm_kernel_symbol(g->p, g->kernel, name, sizeof name - 16);
    snprintf(name + strlen(name), 16, ".s%d", s);
    LLVMTypeRef params[3] = {g->i8p, g->i64, g->i64};
    LLVMValueRef fn = LLVMAddFunction(g->mod, name, LLVMFunctionType(g->voidt, params, 3, 0));
    LLVMSetLinkage(fn, LLVMInternalLinkage);
    LLVMSetValueName2(LLVMGetParam(fn, 0), "ctx", 3);
    LLVMSetValueName2(LLVMGetParam(fn, 1), "lo", 2);
    LLVMSetValueName2(LLVMGetParam(fn, 2), "hi", 2);
    g->fn = fn;
    g->buf = rt_alloc(sizeof(LLVMValueRef) * (size_t)(g->p->nbufs + 1));
    LLVMPositionBuilderAtEnd(g->b, LLVMAppendBasicBlockInContext(g->ctx, fn, "entry"));
    LLVMTypeRef ct = ctx_type(g);
    LLVMValueRef ctx = LLVMBuildBitCast(g->b, LLVMGetParam(fn, 0), LLVMPointerType(ct, 0), "");
    LLVMValueRef field[CTX_FIELDS];
    for (int i = 0; i < CTX_FIELDS; i++)
        field[i] = LLVMBuildLoad2(g->b, LLVMStructGetTypeAtIndex(ct, (unsigned)i),
                                  LLVMBuildStructGEP2(g->b, ct, ctx, (unsigned)i, ""), "");
    g->bufs = field[0];
    g->B = field[1];
    g->seed = field[2];
    g->step = field[3];
    g->row0 = field[4];
    load_bufs(g);
    emit_loop(g, st, order, split, LLVMGetParam(fn, 1), LLVMGetParam(fn, 2));
    LLVMBuildRetVoid(g->b);
    rt_free(g->buf);
    /* back in the kernel: the call */
    LLVMValueRef par_ctx = g->par_ctx;
    *g = outer;
    g->st = st;
    LLVMPositionBuilderAtEnd(g->b, outer.cur);
    LLVMValueRef work = cg_i64(g, 1);
    for (int v = 0; v < st->nvars; v++) work = LLVMBuildMul(g->b, work, ext_value(g, st->ext[v]), "");
    LLVMValueRef args[4] = {LLVMBuildBitCast(g->b, fn, g->i8p, ""), LLVMBuildBitCast(g->b, par_ctx, g->i8p, ""),
                            ext_value(g, st->ext[split]), work};
    cg_call(g, ABI_rt_par_for, args, 4);
}

/* ---- statements -------------------------------------------------------------------- */

static void emit_interp(Cg *g, int s) {
    LLVMValueRef prog = LLVMConstIntToPtr(LLVMConstInt(g->i64, (unsigned long long)(uintptr_t)g->p, 0), g->i8p);
    LLVMValueRef args[8] = {prog, cg_i32(g, g->kernel), cg_i32(g, s), LLVMBuildBitCast(g->b, g->bufs, g->i8p, ""),
                            g->B, g->seed, g->step, g->row0};
    cg_call(g, ABI_interp_stmt, args, 8);
}

static void emit_stmt(Cg *g, int s, LlvmStats *stats) {
    const IrStmt *st = &g->p->kernels[g->kernel].stmts[s];
    stats->stmts++;
    switch (st->kind) {
    case S_LOOP:
        if (loop_fusable(g, st)) {
            int order[CG_MAX_VARS];
            loop_order(g, st, order, stats);
            int split = g->parallel ? split_var(g, st, order) : -1;
            if (split >= 0) {
                g->cur = LLVMGetInsertBlock(g->b);
                emit_parallel(g, s, st, order, split);
                stats->parallel++;
            } else
                emit_loop(g, st, order, -1, NULL, NULL);
        } else {
            stats->interpreted++;
            emit_interp(g, s);
        }
        return;
    case S_ZERO:
        LLVMBuildMemSet(g->b, ptr(g, st->buf), LLVMConstInt(LLVMInt8TypeInContext(g->ctx), 0, 0),
                        LLVMBuildMul(g->b, floats_of(g, st->buf), cg_i64(g, (long long)sizeof(float)), ""), 4);
        return;
    case S_GEMM: {
        LLVMValueRef args[10] = {cg_i32(g, st->ta), cg_i32(g, st->tb), ext_value(g, st->m), ext_value(g, st->n),
                                 ext_value(g, st->k), cg_f32(g, (float)st->alpha), ptr(g, st->a), ptr(g, st->b),
                                 cg_f32(g, (float)st->beta), ptr(g, st->c)};
        cg_call(g, ABI_rt_gemm, args, 10);
        return;
    }
    case S_SOFTMAX: {
        LLVMValueRef args[10] = {ptr(g, st->in), ptr(g, st->out), ptr(g, st->aux), ext_value(g, st->rows),
                                 cg_i64(g, st->width), cg_i32(g, st->mode), g->seed, cg_i32(g, st->stream), g->step,
                                 row0_of(g, st->rows)};
        cg_call(g, ABI_rt_softmax_rows, args, 10);
        return;
    }
    case S_SEQ: {
        LLVMValueRef args[14] = {ptr(g, st->in), ptr(g, st->buf), cg_i32(g, st->coupling_batched), ptr(g, st->out),
                                 ptr(g, st->aux), ptr(g, st->mask), ext_value(g, st->rows), cg_i64(g, st->width),
                                 cg_i32(g, st->spin), cg_i32(g, st->sample), g->seed, cg_i32(g, st->stream), g->step,
                                 row0_of(g, st->rows)};
        cg_call(g, ABI_rt_seq_gibbs, args, 14);
        return;
    }
    case S_GAUSS: {
        LLVMValueRef args[13] = {ptr(g, st->in), ptr(g, st->buf), cg_i32(g, st->coupling_batched), ptr(g, st->out),
                                 ptr(g, st->aux), ptr(g, st->mask), ext_value(g, st->rows), cg_i64(g, st->width),
                                 cg_i32(g, st->sample), g->seed, cg_i32(g, st->stream), g->step, row0_of(g, st->rows)};
        cg_call(g, ABI_rt_gauss_full, args, 13);
        return;
    }
    default:   /* a statement kind this generator does not know yet */
        stats->interpreted++;
        emit_interp(g, s);
        return;
    }
}

static void emit_kernel(Cg *g, int k, LlvmStats *stats) {
    char name[512];
    llvm_kernel_symbol(g->p, k, name, sizeof name);
    LLVMTypeRef params[5] = {g->f32pp, g->i64, g->i64, g->i64, g->i64};
    g->fn = LLVMAddFunction(g->mod, name, LLVMFunctionType(g->voidt, params, 5, 0));
    g->kernel = k;
    g->bufs = LLVMGetParam(g->fn, 0);
    g->B = LLVMGetParam(g->fn, 1);
    g->seed = LLVMGetParam(g->fn, 2);
    g->step = LLVMGetParam(g->fn, 3);
    g->row0 = LLVMGetParam(g->fn, 4);
    LLVMSetValueName2(g->bufs, "bufs", 4);
    LLVMSetValueName2(g->B, "B", 1);
    LLVMSetValueName2(g->seed, "seed", 4);
    LLVMSetValueName2(g->step, "step", 4);
    LLVMSetValueName2(g->row0, "row0", 4);
    LLVMPositionBuilderAtEnd(g->b, LLVMAppendBasicBlockInContext(g->ctx, g->fn, "entry"));
    load_bufs(g);   /* every buffer's pointer, once */
    /* what parallel parts receive (removed when no statement needs it) */
    LLVMTypeRef ct = ctx_type(g);
    g->par_ctx = LLVMBuildAlloca(g->b, ct, "par.ctx");
    LLVMValueRef field[CTX_FIELDS] = {g->bufs, g->B, g->seed, g->step, g->row0};
    for (int i = 0; i < CTX_FIELDS; i++) LLVMBuildStore(g->b, field[i], LLVMBuildStructGEP2(g->b, ct, g->par_ctx, (unsigned)i, ""));
    const IrKernel *kn = &g->p->kernels[k];
    for (int s = 0; s < kn->nstmts; s++) emit_stmt(g, s, stats);
    LLVMBuildRetVoid(g->b);
    stats->kernels++;
}

LLVMModuleRef llvm_codegen(LLVMContextRef ctx, const IrProgram *p, const char *name, int parallel, LlvmStats *st) {
    Cg g = {.ctx = ctx, .p = p, .parallel = parallel};
    memset(st, 0, sizeof *st);
    g.mod = LLVMModuleCreateWithNameInContext(name, ctx);
    g.b = LLVMCreateBuilderInContext(ctx);
    g.f32 = LLVMFloatTypeInContext(ctx);
    g.i1 = LLVMInt1TypeInContext(ctx);
    g.i32 = LLVMInt32TypeInContext(ctx);
    g.i64 = LLVMInt64TypeInContext(ctx);
    g.i8p = LLVMPointerType(LLVMInt8TypeInContext(ctx), 0);
    g.f32p = LLVMPointerType(g.f32, 0);
    g.f32pp = LLVMPointerType(g.f32p, 0);
    g.voidt = LLVMVoidTypeInContext(ctx);
    g.buf = rt_alloc(sizeof(LLVMValueRef) * (size_t)(p->nbufs + 1));
    declare_abi(&g);
    for (int k = 0; k < p->nkernels; k++) emit_kernel(&g, k, st);
    rt_free(g.buf);
    LLVMDisposeBuilder(g.b);
    return g.mod;
}
