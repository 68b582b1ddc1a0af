/* rt_inception.c — the inception score with a classifier of our own
 * (rt_inception.h). Salimans et al. 2016 score generated images by an
 * ImageNet classifier; here the classifier is any trained ebmc model with a
 * label group, p(y | x) computed exactly as eval --target does it
 * (rt_classify.c). The score measures how the classifier sees the samples:
 * confident (low entropy p(y | x)) and varied (high entropy p(y)). */
#include "rt_inception.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rt_classify.h"
#include "rt_eval.h"
#include "rt_source.h"

int rt_inception_label_group(const rt_model *m, const char *tname) {
    int g = -1;
    if (tname) {
        if ((g = rt_find_group(m, tname)) < 0) return -1;
    } else {
        for (int k = 0; k < m->ngroups; k++) {
            if (m->groups[k].role != RT_VISIBLE || m->groups[k].utype != RT_SOFTMAX) continue;
            if (g >= 0)
                return rt_fail("--inception: model '%s' has several softmax groups ('%s', '%s'): name the label "
                               "group with --target", m->name, m->groups[g].name, m->groups[k].name);
            g = k;
        }
        if (g < 0)
            return rt_fail("--inception: model '%s' has no label group (a softmax visible group): the classifier "
                           "must be a model of images and labels, such as specs/drbm.ebm", m->name);
    }
    return rt_conditional_check(m, g) ? -1 : g;
}

/* exp(mean over rows of KL(p(y | x) || p(y))) over rows [lo, hi) */
static double split_score(const double *probs, int64_t lo, int64_t hi, int64_t K, double *py) {
    for (int64_t k = 0; k < K; k++) py[k] = 0;
    for (int64_t r = lo; r < hi; r++)
        for (int64_t k = 0; k < K; k++) py[k] += probs[r * K + k] / (double)(hi - lo);
    double kl = 0;
    for (int64_t r = lo; r < hi; r++)
        for (int64_t k = 0; k < K; k++) {
            double q = probs[r * K + k];
            if (q > 0) kl += q * (log(q) - log(py[k]));   /* 0 log 0 = 0; py[k] >= q / n > 0 */
        }
    return exp(kl / (double)(hi - lo));
}

int rt_inception_score_of(const double *probs, int64_t n, int64_t K, int splits, rt_inception_result *r) {
    if (splits < 2 || n < splits)
        return rt_fail("--inception: %lld samples are fewer than the %d splits the score's error bar needs",
                       (long long)n, splits);
    double *py = malloc(sizeof(double) * (size_t)K), sum = 0, sum2 = 0;
    for (int s = 0; s < splits; s++) {
        double is = split_score(probs, s * n / splits, (s + 1) * n / splits, K, py);
        sum += is;
        sum2 += is * is;
    }
    free(py);
    double mean = sum / splits, var = (sum2 - splits * mean * mean) / (splits - 1);
    *r = (rt_inception_result){mean, sqrt(var > 0 ? var : 0) / sqrt((double)splits), n, K, splits};
    return 0;
}

int rt_inception(const rt_model *m, rt_params *p, int label, const float *samples, int64_t n, int64_t width,
                 rt_inception_result *r) {
    int64_t rf = rt_visible_floats(m), off = rt_target_offset(m, label), ls = m->groups[label].size;
    if (width != rf - ls && width != rf)
        return rt_fail("--inception: the samples have %lld values each; classifier '%s' takes %lld (its visible "
                       "row of %lld less label group '%s')", (long long)width, m->name, (long long)(rf - ls),
                       (long long)rf, m->groups[label].name);
    /* the classifier's rows: the samples around the label's columns */
    float *rows = calloc((size_t)(n * rf), sizeof(float));
    for (int64_t i = 0; i < n; i++) {
        const float *s = samples + i * width;
        float *d = rows + i * rf;
        if (width == rf) memcpy(d, s, sizeof(float) * (size_t)rf);
        else {
            memcpy(d, s, sizeof(float) * (size_t)off);
            memcpy(d + off + ls, s + off, sizeof(float) * (size_t)(rf - off - ls));
        }
    }
    int64_t K = rt_target_configs(m, label);
    double *probs = malloc(sizeof(double) * (size_t)(n * K));
    int rc = rt_conditional_probs(m, p, label, rows, n, rf, probs);
    if (!rc) rc = rt_inception_score_of(probs, n, K, RT_INCEPTION_SPLITS, r);
    free(probs);
    free(rows);
    return rc;
}

static void report(FILE *y, const char *key, const rt_inception_result *r) {
    char k[64];
    rt_yaml_number(y, key, r->score);
    snprintf(k, sizeof k, "%s_stderr", key);
    rt_yaml_number(y, k, r->stderr_score);
}

int rt_inception_report(const rt_model *m, rt_params *p, const char *tname, const char *path, const rt_dataset *data,
                        FILE *y) {
    int label = rt_inception_label_group(m, tname);
    if (label < 0) return -1;
    rt_source src;
    rt_dataset s = {0};
    rt_source_from_arg(path, &src);
    if (src.kind != RT_SRC_NPY && src.kind != RT_SRC_CSV)
        return rt_fail("--inception: '%s' is not a .npy or .csv file of samples (ebmc sample --out S.npy writes one)",
                       path);
    if (rt_source_load(&src, &s)) return -1;
    rt_inception_result r, c;
    int rc = rt_inception(m, p, label, s.data, s.n, rt_dataset_row(&s), &r);
    if (!rc && data) rc = rt_inception(m, p, label, data->data, data->n, rt_dataset_row(data), &c);
    if (!rc) {
        fprintf(y, "inception_label: %s\ninception_classes: %lld\ninception_splits: %d\ninception_samples: %lld\n",
                m->groups[label].name, (long long)r.classes, r.splits, (long long)r.n);
        report(y, "inception_score", &r);
        if (data) report(y, "inception_score_data", &c);   /* the ceiling: the data's own score */
    }
    rt_dataset_free(&s);
    return rc;
}
