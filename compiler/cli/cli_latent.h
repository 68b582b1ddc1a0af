/* cli_latent.h — what `ebmc train` adds around the latent-variable methods:
 * the recognition model a train block names, the score of held-out data
 * (test = ...), the learned filters as an image (filters = "f.png"). */
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
/* After training (parameters saved to out): saves the recognition model's
 * parameters beside out, scores the test data, draws the filters. Returns
 * 0 or an exit code. */
int cli_latent_finish(Built *b, const TrainConfig *tc, rt_params *p, Latent *lt, const char *out);
void cli_latent_free(Latent *lt);
/* filters = "f.png": the loading's columns (or the first matrix
 * parameter's) as images; 0 or an exit code */
int cli_draw_filters(const rt_model *m, rt_params *p, const char *path);
#endif
