/* rt_fegap.c — the free-energy gap between held-out and training data, an
 * overfitting monitor (Hinton 2010, "A practical guide to training RBMs",
 * section 6): log p(v) = -F(v) - log Z, so the difference of the average
 * free energies of two sets is the difference of their average
 * log-likelihoods with the intractable log Z cancelled. While the model
 * generalises the gap stays near zero; when it starts to fit the training
 * examples themselves, their free energy falls below that of held-out
 * examples and the gap grows. */
#include <math.h>
#include <stdlib.h>

#include "rt_dist.h"
#include "rt_train.h"

/* mean over k rows of F(v) - log h(v) (h: the base measure of binomial units) */
static double mean_free_energy(const rt_model *m, rt_params *p, const float *rows, int64_t n, int64_t k, int64_t rf) {
    int64_t B = k < 500 ? k : 500;
    rt_ws *w = rt_ws_new(m, B, p, 0);
    float *chunk = malloc(sizeof(float) * (size_t)(B * rf));
    uint64_t vis = 0;
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE) vis |= 1ULL << g;
    double s = 0;
    int64_t lo, hi;   /* this rank's rows of the k (rt_dist.h) */
    rt_dist_share(k, &lo, &hi);
    for (int64_t i0 = lo; i0 < hi; i0 += B) {
        w->B = hi - i0 < B ? hi - i0 : B;
        /* rows spread evenly over the set */
        for (int64_t r = 0; r < w->B; r++) {
            const float *src = rows + ((i0 + r) * n / k) * rf;
            for (int64_t j = 0; j < rf; j++) chunk[r * rf + j] = src[j];
        }
        rt_ws_set_visible(w, chunk, w->B, rf);
        rt_ws_run(w, m->k_free_energy);
        for (int64_t r = 0; r < w->B; r++) s += (double)w->bufs[m->fe_buf][r] - rt_log_base_measure(w, r, vis);
    }
    free(chunk);
    rt_ws_free(w);
    if (rt_dist_sum(NULL, 0, &s, 1)) return NAN;
    return s / (double)k;
}

int rt_fe_gap(const rt_model *m, rt_params *p, const float *train, int64_t ntrain, const float *held, int64_t nheld,
              int64_t row_floats, double *gap) {
    if (!m->fe_exact) return rt_fail("the free-energy gap needs every hidden group summed out in closed form");
    int64_t k = ntrain < nheld ? ntrain : nheld;
    if (k > 1000) k = 1000;
    if (k < 1) return rt_fail("the free-energy gap needs held-out examples");
    *gap = mean_free_energy(m, p, held, nheld, k, row_floats) - mean_free_energy(m, p, train, ntrain, k, row_floats);
    return 0;
}
