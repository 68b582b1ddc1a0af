/* cli_eval.c — ebmc eval: a YAML report on a trained model.
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
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "rt_data_check.h"
#include "cli_anneal.h"
#include "cli_config.h"
#include "cli_pictures.h"
#include "config.h"
#include "rt_ais.h"
#include "rt_eval.h"
#include "rt_exact.h"
#include "rt_html.h"
#include "rt_inception.h"
#include "rt_recurrent.h"
#include "runconfig.h"
#include "config_stages.h"
#include "cli_stack.h"

/* ---- eval ------------------------------------------------------------------------ */



/* the settings of this run: the eval block, then the flags */
static int settings(Built *b, const Opts *o, EvalConfig *ec) {
    char *sets[64];
    int nsets = opt_all(o, "--set", sets, 64);
    if (!config_eval(b->c->arena, &b->c->diag, b->an->m->eval, sets, nsets, ec)) return 1;
    long long v;
    if (opt_ll(o, "--runs", 2, &ec->runs) < 0 || opt_ll(o, "--betas", 3, &ec->betas) < 0 || opt_ll(o, "--seed", 0, &v) < 0)
        return 1;
    if (opt_has(o, "--seed")) ec->seed = (unsigned long long)v;
    if (opt_str(o, "--schedule")) ec->schedule = opt_str(o, "--schedule");
    if (opt_has(o, "--ais") || opt_has(o, "--runs") || opt_has(o, "--betas") || opt_has(o, "--schedule") ||
        opt_has(o, "--sweeps") || opt_has(o, "--chain") || opt_has(o, "--base") || opt_has(o, "--raise") || opt_has(o, "--raise-chains"))
        ec->ais = 1;
    if (opt_has(o, "--exact")) ec->exact = 1;
    if (opt_str(o, "--filters")) ec->filters = opt_str(o, "--filters");
    if (opt_str(o, "--html")) ec->html = opt_str(o, "--html");
    return 0;
}

/* A model without a train block of its own that is part of the spec's
 * stack (a DBM's joint model, a layer) evaluates on the stack's data: its
 * first stage's. 1 when ds was set. */
static int stack_data(Built *b, DataSpec *ds) {
    const SemaResult *s = b->c->sema;
    if (b->an->m->train || s->nstacks == 0) return 0;
    Stage *st;
    int n;
    if (!config_stages_parse(b->c->arena, &b->c->diag, s->stacks[0], &st, &n) || n == 0) return 0;
    *ds = st[0].cfg.data;
    return ds->kind != RT_SRC_NONE;
}

/* After data a binary group cannot take were refused: grey levels have a
 * fix to name, when the data came from --data */
static void note_grey(const Built *b, const rt_dataset *d, const DataSpec *ds, int arg) {
    int64_t off = 0, at = -1, row = rt_dataset_row(d);
    for (int g = 0; g < b->m->ngroups && at < 0; g++) {
        const rt_group *gr = &b->m->groups[g];
        if (gr->role == RT_HIDDEN || gr->noise != RT_NOISE_NONE) continue;
        if (gr->role == RT_VISIBLE && gr->utype == RT_BERNOULLI)
            for (int64_t i = 0; i < d->n && at < 0; i++)
                for (int64_t k = 0; k < gr->size && at < 0; k++) {
                    float x = d->data[i * row + off + k];
                    if (x > 0.0f && x < 1.0f) at = i;
                }
        off += gr->size;
    }
    if (at < 0 || !arg) return;
    DataSpec fixed = *ds;
    fixed.binarize = 0.5;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    runconfig_data_text(f, &fixed);
    fclose(f);
    diag_tool_note("binarize it: --set 'data=%s'", text);
    free(text);
}

typedef struct Estimates {
    double exact_loglik, ais_loglik, bound;
} Estimates;

/* The sandwich: on the same examples (every example, or `--raise N` evenly
 * spaced), loglik_ais from AIS's log Z, which errs high, and loglik_raise
 * from reverse annealing, which errs low (docs/evaluation.md). */
