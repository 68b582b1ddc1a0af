/* rt_la.c — the LAPACK calls of the closed-form methods (see rt_la.h). */
#include "rt_la.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

extern void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info);
extern void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info);
extern void dsyev_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w, double *work,
                   const int *lwork, int *info);
extern void dsygv_(const int *itype, const char *jobz, const char *uplo, const int *n, double *a, const int *lda,
                   double *b, const int *ldb, double *w, double *work, const int *lwork, int *info);

int rt_la_chol(double *A, int n) {
    int info = 0;
    /* LAPACK's upper factor U (column-major) is, read row-major, the lower
     * L with A = L L'; the other triangle keeps A's values, so clear it */
    dpotrf_("U", &n, A, &n, &info);
    if (info != 0) return -1;
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) A[i * n + j] = 0;
    return 0;
}

double rt_la_chol_logdet(const double *L, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += 2 * log(L[i * n + i]);
    return s;
}

void rt_la_chol_solve(const double *L, int n, double *X, int m) {
    /* X' := L'^-1 L^-1 X', i.e. X := X L'^-1 L^-1 on the rows */
    cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasTrans, CblasNonUnit, m, n, 1.0, L, n, X, n);
    cblas_dtrsm(CblasRowMajor, CblasRight, CblasLower, CblasNoTrans, CblasNonUnit, m, n, 1.0, L, n, X, n);
}

int rt_la_spd_inverse(double *A, int n) {
    int info = 0;
    dpotrf_("U", &n, A, &n, &info);
    if (info != 0) return -1;
    dpotri_("U", &n, A, &n, &info);
    if (info != 0) return -1;
    /* dpotri fills one triangle (row-major: the lower); mirror it */
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++) A[i * n + j] = A[j * n + i];
    return 0;
}

int rt_la_eigh(double *A, int n, double *w) {
    int info = 0, lwork = -1;
    double q;
    dsyev_("V", "U", &n, A, &n, w, &q, &lwork, &info);
    lwork = (int)q;
    double *work = malloc(sizeof(double) * (size_t)(lwork > 1 ? lwork : 1));
    /* column j of the column-major result is eigenvector j: row j here */
    dsyev_("V", "U", &n, A, &n, w, work, &lwork, &info);
    free(work);
    return info == 0 ? 0 : -1;
}

int rt_la_sygv(double *A, double *B, int n, double *w) {
    int info = 0, lwork = -1, itype = 1;
    double q;
    dsygv_(&itype, "V", "U", &n, A, &n, B, &n, w, &q, &lwork, &info);
    lwork = (int)q;
    double *work = malloc(sizeof(double) * (size_t)(lwork > 1 ? lwork : 1));
    dsygv_(&itype, "V", "U", &n, A, &n, B, &n, w, work, &lwork, &info);
    free(work);
    return info == 0 ? 0 : -1;
}

void rt_la_gemm(int ta, int tb, int m, int n, int k, double alpha, const double *A, const double *B, double beta,
                double *C) {
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, A,
                ta ? m : k, B, tb ? k : n, beta, C, n);
}
