/* rt_model.h — a compiled model as the runtime sees it: groups, parameters,
 * buffers and kernel numbers, plus the back end that executes kernels.
 *
 * The compiler fills it from its analysis (compiler/ir/ir_model.c); a built
 * binary embeds it as static data. The training loop, samplers and
 * estimators use nothing else, so they run the same on every back end. */
#ifndef EBMC_RT_MODEL_H
#define EBMC_RT_MODEL_H
#include <stdint.h>
#include <stdio.h>

#include "rt.h"

enum { RT_VISIBLE, RT_HIDDEN, RT_INPUT };
/* unit types and conditionals: the order of UNIT_TYPES and CONDITIONALS in
 * compiler/front/sema.h and compiler/derive/derive.h */
enum { RT_BERNOULLI, RT_SPIN, RT_GAUSSIAN, RT_SOFTMAX, RT_RELU, RT_BINOMIAL, RT_LAPLACE };
enum { RT_SIGMOID, RT_TANH, RT_SOFTMAX_C, RT_GAUSS_DIAG, RT_GAUSS_FULL, RT_RELU_C, RT_BINOMIAL_C,
       RT_INTRACTABLE, RT_OBSERVED };
/* RT_INIT_LOGIT_MEAN: group init_a's data log-odds, set when training starts */
enum { RT_INIT_ZEROS, RT_INIT_CONST, RT_INIT_NORMAL, RT_INIT_UNIFORM, RT_INIT_LOGIT_MEAN };
enum { RT_BUF_PARAM, RT_BUF_STATE, RT_BUF_MEAN, RT_BUF_GRAD, RT_BUF_ROW, RT_BUF_WEIGHT, RT_BUF_TEMP, RT_BUF_DSTATE,
       RT_BUF_CLAMP };
enum { RT_SAMPLER_EXACT, RT_SAMPLER_HMC, RT_SAMPLER_METROPOLIS };
enum { RT_NOISE_NONE, RT_NOISE_NORMAL, RT_NOISE_UNIFORM, RT_NOISE_BERNOULLI };

typedef struct rt_group {
    const char *name;
    int role, utype, cond, binomial_n;
    int ndim;
    int64_t dims[RT_MAX_DIMS];
    int64_t size;
    int block, sums_out;
    int state_buf, mean_buf;
    int k_sample, k_mean;       /* -1 when the group is not sampled */
    int sampler;                /* RT_SAMPLER_*: HMC / Metropolis replace k_sample */
    int sampler_steps;
    double sampler_step_size;
    int k_dstate, dstate_buf;   /* HMC: dE/dx of the group */
    int clamp_buf;              /* 1 where a unit is held fixed */
    int noise;                  /* RT_NOISE_*: an input the runtime refills */
    double noise_p;             /* RT_NOISE_BERNOULLI: P(1) */
    int k_dsmooth, k_l1;        /* sparse coding, into dstate_buf: d(smooth
                                   part of E)/dx and the weights of |x|; -1 */
    int k_prior;                /* a draw from the group's own "~" statement
                                   given its parents; -1 */
} rt_group;

typedef struct rt_param {
    const char *name;
    int ndim;
    int64_t dims[RT_MAX_DIMS];
    int64_t size;
    int init;
    double init_a, init_b;
    int buf, grad_buf;
    int offset_of;              /* a centering offset: the group whose mean it
                                   tracks (not learned); -1 otherwise */
    double offset_rate;
    /* the update step's rules for this parameter ({ trainable = 0, mask = M,
     * lr = s, momentum = m, weight_decay = d } in the spec) */
    int fixed;                  /* never updated */
    int mask;                   /* a fixed 0/1 parameter: where it is 0 this one
                                   stays 0 (value, gradient, momentum); -1 */
    const float *mask_data;     /* the same from a file (mask = csv("F")); NULL */
    const float *init_data;     /* init csv("F"): the initial values; NULL */
    double lr_scale;            /* multiplies the run's lr */
    double momentum;            /* replaces the run's momentum; NAN: the run's */
    double weight_decay;        /* replaces the run's weight_decay (and applies
                                   to any parameter); NAN: the run's */
    /* precision = 1: every element x of this parameter sets the precision
     * of a unit of gaussian group precision_of, as 2*(precision_c0 +
     * precision_c*x^precision_power) (the energy holds that times the
     * unit squared, over 2); the compiler fills it when the group's
     * self-term has this form, so that training, loading and sampling stop
     * at a precision that is not positive (rt_precision.c) */
    int precision, precision_of, precision_power;
    double precision_c0, precision_c;
} rt_param;

/* x = W.h + b + noise, as the compiler recognised it in the energy
 * (compiler/energy/energy_linear.c); the closed-form methods (EM, ICA, sparse
 * coding) read the roles from here. */