static int sandwich(Built *b, const Opts *o, Tempered *t, rt_params *p, rt_params *tp, const rt_ais_cfg *cfg,
                    const rt_ais_result *r, const rt_dataset *data, FILE *y) {
    long long want = 25, chains = 4;
    if (opt_ll(o, "--raise", 0, &want) < 0 || opt_ll(o, "--raise-chains", 2, &chains) < 0) return 1;
    if (want == 0 || data->n == 0) return 0;
    const rt_model *m = b->m;
    int64_t rf = rt_visible_floats(m), k = data->n < want ? data->n : want;
    float *rows = malloc(sizeof(float) * (size_t)(k * rf));
    for (int64_t i = 0; i < k; i++)
        memcpy(rows + i * rf, data->data + (i * data->n / k) * rf, sizeof(float) * (size_t)rf);
    fprintf(y, "raise_examples: %lld\nraise_chains: %lld\n", (long long)k, chains);
    /* AIS's side: the exact numerator where the hidden configurations left
     * are few, else the mean-field bound (whose gap errs the other way) */
    double cl = rt_exact_cond_log2(m), sum, ais = NAN;
    const char *side = "high";
    if (cl >= 0 && cl + log2((double)k) <= RT_EXACT_AUTO_COST_LOG2) {
        if (rt_exact_loglik(m, p, r->logz, rows, k, rf, &sum)) goto fail;
        ais = sum / (double)k;
    } else if (t->rt.bound_ok) {
        if (rt_variational_bound(&t->rt, p, r->logz, rows, k, rf, 100, &ais)) goto fail;
        side = "either (the mean-field bound's gap low, log Z's error high)";
    }
    if (!isnan(ais)) {
        rt_yaml_number(y, "loglik_ais", ais);
        rt_yaml_number(y, "loglik_ais_stderr", r->stderr_logz);
        fprintf(y, "loglik_ais_errs: %s\n", side);
    }
    rt_raise_result rr;
    if (rt_raise(&t->rt, p, tp, cfg, rows, k, rf, chains, &rr)) {
        fprintf(y, "# loglik_raise: left out: %s\n", rt_last_error());
    } else {
        rt_yaml_number(y, "loglik_raise", rr.loglik);
        rt_yaml_number(y, "loglik_raise_stderr", rr.stderr_loglik);
        fprintf(y, "loglik_raise_errs: low\nraise_seconds: %.2f\n", rr.seconds);
        /* RAISE is low for the annealed model, which a fast schedule leaves
         * far from the model: an inverted pair says so */
        if (!isnan(ais) && !strcmp(side, "high") && rr.loglik - 3 * rr.stderr_loglik > ais + 3 * r->stderr_logz)
            fprintf(stderr, "ebmc: warning: loglik_raise %.4f is above loglik_ais %.4f beyond their error bars: the "
                            "annealing is too fast for either to be trusted; anneal more slowly (--betas %lld or more)\n",
                    rr.loglik, ais, (long long)rr.steps * 10);
    }
    free(rows);
    return 0;
fail:
    free(rows);
    return cli_fail_rt();
}

/* AIS of log Z, and the test log-likelihood it gives: -F(v) - log Z where
 * F sums every hidden group out, else the mean-field lower bound */
static int run_ais(Built *b, const Opts *o, const EvalConfig *ec, rt_params *p, const rt_dataset *data, FILE *y,
                   Estimates *est) {
    int rc;
    Tempered *t = cli_tempered(b, o, &rc);
    if (!t) return rc;
    rt_params *tp = rt_tempered_params(&t->rt, p);
    double *schedule = NULL;
    int64_t nsched = 0;
    const char *from;
    rt_ais_result r;
    /* the base model: the hidden units' rates from the data's posteriors
     * unless --base visible leaves them uniform (docs/evaluation.md) */
    const char *base = opt_str(o, "--base");
    int posterior = !base || !strcmp(base, "posterior");
    if (base && !posterior && strcmp(base, "visible")) {
        diag_tool_error("--base expects posterior or visible, not '%s'", base);
        rc = 1;
    }
    if (!rc) rc = cli_base_rates(b, t, tp, data, posterior ? 100 : 0, &from);
    if (!rc && ec->schedule && rt_ais_load_schedule(ec->schedule, &schedule, &nsched)) rc = cli_fail_rt();
    long long sweeps = 1;
    if (opt_ll(o, "--sweeps", 1, &sweeps) < 0) rc = 1;
    rt_ais_cfg cfg = {ec->runs, ec->betas, schedule, nsched, ec->seed, (int)sweeps};
    char what[96];
    snprintf(what, sizeof what, "AIS with %lld runs", (long long)ec->runs);
    /* the runs' workspace, refused with the number before it is allocated */
    if (!rc && rt_memory_check(2 * rt_ws_bytes(t->rt.m, ec->runs), what)) rc = cli_fail_rt();
    if (!rc && rt_ais(&t->rt, tp, &cfg, &r)) rc = cli_fail_rt();
    int64_t rf = rt_visible_floats(b->m);
    double sum;
    if (!rc) {
        fprintf(y, "ais_runs: %lld\nais_betas: %lld\nais_sweeps: %lld\nais_base_rates: %s\nais_base: %s\nais_chain:",
                (long long)r.runs, (long long)r.steps, sweeps, from, posterior ? "posterior" : "visible");
        /* the groups the chain runs on; the others are summed out */
        for (int g = 0, n = 0; g < t->m->ngroups; g++)
            if (g != t->rt.beta_group && !(t->rt.sum_mask >> g & 1)) fprintf(y, "%s%s", n++ ? ", " : " ", t->m->groups[g].name);
        fputc('\n', y);
        rt_yaml_number(y, "ais_logz_base", r.logz0);
        rt_yaml_number(y, "ais_logz", r.logz);
        rt_yaml_number(y, "ais_logz_stderr", r.stderr_logz);
        rt_yaml_number(y, "ais_logz_minus_3sd", r.logz_lo);
        rt_yaml_number(y, "ais_logz_plus_3sd", r.logz_hi);
        fprintf(y, "ais_ess: %.1f\nais_seconds: %.2f\n", r.ess, r.seconds);
        /* a few runs carry all the weight: the spread of the weights then
         * says little about the error (docs/evaluation.md, the ESS) */
        if (r.ess < 0.1 * (double)r.runs)
            diag_tool_warning("AIS effective sample size %.1f of %lld runs: the error bar of log Z is not to be "
                              "trusted; anneal more slowly (--betas %lld or more)", r.ess, (long long)r.runs,
                              (long long)r.steps * 10);
        if (t->rt.marginal_v && b->m->fe_exact) {
            if (rt_exact_loglik(b->m, p, r.logz, data->data, data->n, rf, &sum)) rc = cli_fail_rt();
            else {
                /* log p = -F - log Z: the band of log Z, turned over */
                est->ais_loglik = sum / (double)data->n;
                rt_yaml_number(y, "ais_loglik", est->ais_loglik);
                rt_yaml_number(y, "ais_loglik_minus_3sd", est->ais_loglik + r.logz - r.logz_hi);
                rt_yaml_number(y, "ais_loglik_plus_3sd", est->ais_loglik + r.logz - r.logz_lo);
            }
        } else if (t->rt.bound_ok) {
            if (rt_variational_bound(&t->rt, p, r.logz, data->data, data->n, rf, 100, &est->bound)) rc = cli_fail_rt();
            else rt_yaml_number(y, "ais_loglik_lower_bound", est->bound);
        }
    }
    if (!rc) rc = sandwich(b, o, t, p, tp, &cfg, &r, data, y);
    free(schedule);
    rt_tempered_params_free(&t->rt, tp);
    cli_tempered_free(t);
    return rc;
}

