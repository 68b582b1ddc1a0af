/* rt_schedule.c — the value of a schedule in an epoch (rt_schedule.h). */
#include "rt_schedule.h"

#include <math.h>
#include <stddef.h>

const rt_sched_piece *rt_schedule_pieces(const rt_schedule *s) { return s->piece ? s->piece : &s->one; }

rt_schedule rt_schedule_const(double v) {
    rt_schedule s = {1, NULL, {RT_SCHED_CONST, v, 0, -1}};
    return s;
}

double rt_schedule_at(const rt_schedule *s, int epoch, int epochs) {
    const rt_sched_piece *p = rt_schedule_pieces(s);
    if (s->n <= 0) return 0;
    int first = 1, i = 0;
    while (i < s->n - 1 && p[i].until >= 0 && epoch > p[i].until) first = p[i++].until + 1;
    const rt_sched_piece *q = &p[i];
    int last = q->until >= 0 ? q->until : epochs;
    double t = last > first ? (double)(epoch - first) / (double)(last - first) : 0;
    if (t < 0) t = 0;
    if (t > 1) t = 1;
    switch (q->kind) {
    /* weighted sums, so that both ends come out exact */
    case RT_SCHED_LINEAR: return q->a * (1 - t) + q->b * t;
    case RT_SCHED_COSINE: {
        double w = (1 + cos(M_PI * t)) / 2;
        return q->a * w + q->b * (1 - w);
    }
    case RT_SCHED_EXP: {
        int k = (epoch > last ? last : epoch) - first;
        return q->a * pow(q->b, k > 0 ? k : 0);
    }
    default: return q->a;
    }
}
