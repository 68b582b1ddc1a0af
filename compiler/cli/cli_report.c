/* cli_report.c — the training report: a YAML file with one flow mapping per
 * epoch (every monitor that has a value), a PNG of the curves, one panel
 * per monitor (runtime/io/rt_plot.c), and an HTML page with the curves,
 * filters and samples inline. */
#include "cli_report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli_pictures.h"
#include "rt_plot.h"

/* R.yaml -> R.png, R.html */
static const char *sibling(Arena *a, const char *report, const char *ext) {
    size_t n = strlen(report);
    if (n > 5 && !strcmp(report + n - 5, ".yaml")) n -= 5;
    else if (n > 4 && !strcmp(report + n - 4, ".yml")) n -= 4;
    return arena_printf(a, "%.*s%s", (int)n, report, ext);
}

const char *cli_report_plot_path(Arena *a, const char *report) { return sibling(a, report, ".png"); }
const char *cli_report_html_path(Arena *a, const char *report) { return sibling(a, report, ".html"); }

/* the monitors, by name and where each lives in rt_epoch_stats */
typedef struct Monitor {
    const char *name;
    size_t offset;
} Monitor;

#define MON(name, field) {name, offsetof(rt_epoch_stats, field)}
static const Monitor monitors[] = {
    MON("recon_error", recon), MON("pseudo_loglik", pll), MON("exact_loglik", loglik), MON("fe_gap", fe_gap),
    MON("swap_rate", swap_rate), MON("accuracy", accuracy), MON("cond_loglik", cond_loglik), MON("loss", loss),
};
enum { NMON = sizeof monitors / sizeof monitors[0] };

static double value(const rt_epoch_stats *st, int k, const rt_train_cfg *cfg) {
    /* without the monitor the loop still fills recon with 0 */
    if (k == 0 && !cfg->mon_recon) return NAN;
    return *(const double *)((const char *)st + monitors[k].offset);
}

int cli_train_report(const Built *b, const char *path, const char *spec, const char *params, const rt_train_cfg *cfg,
                     const rt_train_report *rep, rt_params *p) {
    const char *plot = cli_report_plot_path(b->c->arena, path);
    rt_atomic a;
    if (rt_atomic_open(&a, path)) return cli_fail_rt();
    FILE *f = a.fp;
    fprintf(f, "# ebmc train %s: every monitor of every epoch (the curves: %s)\n", spec, plot);
    fprintf(f, "spec: %s\nmodel: %s\nparams: %s\nplot: %s\n", spec, b->m->name, params, plot);
    if (isfinite(rep->optimum)) fprintf(f, "optimum: %.9g\n", rep->optimum);
    fprintf(f, "epochs:\n");
    for (int e = 0; e < rep->epochs; e++) {
        const rt_epoch_stats *st = &rep->per_epoch[e];
        fprintf(f, "  - {epoch: %d, seconds: %.4f", st->epoch, st->seconds);
        for (int k = 0; k < NMON; k++)
            if (!isnan(value(st, k, cfg))) fprintf(f, ", %s: %.9g", monitors[k].name, value(st, k, cfg));
        fprintf(f, "}\n");
    }
    int ok = !ferror(f);
    if (!ok) rt_fail("cannot write '%s': %s", path, strerror(errno));
    if (rt_atomic_commit(&a, ok)) return cli_fail_rt();
    /* the curves: one series per monitor that has a value */
    int n = rep->epochs;
    double *x = malloc(sizeof(double) * (size_t)(n + 1)), *y = malloc(sizeof(double) * (size_t)(NMON * n + 1));
    rt_series s[NMON];
    int ns = 0;
    for (int e = 0; e < n; e++) x[e] = rep->per_epoch[e].epoch;
    for (int k = 0; k < NMON; k++) {
        int any = 0;
        for (int e = 0; e < n; e++) any |= !isnan(y[k * n + e] = value(&rep->per_epoch[e], k, cfg));
        /* the exact log-likelihood's known optimum (the data's entropy) as a line */
        int opt = !strcmp(monitors[k].name, "exact_loglik") && isfinite(rep->optimum);
        if (any) s[ns++] = (rt_series){monitors[k].name, n, x, y + k * n, opt, opt ? rep->optimum : 0};
    }
    int rc = ns ? rt_write_plot_png(plot, "epoch", s, ns) : 0;
    free(x);
    free(y);
    if (rc) return cli_fail_rt();
    /* the page: what was trained, the curves, filters and samples inline */
    const rt_epoch_stats *last = n ? &rep->per_epoch[n - 1] : NULL;
    char *text = arena_printf(b->c->arena, "spec: %s\nmodel: %s\nparameters: %s\nepochs: %d", spec, b->m->name, params, n);
    if (last && !isnan(last->loglik))
        text = arena_printf(b->c->arena, "%s\nexact average log-likelihood: %.4f", text, last->loglik);
    if (isfinite(rep->optimum)) text = arena_printf(b->c->arena, "%s (optimum %.4f)", text, rep->optimum);
    char *title = arena_printf(b->c->arena, "ebmc train: model %s", b->m->name);
    return cli_html_page(b, p, cli_report_html_path(b->c->arena, path), title, "Run", text, ns ? plot : NULL, cfg->seed);
}
