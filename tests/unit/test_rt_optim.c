/* test_rt_optim.c — the vectorised optimiser steps (runtime/run/rt_optim.c)
 * against the textbook formulas in double, and the finite check.
 *
 * Adam: 1,003 elements (not a multiple of any vector width), 50 steps with
 * gradients from a fixed sequence (sin of the step and index), weight decay
 * 1e-3, lr 0.01 (x moves about 0.01 a step): the float result must stay
 * within 2e-6 (absolute) of the same recursion in double (measured 6.5e-7:
 * float rounding only; a missing bias correction or a wrong constant is
 * off by 1e-3 or more). SGD-momentum likewise, lr 0.05, momentum 0.9 (x
 * grows to ~10): within 1e-5 (measured 1.6e-6). rt_optim_finite: one inf or NaN at every position of
 * 37 elements, the rest finite, including FLT_MAX and subnormals. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "check.h"
#include "rt_optim.h"

enum { N = 1003, STEPS = 50 };

static double grad_at(int t, int k) { return sin(0.37 * t + 0.011 * k) * (1 + 0.5 * cos(0.3 * k)); }

static void adam_matches_double(void) {
    static float x[N], m[N], s[N], g[N];
    static double xd[N], md[N], sd[N];
    const double lr = 1e-2, b1 = 0.9, b2 = 0.999, eps = 1e-8, decay = 1e-3;
    for (int k = 0; k < N; k++) x[k] = (float)(xd[k] = 0.1 * cos(0.07 * k));
    double worst = 0;
    for (int t = 1; t <= STEPS; t++) {
        for (int k = 0; k < N; k++) g[k] = (float)grad_at(t, k);
        rt_optim_adam(x, m, s, g, N, lr, b1, b2, eps, t, (float)decay);
        double c1 = 1 - pow(b1, t), c2 = 1 - pow(b2, t);
        for (int k = 0; k < N; k++) {
            double gk = (double)g[k] - decay * xd[k];
            md[k] = b1 * md[k] + (1 - b1) * gk;
            sd[k] = b2 * sd[k] + (1 - b2) * gk * gk;
            xd[k] += lr * (md[k] / c1) / (sqrt(sd[k] / c2) + eps);
        }
    }
    for (int k = 0; k < N; k++) {
        double d = fabs((double)x[k] - xd[k]);
        if (d > worst) worst = d;
    }
    CHECK(worst < 2e-6, "worst difference %.3g after %d steps", worst, STEPS);
}

static void sgd_matches_double(void) {
    static float x[N], v[N], g[N];
    static double xd[N], vd[N];
    const double lr = 0.05, mom = 0.9, decay = 2e-4;
    for (int k = 0; k < N; k++) x[k] = (float)(xd[k] = 0.1 * cos(0.07 * k));
    for (int t = 1; t <= STEPS; t++) {
        for (int k = 0; k < N; k++) g[k] = (float)grad_at(t, k);
        rt_optim_sgd(x, v, g, N, (float)lr, (float)mom, (float)decay);
        for (int k = 0; k < N; k++) {
            vd[k] = mom * vd[k] + lr * ((double)g[k] - decay * xd[k]);
            xd[k] += vd[k];
        }
    }
    double worst = 0;
    for (int k = 0; k < N; k++) {
        double d = fabs((double)x[k] - xd[k]);
        if (d > worst) worst = d;
    }
    CHECK(worst < 1e-5, "worst difference %.3g after %d steps", worst, STEPS);
}

static void finite_finds_every_position(void) {
    float x[37];
    for (int k = 0; k < 37; k++) x[k] = k % 3 == 0 ? FLT_MAX : k % 3 == 1 ? -1e-40f : (float)k;
    CHECK(rt_optim_finite(x, 37) && rt_optim_finite(x, 0), "finite values");
    const float bad[] = {INFINITY, -INFINITY, NAN};
    for (int b = 0; b < 3; b++)
        for (int at = 0; at < 37; at++) {
            float keep = x[at];
            x[at] = bad[b];
            CHECK(!rt_optim_finite(x, 37), "%g at %d not found", (double)bad[b], at);
            CHECK(rt_optim_finite(x, at), "%g at %d found in the %d before it", (double)bad[b], at, at);
            x[at] = keep;
        }
}

int main(void) {
    TEST(adam_matches_double);
    TEST(sgd_matches_double);
    TEST(finite_finds_every_position);
    CHECK_DONE();
}
