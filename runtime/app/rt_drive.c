/* rt_drive.c — the train driver of ebmc and of built binaries (rt_drive.h).
 * It was the second half of compiler/cli/cli_train.c and a copy in
 * rt_app.c; the two wrote different checkpoints for one run. */
#include "rt_drive.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_data_check.h"
#include "rt_filters.h"
#include "rt_methods.h"
#include "rt_plot.h"
#include "rt_progress.h"
#include "rt_recurrent.h"


/* the runtime's last error, printed: 1, or 2 for an internal one */
static int fail(const rt_drive *d) {
    rt_say(d->say, "error", "%s", rt_last_error());
    return rt_error_is_internal() ? 2 : 1;
}

/* R.yaml -> R.png, R.html (malloc'd) */
static char *sibling(const char *report, const char *ext) {
    size_t n = strlen(report);
    if (n > 5 && !strcmp(report + n - 5, ".yaml")) n -= 5;
    else if (n > 4 && !strcmp(report + n - 4, ".yml")) n -= 4;
    size_t len = n + strlen(ext) + 1;
    char *s = malloc(len);
    snprintf(s, len, "%.*s%s", (int)n, report, ext);
    return s;
}

char *rt_drive_plot_path(const char *report) { return sibling(report, ".png"); }
char *rt_drive_page_path(const char *report) { return sibling(report, ".html"); }

static int check_output(const rt_drive *d, const char *path, const char *role) {
    if (!path || !rt_output_check(path, role)) return 0;
    rt_say(d->say, "error", "%s", rt_last_error());
    return 1;
}

int rt_drive_check_outputs(const rt_drive *d) {
    if (check_output(d, d->out, "--out") || check_output(d, d->log, "--log") || check_output(d, d->report, "--report"))
        return 1;
    if (!d->report) return 0;
    char *plot = rt_drive_plot_path(d->report), *page = d->page ? rt_drive_page_path(d->report) : NULL;
    int rc = check_output(d, plot, "--report's curves") || check_output(d, page, "--report's page");
    free(plot);
    free(page);
    return rc;
}

int rt_drive_load_data(const rt_drive *d, const rt_source *src, int training, rt_dataset *out) {
    rt_source s = *src;
    s.nan_missing = training;
    if (d->m->recur && rt_recurrent_source_check(d->m, &s)) return fail(d);   /* NaN marks a missing value only in training data, imputed by rt_train */
    if (rt_source_load(&s, out)) return fail(d);
    /* a recurrent model's rows are sequences of frames (rt_recurrent.h) */
    int T;
    if (d->m->recur) return rt_recurrent_frames(d->m, rt_dataset_row(out), &T) || rt_data_check(d->m, out, s.path, 0) ? fail(d) : 0;
    int64_t want = rt_visible_floats(d->m);
    if (rt_dataset_row(out) != want) {
        rt_say(d->say, "error", "the data has %lld values per example but model '%s' has %lld visible units",
            (long long)rt_dataset_row(out), d->m->name, (long long)want);
        return 1;
    }
    /* the energies of states that do not exist are numbers, not log-probabilities */
    if (rt_data_check(d->m, out, s.path, training)) return fail(d);
    return 0;
}

/* ---- the report: a flow mapping per epoch, and the curves ---------------- */

typedef struct Monitor {
    const char *name;
    size_t offset;
} Monitor;

#define MON(name, field) {name, offsetof(rt_epoch_stats, field)}
static const Monitor monitors[] = {
    MON("recon_error", recon), MON("pseudo_loglik", pll), MON("exact_loglik", loglik), MON("fe_gap", fe_gap),
    MON("swap_rate", swap_rate), MON("accuracy", accuracy), MON("cond_loglik", cond_loglik), MON("loss", loss),
    MON("gen_loss", gen_loss),
};
enum { NMON = sizeof monitors / sizeof monitors[0] };

static double value(const rt_epoch_stats *st, int k, const rt_train_cfg *cfg) {
    /* without the monitor the loop still fills recon with 0 */
    if (k == 0 && !cfg->mon_recon) return NAN;
    return *(const double *)((const char *)st + monitors[k].offset);
}

