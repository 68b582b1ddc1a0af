/* rt_mp.c — method = mp: a deep Boltzmann machine trained by its
 * multi-prediction loss (Goodfellow, Mirza, Courville & Bengio 2013).
 *
 * The compiler writes the loss as a network of the model's own mean-field
 * updates (compiler/derive/derive_mp.c) and hands it over as cfg->mp_net;
 * its parameters carry the model's names. This file starts the network
 * from the model's parameters, minimises its loss with the loop of
 * method = minimize (so checkpoints, --resume, --log and the schedules are
 * that loop's), and copies the trained values back into the model. The
 * state an interrupted run leaves is therefore the network's: --resume
 * continues it, eval reads the model's file the finished run writes. */
#include <string.h>

#include "rt_methods.h"

/* the parameters of `from` that `to` has under the same name, copied */
static void copy_by_name(const rt_model *to, rt_params *tp, const rt_model *from, const rt_params *fp) {
    for (int i = 0; i < to->nparams; i++)
        for (int j = 0; j < from->nparams; j++)
            if (!strcmp(to->params[i].name, from->params[j].name) && to->params[i].size == from->params[j].size)
                memcpy(tp->value[i], fp->value[j], sizeof(float) * (size_t)to->params[i].size);
}

int rt_mp(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
          rt_train_report *rep) {
    const rt_model *net = cfg->mp_net;
    if (!net) return rt_fail("method = mp: the compiler's multi-prediction network of '%s' is missing", m->name);
    if (rt_visible_floats(net) != rt_visible_floats(m))
        return rt_fail("internal: mp network '%s' reads %lld values per example, model '%s' %lld", net->name,
                       (long long)rt_visible_floats(net), m->name, (long long)rt_visible_floats(m));
    if (cfg->mon_accuracy || cfg->mon_pll || cfg->mon_exact || cfg->mon_fe_gap)
        return rt_fail("method = mp reports its loss every epoch; monitors of the model (accuracy, pseudo_loglik, "
                       "exact_loglik, fe_gap) are not computed: score it after training with ebmc eval --target GROUP "
                       "[--missing F]");
    /* a run's interrupted state (Ctrl-C, checkpoint_every) is the
     * network's, and resumes; the finished run's file is the model's */
    if (cfg->resume_path) {
        rt_params *q = rt_params_new(m);
        int model_file = rt_params_load(m, q, cfg->resume_path) == 0;
        rt_params_free(q);
        if (model_file)
            return rt_fail("--resume %s: that is the trained model '%s' (method = mp writes the model when it finishes); "
                           "mp continues the state an interrupted run left (Ctrl-C, checkpoint_every)",
                           cfg->resume_path, m->name);
    }
    rt_params *np = rt_params_new(net);
    copy_by_name(net, np, m, p);
    rt_train_cfg c = *cfg;
    c.method = RT_MINIMIZE;
    c.mp_net = NULL;
    int rc = rt_train(net, np, data, &c, progress, rep);
    if (!rc) copy_by_name(m, p, net, np);
    rt_params_free(np);
    return rc;
}
