/* rt_filters.h — a model's filters (a weight matrix's columns) as images. */
#ifndef EBMC_RT_FILTERS_H
#define EBMC_RT_FILTERS_H
#include "rt_model.h"

/* the loading's columns (or the first matrix parameter's) as a PNG grid
 * at path, and a line saying so on stdout; 0 or -1 (rt_last_error) */
int rt_draw_filters(const rt_model *m, rt_params *p, const char *path);
#endif
