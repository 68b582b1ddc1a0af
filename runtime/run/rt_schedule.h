/* rt_schedule.h — a setting that changes with the epoch (lr, momentum,
 * weight_decay).
 *
 * A schedule is a list of pieces, each holding until an epoch (1-based,
 * inclusive; -1: to the end of the run); the last piece also holds after
 * its epoch. A piece is a constant or a curve over its own epochs, from its
 * first epoch s (the epoch after the previous piece's, or 1) to its last e
 * (its `until`, or the run's last epoch), with t = (epoch - s)/(e - s) in
 * [0, 1] (0 when s = e):
 *     constant a          a
 *     linear(a, b)        a + (b - a) t
 *     cosine(a, b)        b + (a - b) (1 + cos(pi t))/2
 *     exp(a, rate)        a rate^(epoch - s)     (multiplied by rate each epoch)
 * so "linear(0.1, 0.01)" falls from 0.1 in epoch 1 to 0.01 in the last, and
 * "0.1 until 5, cosine(0.1, 0) until 20, 0" holds, anneals, then stops. */
#ifndef EBMC_RT_SCHEDULE_H
#define EBMC_RT_SCHEDULE_H

enum { RT_SCHED_CONST, RT_SCHED_LINEAR, RT_SCHED_EXP, RT_SCHED_COSINE };

typedef struct rt_sched_piece {
    int kind;          /* RT_SCHED_* */
    double a, b;       /* the constant; or the curve's arguments */
    int until;         /* its last epoch; -1: the run's last */
} rt_sched_piece;

typedef struct rt_schedule {
    int n;
    const rt_sched_piece *piece;   /* n pieces; NULL: the single piece `one` */
    rt_sched_piece one;
} rt_schedule;

/* the value in epoch `epoch` (1-based) of a run of `epochs` epochs */
double rt_schedule_at(const rt_schedule *s, int epoch, int epochs);
rt_schedule rt_schedule_const(double v);
/* the pieces of s, wherever they are kept */
const rt_sched_piece *rt_schedule_pieces(const rt_schedule *s);
#endif