static int write_report(const rt_drive *d, const rt_train_report *rep) {
    char *plot = rt_drive_plot_path(d->report);
    rt_atomic a;
    int rc = 0;
    if (rt_atomic_open(&a, d->report)) {
        free(plot);
        return fail(d);
    }
    FILE *f = a.fp;
    fprintf(f, "# %s: every monitor of every epoch (the curves: %s)\n", d->title, plot);
    fprintf(f, "spec: %s\nmodel: %s\nparams: %s\nplot: %s\n", d->spec, d->m->name, d->out, plot);
    if (isfinite(rep->optimum)) fprintf(f, "optimum: %.9g\n", rep->optimum);
    fprintf(f, "epochs:\n");
    for (int e = 0; e < rep->epochs; e++) {
        const rt_epoch_stats *st = &rep->per_epoch[e];
        fprintf(f, "  - {epoch: %d, seconds: %.4f", st->epoch, st->seconds);
        for (int k = 0; k < NMON; k++)
            if (!isnan(value(st, k, d->cfg))) fprintf(f, ", %s: %.9g", monitors[k].name, value(st, k, d->cfg));
        fprintf(f, "}\n");
    }
    int ok = !ferror(f);
    if (!ok) rt_fail("cannot write '%s': %s", d->report, strerror(errno));
    if (rt_atomic_commit(&a, ok)) {
        free(plot);
        return fail(d);
    }
    /* the curves: one series per monitor that has a value */
    int n = rep->epochs;
    double *x = malloc(sizeof(double) * (size_t)(n + 1)), *y = malloc(sizeof(double) * (size_t)(NMON * n + 1));
    rt_series s[NMON];
    int ns = 0;
    for (int e = 0; e < n; e++) x[e] = rep->per_epoch[e].epoch;
    for (int k = 0; k < NMON; k++) {
        int any = 0;
        for (int e = 0; e < n; e++) any |= !isnan(y[k * n + e] = value(&rep->per_epoch[e], k, d->cfg));
        /* the exact log-likelihood's known optimum (the data's entropy) as a line */
        int opt = !strcmp(monitors[k].name, "exact_loglik") && isfinite(rep->optimum);
        if (any) s[ns++] = (rt_series){monitors[k].name, n, x, y + k * n, opt, opt ? rep->optimum : 0};
    }
    if (ns && rt_write_plot_png(plot, "epoch", s, ns)) rc = fail(d);
    free(x);
    free(y);
    /* the page: what was trained, the curves, filters and samples inline */
    char *page = d->page ? rt_drive_page_path(d->report) : NULL;
    if (!rc && page) {
        char text[2048], title[256];
        int len = snprintf(text, sizeof text, "spec: %s\nmodel: %s\nparameters: %s\nepochs: %d", d->spec, d->m->name,
                           d->out, n);
        const rt_epoch_stats *last = n ? &rep->per_epoch[n - 1] : NULL;
        if (last && !isnan(last->loglik) && len < (int)sizeof text)
            len += snprintf(text + len, sizeof text - (size_t)len, "\nexact average log-likelihood: %.4f", last->loglik);
        if (isfinite(rep->optimum) && len < (int)sizeof text)
            snprintf(text + len, sizeof text - (size_t)len, " (optimum %.4f)", rep->optimum);
        snprintf(title, sizeof title, "ebmc train: model %s", d->m->name);
        if (d->page(d->page_ctx, d->p, page, title, text, ns ? plot : NULL, d->cfg->seed)) rc = fail(d);
    }
    if (!rc && !d->cfg->quiet) {
        if (page) printf("report written to %s (curves: %s, page: %s)\n", d->report, plot, page);
        else printf("report written to %s (curves: %s)\n", d->report, plot);
    }
    free(page);
    free(plot);
    return rc;
}

/* ---- after training: the test score and the filters ---------------------- */

/* the average loss of rows, with fresh noise for every batch */
static int loss_chunk(void *ctx, rt_ws *w, int64_t r0) {
    (void)r0;
    rt_ws_fill_noise(w);
    rt_ws_run(w, w->m->k_loss);
    for (int64_t r = 0; r < w->B; r++) *(double *)ctx += w->bufs[w->m->loss_buf][r];
    return 0;
}

