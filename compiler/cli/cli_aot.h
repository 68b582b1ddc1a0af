/* cli_aot.h — what ebmc build (cli_aot.c) shares with the part that
 * builds a stack into the binary (cli_aot_stack.c). */
#ifndef EBMC_CLI_AOT_H
#define EBMC_CLI_AOT_H
#include <stdio.h>

#include "cli_stack.h"

/* A compiled model besides the main one (a tempered model, a recognition
 * model, a stack's layer or network), in a C file of its own
 * (aot_emit_model_c's static names would clash with the main model's)
 * with a function PX_get that hands it out. */
typedef struct Extra {
    const char *px;           /* its symbols' prefix: PX_kernels, PX_get */
    const IrProgram *ir;
    const rt_model *m;
} Extra;

/* a spec's stack as ebmc build writes it */
typedef struct AotStack {
    StackBundle b;
    Extra *extras;            /* its layers (and, for a DBN, all of them), tempered models, network */
    int nextras;
    const char *yaml;         /* the stages' resolved settings, for --log */
} AotStack;

/* The stack of c compiled for a binary whose main model is main (the
 * joint model of a DBM, else the spec's first model): every other part, the tempered
 * model of each stage with method = pt, a backprop stage's network for
 * the class count of its data (read now). 0 or an exit code (reported). */
int cli_aot_stack_prepare(Compilation *c, const Analysis *main, const char *px, AotStack *as);
/* the bundle's static data in the glue, before main() */
void cli_aot_stack_data(FILE *f, const AotStack *as);
/* main()'s statements that fill `stack` (px: the main model's prefix) */
void cli_aot_stack_main(FILE *f, const AotStack *as, const char *px);
void cli_aot_stack_free(AotStack *as);
#endif
