/* rt_meanfield.c — the mean-field fixed point of the hidden groups given
 * the visible ones (rt_model.h): the DBM's positive phase, its variational
 * bound and the inputs of its unrolled network use this one loop. A
 * visible group with a clamp (rt_ws_clamp) is updated too where it is not
 * held: prediction with the target and missing units free
 * (rt_classify_mf.c), in the order method = mp unrolls (derive_mp.c). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_model.h"

int rt_mean_field(rt_ws *w, int iters, double tol) {
    const rt_model *m = w->m;
    float *old = NULL;
    size_t cap = 0;
    int it = 0;
    while (it < iters) {
        double moved = 0;
        for (int k = 0; k < m->nblocks; k++)
            for (int g = 0; g < m->ngroups; g++) {
                const rt_group *gr = &m->groups[g];
                if (gr->block != m->sweep[k] || gr->role == RT_INPUT) continue;
                if (gr->role == RT_VISIBLE && !w->clamp_value[g]) continue;
                if (gr->sampler != RT_SAMPLER_EXACT) {
                    rt_mcmc_update(w, g);
                    continue;
                }
                size_t n = (size_t)(gr->size * w->B);
                float *x = w->bufs[gr->state_buf];
                if (tol > 0) {
                    if (n > cap) {
                        free(old);
                        old = malloc(sizeof(float) * (cap = n));
                    }
                    memcpy(old, x, sizeof(float) * n);
                }
                rt_ws_run(w, gr->k_mean);
                rt_ws_apply_clamp(w, g);
                for (size_t i = 0; tol > 0 && i < n; i++)
                    if (fabs((double)x[i] - old[i]) > moved) moved = fabs((double)x[i] - old[i]);
            }
        it++;
        if (tol > 0 && moved < tol) break;
    }
    free(old);
    return it;
}
