/* cli_anneal.h — the tempered model (compiler/derive/derive_tempered.h) for the commands
 * that anneal: eval --ais, train with method = pt(...), sample --pt. */
#ifndef EBMC_CLI_ANNEAL_H
#define EBMC_CLI_ANNEAL_H
#include "cli.h"
#include "config.h"
#include "derive_tempered.h"

/* b's main model at inverse temperature beta, on the back end --backend
 * names. NULL after an error (reported; *rc is the exit code). */
Tempered *cli_tempered(Built *b, const Opts *o, int *rc);
/* the same for any compiled model of c (a stack's layer, its joint model) */
Tempered *cli_tempered_of(Compilation *c, const Analysis *an, const rt_model *m, const Opts *o, int *rc);
/* releases the tempered model's compiled code (its memory is b's arena) */
void cli_tempered_free(Tempered *t);
/* what ebmc train needs beyond the train block's data: the validation set
 * of the fe_gap monitor, the tempered model of method = pt */
typedef struct TrainExtras {
    Tempered *t;
    rt_dataset validation;
    Compilation *mp_c;      /* method = mp: its network (derive_mp.h) */
    rt_model *mp;
} TrainExtras;

/* sets tc->rt.validation, tc->rt.tempered and tc->rt.mp_net; 0, or an
 * exit code after an error */
int cli_train_extras(Built *b, const Opts *o, TrainConfig *tc, TrainExtras *x);
void cli_train_extras_free(TrainExtras *x);

#endif
