/* rt_drive_eval.h — the eval driver of both front ends: `ebmc eval` and a
 * built binary's eval hand it the model, its parameters, the loaded data
 * and the settings (the eval block with --set and --config, then the
 * flags); it prints the YAML report (rt_drive_eval.c says its keys),
 * draws the filters and writes the HTML page: the same bytes from either
 * front end for the same settings and seed. */
#ifndef EBMC_RT_DRIVE_EVAL_H
#define EBMC_RT_DRIVE_EVAL_H
#include "rt_app.h"
#include "rt_flags.h"
#include "rt_page.h"

typedef struct rt_eval_job {
    const rt_model *m;
    rt_params *p;
    const char *params;            /* the parameters' file (NULL: embedded in the binary) */
    const rt_dataset *data;        /* loaded and checked (rt_drive_load_data) */
    rt_app_eval e;                 /* the settings, the flags applied (rt_drive_eval_flags) */
    int64_t sweeps, raise, raise_chains;   /* AIS's and RAISE's (1, 25, 4) */
    const char *target;            /* --target, or NULL: default_target */
    int default_target;            /* the train block's target group, or -1 */
    int mf_iters;                  /* mean field as the model was trained: mp's sweeps, or mean_field = N
                                      (the front end sets it; 0: 10) */
    double missing;                /* --missing F: the other visible units left out with --target */
    int base_visible;              /* --base visible: AIS's hidden base rates uniform (default: posterior) */
    const char *inception;         /* --inception S.npy, or NULL */
    const rt_tempered *tempered;   /* AIS's tempered model (NULL: --ais refused) */
    const rt_source *train_data;   /* the train block's data: AIS's base rates (NULL: none) */
    rt_page_ctx page;              /* --html's samples (the sample block's chains and steps) */
    rt_say_fn say;
} rt_eval_job;

/* The flags onto j (j->e holds the resolved settings): --seed, --runs,
 * --betas, --schedule, --sweeps, --base, --raise, --raise-chains (any of
 * them, or --ais or --chain, turns AIS on), --exact, --filters, --html,
 * --target, --missing, --inception. 0, or 1 after a message. */
int rt_drive_eval_flags(const rt_opts *o, rt_eval_job *j);
/* --filters and --html are no input and no other output: 0, or 1 after a
 * message */
int rt_drive_eval_check_outputs(const rt_eval_job *j);
/* evaluates, prints the report, writes the pictures: 0, or an exit code
 * (1, 2 internal) after a message. A recurrent model's report is the exact
 * log-likelihood of every frame (rt_recurrent.h); AIS, --target,
 * --inception, --filters and --html are refused there. */
int rt_drive_eval(rt_eval_job *j);
#endif
