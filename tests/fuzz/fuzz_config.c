/* fuzz_config.c — libFuzzer harness for run files: any bytes as
 * --config RUN.yaml, read by libyaml, turned into spec entries and applied
 * to the train and sample blocks of specs/rbm_bas.ebm's text (and to a
 * stack's stages, where stage overrides are errors). Errors are expected;
 * crashes, leaks and undefined behaviour are not. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "compile.h"
#include "fuzz_file.h"
#include "config.h"
#include "runconfig.h"

static const char spec[] =
    "model m {\n  visible v[4, 4] : bernoulli\n  hidden h[16] : bernoulli\n  param W[4, 4, 16] init normal(0, 0.01)\n"
    "  param b[4, 4]\n  param c[16]\n  energy = - sum(r, s) b[r, s]*v[r, s] - sum(j) c[j]*h[j]\n"
    "           - sum(r, s, j) v[r, s]*W[r, s, j]*h[j]\n}\n"
    "train m {\n  data = bars_and_stripes(4, 4)\n  method = pcd(k = 3, chains = 100)\n  epochs = 10\n}\n"
    "sample m {\n  chains = 16\n  out = \"s.png\"\n}\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char path[64];
    int fd = fuzz_file(data, size, path);
    if (fd < 0) return 0;
    Compilation *c = compile_source("fuzz.ebm", spec, sizeof spec - 1);
    FILE *null = fopen("/dev/null", "w");
    FILE *err = stderr;
    stderr = null;   /* the run file's errors are expected: keep them quiet */
    Analysis *an = compile_main_model(c);
    const RunConfig *rc = an ? runconfig_load(c->arena, path) : NULL;
    if (rc) {
        runconfig_use(rc);
        TrainConfig tc;
        SampleConfig sc;
        config_train(c->arena, &c->diag, an->m, an->m->train, NULL, 0, &tc);
        config_sample(c->arena, &c->diag, an->m->sample, NULL, 0, &sc);
        runconfig_use(NULL);
    }
    stderr = err;
    fclose(null);
    compile_free(c);
    close(fd);
    return 0;
}
