/* fuzz_spec.c — libFuzzer harness: any bytes as a spec through the whole
 * front end and analysis (parse, sema, energy analysis, derivation, kernel
 * IR). Errors are expected; crashes, leaks and undefined behaviour are not. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "compile.h"
#include "ir_kernels.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    Compilation *c = compile_source("fuzz.ebm", (const char *)data, size);
    c->diag.out = fopen("/dev/null", "w");
    Analysis *an = compile_main_model(c);
    if (an) ir_build(c->arena, an);
    if (c->diag.out) fclose(c->diag.out);
    compile_free(c);
    return 0;
}
