/* fuzz_cli.c — libFuzzer harness: the command line and --set. The input is
 * up to 24 arguments, one per line, given to 'ebmc train SPEC ... 
 * --print-config' (SPEC: $EBMC_FUZZ_SPEC, else ../specs/rbm_bas.ebm from
 * build-fuzz/): flag parsing, flag values that look like flags, run files,
 * every --set KEY=VALUE through the settings grammar and the configuration,
 * and the YAML printer; --print-config stops before data are read or
 * anything is trained or written. Errors are expected; crashes, leaks,
 * undefined behaviour and exits are not. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char *spec;

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc, (void)argv;
    spec = getenv("EBMC_FUZZ_SPEC") ? getenv("EBMC_FUZZ_SPEC") : "../specs/rbm_bas.ebm";
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 4096) return 0;
    char *text = malloc(size + 1);
    memcpy(text, data, size);
    text[size] = 0;
    char *args[32];
    int n = 0;
    args[n++] = (char *)spec;
    for (char *line = text, *next; line && n < 25; line = next) {
        next = strchr(line, '\n');
        if (next) *next++ = 0;
        args[n++] = line;
    }
    args[n++] = "--print-config";
    args[n] = NULL;
    static const Command train = {"train", "SPEC [flags]", "", cmd_train};
    cmd_train(&train, n, args);
    free(text);
    return 0;
}
