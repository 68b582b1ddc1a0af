/* derive.h — what the compiler works out from an energy, per unit group and
 * per parameter, before any code exists.
 *
 * energy_analyze reads the expanded energy: for each group, the terms it
 * appears in and their degree in it decide its conditional given the rest
 * (linear terms over {0,1} units: a sigmoid of the field; a positive
 * quadratic self-term over real units: a Gaussian; ...); the groups that
 * share a term are neighbours, and colouring that graph gives the blocks
 * that can be sampled together. derive_free_energy sums a set of
 * conditionally independent groups out in closed form; derive_gradient
 * differentiates that free energy by a parameter, which gives the
 * sufficient statistic of the positive and negative phases. */
#ifndef EBMC_DERIVE_H
#define EBMC_DERIVE_H
#include "energy.h"

#define CONDITIONALS(X)                                                      \
    X(COND_SIGMOID, "sigmoid")                                               \
    X(COND_TANH, "tanh")                                                     \
    X(COND_SOFTMAX, "softmax")                                               \
    X(COND_GAUSS_DIAG, "gaussian_diag")                                      \
    X(COND_GAUSS_FULL, "gaussian_full")                                      \
    X(COND_RELU, "relu")                                                     \
    X(COND_BINOMIAL, "binomial")                                             \
    X(COND_INTRACTABLE, "intractable")                                       \
    X(COND_OBSERVED, "observed")

typedef enum {
#define X(id, name) id,
    CONDITIONALS(X)
#undef X
} CondKind;

const char *energy_cond_name(CondKind c);

typedef struct GroupInfo {
    Sym *sym;
    CondKind cond;
    int block;              /* sampling block; -1 for inputs */
    int sums_out;           /* its conditional has a closed-form log-partition */
    int *out;               /* index variables p of the group's dimensions */
    Poly *field;            /* a[p] = -dE/dg[p] of the terms linear in g */
    Poly *quad;             /* q[p]: E holds q[p]*g[p]^2 (gaussian_diag) */
    int lateral;            /* units of g couple with each other */
    int *out2;              /* a second set of index variables p2 */
    Poly *coupling;         /* J[p, p2] = -d2E/dg[p]dg[p2] of the quadratic
                               terms: lateral couplings, or minus the
                               precision of a gaussian_full group */
    const char *why;        /* intractable: which term makes it so */
    const char *fix;        /* intractable: what would work */
    unsigned long long neighbours;  /* groups sharing a term (<= 64 groups) */
} GroupInfo;

typedef struct Analysis {
    Energy *en;
    Model *m;
    GroupInfo *g;           /* per unit group, in declaration order */
    int nblocks;
    int *sweep;             /* block update order in a Gibbs sweep */
    unsigned long long hidden_mask;   /* hidden groups */
    unsigned long long sum_mask;      /* groups summed out for F(v): all
                                         hidden ones when they can be, else 0 */
    Poly *free_energy;      /* F with sum_mask summed out */
    Poly **grad;            /* per parameter: dF/dparam[out] */
    int **grad_out;         /* per parameter: the index variables */
    Poly *loss;             /* the per-example loss to minimise (empty if none) */
    Poly **loss_grad;       /* per parameter: dL/dparam[grad_out] */
    struct Linear *lin;     /* x = W.h + b + noise structure (energy_linear.h) */
    struct Ancestral *ancestral;      /* derive_directed.h; computed on demand */
    struct Recurrence *recur;         /* derive_recurrent.h: an input group
                                         { recurrent = s }; NULL without */
    unsigned long long enum_sum_mask; /* for exact log Z: summed-out groups */
    unsigned long long cond_sum_mask; /* for exact log p(v): hidden groups
                                         summed out with the data held */
    double cond_log2_states;          /* log2 of the hidden configurations
                                         left per example; < 0: none */
    double enum_log2_states;          /* log2 of the configurations left to
                                         enumerate; < 0 if not enumerable */
} Analysis;

/* Analysis and derivation of one model; errors (refusals) go to the Diag. */
Analysis *energy_analyze(Arena *a, Diag *d, Model *m);
/* F(x) with the groups of mask summed out (they must be pairwise
 * non-neighbours with closed-form log-partitions). */
Poly *derive_free_energy(Analysis *an, unsigned long long mask);
/* sum(vars) p: the variables bound (a term without one counts its range) */
Poly *derive_sum_over(Energy *en, const Poly *p, const int *vars, int nvars);
/* d poly / d param[out...] */
Poly *derive_gradient(Analysis *an, Poly *f, const Sym *param, int **out);
/* index variables for a group's dimensions */
int *energy_analyze_vars(Energy *en, const Sym *g);
/* log2 of the number of configurations of the groups in mask (discrete
 * groups only); -1 if some group in it is continuous. */
double energy_log2_states(const Analysis *an, unsigned long long mask);
#endif
