/* rt_outputs.c — samples and pictures: PNG grids, CSV, NPY; all atomic. */
#include <errno.h>
#include <math.h>
#include <png.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

int rt_write_png_grid(const char *path, const float *images, int n, int h, int w, int ncols, int normalize) {
    if (n <= 0 || h <= 0 || w <= 0) return rt_fail("nothing to draw in '%s'", path);
    if (ncols <= 0) ncols = 1;
    int nrows = (n + ncols - 1) / ncols;
    /* small images are drawn with square pixels of s x s, so a 4x4 sample is
     * 32 pixels wide and a 28x28 one 56 */
    int big = h > w ? h : w, s = big >= 64 ? 1 : 64 / big > 8 ? 8 : 64 / big;
    int W = ncols * (w * s + 1) + 1, H = nrows * (h * s + 1) + 1;
    unsigned char *px = malloc((size_t)W * (size_t)H);
    memset(px, 128, (size_t)W * (size_t)H);   /* grey separators */
    for (int k = 0; k < n; k++) {
        const float *im = images + (size_t)k * (size_t)h * (size_t)w;
        float lo = 0, hi = 1;
        if (normalize) {
            /* the finite pixels' range; 0 .. 1 when there are none */
            int any = 0;
            for (int i = 0; i < h * w; i++) {
                if (!isfinite(im[i])) continue;
                if (!any || im[i] < lo) lo = im[i];
                if (!any || im[i] > hi) hi = im[i];
                any = 1;
            }
            if (!any) lo = 0, hi = 1;
            if (hi <= lo) hi = lo + 1;
        }
        int r0 = (k / ncols) * (h * s + 1) + 1, c0 = (k % ncols) * (w * s + 1) + 1;
        for (int y = 0; y < h * s; y++)
            for (int x = 0; x < w * s; x++) {
                float v = (im[(y / s) * w + x / s] - lo) / (hi - lo);
                v = v > 0 ? (v < 1 ? v : 1) : 0;   /* NaN: black */
                px[(size_t)(r0 + y) * (size_t)W + (size_t)(c0 + x)] = (unsigned char)lrintf(v * 255.0f);
            }
    }
    rt_atomic a;
    if (rt_atomic_open(&a, path)) {
        free(px);
        return -1;
    }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    int ok = png && info;
    if (ok && setjmp(png_jmpbuf(png))) ok = 0;
    else if (ok) {
        png_init_io(png, a.fp);
        png_set_IHDR(png, info, (png_uint_32)W, (png_uint_32)H, 8, PNG_COLOR_TYPE_GRAY, PNG_INTERLACE_NONE,
                     PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
        png_write_info(png, info);
        for (int y = 0; y < H; y++) png_write_row(png, px + (size_t)y * (size_t)W);
        png_write_end(png, NULL);
    }
    png_destroy_write_struct(&png, &info);
    free(px);
    if (!ok) rt_fail("cannot write PNG '%s'", path);
    return rt_atomic_commit(&a, ok);
}

int rt_write_csv(const char *path, const float *data, int64_t rows, int64_t cols, const char *const *colnames) {
    rt_atomic a;
    if (rt_atomic_open(&a, path)) return -1;
    FILE *f = a.fp;
    for (int64_t c = 0; c < cols; c++) {
        if (c) fputc(',', f);
        if (colnames) fputs(colnames[c], f);
        else fprintf(f, "x%lld", (long long)c);
    }
    fputc('\n', f);
    for (int64_t r = 0; r < rows; r++) {
        for (int64_t c = 0; c < cols; c++) fprintf(f, c ? ",%.9g" : "%.9g", data[r * cols + c]);
        fputc('\n', f);
    }
    int ok = !ferror(f);
    if (!ok) rt_fail("cannot write '%s': %s", path, strerror(errno));
    return rt_atomic_commit(&a, ok);
}

int rt_write_npy(const char *path, const float *data, int ndim, const int64_t *dims) {
    char hdr[256];
    int o = snprintf(hdr, sizeof hdr, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
    for (int d = 0; d < ndim; d++) o += snprintf(hdr + o, sizeof hdr - (size_t)o, "%lld%s", (long long)dims[d], ndim == 1 ? "," : d + 1 < ndim ? ", " : "");
    o += snprintf(hdr + o, sizeof hdr - (size_t)o, "), }");
    /* magic(6) + version(2) + len(2) + header, padded with spaces to a
     * multiple of 64 and ended by a newline */
    int total = 10 + o + 1;
    int pad = (64 - total % 64) % 64;
    rt_atomic a;
    if (rt_atomic_open(&a, path)) return -1;
    FILE *f = a.fp;
    int hl = o + pad + 1;
    fwrite("\x93NUMPY\x01\x00", 1, 8, f);
    fputc(hl & 0xff, f);
    fputc(hl >> 8, f);
    fwrite(hdr, 1, (size_t)o, f);
    for (int i = 0; i < pad; i++) fputc(' ', f);
    fputc('\n', f);
    size_t count = (size_t)rt_numel(ndim, dims);
    int ok = fwrite(data, sizeof(float), count, f) == count;
    if (!ok) rt_fail("cannot write '%s': %s", path, strerror(errno));
    return rt_atomic_commit(&a, ok);
}
