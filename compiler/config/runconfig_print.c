/* runconfig_print.c — resolved settings back as YAML: every setting with
 * its value, defaults included, in a form --config reads back to the same
 * settings (numbers with enough digits to round-trip, spec text in quotes
 * where YAML would read it otherwise). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runconfig.h"

/* the shortest %g that reads back as the same double */
static const char *num(char *buf, double v) {
    for (int p = 6; p <= 17; p++) {
        snprintf(buf, 32, "%.*g", p, v);
        if (strtod(buf, NULL) == v) break;
    }
    /* YAML and the spec language both read 1e-05; keep a '.' off integers */
    return buf;
}

/* a scalar: plain when YAML reads it back as this text, else single-quoted */
static void scalar(FILE *f, const char *s) {
    int plain = *s && !strchr("'\"!&*%@`|>-?:,[]{}# ", s[0]);
    for (const char *p = s; *p && plain; p++)
        plain = !strchr(":#,[]{}\"'\\", *p);
    if (plain) {
        fputs(s, f);
        return;
    }
    fputc('\'', f);
    for (const char *p = s; *p; p++) {
        if (*p == '\'') fputc('\'', f);
        fputc(*p, f);
    }
    fputc('\'', f);
}

typedef struct Out {
    FILE *f;
    int indent;
    char *buf;        /* spec text being built */
    size_t len;
    FILE *text;
} Out;

static FILE *begin(Out *o) {
    o->text = open_memstream(&o->buf, &o->len);
    return o->text;
}

static void end(Out *o, const char *key) {
    fclose(o->text);
    fprintf(o->f, "%*s%s: ", o->indent, "", key);
    scalar(o->f, o->buf);
    fputc('\n', o->f);
    free(o->buf);
}

static void key_num(Out *o, const char *key, double v) {
    char b[32];
    fprintf(o->f, "%*s%s: %s\n", o->indent, "", key, num(b, v));
}

static void key_int(Out *o, const char *key, unsigned long long v) {
    fprintf(o->f, "%*s%s: %llu\n", o->indent, "", key, v);
}

static void str(FILE *t, const char *s) {
    fputc('"', t);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', t);
        fputc(*s, t);
    }
    fputc('"', t);
}

static void schedule(Out *o, const char *key, const rt_schedule *s) {
    static const char *const curves[] = {"", "linear", "exp", "cosine"};
    char b[32];
    const rt_sched_piece *p = rt_schedule_pieces(s);
    if (s->n == 1 && p[0].until < 0 && p[0].kind == RT_SCHED_CONST) {
        key_num(o, key, p[0].a);
        return;
    }
    FILE *t = begin(o);
    for (int i = 0; i < s->n; i++) {
        fputs(i ? ", " : "", t);
        if (p[i].kind == RT_SCHED_CONST) fputs(num(b, p[i].a), t);
        else {
            fprintf(t, "%s(%s, ", curves[p[i].kind], num(b, p[i].a));
            fprintf(t, "%s)", num(b, p[i].b));
        }
        if (p[i].until >= 0) fprintf(t, " until %d", p[i].until);
    }
    end(o, key);
}

void runconfig_data_text(FILE *t, const DataSpec *ds) {
    char b[32];
    switch (ds->kind) {
    case RT_SRC_BARS_STRIPES: fprintf(t, "bars_and_stripes(rows = %d, cols = %d%s)", ds->rows, ds->cols, ds->spins ? ", spins = 1" : ""); break;
    case RT_SRC_MOVING_BAR:
        if (ds->length) fprintf(t, "moving_bar(width = %d, length = %d)", ds->cols, ds->length);
        else fprintf(t, "moving_bar(width = %d, history = %d)", ds->cols, ds->rows);
        break;
    default:
        fprintf(t, "%s(", ds->kind == RT_SRC_IDX ? "idx" : ds->kind == RT_SRC_CSV ? "csv" : "npy");
        str(t, ds->path);
        if (!isnan(ds->binarize)) fprintf(t, ", binarize = %s", num(b, ds->binarize));
        if (ds->standardize) fprintf(t, ", standardize = 1");
        if (ds->limit) fprintf(t, ", limit = %lld", ds->limit);
        if (ds->spins) fprintf(t, ", spins = 1");
        if (ds->history) fprintf(t, ", history = %d", ds->history);
        if (ds->patch) fprintf(t, ", patch = %d, patches = %lld", ds->patch, ds->patches);
        if (ds->labels) {
            fprintf(t, ", labels = ");
            str(t, ds->labels);
        }
        fputc(')', t);
    }
}

static void data(Out *o, const char *key, const DataSpec *ds) {
    if (ds->kind == RT_SRC_NONE) {
        fprintf(o->f, "%*s# %s: none\n", o->indent, "", key);
        return;
    }
    runconfig_data_text(begin(o), ds);
    end(o, key);
}

static const char *group_name(const Model *m, int g) {
    return m && g >= 0 && g < m->nunits ? m->units[g]->name : "?";
}

