/* ir_lower.h — from derived polynomials to kernel IR (used by ir_kernels.c).
 *
 * A term  coef * sum(vars) f1*f2*...  becomes statements: a function of a
 * non-trivial argument is first computed into a temporary (softplus(field)
 * needs the field); then summed variables are eliminated pairwise where two
 * factors share them and nothing else does, which is a GEMM (the field
 * v.W, the statistic v'.h); what is left is a loop nest. */
#ifndef EBMC_IR_LOWER_H
#define EBMC_IR_LOWER_H
#include "derive.h"
#include "ir.h"

typedef struct Lower {
    Arena *a;
    Energy *en;
    Analysis *an;
    IrProgram *p;
    int capbufs, capkernels;
    IrKernel *k;            /* the kernel being built */
    int capstmts;
    int cse_n;              /* temporaries of this kernel, by content */
    const char *cse_key[1024];
    int cse_buf[1024];
    int nshared;            /* GEMM results reused by several terms: lower_into */
    int shared[1024];        /* must not redirect their GEMM into its target */
    unsigned long long mean_units;  /* unit groups read from their BUF_MEAN
                                       instead of their state (grad.mean) */
} Lower;

int lower_add_buf(Lower *L, IrBuf b);
IrStmt *lower_stmt(Lower *L, SKind kind);
void lower_begin_kernel(Lower *L, const char *name);
/* A temporary holding P over vars (VAR_BATCH first when present); reused
 * when the kernel already computed the same thing. */
int lower_materialize(Lower *L, const Poly *P, const int *vars, int nvars);
/* buf[vars] (=|+=) P.  vars: VAR_BATCH first when buf is batched. */
void lower_into(Lower *L, const Poly *P, int buf, const int *vars, int nvars, int accumulate);
/* P at the point vars of an enclosing loop, as an expression; statements
 * for its contractions are emitted first. slots[v] is the loop variable of
 * energy variable v (-1 when not in the loop). */
IrX *lower_value(Lower *L, const Poly *P, const int *vars, int nvars, const int *slots);
/* P times the per-row weights wbuf[b], summed over rows. */
Poly *lower_weighted(Lower *L, const Poly *P, int wbuf);
/* Reuse (ir_lower_reuse.c): the temporary of an earlier elementwise pass
 * (one A_STORE over ext) or GEMM of this kernel that computes the same
 * from operands not written since, or -1. GEMM results read by several
 * terms are recorded as shared: lower_into must not redirect them. */
int lower_find_same_loop(Lower *L, const IrExt *ext, int nvars, const IrAssign *as);
int lower_find_same_gemm(Lower *L, const IrStmt *g);
int lower_is_shared(const Lower *L, int buf);
IrX *ir_const(Lower *L, double c);
IrX *ir_op(Lower *L, XOp op, IrX *a, IrX *b);
IrX *ir_fn(Lower *L, IrFn fn, IrX *a);
IrX *ir_local(Lower *L, int local);
IrX *ir_load_slots(Lower *L, int buf, const int *slots, int n);
#endif
