/* cli_adversarial.h — `method = adversarial(discriminator = d)`: the
 * generator and discriminator of a spec composed (derive_adversarial.h) and
 * compiled into the models `ebmc train` and `ebmc sample` run. */
#ifndef EBMC_CLI_ADVERSARIAL_H
#define EBMC_CLI_ADVERSARIAL_H
#include "cli.h"
#include "config.h"
#include "rt_app.h"

typedef struct Adversarial {
    Compilation *c[3];     /* ADV_DISCRIMINATOR, ADV_GENERATOR, ADV_SAMPLER */
    rt_model *m[3];
} Adversarial;

/* The models `which` (ADV_* bits 1 << k) of the pair b's train block names,
 * on the back end o's --backend names: 0 (nothing when the method is not
 * adversarial), or an exit code after a message. train: also sets
 * tc->rt.adversary to the generator's step. */
int cli_adversarial_prepare(Built *b, const Opts *o, TrainConfig *tc, int which, Adversarial *ad);
/* the text of the composed model which (NULL after a message) */
char *cli_adversarial_text(Compilation *c, const Model *g, const TrainConfig *tc, int which);
/* `ebmc explain` of a generator: both steps' models explained; 0 when an
 * is no generator, 1 when printed, -1 after a message */
int cli_adversarial_explain(Compilation *c, Analysis *an, int yaml);
/* `ebmc sample` of a generator: sc->chains draws G(z) written to sc->out
 * (its conditional means; states: with the sampler's N(0, 0.001^2) added);
 * 0 when b's model is no generator, -1 when written, else an exit code
 * after a message */
int cli_adversarial_sample(Built *b, const Opts *o, const char *params, const rt_app_sample *sc, int states);
void cli_adversarial_free(Adversarial *ad);
#endif