static void method(Out *o, const TrainConfig *tc, const Model *m) {
    const rt_train_cfg *t = &tc->rt;
    char b[32];
    FILE *f = begin(o);
    switch (t->method) {
    case RT_CD: fprintf(f, "cd(k = %d)", t->k); break;
    case RT_PCD: fprintf(f, "pcd(k = %d, chains = %lld)", t->k, (long long)t->chains); break;
    case RT_PT:
        fprintf(f, "pt(replicas = %d, k = %d, chains = %lld, beta_min = %s, spacing = %s)", t->replicas, t->k,
                (long long)t->chains, num(b, t->beta_min), t->pt_geometric ? "geometric" : "linear");
        break;
    case RT_DISCRIMINATIVE:
        fprintf(f, "discriminative(target = %s, generative = %s, k = %d)", group_name(m, t->target), num(b, t->generative), t->k);
        break;
    case RT_MINIMIZE: fprintf(f, "minimize"); break;
    case RT_ADVERSARIAL:
        fprintf(f, "adversarial(discriminator = %s", tc->discriminator ? tc->discriminator : "?");
        if (tc->logit) fprintf(f, ", logit = %s", tc->logit);
        fprintf(f, ", k = %d)", t->k);
        break;
    case RT_EM: fprintf(f, "em(tol = %s)", num(b, t->tol)); break;
    case RT_ICA: fprintf(f, "ica(algorithm = %s, tol = %s)", t->ica_fast ? "fastica" : "natural", num(b, t->tol)); break;
    case RT_SFA: fprintf(f, "sfa(expand = %s)", t->sfa_quadratic ? "quadratic" : "linear"); break;
    case RT_MP: fprintf(f, "mp(iters = %d, drop = %s)", t->iters, num(b, t->mp_drop)); break;
    case RT_SPARSE: fprintf(f, "sparse_coding(iters = %d, l1 = %s)", t->iters, num(b, t->l1_scale)); break;
    case RT_WAKE_SLEEP: fprintf(f, "wake_sleep(recognition = %s)", tc->recognition ? tc->recognition : "?"); break;
    case RT_REINFORCE:
        fprintf(f, "reinforce(recognition = %s, samples = %lld, baseline = %s)", tc->recognition ? tc->recognition : "?",
                (long long)t->samples, t->baseline == RT_BASELINE_NONE ? "none" : t->baseline == RT_BASELINE_OPTIMAL ? "optimal" : "learned");
        break;
    case RT_UP_DOWN: fprintf(f, "up_down(k = %d)", t->k); break;
    default: fprintf(f, "method_%d", t->method);
    }
    end(o, "method");
}

static void monitor(Out *o, const rt_train_cfg *t) {
    FILE *f = begin(o);
    int n = 0;
    const char *names[] = {"recon_error", "pseudo_loglik", "exact_loglik", "accuracy", "fe_gap"};
    int on[] = {t->mon_recon, t->mon_pll, t->mon_exact, t->mon_accuracy, t->mon_fe_gap};
    for (int i = 0; i < 5; i++)
        if (on[i]) fprintf(f, "%s%s", n++ ? ", " : "", names[i]);
    if (!n) fprintf(f, "none");
    fprintf(f, " every %d", t->mon_every > 0 ? t->mon_every : 1);
    end(o, "monitor");
}

