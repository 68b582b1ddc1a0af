/* derive_mp.h — the multi-prediction loss of a deep Boltzmann machine
 * (method = mp): its mean-field inference unrolled into a network (spec
 * text) that predicts a random subset of the visible units from the rest. */
#ifndef EBMC_DERIVE_MP_H
#define EBMC_DERIVE_MP_H
#include "compile.h"
#include "derive.h"

/* The network `MODEL_mp` as spec text: MODEL's visible groups as data, a
 * mask input `keep_G { noise = bernoulli(1 - drop) }` per visible group,
 * MODEL's parameters under their own names, `iters` mean-field sweeps as
 * lets and the cross-entropy of the predicted units as its loss. Compile
 * it with compile_network. NULL after rt_fail when the model is not one mp
 * can unroll (every group sigmoid or softmax, fields linear in each group,
 * no per-parameter rules) or the settings are out of range. */
char *derive_mp_text(Arena *a, Analysis *an, int iters, double drop);
/* That text compiled (compile_network); its analysis is
 * compile_main_model(result). NULL after rt_fail. compile_free it. */
Compilation *derive_mp_network(Arena *a, Analysis *an, int iters, double drop);
#endif
