/* rt_drive_sample.h — the sample driver of both front ends: `ebmc sample`
 * and a built binary's sample hand it the model, its parameters and the
 * settings (the sample block with --set and --config, then the flags);
 * it clamps, samples by block Gibbs or parallel tempering, writes the
 * samples, scores inpainting and prints what it did: the same bytes from
 * either front end for the same settings and seed. Messages go through
 * say (ebmc's diagnostics, or rt_report when NULL). */
#ifndef EBMC_RT_DRIVE_SAMPLE_H
#define EBMC_RT_DRIVE_SAMPLE_H
#include "rt_app.h"
#include "rt_flags.h"

typedef struct rt_sample_job {
    const rt_model *m;
    rt_params *p;
    rt_app_sample s;               /* the settings, the flags applied (rt_drive_sample_flags) */
    int chains_given;              /* --chains given: a clamp file's rows do not set the count */
    int states;                    /* --states: a PNG draws the states, not the means */
    int64_t replicas;              /* --pt R (0: block Gibbs) */
    double beta_min;               /* --beta-min */
    const rt_tempered *tempered;   /* the tempered model of --pt (NULL: not given) */
    const rt_source *train_data;   /* the train block's data, or NULL: --pt's base
                                      rates, inpainting's baseline */
    rt_say_fn say;
} rt_sample_job;

/* The flags onto j (j->s holds the resolved settings): --chains, --steps,
 * --seed, --out, --mean-field, --states, --clamp, --mask, --pt, --beta-min.
 * 0, or 1 after a message. */
int rt_drive_sample_flags(const rt_opts *o, rt_sample_job *j);
/* j->s.out is given and ends in .png, .csv or .npy: 0, or 1 after a
 * message (ebmc checks this much before an adversarial generator's
 * samples, which are no samples of j->m) */
int rt_drive_sample_check_name(const rt_sample_job *j);
/* j->s.out is given, a .png, .csv or .npy that the model can fill, and no
 * input: 0, or 1 after a message. Call once every input is known. */
int rt_drive_sample_check_out(const rt_sample_job *j);
/* a stack's sample: a PNG of the means, none of a single model's flags
 * (--clamp, --mask, --pt, --mean-field); 0, or 1 after a message */
int rt_drive_sample_stack_check(const rt_opts *o, const rt_sample_job *j);
/* a stack's samples (its driver's rt_stack_sample, parameters from the
 * checkpoint params) as a PNG grid; 0, or an exit code after a message */
int rt_drive_sample_stack(const rt_stack *s, const char *params, const rt_sample_job *j);
/* samples and writes; 0, or an exit code (1, 2 internal) after a message.
 * A recurrent model's samples are sequences generated frame by frame
 * (rt_recurrent.h: j->s.length frames, else the train data's length),
 * sampled freely: clamps, --mean-field and --pt are refused there. */
int rt_drive_sample(rt_sample_job *j);
/* The tempered model's base rates (AIS, --pt): from the training data when
 * it loads with the model's width, else from fallback (may be NULL: the
 * uniform base). *from names the choice for the report. hidden_iters > 0:
 * the discrete hidden groups' rates too, from the same data's mean-field
 * posteriors (rt_tempered_fit_hidden; eval's --base posterior). 0 or -1
 * (rt_fail). */
int rt_drive_base_rates(const rt_tempered *t, rt_params *tp, const rt_source *train, const rt_dataset *fallback,
                        int hidden_iters, const char **from);
#endif
