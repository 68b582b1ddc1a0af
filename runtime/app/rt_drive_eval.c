/* rt_drive_eval.c — the eval driver of ebmc and of built binaries
 * (rt_drive_eval.h). It was compiler/cli/cli_eval.c's second half and a
 * shorter copy in rt_app.c, which had no AIS, no filters and no page.
 *
 * Keys (DESIGN.md's contract): recon_error, pseudo_loglik; exact_logz and
 * exact_loglik when the model can be enumerated; with AIS (--ais, or
 * ais(...) in the spec's eval block) ais_logz, ais_logz_stderr,
 * ais_logz_minus_3sd / plus_3sd and the test log-likelihood they give;
 * the sandwich loglik_ais (errs high) and loglik_raise (reverse AIS, errs
 * low) on the same examples;
 * loglik, the best estimate of the average log-likelihood there is (exact,
 * else AIS, else the AIS variational lower bound), and loglik_source. The
 * report is built in memory first, so --html can embed it. */
#include "rt_drive_eval.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_ais.h"
#include "rt_drive.h"
#include "rt_drive_sample.h"
#include "rt_eval.h"
#include "rt_exact.h"
#include "rt_filters.h"
#include "rt_inception.h"
#include "rt_recurrent.h"

/* the runtime's last error, printed: 1, or 2 for an internal one */
static int fail(rt_say_fn say) {
    rt_say(say, "error", "%s", rt_last_error());
    return rt_error_is_internal() ? 2 : 1;
}

int rt_drive_eval_flags(const rt_opts *o, rt_eval_job *j) {
    long long v;
    rt_app_eval *e = &j->e;
    if (rt_opt_ll(o, "--runs", 2, &v) < 0 || rt_opt_ll(o, "--betas", 3, &v) < 0 || rt_opt_ll(o, "--seed", 0, &v) < 0)
        return 1;
    if (rt_opt_ll(o, "--runs", 2, &v) > 0) e->runs = v;
    if (rt_opt_ll(o, "--betas", 3, &v) > 0) e->betas = v;
    if (rt_opt_ll(o, "--seed", 0, &v) > 0) e->seed = (uint64_t)v;
    if (rt_opt_str(o, "--schedule")) e->schedule = rt_opt_str(o, "--schedule");
    static const char *const ais_flags[] = {"--ais", "--runs", "--betas", "--schedule", "--sweeps", "--chain", "--base",
                                            "--raise", "--raise-chains", NULL};
    for (int i = 0; ais_flags[i]; i++)
        if (rt_opt_has(o, ais_flags[i])) e->ais = 1;
    if (rt_opt_has(o, "--exact")) e->exact = 1;
    if (rt_opt_str(o, "--filters")) e->filters = rt_opt_str(o, "--filters");
    if (rt_opt_str(o, "--html")) e->html = rt_opt_str(o, "--html");
    long long sweeps = 1, raise = 25, chains = 4;
    if (rt_opt_ll(o, "--sweeps", 1, &sweeps) < 0 || rt_opt_ll(o, "--raise", 0, &raise) < 0 ||
        rt_opt_ll(o, "--raise-chains", 2, &chains) < 0)
        return 1;
    j->sweeps = sweeps, j->raise = raise, j->raise_chains = chains;
    j->target = rt_opt_str(o, "--target");
    j->inception = rt_opt_str(o, "--inception");
    if (rt_flag_fraction("--missing", rt_opt_str(o, "--missing"), &j->missing) < 0) return 1;
    /* the base model: the hidden units' rates from the data's posteriors
     * unless --base visible leaves them uniform (docs/evaluation.md) */
    const char *base = rt_opt_str(o, "--base");
    if (base && strcmp(base, "posterior") && strcmp(base, "visible")) {
        rt_say(j->say, "error", "--base expects posterior or visible, not '%s'", base);
        return 1;
    }
    j->base_visible = base && !strcmp(base, "visible");
    return 0;
}

int rt_drive_eval_check_outputs(const rt_eval_job *j) {
    if ((j->e.filters && rt_output_check(j->e.filters, "--filters")) || (j->e.html && rt_output_check(j->e.html, "--html"))) {
        rt_say(j->say, "error", "%s", rt_last_error());
        return 1;
    }
    return 0;
}

typedef struct Estimates {
    double exact_loglik, ais_loglik, bound;
} Estimates;

/* The sandwich: on the same examples (every example, or `--raise N` evenly
 * spaced), loglik_ais from AIS's log Z, which errs high, and loglik_raise
 * from reverse annealing, which errs low (docs/evaluation.md). */
