/* rt_recurrent.h — models with a recurrent input group (the RNN-RBM of
 * Boulanger-Lewandowski, Bengio & Vincent 2012): the loops over time.
 *
 * A data row is a sequence of T frames, each frame the visible groups'
 * values in declaration order (T = row floats / frame floats). At step t
 * the compiled model runs with its recurrent input group u holding u[t-1]
 * (at the first step the start parameter, { start = u0 }, or zeros) and
 * the frame v[t]; the kernels of
 * rt_model.recur give u[t] = s(u[t-1], v[t]), dF/du, and the adjoint's
 * path back through s. Training ascends sum_t log p(v[t] | u[t-1]): at
 * each step the positive minus the negative phase (CD-k, or the exact
 * expectation by enumeration) gives the parameters' gradients and dF/du,
 * the gradient of the time-dependent biases; back-propagation through
 * time carries it into the recurrence's parameters. */
#ifndef EBMC_RT_RECURRENT_H
#define EBMC_RT_RECURRENT_H
#include <stdio.h>

#include "rt_source.h"
#include "rt_train.h"

/* 0, or -1 after rt_fail when src gives frames with their history
 * (history = n, moving_bar without length) instead of sequences. */
int rt_recurrent_source_check(const rt_model *m, const rt_source *src);
/* Frames per row: 0, or -1 after rt_fail (not a recurrent model, hidden
 * groups that do not sum out, another input group, a row that is not a
 * whole number of frames). */
int rt_recurrent_frames(const rt_model *m, int64_t row_floats, int *T);
/* p->grad gets the ascent direction of (1/n) sum_rows sum_t log p(v[t] |
 * u[t-1]) over n sequences (rows[order[r]], order NULL: row r): the
 * negative phase by k steps of block Gibbs from the data frame (CD-k), or
 * with k = 0 the exact expectation (every configuration of the visible
 * groups listed; small binary frames only), which makes it the exact
 * gradient. Returns the mean squared difference per unit between the
 * frames and the negative phase's samples (k > 0; 0 for k = 0), or -1
 * after rt_fail. */
double rt_recurrent_grad(const rt_model *m, rt_params *p, const float *rows, const int64_t *order, int64_t n,
                         int64_t row_floats, int k, uint64_t seed, uint64_t step);
/* Exact log p(v[t] | u[t-1]) of every frame, summed over the n sequences:
 * per_frame[t] (T entries), by enumerating each frame's model given its
 * state (rt_exact_loglik). 0, or -1 after rt_fail. */
int rt_recurrent_loglik(const rt_model *m, rt_params *p, const float *rows, int64_t n, int64_t row_floats,
                        double *per_frame);
/* eval's YAML for a recurrent model: sequences, frames, exact_loglik (the
 * average log p(v[t] | u[t-1]) per frame), exact_loglik_per_frame (its
 * average at each t), loglik and loglik_source. 0, or -1 after rt_fail. */
int rt_recurrent_report(const rt_model *m, rt_params *p, const rt_dataset *data, FILE *y);
/* chains [c0, c1) of the job's generated sequences of T frames into out
 * ((c1 - c0) x T x frame floats; each chain draws what it draws among all
 * of them: rt_ws.row0): the recurrence run forward, each frame drawn by `steps` block
 * Gibbs sweeps from a random start given its state (the last sweep's
 * visible means when means != NULL go there, same layout). */
int rt_recurrent_sample(const rt_model *m, rt_params *p, int64_t c0, int64_t c1, int T, int steps, uint64_t seed,
                        float *out, float *means);
/* A PNG of generated sequences: per chain, the frames side by side (2-D
 * frames) or one frame per row, time going down (1-D frames). */
int rt_recurrent_write_png(const rt_model *m, const char *path, const float *frames, int64_t chains, int T);
/* rt_recurrent_sample of `chains` chains (split over the ranks under
 * mpirun and gathered: one process's file), written to out by its
 * extension: .png
 * (rt_recurrent_write_png of the means, or of the states when states),
 * .npy (chains x T x frame floats of the states) or .csv (a row per frame).
 * What ebmc sample and a built binary's sample run. */
int rt_recurrent_sample_out(const rt_model *m, rt_params *p, int64_t chains, int T, int steps, uint64_t seed,
                            const char *out, int states);
/* Training by rt_recurrent_grad (cfg->k steps) and rt_update_step, batch
 * sequences per update; reports the reconstruction error per epoch (the
 * frames against the negative phase's samples) and, with monitor =
 * exact_loglik, the exact average log p(frame | state). On *cfg->stop it
 * ends after the epoch, with rep->epochs saying how many ran. */
int rt_recurrent_train(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg,
                       FILE *progress, rt_train_report *rep);
#endif
