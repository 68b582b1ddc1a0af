/* rt_stack_backprop.c — a stack's backprop stage: the layers (a DBN) or
 * the joint model (a DBM) unrolled into a network with a softmax over the
 * label columns, started from the trained parameters and trained to
 * minimise the cross-entropy; then its accuracy (rt_stack_parts.h). The
 * network itself is compiled by the compiler (rt_stack.unroll, or built
 * into the binary). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_stack_parts.h"

/* A DBM's network reads [x, m_1 .. m_L-1, y]: the mean-field values of the
 * joint model's hidden groups above the first, given x (Salakhutdinov &
 * Hinton 2009), between the image and the labels */
static int augment(const rt_stack_parts *r, const rt_train_cfg *cfg, const rt_dataset *in, int64_t classes,
                   int64_t naug, rt_dataset *out) {
    const rt_model *m = r->s->joint;
    int64_t w0 = rt_dataset_row(in), nx = w0 - classes, w1 = w0 + naug, B = 500;
    if (nx != rt_visible_floats(m))
        return rt_fail("the data has %lld values per example: %lld for the DBM's visible units and %lld label columns "
                       "expected", (long long)w0, (long long)rt_visible_floats(m), (long long)classes);
    memset(out, 0, sizeof *out);
    out->n = in->n;
    out->ndim = 1;
    out->dims[0] = w1;
    out->data = rt_alloc(sizeof(float) * (size_t)(in->n * w1));
    rt_ws *w = rt_ws_new(m, B, r->jp, 0);
    float *x = malloc(sizeof(float) * (size_t)(B * nx));
    for (int64_t r0 = 0; r0 < in->n; r0 += B) {
        int64_t nb = in->n - r0 < B ? in->n - r0 : B;
        w->B = nb;
        for (int64_t i = 0; i < nb; i++) memcpy(x + i * nx, in->data + (r0 + i) * w0, sizeof(float) * (size_t)nx);
        rt_ws_set_visible(w, x, nb, nx);
        for (int g = 0; g < m->ngroups; g++)
            if (m->groups[g].role == RT_HIDDEN) memset(w->bufs[m->groups[g].state_buf], 0, sizeof(float) * (size_t)(nb * m->groups[g].size));
        rt_mean_field(w, cfg->mf_iters, cfg->mf_tol);
        for (int64_t i = 0; i < nb; i++) {
            float *row = out->data + (r0 + i) * w1;
            memcpy(row, x + i * nx, sizeof(float) * (size_t)nx);
            int64_t o = nx, first = 1;
            for (int g = 0; g < m->ngroups; g++) {
                const rt_group *gr = &m->groups[g];
                if (gr->role != RT_HIDDEN) continue;
                if (first) {
                    first = 0;
                    continue;
                }
                memcpy(row + o, w->bufs[gr->state_buf] + i * gr->size, sizeof(float) * (size_t)gr->size);
                o += gr->size;
            }
            memcpy(row + o, in->data + (r0 + i) * w0 + nx, sizeof(float) * (size_t)classes);
        }
    }
    free(x);
    rt_ws_free(w);
    return 0;
}

/* p(class | x) by the loss of each class (loss = -log p): the fraction of
 * rows whose true class has the least loss */
static double accuracy(const rt_model *m, rt_params *p, const rt_dataset *d, int64_t classes) {
    int64_t rf = rt_dataset_row(d), B = 500, ok = 0;
    rt_ws *w = rt_ws_new(m, B, p, 0);
    float *rows = malloc(sizeof(float) * (size_t)(B * rf)), *best = malloc(sizeof(float) * (size_t)B);
    int64_t *arg = malloc(sizeof(int64_t) * (size_t)B);
    for (int64_t r0 = 0; r0 < d->n; r0 += B) {
        int64_t nb = d->n - r0 < B ? d->n - r0 : B;
        w->B = nb;
        memcpy(rows, d->data + r0 * rf, sizeof(float) * (size_t)(nb * rf));
        for (int64_t c = 0; c < classes; c++) {
            for (int64_t i = 0; i < nb; i++)
                for (int64_t q = 0; q < classes; q++) rows[i * rf + rf - classes + q] = q == c;
            rt_ws_set_visible(w, rows, nb, rf);
            rt_ws_run(w, m->k_loss);
            for (int64_t i = 0; i < nb; i++)
                if (c == 0 || w->bufs[m->loss_buf][i] < best[i]) {
                    best[i] = w->bufs[m->loss_buf][i];
                    arg[i] = c;
                }
        }
        for (int64_t i = 0; i < nb; i++) ok += d->data[(r0 + i) * rf + rf - classes + arg[i]] > 0.5f;
    }
    free(rows);
    free(best);
    free(arg);
    rt_ws_free(w);
    return (double)ok / (double)d->n;
}

