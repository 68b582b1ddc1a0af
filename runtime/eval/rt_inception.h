/* rt_inception.h — the inception score of samples under a classifier of
 * our own (Salimans et al. 2016): IS = exp(E_x KL(p(y | x) || p(y))), with
 * p(y | x) exact from a trained model with a label group. */
#ifndef EBMC_RT_INCEPTION_H
#define EBMC_RT_INCEPTION_H
#include <stdio.h>

#include "rt_train.h"

#define RT_INCEPTION_SPLITS 10   /* as Salimans et al. 2016 */

typedef struct rt_inception_result {
    double score;          /* the mean over the splits of each split's IS */
    double stderr_score;   /* their standard deviation / sqrt(splits) */
    int64_t n, classes;
    int splits;
} rt_inception_result;

/* The label group: the group named tname, else the model's only softmax
 * visible group; -1 after rt_fail when there is none or it cannot be
 * enumerated. */
int rt_inception_label_group(const rt_model *m, const char *tname);
/* The score of n rows of class probabilities probs[r * K + k], cut into
 * `splits` consecutive parts (part s: rows [s n / splits, (s+1) n / splits)),
 * p(y) the mean of each part's rows; -1 after rt_fail when n < splits. */
int rt_inception_score_of(const double *probs, int64_t n, int64_t K, int splits, rt_inception_result *r);
/* The score of n samples of `width` values each under the classifier's
 * p(label | rest): width is the classifier's visible row less the label
 * group (the rest in row order), or the whole row (the label's columns are
 * ignored). */
int rt_inception(const rt_model *m, rt_params *p, int label, const float *samples, int64_t n, int64_t width,
                 rt_inception_result *r);
/* eval's keys: the score of the samples in the file `path` (.npy, .csv),
 * and, when data is not NULL, of those rows too (the ceiling) */
int rt_inception_report(const rt_model *m, rt_params *p, const char *tname, const char *path, const rt_dataset *data,
                        FILE *y);
#endif