void runconfig_print_train(FILE *f, const TrainConfig *tc, const Model *m, int indent) {
    const rt_train_cfg *t = &tc->rt;
    Out o = {f, indent, NULL, 0, NULL};
    char b[32];
    data(&o, "data", &tc->data);
    method(&o, tc, m);
    key_int(&o, "batch", (unsigned long long)t->batch);
    key_int(&o, "epochs", (unsigned long long)t->epochs);
    schedule(&o, "lr", &t->lr);
    schedule(&o, "momentum", &t->momentum);
    schedule(&o, "weight_decay", &t->weight_decay);
    if (t->nparam_rules) {
        static const char *const names[] = {"lr", "momentum", "weight_decay"};
        FILE *x = begin(&o);
        for (int i = 0; i < t->nparam_rules; i++) {
            const rt_param_rule *r = &t->param_rules[i];
            double v[3] = {r->lr_scale, r->momentum, r->weight_decay};
            fprintf(x, "%s%s(", i ? ", " : "", r->param);
            for (int k = 0, first = 1; k < 3; k++)
                if (!isnan(v[k])) fprintf(x, "%s%s = %s", first ? "" : ", ", names[k], num(b, v[k])), first = 0;
            fputc(')', x);
        }
        end(&o, "params");
    } else {
        fprintf(f, "%*s# params: none\n", indent, "");
    }
    key_int(&o, "seed", t->seed);
    monitor(&o, t);
    key_int(&o, "mean_field", (unsigned long long)t->mf_iters);
    key_num(&o, "mean_field_tol", t->mf_tol);
    if (t->target >= 0) fprintf(f, "%*starget: %s\n", indent, "", group_name(m, t->target));
    else fprintf(f, "%*s# target: none\n", indent, "");
    if (t->optimizer == RT_ADAM) {
        FILE *x = begin(&o);
        fprintf(x, "adam(beta1 = %s", num(b, t->beta1));
        fprintf(x, ", beta2 = %s", num(b, t->beta2));
        fprintf(x, ", eps = %s)", num(b, t->adam_eps));
        end(&o, "optimizer");
    } else {
        fprintf(f, "%*soptimizer: sgd\n", indent, "");
    }
    if (t->checkpoint_every > 0) key_int(&o, "checkpoint_every", (unsigned long long)t->checkpoint_every);
    else fprintf(f, "%*s# checkpoint_every: never\n", indent, "");
    key_num(&o, "checkpoint_minutes", t->checkpoint_minutes);
    if (t->on_collapse == RT_COLLAPSE_RESTORE) {
        FILE *x = begin(&o);
        fprintf(x, "restore(factor = %s)", num(b, t->collapse_factor));
        end(&o, "on_collapse");
    } else {
        fprintf(f, "%*son_collapse: %s\n", indent, "", t->on_collapse == RT_COLLAPSE_IGNORE ? "ignore" : "stop");
    }
    fprintf(f, "%*sgradient: %s\n", indent, "", t->gradient == RT_GRADIENT_ENHANCED ? "enhanced" : "plain");
    if (t->adapt_lr > 0) {
        FILE *x = begin(&o);
        fprintf(x, "likelihood(factor = %s)", num(b, t->adapt_lr));
        end(&o, "adapt_lr");
    } else {
        fprintf(f, "%*sadapt_lr: off\n", indent, "");
    }
    data(&o, "test", &tc->test);
    data(&o, "validation", &tc->validation);
    if (tc->filters) {
        fprintf(f, "%*sfilters: ", indent, "");
        scalar(f, tc->filters);
        fputc('\n', f);
    } else {
        fprintf(f, "%*s# filters: none\n", indent, "");
    }
}

void runconfig_print_sample(FILE *f, const SampleConfig *sc, int indent) {
    Out o = {f, indent, NULL, 0, NULL};
    char b[32];
    key_int(&o, "chains", (unsigned long long)sc->chains);
    key_int(&o, "steps", (unsigned long long)sc->steps);
    key_int(&o, "seed", sc->seed);
    if (sc->out) {
        fprintf(f, "%*sout: ", indent, "");
        scalar(f, sc->out);
        fputc('\n', f);
    } else {
        fprintf(f, "%*s# out: none\n", indent, "");
    }
    fprintf(f, "%*smean_field: %s\n", indent, "", sc->mean_field ? "true" : "false");
    if (sc->length) key_int(&o, "length", (unsigned long long)sc->length);
    if (!sc->nclamps) {
        fprintf(f, "%*s# clamp: none\n", indent, "");
        return;
    }
    FILE *t = begin(&o);
    for (int i = 0; i < sc->nclamps; i++) {
        const ClampSpec *c = &sc->clamps[i];
        fprintf(t, "%s%s(", i ? ", " : "", c->group);
        if (c->file) {
            fprintf(t, "file = ");
            str(t, c->file);
        } else {
            fprintf(t, "value = %s", num(b, c->value));
        }
        if (c->free) {
            fprintf(t, ", free = ");
            str(t, c->free);
        }
        if (!isnan(c->binarize)) fprintf(t, ", binarize = %s", num(b, c->binarize));
        if (c->limit) fprintf(t, ", limit = %lld", c->limit);
        fputc(')', t);
    }
    end(&o, "clamp");
}

/* the --set entries of one kind only ("sample.chains=4") */
static int sets_of(const char *kind, char **sets, int nsets, char **out) {
    int n = 0;
    size_t k = strlen(kind);
    for (int i = 0; i < nsets; i++)
        if (!strncmp(sets[i], kind, k) && sets[i][k] == '.') out[n++] = sets[i];
    return n;
}

void runconfig_print_header(FILE *f, const char *spec) {
    fprintf(f, "# the resolved configuration of a run of %s: every setting, defaults\n"
               "# included; 'ebmc train %s --config FILE' repeats the run\n",
            spec, spec);
}

char *runconfig_train_yaml(Arena *a, Diag *d, const char *spec, const Model *m, const TrainConfig *tc, char **sets,
                           int nsets) {
    SampleConfig sc;
    char *own[64];
    int nown = sets_of("sample", sets, nsets, own);
    if (!config_sample(a, d, m->sample, own, nown, &sc)) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    runconfig_print_header(f, spec);
    fprintf(f, "train:\n");
    runconfig_print_train(f, tc, m, 2);
    fprintf(f, "sample:\n");
    runconfig_print_sample(f, &sc, 2);
    fclose(f);
    return buf;
}
