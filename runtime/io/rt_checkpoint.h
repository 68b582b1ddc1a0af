/* rt_checkpoint.h — checkpoints a training run can be resumed from. */
#ifndef EBMC_RT_CHECKPOINT_H
#define EBMC_RT_CHECKPOINT_H
#include "rt_model.h"

/* where a run is: the next batch of `epoch` to train, and the positions of
 * the positive- and negative-phase random-number streams */
typedef struct rt_train_position {
    int epoch;
    int64_t batch;
    uint64_t pos_step, neg_step;
} rt_train_position;

int rt_checkpoint_save(const char *path, const rt_model *m, const rt_params *p, const rt_ws *neg,
                       const rt_train_position *at, const rt_meta *meta, int nmeta);
/* parameters, optimiser state and chains back; fails for a file without a
 * training position (a plain parameter file) */
int rt_checkpoint_load(const char *path, const rt_model *m, rt_params *p, rt_ws *neg, rt_train_position *at);
#endif