/* the network for this many classes: unrolled now, or the one built in */
static int network(rt_stack_parts *r, const rt_stack_stage *st, const rt_train_cfg *cfg, int64_t classes,
                   int64_t *naug) {
    const rt_stack *s = r->s;
    rt_model *net = NULL;
    if (s->unroll) {
        if (!(net = s->unroll(s->unroll_ctx, classes, naug))) return -1;
    } else if (s->net && classes == s->net_classes) {
        net = s->net;
        *naug = s->net_naug;
    } else if (s->net) {
        return rt_fail("stage '%s': the data has %lld label columns, and this binary's network was built for %lld "
                       "(rebuild it with ebmc build for this data)",
                       st->name, (long long)classes, (long long)s->net_classes);
    } else {
        return rt_fail("stage '%s': this binary was built without the stage's network", st->name);
    }
    if (!r->net) {
        r->net = net;
        r->np = rt_params_new(net);
        rt_params_init(net, r->np, cfg->seed);
    }
    return 0;
}

int rt_stack_backprop(rt_stack_parts *r, const rt_stack_stage *st, const rt_train_cfg *cfg, const rt_dataset *data,
                      rt_train_report *rep) {
    const rt_stack *s = r->s;
    int64_t classes = rt_dataset_row(data) - rt_stack_first_visible(s->joint ? s->joint : s->layers[0]);
    if (classes < 2) return rt_fail("stage '%s': backprop needs label columns in the data (idx(..., labels = ...))", st->name);
    int64_t naug;
    if (network(r, st, cfg, classes, &naug)) return -1;
    const rt_model *net = r->net;
    /* the trained parameters, under their unrolled names */
    int nsrc = s->joint ? 1 : s->nlayers;
    for (int q = 0; q < net->nparams; q++)
        for (int k = 0; k < nsrc; k++) {
            const rt_model *pm = s->joint ? s->joint : s->layers[k];
            rt_params *pp = s->joint ? r->jp : r->lp[k];
            for (int i = 0; i < pm->nparams; i++) {
                char name[160];
                snprintf(name, sizeof name, "%s_%s", pm->name, pm->params[i].name);
                if (!strcmp(name, net->params[q].name))
                    memcpy(r->np->value[q], pp->value[i], sizeof(float) * (size_t)net->params[q].size);
            }
        }
    rt_dataset aug = {0}, test = {0}, taug = {0};
    const rt_dataset *base = data;
    if (s->joint) {
        if (augment(r, cfg, data, classes, naug, &aug)) return -1;
        base = &aug;
    }
    int rc = rt_train(net, r->np, base, cfg, stdout, rep);
    if (rc || rep->stopped) {
        rt_dataset_free(&aug);
        return rc;
    }
    printf("stage %s: training accuracy %.4f", st->name, accuracy(net, r->np, base, classes));
    if (st->test.kind != RT_SRC_NONE) {
        if (rt_source_load(&st->test, &test)) rc = -1;
        else if (rt_dataset_row(&test) != rt_dataset_row(data))
            rc = rt_fail("stage '%s': the test data has %lld values per example, the training data %lld", st->name,
                         (long long)rt_dataset_row(&test), (long long)rt_dataset_row(data));
        else if (s->joint && augment(r, cfg, &test, classes, naug, &taug)) rc = -1;
        if (!rc)
            printf(", test accuracy %.4f (%lld examples)", accuracy(net, r->np, s->joint ? &taug : &test, classes),
                   (long long)test.n);
    }
    if (!rc) printf("\n");
    rt_dataset_free(&aug);
    rt_dataset_free(&taug);
    rt_dataset_free(&test);
    return rc;
}