/* --dbn-bound: the DBN stack's variational bound (cli_stack_bound) */
static int dbn_bound(Built *b, const Opts *o, const EvalConfig *ec, const DataSpec *ds, const char *params) {
    if (b->c->sema->nstacks == 0 || b->c->sema->stacks[0]->kind != STACK_DBN) {
        diag_tool_error("--dbn-bound evaluates a DBN stack (kind = dbn), which %s does not have", o->spec);
        return 1;
    }
    long long samples = 10, sweeps = 1;
    if (opt_ll(o, "--bound-samples", 1, &samples) < 0 || opt_ll(o, "--sweeps", 1, &sweeps) < 0) return 1;
    rt_dataset data = {0};
    if (rt_source_load(ds, &data)) return cli_fail_rt();
    rt_ais_cfg cfg = {ec->runs, ec->betas, NULL, 0, ec->seed, (int)sweeps};
    int rc = cli_stack_bound(b->c, o, params, &data, (int)samples, &cfg, stdout);
    rt_dataset_free(&data);
    return rc;
}

/* --html: the report's text with the filters and samples inline */
static int write_html(Built *b, const EvalConfig *ec, rt_params *p, const char *params, const char *yaml) {
    char *title = arena_printf(b->c->arena, "ebmc eval: model %s, %s", b->m->name, params);
    return cli_html_page(b, p, ec->html, title, "Estimates", yaml, NULL, ec->seed);
}

