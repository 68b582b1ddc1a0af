/* rt_eval.c — the estimates every evaluation reports (rt_eval.h). */
#include "rt_eval.h"

#include <math.h>
#include <string.h>

#include "rt_classify.h"

#include "rt_exact.h"
#include "rt_train.h"

void rt_yaml_number(FILE *y, const char *key, double v) {
    if (isinf(v)) fprintf(y, "%s: %s.inf\n", key, v < 0 ? "-" : "");
    else fprintf(y, "%s: %.6f\n", key, v);
}

int rt_find_group(const rt_model *m, const char *name) {
    char names[512] = "";
    for (int g = 0; g < m->ngroups; g++) {
        if (!strcmp(m->groups[g].name, name)) return g;
        size_t n = strlen(names);
        snprintf(names + n, sizeof names - n, "%s%s", n ? ", " : "", m->groups[g].name);
    }
    return rt_fail("model '%s' has no group '%s' (its groups: %s)", m->name, name, names);
}

int rt_eval_basic(const rt_model *m, rt_params *p, const rt_dataset *data, uint64_t seed, int exact, int target,
                  FILE *y, double *exact_loglik) {
    *exact_loglik = NAN;
    int64_t rf = rt_visible_floats(m);
    int enumerable = m->enum_log2_states >= 0 && m->enum_log2_states <= RT_EXACT_MAX_LOG2, inputs = 0;
    for (int g = 0; g < m->ngroups; g++) inputs |= m->groups[g].role == RT_INPUT;
    if (exact && !enumerable)
        return rt_fail("--exact: model '%s' is too large to enumerate (2^%.1f configurations)", m->name,
                       m->enum_log2_states);
    double pll, mse;
    if (!rt_recon_error(m, p, data->data, data->n, rf, &mse)) fprintf(y, "recon_error: %.6f\n", mse);
    if (!rt_pseudo_loglik(m, p, data->data, data->n, rf, seed, &pll)) fprintf(y, "pseudo_loglik: %.6f\n", pll);
    if (target >= 0) {
        double cll, acc;
        if (m->groups[target].role != RT_VISIBLE)
            return rt_fail("--target: group '%s' is not visible; the target is a visible group predicted from the rest",
                           m->groups[target].name);
        if (rt_classify(m, p, target, data->data, data->n, rf, &cll, &acc)) return -1;
        fprintf(y, "target: %s\n", m->groups[target].name);
        rt_yaml_number(y, "cond_loglik", cll);
        rt_yaml_number(y, "accuracy", acc);
    }
    if (!enumerable || !(exact || (m->enum_log2_states <= 22 && !inputs))) return 0;
    double logz, sum;
    if (rt_exact_logz(m, p, &logz)) return -1;
    rt_yaml_number(y, "exact_logz", logz);
    /* log p(v) needs the hidden groups summed out; a DBM has only log Z */
    if (!m->fe_exact) return 0;
    if (rt_exact_loglik(m, p, logz, data->data, data->n, rf, &sum)) return -1;
    *exact_loglik = sum / (double)data->n;
    rt_yaml_number(y, "exact_loglik", *exact_loglik);
    return 0;
}
