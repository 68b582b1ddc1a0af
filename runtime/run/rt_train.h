/* rt_train.h — stochastic maximum likelihood training (CD-k, PCD) of any
 * compiled model, with SGD, momentum and weight decay. */
#ifndef EBMC_RT_TRAIN_H
#define EBMC_RT_TRAIN_H
#include "rt_model.h"
#include "rt_progress.h"
#include "rt_schedule.h"

enum { RT_CD, RT_PCD, RT_DISCRIMINATIVE, RT_MINIMIZE,
       RT_PT,   /* persistent chains by parallel tempering (rt_pt.c) */
       RT_ADVERSARIAL,   /* the model's loss (the discriminator's step), then every k
                            batches the adversary's (the generator's step) */
       /* methods with their own loops (runtime/run/rt_methods.c dispatches) */
       RT_EM, RT_ICA, RT_SFA, RT_SPARSE, RT_WAKE_SLEEP, RT_REINFORCE,
       RT_MP,   /* multi-prediction: mp_net, minimised in the model's place (rt_mp.c) */
       /* a DBN stack's fine-tuning stage (rt_stack_updown.c), never a single model's */
       RT_UP_DOWN };
enum { RT_COLLAPSE_STOP, RT_COLLAPSE_RESTORE, RT_COLLAPSE_IGNORE };
enum { RT_COLLAPSE_MAX_RESTORES = 5 };
/* the baseline subtracted from REINFORCE's learning signal (rt_methods.h) */
enum { RT_BASELINE_NONE, RT_BASELINE_LEARNED, RT_BASELINE_OPTIMAL };
enum { RT_SGD, RT_ADAM };
enum { RT_GRADIENT_PLAIN, RT_GRADIENT_ENHANCED };

/* A run's override of one parameter's update rules (a train block's
 * `params = W(lr = 0.1)`, `--set param.W.lr=0.1`); NAN: not overridden, the
 * spec's { ... } attribute (or the run's setting) holds. */
typedef struct rt_param_rule {
    const char *param;
    double lr_scale;       /* multiplies the run's lr */
    double momentum;       /* replaces the run's momentum */
    double weight_decay;   /* replaces the run's weight_decay (any rank) */
} rt_param_rule;

typedef struct rt_train_cfg {
    int method;            /* RT_CD, RT_PCD, RT_DISCRIMINATIVE, or RT_MINIMIZE
                              (the model's loss) */
    int optimizer;         /* RT_SGD (with momentum) or RT_ADAM */
    double beta1, beta2, adam_eps;
    int target;            /* RT_DISCRIMINATIVE, accuracy: the group predicted */
    double generative;     /* RT_DISCRIMINATIVE: weight of the generative
                              (CD-k) gradient added to it (hybrid) */
    int k;                 /* Gibbs sweeps per update */
    int64_t chains;        /* PCD: persistent chains */
    int64_t batch;
    int epochs;
    rt_schedule lr, momentum;
    rt_schedule weight_decay;   /* L2, on parameters with 2 or more dimensions */
    int nparam_rules;      /* per-parameter overrides, by name */
    const rt_param_rule *param_rules;
    uint64_t seed;
    int mf_iters;          /* mean-field iterations of the positive phase */
    double mf_tol;
    int mon_recon, mon_pll, mon_exact, mon_accuracy;
    int mon_fe_gap;        /* mean F(held-out) - mean F(training), same count */
    const rt_dataset *validation;  /* fe_gap's held-out rows; NULL: the last
                              10% of the data, then left out of training */
    /* RT_PT: `chains` persistent chains, each with `replicas` temperatures
     * from 1 down to beta_min of the tempered model (rt_tempered.h, built by
     * the compiler); its base rates are fitted to the training data */
    int replicas;
    double beta_min;
    int pt_geometric;
    const struct rt_tempered *tempered;
    int mon_every;
    int quiet;
    /* crash safety: the training state (parameters, optimiser state,
     * persistent chains, random-number positions, epoch and batch) written
     * atomically to checkpoint_path every checkpoint_every epochs and every
     * checkpoint_minutes; resume_path continues such a checkpoint bit for
     * bit; *stop (set by a signal handler) ends the run after the current
     * batch with a checkpoint */
    const char *checkpoint_path;
    int checkpoint_every;
    double checkpoint_minutes;
    const char *resume_path;
    volatile int *stop;
    const rt_meta *meta;   /* embedded in checkpoints (the resolved config) */
    int nmeta;
    rt_progress_fn on_progress;   /* after every batch and epoch (a bar, a log); may be NULL */
    void *progress_ctx;
    /* RT_EM .. RT_REINFORCE (runtime/run/rt_methods.c) */
    double tol;            /* em, ica: stop when an iteration gains less */
    int ica_fast;          /* ica: FastICA (symmetric, tanh) instead of the natural gradient */
    int iters;             /* sparse coding: FISTA iterations per batch; mp:
                              mean-field sweeps */
    double mp_drop;        /* mp: the fraction of visible units predicted */
    const rt_model *mp_net;   /* mp: the network of the model's multi-prediction
                              loss (the compiler's, compiler/derive/derive_mp.c) */
    int sfa_quadratic;     /* sfa: features of the quadratic expansion */
    double l1_scale;       /* sparse coding: multiplies the derived |h| weights */
    const rt_model *recognition;   /* wake_sleep, reinforce: q(h | x) */
    rt_params *recognition_params;
    /* adversarial: the generator's step, a model of the same parameters as
     * the one trained (whose loss is the discriminator's) */
    const rt_model *adversary;
    int64_t samples;       /* reinforce: samples of h per example */
    /* a finite collapse (rt_collapse.h): stop with the last good state, go
     * back to it with the learning rate times collapse_factor (at most
     * RT_COLLAPSE_MAX_RESTORES times), or carry on */
    int on_collapse;       /* RT_COLLAPSE_* */
    double collapse_factor;
    int baseline;          /* reinforce: RT_BASELINE_*, learned by default */
    int gradient;          /* RT_GRADIENT_ENHANCED: an RBM's W, b, c get the
                              enhanced gradient (rt_enhanced.h); cd, pcd, pt */
    double adapt_lr;       /* f > 1: each batch's lr chosen among lr / f, lr,
                              lr * f by estimated likelihood (rt_adaptive.h),
                              the next batch starting from it; 0: off */
} rt_train_cfg;

