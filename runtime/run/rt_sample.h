/* rt_sample.h — drawing from a compiled model by block Gibbs sampling. */
#ifndef EBMC_RT_SAMPLE_H
#define EBMC_RT_SAMPLE_H
#include "rt_model.h"

/* Runs `chains` independent chains for `steps` sweeps from random states.
 * values / means (each chains x rt_visible_floats(m), either may be NULL)
 * receive the final visible states and their conditional expectations. */
int rt_sample(const rt_model *m, rt_params *p, int64_t chains, int steps, uint64_t seed, float *values,
              float *means);
/* Units held fixed in every chain: `rows` rows of group `group`'s values
 * (chain c uses row c mod rows); a unit is held where mask is non-zero, or,
 * with mask NULL, where its value is not NaN. */
typedef struct rt_clamp {
    int group;
    const float *values;
    const float *mask;
    int64_t rows;
} rt_clamp;

/* rt_sample with units clamped; mean_field != 0 replaces the draws by the
 * conditional means (deterministic completion). Input groups must be
 * clamped: they are observed; noise inputs draw their values, once per
 * chain. */
int rt_sample_clamped(const rt_model *m, rt_params *p, int64_t chains, int steps, uint64_t seed,
                      const rt_clamp *clamps, int nclamps, int mean_field, float *values, float *means);
/* Chains [c0, c1) of those rt_sample_clamped runs (c0 <= c1; none when
 * equal): each draws what it draws among all of them (rt_ws.row0 = c0), so
 * chains split over ranks give one process's states. values / means get
 * (c1 - c0) rows. */
int rt_sample_rows(const rt_model *m, rt_params *p, int64_t c0, int64_t c1, int steps, uint64_t seed,
                   const rt_clamp *clamps, int nclamps, int mean_field, float *values, float *means);
/* rt_sample_clamped across the ranks of mpirun (every rank calls it):
 * rank r runs its share of the chains (rt_dist_share, rt_sample_rows), and
 * values and means (either may be NULL) get all of them, in chain order,
 * on every rank: one process's bits. rates, when not NULL, gets the
 * acceptance rates of all ranks' MCMC moves (rt_sample_rates). In one
 * process it is rt_sample_clamped. 0 or -1 (rt_fail). */
int rt_sample_split(const rt_model *m, rt_params *p, int64_t chains, int steps, uint64_t seed, const rt_clamp *clamps,
                    int nclamps, int mean_field, float *values, float *means, double *rates);
/* The last run's MCMC moves: the accepted ones of the first
 * RT_SAMPLE_GROUPS groups, then the proposed ones (2 RT_SAMPLE_GROUPS
 * doubles, which ranks add up); and the acceptance rates of such counts,
 * one per group up to RT_SAMPLE_GROUPS (NAN for exactly sampled groups). */
enum { RT_SAMPLE_GROUPS = 64 };
void rt_sample_counts(double *counts);
void rt_sample_rates(const rt_model *m, const double *counts, double *rates);
#endif
