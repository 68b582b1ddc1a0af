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
/* Base rates of tp fitted to the train block's data when it loads and fits
 * the model, else to fallback (may be NULL: then they stay 0, a uniform
 * base model). *from says which ("training data", "evaluation data",
 * "uniform"). hidden_iters > 0: the discrete hidden groups' rates too,
 * from the same data's mean-field posteriors (rt_tempered_fit_hidden).
 * 0, or 1 after an error (reported). */
int cli_base_rates(Built *b, Tempered *t, rt_params *tp, const rt_dataset *fallback, int hidden_iters, const char **from);

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

/* ebmc sample --pt R [--beta-min B]: chains x rt_visible_floats values and
 * means of the target replicas; prints the swap rate. 0 or an exit code. */
int cli_pt_sample(Built *b, const Opts *o, rt_params *p, long long chains, long long steps, unsigned long long seed,
                  float *values, float *means);
#endif
