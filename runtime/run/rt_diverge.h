/* rt_diverge.h — the training loop's checks around each update: a
 * gradient that is not finite (and whether a data row or the model's own
 * samples gave it), a parameter the step made non-finite, a learned
 * precision that stopped being positive. Each stops the run with the
 * parameter, the epoch and the batch, and says which checkpoint is kept. */
#ifndef EBMC_RT_DIVERGE_H
#define EBMC_RT_DIVERGE_H
#include "rt_train.h"

typedef struct rt_update_at {
    int epoch;
    int64_t batch, batches;     /* 1-based batch of the epoch, of batches */
    const float *data;          /* the training rows, rf floats each */
    const int64_t *rows;        /* the batch's rows of data */
    int64_t nrows, rf;
    double lr;
    const rt_train_cfg *cfg;
    int saved_epoch;            /* the checkpoint written last resumes at */
    int64_t saved_batch;        /* (saved_epoch, saved_batch); epoch 0: none */
} rt_update_at;

/* before the update: 0, or -1 (rt_fail) when a gradient the step would use
 * is not finite, blaming the first data row of the batch that gives it
 * alone, else the negative phase. Overwrites the gradients when it fails. */
int rt_check_gradient(const rt_model *m, rt_params *p, const rt_update_at *u);
/* after the update: 0, or -1 (rt_fail) when a parameter is not finite or
 * a learned precision is not positive */
int rt_check_update(const rt_model *m, const rt_params *p, const rt_update_at *u);
#endif