typedef struct rt_epoch_stats {
    int epoch;
    double recon;          /* mean squared error per visible unit */
    double pll;            /* pseudo-log-likelihood per example (NAN if off) */
    double loglik;         /* exact average log-likelihood (NAN if off) */
    double logz;
    double accuracy;       /* predicting the target group (NAN if off) */
    double cond_loglik;    /* average log p(target | rest) (NAN if off) */
    double loss;           /* RT_MINIMIZE: average loss over the epoch; RT_ADVERSARIAL:
                              the discriminator's */
    double gen_loss;       /* RT_ADVERSARIAL: the generator's average loss (NAN if off) */
    double fe_gap;         /* mean free energy of held-out minus training rows (NAN if off) */
    double swap_rate;      /* RT_PT: fraction of swaps accepted in the epoch (NAN if off) */
    double lr, momentum, weight_decay;   /* the schedules' values in the epoch */
    double seconds;
} rt_epoch_stats;

typedef struct rt_train_report {
    int stopped;           /* ended early by *stop, after a checkpoint */
    int collapsed;         /* the epoch a collapse stopped training (0: none) */
    int restores;          /* on_collapse = restore: how often it went back */
    int epochs;
    rt_epoch_stats *per_epoch;  /* epochs entries, malloc'd */
    double optimum;        /* -entropy of the data: the best loglik possible */
} rt_train_report;

rt_train_cfg rt_train_defaults(void);
/* order = a permutation of 0 .. n-1, the epoch's (Fisher-Yates on the
 * seed's stream): every method visits the data in the same order */
void rt_shuffle(int64_t *order, int64_t n, uint64_t seed, int epoch);
/* progress (may be NULL) gets one line per epoch. */
int rt_train(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
             rt_train_report *rep);
/* The estimates over rows below (pseudo-log-likelihood, free-energy gap,
 * reconstruction error; rt_classify, rt_exact_loglik, rt_variational_bound
 * too) split the rows over the ranks of a job (rt_dist.h): every rank
 * calls them alike, scores its share and the sums are added; one process
 * scores them all.
 *
 * Pseudo-log-likelihood of rows (binary or spin visibles, fe_exact): one
 * random unit flipped per row (drawn by the row's number, whichever rank
 * scores it), scaled by the number of visible units. */
int rt_pseudo_loglik(const rt_model *m, rt_params *p, const float *rows, int64_t n, int64_t row_floats,
                     uint64_t seed, double *avg);
/* The mean free energy of held-out rows minus that of as many training
 * rows (at most 1000 of each, spread evenly): an overfitting monitor
 * (rt_fegap.c); needs m->fe_exact. */
int rt_fe_gap(const rt_model *m, rt_params *p, const float *train, int64_t ntrain, const float *held, int64_t nheld,
              int64_t row_floats, double *gap);
/* Mean squared error per visible unit of v -> E[h|v] -> E[v|h]. */
int rt_recon_error(const rt_model *m, rt_params *p, const float *rows, int64_t n, int64_t row_floats, double *mse);
/* For each row: p(target | the other visible and input groups), exactly,
 * by enumerating the target's configurations with the hidden groups summed
 * out. Returns the average log p(true target | rest) and the fraction of
 * rows whose most probable configuration is the true one. */
int rt_classify(const rt_model *m, rt_params *p, int target, const float *rows, int64_t n, int64_t row_floats,
                double *cond_loglik, double *accuracy);
#endif
