/* rt_collapse.c — telling a collapsed training run from a noisy one, and
 * going back to the last good epoch (rt_collapse.h).
 *
 * A collapse that stays finite (persistent chains stuck on one mode, a
 * Gaussian-Bernoulli RBM whose variances ran away) shows as a jump of a
 * monitor that had been improving, not as NaN. The rules compare each
 * epoch with the best epoch so far, with margins wide enough that the
 * epoch-to-epoch noise of a small data set does not trip them. Each epoch
 * is compared with the median of the (up to) five healthy epochs before it,
 * which one lucky or unlucky epoch cannot move:
 *   recon_error   more than twice the median, and up by more than 0.01 per
 *                 unit;
 *   pseudo_loglik below twice the median (it is negative) and below it by
 *                 more than 10 nats: the estimate flips one random unit per
 *                 row, so it is noisy on small data.
 * What is kept for going back: the parameters with the optimiser's
 * buffers and step count, and the persistent chains, of the last epoch
 * whose state the next epoch measured as healthy. */
#include "rt_collapse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { WINDOW = 5 };

/* the training state at the end of an epoch */
typedef struct Snap {
    float **value, **velocity, **second, **state;
    int64_t steps, gen_steps, chain_step;
    int epoch;                      /* -1: none */
} Snap;

/* An epoch's monitors are measured along the epoch, from the state the
 * epoch before it left (with one batch an epoch, at that state alone), so
 * a bad epoch t casts doubt on the end of epoch t - 1 too. The state at
 * the end of epoch t - 1 counts as good only once epoch t measured well:
 * until then it is pending. */
struct rt_guard {
    const rt_model *m;
    rt_params *p;
    rt_ws *chains;
    Snap good, pending;
    double recon[WINDOW], pll[WINDOW];   /* the last healthy epochs' monitors */
    int nrecon, npll;
};

/* the median of the last min(n, WINDOW) values of a ring */
static double median(const double *ring, int n) {
    double v[WINDOW];
    int k = n < WINDOW ? n : WINDOW;
    for (int i = 0; i < k; i++) v[i] = ring[i];
    for (int i = 1; i < k; i++)
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double t = v[j];
            v[j] = v[j - 1], v[j - 1] = t;
        }
    return k % 2 ? v[k / 2] : (v[k / 2 - 1] + v[k / 2]) / 2;
}

static float **copy_set(const rt_model *m, int n, float **from, float **to, int64_t (*size)(const rt_model *, int, int64_t),
                        int64_t rows) {
    if (!to) to = calloc(n > 0 ? (size_t)n : 1, sizeof(float *));
    for (int i = 0; i < n; i++) {
        size_t bytes = sizeof(float) * (size_t)size(m, i, rows);
        if (!to[i]) to[i] = malloc(bytes);
        memcpy(to[i], from[i], bytes);
    }
    return to;
}

static void restore_set(const rt_model *m, int n, float **from, float **to, int64_t (*size)(const rt_model *, int, int64_t),
                        int64_t rows) {
    for (int i = 0; i < n; i++) memcpy(to[i], from[i], sizeof(float) * (size_t)size(m, i, rows));
}

static int64_t param_size(const rt_model *m, int i, int64_t rows) {
    (void)rows;
    return m->params[i].size;
}

/* the state buffer of group i, for rows chains */
static int64_t group_size(const rt_model *m, int i, int64_t rows) { return m->groups[i].size * rows; }

/* the training state now into snap (its buffers reused) */
static void snap_take(rt_guard *g, Snap *snap, int epoch) {
    const rt_model *m = g->m;
    snap->value = copy_set(m, m->nparams, g->p->value, snap->value, param_size, 0);
    snap->velocity = copy_set(m, m->nparams, g->p->velocity, snap->velocity, param_size, 0);
    snap->second = copy_set(m, m->nparams, g->p->second, snap->second, param_size, 0);
    snap->steps = g->p->steps;
    snap->gen_steps = g->p->gen_steps;
    if (g->chains) {
        float **st = malloc(sizeof(float *) * (size_t)m->ngroups);
        for (int k = 0; k < m->ngroups; k++) st[k] = g->chains->bufs[m->groups[k].state_buf];
        snap->state = copy_set(m, m->ngroups, st, snap->state, group_size, g->chains->B);
        free(st);
        snap->chain_step = g->chains->step;
    }
    snap->epoch = epoch;
}

static void snap_put(rt_guard *g, const Snap *snap) {
    const rt_model *m = g->m;
    restore_set(m, m->nparams, snap->value, g->p->value, param_size, 0);
    restore_set(m, m->nparams, snap->velocity, g->p->velocity, param_size, 0);
    restore_set(m, m->nparams, snap->second, g->p->second, param_size, 0);
    g->p->steps = snap->steps;
    g->p->gen_steps = snap->gen_steps;
    if (g->chains) {
        for (int k = 0; k < m->ngroups; k++)
            memcpy(g->chains->bufs[m->groups[k].state_buf], snap->state[k],
                   sizeof(float) * (size_t)group_size(m, k, g->chains->B));
        g->chains->step = snap->chain_step;
    }
}

rt_guard *rt_guard_new(const rt_model *m, rt_params *p, rt_ws *chains, int epoch) {
    rt_guard *g = calloc(1, sizeof *g);
    g->m = m, g->p = p, g->chains = chains;
    g->good.epoch = -1;
    snap_take(g, &g->pending, epoch);   /* the state training starts from */
    return g;
}

int rt_guard_epoch(rt_guard *g, const rt_epoch_stats *st, char *why, size_t n) {
    double mr = g->nrecon ? median(g->recon, g->nrecon) : NAN, mp = g->npll ? median(g->pll, g->npll) : NAN;
    if (isfinite(st->recon) && g->nrecon && st->recon > 2 * mr && st->recon - mr > 0.01) {
        snprintf(why, n, "recon_error %.5f, more than twice the median %.5f of the epochs before it", st->recon, mr);
        return 1;
    }
    if (isfinite(st->pll) && g->npll && st->pll < mp - fmax(10.0, fabs(mp))) {
        snprintf(why, n, "pseudo_loglik %.4f, below the median %.4f of the epochs before it by more than max(10, its size)",
                 st->pll, mp);
        return 1;
    }
    if (isfinite(st->recon)) g->recon[g->nrecon++ % WINDOW] = st->recon;
    if (isfinite(st->pll)) g->pll[g->npll++ % WINDOW] = st->pll;
    /* this epoch measured the pending state well: it is good now, and the
     * state this epoch left is pending */
    Snap t = g->good;
    g->good = g->pending;
    g->pending = t;
    snap_take(g, &g->pending, st->epoch);
    return 0;
}

int rt_guard_restore(rt_guard *g) {
    if (g->good.epoch < 0) return -1;
    snap_put(g, &g->good);
    snap_take(g, &g->pending, g->good.epoch);
    return g->good.epoch;
}

static void free_set(int n, float **s) {
    for (int i = 0; s && i < n; i++) free(s[i]);
    free(s);
}

static void snap_free(const rt_model *m, Snap *s) {
    free_set(m->nparams, s->value);
    free_set(m->nparams, s->velocity);
    free_set(m->nparams, s->second);
    free_set(m->ngroups, s->state);
}

void rt_guard_free(rt_guard *g) {
    if (!g) return;
    snap_free(g->m, &g->good);
    snap_free(g->m, &g->pending);
    free(g);
}
