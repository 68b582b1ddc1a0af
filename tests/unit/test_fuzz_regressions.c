/* test_fuzz_regressions.c — every input the fuzzers found a fault with
 * (the files under tests/fuzz/regressions/LOADER/) is read again by that loader: it must
 * fail cleanly (an error, no crash; ASan/UBSan under make check-asan). */
#include <dirent.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "rt.h"

static int replay(const char *loader, const char *path) {
    if (!strcmp(loader, "safetensors")) {
        rt_tensor **t;
        rt_meta *m;
        int n, nm;
        int rc = rt_load_safetensors(path, &t, &n, &m, &nm);
        if (!rc) {
            rt_tensors_free(t, n);
            rt_meta_free(m, nm);
        }
        return rc;
    }
    rt_dataset d;
    int rc = !strcmp(loader, "idx") ? rt_load_idx(path, &d) : !strcmp(loader, "csv") ? rt_load_csv(path, &d) : rt_load_npy(path, &d);
    if (!rc) rt_dataset_free(&d);
    return rc;
}

static void regressions(void) {
    static const char *const loaders[] = {"idx", "csv", "npy", "safetensors"};
    int seen = 0;
    for (int l = 0; l < 4; l++) {
        char dir[256];
        snprintf(dir, sizeof dir, "tests/fuzz/regressions/%s", loaders[l]);
        DIR *dp = opendir(dir);
        if (!dp) continue;
        for (struct dirent *e; (e = readdir(dp));) {
            if (e->d_name[0] == '.') continue;
            char path[600];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            CHECK(replay(loaders[l], path) != 0, "%.200s: the loader accepted a corrupt file", path);
            CHECK(rt_last_error()[0] != 0, "%.200s: failed without a message", path);
            seen++;
        }
        closedir(dp);
    }
    CHECK(seen >= 2, "expected the recorded regressions, found %d", seen);
}

int main(void) {
    TEST(regressions);
    CHECK_DONE();
}