static double average_loss(const rt_model *m, rt_params *p, const rt_dataset *d, uint64_t seed) {
    double s = 0;
    if (rt_ws_over_rows(m, p, seed, 500, d->data, d->n, rt_dataset_row(d), loss_chunk, &s)) return NAN;
    return s / (double)d->n;
}

static double average_elbo(const rt_drive *dr, const rt_dataset *d, uint64_t seed) {
    int64_t B = 500, rf = rt_dataset_row(d);
    rt_reinforce *r = rt_reinforce_new(dr->m, dr->p, dr->q, dr->qp, B, seed);
    if (!r) return NAN;
    double s = 0;
    for (int64_t r0 = 0; r0 < d->n; r0 += B) {
        int64_t n = d->n - r0 < B ? d->n - r0 : B;
        s += rt_reinforce_batch(r, d->data + r0 * rf, n, 1, 0, 0) * (double)n;
    }
    rt_reinforce_free(r);
    return s / (double)d->n;
}

static int score_test(const rt_drive *dr) {
    rt_dataset d = {0};
    if (rt_source_load(dr->test, &d)) return fail(dr);
    const rt_model *m = dr->m;
    int64_t want = rt_visible_floats(m);
    if (rt_dataset_row(&d) != want) {
        rt_say(dr->say, "error", "the test data has %lld values per example but model '%s' has %lld visible units",
            (long long)rt_dataset_row(&d), m->name, (long long)want);
        rt_dataset_free(&d);
        return 1;
    }
    int rc = 0;
    uint64_t seed = dr->cfg->seed + 7;
    if (m->lin && m->lin->gaussian) {
        double ll;
        if (rt_linear_loglik(m, dr->p, d.data, d.n, want, &ll)) rc = fail(dr);
        else printf("exact average log-likelihood of the test data (%lld examples): %.4f\n", (long long)d.n, ll);
    } else if (dr->q) {
        printf("ELBO of the test data (%lld examples, one sample of h each): %.4f\n", (long long)d.n,
               average_elbo(dr, &d, seed));
    } else if (m->k_loss >= 0) {
        printf("average loss of the test data (%lld examples, fresh noise): %.4f\n", (long long)d.n,
               average_loss(m, dr->p, &d, seed));
    } else {
        printf("test data: model '%s' has no exact score (not linear-Gaussian, no loss, no recognition model)\n", m->name);
    }
    rt_dataset_free(&d);
    return rc;
}

/* after the checkpoint: the recognition model beside it, the test score,
 * the filters */
static int finish(const rt_drive *d) {
    if (d->q) {
        /* beside out: NAME.safetensors -> NAME.q.safetensors */
        const char *out = d->out;
        size_t n = strlen(out);
        const char *ext = n > 12 && !strcmp(out + n - 12, ".safetensors") ? out + n - 12 : out + n;
        char *qpath = malloc(n + strlen(d->q->name) + 16);
        sprintf(qpath, "%.*s.%s.safetensors", (int)(ext - out), out, d->q->name);
        rt_meta meta[] = {{"model", d->q->name}, {"recognition_for", d->m->name}};
        int bad = rt_params_save(d->q, d->qp, qpath, meta, 2);
        if (!bad && !d->cfg->quiet) printf("recognition model '%s' written to %s\n", d->q->name, qpath);
        free(qpath);
        if (bad) return fail(d);
    }
    if (d->test && d->test->kind != RT_SRC_NONE) {
        int rc = score_test(d);
        if (rc) return rc;
    }
    if (d->filters && rt_draw_filters(d->m, d->p, d->filters)) return fail(d);
    return 0;
}

/* ---- training ------------------------------------------------------------ */

/* Ctrl-C, kill (SIGTERM) or a closed terminal (SIGHUP): stop after the
 * current batch, with a checkpoint */
static volatile int interrupted;
static void on_interrupt(int sig) { interrupted = sig; }

/* the metadata of a checkpoint, the entries that are set */
static int meta_of(const rt_drive *d, const char *epochs, const char *seed, rt_meta *meta) {
    const char *kv[][2] = {{"spec", d->spec},     {"model", d->m->name},    {"epochs", epochs},
                           {"seed", seed},        {"config", d->config},    {"spec_hash", d->spec_hash},
                           {"ebmc_version", d->version}};
    int n = 0;
    for (size_t i = 0; i < sizeof kv / sizeof kv[0]; i++)
        if (kv[i][1]) meta[n++] = (rt_meta){kv[i][0], kv[i][1]};
    return n;
}

