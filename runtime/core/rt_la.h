/* rt_la.h — dense linear algebra in double for the closed-form methods
 * (EM, ICA whitening, SFA, sparse coding's step size): LAPACK through
 * OpenBLAS. Debian's libopenblas exports the Fortran symbols (dpotrf_,
 * dsyev_, dsygv_) but ships no LAPACKE header, so rt_la.c declares them.
 *
 * Every matrix is row-major n x n. A symmetric matrix is its own transpose,
 * so LAPACK's column-major routines apply unchanged; their outputs are
 * read back in the row-major sense documented here. */
#ifndef EBMC_RT_LA_H
#define EBMC_RT_LA_H
#include <stdint.h>

/* A = L L' (symmetric positive definite): L into A's lower triangle, the
 * upper set to 0. Returns 0, or -1 when A is not positive definite. */
int rt_la_chol(double *A, int n);
/* log det A from its Cholesky factor L */
double rt_la_chol_logdet(const double *L, int n);
/* x := A^-1 x for m right-hand sides stored as the rows of X (m x n),
 * given A's Cholesky factor L. */
void rt_la_chol_solve(const double *L, int n, double *X, int m);
/* A := A^-1 (symmetric positive definite); 0 or -1. */
int rt_la_spd_inverse(double *A, int n);
/* Eigenvalues of symmetric A ascending into w; row j of A becomes the unit
 * eigenvector of w[j]. 0 or -1. */
int rt_la_eigh(double *A, int n, double *w);
/* The generalised problem A v = w B v (A symmetric, B positive definite):
 * w ascending; row j of A becomes v_j, normalised so that v_j' B v_j = 1.
 * B is overwritten. 0 or -1. */
int rt_la_sygv(double *A, double *B, int n, double *w);
/* C (m x n) = alpha op(A) op(B) + beta C, row-major, through CBLAS */
void rt_la_gemm(int ta, int tb, int m, int n, int k, double alpha, const double *A, const double *B, double beta,
                double *C);
#endif
