/* rt_train_dist.h — rt_train's batches across the ranks of a job
 * (rt_dist.h, docs/distributed.md).
 *
 * Every rank shuffles the data alike, takes its contiguous share of each
 * global batch (rt_dist_share) and computes the gradient sum of its rows
 * with the global batch's weights (-1/B, +1/C); one exchange per batch adds
 * the gradients and the monitors' sums over the ranks, and every rank
 * applies the same update, so the parameters stay identical. Persistent
 * chains are split like the rows; a checkpoint holds all of them, in rank
 * order, and any number of ranks resumes it. With one rank every call here
 * returns at once and rt_train runs exactly as without it. */
#ifndef EBMC_RT_TRAIN_DIST_H
#define EBMC_RT_TRAIN_DIST_H
#include "rt_checkpoint.h"
#include "rt_pt.h"
#include "rt_train.h"

/* what a job of several ranks cannot train, refused with the reason */
int rt_train_dist_check(const rt_model *m, const rt_train_cfg *cfg);
/* pt: the swap rate of every rank's chains (each rank holds whole ladders
 * of its share of the chains, so swaps never cross ranks) */
double rt_train_dist_swap_rate(const rt_pt *pt);
/* p's gradients and the doubles of sums added over the ranks (in place) */
int rt_train_dist_sum(const rt_model *m, rt_params *p, double *sums, int nsums);
/* A batch's one exchange: the gradients, and the monitors' sums (err,
 * watched rows, loss) gained since `was`, added over the ranks; agreed[0]:
 * some rank got the stop signal, agreed[1]: rank 0's checkpoint minutes
 * (since last_save) are up; both acted on before the next batch, alike. */
int rt_train_dist_batch(const rt_model *m, rt_params *p, const rt_train_cfg *cfg, double *err, int64_t *watched,
                        double *loss, const double was[3], double last_save, int agreed[2]);
/* p's gradients times s */
void rt_train_dist_scale(const rt_model *m, rt_params *p, double s);
/* EBMC_DIST_CHECK=1: every rank's parameters hashed and compared after each
 * epoch; an error names the first rank that differs from rank 0 */
int rt_train_dist_same(const rt_model *m, const rt_params *p, int epoch);
/* checkpoints with the persistent chains of every rank: neg holds this
 * rank's share [lo, lo + neg->B) of C chains (neg NULL: none) */
int rt_train_dist_save(const char *path, const rt_model *m, rt_params *p, const rt_ws *neg, int64_t C,
                       const rt_train_position *at, const rt_meta *meta, int nmeta);
int rt_train_dist_load(const char *path, const rt_model *m, rt_params *p, rt_ws *neg, int64_t C, int64_t lo,
                       rt_train_position *at);
#endif
