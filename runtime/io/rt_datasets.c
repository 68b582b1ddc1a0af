/* rt_datasets.c — IDX, CSV and NPY loaders, bars-and-stripes, transforms.
 * Every malformed input is an error that names the file and what is wrong. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "rt.h"

int64_t rt_dataset_row(const rt_dataset *d) { return rt_numel(d->ndim, d->dims); }

void rt_dataset_free(rt_dataset *d) {
    if (!d) return;
    rt_free(d->data);
    free(d->labels);
    d->data = NULL;
    d->labels = NULL;
    d->n = 0;
}

static int alloc_rows(rt_dataset *d, int64_t n) {
    int64_t row = rt_dataset_row(d);
    if (n < 0 || row <= 0 || (n > 0 && row > ((int64_t)1 << 40) / n)) return rt_fail("data set too large");
    d->n = n;
    d->data = rt_alloc(sizeof(float) * (size_t)(n * row));
    return 0;
}

/* ---- IDX ------------------------------------------------------------------------ */

static int gz_read(gzFile f, void *buf, size_t n, size_t *got) {
    size_t total = 0;
    while (total < n) {
        unsigned chunk = n - total > (1u << 30) ? (1u << 30) : (unsigned)(n - total);
        int r = gzread(f, (char *)buf + total, chunk);
        if (r < 0) return -1;
        if (r == 0) break;
        total += (size_t)r;
    }
    *got = total;
    return 0;
}

int rt_load_idx(const char *path, rt_dataset *out) {
    if (rt_check_readable(path)) return -1;
    memset(out, 0, sizeof *out);
    gzFile f = gzopen(path, "rb");
    if (!f) return rt_fail("cannot read '%s': %s", path, strerror(errno ? errno : ENOENT));
    unsigned char hdr[4];
    size_t got;
    int rc = 0;
    unsigned char *raw = NULL;
    if (gz_read(f, hdr, 4, &got) || got != 4) {
        rc = rt_fail("%s: not an IDX file (too short for its header)", path);
        goto done;
    }
    int type = hdr[2], ndim = hdr[3];
    int esize = type == 0x08 || type == 0x09 ? 1 : type == 0x0B ? 2 : type == 0x0C || type == 0x0D ? 4 : type == 0x0E ? 8 : 0;
    if (hdr[0] || hdr[1] || !esize || ndim < 1 || ndim > RT_MAX_DIMS) {
        rc = rt_fail("%s: not an IDX file (bad magic number %02x %02x %02x %02x)", path, hdr[0], hdr[1], hdr[2], hdr[3]);
        goto done;
    }
    unsigned char dimb[4 * RT_MAX_DIMS];
    if (gz_read(f, dimb, 4 * (size_t)ndim, &got) || got != 4 * (size_t)ndim) {
        rc = rt_fail("%s: truncated IDX header", path);
        goto done;
    }
    int64_t dims[RT_MAX_DIMS], count = 1;
    for (int i = 0; i < ndim; i++) {
        dims[i] = (int64_t)dimb[4 * i] << 24 | dimb[4 * i + 1] << 16 | dimb[4 * i + 2] << 8 | dimb[4 * i + 3];
        if (dims[i] <= 0 || count > ((int64_t)1 << 40) / dims[i]) {
            rc = rt_fail("%s: IDX dimension %d is %lld", path, i, (long long)dims[i]);
            goto done;
        }
        count *= dims[i];
    }
    out->ndim = ndim == 1 ? 1 : ndim - 1;
    if (ndim == 1) out->dims[0] = 1;
    for (int i = 1; i < ndim; i++) out->dims[i - 1] = dims[i];
    size_t bytes = (size_t)count * (size_t)esize;
    /* the header may claim anything: grow the buffer only as data arrive */
    size_t cap = bytes < (1 << 20) ? bytes : (1 << 20), have = 0;
    raw = malloc(cap ? cap : 1);
    while (raw && have < bytes) {
        if (have == cap) {
            cap = cap * 2 < bytes ? cap * 2 : bytes;
            unsigned char *more = realloc(raw, cap);
            if (!more) break;
            raw = more;
        }
        size_t want = cap - have;
        if (gz_read(f, raw + have, want, &got)) {
            rc = rt_fail("%s: cannot read the data", path);
            goto done;
        }
        have += got;
        if (got < want) break;
    }
    if (!raw) {
        rc = rt_fail("%s: out of memory", path);
        goto done;
    }
    got = have;
    if (got != bytes) {
        rc = rt_fail("%s: truncated IDX file: expected %zu data bytes, got %zu", path, bytes, got);
        goto done;
    }
    /* exactly the declared size (for .gz, once decompressed): more bytes mean
     * the header does not describe the file */
    unsigned char extra;
    if (gz_read(f, &extra, 1, &got)) {
        rc = rt_fail("%s: cannot read the data", path);
        goto done;
    }
    if (got) {
        rc = rt_fail("%s: trailing data after the %zu data bytes the IDX header declares", path, bytes);
        goto done;
    }
    if (alloc_rows(out, dims[0])) {
        rc = -1;
        goto done;
    }
    for (int64_t i = 0; i < count; i++) {
        const unsigned char *p = raw + i * esize;
        float v;
        switch (type) {
        case 0x08: v = p[0] / 255.0f; break;
        case 0x09: v = (float)(signed char)p[0]; break;
        case 0x0B: v = (float)(int16_t)(p[0] << 8 | p[1]); break;
        case 0x0C: v = (float)(int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]); break;
        case 0x0D: {
            uint32_t u = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
            memcpy(&v, &u, 4);
            break;
        }
        default: {
            uint64_t u = 0;
            for (int k = 0; k < 8; k++) u = u << 8 | p[k];
            double dv;
            memcpy(&dv, &u, 8);
            v = (float)dv;
        }
        }
        out->data[i] = v;
    }
