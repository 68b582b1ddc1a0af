/* cli_latent.h — the recognition model a train block names, compiled for
 * `ebmc train` (the train driver, rt_drive.c, saves it beside the
 * checkpoint). */
#ifndef EBMC_CLI_LATENT_H
#define EBMC_CLI_LATENT_H
#include "cli.h"
#include "config.h"

typedef struct Latent {
    rt_model *q;            /* recognition = q: its runtime model, or NULL */
    rt_params *qp;
    const char *qname;
} Latent;

/* Before training: compiles and initialises the recognition model, if the
 * train block names one, into tc->rt, on the back end o's --backend
 * names. Returns 0 or an exit code. */
int cli_latent_prepare(Built *b, const Opts *o, TrainConfig *tc, Latent *lt);
void cli_latent_free(Latent *lt);
#endif