int cmd_eval(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, rt_flags_eval, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    const char *params = opt_str(&o, "--params");
    if (!params) {
        diag_tool_error("ebmc eval needs --params P.safetensors (from ebmc train)");
        return 1;
    }
    if (cli_config_use(&o)) return 1;
    Built b;
    if ((rc = cli_build_model(o.spec, &o, 1, &b))) {
        cli_unbuild(&b);
        return rc;
    }
    if (b.an->m->network) {
        diag_tool_error("ebmc eval: '%s' is a network of an adversarial pair: it has no likelihood to estimate; write its "
                        "samples with ebmc sample --out S.npy and score them with a classifier's eval --inception S.npy",
                        b.an->m->name);
        cli_unbuild(&b);
        return 1;
    }
    rc = 1;
    rt_params *p = NULL;
    rt_dataset data = {0};
    EvalConfig ec;
    TrainConfig tc;
    DataSpec ds;
    char *text = NULL;
    size_t len = 0;
    FILE *y = NULL;
    if (settings(&b, &o, &ec)) goto done;
    if (cli_check_output(ec.filters, "--filters") || cli_check_output(ec.html, "--html")) goto done;
    if (opt_str(&o, "--data")) rt_source_from_arg(opt_str(&o, "--data"), &ds);
    else if (ec.data.kind != RT_SRC_NONE) ds = ec.data;
    else if (!stack_data(&b, &ds)) {
        if (!config_train(b.c->arena, &b.c->diag, b.an->m, b.an->m->train, NULL, 0, &tc)) goto done;
        ds = tc.data;
    }
    if (opt_has(&o, "--dbn-bound")) {
        rc = dbn_bound(&b, &o, &ec, &ds, params);
        goto done;
    }
    p = rt_params_new(b.m);
    if (rt_params_load(b.m, p, params) || rt_source_load(&ds, &data)) {
        rc = cli_fail_rt();
        goto done;
    }
    if (b.m->recur) {
        /* sequences: the exact log-likelihood of every frame (rt_recurrent.h) */
        int T;
        if (ec.ais || opt_str(&o, "--target") || opt_str(&o, "--inception") || ec.filters || ec.html) {
            diag_tool_error("a recurrent model's eval is the exact per-frame log-likelihood: --ais, --target, "
                            "--inception, --filters and --html do not apply");
            goto done;
        }
        if (rt_recurrent_source_check(b.m, &ds) || rt_recurrent_frames(b.m, rt_dataset_row(&data), &T) ||
            rt_data_check(b.m, &data, ds.path, 0)) {
            rc = cli_fail_rt();
            goto done;
        }
        printf("model: %s\nparams: %s\n", b.m->name, params);
        rc = rt_recurrent_report(b.m, p, &data, stdout) ? cli_fail_rt() : 0;
        goto done;
    }
    int64_t rf = rt_visible_floats(b.m);
    if (rt_dataset_row(&data) != rf) {
        diag_tool_error("the data has %lld values per example but model '%s' has %lld visible units",
                        (long long)rt_dataset_row(&data), b.m->name, (long long)rf);
        goto done;
    }
    /* the energies of states that do not exist are numbers, not log-probabilities */
    if (rt_data_check(b.m, &data, ds.path, 0)) {
        cli_fail_rt();
        note_grey(&b, &data, &ds, opt_str(&o, "--data") != NULL);
        goto done;
    }
    y = open_memstream(&text, &len);
    fprintf(y, "model: %s\nparams: %s\nexamples: %lld\n", b.m->name, params, (long long)data.n);
    Estimates est = {NAN, NAN, NAN};
    int target = opt_str(&o, "--target") ? rt_find_group(b.m, opt_str(&o, "--target")) : -1;
    int have_tc = config_train(b.c->arena, &b.c->diag, b.an->m, b.an->m->train, NULL, 0, &tc);
    if (!opt_str(&o, "--target") && have_tc) target = tc.rt.target;
    /* mean field as the model was trained: mp's sweeps, or mean_field = N */
    int mf_iters = have_tc ? (tc.rt.method == RT_MP ? tc.rt.iters : tc.rt.mf_iters) : 10;
    double missing = 0;
    if (rt_flag_fraction("--missing", opt_str(&o, "--missing"), &missing) < 0) goto done;
    if (target < -1 || (opt_str(&o, "--target") && target < 0) ||
        rt_eval_basic(b.m, p, &data, ec.seed, ec.exact, target, mf_iters, missing, y, &est.exact_loglik) ||
        (opt_str(&o, "--inception") &&
         rt_inception_report(b.m, p, opt_str(&o, "--target"), opt_str(&o, "--inception"), &data, y))) {
        rc = cli_fail_rt();
        goto done;
    }
    if (ec.ais) {
        fflush(y);
        int arc = run_ais(&b, &o, &ec, p, &data, y, &est);
        if (arc) {
            rc = arc;
            goto done;
        }
    }
    const char *source = !isnan(est.exact_loglik) ? "exact" : !isnan(est.ais_loglik) ? "ais" : !isnan(est.bound) ? "ais_lower_bound" : NULL;
    if (source) {
        rt_yaml_number(y, "loglik", !isnan(est.exact_loglik) ? est.exact_loglik : !isnan(est.ais_loglik) ? est.ais_loglik : est.bound);
        fprintf(y, "loglik_source: %s\n", source);
    }
    if (ec.filters) {
        if (cli_filters_png(&b, p, ec.filters, 1)) goto done;
        fprintf(y, "filters: %s\n", ec.filters);
    }
    if (ec.html) fprintf(y, "html: %s\n", ec.html);
    cli_config_report(y, "train_config", params);   /* how the parameters were trained */
    fclose(y);
    y = NULL;
    fputs(text, stdout);
    fflush(stdout);
    if (ec.html && write_html(&b, &ec, p, params, text)) goto done;
    rc = 0;
done:
    if (y) fclose(y);
    free(text);
    rt_params_free(p);
    rt_dataset_free(&data);
    cli_unbuild(&b);
    return rc;
}