done:
    free(raw);
    gzclose(f);
    if (rc) rt_dataset_free(out);
    return rc;
}

/* ---- CSV -------------------------------------------------------------------------- */

/* 1 if some comma-separated field of line is a number as a whole (spaces
 * around it allowed): such a row is data, not a header. */
static int csv_has_number(const char *line) {
    const char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t') p++;
        char *end;
        strtod(p, &end);
        if (end != p) {
            const char *q = end;
            while (*q == ' ' || *q == '\t' || *q == '\r') q++;
            if (*q == ',' || *q == '\n' || *q == 0) return 1;
        }
        p = strchr(p, ',');
        if (!p) return 0;
        p++;
    }
}

/* Parses one line into vals; returns the count, or -1 with *badcol set. */
static int64_t parse_csv_line(char *line, float *vals, int64_t max, int *badcol) {
    int64_t n = 0;
    char *p = line;
    for (;;) {
        while (*p == ' ' || *p == '\t') p++;
        char *end;
        errno = 0;
        double v = strtod(p, &end);
        if (end == p) {
            *badcol = (int)(p - line) + 1;
            return -1;
        }
        if (n < max) vals[n] = (float)v;
        n++;
        p = end;
        while (*p == ' ' || *p == '\t' || *p == '\r') p++;
        if (*p == ',') {
            p++;
            continue;
        }
        if (*p == 0 || *p == '\n') return n;
        *badcol = (int)(p - line) + 1;
        return -1;
    }
}

int rt_load_csv(const char *path, rt_dataset *out) {
    if (rt_check_readable(path)) return -1;
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "r");
    if (!f) return rt_fail("cannot read '%s': %s", path, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int64_t width = -1, rows = 0, cap_rows = 0, lineno = 0;
    float *data = NULL, *vals = NULL;
    int rc = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        int blank = 1;
        for (ssize_t i = 0; i < len; i++)
            if (!isspace((unsigned char)line[i])) blank = 0;
        if (blank) continue;
        int64_t maxv = width > 0 ? width : (int64_t)len + 1;
        vals = realloc(vals, sizeof(float) * (size_t)maxv);
        int badcol = 0;
        int64_t n = parse_csv_line(line, vals, maxv, &badcol);
        if (n < 0) {
            if (width < 0 && rows == 0 && !csv_has_number(line)) {
                width = 0;   /* a header row: skipped, the next row sets the width */
                continue;
            }
            rc = rt_fail("%s:%lld:%d: not a number", path, (long long)lineno, badcol);
            break;
        }
        if (width <= 0) width = n;
        else if (n != width) {
            rc = rt_fail("%s:%lld: expected %lld values, found %lld", path, (long long)lineno, (long long)width, (long long)n);
            break;
        }
        if (rows == cap_rows) {
            cap_rows = cap_rows ? cap_rows * 2 : 256;
            data = realloc(data, sizeof(float) * (size_t)(cap_rows * width));
        }
        memcpy(data + rows * width, vals, sizeof(float) * (size_t)width);
        rows++;
    }
    free(line);
    free(vals);
    fclose(f);
    if (!rc && rows == 0) rc = rt_fail("%s: no data rows", path);
    if (!rc) {
        out->ndim = 1;
        out->dims[0] = width;
        if (alloc_rows(out, rows)) rc = -1;
        else memcpy(out->data, data, sizeof(float) * (size_t)(rows * width));
    }
    free(data);
    return rc;
}