enum { RT_PRIOR_NONE, RT_PRIOR_GAUSSIAN, RT_PRIOR_L1, RT_PRIOR_FACTORIAL, RT_PRIOR_OTHER };
typedef struct rt_linear {
    int gaussian;               /* linear-Gaussian: exact posterior and marginal */
    int x, h;                   /* the observed and the latent group; -1: no roles */
    int loading, loading_t;     /* param W of x's mean W.h + b; _t: indexed [h, x] */
    int mean;                   /* param b, or -1 */
    int noise;                  /* param: x's precision given h is c*noise^power; -1: fixed */
    double noise_power;
    int isotropic;              /* one noise value for every unit of x (PPCA) */
    int prior;                  /* RT_PRIOR_*: what the terms without x say about h */
    const char *em_why;         /* NULL when closed-form EM applies */
    const char *why_not;        /* NULL when linear-Gaussian */
} rt_linear;

/* An input group { recurrent = s } (the RNN-RBM): its kernels, from
 * compiler/derive/derive_recurrent.h; the runtime's loops over time are in
 * runtime/run/rt_recurrent.c. */
typedef struct rt_recurrent {
    int group;                  /* the recurrent input group u */
    int k_next;                 /* s(u, v) into u's mean buffer */
    int k_dfree;                /* dF/du per row into u's dstate buffer */
    int k_back;                 /* adjoint_buf through s: parameters'
                                   gradients (weighted), d/du into dstate */
    int adjoint_buf;            /* the gradient arriving at s, per row */
    int start_param;            /* { start = u0 }: the first state; -1: zeros */
} rt_recurrent;

/* runs kernel number `kernel` on B rows; row0 is the number of the first
 * of them among the job's rows (rt_ws.row0), which every random draw's
 * element number counts from */
typedef void (*rt_exec_fn)(void *backend, int kernel, float **bufs, int64_t B, uint64_t seed, uint64_t step,
                           int64_t row0);

typedef struct rt_model {
    const char *name;
    int ngroups;
    rt_group *groups;
    int nparams;
    rt_param *params;
    int nblocks;
    int *sweep;                 /* block order of a Gibbs sweep */
    int nbufs;
    int *buf_kind;
    int *buf_batched;
    int64_t *buf_size;          /* floats per row (batched) or in all */
    int k_free_energy, k_energy, k_free_energy_enum, k_grad;
    int k_grad_mean;            /* grad from the summed-out groups' mean
                                   buffers (fresh from their cond kernels); -1 */
    int fe_buf, energy_buf, fe_enum_buf, weight_buf;
    int k_loss, k_grad_loss, loss_buf;   /* -1 without a loss */
    int grad_loss_rows;         /* k_grad_loss writes loss_buf as well */
    int fe_exact;               /* free_energy sums out every hidden group */
    uint64_t enum_sum_mask;
    double enum_log2_states;    /* < 0: not enumerable */
    /* exact log p(v) without fe_exact: F with cond_sum_mask (hidden groups
     * only) summed out, the data held, 2^cond_log2_states hidden
     * configurations left per example (< 0: none can be listed) */
    int k_free_energy_cond, fe_cond_buf;
    uint64_t cond_sum_mask;
    double cond_log2_states;
    rt_exec_fn exec;
    void *backend;
    const rt_linear *lin;       /* NULL when the compiler found no such structure */
    int nancestral;             /* directed models: groups in an order with */
    const int *ancestral;       /* parents first (0: no ancestral sampling) */
    const rt_recurrent *recur;  /* NULL: no recurrent group */
    const char *energy_text;    /* the expanded energy with canonical index
                                   names: part of the structure a checkpoint
                                   must match (NULL: groups and params only) */
} rt_model;

/* Parameters with their gradient and momentum buffers. */
typedef struct rt_params {
    int n;
    float **value, **grad, **velocity;
    float **second;     /* Adam's second-moment estimates */
    int64_t steps;      /* updates so far (Adam's bias correction) */
    int64_t gen_steps;  /* an adversarial pair's generator steps: its
                           parameters' own count, as a second optimiser's */
} rt_params;

rt_params *rt_params_new(const rt_model *m);
void rt_params_free(rt_params *p);
void rt_params_init(const rt_model *m, rt_params *p, uint64_t seed);
/* parameter i's mask (0 where it stays 0), or NULL */
const float *rt_param_mask(const rt_model *m, const rt_params *p, int i);
/* checkpoint I/O by the spec's parameter names; load checks every shape,
 * and takes "MODEL.param" (a stack checkpoint's part) where "param" is absent */
int rt_params_save(const rt_model *m, const rt_params *p, const char *path, const rt_meta *meta, int nmeta);
int rt_params_load(const rt_model *m, rt_params *p, const char *path);
/* "W[3, 2]": element k of parameter q by its indices ("b" for a scalar) */
void rt_param_element_text(char *buf, size_t n, const rt_param *q, int64_t k);
/* the first element of a precision parameter (rt_param.precision) whose
 * precision is not positive or not finite: 0 when there is none, else 1
 * with a sentence in why naming the parameter, the element, its value,
 * the group and the precision it gives (rt_precision.c) */
