/* rt_source.h — where training data comes from: a file (IDX, CSV, NPY) or
 * a generator, and what is done to it on loading. The compiler fills one
 * from a spec's data = ... (compiler/config/config.c); a built binary embeds it. */
#ifndef EBMC_RT_SOURCE_H
#define EBMC_RT_SOURCE_H
#include "rt.h"

typedef enum rt_source_kind { RT_SRC_NONE, RT_SRC_IDX, RT_SRC_CSV, RT_SRC_NPY, RT_SRC_BARS_STRIPES, RT_SRC_MOVING_BAR } rt_source_kind;

typedef struct rt_source {
    rt_source_kind kind;
    const char *path;
    const char *labels;      /* idx(..., labels = "file"): one-hot columns appended */
    int rows, cols;          /* bars_and_stripes(rows, cols); moving_bar(width = cols, history = rows) */
    int spins;               /* map {0, 1} to {-1, +1} */
    int patch;               /* cut patch x patch pieces ... */
    long long patches;       /* ... this many */
    double binarize;         /* NAN: keep values */
    int standardize;
    long long limit;         /* first N examples; 0: all */
    int history;             /* rows become step t then steps t-1 .. t-history */
    int length;              /* moving_bar(width, length = T): rows are sequences of T frames */
    int nan_missing;         /* NaN marks a missing value (training data);
                                else NaN, like an infinity, is an error */
} rt_source;

/* Loads the data src names; 0, or -1 after rt_fail (a missing Fashion-MNIST
 * names the Debian package that provides it; a non-finite value names the
 * file, row and column). */
int rt_source_load(const rt_source *src, rt_dataset *out);
/* A data source given on the command line: "bars_and_stripes" (4 x 4), a
 * path ending in .csv or .npy, or else an IDX file (.gz or not). */
void rt_source_from_arg(const char *arg, rt_source *out);
#endif
