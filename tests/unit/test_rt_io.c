/* test_rt_io.c — the runtime's files: IDX / CSV / NPY loaders, safetensors
 * checkpoints, PNG / CSV / NPY writers, atomic writes, bars-and-stripes.
 * Every rejected input must come with a message that names the file; every
 * file the tests write lives in a mkdtemp directory removed at the end. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <png.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "rt.h"

static char tmpdir[64];

static const char *tmp(const char *name) {
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", tmpdir, name);
    return buf[k];
}

static void put(const char *path, const void *bytes, size_t n) {
    FILE *f = fopen(path, "wb");
    if (f) {
        fwrite(bytes, 1, n, f);
        fclose(f);
    }
}

/* whole file into a malloc'd buffer; *n its size */
static unsigned char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    *n = 0;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)sz + 1);
    *n = fread(b, 1, (size_t)sz, f);
    b[*n] = 0;
    fclose(f);
    return b;
}

/* a loader that wrongly accepts must still not leak under LeakSanitizer */
static int loaded(int rc, rt_dataset *d) {
    if (rc == 0) rt_dataset_free(d);
    return rc == 0;
}

static int has(const char *msg, const char *part) { return strstr(msg, part) != NULL; }

/* entries of tmpdir whose name holds part (temp files are
 * .NAME.HASH.PID.N.ebmc-tmp) */
static int count_entries(const char *part) {
    DIR *d = opendir(tmpdir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && strstr(e->d_name, part)) n++;
    if (d) closedir(d);
    return n;
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st, (void)flag, (void)ftw;
    chmod(path, 0700);
    return remove(path);
}

/* ---- IDX ------------------------------------------------------------------ */

static size_t idx_bytes(unsigned char *b, int type, int ndim, const uint32_t *dims, const void *data, size_t dbytes) {
    size_t o = 0;
    b[o++] = 0, b[o++] = 0, b[o++] = (unsigned char)type, b[o++] = (unsigned char)ndim;
    for (int i = 0; i < ndim; i++)
        for (int s = 24; s >= 0; s -= 8) b[o++] = (unsigned char)(dims[i] >> s);
    memcpy(b + o, data, dbytes);
    return o + dbytes;
}

static void idx_round_trip_plain_u8(void) {
    unsigned char px[5 * 3 * 4], b[128];
    for (int i = 0; i < 60; i++) px[i] = (unsigned char)(i * 4);
    const uint32_t dims[3] = {5, 3, 4};
    put(tmp("u8.idx"), b, idx_bytes(b, 0x08, 3, dims, px, sizeof px));
    rt_dataset d;
    int rc = rt_load_idx(tmp("u8.idx"), &d);
    CHECK(rc == 0, "load failed: %s", rt_last_error());
    if (rc) return;
    CHECK(d.n == 5 && d.ndim == 2 && d.dims[0] == 3 && d.dims[1] == 4, "shape n=%lld ndim=%d", (long long)d.n, d.ndim);
    CHECK(rt_dataset_row(&d) == 12, "row %lld", (long long)rt_dataset_row(&d));
    for (int i = 0; i < 60; i++) CHECK(d.data[i] == px[i] / 255.0f, "value %d: %g", i, (double)d.data[i]);
    rt_dataset_free(&d);
}

static void idx_round_trip_gzip_labels(void) {
    unsigned char lab[7] = {0, 1, 2, 9, 3, 3, 7}, b[64];
    const uint32_t dims[1] = {7};
    size_t n = idx_bytes(b, 0x08, 1, dims, lab, sizeof lab);
    gzFile g = gzopen(tmp("labels.gz"), "wb");
    gzwrite(g, b, (unsigned)n);
    gzclose(g);
    rt_dataset d;
    int rc = rt_load_idx(tmp("labels.gz"), &d);
    CHECK(rc == 0, "load failed: %s", rt_last_error());
    if (rc) return;
    CHECK(d.n == 7 && d.ndim == 1 && d.dims[0] == 1, "labels load as n examples of dims {1}: n=%lld ndim=%d dims[0]=%lld",
          (long long)d.n, d.ndim, (long long)d.dims[0]);
    for (int i = 0; i < 7; i++) CHECK(d.data[i] == lab[i] / 255.0f, "label %d: %g", i, (double)d.data[i]);
    rt_dataset_free(&d);
}

/* big-endian element types are converted as they are, not scaled */
static void idx_element_types(void) {
    const uint32_t dims[2] = {2, 1};
    unsigned char b[64];
    const unsigned char s8[2] = {0xff, 0x05}, i16[4] = {0xff, 0xfe, 0x01, 0x00}, i32[8] = {0xff, 0xff, 0xff, 0xfd, 0, 1, 0, 0};
    const unsigned char f32[8] = {0x3f, 0xc0, 0, 0, 0xc0, 0x20, 0, 0};           /* 1.5, -2.5 */
    const unsigned char f64[16] = {0x3f, 0xf8, 0, 0, 0, 0, 0, 0, 0xc0, 0x04, 0, 0, 0, 0, 0, 0}; /* 1.5, -2.5 */
    struct { int type; const void *p; size_t n; float a, b; } cases[] = {
        {0x09, s8, 2, -1, 5}, {0x0B, i16, 4, -2, 256}, {0x0C, i32, 8, -3, 65536}, {0x0D, f32, 8, 1.5f, -2.5f}, {0x0E, f64, 16, 1.5f, -2.5f}};
    for (int c = 0; c < 5; c++) {
        put(tmp("t.idx"), b, idx_bytes(b, cases[c].type, 2, dims, cases[c].p, cases[c].n));
        rt_dataset d;
        int rc = rt_load_idx(tmp("t.idx"), &d);
        CHECK(rc == 0, "type 0x%02x: %s", cases[c].type, rt_last_error());
        if (rc) continue;
        CHECK(d.n == 2 && d.data[0] == cases[c].a && d.data[1] == cases[c].b, "type 0x%02x: %g %g", cases[c].type,
              (double)d.data[0], (double)d.data[1]);
        rt_dataset_free(&d);
    }
}

