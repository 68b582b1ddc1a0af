/* rt_train_dist.c — rt_train's exchanges between ranks (rt_train_dist.h). */
#include "rt_train_dist.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_dist.h"
#include "rt_methods.h"

int rt_train_dist_check(const rt_model *m, const rt_train_cfg *cfg) {
    (void)m;
    if (rt_dist_size() == 1) return 0;
    if ((cfg->method == RT_PCD || cfg->method == RT_PT) && cfg->chains < rt_dist_size())
        return rt_fail("%s with %lld chains on %d ranks: every rank needs at least one chain",
                       cfg->method == RT_PT ? "pt" : "pcd", (long long)cfg->chains, rt_dist_size());
    return 0;
}

double rt_train_dist_swap_rate(const rt_pt *pt) {
    double s[2] = {0, 0};   /* swaps tried, accepted */
    for (int i = 0; i + 1 < pt->R; i++) s[0] += (double)pt->tried[i], s[1] += (double)pt->accepted[i];
    if (rt_dist_sum(NULL, 0, s, 2)) return NAN;
    return s[0] > 0 ? s[1] / s[0] : NAN;
}

int rt_train_dist_sum(const rt_model *m, rt_params *p, double *sums, int nsums) {
    if (rt_dist_size() == 1) return 0;
    int64_t n = 0;
    for (int i = 0; i < m->nparams; i++) n += m->params[i].size;
    float *all = malloc(sizeof(float) * (size_t)(n + 1));
    int64_t at = 0;
    for (int i = 0; i < m->nparams; i++) {
        memcpy(all + at, p->grad[i], sizeof(float) * (size_t)m->params[i].size);
        at += m->params[i].size;
    }
    int rc = rt_dist_sum(all, n, sums, nsums);
    at = 0;
    for (int i = 0; i < m->nparams && !rc; i++) {
        memcpy(p->grad[i], all + at, sizeof(float) * (size_t)m->params[i].size);
        at += m->params[i].size;
    }
    free(all);
    return rc;
}

int rt_train_dist_batch(const rt_model *m, rt_params *p, const rt_train_cfg *cfg, double *err, int64_t *watched,
                        double *loss, const double was[3], double last_save, int agreed[2]) {
    double s[5] = {*err - was[0], (double)*watched - was[1], *loss - was[2], cfg->stop && *cfg->stop,
                   rt_dist_rank() == 0 && cfg->checkpoint_minutes > 0 && rt_method_now() - last_save > 60 * cfg->checkpoint_minutes};
    if (rt_train_dist_sum(m, p, s, 5)) return -1;
    *err = was[0] + s[0];
    *watched = (int64_t)was[1] + (int64_t)s[1];
    *loss = was[2] + s[2];
    agreed[0] = s[3] > 0;
    agreed[1] = s[4] > 0;
    return 0;
}

void rt_train_dist_scale(const rt_model *m, rt_params *p, double s) {
    for (int i = 0; i < m->nparams; i++)
        for (int64_t k = 0; k < m->params[i].size; k++) p->grad[i][k] = (float)(p->grad[i][k] * s);
}

int rt_train_dist_same(const rt_model *m, const rt_params *p, int epoch) {
    const char *on = getenv("EBMC_DIST_CHECK");
    if (rt_dist_size() == 1 || !on || !*on || !strcmp(on, "0")) return 0;
    uint64_t h = 0xcbf29ce484222325ULL;   /* FNV-1a over the values' bytes */
    for (int i = 0; i < m->nparams; i++) {
        const unsigned char *b = (const unsigned char *)p->value[i];
        for (int64_t k = 0; k < 4 * m->params[i].size; k++) h = (h ^ b[k]) * 0x100000001b3ULL;
    }
    uint64_t *each = malloc(sizeof(uint64_t) * (size_t)rt_dist_size());
    int rc = rt_dist_allgather(&h, sizeof h, each, NULL);
    for (int r = 1; r < rt_dist_size() && !rc; r++)
        if (each[r] != each[0])
            rc = rt_fail("EBMC_DIST_CHECK: after epoch %d the parameters of rank %d differ from rank 0's "
                         "(hash %016llx, rank 0 %016llx)", epoch, r, (unsigned long long)each[r], (unsigned long long)each[0]);
    free(each);
    return rc;
}

/* rows of every group but the inputs: from's [from_at, + rows) to to's [to_at, + rows) */
static void copy_chains(const rt_model *m, rt_ws *to, int64_t to_at, const rt_ws *from, int64_t from_at, int64_t rows) {
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role == RT_INPUT) continue;
        memcpy(to->bufs[gr->state_buf] + to_at * gr->size, from->bufs[gr->state_buf] + from_at * gr->size,
               sizeof(float) * (size_t)(rows * gr->size));
    }
}

int rt_train_dist_save(const char *path, const rt_model *m, rt_params *p, const rt_ws *neg, int64_t C,
                       const rt_train_position *at, const rt_meta *meta, int nmeta) {
    if (rt_dist_size() == 1 || !neg) return rt_checkpoint_save(path, m, p, neg, at, meta, nmeta);
    rt_ws *all = rt_ws_new(m, C, p, neg->seed);
    int rc = 0;
    for (int g = 0; g < m->ngroups && !rc; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role == RT_INPUT) continue;
        rc = rt_dist_allgather(neg->bufs[gr->state_buf], (int64_t)sizeof(float) * neg->B * gr->size,
                               all->bufs[gr->state_buf], NULL);
    }
    if (!rc) rc = rt_checkpoint_save(path, m, p, all, at, meta, nmeta);
    rt_ws_free(all);
    return rc;
}

int rt_train_dist_load(const char *path, const rt_model *m, rt_params *p, rt_ws *neg, int64_t C, int64_t lo,
                       rt_train_position *at) {
    if (rt_dist_size() == 1 || !neg) return rt_checkpoint_load(path, m, p, neg, at);
    rt_ws *all = rt_ws_new(m, C, p, neg->seed);
    int rc = rt_checkpoint_load(path, m, p, all, at);
    if (!rc) copy_chains(m, neg, 0, all, lo, neg->B);
    rt_ws_free(all);
    return rc;
}