int rt_drive_train(rt_drive *d) {
    rt_train_cfg *cfg = d->cfg;
    /* the run's state goes to the output file as it trains: periodically when
     * asked, and on Ctrl-C */
    cfg->checkpoint_path = d->out;
    cfg->stop = &interrupted;
    char seedtxt[32];
    snprintf(seedtxt, sizeof seedtxt, "%llu", (unsigned long long)cfg->seed);
    rt_meta cmeta[8];
    cfg->meta = cmeta;
    cfg->nmeta = meta_of(d, NULL, seedtxt, cmeta);
    if (d->q) {
        cfg->recognition = d->q;
        cfg->recognition_params = d->qp;
    }
    /* a bar on a terminal, a YAML log that replaces the previous one whole
     * when training ends (finished, interrupted or failed): a full disk
     * leaves the old log, not half a line */
    rt_reporter rpt;
    FILE *logf = NULL;
    rt_atomic logw;
    if (d->log && rt_atomic_open(&logw, d->log)) {
        rt_say(d->say, "error", "--log: %s", rt_last_error());
        return 1;
    }
    if (d->log) logf = logw.fp;
    if (logf) {
        fprintf(logf, "# %s: the configuration, then a line per epoch\n", d->title);
        if (d->config) rt_log_embed(logf, "config", d->config);
        fprintf(logf, "epochs:\n");
        fflush(logf);
    }
    rt_reporter_init(&rpt, cfg->quiet ? NULL : stderr, logf);
    if (rpt.bar || rpt.log) {
        cfg->on_progress = rt_reporter_event;
        cfg->progress_ctx = &rpt;
    }
    rt_on_stop_signals(on_interrupt);
    rt_train_report rep = {0};
    int trc = rt_train(d->m, d->p, d->data, cfg, stdout, &rep);
    rt_on_stop_signals(SIG_DFL);
    rt_reporter_end(&rpt);
    int rc = trc ? fail(d) : 0;   /* 1, or 2 for an internal error */
    if (logf && rt_atomic_commit(&logw, 1)) {
        rt_say(d->say, "error", "--log: %s", rt_last_error());
        trc = -1;
        if (!rc) rc = 1;
    }
    if (trc) goto done;
    if (rep.stopped) {
        printf("interrupted: the training state is in %s; continue with --resume %s\n", d->out, d->out);
        rc = 128 + interrupted;
        goto done;
    }
    char epochs[32];
    snprintf(epochs, sizeof epochs, "%d", rep.epochs);
    rt_meta meta[8];
    if (rt_params_save(d->m, d->p, d->out, meta, meta_of(d, epochs, seedtxt, meta))) {
        rc = fail(d);
        goto done;
    }
    if (d->report && (rc = write_report(d, &rep))) goto done;
    double ll = rep.epochs ? rep.per_epoch[rep.epochs - 1].loglik : NAN;
    if (!cfg->quiet && !isnan(ll) && !isnan(rep.optimum))
        printf("exact average log-likelihood of the training set: %.4f (optimum %.4f)\n", ll, rep.optimum);
    else if (!cfg->quiet && !isnan(ll))
        printf("exact average log-likelihood of the training set: %.4f\n", ll);
    if (!cfg->quiet) printf("parameters written to %s\n", d->out);
    rc = finish(d);
done:
    free(rep.per_epoch);
    cfg->meta = NULL;
    cfg->nmeta = 0;
    return rc;
}

void rt_drive_config_report(FILE *out, const char *key, const char *params) {
    rt_tensor **ts;
    rt_meta *meta;
    int n, nm;
    if (rt_load_safetensors(params, &ts, &n, &meta, &nm)) return;
    for (int i = 0; i < nm; i++)
        if (!strcmp(meta[i].key, "config")) rt_log_embed(out, key, meta[i].value);
    rt_tensors_free(ts, n);
    rt_meta_free(meta, nm);
}
