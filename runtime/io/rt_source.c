/* rt_source.c — training data from a file or a generator (rt_source.h). */
#include "rt_source.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* idx(..., labels = "f"): the labels as one-hot columns after each row */
static int append_onehot(rt_dataset *d, const char *path) {
    rt_dataset lab;
    if (rt_load_idx(path, &lab)) return -1;
    int rc = 0;
    if (lab.n != d->n || rt_dataset_row(&lab) != 1) {
        rc = rt_fail("%s: %lld labels for %lld examples", path, (long long)lab.n, (long long)d->n);
    } else {
        /* uint8 IDX values were scaled to [0, 1]; labels are the raw bytes */
        int64_t K = 0;
        for (int64_t i = 0; i < lab.n; i++) {
            int64_t y = (int64_t)lrintf(lab.data[i] * 255.0f);
            if (y + 1 > K) K = y + 1;
        }
        int64_t row = rt_dataset_row(d);
        float *x = rt_alloc(sizeof(float) * (size_t)(d->n * (row + K)));
        for (int64_t i = 0; i < d->n; i++) {
            memcpy(x + i * (row + K), d->data + i * row, sizeof(float) * (size_t)row);
            x[i * (row + K) + row + (int64_t)lrintf(lab.data[i] * 255.0f)] = 1;
        }
        rt_free(d->data);
        d->data = x;
        /* a flat row: the image's shape no longer describes it */
        d->ndim = 1;
        d->dims[0] = row + K;
    }
    rt_dataset_free(&lab);
    return rc;
}

/* Before anything is derived from the values: binarize would turn NaN into
 * 0 and an infinity into 1, standardize would spread either over a column. */
static int check_finite(const rt_source *ds, const rt_dataset *d) {
    int64_t row = rt_dataset_row(d);
    for (int64_t i = 0; i < d->n * row; i++) {
        float x = d->data[i];
        if (isfinite(x) || (isnan(x) && ds->nan_missing)) continue;
        const char *what = isnan(x) ? "NaN" : x > 0 ? "an infinity" : "a negative infinity";
        return rt_fail("%s: row %lld, column %lld holds %s%s", ds->path ? ds->path : "the data", (long long)(i / row + 1),
                       (long long)(i % row + 1), what,
                       isnan(x) ? " (NaN marks a missing value only in a train block's data)" : "");
    }
    return 0;
}

int rt_source_load(const rt_source *ds, rt_dataset *out) {
    int rc = 0;
    memset(out, 0, sizeof *out);
    switch (ds->kind) {
    case RT_SRC_NONE: rt_fail("no training data: set data = ... in the train block"); return -1;
    case RT_SRC_BARS_STRIPES: rc = rt_make_bars_stripes(ds->rows, ds->cols, out); break;
    case RT_SRC_MOVING_BAR:
        rc = ds->length > 0 ? rt_make_moving_bar_sequences(ds->cols, ds->length, out) : rt_make_moving_bar(ds->cols, ds->rows, out);
        break;
    case RT_SRC_IDX:
    case RT_SRC_CSV:
    case RT_SRC_NPY: {
        struct stat sb;
        if (stat(ds->path, &sb) != 0) {
            if (strstr(ds->path, "fashion-mnist"))
                return rt_fail("cannot read '%s': %s\n  Fashion-MNIST is a Debian package: "
                               "sudo apt-get install dataset-fashion-mnist",
                               ds->path, strerror(errno));
            return rt_fail("cannot read '%s': %s", ds->path, strerror(errno));
        }
        rc = ds->kind == RT_SRC_IDX ? rt_load_idx(ds->path, out) : ds->kind == RT_SRC_CSV ? rt_load_csv(ds->path, out)
                                                                                : rt_load_npy(ds->path, out);
        break;
    }
    }
    if (rc) return rc;
    if (ds->labels && append_onehot(out, ds->labels)) {
        rt_dataset_free(out);
        return -1;
    }
    if (ds->limit > 0 && ds->limit < out->n) out->n = ds->limit;
    if (check_finite(ds, out)) {
        rt_dataset_free(out);
        return -1;
    }
    if (ds->patch && rt_extract_patches(out, ds->patch, ds->patches, 1)) return -1;
    if (!isnan(ds->binarize)) rt_binarize(out, (float)ds->binarize);
    if (ds->standardize) rt_standardize(out, NULL, NULL);
    if (ds->spins) rt_to_spins(out);
    if (ds->history && rt_add_history(out, ds->history)) {
        rt_dataset_free(out);
        return -1;
    }
    return 0;
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

void rt_source_from_arg(const char *arg, rt_source *out) {
    memset(out, 0, sizeof *out);
    out->binarize = NAN;
    if (!strncmp(arg, "bars_and_stripes", 16)) {
        out->kind = RT_SRC_BARS_STRIPES;
        out->rows = out->cols = 4;
        return;
    }
    out->path = arg;
    out->kind = ends_with(arg, ".csv") ? RT_SRC_CSV : ends_with(arg, ".npy") ? RT_SRC_NPY : RT_SRC_IDX;
}
