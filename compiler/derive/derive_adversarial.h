/* derive_adversarial.h — a generator and a discriminator (two models of one
 * spec, `method = adversarial(discriminator = d)` in the generator's train
 * block) composed into the models the runtime trains and samples, as spec
 * text: the generator's output `let` fed to the discriminator's visible
 * group, the discriminator written out twice (on the data and on the
 * generator's output). */
#ifndef EBMC_DERIVE_ADVERSARIAL_H
#define EBMC_DERIVE_ADVERSARIAL_H
#include "diag.h"
#include "sema.h"

enum {
    ADV_DISCRIMINATOR,   /* loss -log D(x) - log(1 - D(G(z))); the generator's parameters fixed */
    ADV_GENERATOR,       /* loss -log D(G(z)) (non-saturating); the discriminator's fixed */
    ADV_SAMPLER          /* the generator alone: x ~ normal(G(z), 0.001) */
};

/* The joint model `which` as spec text, named as g. Both training models
 * declare the generator's parameters and then the discriminator's, so one
 * parameter set serves both. logit: the discriminator's scalar let that is
 * log D/(1 - D) (NULL: its last let). NULL after an error reported to d at
 * `at` (the method's span) or at the declarations concerned. */
char *derive_adversarial_text(Arena *a, Diag *d, Span at, const Model *g, const Model *dm, const char *logit, int which);
#endif
