/* energy.h — the energy as a sum of terms in index notation, and the
 * symbolic operations every derivation is built from.
 *
 * An energy written by a person,
 *     - sum(i) b[i]*v[i] - sum(i, j) v[i]*W[i, j]*h[j],
 * is expanded (products distributed over sums, integer powers multiplied
 * out, lets inlined) into a Poly: a list of Terms, each
 *     coef * sum(vars) factor * factor * ...
 * where a factor is a tensor access with affine indices (W[i, j], v[i + a]),
 * raised to an integer power, or a function of a Poly (softplus(...)) that
 * could not be multiplied out. From that form the analysis reads degrees
 * (is the energy linear in h?), the derivation takes derivatives (fields
 * are -dE/dh, gradient statistics are dF/dW), and lowering plans
 * contractions (two tensors sharing a summed index are a GEMM).
 *
 * Index variables are numbered per analysis; variable 0 is the batch row
 * every unit access carries implicitly (a term is evaluated per row). */
#ifndef EBMC_ENERGY_H
#define EBMC_ENERGY_H
#include "sema.h"

#define VAR_BATCH 0
#define MAX_AFFINE 4

typedef struct Var {
    const char *name;
    long long range;        /* -1 for the batch */
} Var;

/* sum of coef[k] * var[k], plus cst */
typedef struct Affine {
    int n;
    int var[MAX_AFFINE];
    int coef[MAX_AFFINE];
    long long cst;
} Affine;

typedef enum {
    FN_NONE,     /* plain tensor access */
    FN_EXP, FN_LOG, FN_SOFTPLUS, FN_SIGMOID, FN_ABS, FN_SQRT, FN_TANH, FN_LOG1P,
    FN_LOGCOSH,  /* log(cosh(x)) */
    FN_SIGN,     /* derivative of abs */
    FN_POW,      /* x ^ fparam, real exponent */
    FN_LSE,      /* log-sum-exp of the argument over the variable reduce_var */
    FN_COUNT
} Fn;

typedef struct Poly Poly;

typedef enum { FK_TENSOR, FK_FUNC } FactorKind;

/* A tensor that is not a symbol of the spec: a temporary of lowering. */
typedef struct Temp Temp;

typedef struct Factor {
    FactorKind kind;
    int power;              /* integer power, may be negative */
    const Sym *sym;         /* FK_TENSOR: unit, param, or a kept let (arg = its body) */
    Temp *temp;             /* FK_TENSOR on a lowering temporary (sym NULL) */
    int nidx;
    Affine idx[MAX_DIMS];
    Fn fn;                  /* FK_FUNC, or an elementwise function of a temp */
    double fparam;
    int reduce_var;         /* FN_LSE */
    Poly *arg;              /* FK_FUNC; a kept let's body (FK_TENSOR) */
    Span span;              /* FK_TENSOR from the spec: where it is written (errors) */
} Factor;

/* A pending substitution var := val that a derivative found inside a
 * function's argument for a variable bound further out (a Kronecker delta). */
typedef struct Subst {
    int var;
    Affine val;
} Subst;

/* lo <= a <= hi: a derivative through a shifted index (v[i + a]) solves
 * i = p - a, and only the a that keep i in its old range contribute. */
typedef struct Guard {
    Affine a;
    long long lo, hi;
} Guard;

typedef struct Term {
    double coef;
    int nvars;
    int *vars;              /* summed here */
    int nf;
    Factor *f;
    int nsub;
    Subst *sub;
    int nguard;
    Guard *guard;
} Term;

struct Poly {
    int n, cap;
    Term *t;
};

/* a let of a keep_lets model (sema.h): its body expanded once over
 * variables of its own; a use is a tensor factor of sym with arg = body */
typedef struct KeptLet {
    const Sym *sym;
    Poly *body;
    int vars[MAX_DIMS];
} KeptLet;

typedef struct Energy {
    Arena *a;
    Model *m;
    Diag *d;
    int nvars, capvars;
    Var *vars;
    Poly *E;                /* the whole energy */
    Poly *L;                /* the loss, when the model has one */
    int canon[64];          /* variables used to compare terms up to renaming */
    int ncanon;
    int nkept, capkept;
    KeptLet *kept;          /* keep_lets: the lets expanded so far */
    int too_large;          /* a product past ENERGY_MAX_TERMS was refused */
} Energy;

