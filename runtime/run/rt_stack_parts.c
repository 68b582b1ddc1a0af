/* rt_stack_parts.c — a stack's parts' parameters and the stack's
 * checkpoints: every part's tensors as "part.param" in one file, with the
 * number of stages done (rt_stack_parts.h). */
#include "rt_stack_parts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rt_stack_parts_init(rt_stack_parts *r, const rt_stack *s, uint64_t seed, uint64_t step, uint64_t joint_seed) {
    memset(r, 0, sizeof *r);
    r->s = s;
    r->lp = calloc((size_t)s->nlayers + 1, sizeof(rt_params *));
    r->hidden = calloc((size_t)s->nlayers + 1, sizeof(int));
    r->gp = calloc((size_t)s->nlayers + 1, sizeof(rt_params *));
    for (int k = 0; k < s->nlayers; k++) {
        const rt_model *m = s->layers[k];
        r->lp[k] = rt_params_new(m);
        rt_params_init(m, r->lp[k], seed + step * (uint64_t)k);
        r->hidden[k] = -1;
        for (int g = 0; g < m->ngroups; g++)
            if (m->groups[g].role == RT_HIDDEN) r->hidden[k] = g;
    }
    if (s->joint) {
        r->jp = rt_params_new(s->joint);
        rt_params_init(s->joint, r->jp, joint_seed);
    }
}

void rt_stack_parts_free(rt_stack_parts *r) {
    for (int k = 0; r->lp && k < r->s->nlayers; k++) rt_params_free(r->lp[k]);
    for (int k = 0; r->gp && k < r->s->nlayers; k++) rt_params_free(r->gp[k]);
    free(r->lp);
    free(r->gp);
    free(r->hidden);
    rt_params_free(r->jp);
    rt_params_free(r->np);
    memset(r, 0, sizeof *r);
}

/* the parts in checkpoint order: layers, joint model, network */
static int parts(const rt_stack_parts *r, const rt_model **m, rt_params **p, int with_net) {
    int n = 0;
    for (int k = 0; k < r->s->nlayers && n < 64; k++, n++) {
        m[n] = r->s->layers[k];
        p[n] = r->lp[k];
    }
    if (r->s->joint) {
        m[n] = r->s->joint;
        p[n++] = r->jp;
    }
    if (with_net && r->net) {
        m[n] = r->net;
        p[n++] = r->np;
    }
    return n;
}

int rt_stack_save(const rt_stack_parts *r, const char *path, int stages_done) {
    const rt_model *m[66];
    rt_params *p[66];
    int n = parts(r, m, p, 1), total = 0;
    for (int i = 0; i < n; i++) total += m[i]->nparams;
    for (int k = 0; k < r->s->nlayers; k++)
        if (r->gp[k]) total += r->s->layers[k]->nparams;
    rt_tensor *ts = calloc((size_t)total + 1, sizeof(rt_tensor));
    rt_tensor **ptr = calloc((size_t)total + 1, sizeof(rt_tensor *));
    int t = 0;
    for (int i = 0; i < n; i++)
        for (int q = 0; q < m[i]->nparams; q++, t++) {
            const rt_param *pp = &m[i]->params[q];
            snprintf(ts[t].name, sizeof ts[t].name, "%s.%s", m[i]->name, pp->name);
            ts[t].ndim = pp->ndim;
            memcpy(ts[t].dims, pp->dims, sizeof ts[t].dims);
            ts[t].data = p[i]->value[q];
            ptr[t] = &ts[t];
        }
    for (int k = 0; k < r->s->nlayers; k++)
        for (int q = 0; r->gp[k] && q < r->s->layers[k]->nparams; q++, t++) {
            const rt_param *pp = &r->s->layers[k]->params[q];
            snprintf(ts[t].name, sizeof ts[t].name, "%s.down.%s", r->s->layers[k]->name, pp->name);
            ts[t].ndim = pp->ndim;
            memcpy(ts[t].dims, pp->dims, sizeof ts[t].dims);
            ts[t].data = r->gp[k]->value[q];
            ptr[t] = &ts[t];
        }
    char done[16];
    snprintf(done, sizeof done, "%d", stages_done);
    rt_meta meta[] = {{"stack", r->s->name}, {"stages_done", done}};
    int rc = rt_save_safetensors(path, ptr, total, meta, 2);
    free(ts);
    free(ptr);
    return rc;
}

