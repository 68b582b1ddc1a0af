/* rt_filters.h — a model's filters (a weight matrix's columns) as images. */
#ifndef EBMC_RT_FILTERS_H
#define EBMC_RT_FILTERS_H
#include "rt_model.h"

/* The loading's columns of a linear-Gaussian model, else the filters of
 * the first parameter whose leading dimensions hold the first visible
 * group's units (W of v[i]*W[i, j]*h[j] or v[r, s]*W[r, s, j]*h[j]: a filter
 * per hidden unit, the first 4096), else the first matrix's columns, as a
 * PNG grid on one symmetric colour scale at path. *drawn, *param (either
 * may be NULL) get the filter count and the parameter. 0 or -1
 * (rt_last_error). */
int rt_filters_png(const rt_model *m, rt_params *p, const char *path, int64_t *drawn, int *param);
/* the same, and a line saying so on stdout; 0 or -1 (rt_last_error) */
int rt_draw_filters(const rt_model *m, rt_params *p, const char *path);
#endif