static void idx_fashion_mnist_header(void) {
    const char *img = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    const char *lab = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz";
    if (access(img, R_OK) || access(lab, R_OK)) {
        SKIP("no Fashion-MNIST in /usr/share/datasets (make deps installs it)");
        return;
    }
    rt_dataset d;
    int rc = rt_load_idx(img, &d);
    CHECK(rc == 0, "%s", rt_last_error());
    if (!rc) {
        CHECK(d.n == 10000 && d.ndim == 2 && d.dims[0] == 28 && d.dims[1] == 28, "images: n=%lld ndim=%d", (long long)d.n, d.ndim);
        float lo = 1, hi = 0;
        for (int64_t i = 0; i < d.n * 784; i++) lo = d.data[i] < lo ? d.data[i] : lo, hi = d.data[i] > hi ? d.data[i] : hi;
        CHECK(lo == 0 && hi == 1, "pixels span [%g, %g], not [0, 1]", (double)lo, (double)hi);
        rt_dataset_free(&d);
    }
    rc = rt_load_idx(lab, &d);
    CHECK(rc == 0, "%s", rt_last_error());
    if (!rc) {
        CHECK(d.n == 10000 && d.ndim == 1 && d.dims[0] == 1, "labels: n=%lld", (long long)d.n);
        rt_dataset_free(&d);
    }
}

static void idx_truncated_is_rejected(void) {
    unsigned char px[10] = {0}, b[64];
    const uint32_t dims[3] = {5, 3, 4};
    put(tmp("short.idx"), b, idx_bytes(b, 0x08, 3, dims, px, sizeof px));
    rt_dataset d;
    CHECK(!loaded(rt_load_idx(tmp("short.idx"), &d), &d), "accepted a truncated file");
    const char *m = rt_last_error();
    CHECK(has(m, tmp("short.idx")) && has(m, "truncated IDX file: expected 60 data bytes, got 10"), "message: %s", m);
}

/* exactly the declared size: extra bytes after the data are an error,
 * plain or (after decompressing) gzip */
static void idx_trailing_data_is_rejected(void) {
    unsigned char px[13] = {0}, b[64];
    const uint32_t dims[3] = {3, 2, 2};   /* 12 data bytes; the 13th is extra */
    size_t n = idx_bytes(b, 0x08, 3, dims, px, sizeof px);
    put(tmp("long.idx"), b, n);
    rt_dataset d;
    CHECK(!loaded(rt_load_idx(tmp("long.idx"), &d), &d), "accepted a file with a byte after the data");
    const char *m = rt_last_error();
    CHECK(has(m, tmp("long.idx")) && has(m, "trailing data"), "message: %s", m);
    gzFile g = gzopen(tmp("long.idx.gz"), "wb");
    gzwrite(g, b, (unsigned)n);
    gzclose(g);
    CHECK(!loaded(rt_load_idx(tmp("long.idx.gz"), &d), &d), "accepted a gzip file with a byte after the data");
    m = rt_last_error();
    CHECK(has(m, tmp("long.idx.gz")) && has(m, "trailing data"), "message: %s", m);
    put(tmp("long.idx"), b, n - 1);   /* exactly the declared size still loads */
    int rc = rt_load_idx(tmp("long.idx"), &d);
    CHECK(rc == 0 && d.n == 3, "exact size: %s", rt_last_error());
    if (!rc) rt_dataset_free(&d);
}

static void idx_header_cut_short_is_rejected(void) {
    unsigned char b[6] = {0, 0, 8, 3, 0, 0};
    put(tmp("hdr.idx"), b, sizeof b);
    rt_dataset d;
    CHECK(!loaded(rt_load_idx(tmp("hdr.idx"), &d), &d), "accepted a header cut short");
    CHECK(has(rt_last_error(), tmp("hdr.idx")), "message: %s", rt_last_error());
}

static void idx_bad_magic_is_rejected(void) {
    const unsigned char png_like[16] = {0x89, 'P', 'N', 'G', 0, 0, 0, 1};
    const unsigned char bad_type[16] = {0, 0, 0x07, 1, 0, 0, 0, 1, 0};
    rt_dataset d;
    put(tmp("magic.idx"), png_like, sizeof png_like);
    CHECK(!loaded(rt_load_idx(tmp("magic.idx"), &d), &d), "accepted a PNG");
    CHECK(has(rt_last_error(), tmp("magic.idx")) && has(rt_last_error(), "magic"), "message: %s", rt_last_error());
    put(tmp("magic.idx"), bad_type, sizeof bad_type);
    CHECK(!loaded(rt_load_idx(tmp("magic.idx"), &d), &d), "accepted element type 0x07");
    CHECK(has(rt_last_error(), "magic"), "message: %s", rt_last_error());
}

static void idx_missing_file_names_path_and_reason(void) {
    rt_dataset d;
    CHECK(!loaded(rt_load_idx(tmp("absent.gz"), &d), &d), "loaded a file that does not exist");
    const char *m = rt_last_error();
    CHECK(has(m, tmp("absent.gz")) && has(m, strerror(ENOENT)), "message: %s", m);
}

/* ---- CSV ------------------------------------------------------------------ */

static void csv_header_nan_blank_lines(void) {
    const char text[] = "a,b,c\r\n1, 2.5 ,-3\r\n\n4,nan,6e-1\n";
    put(tmp("ok.csv"), text, sizeof text - 1);
    rt_dataset d;
    int rc = rt_load_csv(tmp("ok.csv"), &d);
    CHECK(rc == 0, "%s", rt_last_error());
    if (rc) return;
    CHECK(d.n == 2 && d.ndim == 1 && d.dims[0] == 3, "shape n=%lld width=%lld", (long long)d.n, (long long)d.dims[0]);
    CHECK(d.data[0] == 1 && d.data[1] == 2.5f && d.data[2] == -3 && d.data[3] == 4 && isnan(d.data[4]) && d.data[5] == 0.6f,
          "values");
    rt_dataset_free(&d);
}

static void csv_ragged_row_is_rejected(void) {
    const char text[] = "1,2,3\n4,5,6\n7,8\n";
    put(tmp("ragged.csv"), text, sizeof text - 1);
    rt_dataset d;
    CHECK(!loaded(rt_load_csv(tmp("ragged.csv"), &d), &d), "accepted a ragged row");
    char want[300];
    snprintf(want, sizeof want, "%s:3: expected 3 values, found 2", tmp("ragged.csv"));
    CHECK(has(rt_last_error(), want), "message: %s", rt_last_error());
}