int rt_stack_load(rt_stack_parts *r, const char *path, int training, int *stages_done) {
    rt_tensor **ts;
    rt_meta *meta;
    int n, nm;
    if (rt_load_safetensors(path, &ts, &n, &meta, &nm)) return -1;
    /* a checkpoint of another model or stack is refused, not half loaded */
    const char *stack = NULL, *done = NULL, *name = r->s->name;
    for (int i = 0; i < nm; i++) {
        if (!strcmp(meta[i].key, "stages_done")) done = meta[i].value;
        if (!strcmp(meta[i].key, "stack")) stack = meta[i].value;
    }
    char *end = NULL;
    long d = done ? strtol(done, &end, 10) : -1;
    int rc = 0;
    if (!stack || !done)
        rc = rt_fail("%s is not a stack's checkpoint (no 'stack' and 'stages_done' keys): stack '%s' loads the --out of "
                     "a run that trained it", path, name);
    else if (strcmp(stack, name))
        rc = rt_fail("%s is a checkpoint of stack '%s', not of '%s'", path, stack, name);
    else if (!*done || *end || d < 0 || (training && d > r->s->nstages))   /* sampling reads no stages */
        rc = rt_fail("%s: stages_done is '%s', not a number of stages from 0 to %d", path, done, r->s->nstages);
    *stages_done = rc ? 0 : (int)d;
    const rt_model *m[66];
    rt_params *p[66];
    int np = parts(r, m, p, 0);
    for (int i = 0; i < np && !rc; i++)
        for (int q = 0; q < m[i]->nparams && !rc; q++) {
            char tname[128];
            snprintf(tname, sizeof tname, "%s.%s", m[i]->name, m[i]->params[q].name);
            int found = 0;
            for (int k = 0; k < n; k++)
                if (!strcmp(ts[k]->name, tname) && rt_numel(ts[k]->ndim, ts[k]->dims) == m[i]->params[q].size) {
                    memcpy(p[i]->value[q], ts[k]->data, sizeof(float) * (size_t)m[i]->params[q].size);
                    found = 1;
                }
            if (!found)
                rc = rt_fail("%s has no tensor '%s' of %lld values, which stack '%s' needs", path, tname,
                             (long long)m[i]->params[q].size, name);
        }
    /* the generative copies up_down untied: all of a layer's, or none */
    for (int k = 0; k < r->s->nlayers && !rc; k++) {
        const rt_model *lm = r->s->layers[k];
        int have = 0;
        for (int q = 0; q < lm->nparams; q++) {
            char tname[160];
            snprintf(tname, sizeof tname, "%s.down.%s", lm->name, lm->params[q].name);
            for (int i = 0; i < n; i++)
                if (!strcmp(ts[i]->name, tname) && rt_numel(ts[i]->ndim, ts[i]->dims) == lm->params[q].size) {
                    if (!r->gp[k]) r->gp[k] = rt_params_new(lm);
                    memcpy(r->gp[k]->value[q], ts[i]->data, sizeof(float) * (size_t)lm->params[q].size);
                    have++;
                    break;
                }
        }
        if (have && have != lm->nparams)
            rc = rt_fail("%s has %d of layer '%s''s %d generative (%s.down.*) tensors: a checkpoint of up_down has all",
                         path, have, lm->name, lm->nparams, lm->name);
    }
    rt_tensors_free(ts, n);
    rt_meta_free(meta, nm);
    return rc;
}

rt_params *rt_stack_gen(const rt_stack_parts *r, int k) { return r->gp[k] ? r->gp[k] : r->lp[k]; }

/* a group of layer m by role, the only one of it */
static int only_group(const rt_model *m, int role, int *g) {
    int n = 0;
    for (int i = 0; i < m->ngroups; i++)
        if (m->groups[i].role == role) *g = i, n++;
    return n;
}

int rt_stack_levels(const rt_stack *s, const char *what, int64_t *size, int64_t *extras) {
    int L = s->nlayers;
    if (s->dbm || L < 2) return rt_fail("%s needs a DBN of two or more layers", what);
    for (int k = 0; k < L - 1; k++) {
        const rt_model *m = s->layers[k];
        int v = -1, h = -1;
        if (only_group(m, RT_VISIBLE, &v) != 1 || only_group(m, RT_HIDDEN, &h) != 1 || only_group(m, RT_INPUT, &h) != 0 ||
            m->groups[v].utype != RT_BERNOULLI || m->groups[h].utype != RT_BERNOULLI)
            return rt_fail("%s: layer '%s' must be an RBM of one bernoulli visible and one bernoulli hidden group", what,
                           m->name);
        only_group(m, RT_HIDDEN, &h);
        if (m->k_grad_mean < 0 || m->groups[v].k_sample < 0 || m->groups[v].k_mean < 0 || m->groups[h].k_sample < 0 ||
            m->groups[h].k_mean < 0)
            return rt_fail("%s: layer '%s' has no exact conditionals and mean-statistic kernel to learn with", what, m->name);
        if (k == 0) size[0] = m->groups[v].size;
        else if (m->groups[v].size != size[k])
            return rt_fail("%s: layer '%s' has %lld visible units, the hidden group below it %lld", what, m->name,
                           (long long)m->groups[v].size, (long long)size[k]);
        size[k + 1] = m->groups[h].size;
    }
    const rt_model *top = s->layers[L - 1];
    int first = 1;
    *extras = 0;
    for (int g = 0; g < top->ngroups; g++) {
        const rt_group *gr = &top->groups[g];
        if (gr->role == RT_INPUT) return rt_fail("%s: the top layer '%s' has an input group", what, top->name);
        if (gr->role != RT_VISIBLE) continue;
        if (first && gr->size != size[L - 1])
            return rt_fail("%s: the top layer '%s''s first visible group has %lld units, the hidden group below it %lld",
                           what, top->name, (long long)gr->size, (long long)size[L - 1]);
        if (!first && (*extras || gr->utype != RT_SOFTMAX))
            return rt_fail("%s: the top layer '%s' may have one label group (softmax) beside its first visible group",
                           what, top->name);
        if (!first) *extras = gr->size;
        first = 0;
    }
    if (!top->fe_exact || top->k_free_energy < 0)
        return rt_fail("%s: the top layer '%s' must sum its hidden groups out in closed form", what, top->name);
    return 0;
}

int64_t rt_stack_first_visible(const rt_model *m) {
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE) return m->groups[g].size;
    return 0;
}
