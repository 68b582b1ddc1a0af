/* ir.h — the kernel IR: what the interpreter runs and the LLVM back end
 * compiles.
 *
 * A program is a table of buffers and a list of kernels. A kernel is a list
 * of statements over buffers:
 *   LOOP    a loop nest over index variables (extents known, except the
 *           batch, which is the call's B) whose body assigns scalar
 *           expressions to locals, stores them, or accumulates them;
 *   GEMM    C = alpha * op(A) op(B) + beta * C on buffers viewed as
 *           row-major matrices (the dense contractions, through CBLAS);
 *   ZERO    a buffer set to 0;
 *   SOFTMAX over the last axis of a buffer: probabilities, a categorical
 *           draw, or a log-sum-exp;
 *   SEQ     single-site Gibbs (or Gauss-Seidel mean-field) through the units
 *           of a group with lateral couplings J, one unit after another;
 *   GAUSS   a full-covariance Gaussian draw: precision -J, mean (-J)^-1 a,
 *           by Cholesky (LAPACK).
 * Every buffer a kernel touches is passed in one array (bufs[id]), so the
 * same kernel runs on the data, on persistent chains or on enumerated
 * states. Random numbers are Philox draws keyed by (seed, stream, step,
 * element), computed identically by every back end (runtime/core/rt.h).
 * The IR is plain data: no pointers into the compiler's other structures. */
#ifndef EBMC_IR_H
#define EBMC_IR_H
#include <stdint.h>
#include <stdio.h>

#define IR_MAX_DIMS 8
#define IR_MAX_AFF 4

typedef enum {
    BUF_PARAM,   /* a parameter of the spec */
    BUF_STATE,   /* a unit group's current values [B, shape] */
    BUF_MEAN,    /* a unit group's conditional expectation [B, shape] */
    BUF_GRAD,    /* a parameter's gradient accumulator */
    BUF_ROW,     /* one value per row [B]: free energy, energy */
    BUF_WEIGHT,  /* per-row weights [B] of the gradient sums */
    BUF_TEMP,    /* scratch of one kernel */
    BUF_DSTATE,  /* dE/dx of a group sampled by HMC [B, shape] */
    BUF_CLAMP,   /* 1 where a unit of a group is held fixed [B, shape] */
} BufKind;

typedef struct IrBuf {
    BufKind kind;
    int ref;                 /* param or unit index; row output number */
    const char *name;
    int batched;             /* leading dimension is B */
    int ndim;                /* dims after the batch */
    long long dims[IR_MAX_DIMS];
    long long size;          /* product of dims */
} IrBuf;

/* sum of coef[k] * loopvar[k], plus cst */
typedef struct IrIdx {
    int n;
    int var[IR_MAX_AFF];
    int coef[IR_MAX_AFF];
    long long cst;
} IrIdx;

#define IR_OPS(X)                                                            \
    X(X_CONST, "const") X(X_LOAD, "load") X(X_LOCAL, "local")                \
    X(X_ADD, "add") X(X_SUB, "sub") X(X_MUL, "mul") X(X_DIV, "div")          \
    X(X_NEG, "neg") X(X_FN, "fn") X(X_POWI, "powi") X(X_LT, "lt")            \
    X(X_SELECT, "select") X(X_MAX, "max") X(X_UNIFORM, "uniform")            \
    X(X_NORMAL, "normal")

typedef enum {
#define X(id, name) id,
    IR_OPS(X)
#undef X
} XOp;

/* Elementwise functions; the numbering is shared with the LLVM back end
 * and the interpreter. */
#define IR_FNS(X)                                                            \
    X(F_EXP, "exp") X(F_LOG, "log") X(F_SOFTPLUS, "softplus")                \
    X(F_SIGMOID, "sigmoid") X(F_ABS, "abs") X(F_SQRT, "sqrt")                \
    X(F_TANH, "tanh") X(F_LOG1P, "log1p") X(F_LOGCOSH, "logcosh")            \
    X(F_SIGN, "sign") X(F_POW, "pow")

typedef enum {
#define X(id, name) id,
    IR_FNS(X)
#undef X
    F_COUNT
} IrFn;

