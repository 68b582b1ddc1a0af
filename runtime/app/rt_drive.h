/* rt_drive.h — the train driver of both front ends: `ebmc train` and a
 * built binary's train hand it the model, its parameters, the data and the
 * resolved settings; it checks the outputs, trains with the progress bar,
 * the --log and Ctrl-C checkpoints, writes the checkpoint (the same bytes
 * from either front end for the same settings and seed), the --report, the
 * recognition model beside the checkpoint, the test score (test = ...) and
 * the filters (filters = "f.png", drawn by rt_filters.c). Messages go through report (ebmc's
 * diagnostics, or rt_report when NULL). */
#ifndef EBMC_RT_DRIVE_H
#define EBMC_RT_DRIVE_H
#include <stdio.h>

#include "rt_model.h"
#include "rt_source.h"
#include "rt_train.h"

/* writes the HTML page html: title, text, the curves PNG (when not NULL),
 * and pictures of the trained parameters p (seed: the run's); 0, or -1
 * after rt_fail. rt_page_of_run (rt_page.h) is the one both front ends
 * hand in. */
typedef int (*rt_drive_page_fn)(void *ctx, rt_params *p, const char *html, const char *title, const char *text,
                                const char *curves, uint64_t seed);

typedef struct rt_drive {
    const char *title;        /* "ebmc train SPEC": the --log's and --report's first line */
    /* a checkpoint's metadata: what it was made from (config may be NULL) */
    const char *spec, *spec_hash, *version, *config;
    rt_model *m;
    rt_params *p;             /* initialised; trained in place */
    const rt_dataset *data;
    rt_train_cfg *cfg;        /* the resolved settings; the driver fills its run fields */
    const char *out, *log, *report;   /* out required; log, report may be NULL */
    rt_model *q;              /* wake_sleep / reinforce: the recognition model, or NULL */
    rt_params *qp;
    const rt_source *test;    /* test = ...: scored after training, or NULL */
    const char *filters;      /* filters = "f.png", or NULL */
    rt_say_fn say;            /* where messages go (NULL: rt_report) */
    /* --report's page R.html (the curves, filters and samples inline), or
     * NULL for none */
    rt_drive_page_fn page;
    void *page_ctx;
} rt_drive;

/* The data of a run (d->m and d->say set): loaded, as wide as the model's
 * visible units, values the units take. training: NaN marks a missing
 * value. 0, or an exit code after a message. */
int rt_drive_load_data(const rt_drive *d, const rt_source *src, int training, rt_dataset *out);
/* out, log and report (and its curves) are no input, no other output, and
 * regular files: 0, or 1 after a message. Call once every input is known. */
int rt_drive_check_outputs(const rt_drive *d);
/* trains, writes: 0, an exit code (1, 2 internal), or 128 + the signal
 * that stopped it (its state checkpointed to out) */
int rt_drive_train(rt_drive *d);
/* --report R.yaml draws its curves to R.png and (with d->page) its page
 * to R.html (malloc'd) */
char *rt_drive_plot_path(const char *report);
char *rt_drive_page_path(const char *report);
/* The configuration a checkpoint embeds ("config" in its metadata), as a
 * YAML mapping under key (eval's train_config); nothing when it has none. */
void rt_drive_config_report(FILE *out, const char *key, const char *params);
#endif