/* ---- NPY ---------------------------------------------------------------------------- */

int rt_load_npy(const char *path, rt_dataset *out) {
    if (rt_check_readable(path)) return -1;
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f) return rt_fail("cannot read '%s': %s", path, strerror(errno));
    unsigned char pre[10];
    int rc = 0;
    char *hdr = NULL;
    unsigned char *raw = NULL;
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6)) {
        rc = rt_fail("%s: not a .npy file", path);
        goto done;
    }
    size_t hlen = pre[8] | pre[9] << 8;
    if (pre[6] >= 2) {
        unsigned char more[2];
        if (fread(more, 1, 2, f) != 2) {
            rc = rt_fail("%s: truncated .npy header", path);
            goto done;
        }
        hlen |= (size_t)more[0] << 16 | (size_t)more[1] << 24;
    }
    if (hlen > (1 << 20)) {
        rc = rt_fail("%s: .npy header too long", path);
        goto done;
    }
    hdr = calloc(1, hlen + 1);
    if (fread(hdr, 1, hlen, f) != hlen) {
        rc = rt_fail("%s: truncated .npy header", path);
        goto done;
    }
    const char *d = strstr(hdr, "'descr'"), *fo = strstr(hdr, "'fortran_order'"), *sh = strstr(hdr, "'shape'");
    if (!d || !fo || !sh) {
        rc = rt_fail("%s: .npy header lacks descr, fortran_order or shape", path);
        goto done;
    }
    if (strstr(fo, "True") && strstr(fo, "True") < strchr(fo, ',')) {
        rc = rt_fail("%s: Fortran-ordered arrays are not supported; save with C order", path);
        goto done;
    }
    const char *q = strchr(d + 7, '\'');
    char descr[16] = {0};
    if (q) sscanf(q + 1, "%15[^']", descr);
    int esize = !strcmp(descr, "<f4") || !strcmp(descr, "<i4") ? 4 : !strcmp(descr, "<f8") || !strcmp(descr, "<i8") ? 8
              : !strcmp(descr, "|u1") ? 1 : 0;
    if (!esize) {
        rc = rt_fail("%s: unsupported dtype '%s' (use float32, float64, uint8, int32 or int64)", path, descr);
        goto done;
    }
    const char *p = strchr(sh, '(');
    int64_t dims[RT_MAX_DIMS + 1];
    int nd = 0;
    if (!p) {
        rc = rt_fail("%s: bad shape in .npy header", path);
        goto done;
    }
    for (p++; *p && *p != ')';) {
        while (*p == ' ' || *p == ',') p++;
        if (*p == ')') break;
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p || v < 0 || nd > RT_MAX_DIMS) {
            rc = rt_fail("%s: bad shape in .npy header", path);
            goto done;
        }
        dims[nd++] = v;
        p = end;
    }
    if (nd == 0) {
        rc = rt_fail("%s: a .npy data set needs at least one dimension", path);
        goto done;
    }
    int64_t count = 1;
    for (int i = 0; i < nd; i++)
        if (__builtin_mul_overflow(count, dims[i], &count) || count > ((int64_t)1 << 40)) {
            rc = rt_fail("%s: the shape in the .npy header is too large", path);
            goto done;
        }
    long here = ftell(f);
    fseek(f, 0, SEEK_END);
    long fsize = ftell(f);
    fseek(f, here, SEEK_SET);
    if (here < 0 || fsize < here || (uint64_t)(fsize - here) < (uint64_t)count * (uint64_t)esize) {
        rc = rt_fail("%s: truncated .npy data: the header promises %lld values", path, (long long)count);
        goto done;
    }
    if ((uint64_t)(fsize - here) > (uint64_t)count * (uint64_t)esize) {
        rc = rt_fail("%s: trailing data after the .npy array: the header promises %lld values (%lld bytes), the file "
                     "holds %lld bytes more",
                     path, (long long)count, (long long)(count * esize), (long long)(fsize - here - count * esize));
        goto done;
    }
    out->ndim = nd == 1 ? 1 : nd - 1;
    out->dims[0] = 1;
    for (int i = 1; i < nd; i++) out->dims[i - 1] = dims[i];
    raw = malloc((size_t)count * (size_t)esize + 1);
    size_t got = fread(raw, 1, (size_t)count * (size_t)esize, f);
    if (got != (size_t)count * (size_t)esize) {
        rc = rt_fail("%s: truncated .npy data: expected %lld bytes, got %zu", path, (long long)(count * esize), got);
        goto done;
    }
    if (alloc_rows(out, dims[0])) {
        rc = -1;
        goto done;
    }
    for (int64_t i = 0; i < count; i++) {
        const unsigned char *e = raw + i * esize;
        float v;
        if (!strcmp(descr, "<f4")) memcpy(&v, e, 4);
        else if (!strcmp(descr, "<f8")) {
            double x;
            memcpy(&x, e, 8);
            v = (float)x;
        } else if (!strcmp(descr, "<i4")) {
            int32_t x;
            memcpy(&x, e, 4);
            v = (float)x;
        } else if (!strcmp(descr, "<i8")) {
            int64_t x;
            memcpy(&x, e, 8);
            v = (float)x;
        } else
            v = (float)e[0];
        out->data[i] = v;
    }
