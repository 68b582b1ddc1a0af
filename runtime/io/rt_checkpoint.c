/* rt_checkpoint.c — the whole state of a training run, so a killed run
 * continues exactly: parameters under their names, and under "__" names
 * the optimiser's buffers, the persistent chains and the positions of the
 * random-number streams. Written atomically (rt_save_safetensors). */
#include "rt_checkpoint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rt_checkpoint_save(const char *path, const rt_model *m, const rt_params *p, const rt_ws *neg,
                       const rt_train_position *at, const rt_meta *meta, int nmeta) {
    int cap = 3 * m->nparams + m->ngroups + 1, n = 0;
    rt_tensor *ts = calloc((size_t)cap, sizeof(rt_tensor));
    rt_tensor **ptr = calloc((size_t)cap, sizeof(rt_tensor *));
    for (int i = 0; i < m->nparams; i++)
        for (int k = 0; k < 3; k++) {
            const rt_param *q = &m->params[i];
            static const char *const kind[] = {"", "__velocity.", "__second."};
            snprintf(ts[n].name, sizeof ts[n].name, "%s%s", kind[k], q->name);
            ts[n].ndim = q->ndim;
            memcpy(ts[n].dims, q->dims, sizeof ts[n].dims);
            ts[n].data = k == 0 ? p->value[i] : k == 1 ? p->velocity[i] : p->second[i];
            ptr[n] = &ts[n];
            n++;
        }
    for (int g = 0; neg && g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role == RT_INPUT) continue;
        snprintf(ts[n].name, sizeof ts[n].name, "__chains.%s", gr->name);
        ts[n].ndim = 2;
        ts[n].dims[0] = neg->B;
        ts[n].dims[1] = gr->size;
        ts[n].data = neg->bufs[gr->state_buf];
        ptr[n] = &ts[n];
        n++;
    }
    char pos[256];
    /* the generator's count only where there is one: other checkpoints
     * keep the five numbers every reader knows */
    int len = snprintf(pos, sizeof pos, "%d %lld %llu %llu %lld", at->epoch, (long long)at->batch,
                       (unsigned long long)at->pos_step, (unsigned long long)at->neg_step, (long long)p->steps);
    if (p->gen_steps) snprintf(pos + len, sizeof pos - (size_t)len, " %lld", (long long)p->gen_steps);
    rt_meta *all = calloc((size_t)nmeta + 1, sizeof(rt_meta));
    if (nmeta) memcpy(all, meta, sizeof(rt_meta) * (size_t)nmeta);
    all[nmeta] = (rt_meta){"training_position", pos};
    int nwith = 0;
    rt_meta *with = rt_structure_meta(m, all, nmeta + 1, &nwith);
    int rc = with ? rt_save_safetensors(path, ptr, n, with, nwith) : rt_fail("out of memory");
    rt_structure_meta_free(with, nwith);
    free(all);
    free(ts);
    free(ptr);
    return rc;
}

int rt_checkpoint_load(const char *path, const rt_model *m, rt_params *p, rt_ws *neg, rt_train_position *at) {
    if (rt_params_load(m, p, path)) return -1;
    rt_tensor **ts;
    rt_meta *meta;
    int n, nm, rc = 0, found = 0;
    if (rt_load_safetensors(path, &ts, &n, &meta, &nm)) return -1;
    for (int i = 0; i < nm; i++)
        if (!strcmp(meta[i].key, "training_position")) {
            long long batch, adam, gen = 0;
            unsigned long long ps, ns;
            if (sscanf(meta[i].value, "%d %lld %llu %llu %lld %lld", &at->epoch, &batch, &ps, &ns, &adam, &gen) >= 5) {
                at->batch = batch;
                at->pos_step = ps;
                at->neg_step = ns;
                p->steps = adam;
                p->gen_steps = gen;
                found = 1;
            }
        }
    if (!found) rc = rt_fail("%s: not a training checkpoint (no training position); resume needs one written during training", path);
    for (int k = 0; k < n && !rc; k++) {
        const char *name = ts[k]->name;
        int64_t cnt = rt_numel(ts[k]->ndim, ts[k]->dims);
        for (int i = 0; i < m->nparams; i++) {
            char v[96], s2[96];
            snprintf(v, sizeof v, "__velocity.%s", m->params[i].name);
            snprintf(s2, sizeof s2, "__second.%s", m->params[i].name);
            if ((!strcmp(name, v) || !strcmp(name, s2)) && cnt == m->params[i].size)
                memcpy(!strcmp(name, v) ? p->velocity[i] : p->second[i], ts[k]->data, sizeof(float) * (size_t)cnt);
        }
        for (int g = 0; neg && g < m->ngroups; g++) {
            char c[96];
            snprintf(c, sizeof c, "__chains.%s", m->groups[g].name);
            if (strcmp(name, c)) continue;
            if (cnt != neg->B * m->groups[g].size) {
                rc = rt_fail("%s: the checkpoint has %lld persistent chain values of '%s', the run needs %lld (same chains?)",
                             path, (long long)cnt, m->groups[g].name, (long long)(neg->B * m->groups[g].size));
                break;
            }
            memcpy(neg->bufs[m->groups[g].state_buf], ts[k]->data, sizeof(float) * (size_t)cnt);
        }
    }
    rt_tensors_free(ts, n);
    rt_meta_free(meta, nm);
    return rc;
}
