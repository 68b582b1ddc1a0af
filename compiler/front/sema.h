/* sema.h — names, shapes, index ranges and unit types of a parsed spec.
 *
 * sema_check turns the syntax tree into Models: symbol tables whose unit
 * groups and parameters have concrete shapes, whose energy expressions have
 * every index variable bound with a known range, and whose train / sample /
 * eval blocks are attached. Everything it finds wrong goes to the Diag;
 * analysis starts only when there were no errors. */
#ifndef EBMC_SEMA_H
#define EBMC_SEMA_H
#include "ast.h"

#define MAX_DIMS 8

/* What values a unit takes (its base measure); the energy says the rest. */
#define UNIT_TYPES(X)                                                        \
    X(UT_BERNOULLI, "bernoulli", "values {0, 1}")                            \
    X(UT_SPIN, "spin", "values {-1, +1}")                                    \
    X(UT_GAUSSIAN, "gaussian", "real values; the energy must hold a positive quadratic self-term") \
    X(UT_SOFTMAX, "softmax", "one-hot vectors over the last axis")           \
    X(UT_RELU, "relu", "noisy rectified linear values max(0, x + N(0, sigmoid(x)))") \
    X(UT_BINOMIAL, "binomial", "counts {0..n}: binomial(n)")                 \
    X(UT_LAPLACE, "laplace", "real values with a Laplace base measure exp(-|x|)")

typedef enum {
#define X(id, name, doc) id,
    UNIT_TYPES(X)
#undef X
    UT_COUNT
} UnitType;

const char *sema_unit_type_name(UnitType t);

typedef enum { SYM_UNIT, SYM_PARAM, SYM_LET } SymKind;

/* What updates a group when its conditional is not sampled exactly. */
enum { SAMPLER_EXACT, SAMPLER_HMC, SAMPLER_METROPOLIS };
/* input groups the runtime fills with fresh noise for every batch */
enum { NOISE_NONE, NOISE_NORMAL, NOISE_UNIFORM, NOISE_BERNOULLI };

typedef struct Sym {
    SymKind kind;
    const char *name;
    Span span;
    int id;                 /* index among the model's units, or params */
    Role role;              /* SYM_UNIT */
    UnitType utype;         /* SYM_UNIT */
    int binomial_n;         /* SYM_UNIT, UT_BINOMIAL */
    int sampler;            /* SYM_UNIT: SAMPLER_* given by { sampler = ... } */
    int sampler_steps;
    double sampler_step_size;
    int noise;              /* SYM_UNIT input: NOISE_* refilled by the runtime */
    /* SYM_UNIT input { recurrent = s }: at step t the group holds the value
     * the let s had at step t - 1 (zeros at the first step) */
    const char *recurrent_name;
    Span recurrent_span;
    struct Sym *recurrent;
    /* ... { start = u0 }: a parameter of the group's shape is the state
     * before the first step (learned) instead of zeros */
    const char *start_name;
    Span start_span;
    struct Sym *start;
    double noise_p;         /* NOISE_BERNOULLI: P(1) */
    const char *offset_of;  /* SYM_PARAM { offset = g }: not learned, it tracks
                               the mean of group g (centering) */
    double offset_rate;
    /* SYM_PARAM { trainable = 0, mask = M, lr = s, momentum = m,
     * weight_decay = d }: the per-parameter rules of the update step */
    int fixed;              /* trainable = 0: never updated */
    const char *mask_of;    /* a fixed 0/1 parameter of the same shape */
    float *mask_data;       /* ... or mask = csv("F") / npy("F"): its values */
    float *init_data;       /* init csv("F") / npy("F"): the initial values */
    struct Sym *logit_of;   /* init logit_mean: the binary visible group whose
                               data log-odds start this bias */
    Span mask_span;
    double lr_scale;        /* multiplies the train block's lr (1) */
    double momentum;        /* replaces the train block's; NAN: not set */
    double weight_decay;    /* replaces the train block's; NAN: not set */
    int ndim;
    long long dims[MAX_DIMS];
    long long size;         /* product of dims (1 for a scalar) */
    Expr *init;             /* SYM_PARAM: init expression or NULL (zeros) */
    Stmt *stmt;             /* the declaration */
    /* SYM_LET */
    int nvars;
    const char **vars;
    long long *var_ranges;
    Expr *body;
} Sym;