done:
    free(hdr);
    free(raw);
    fclose(f);
    if (rc) rt_dataset_free(out);
    return rc;
}

/* ---- generated and transformed --------------------------------------------------------- */

int rt_make_bars_stripes(int rows, int cols, rt_dataset *out) {
    memset(out, 0, sizeof *out);
    if (rows < 1 || cols < 1 || rows > 16 || cols > 16) return rt_fail("bars_and_stripes: size out of range");
    out->ndim = 2;
    out->dims[0] = rows;
    out->dims[1] = cols;
    /* every subset of rows lit (stripes), then every subset of columns
     * except the empty and full ones, which the stripes already have */
    int64_t n = ((int64_t)1 << rows) + ((int64_t)1 << cols) - 2;
    alloc_rows(out, n);
    int64_t k = 0;
    for (int m = 0; m < (1 << rows); m++, k++)
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) out->data[k * rows * cols + r * cols + c] = (float)(m >> r & 1);
    for (int m = 1; m < (1 << cols) - 1; m++, k++)
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) out->data[k * rows * cols + r * cols + c] = (float)(m >> c & 1);
    return 0;
}

void rt_binarize(rt_dataset *d, float threshold) {
    int64_t n = d->n * rt_dataset_row(d);
    /* a missing value (NaN) stays missing */
    for (int64_t i = 0; i < n; i++) d->data[i] = isnan(d->data[i]) ? d->data[i] : d->data[i] > threshold ? 1.0f : 0.0f;
}

void rt_standardize(rt_dataset *d, float *mean, float *sd) {
    int64_t row = rt_dataset_row(d);
    for (int64_t j = 0; j < row; j++) {
        double s = 0, s2 = 0;
        for (int64_t i = 0; i < d->n; i++) s += d->data[i * row + j];
        double m = d->n ? s / (double)d->n : 0;
        for (int64_t i = 0; i < d->n; i++) {
            double x = d->data[i * row + j] - m;
            s2 += x * x;
        }
        double var = d->n ? s2 / (double)d->n : 0, scale = var > 1e-8 ? 1 / sqrt(var) : 1;
        for (int64_t i = 0; i < d->n; i++) d->data[i * row + j] = (float)((d->data[i * row + j] - m) * scale);
        if (mean) mean[j] = (float)m;
        if (sd) sd[j] = (float)(var > 1e-8 ? sqrt(var) : 1);
    }
}

