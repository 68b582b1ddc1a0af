/* cli_stack.h — training and sampling stacks (cli_stack.c). */
#ifndef EBMC_CLI_STACK_H
#define EBMC_CLI_STACK_H
#include "cli.h"
#include "config.h"

/* runs the stages of the spec's first stack; config: the resolved
 * settings (for --log); *stop set (by Ctrl-C) ends the run with a
 * checkpoint. An exit code (130 when stopped). */
int cli_stack_train(Compilation *c, const Opts *o, long long seed, char **sets, int nsets, const char *config,
                volatile int *stop);
/* chains of a DBN (top Gibbs, then down) or of a DBM stack's joint model:
 * *means_out gets chains x *width values of the bottom visible group
 * (malloc'd), with its image shape; 0 or -1 (rt_last_error) */
int cli_stack_sample(Compilation *c, const Opts *o, const char *params, const SampleConfig *sc, float **means_out, int64_t *width,
                 int *h, int *w);
#endif
