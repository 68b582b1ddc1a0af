/* fuzz_loaders.c — libFuzzer harnesses for every data and checkpoint
 * loader: the input is written to an in-memory file and read back by the
 * loader FUZZ_LOADER names (idx, csv, npy, safetensors). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_file.h"
#include "rt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64];
    int fd = fuzz_file(data, size, path);
    if (fd < 0) return 0;
#if FUZZ_LOADER_SAFETENSORS
    rt_tensor **t;
    rt_meta *m;
    int n, nm;
    if (rt_load_safetensors(path, &t, &n, &m, &nm) == 0) {
        rt_tensors_free(t, n);
        rt_meta_free(m, nm);
    }
#else
    rt_dataset d;
#if FUZZ_LOADER_IDX
    int rc = rt_load_idx(path, &d);
#elif FUZZ_LOADER_CSV
    int rc = rt_load_csv(path, &d);
#else
    int rc = rt_load_npy(path, &d);
#endif
    if (rc == 0) rt_dataset_free(&d);
#endif
    close(fd);
    return 0;
}