int rt_make_moving_bar(int width, int history, rt_dataset *out) {
    memset(out, 0, sizeof *out);
    if (width < 5 || width > 64 || history < 0 || history > 8) return rt_fail("moving_bar: width 5..64, history 0..8");
    int period = 2 * (width - 3);
    out->ndim = 1;
    out->dims[0] = (int64_t)width * (history + 1);
    alloc_rows(out, period);
    for (int t = 0; t < period; t++)
        for (int h = 0; h <= history; h++) {
            int tt = ((t - h) % period + period) % period;
            int pos = tt < width - 3 ? tt : period - tt;   /* there and back */
            float *f = out->data + (int64_t)t * out->dims[0] + (int64_t)h * width;
            for (int k = 0; k < 3; k++) f[pos + k] = 1;
        }
    return 0;
}

int rt_make_moving_bar_sequences(int width, int T, rt_dataset *out) {
    memset(out, 0, sizeof *out);
    if (width < 5 || width > 64 || T < 1 || T > 256) return rt_fail("moving_bar: width 5..64, length 1..256");
    int period = 2 * (width - 3);
    out->ndim = 2;
    out->dims[0] = T;
    out->dims[1] = width;
    alloc_rows(out, period);
    for (int s = 0; s < period; s++)
        for (int t = 0; t < T; t++) {
            int tt = (s + t) % period;
            int pos = tt < width - 3 ? tt : period - tt;   /* there and back */
            float *f = out->data + ((int64_t)s * T + t) * width;
            for (int k = 0; k < 3; k++) f[pos + k] = 1;
        }
    return 0;
}

int rt_add_history(rt_dataset *d, int history) {
    if (history < 1) return 0;
    int64_t row = rt_dataset_row(d), n = d->n - history;
    if (n < 1) return rt_fail("history = %d needs more than %d examples (one per time step); there are %lld", history,
                              history, (long long)d->n);
    float *x = rt_alloc(sizeof(float) * (size_t)(n * row * (history + 1)));
    for (int64_t t = 0; t < n; t++)
        for (int h = 0; h <= history; h++)
            memcpy(x + (t * (history + 1) + h) * row, d->data + (t + history - h) * row, sizeof(float) * (size_t)row);
    rt_free(d->data);
    d->data = x;
    d->n = n;
    d->ndim = 1;
    d->dims[0] = row * (history + 1);
    return 0;
}

int rt_extract_patches(rt_dataset *d, int size, int64_t count, uint64_t seed) {
    if (d->ndim != 2 || d->dims[0] < size || d->dims[1] < size || size < 1)
        return rt_fail("patches of %d x %d need 2-D examples at least that large", size, size);
    if (count < 1 || d->n == 0) return rt_fail("patches: nothing to cut");
    int64_t H = d->dims[0], W = d->dims[1];
    float *p = rt_alloc(sizeof(float) * (size_t)(count * size * size));
    for (int64_t k = 0; k < count; k++) {
        int64_t n = (int64_t)(rt_uniform(seed, 1u << 23, 0, (uint32_t)k) * (float)d->n) % d->n;
        int64_t y = (int64_t)(rt_uniform(seed, (1u << 23) + 1, 0, (uint32_t)k) * (float)(H - size + 1)) % (H - size + 1);
        int64_t x = (int64_t)(rt_uniform(seed, (1u << 23) + 2, 0, (uint32_t)k) * (float)(W - size + 1)) % (W - size + 1);
        for (int r = 0; r < size; r++)
            memcpy(p + (k * size + r) * size, d->data + n * H * W + (y + r) * W + x, sizeof(float) * (size_t)size);
    }
    rt_free(d->data);
    d->data = p;
    d->n = count;
    d->dims[0] = d->dims[1] = size;
    return 0;
}

void rt_to_spins(rt_dataset *d) {
    int64_t n = d->n * rt_dataset_row(d);
    for (int64_t i = 0; i < n; i++) d->data[i] = 2 * d->data[i] - 1;
}
