/* rt_optim.c — the optimisers' element-wise steps (rt_optim.h).
 *
 * Why a file of its own: the Adam step was a double-precision loop with a
 * square root and a division per element, and took a fifth of a VAE epoch
 * (perf, docs/performance.md). In float, with restrict pointers and the bias
 * corrections folded into two constants, GCC vectorises it, but only at -O3
 * (-O2's "very cheap" cost model refuses a loop of unknown trip count) and
 * with -fno-math-errno (otherwise sqrtf keeps a scalar call for negative
 * arguments, which s >= 0 never has): the Makefile compiles this file, and
 * only it, with both. */
#include "rt_optim.h"

#include <math.h>
#include <string.h>

#include "rt_par.h"

typedef struct Sgd {
    float *x, *v;
    const float *g;
    float lr, mom, decay;
} Sgd;

static void sgd_part(void *ctx, int64_t lo, int64_t hi) {
    const Sgd *s = ctx;
    float *restrict x = s->x, *restrict v = s->v;
    const float *restrict g = s->g;
    float lr = s->lr, mom = s->mom, d = s->decay;
    for (int64_t k = lo; k < hi; k++) {
        v[k] = mom * v[k] + lr * (g[k] - d * x[k]);
        x[k] += v[k];
    }
}

void rt_optim_sgd(float *x, float *v, const float *g, int64_t n, float lr, float mom, float decay) {
    Sgd s = {x, v, g, lr, mom, decay};
    rt_par_for(sgd_part, &s, n, n);
}

typedef struct Adam {
    float *x, *m, *s;
    const float *g;
    float b1, b2, step, rc2, eps, decay;
} Adam;

static void adam_part(void *ctx, int64_t lo, int64_t hi) {
    const Adam *a = ctx;
    float *restrict x = a->x, *restrict m = a->m, *restrict s = a->s;
    const float *restrict g = a->g;
    float b1 = a->b1, b2 = a->b2, c1 = 1 - a->b1, c2 = 1 - a->b2;
    float step = a->step, rc2 = a->rc2, eps = a->eps, d = a->decay;
    for (int64_t k = lo; k < hi; k++) {
        float gk = g[k] - d * x[k];
        float mk = b1 * m[k] + c1 * gk, sk = b2 * s[k] + c2 * gk * gk;
        m[k] = mk;
        s[k] = sk;
        /* sqrt(s / c2) = sqrt(s) * (1 / sqrt(c2)) */
        x[k] += step * mk / (sqrtf(sk) * rc2 + eps);
    }
}

void rt_optim_adam(float *x, float *m, float *s, const float *g, int64_t n, double lr, double beta1, double beta2,
                   double eps, int64_t t, float decay) {
    double c1 = 1 - pow(beta1, (double)t), c2 = 1 - pow(beta2, (double)t);
    Adam a = {x, m, s, g, (float)beta1, (float)beta2, (float)(lr / c1), (float)(1 / sqrt(c2)), (float)eps, decay};
    rt_par_for(adam_part, &a, n, n);
}

/* the exponent bits all ones is inf or NaN; an OR over the elements, no
 * early exit, so that it vectorises (the checks took 7% of a VAE epoch
 * element by element with isfinite) */
int rt_optim_finite(const float *x, int64_t n) {
    uint32_t bad = 0;
    for (int64_t k = 0; k < n; k++) {
        uint32_t b;
        memcpy(&b, &x[k], sizeof b);
        bad |= (b & 0x7f800000u) == 0x7f800000u;
    }
    return !bad;
}
