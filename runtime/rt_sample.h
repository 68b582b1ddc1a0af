/* rt_sample.h — drawing from a compiled model by block Gibbs sampling. */
#ifndef EBMC_RT_SAMPLE_H
#define EBMC_RT_SAMPLE_H
#include "rt_model.h"

/* Runs `chains` independent chains for `steps` sweeps from random states.
 * values / means (each chains x rt_visible_floats(m), either may be NULL)
 * receive the final visible states and their conditional expectations. */
int rt_sample(const rt_model *m, rt_params *p, int64_t chains, int steps, uint64_t seed, float *values,
              float *means);
/* acceptance rates of the groups with MCMC samplers in the last rt_sample
 * (NAN for exactly sampled groups); rates has m->ngroups entries */
void rt_sample_acceptance(const rt_model *m, double *rates);
#endif
