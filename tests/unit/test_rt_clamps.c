/* test_rt_clamps.c — clamp specs to the sampler's clamps (runtime/io/rt_clamps.c,
 * which ebmc sample and a built binary's sample share): a value for every
 * unit; a file's rows with NaN left free; a region (top_half) and a mask
 * file left free; a one-hot group held whole; and the refusals, each with
 * a message naming what is wrong (a mask of 3 rows for 2 rows of values
 * was reported as "0 rows": the count was read after the rows were freed). The model is written out by hand: v[4, 4]
 * bernoulli, y[3] softmax, h[5] hidden. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "rt_clamps.h"

static rt_group groups[3] = {
    {.name = "v", .role = RT_VISIBLE, .utype = RT_BERNOULLI, .ndim = 2, .dims = {4, 4}, .size = 16},
    {.name = "y", .role = RT_VISIBLE, .utype = RT_SOFTMAX, .ndim = 1, .dims = {3}, .size = 3},
    {.name = "h", .role = RT_HIDDEN, .utype = RT_BERNOULLI, .ndim = 1, .dims = {5}, .size = 5},
};
static rt_model model = {.name = "m", .ngroups = 3, .groups = groups};

static char dir[64];

/* a CSV of rows x n values; text[r][k] as written ("nan", "1", ...) */
static const char *csv(const char *name, int rows, int n, const char *(*cell)(int r, int k)) {
    static char path[4][128];
    static int i;
    i = (i + 1) % 4;
    snprintf(path[i], sizeof path[i], "%s/%s", dir, name);
    FILE *f = fopen(path[i], "w");
    for (int r = 0; r < rows; r++)
        for (int k = 0; k < n; k++) fprintf(f, "%s%s", cell(r, k), k + 1 < n ? "," : "\n");
    fclose(f);
    return path[i];
}

static const char *half_nan(int r, int k) { return k < 8 ? (r % 2 ? "1" : "0") : "nan"; }
static const char *ones(int r, int k) { (void)r, (void)k; return "1"; }
static const char *last_four(int r, int k) { (void)r; return k >= 12 ? "1" : "0"; }
static const char *two(int r, int k) { (void)r; return k == 5 ? "2" : "0"; }

static rt_clamp_spec spec(const char *group, const char *file, double value) {
    return (rt_clamp_spec){group, file, value, NULL, NULL, NAN, 0};
}

static void value_for_every_unit(void) {
    rt_clamp_spec s = spec("h", NULL, 1);
    rt_clamps cl;
    int64_t rows = -1;
    CHECK(rt_clamps_load(&model, &s, 1, &cl, &rows) == 0, "loads: %s", rt_last_error());
    CHECK(rows == 0, "a value is no file: %lld rows", (long long)rows);
    CHECK(cl.n == 1 && cl.c[0].group == 2 && cl.c[0].rows == 1 && !cl.c[0].mask, "one row of group 2, no mask");
    for (int k = 0; k < 5; k++) CHECK(cl.c[0].values[k] == 1.0f, "unit %d holds 1", k);
    rt_clamps_free(&cl);
}

static void file_rows_nan_free(void) {
    rt_clamp_spec s = spec("v", csv("half.csv", 3, 16, half_nan), NAN);
    rt_clamps cl;
    int64_t rows;
    CHECK(rt_clamps_load(&model, &s, 1, &cl, &rows) == 0, "loads: %s", rt_last_error());
    CHECK(rows == 3 && cl.c[0].rows == 3 && !cl.c[0].mask, "3 rows, NaN marks the free units (no mask)");
    CHECK(cl.c[0].values[16 + 0] == 1.0f && cl.c[0].values[0] == 0.0f && isnan(cl.c[0].values[8]), "the file's values");
    rt_clamps_free(&cl);
}

