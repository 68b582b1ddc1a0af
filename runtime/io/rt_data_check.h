/* rt_data_check.h — data rows against the values a model's units take. */
#ifndef EBMC_RT_DATA_CHECK_H
#define EBMC_RT_DATA_CHECK_H
#include "rt_model.h"

/* Every visible value of d (rows laid out as rt_visible_floats: the
 * non-hidden groups in order) against its group's unit type: bernoulli 0 or
 * 1, spin -1 or +1, binomial(n) an integer 0..n, softmax one-hot over the
 * last axis. NaN passes where nan_missing (a missing value), else it is an
 * error. 0, or -1 after rt_fail naming src, the first bad row (from 1), the
 * column and the unit. A recurrent model's rows are sequences of frames
 * (rt_recurrent.h): each frame is checked, and NaN is an error. */
int rt_data_check(const rt_model *m, const rt_dataset *d, const char *src, int nan_missing);
/* rows x g->size values held fixed in group g (--clamp): the same checks,
 * NaN meaning a unit left free; src names a file (rows and columns are
 * named) or a flag such as "--clamp v=7" */
int rt_group_check(const rt_group *g, const float *v, int64_t rows, const char *src);
#endif