static void csv_bad_number_names_line_and_column(void) {
    const char text[] = "1,2,3\n4,5,6\n7,x8,9\n";
    put(tmp("bad.csv"), text, sizeof text - 1);
    rt_dataset d;
    CHECK(!loaded(rt_load_csv(tmp("bad.csv"), &d), &d), "accepted a bad number");
    char want[300];
    snprintf(want, sizeof want, "%s:3:3:", tmp("bad.csv"));
    CHECK(has(rt_last_error(), want), "message: %s", rt_last_error());
}

static void csv_empty_file_is_rejected(void) {
    put(tmp("empty.csv"), "", 0);
    rt_dataset d;
    CHECK(!loaded(rt_load_csv(tmp("empty.csv"), &d), &d), "accepted an empty file");
    CHECK(has(rt_last_error(), tmp("empty.csv")), "message: %s", rt_last_error());
    put(tmp("empty.csv"), "x,y\n", 4);
    CHECK(!loaded(rt_load_csv(tmp("empty.csv"), &d), &d), "accepted a file with only a header");
}

/* the first row is a header only if none of its fields is a number: a typo
 * in the first data row is an error, not a silently dropped row */
static void csv_first_row_typo_is_not_a_header(void) {
    rt_dataset d;
    put(tmp("h.csv"), "a,b,c\n1,2,3\n", 12);
    int rc = rt_load_csv(tmp("h.csv"), &d);
    CHECK(rc == 0, "%s", rt_last_error());
    if (!rc) {
        CHECK(d.n == 1 && d.dims[0] == 3 && d.data[0] == 1 && d.data[2] == 3, "header not skipped: n=%lld", (long long)d.n);
        rt_dataset_free(&d);
    }
    put(tmp("h.csv"), "1,x,3\n4,5,6\n", 12);
    CHECK(!loaded(rt_load_csv(tmp("h.csv"), &d), &d), "dropped a first row with a typo as if it were a header");
    char want[300];
    snprintf(want, sizeof want, "%s:1:3: not a number", tmp("h.csv"));
    CHECK(has(rt_last_error(), want), "message: %s", rt_last_error());
    put(tmp("h.csv"), "x1, 2nd ,\n1,2,3\n", 16);   /* no field is a number as a whole: a header */
    rc = rt_load_csv(tmp("h.csv"), &d);
    CHECK(rc == 0, "%s", rt_last_error());
    if (!rc) {
        CHECK(d.n == 1 && d.dims[0] == 3, "header with digits not skipped: n=%lld", (long long)d.n);
        rt_dataset_free(&d);
    }
}

/* %.9g round-trips every float, so write then load gives the same bits */
static void csv_write_then_load(void) {
    const float x[6] = {0.1f, -1e-7f, 3.4028235e38f, 1.0f / 3, 0, 42};
    const char *names[3] = {"v0", "v1", "v2"};
    int rc = rt_write_csv(tmp("w.csv"), x, 2, 3, names);
    CHECK(rc == 0, "%s", rt_last_error());
    size_t n;
    char *text = (char *)slurp(tmp("w.csv"), &n);
    CHECK(text && !strncmp(text, "v0,v1,v2\n", 9), "header row: %.40s", text ? text : "(none)");
    free(text);
    rt_dataset d;
    rc = rt_load_csv(tmp("w.csv"), &d);
    CHECK(rc == 0, "%s", rt_last_error());
    if (rc) return;
    CHECK(d.n == 2 && d.dims[0] == 3 && !memcmp(d.data, x, sizeof x), "values changed on the way");
    rt_dataset_free(&d);
    CHECK(rt_write_csv(tmp("w.csv"), x, 1, 2, NULL) == 0, "%s", rt_last_error());
    text = (char *)slurp(tmp("w.csv"), &n);
    CHECK(text && !strncmp(text, "x0,x1\n", 6), "default header: %.40s", text ? text : "(none)");
    free(text);
}

/* ---- NPY ------------------------------------------------------------------ */

static void npy_round_trip(void) {
    const int64_t dims[3] = {3, 2, 2};
    float x[12];
    for (int i = 0; i < 12; i++) x[i] = (float)i * 0.25f - 1;
    int rc = rt_write_npy(tmp("x.npy"), x, 3, dims);
    CHECK(rc == 0, "%s", rt_last_error());
    size_t n;
    unsigned char *b = slurp(tmp("x.npy"), &n);
    if (!b) return;
    size_t hl = b[8] | (size_t)b[9] << 8;
    CHECK(!memcmp(b, "\x93NUMPY\x01\x00", 8), "not version 1.0");
    CHECK((10 + hl) % 64 == 0 && b[10 + hl - 1] == '\n', "header of %zu bytes is not padded to 64 with a newline", 10 + hl);
    CHECK(n == 10 + hl + sizeof x, "file size %zu", n);
    free(b);
    rt_dataset d;
    rc = rt_load_npy(tmp("x.npy"), &d);
    CHECK(rc == 0, "%s", rt_last_error());
    if (rc) return;
    CHECK(d.n == 3 && d.ndim == 2 && d.dims[0] == 2 && d.dims[1] == 2 && !memcmp(d.data, x, sizeof x), "round trip");
    rt_dataset_free(&d);
}

static size_t npy_bytes(unsigned char *b, const char *dict, const void *data, size_t dbytes) {
    size_t len = strlen(dict), hl = (len + 11 + 63) / 64 * 64 - 10;
    memcpy(b, "\x93NUMPY\x01\x00", 8);
    b[8] = (unsigned char)hl, b[9] = (unsigned char)(hl >> 8);
    memset(b + 10, ' ', hl);
    memcpy(b + 10, dict, len);
    b[10 + hl - 1] = '\n';
    memcpy(b + 10 + hl, data, dbytes);
    return 10 + hl + dbytes;
}