static void region_and_mask_file_free(void) {
    rt_clamp_spec s = spec("v", csv("ones.csv", 2, 16, ones), NAN);
    s.free = "top_half";
    rt_clamps cl;
    int64_t rows;
    CHECK(rt_clamps_load(&model, &s, 1, &cl, &rows) == 0, "top_half loads: %s", rt_last_error());
    const float *mk = cl.c[0].mask;
    CHECK(mk != NULL, "a mask");
    for (int r = 0; mk && r < 2; r++)
        for (int k = 0; k < 16; k++) CHECK(mk[r * 16 + k] == (k < 8 ? 0.0f : 1.0f), "row %d unit %d: top half free", r, k);
    rt_clamps_free(&cl);
    s.free = NULL;
    s.mask_file = csv("mask.csv", 2, 16, last_four);
    CHECK(rt_clamps_load(&model, &s, 1, &cl, &rows) == 0, "a mask file loads: %s", rt_last_error());
    mk = cl.c[0].mask;
    for (int k = 0; mk && k < 16; k++) CHECK(mk[16 + k] == (k >= 12 ? 0.0f : 1.0f), "unit %d: non-zero mask entries free", k);
    rt_clamps_free(&cl);
    s.mask_file = csv("mask3.csv", 3, 16, last_four);
    CHECK(rt_clamps_load(&model, &s, 1, &cl, &rows) != 0 && strstr(rt_last_error(), "3 rows for 2 rows of values"),
          "a mask of another row count is refused: %s", rt_last_error());
    rt_clamps_free(&cl);
}

static void refusals(void) {
    rt_clamps cl;
    int64_t rows;
    rt_clamp_spec s = spec("q", NULL, 1);
    CHECK(rt_clamps_load(&model, &s, 1, &cl, &rows) != 0 && strstr(rt_last_error(), "no group 'q'"),
          "an unknown group: %s", rt_last_error());
    rt_clamps_free(&cl);
    /* a one-hot row held in part: y = 1 for every entry is held whole, but NaN in one is not */
    s = spec("y", csv("y.csv", 1, 3, half_nan), NAN);   /* "0,0,0": held whole, but not one-hot */
    CHECK(rt_clamps_load(&model, &s, 1, &cl, &rows) != 0, "a softmax row of zeros is refused");
    rt_clamps_free(&cl);
    s = spec("v", csv("two.csv", 1, 16, two), NAN);
    CHECK(rt_clamps_load(&model, &s, 1, &cl, &rows) != 0 && strstr(rt_last_error(), "two.csv"),
          "a 2 in a bernoulli group is refused, naming the file: %s", rt_last_error());
    rt_clamps_free(&cl);
    s = spec("v", csv("narrow.csv", 2, 15, ones), NAN);
    CHECK(rt_clamps_load(&model, &s, 1, &cl, &rows) != 0 && strstr(rt_last_error(), "15 values per row, but group 'v' has 16"),
          "rows of another width are refused: %s", rt_last_error());
    rt_clamps_free(&cl);
    s = spec("v", NULL, 0.5);
    CHECK(rt_clamps_load(&model, &s, 1, &cl, &rows) != 0 && strstr(rt_last_error(), "--clamp v=0.5"),
          "0.5 for bernoulli units is refused, naming the flag: %s", rt_last_error());
    rt_clamps_free(&cl);
    s = spec("h", NULL, 1);
    s.free = "top_half";
    CHECK(rt_clamps_load(&model, &s, 1, &cl, &rows) != 0 && strstr(rt_last_error(), "image-shaped"),
          "a region of a group of 5 is refused: %s", rt_last_error());
    rt_clamps_free(&cl);
}

static void one_hot_whole_rows(void) {
    rt_clamps cl;
    int64_t rows;
    /* y partly NaN: one entry held, the others free */
    FILE *f;
    char path[128];
    snprintf(path, sizeof path, "%s/part.csv", dir);
    f = fopen(path, "w");
    fprintf(f, "1,nan,nan\n");
    fclose(f);
    rt_clamp_spec s = spec("y", path, NAN);
    CHECK(rt_clamps_load(&model, &s, 1, &cl, &rows) != 0 && strstr(rt_last_error(), "one-hot"),
          "a one-hot row held in part is refused: %s", rt_last_error());
    rt_clamps_free(&cl);
    f = fopen(path, "w");
    fprintf(f, "0,1,0\nnan,nan,nan\n");
    fclose(f);
    CHECK(rt_clamps_load(&model, &s, 1, &cl, &rows) == 0 && rows == 2, "whole rows held or free load: %s", rt_last_error());
    rt_clamps_free(&cl);
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/ebmc-clamps-XXXXXX");
    if (!mkdtemp(dir)) return 1;
    TEST(value_for_every_unit);
    TEST(file_rows_nan_free);
    TEST(region_and_mask_file_free);
    TEST(refusals);
    TEST(one_hot_whole_rows);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) return 1;
    return check_failures != 0;
}