typedef struct IrX IrX;
struct IrX {
    XOp op;
    double c;                /* X_CONST value; F_POW exponent; X_POWI power */
    IrFn fn;                 /* X_FN */
    int buf;                 /* X_LOAD */
    int nidx;
    IrIdx idx[IR_MAX_DIMS + 1];  /* X_LOAD: batch index first if batched */
    int local;               /* X_LOCAL */
    int stream;              /* X_UNIFORM, X_NORMAL: Philox stream */
    IrX *a, *b, *s;          /* operands; X_SELECT: s ? a : b */
};

typedef enum { A_LOCAL, A_STORE, A_ACCUM } AssignKind;

typedef struct IrGuard {     /* lo <= idx <= hi, else the assignment is skipped */
    IrIdx idx;
    long long lo, hi;
} IrGuard;

typedef struct IrAssign {
    AssignKind kind;
    int local;               /* A_LOCAL */
    int buf;                 /* A_STORE, A_ACCUM */
    int nidx;
    IrIdx idx[IR_MAX_DIMS + 1];
    IrX *x;
    int nguard;
    IrGuard *guard;
} IrAssign;

/* An extent: c, times B when batch is set. */
typedef struct IrExt {
    long long c;
    int batch;
} IrExt;

typedef enum { S_LOOP, S_GEMM, S_ZERO, S_SOFTMAX, S_SEQ, S_GAUSS } SKind;

typedef enum { SM_PROBS, SM_SAMPLE, SM_LSE } SoftmaxMode;

typedef struct IrStmt {
    SKind kind;
    /* S_LOOP: loop variables 0..nvars-1, outermost first; the element
     * number of a random draw is the row-major position in the loop */
    int nvars;
    IrExt ext[16];
    int nlocals;
    int nassign;
    IrAssign *assign;
    /* S_GEMM: C[M x N] = alpha * op(A)[M x K] * op(B)[K x N] + beta * C */
    int a, b, c;
    int ta, tb;
    IrExt m, n, k;
    double alpha, beta;
    /* S_ZERO: buf; S_SOFTMAX: rows x width; in -> out (probs / one-hot
     * sample / per-row log-sum-exp), probs also written to aux when >= 0 */
    int buf;
    IrExt rows;
    long long width;
    int in, out, aux;
    SoftmaxMode mode;
    int stream;
    /* S_SEQ, S_GAUSS: field in -> state out, means to aux; couplings J in
     * buf ([B,] n, n when coupling_batched), n = width, rows */
    int coupling_batched;
    int mask;                /* S_SEQ, S_GAUSS: the group's BUF_CLAMP */
    int spin;                /* S_SEQ: spins (else {0,1} units) */
    int sample;              /* S_SEQ, S_GAUSS: draw (else: the mean) */
} IrStmt;

typedef struct IrKernel {
    const char *name;
    int nstmts;
    IrStmt *stmts;
    /* made by reverse mode (ir_reverse.h): the floats of the forward
     * intermediates it keeps and of the adjoints, per row and fixed */
    int reverse;
    long long keep_row, keep_fixed, adj_row, adj_fixed;
} IrKernel;

typedef struct IrProgram {
    int nbufs;
    IrBuf *bufs;
    int nkernels;
    IrKernel *kernels;
    int nstreams;
} IrProgram;

int ir_find_kernel(const IrProgram *p, const char *name);
/* n indices equal term by term (the same element wherever the loop is) */
int ir_idx_same(const IrIdx *a, const IrIdx *b, int n);
/* every load of buf in x is at exactly idx (n indices) */
int ir_reads_only_at(const IrX *x, int buf, const IrIdx *idx, int n);
int ir_find_buf(const IrProgram *p, BufKind kind, int ref);
void ir_print(FILE *out, const IrProgram *p);
const char *ir_fn_name(IrFn f);
/* floats a buffer holds for a batch of B */
static inline long long ir_buf_floats(const IrBuf *b, long long B) { return b->batched ? b->size * B : b->size; }
static inline long long ir_ext(IrExt e, long long B) { return e.batch ? e.c * B : e.c; }
/* the number of the first of an extent's items among the job's, when the
 * call's batch starts at the job's row row0 (rt_ws.row0): c items a row */
static inline long long ir_row0(IrExt e, long long row0) { return e.batch ? e.c * row0 : 0; }
#endif