static void npy_other_dtypes(void) {
    unsigned char b[256];
    const unsigned char u1[3] = {0, 7, 255};
    const int32_t i4[3] = {-1, 0, 7};
    const int64_t i8[3] = {-5, 1, 1 << 20};
    const double f8[3] = {0.5, -2, 1e10};
    struct { const char *descr; const void *p; size_t n; float a, c; } cases[] = {
        {"|u1", u1, 3, 0, 255}, {"<i4", i4, 12, -1, 7}, {"<i8", i8, 24, -5, 1 << 20}, {"<f8", f8, 24, 0.5f, 1e10f}};
    for (int k = 0; k < 4; k++) {
        char dict[128];
        snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (3,), }", cases[k].descr);
        put(tmp("t.npy"), b, npy_bytes(b, dict, cases[k].p, cases[k].n));
        rt_dataset d;
        int rc = rt_load_npy(tmp("t.npy"), &d);
        CHECK(rc == 0, "%s: %s", cases[k].descr, rt_last_error());
        if (rc) continue;
        CHECK(d.n == 3 && d.ndim == 1 && d.dims[0] == 1 && d.data[0] == cases[k].a && d.data[2] == cases[k].c,
              "%s: n=%lld %g %g", cases[k].descr, (long long)d.n, (double)d.data[0], (double)d.data[2]);
        rt_dataset_free(&d);
    }
}

