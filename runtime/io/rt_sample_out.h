/* rt_sample_out.h — writing samples: what ebmc sample and a built binary's
 * sample subcommand share. */
#ifndef EBMC_RT_SAMPLE_OUT_H
#define EBMC_RT_SAMPLE_OUT_H
#include "rt_model.h"

/* The first visible group as images: 2-D groups as they are, 1-D ones of
 * square size as squares. 0 when it is not image-shaped. */
int rt_image_shape(const rt_model *m, int *h, int *w);
/* chains rows of visible values to out by its extension: .png (a grid of
 * the first visible group's means), .npy (the states, chains x visible
 * floats) or .csv (the states, with a header naming every unit). 0, or -1
 * after rt_fail. */
int rt_write_samples(const rt_model *m, const char *out, const float *values, const float *means, int64_t chains);
#endif
