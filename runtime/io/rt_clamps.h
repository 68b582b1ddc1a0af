/* rt_clamps.h — the clamps of sampling (`sample --clamp` / `--mask` and
 * the sample block's clamp lines) as the sampler's rt_clamp: the files
 * loaded, the regions left free, the values checked against the units. */
#ifndef EBMC_RT_CLAMPS_H
#define EBMC_RT_CLAMPS_H
#include "rt_model.h"
#include "rt_sample.h"

#define RT_MAX_CLAMPS 16

/* One clamp as written: values from a file or one value for every unit. */
typedef struct rt_clamp_spec {
    const char *group;
    const char *file;        /* CSV, .npy or IDX, one row per chain; NaN = free */
    double value;            /* NAN when a file is given */
    const char *free;        /* a region left free: top_half, bottom_half, left_half, right_half */
    const char *mask_file;   /* --mask GROUP=FILE: non-zero entries are free */
    double binarize;         /* NAN: keep the file's values */
    long long limit;         /* first N rows; 0: all */
} rt_clamp_spec;

/* the loaded clamps and the memory behind them */
typedef struct rt_clamps {
    int n;
    rt_clamp c[RT_MAX_CLAMPS];
    rt_dataset data[RT_MAX_CLAMPS];
    float *values[RT_MAX_CLAMPS], *mask[RT_MAX_CLAMPS];
} rt_clamps;

/* n specs of model m into out; *rows gets the row count of the first
 * file (0: no file). 0, or -1 after rt_fail (out is then to be freed). */
int rt_clamps_load(const rt_model *m, const rt_clamp_spec *specs, int n, rt_clamps *out, int64_t *rows);
void rt_clamps_free(rt_clamps *cl);
#endif
