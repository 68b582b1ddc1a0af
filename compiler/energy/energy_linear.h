/* energy_linear.h — linear latent-variable structure read from the
 * expanded energy, for the methods that solve such models in closed form.
 *
 * Factor analysis, PPCA, sparse coding and ICA are all "x = W.h + b +
 * Gaussian noise" with different priors on h. Written with "~" statements
 * they expand into a polynomial whose terms say it: a term x[i]^2*psi[i]^-1
 * is the noise, x[i]*h[j]*W[i, j]*psi[i]^-1 the loading, x[i]*b[i]*psi[i]^-1
 * the mean, and the terms without x are the prior on h (plus the
 * likelihood's h-only part). energy_linear_structure reads those roles; it does not
 * look at how the spec was written, so an energy written by hand with the
 * same terms is recognised too. */
#ifndef EBMC_LINEAR_GAUSSIAN_H
#define EBMC_LINEAR_GAUSSIAN_H
#include "derive.h"

/* What the terms without x say about h. */
typedef enum {
    PRIOR_NONE,       /* no roles (the model is not x = W.h + b + noise) */
    PRIOR_GAUSSIAN,   /* quadratic in h: the model is linear-Gaussian */
    PRIOR_L1,         /* plus sum(j) l1[j]*|h[j]|: sparse coding */
    PRIOR_FACTORIAL,  /* non-Gaussian functions of single units of h: ICA */
    PRIOR_OTHER
} PriorKind;

typedef struct Linear {
    /* every group Gaussian, the energy a quadratic form in all units whose
     * coefficients are parameters: exact posterior and marginal likelihood */
    int gaussian;
    const char *why_not;    /* why it is not linear-Gaussian */
    /* roles, when there is one visible group x and one hidden group h */
    const Sym *x, *h;
    const Sym *loading;     /* W: x's mean is W.h (+ b) */
    int loading_t;          /* W is indexed [h, x] */
    const Sym *mean;        /* b, or NULL */
    const Sym *noise;       /* x's precision given h is c*noise^noise_power; NULL: fixed */
    double noise_power;
    int isotropic;          /* noise is one number for every unit of x (PPCA) */
    PriorKind prior;
    const char *em_why;     /* closed-form EM is not available: why (NULL: it is) */
    Poly *smooth;           /* PRIOR_L1: the energy without the |h| terms */
    Poly *l1;               /* PRIOR_L1: weight of |h[p]|, p = the group's out variables */
} Linear;

/* The structure of an analysed model; never NULL (fields say what holds). */
Linear *energy_linear_structure(Analysis *an);
const char *energy_prior_name(PriorKind k);
#endif