/* A product of sums multiplies out term by term; past this many terms a
 * spec would take the machine's memory before analysis began (a fuzzer's
 * sqr of a 1,500-term sum took 20 GB and a minute), so it is refused. */
enum { ENERGY_MAX_TERMS = 1 << 16 };

/* ---- building -------------------------------------------------------------- */
Energy *energy_new(Arena *a, Diag *d, Model *m);
int energy_var(Energy *en, const char *name, long long range);
Poly *poly_new(Energy *en);
void poly_push(Energy *en, Poly *p, Term t);
Poly *poly_const(Energy *en, double c);
Poly *poly_tensor(Energy *en, const Sym *s, const int *vars);  /* s[vars...] */
Poly *poly_add(Energy *en, Poly *a, Poly *b);
Poly *poly_scale(Energy *en, Poly *a, double c);
Poly *poly_mul(Energy *en, Poly *a, Poly *b);
Poly *poly_func(Energy *en, Fn fn, double fparam, Poly *arg);
Poly *poly_copy(Energy *en, const Poly *p);
Poly *poly_fresh(Energy *en, const Poly *p);
Term term_copy(Energy *en, const Term *t);
Term term_mul(Energy *en, const Term *x, const Term *y);
/* Expands the model's energy lines into en->E; returns 0 on errors. */
int energy_expand(Energy *en);
/* One checked expression (an energy line, a directed statement's term),
 * expanded and simplified the same way. */
Poly *energy_expand_expr(Energy *en, const Expr *e);
/* let[vars...]: the let's body with its indices the given (free) variables */
Poly *energy_expand_let(Energy *en, const Sym *let, const int *vars);

/* The kept let s (Energy.kept), NULL if s is not one. */
const KeptLet *energy_kept_let(const Energy *en, const Sym *s);

/* ---- reading --------------------------------------------------------------- */
/* Degree of sym in the term: the sum of the powers of its tensor factors;
 * -1 if sym appears inside a function's argument (not polynomial in it). */
int term_degree(const Term *t, const Sym *s);
int poly_mentions(const Poly *p, const Sym *s);
int term_mentions_var(const Term *t, int var);
int poly_free_var(const Poly *p, int var);     /* var occurs unbound */
int affine_is_var(const Affine *a, int *var);  /* exactly 1*var + 0 */
int poly_is_zero(const Poly *p);

/* ---- transforming ----------------------------------------------------------- */
/* d p / d s[out...]: out are fresh free variables, one per dimension of s. */
Poly *energy_deriv(Energy *en, const Poly *p, const Sym *s, const int *out);
/* Replace var by an affine expression everywhere in the term (factors and
 * function arguments); drops var from the term's summed variables. */
void term_subst(Energy *en, Term *t, int var, const Affine *val);
/* Terms of p whose degree in s equals deg (deg -1: non-polynomial ones). */
Poly *poly_select_degree(Energy *en, const Poly *p, const Sym *s, int deg);
/* Pending substitutions left at the top of a derivative (d2/dx[p]dx[p2] of
 * x[i]^2 leaves p := p2) become guards p - p2 in 0..0: Kronecker deltas. */
void energy_deltas_to_guards(Energy *en, Poly *p);
/* Identities of discrete units: x^k = x for {0,1} and one-hot units,
 * x^2 = 1 for spins. */
void energy_unit_algebra(Energy *en, Poly *p);
/* Merge equal terms, drop zeros, fold constant factors. */
Poly *energy_simplify(Energy *en, const Poly *p);

/* ---- printing ---------------------------------------------------------------- */
void poly_print(FILE *out, const Energy *en, const Poly *p);
char *poly_string(const Energy *en, const Poly *p);
/* the same text with symbols named by rename (spec text another model can
 * parse: the unrolled network of a stack is generated this way) */
char *poly_string_renamed(const Energy *en, const Poly *p, const char *(*rename)(const Sym *, void *), void *ctx);
const char *energy_fn_name(Fn fn);
#endif