static int sandwich(const rt_eval_job *j, rt_params *tp, const rt_ais_cfg *cfg, const rt_ais_result *r, FILE *y) {
    const rt_dataset *data = j->data;
    const rt_tempered *t = j->tempered;
    if (j->raise == 0 || data->n == 0) return 0;
    const rt_model *m = j->m;
    int64_t rf = rt_visible_floats(m), k = data->n < j->raise ? data->n : j->raise;
    float *rows = malloc(sizeof(float) * (size_t)(k * rf));
    for (int64_t i = 0; i < k; i++)
        memcpy(rows + i * rf, data->data + (i * data->n / k) * rf, sizeof(float) * (size_t)rf);
    fprintf(y, "raise_examples: %lld\nraise_chains: %lld\n", (long long)k, (long long)j->raise_chains);
    /* AIS's side: the exact numerator where the hidden configurations left
     * are few, else the mean-field bound (whose gap errs the other way) */
    double cl = rt_exact_cond_log2(m), sum, ais = NAN;
    const char *side = "high";
    if (cl >= 0 && cl + log2((double)k) <= RT_EXACT_AUTO_COST_LOG2) {
        if (rt_exact_loglik(m, j->p, r->logz, rows, k, rf, &sum)) goto fail;
        ais = sum / (double)k;
    } else if (t->bound_ok) {
        if (rt_variational_bound(t, j->p, r->logz, rows, k, rf, 100, &ais)) goto fail;
        side = "either (the mean-field bound's gap low, log Z's error high)";
    }
    if (!isnan(ais)) {
        rt_yaml_number(y, "loglik_ais", ais);
        rt_yaml_number(y, "loglik_ais_stderr", r->stderr_logz);
        fprintf(y, "loglik_ais_errs: %s\n", side);
    }
    rt_raise_result rr;
    if (rt_raise(t, j->p, tp, cfg, rows, k, rf, j->raise_chains, &rr)) {
        fprintf(y, "# loglik_raise: left out: %s\n", rt_last_error());
    } else {
        rt_yaml_number(y, "loglik_raise", rr.loglik);
        rt_yaml_number(y, "loglik_raise_stderr", rr.stderr_loglik);
        fprintf(y, "loglik_raise_errs: low\nraise_seconds: %.2f\n", rr.seconds);
        /* RAISE is low for the annealed model, which a fast schedule leaves
         * far from the model: an inverted pair says so */
        if (!isnan(ais) && !strcmp(side, "high") && rr.loglik - 3 * rr.stderr_loglik > ais + 3 * r->stderr_logz)
            rt_say(j->say, "warning", "loglik_raise %.4f is above loglik_ais %.4f beyond their error bars: the annealing is "
                                      "too fast for either to be trusted; anneal more slowly (--betas %lld or more)",
                   rr.loglik, ais, (long long)rr.steps * 10);
    }
    free(rows);
    return 0;
fail:
    free(rows);
    return fail(j->say);
}

/* the AIS lines of the report */
static void ais_lines(const rt_eval_job *j, const rt_ais_result *r, const char *from, FILE *y) {
    const rt_tempered *t = j->tempered;
    fprintf(y, "ais_runs: %lld\nais_betas: %lld\nais_sweeps: %lld\nais_base_rates: %s\nais_base: %s\nais_chain:",
            (long long)r->runs, (long long)r->steps, (long long)j->sweeps, from, j->base_visible ? "visible" : "posterior");
    /* the groups the chain runs on; the others are summed out */
    for (int g = 0, n = 0; g < t->m->ngroups; g++)
        if (g != t->beta_group && !(t->sum_mask >> g & 1)) fprintf(y, "%s%s", n++ ? ", " : " ", t->m->groups[g].name);
    fputc('\n', y);
    rt_yaml_number(y, "ais_logz_base", r->logz0);
    rt_yaml_number(y, "ais_logz", r->logz);
    rt_yaml_number(y, "ais_logz_stderr", r->stderr_logz);
    rt_yaml_number(y, "ais_logz_minus_3sd", r->logz_lo);
    rt_yaml_number(y, "ais_logz_plus_3sd", r->logz_hi);
    fprintf(y, "ais_ess: %.1f\nais_seconds: %.2f\n", r->ess, r->seconds);
    /* a few runs carry all the weight: the spread of the weights then
     * says little about the error (docs/evaluation.md, the ESS) */
    if (r->ess < 0.1 * (double)r->runs)
        rt_say(j->say, "warning", "AIS effective sample size %.1f of %lld runs: the error bar of log Z is not to be "
                                  "trusted; anneal more slowly (--betas %lld or more)",
               r->ess, (long long)r->runs, (long long)r->steps * 10);
}

/* AIS of log Z, and the test log-likelihood it gives: -F(v) - log Z where
 * F sums every hidden group out, else the mean-field lower bound */
