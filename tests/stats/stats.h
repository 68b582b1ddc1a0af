/* stats.h — what statistical tests need: chi-square p-values, and building a
 * model from spec text with random parameters. */
#ifndef EBMC_TEST_STATS_H
#define EBMC_TEST_STATS_H
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "compile.h"
#include "energy_eval.h"
#include "ir_kernels.h"
#include "ir_model.h"
#include "rt.h"

/* Q(a, x), the regularised upper incomplete gamma function (Numerical
 * Recipes' series and continued fraction). */
static inline double stats_gammq(double a, double x) {
    if (x <= 0) return 1;
    double gln = lgamma(a);
    if (x < a + 1) {
        double ap = a, sum = 1 / a, del = sum;
        for (int n = 0; n < 10000; n++) {
            ap += 1;
            del *= x / ap;
            sum += del;
            if (fabs(del) < fabs(sum) * 1e-15) break;
        }
        return 1 - sum * exp(-x + a * log(x) - gln);
    }
    double b = x + 1 - a, c = 1 / 1e-300, d = 1 / b, h = d;
    for (int i = 1; i < 10000; i++) {
        double an = -i * (i - a);
        b += 2;
        d = an * d + b;
        if (fabs(d) < 1e-300) d = 1e-300;
        c = b + an / c;
        if (fabs(c) < 1e-300) c = 1e-300;
        d = 1 / d;
        double del = d * c;
        h *= del;
        if (fabs(del - 1) < 1e-15) break;
    }
    return exp(-x + a * log(x) - gln) * h;
}

/* Pearson's chi-square of observed counts against expected probabilities,
 * cells with expected count below 5 pooled into one; returns the p-value
 * and the degrees of freedom in *dof. */
static inline double stats_chisq_p(const double *observed, const double *prob, int ncells, double total, int *dof) {
    double chi = 0, pool_o = 0, pool_e = 0;
    int cells = 0;
    for (int i = 0; i < ncells; i++) {
        double e = prob[i] * total;
        if (e < 5) {
            pool_o += observed[i];
            pool_e += e;
            continue;
        }
        chi += (observed[i] - e) * (observed[i] - e) / e;
        cells++;
    }
    if (pool_e > 0) {
        chi += (pool_o - pool_e) * (pool_o - pool_e) / pool_e;
        cells++;
    }
    *dof = cells - 1;
    return stats_gammq(0.5 * (cells - 1), 0.5 * chi);
}

/* A compiled model from spec text, its kernel program and runtime view. */
typedef struct TestModel {
    Compilation *c;
    Analysis *an;
    IrProgram *ir;
    rt_model *m;
    rt_params *p;
} TestModel;

static inline int test_model(TestModel *t, const char *src) {
    memset(t, 0, sizeof *t);
    t->c = compile_source("test.ebm", src, strlen(src));
    t->an = compile_main_model(t->c);
    if (!t->an) return 0;
    t->ir = ir_build(t->c->arena, t->an);
    t->m = ir_model_build(t->c->arena, t->an, t->ir);
    t->p = rt_params_new(t->m);
    return 1;
}

static inline void test_model_free(TestModel *t) {
    rt_params_free(t->p);
    compile_free(t->c);
}

/* Parameters drawn from N(0, sd^2), seeded. */
static inline void test_random_params(TestModel *t, double sd, uint64_t seed) {
    for (int i = 0; i < t->m->nparams; i++)
        for (int64_t k = 0; k < t->m->params[i].size; k++)
            t->p->value[i][k] = (float)(sd * rt_normal(seed, 1000 + (uint32_t)i, 0, (uint32_t)k));
}

/* The parameters as doubles, for energy_eval. */
static inline double **test_params_double(TestModel *t) {
    double **d = calloc((size_t)t->m->nparams + 1, sizeof(double *));
    for (int i = 0; i < t->m->nparams; i++) {
        d[i] = malloc(sizeof(double) * (size_t)t->m->params[i].size);
        for (int64_t k = 0; k < t->m->params[i].size; k++) d[i][k] = t->p->value[i][k];
    }
    return d;
}

static inline void test_free_double(double **d, int n) {
    for (int i = 0; i < n; i++) free(d[i]);
    free(d);
}
#endif