typedef struct Model {
    const char *name;
    Span span;
    Block *block;
    int nsyms;
    Sym **syms;
    int nunits;
    Sym **units;            /* in declaration order */
    int nparams;
    Sym **params;
    int nenergy;
    Expr **energy;          /* energy = ... lines and "x ~ d" terms; they add up */
    int nloss;
    Expr **loss;            /* loss = ... lines: a per-example objective to minimise */
    Block *train, *sample, *eval;   /* NULL when the spec has none */
    int network;            /* lets alone, no energy or loss: a generator or a
                               discriminator (method = adversarial) */
    /* set for a network the compiler writes (compile_network): each let is
     * computed once into a temporary instead of inlined where it is used,
     * so a let used twice by the next (unrolled mean-field steps) costs
     * one evaluation, not a tree that doubles with every step */
    int keep_lets;
} Model;

/* A stack of models trained layer by layer: each layer's hidden group is the
 * data of the next (a DBN; or the pretraining of a DBM, whose joint model
 * the layers' parameters compose into). */
enum { STACK_DBN, STACK_DBM };

typedef struct Stack {
    const char *name;
    Span span;
    Block *block;
    int kind;
    int nlayers;
    Model **layers;         /* bottom to top */
    Model *joint;           /* STACK_DBM: the model the layers compose into */
    Block *train, *sample;
} Stack;

typedef struct SemaResult {
    int nmodels;
    Model **models;
    int nstacks;
    Stack **stacks;
} SemaResult;

/* Fills e->ranges of every sum and let: the range of each bound index. */
SemaResult *sema_check(Arena *a, Diag *d, Program *p);
Sym *sema_lookup(const Model *m, const char *name);
/* the hidden group a stack layer hands up: its only hidden group */
Sym *sema_layer_output(const Model *m);
void sema_check_stack(Arena *a, Diag *d, SemaResult *r, Block *b);
/* sema_param.c: a parameter's { ... } attributes (on declaring it); then,
 * once every symbol is declared, the names they refer to, and the groups
 * of init logit_mean */
void sema_param_attrs(Arena *a, Diag *d, Sym *s, Stmt *st);
void sema_param_links(Diag *d, const Model *m);
void sema_param_logit_mean(Diag *d, const Model *m);
/* init csv("F") / npy("F"): is e such a call; read the file into s->init_data */
int sema_param_is_file(const Expr *e);
void sema_param_init_file(Arena *a, Diag *d, Sym *s);
/* sum(s) ... v[s]*v[s + 1]: the range of `var` in the sum whose body is
 * `body` when a shift must cut it (compiler/front/sema_shift.c says when),
 * with the plain uses that would disagree rewritten to `s + 0`; -1 when
 * the plain rule applies. */
long long sema_shift_range(Arena *a, const Model *m, Expr *body, const char *var);
/* The closest of candidates to name (edit distance <= 2), or NULL. */
const char *sema_suggest(const char *name, const char *const *candidates, int n);

/* Constant expressions where the language takes a number (sema_const.c):
 * arithmetic and the functions, evaluated, or an error at e naming what
 * ("a dimension") and why; 0 after an error. */
int sema_const(Diag *d, const Expr *e, double *out, const char *what);
/* ... an integer in [lo, hi] */
int sema_const_int(Diag *d, const Expr *e, long long lo, long long hi, long long *out, const char *what);
/* ... e folded to one EX_NUM node (e itself if it is one); NULL after an error */
Expr *sema_fold(Arena *a, Diag *d, Expr *e, const char *what);
#endif