static int run_ais(const rt_eval_job *j, FILE *y, Estimates *est) {
    const rt_tempered *t = j->tempered;
    const rt_dataset *data = j->data;
    if (!t) {
        rt_say(j->say, "error", "AIS needs the tempered model of '%s', which this program was built without (the model "
                                "cannot be annealed: 'ebmc eval SPEC --ais' says why)", j->m->name);
        return 1;
    }
    rt_params *tp = rt_tempered_params(t, j->p);
    double *schedule = NULL;
    int64_t nsched = 0;
    const char *from;
    rt_ais_result r;
    int rc = 0;
    if (rt_drive_base_rates(t, tp, j->train_data, data, j->base_visible ? 0 : 100, &from) ||
        (j->e.schedule && rt_ais_load_schedule(j->e.schedule, &schedule, &nsched)))
        rc = fail(j->say);
    rt_ais_cfg cfg = {j->e.runs, j->e.betas, schedule, nsched, j->e.seed, (int)j->sweeps};
    char what[96];
    snprintf(what, sizeof what, "AIS with %lld runs", (long long)j->e.runs);
    /* the runs' workspace, refused with the number before it is allocated */
    if (!rc && (rt_memory_check(2 * rt_ws_bytes(t->m, j->e.runs), what) || rt_ais(t, tp, &cfg, &r))) rc = fail(j->say);
    int64_t rf = rt_visible_floats(j->m);
    double sum;
    if (!rc) {
        ais_lines(j, &r, from, y);
        if (t->marginal_v && j->m->fe_exact) {
            if (rt_exact_loglik(j->m, j->p, r.logz, data->data, data->n, rf, &sum)) rc = fail(j->say);
            else {
                /* log p = -F - log Z: the band of log Z, turned over */
                est->ais_loglik = sum / (double)data->n;
                rt_yaml_number(y, "ais_loglik", est->ais_loglik);
                rt_yaml_number(y, "ais_loglik_minus_3sd", est->ais_loglik + r.logz - r.logz_hi);
                rt_yaml_number(y, "ais_loglik_plus_3sd", est->ais_loglik + r.logz - r.logz_lo);
            }
        } else if (t->bound_ok) {
            if (rt_variational_bound(t, j->p, r.logz, data->data, data->n, rf, 100, &est->bound)) rc = fail(j->say);
            else rt_yaml_number(y, "ais_loglik_lower_bound", est->bound);
        }
    }
    if (!rc) rc = sandwich(j, tp, &cfg, &r, y);
    free(schedule);
    rt_tempered_params_free(t, tp);
    return rc;
}

/* the report into y; 0 or an exit code */
static int report(rt_eval_job *j, FILE *y) {
    const rt_model *m = j->m;
    fprintf(y, "model: %s\nparams: %s\nexamples: %lld\n", m->name, j->params ? j->params : "embedded", (long long)j->data->n);
    Estimates est = {NAN, NAN, NAN};
    int target = j->target ? rt_find_group(m, j->target) : j->default_target;
    if (target < -1 || (j->target && target < 0) ||
        rt_eval_basic(m, j->p, j->data, j->e.seed, j->e.exact, target, j->mf_iters > 0 ? j->mf_iters : 10, j->missing, y,
                      &est.exact_loglik) ||
        (j->inception && rt_inception_report(m, j->p, j->target, j->inception, j->data, y)))
        return fail(j->say);
    if (j->e.ais) {
        fflush(y);
        int rc = run_ais(j, y, &est);
        if (rc) return rc;
    }
    const char *source = !isnan(est.exact_loglik) ? "exact" : !isnan(est.ais_loglik) ? "ais"
                       : !isnan(est.bound)        ? "ais_lower_bound" : NULL;
    if (source) {
        rt_yaml_number(y, "loglik", !isnan(est.exact_loglik) ? est.exact_loglik : !isnan(est.ais_loglik) ? est.ais_loglik : est.bound);
        fprintf(y, "loglik_source: %s\n", source);
    }
    if (j->e.filters) {
        if (rt_filters_png(m, j->p, j->e.filters, NULL, NULL)) return fail(j->say);
        fprintf(y, "filters: %s\n", j->e.filters);
    }
    if (j->e.html) fprintf(y, "html: %s\n", j->e.html);
    if (j->params) rt_drive_config_report(y, "train_config", j->params);   /* how the parameters were trained */
    return 0;
}

/* sequences: the exact log-likelihood of every frame (rt_recurrent.h) */
static int recurrent(const rt_eval_job *j) {
    if (j->e.ais || j->target || j->inception || j->e.filters || j->e.html) {
        rt_say(j->say, "error", "a recurrent model's eval is the exact per-frame log-likelihood: --ais, --target, "
                                "--inception, --filters and --html do not apply");
        return 1;
    }
    printf("model: %s\nparams: %s\n", j->m->name, j->params ? j->params : "embedded");
    return rt_recurrent_report(j->m, j->p, j->data, stdout) ? fail(j->say) : 0;
}

int rt_drive_eval(rt_eval_job *j) {
    if (j->m->recur) return recurrent(j);
    char *text = NULL;
    size_t len = 0;
    FILE *y = open_memstream(&text, &len);
    if (!y) {
        rt_say(j->say, "error", "out of memory for the report");
        return 1;
    }
    int rc = report(j, y);
    fclose(y);
    if (!rc) {
        fputs(text, stdout);
        fflush(stdout);
    }
    if (!rc && j->e.html) {
        /* the report's text with the filters and samples inline */
        char title[512];
        snprintf(title, sizeof title, "ebmc eval: model %s, %s", j->m->name, j->params ? j->params : "embedded");
        if (rt_page_write(&j->page, j->p, j->e.html, title, "Estimates", text, NULL, j->e.seed)) rc = fail(j->say);
    }
    free(text);
    return rc;
}
