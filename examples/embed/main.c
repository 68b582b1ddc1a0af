/* main.c — a C program with an ebmc model inside: draw samples from the
 * bars-and-stripes RBM, print them as CSV (the rows `ebmc sample --out F.csv`
 * writes), then score them. Build and run: make run (see Makefile). */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

int main(int argc, char **argv) {
    enum { CHAINS = 8, STEPS = 100, SEED = 7 };
    model_t *m = model_new(1);
    if (argc > 1 && model_load(m, argv[1])) {
        fprintf(stderr, "embed: %s\n", model_error());
        return 1;
    }
    static float v[CHAINS * MODEL_VISIBLE], h[CHAINS * MODEL_HIDDEN];
    double f[CHAINS];
    if (model_sample(m, CHAINS, STEPS, SEED, v) || model_free_energy(m, v, CHAINS, f) ||
        model_hidden_probs(m, v, CHAINS, h)) {
        fprintf(stderr, "embed: %s\n", model_error());
        return 1;
    }
    for (int c = 0; c < CHAINS; c++)
        for (int i = 0; i < MODEL_VISIBLE; i++) printf("%g%c", v[c * MODEL_VISIBLE + i], i + 1 < MODEL_VISIBLE ? ',' : '\n');
    fflush(stdout);
    for (int c = 0; c < CHAINS; c++) fprintf(stderr, "chain %d: F(v) = %.4f, p(h_0 = 1 | v) = %.4f\n", c, f[c], h[c * MODEL_HIDDEN]);
    model_free(m);
    return 0;
}