int rt_precision_bad(const rt_model *m, float *const *value, char *why, size_t n);

/* What identifies a model's structure (rt_structure.c): its groups with
 * roles, unit types, conditionals and shapes, its parameters' names and
 * shapes, and a hash of its energy, as text a person can compare
 * ("v[4] bernoulli visible, h[3] bernoulli hidden; W[4, 3]; energy 1f..").
 * Checkpoints carry it and its hash in their metadata (keys "structure",
 * "structure_hash"); loading refuses a file of another structure. */
char *rt_model_structure(const rt_model *m);       /* malloc'd */
uint64_t rt_model_structure_hash(const rt_model *m);
uint64_t rt_hash_text(const char *s);               /* FNV-1a 64 */
/* meta plus the structure keys, in a malloc'd array the caller frees with
 * rt_structure_meta_free; *n gets the new count */
rt_meta *rt_structure_meta(const rt_model *m, const rt_meta *meta, int nmeta, int *n);
void rt_structure_meta_free(rt_meta *all, int n);
/* 0 when the file's metadata fits m (or predates structure keys: a note
 * goes to stderr); -1 with rt_fail naming both structures */
int rt_structure_check(const rt_model *m, const char *path, const rt_meta *meta, int nmeta);

/* Buffers for B rows: states, means, rows, temporaries; parameters shared. */
typedef struct rt_ws {
    const rt_model *m;
    int64_t B;
    float **bufs;
    uint64_t seed;
    uint64_t step;              /* advances on every kernel call */
    int64_t row0;               /* the job's number of row 0 of this
                                   workspace: draws are numbered from it, so
                                   rows split over ranks draw what one
                                   process draws for them (0 by default) */
    int64_t *accepts, *proposals;   /* per group, for MCMC samplers */
    float **clamp_value;        /* per group: values held where clamped, or NULL */
} rt_ws;

rt_ws *rt_ws_new(const rt_model *m, int64_t B, rt_params *p, uint64_t seed);
/* the bytes rt_ws_new(m, B, ...) allocates: checked before allocating */
double rt_ws_bytes(const rt_model *m, int64_t B);
void rt_ws_free(rt_ws *w);
void rt_ws_run(rt_ws *w, int kernel);
/* one block-Gibbs sweep over every sampled group, in the sweep order */
void rt_ws_sweep(rt_ws *w);
/* Mean-field over the hidden groups, the visible ones held: each hidden
 * group's conditional mean in sweep order (groups sampled by HMC or
 * Metropolis contribute a draw), until no unit moves more than tol
 * (tol <= 0: every sweep) or after iters sweeps (rt_meanfield.c).
 * Returns the sweeps run. */
int rt_mean_field(rt_ws *w, int iters, double tol);
/* fresh draws into the noise input groups */
void rt_ws_fill_noise(rt_ws *w);
/* rows of data -> the visible (then input) groups' states, rows [0, n);
 * noise inputs are not part of a data row, and groups past row_floats
 * are left as they are */
void rt_ws_set_visible(rt_ws *w, const float *rows, int64_t n, int64_t row_floats);
/* the same for workspace rows [lo, hi), from data rows order[r] (order
 * NULL: row r) */
void rt_ws_set_visible_at(rt_ws *w, const float *data, const int64_t *order, int64_t lo, int64_t hi, int64_t row_floats);
int64_t rt_visible_floats(const rt_model *m);
/* The loop of every pass over data: n rows of row_floats in chunks of at
 * most B (one workspace of m with p and seed), each chunk's visible values
 * set and w->B its row count, then chunk(ctx, w, r0) with r0 its first
 * row. 0, or the first non-zero chunk returned; -1 after rt_fail when n
 * < 1. */
typedef int (*rt_ws_chunk_fn)(void *ctx, rt_ws *w, int64_t r0);
int rt_ws_over_rows(const rt_model *m, rt_params *p, uint64_t seed, int64_t B, const float *rows, int64_t n,
                    int64_t row_floats, rt_ws_chunk_fn chunk, void *ctx);
/* log of the base measure of row r of the groups in mask: binomial(n)
 * units count each value k C(n, k) times (n replicas sharing weights);
 * every other unit type has measure 1 */
double rt_log_base_measure(const rt_ws *w, int64_t r, uint64_t mask);
/* one HMC or Metropolis update of group g in every row (rt_mcmc.c) */
void rt_mcmc_update(rt_ws *w, int g);
/* Holds the units of group g where mask is non-zero (mask NULL: where
 * values are not NaN) at values, in rows [0, rows) of the workspace; every
 * update of the group leaves them as they are. values == NULL releases. */
void rt_ws_clamp(rt_ws *w, int g, const float *values, const float *mask, int64_t rows);
/* puts the held values back into group g's state and mean (after updates
 * that do not know about clamping) */
void rt_ws_apply_clamp(rt_ws *w, int g);
/* random initial states for every sampled group (by unit type) */
void rt_ws_randomize(rt_ws *w, uint32_t stream);
#endif
