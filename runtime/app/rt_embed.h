/* rt_embed.h — one compiled model inside someone else's C program: what
 * the functions of a header written by `ebmc build --emit-header` call.
 * Errors: NULL or non-zero, with rt_last_error() saying why. */
#ifndef EBMC_RT_EMBED_H
#define EBMC_RT_EMBED_H
#include "rt_model.h"

typedef struct rt_embedded {
    const rt_model *m;
    rt_params *p;
} rt_embedded;

/* params: every parameter in order (embedded at build time), or NULL for
 * the spec's initial values drawn with seed */
rt_embedded *rt_embed_new(const rt_model *m, const float *params, uint64_t seed);
int rt_embed_load(rt_embedded *e, const char *safetensors);
/* chains x (visible floats) final states after `steps` sweeps from random
 * states; the same numbers as `ebmc sample --seed seed --out F.npy` */
int rt_embed_sample(rt_embedded *e, int64_t chains, int steps, uint64_t seed, float *out);
/* F(v) for n rows of visible values (the hidden groups summed out) */
int rt_embed_free_energy(rt_embedded *e, const float *v, int64_t n, double *out);
/* E[h | v] of the first hidden group for n rows: n x its size (exact when
 * the hidden groups are independent given the visibles, as in an RBM) */
int rt_embed_hidden_probs(rt_embedded *e, const float *v, int64_t n, float *out);
void rt_embed_free(rt_embedded *e);
#endif
