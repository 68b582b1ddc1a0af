/* rt_collapse.h — collapse detection for training runs (rt_collapse.c has
 * the rules). rt_train keeps a guard when on_collapse is stop or restore:
 * after every epoch the guard either keeps the state as the last good one
 * or reports a collapse, and can put the last good state back. */
#ifndef EBMC_RT_COLLAPSE_H
#define EBMC_RT_COLLAPSE_H
#include <stddef.h>

#include "rt_train.h"

typedef struct rt_guard rt_guard;
/* chains: the persistent chains to keep with the parameters, or NULL;
 * epoch: the epoch whose end the state is now (0 at the start, the
 * resumed epoch's predecessor on --resume) */
rt_guard *rt_guard_new(const rt_model *m, rt_params *p, rt_ws *chains, int epoch);
/* 0: st looks healthy: the state it was measured from (the end of the
 * epoch before) becomes the last good one; 1: a collapse, described in why */
int rt_guard_epoch(rt_guard *g, const rt_epoch_stats *st, char *why, size_t n);
/* the last good state back; returns its epoch (-1: none is known yet) */
int rt_guard_restore(rt_guard *g);
void rt_guard_free(rt_guard *g);
#endif