static void npy_fortran_order_and_bad_shapes_are_rejected(void) {
    unsigned char b[256];
    const float x[4] = {1, 2, 3, 4};
    rt_dataset d;
    put(tmp("f.npy"), b, npy_bytes(b, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", x, sizeof x));
    CHECK(!loaded(rt_load_npy(tmp("f.npy"), &d), &d), "accepted fortran_order True");
    CHECK(has(rt_last_error(), tmp("f.npy")) && has(rt_last_error(), "ortran"), "message: %s", rt_last_error());
    put(tmp("f.npy"), b, npy_bytes(b, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", x, sizeof x));
    CHECK(!loaded(rt_load_npy(tmp("f.npy"), &d), &d), "accepted a shape larger than the data");
    CHECK(has(rt_last_error(), tmp("f.npy")), "message: %s", rt_last_error());
    put(tmp("f.npy"), b, npy_bytes(b, "{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }", x, sizeof x));
    CHECK(!loaded(rt_load_npy(tmp("f.npy"), &d), &d), "accepted big-endian floats");
    put(tmp("f.npy"), "\x93NUMPX", 6);
    CHECK(!loaded(rt_load_npy(tmp("f.npy"), &d), &d), "accepted a bad magic");
    CHECK(has(rt_last_error(), tmp("f.npy")), "message: %s", rt_last_error());
}

static void npy_trailing_data_is_rejected(void) {
    unsigned char b[256];
    const float x[5] = {1, 2, 3, 4, 5};
    rt_dataset d;
    put(tmp("long.npy"), b, npy_bytes(b, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", x, sizeof x));
    CHECK(!loaded(rt_load_npy(tmp("long.npy"), &d), &d), "accepted a file with data after the array");
    CHECK(has(rt_last_error(), tmp("long.npy")) && has(rt_last_error(), "trailing data"), "message: %s", rt_last_error());
    put(tmp("long.npy"), b, npy_bytes(b, "{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }", x, 4 * sizeof(float)));
    int rc = rt_load_npy(tmp("long.npy"), &d);
    CHECK(rc == 0 && d.n == 4, "exact size: %s", rt_last_error());
    if (!rc) rt_dataset_free(&d);
}

/* ---- safetensors ------------------------------------------------------------ */

static void safetensors_round_trip_with_metadata(void) {
    const int64_t d1[2] = {3, 2}, d2[1] = {5}, d0[1] = {0};
    rt_tensor *t[3] = {rt_tensor_new("W", 2, d1), rt_tensor_new("layer.b", 1, d2), rt_tensor_new("empty", 1, d0)};
    for (int i = 0; i < 6; i++) t[0]->data[i] = (float)i - 2.5f;
    for (int i = 0; i < 5; i++) t[1]->data[i] = 1.0f / (float)(i + 1);
    const rt_meta meta[2] = {{"spec", "rbm \"bas\".ebm\\\n\ttab"}, {"epoch", "7"}};
    int rc = rt_save_safetensors(tmp("p.safetensors"), t, 3, meta, 2);
    CHECK(rc == 0, "%s", rt_last_error());
    CHECK(count_entries(".ebmc-tmp") == 0, "a temp file was left behind");
    size_t n;
    unsigned char *b = slurp(tmp("p.safetensors"), &n);
    uint64_t hl = 0;
    for (int i = 7; b && n >= 8 && i >= 0; i--) hl = hl << 8 | b[i];
    CHECK(hl % 8 == 0 && n == 8 + hl + 11 * 4, "header %llu bytes, file %zu", (unsigned long long)hl, n);
    free(b);
    rt_tensor **got;
    rt_meta *gm;
    int gn, gnm;
    rc = rt_load_safetensors(tmp("p.safetensors"), &got, &gn, &gm, &gnm);
    CHECK(rc == 0, "%s", rt_last_error());
    if (!rc) {
        CHECK(gn == 3, "%d tensors", gn);
        for (int i = 0; i < gn && i < 3; i++) {
            CHECK(!strcmp(got[i]->name, t[i]->name) && got[i]->ndim == t[i]->ndim, "tensor %d: '%s'", i, got[i]->name);
            int64_t c = rt_numel(t[i]->ndim, t[i]->dims);
            CHECK(rt_numel(got[i]->ndim, got[i]->dims) == c && !memcmp(got[i]->data, t[i]->data, sizeof(float) * (size_t)c),
                  "tensor '%s' changed", t[i]->name);
        }
        CHECK(gnm == 2, "%d metadata pairs", gnm);
        for (int i = 0; i < gnm && i < 2; i++)
            CHECK(!strcmp(gm[i].key, meta[i].key) && !strcmp(gm[i].value, meta[i].value), "metadata '%s' = '%s'", gm[i].key,
                  gm[i].value);
        rt_tensors_free(got, gn);
        rt_meta_free(gm, gnm);
    }
    for (int i = 0; i < 3; i++) rt_tensor_free(t[i]);
}

static void put_safetensors(const char *path, const char *json, const void *data, size_t dbytes) {
    size_t hl = strlen(json);
    unsigned char *b = malloc(8 + hl + dbytes);
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)((uint64_t)hl >> (8 * i));
    memcpy(b + 8, json, hl);
    if (dbytes) memcpy(b + 8 + hl, data, dbytes);
    put(path, b, 8 + hl + dbytes);
    free(b);
}

static void safetensors_f64_is_converted(void) {
    const double x[3] = {0.5, -1.25, 3};
    put_safetensors(tmp("d.safetensors"), "{\"x\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,24]}}", x, sizeof x);
    rt_tensor **t;
    int n;
    int rc = rt_load_safetensors(tmp("d.safetensors"), &t, &n, NULL, NULL);
    CHECK(rc == 0, "%s", rt_last_error());
    if (rc) return;
    CHECK(n == 1 && t[0]->data[0] == 0.5f && t[0]->data[1] == -1.25f && t[0]->data[2] == 3, "F64 values");
    rt_tensors_free(t, n);
}

/* the loader must say no, name the file, and (under ASan) neither crash nor leak */
static int st_rejects(const char *json, const void *data, size_t dbytes, const char *why) {
    put_safetensors(tmp("bad.safetensors"), json, data, dbytes);
    rt_tensor **t;
    rt_meta *m;
    int n, nm;
    if (rt_load_safetensors(tmp("bad.safetensors"), &t, &n, &m, &nm) == 0) {
        rt_tensors_free(t, n);
        rt_meta_free(m, nm);
        CHECK(0, "accepted %s", why);
        return 0;
    }
    CHECK(has(rt_last_error(), tmp("bad.safetensors")), "%s: message lacks the path: %s", why, rt_last_error());
    return 1;
}

static void safetensors_corrupt_header_is_rejected(void) {
    const float x[2] = {1, 2};
    st_rejects("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}", x, 8, "an unclosed object");
    st_rejects("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}junk", x, 8, "text after the JSON");
    st_rejects("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}, \"y\":[1]}", x, 8, "a tensor that is an array");
    st_rejects("{\"x\":{\"dtype\":\"I32\",\"shape\":[2],\"data_offsets\":[0,8]}}", x, 8, "dtype I32");
    st_rejects("{\"x\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}", x, 8, "a negative dimension");
    st_rejects("{\"x\":{\"dtype\":\"F32\",\"shape\":[2]}}", x, 8, "no data_offsets");
    st_rejects("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"__metadata__\":{\"k\":3}}", x, 8,
               "a metadata value that is not a string");
    st_rejects("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"__metadata__\":{\"k\":\"unterminated}}", x, 8,
               "an unterminated string");
    put(tmp("bad.safetensors"), "\xff\xff\xff\xff\xff\xff\xff\x7f{}", 10);
    rt_tensor **t;
    int n;
    CHECK(rt_load_safetensors(tmp("bad.safetensors"), &t, &n, NULL, NULL) != 0, "accepted a header length past the end");
    CHECK(has(rt_last_error(), tmp("bad.safetensors")), "message: %s", rt_last_error());
}

static void safetensors_bad_offsets_are_rejected(void) {
    const float x[4] = {1, 2, 3, 4};
    st_rejects("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,24]}}", x, 16, "offsets past the data");
    st_rejects("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[8,4]}}", x, 16, "an end before the begin");
    st_rejects("{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", x, 16, "a shape the offsets do not hold");
    st_rejects("{\"x\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,16]}}", x, 16,
               "a shape whose size overflows");
    st_rejects("{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,18446744073709551615]}}", x, 16,
               "an offset at UINT64_MAX");
}

static void safetensors_truncated_file_is_rejected(void) {
    const int64_t dims[1] = {64};
    rt_tensor *t = rt_tensor_new("w", 1, dims);
    int rc = rt_save_safetensors(tmp("cut.safetensors"), &t, 1, NULL, 0);
    rt_tensor_free(t);
    CHECK(rc == 0, "%s", rt_last_error());
    size_t n;
    unsigned char *b = slurp(tmp("cut.safetensors"), &n);
    if (!b) return;
    rt_tensor **got;
    int gn;
    for (size_t keep = 0; keep < n; keep += keep < 80 ? 1 : 37) {   /* every cut through the header, some through the data */
        put(tmp("cut.safetensors"), b, keep);
        if (rt_load_safetensors(tmp("cut.safetensors"), &got, &gn, NULL, NULL) == 0) {
            rt_tensors_free(got, gn);
            CHECK(0, "accepted the file cut to %zu of %zu bytes", keep, n);
            break;
        }
        CHECK(has(rt_last_error(), tmp("cut.safetensors")), "cut to %zu: %s", keep, rt_last_error());
    }
    free(b);
}

/* ---- atomic writes -------------------------------------------------------------- */

static void atomic_commit_leaves_no_temp_file(void) {
    rt_atomic a;
    int rc = rt_atomic_open(&a, tmp("atomic.txt"));
    CHECK(rc == 0, "%s", rt_last_error());
    if (rc) return;
    fputs("new", a.fp);
    CHECK(count_entries(".atomic.txt.") == 1, "no temp file beside the target while writing");
    CHECK(access(tmp("atomic.txt"), F_OK) != 0, "the target exists before the commit");
    CHECK(rt_atomic_commit(&a, 1) == 0, "%s", rt_last_error());
    size_t n;
    char *s = (char *)slurp(tmp("atomic.txt"), &n);
    CHECK(s && !strcmp(s, "new"), "content: %s", s ? s : "(none)");
    free(s);
    CHECK(count_entries(".ebmc-tmp") == 0, "a temp file was left behind");
}

static void atomic_abandoned_write_keeps_old_file(void) {
    put(tmp("keep.txt"), "old", 3);
    rt_atomic a;
    int rc = rt_atomic_open(&a, tmp("keep.txt"));
    CHECK(rc == 0, "%s", rt_last_error());
    if (rc) return;
    fputs("half-written", a.fp);
    CHECK(rt_atomic_commit(&a, 0) != 0, "commit with ok = 0 reported success");
    size_t n;
    char *s = (char *)slurp(tmp("keep.txt"), &n);
    CHECK(s && !strcmp(s, "old"), "old content changed to: %s", s ? s : "(none)");
    free(s);
    CHECK(count_entries(".ebmc-tmp") == 0, "a temp file was left behind");
}

/* a real write failure, even for root: RLIMIT_FSIZE makes write() fail with
 * EFBIG (SIGXFSZ ignored); the checkpoint must fail and the old one survive */
/* the commit names the failure of the write that failed, not whatever errno
 * says by then (a later unrelated call overwrote it) */
static void atomic_commit_names_the_failed_write(void) {
    put(tmp("efbig.bin"), "old", 3);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 4096;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    rt_atomic a;
    int rc = rt_atomic_open(&a, tmp("efbig.bin"));
    CHECK(rc == 0, "%s", rt_last_error());
    if (rc) {
        signal(SIGXFSZ, prev);
        return;
    }
    static char block[65536];
    int limited = setrlimit(RLIMIT_FSIZE, &lim) == 0;
    fwrite(block, 1, sizeof block, a.fp);
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    CHECK(limited, "setrlimit failed");
    CHECK(access("/nonexistent/ebmc", F_OK) != 0 && errno == ENOENT, "a stale errno was not set");
    CHECK(rt_atomic_commit(&a, 1) == -1, "a commit after a failed write succeeded");
    CHECK(has(rt_last_error(), strerror(EFBIG)), "message: %s", rt_last_error());
    CHECK(!has(rt_last_error(), strerror(ENOENT)), "stale errno in: %s", rt_last_error());
    size_t n;
    char *s = (char *)slurp(tmp("efbig.bin"), &n);
    CHECK(s && n == 3 && !memcmp(s, "old", 3), "the old file changed");
    free(s);
    CHECK(count_entries(".ebmc-tmp") == 0, "a temp file was left behind");
}

static void atomic_failed_write_keeps_old_checkpoint(void) {
    put(tmp("full.safetensors"), "old", 3);
    struct rlimit old, lim;
    getrlimit(RLIMIT_FSIZE, &old);
    lim = old;
    lim.rlim_cur = 4096;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    const int64_t dims[1] = {100000};
    rt_tensor *t = rt_tensor_new("big", 1, dims);
    int rc = setrlimit(RLIMIT_FSIZE, &lim) == 0 ? rt_save_safetensors(tmp("full.safetensors"), &t, 1, NULL, 0) : -2;
    setrlimit(RLIMIT_FSIZE, &old);
    signal(SIGXFSZ, prev);
    rt_tensor_free(t);
    CHECK(rc != -2, "setrlimit failed");
    CHECK(rc == -1, "a write past the file-size limit succeeded");
    CHECK(has(rt_last_error(), tmp("full.safetensors")), "message: %s", rt_last_error());
    size_t n;
    char *s = (char *)slurp(tmp("full.safetensors"), &n);
    CHECK(s && !strcmp(s, "old"), "the old checkpoint was touched");
    free(s);
    CHECK(count_entries(".ebmc-tmp") == 0, "a temp file was left behind");
}

/* the rename is the last step: a target that cannot be replaced fails the
 * commit, and the temp file goes */
static void atomic_failed_rename_removes_temp(void) {
    mkdir(tmp("adir"), 0700);
    const int64_t dims[2] = {1, 1};
    float x = 1;
    CHECK(rt_write_npy(tmp("adir"), &x, 2, dims) != 0, "replaced a directory");
    CHECK(has(rt_last_error(), tmp("adir")), "message: %s", rt_last_error());
    CHECK(count_entries(".ebmc-tmp") == 0, "a temp file was left behind");
    CHECK(rt_write_npy(tmp("no/such/dir.npy"), &x, 2, dims) != 0, "wrote into a missing directory");
    CHECK(has(rt_last_error(), tmp("no/such/dir.npy")) && has(rt_last_error(), strerror(ENOENT)), "message: %s",
          rt_last_error());
}

/* mkstemp creates 0600; the committed file must have the mode any other new
 * file would get: 0666 less the umask */
static void atomic_file_mode_follows_umask(void) {
    const int64_t dims[1] = {1};
    float x = 1;
    const mode_t masks[2] = {022, 027}, want[2] = {0644, 0640};
    mode_t old = umask(022);
    for (int k = 0; k < 2; k++) {
        umask(masks[k]);
        int rc = rt_write_npy(tmp("mode.npy"), &x, 1, dims);
        CHECK(rc == 0, "%s", rt_last_error());
        struct stat st;
        CHECK(stat(tmp("mode.npy"), &st) == 0 && (st.st_mode & 0777) == want[k], "umask %03o: mode %03o, expected %03o",
              (unsigned)masks[k], (unsigned)(st.st_mode & 0777), (unsigned)want[k]);
        CHECK(umask(masks[k]) == masks[k], "the umask changed to %03o", (unsigned)umask(masks[k]));
        unlink(tmp("mode.npy"));
    }
    umask(old);
}

/* ---- the files a command reads and writes (rt_files.c) --------------------------- */

/* with the guard on, an input read (or noted) may not be written, by the
 * check or by the atomic writer; two outputs may not be one file; without
 * the guard (an embedding program) a file read may be rewritten */
static void files_guard_refuses_inputs_and_twins(void) {
    const int64_t dims[1] = {1};
    float x = 1;
    put(tmp("in.csv"), "a\n1\n", 4);
    rt_files_guard(1);
    rt_dataset d = {0};
    CHECK(rt_load_csv(tmp("in.csv"), &d) == 0, "%s", rt_last_error());
    rt_dataset_free(&d);
    CHECK(rt_output_check(tmp("in.csv"), "--out") != 0 && has(rt_last_error(), "it is an input"),
          "an input passed the check: %s", rt_last_error());
    CHECK(rt_write_npy(tmp("in.csv"), &x, 1, dims) != 0, "the atomic writer replaced an input");
    size_t n;
    char *s = (char *)slurp(tmp("in.csv"), &n);
    CHECK(s && n == 4 && !memcmp(s, "a\n1\n", 4), "the input changed");
    free(s);
    CHECK(rt_output_check(tmp("o1.npy"), "--out") == 0, "%s", rt_last_error());
    CHECK(rt_output_check(tmp("./o1.npy"), "--log") != 0 && has(rt_last_error(), "--out"),
          "two names of one output passed: %s", rt_last_error());
    rt_output_may_replace(tmp("in.csv"));
    CHECK(rt_output_check(tmp("in.csv"), "--out") == 0, "an allowed input was refused: %s", rt_last_error());
    rt_files_forget();
    rt_files_guard(0);
    CHECK(rt_write_npy(tmp("in.csv"), &x, 1, dims) == 0, "without the guard: %s", rt_last_error());
    CHECK(rt_write_npy("/dev/null", &x, 1, dims) != 0 && has(rt_last_error(), "character device"),
          "a device was written: %s", rt_last_error());
    unlink(tmp("in.csv"));
}

/* a link is written through; the target's mode is kept; a dead writer's
 * temp file goes, a live one's stays; a 253-character name fits */
static void files_links_modes_leftovers(void) {
    const int64_t dims[1] = {1};
    float x = 1;
    put(tmp("real.npy"), "old", 3);
    chmod(tmp("real.npy"), 0600);
    symlink("real.npy", tmp("link.npy"));
    CHECK(rt_write_npy(tmp("link.npy"), &x, 1, dims) == 0, "%s", rt_last_error());
    struct stat st;
    CHECK(lstat(tmp("link.npy"), &st) == 0 && S_ISLNK(st.st_mode), "the link was replaced");
    CHECK(stat(tmp("real.npy"), &st) == 0 && (st.st_mode & 0777) == 0600 && st.st_size > 3,
          "target: mode %03o, %lld bytes", (unsigned)(st.st_mode & 0777), (long long)st.st_size);
    /* a PID that cannot be alive (above pid_max) and our own parent's */
    char dead[300], live[300];
    unsigned long long h = 1469598103934665603ull;
    for (const char *c = "real.npy"; *c; c++) h = (h ^ (unsigned char)*c) * 1099511628211ull;
    snprintf(dead, sizeof dead, "%s/.real.npy.%016llx.99999999.0.ebmc-tmp", tmpdir, h);
    snprintf(live, sizeof live, "%s/.real.npy.%016llx.%ld.0.ebmc-tmp", tmpdir, h, (long)getppid());
    put(dead, "x", 1);
    put(live, "x", 1);
    CHECK(rt_write_npy(tmp("real.npy"), &x, 1, dims) == 0, "%s", rt_last_error());
    CHECK(access(dead, F_OK) != 0, "a dead writer's temp file was left");
    CHECK(access(live, F_OK) == 0, "a live writer's temp file was removed");
    unlink(live);
    char name[600];
    int k = snprintf(name, sizeof name, "%s/", tmpdir);
    memset(name + k, 'x', 253);
    name[k + 253] = 0;
    CHECK(rt_write_npy(name, &x, 1, dims) == 0, "a 253-character name: %s", rt_last_error());
    CHECK(access(name, F_OK) == 0, "no file of the 253-character name");
    unlink(name);
    unlink(tmp("link.npy"));
    unlink(tmp("real.npy"));
}

/* ---- PNG ------------------------------------------------------------------------ */

static void png_grid_reads_back(void) {
    enum { N = 5, H = 4, W = 4, COLS = 3 };
    float im[N * H * W];
    for (int i = 0; i < N * H * W; i++) im[i] = (float)(i % 3) / 2;
    int rc = rt_write_png_grid(tmp("g.png"), im, N, H, W, COLS, 0);
    CHECK(rc == 0, "%s", rt_last_error());
    CHECK(count_entries(".ebmc-tmp") == 0, "a temp file was left behind");
    FILE *f = fopen(tmp("g.png"), "rb");
    CHECK(f != NULL, "no PNG");
    if (!f) return;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    png_uint_32 w = 0, h = 0;
    int depth = 0, type = -1;
    if (!setjmp(png_jmpbuf(png))) {
        png_init_io(png, f);
        png_read_info(png, info);
        w = png_get_image_width(png, info);
        h = png_get_image_height(png, info);
        depth = png_get_bit_depth(png, info);
        type = png_get_color_type(png, info);
    }
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
    /* images under 64 pixels are drawn with s x s pixels (s = 8 for 4x4),
     * plus a 1-pixel separator around every cell */
    const png_uint_32 s = 8, ew = COLS * (W * s + 1) + 1, eh = 2 * (H * s + 1) + 1;
    CHECK(w == ew && h == eh, "%ux%u, expected %ux%u", (unsigned)w, (unsigned)h, (unsigned)ew, (unsigned)eh);
    CHECK(depth == 8 && type == PNG_COLOR_TYPE_GRAY, "depth %d colour type %d", depth, type);
    CHECK(rt_write_png_grid(tmp("g.png"), im, 0, H, W, COLS, 1) != 0, "drew an empty grid");
}

/* NaN pixels are drawn black, not whatever a NaN converts to */
static void png_grid_nan_is_black(void) {
    float im[4] = {NAN, 1, 0.5f, 1};
    CHECK(rt_write_png_grid(tmp("nan.png"), im, 1, 2, 2, 1, 0) == 0, "%s", rt_last_error());
    FILE *f = fopen(tmp("nan.png"), "rb");
    CHECK(f != NULL, "no PNG");
    if (!f) return;
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    unsigned char row[2][64] = {{0}};   /* 2x2 drawn with 8x8 pixels: 18 wide, 18 high */
    int ok = 0;
    if (!setjmp(png_jmpbuf(png))) {
        png_init_io(png, f);
        png_read_info(png, info);
        if (png_get_image_width(png, info) == 18 && png_get_image_height(png, info) == 18) {
            for (int y = 0; y < 18; y++) {
                unsigned char buf[64];
                png_read_row(png, buf, NULL);
                if (y == 1 || y == 9) memcpy(row[y / 8], buf, sizeof buf);
            }
            ok = 1;
        }
    }
    png_destroy_read_struct(&png, &info, NULL);
    fclose(f);
    CHECK(ok, "cannot read the PNG back, or it is not 18x18");
    CHECK(row[0][1] == 0 && row[0][9] == 255 && row[1][1] == 128 && row[1][9] == 255,
          "pixels %d %d %d %d, expected 0 255 128 255", row[0][1], row[0][9], row[1][1], row[1][9]);
}

/* ---- generated data and transforms -------------------------------------------------- */

static int is_bars_or_stripes(const float *x, int rows, int cols) {
    int stripes = 1, bars = 1;
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < cols; c++) {
            if (x[r * cols + c] != 0 && x[r * cols + c] != 1) return 0;
            if (x[r * cols + c] != x[r * cols]) stripes = 0;   /* each row uniform */
            if (x[r * cols + c] != x[c]) bars = 0;              /* each column uniform */
        }
    return stripes || bars;
}

static void bars_stripes_4x4_has_30_distinct_patterns(void) {
    rt_dataset d;
    int rc = rt_make_bars_stripes(4, 4, &d);
    CHECK(rc == 0, "%s", rt_last_error());
    if (rc) return;
    CHECK(d.n == 30 && d.ndim == 2 && d.dims[0] == 4 && d.dims[1] == 4, "n=%lld", (long long)d.n);
    for (int64_t i = 0; i < d.n; i++) {
        CHECK(is_bars_or_stripes(d.data + i * 16, 4, 4), "pattern %lld is neither bars nor stripes", (long long)i);
        for (int64_t j = 0; j < i; j++)
            CHECK(memcmp(d.data + i * 16, d.data + j * 16, 16 * sizeof(float)), "patterns %lld and %lld are equal",
                  (long long)j, (long long)i);
    }
    rt_dataset e;
    if (rt_make_bars_stripes(4, 4, &e) == 0) {
        CHECK(!memcmp(d.data, e.data, 30 * 16 * sizeof(float)), "the order is not deterministic");
        rt_dataset_free(&e);
    }
    rt_dataset_free(&d);
    rc = rt_make_bars_stripes(2, 3, &d);
    CHECK(rc == 0 && d.n == 4 + 8 - 2, "2x3: n=%lld", (long long)d.n);
    if (!rc) rt_dataset_free(&d);
}

static void binarize_and_standardize(void) {
    rt_dataset d = {.n = 4, .ndim = 1, .dims = {2}};
    d.data = rt_alloc(8 * sizeof(float));
    const float x[8] = {0.1f, 5, 0.6f, 5, 0.5f, 5, 0.9f, 5};
    memcpy(d.data, x, sizeof x);
    rt_binarize(&d, 0.5f);
    CHECK(d.data[0] == 0 && d.data[2] == 1 && d.data[4] == 0 && d.data[6] == 1 && d.data[1] == 1, "binarize");
    memcpy(d.data, x, sizeof x);
    float mean[2], sd[2];
    rt_standardize(&d, mean, sd);
    double s = 0, s2 = 0;
    for (int i = 0; i < 4; i++) s += d.data[2 * i], s2 += d.data[2 * i] * d.data[2 * i];
    CHECK_NEAR(s / 4, 0, 1e-6, "standardized mean");
    CHECK_NEAR(s2 / 4, 1, 1e-5, "standardized variance");
    CHECK_NEAR(mean[0], 0.525, 1e-6, "mean[0]");
    CHECK(mean[1] == 5 && d.data[1] == 0 && d.data[7] == 0, "a constant feature is centred only");
    rt_dataset_free(&d);
}

static void tensors_and_memory(void) {
    const int64_t big[2] = {INT64_MAX / 2, 3}, neg[1] = {-1}, ok[3] = {2, 3, 4};
    CHECK(rt_numel(2, big) == -1 && rt_numel(1, neg) == -1, "overflow not reported");
    CHECK(rt_numel(3, ok) == 24 && rt_numel(0, ok) == 1, "numel");
    unsigned char *p = rt_alloc(100);
    int zero = 1;
    for (int i = 0; i < 100; i++) zero &= p[i] == 0;
    CHECK(((uintptr_t)p & 63) == 0 && zero, "rt_alloc: not 64-byte aligned or not zeroed");
    rt_free(p);
    rt_tensor *t = rt_tensor_new("w", 3, ok);
    CHECK(t->ndim == 3 && t->dims[2] == 4 && t->data[23] == 0 && !strcmp(t->name, "w"), "rt_tensor_new");
    rt_tensor_free(t);
    rt_tensors_free(NULL, 0);
    rt_meta_free(NULL, 0);
}

int main(void) {
    snprintf(tmpdir, sizeof tmpdir, "/tmp/ebmc-rt-io.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    TEST(idx_round_trip_plain_u8);
    TEST(idx_round_trip_gzip_labels);
    TEST(idx_element_types);
    TEST(idx_fashion_mnist_header);
    TEST(idx_truncated_is_rejected);
    TEST(idx_trailing_data_is_rejected);
    TEST(idx_header_cut_short_is_rejected);
    TEST(idx_bad_magic_is_rejected);
    TEST(idx_missing_file_names_path_and_reason);
    TEST(csv_header_nan_blank_lines);
    TEST(csv_ragged_row_is_rejected);
    TEST(csv_bad_number_names_line_and_column);
    TEST(csv_empty_file_is_rejected);
    TEST(csv_first_row_typo_is_not_a_header);
    TEST(csv_write_then_load);
    TEST(npy_round_trip);
    TEST(npy_other_dtypes);
    TEST(npy_fortran_order_and_bad_shapes_are_rejected);
    TEST(npy_trailing_data_is_rejected);
    TEST(safetensors_round_trip_with_metadata);
    TEST(safetensors_f64_is_converted);
    TEST(safetensors_corrupt_header_is_rejected);
    TEST(safetensors_bad_offsets_are_rejected);
    TEST(safetensors_truncated_file_is_rejected);
    TEST(atomic_commit_leaves_no_temp_file);
    TEST(atomic_commit_names_the_failed_write);
    TEST(atomic_abandoned_write_keeps_old_file);
    TEST(atomic_failed_write_keeps_old_checkpoint);
    TEST(atomic_failed_rename_removes_temp);
    TEST(atomic_file_mode_follows_umask);
    TEST(files_guard_refuses_inputs_and_twins);
    TEST(files_links_modes_leftovers);
    TEST(png_grid_reads_back);
    TEST(png_grid_nan_is_black);
    TEST(bars_stripes_4x4_has_30_distinct_patterns);
    TEST(binarize_and_standardize);
    TEST(tensors_and_memory);
    nftw(tmpdir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
    CHECK_DONE();
}
