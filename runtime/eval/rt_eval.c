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
                  int mf_iters, double missing, FILE *y, double *exact_loglik) {
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
    if (target >= 0 && m->groups[target].role != RT_VISIBLE)
        return rt_fail("--target: group '%s' is not visible; the target is a visible group predicted from the rest",
                       m->groups[target].name);
    if (missing > 0 && target < 0) return rt_fail("--missing: name the group to predict with --target");
    if (target >= 0 && (missing > 0 || !m->fe_exact)) {
        double acc;
        if (rt_classify_mean_field(m, p, target, data->data, data->n, rf, mf_iters, missing, seed, &acc)) return -1;
        fprintf(y, "target: %s\n", m->groups[target].name);
        fprintf(y, "target_by: mean_field\nmean_field_iters: %d\n", mf_iters);
        rt_yaml_number(y, "missing", missing);
        rt_yaml_number(y, "accuracy", acc);
    } else if (target >= 0) {
        double cll, acc;
        if (rt_classify(m, p, target, data->data, data->n, rf, &cll, &acc)) return -1;
        fprintf(y, "target: %s\n", m->groups[target].name);
        rt_yaml_number(y, "cond_loglik", cll);
        rt_yaml_number(y, "accuracy", acc);
    }
    if (!enumerable) return 0;
    /* log p(v) lists 2^cl hidden configurations per example (and a
     * conditional model enumerates log Z of each example's inputs) */
    double cl = rt_exact_cond_log2(m), lz = m->enum_log2_states;
    double cost = log2(data->n > 1 ? (double)data->n : 1.0) + (inputs ? log2(exp2(cl) + exp2(lz)) : cl);
    int ll_ok = cl >= 0 && cl <= RT_EXACT_MAX_LOG2 && cost <= (exact ? RT_EXACT_MAX_COST_LOG2 : RT_EXACT_AUTO_COST_LOG2);
    /* without --exact only what is quick; log Z of a conditional model
     * depends on the inputs: its examples' log p come out, not log Z */
    if (!inputs && !exact && lz > 22) return 0;
    if (inputs && !exact && !ll_ok) return 0;
    double logz = NAN, sum;
    if (!inputs) {
        if (rt_exact_logz(m, p, &logz)) return -1;
        rt_yaml_number(y, "exact_logz", logz);
    }
    if (!ll_ok) {
        if (exact && cl < 0) fprintf(y, "# exact_loglik: left out: a hidden group left to list is continuous\n");
        else if (exact)
            fprintf(y, "# exact_loglik: left out: %lld examples x 2^%.1f configurations is over 2^%d\n",
                    (long long)data->n, cost - log2(data->n > 1 ? (double)data->n : 1.0), RT_EXACT_MAX_COST_LOG2);
        return 0;
    }
    if (rt_exact_loglik(m, p, logz, data->data, data->n, rf, &sum)) return -1;
    *exact_loglik = sum / (double)data->n;
    rt_yaml_number(y, "exact_loglik", *exact_loglik);
    return 0;
}
