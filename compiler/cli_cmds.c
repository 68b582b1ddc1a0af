/* cli_cmds.c — check, explain, train, sample, eval. */
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "explain.h"
#include "ir_kernels.h"
#include "model_desc.h"
#include "rt_exact.h"
#include "rt_sample.h"

typedef struct Built {
    Compilation *c;
    Analysis *an;
    IrProgram *ir;
    rt_model *m;
} Built;

/* spec -> analysis -> kernels -> runtime model; 0 or an exit code */
static int build(const char *spec, const Opts *o, Built *b) {
    memset(b, 0, sizeof *b);
    const char *backend = opt_str(o, "--backend");
    if (backend && strcmp(backend, "interp")) {
        if (!strcmp(backend, "jit")) diag_tool_error("--backend jit: this build has no JIT back end yet; use --backend interp");
        else diag_tool_error("--backend must be interp or jit, not '%s'", backend);
        return 1;
    }
    b->c = compile_file(spec);
    if (!b->c) return 1;
    b->an = compile_main_model(b->c);
    if (!b->an) return 1;
    b->ir = ir_build(b->c->arena, b->an);
    b->m = desc_build(b->c->arena, b->an, b->ir);
    return 0;
}

static void unbuild(Built *b) { compile_free(b->c); }

static int fail_rt(void) {
    diag_tool_error("%s", rt_last_error());
    return 1;
}

/* ---- check, explain ------------------------------------------------------------- */

static const Flag no_flags[] = {{NULL, 0, NULL}};

int cmd_check(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, no_flags, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    Compilation *c = compile_file(o.spec);
    if (!c) return 1;
    int bad = c->diag.errors > 0;
    compile_free(c);
    return bad;
}

static const Flag explain_flags[] = {
    {"--format", 1, "text (default), yaml, or ir (the kernel IR)"},
    {NULL, 0, NULL},
};

int cmd_explain(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, explain_flags, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    const char *fmt = opt_str(&o, "--format");
    if (fmt && strcmp(fmt, "text") && strcmp(fmt, "yaml") && strcmp(fmt, "ir")) {
        diag_tool_error("--format must be text, yaml or ir, not '%s'", fmt);
        return 1;
    }
    Compilation *c = compile_file(o.spec);
    if (!c) return 1;
    Analysis *an = compile_main_model(c);
    if (!an) {
        compile_free(c);
        return 1;
    }
    if (fmt && !strcmp(fmt, "ir")) ir_print(stdout, ir_build(c->arena, an));
    else explain_print(stdout, an, fmt && !strcmp(fmt, "yaml"));
    compile_free(c);
    return 0;
}

/* ---- train ---------------------------------------------------------------------- */

static const Flag train_flags[] = {
    {"--out", 1, "where to write the parameters (default: SPEC's name .safetensors)"},
    {"--config", 1, "a run configuration in YAML (not supported yet)"},
    {"--set", 1, "override one train setting: --set lr=0.01 (repeatable)"},
    {"--seed", 1, "random seed"},
    {"--backend", 1, "interp (the reference interpreter) or jit"},
    {"--quiet", 0, "no progress lines"},
    {NULL, 0, NULL},
};

static const char *default_out(Arena *a, const char *spec) {
    char *copy = arena_strdup(a, spec);
    char *base = basename(copy);
    char *dot = strrchr(base, '.');
    if (dot) *dot = 0;
    return arena_printf(a, "%s.safetensors", base);
}

int cmd_train(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, train_flags, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    if (opt_has(&o, "--config")) {
        diag_tool_error("--config: run configurations in YAML are not supported yet; use --set KEY=VALUE");
        return 1;
    }
    long long seed = -1;
    if (opt_ll(&o, "--seed", 0, &seed) < 0) return 1;
    Built b;
    if ((rc = build(o.spec, &o, &b))) {
        unbuild(&b);
        return rc;
    }
    char *sets[64];
    int nsets = opt_all(&o, "--set", sets, 64);
    TrainConfig tc;
    rt_dataset data = {0};
    rt_params *p = NULL;
    rc = 1;
    if (!config_train(b.c->arena, &b.c->diag, b.an->m->train, sets, nsets, &tc)) goto done;
    if (seed >= 0) tc.rt.seed = (uint64_t)seed;
    tc.rt.quiet = opt_has(&o, "--quiet");
    if (config_load_data(&tc.data, &data)) {
        fail_rt();
        goto done;
    }
    int64_t want = rt_visible_floats(b.m);
    if (rt_dataset_row(&data) != want) {
        diag_tool_error("the data has %lld values per example but model '%s' has %lld visible units",
                        (long long)rt_dataset_row(&data), b.m->name, (long long)want);
        goto done;
    }
    p = rt_params_new(b.m);
    rt_params_init(b.m, p, tc.rt.seed);
    rt_train_report rep = {0};
    if (rt_train(b.m, p, &data, &tc.rt, stdout, &rep)) {
        free(rep.per_epoch);
        fail_rt();
        goto done;
    }
    const char *out = opt_str(&o, "--out");
    if (!out) out = default_out(b.c->arena, o.spec);
    char epochs[32], seedbuf[32];
    snprintf(epochs, sizeof epochs, "%d", rep.epochs);
    snprintf(seedbuf, sizeof seedbuf, "%llu", (unsigned long long)tc.rt.seed);
    rt_meta meta[] = {{"spec", o.spec}, {"model", b.m->name}, {"epochs", epochs}, {"seed", seedbuf}};
    if (rt_params_save(b.m, p, out, meta, 4)) {
        free(rep.per_epoch);
        fail_rt();
        goto done;
    }
    double ll = rep.epochs ? rep.per_epoch[rep.epochs - 1].loglik : NAN;
    if (!tc.rt.quiet && !isnan(ll))
        printf("exact average log-likelihood of the training set: %.4f (optimum %.4f)\n", ll, rep.optimum);
    if (!tc.rt.quiet) printf("parameters written to %s\n", out);
    free(rep.per_epoch);
    rc = 0;
done:
    rt_params_free(p);
    rt_dataset_free(&data);
    unbuild(&b);
    return rc;
}

/* ---- sample ---------------------------------------------------------------------- */

static const Flag sample_flags[] = {
    {"--params", 1, "trained parameters (.safetensors)"},
    {"--chains", 1, "number of independent chains"},
    {"--steps", 1, "Gibbs sweeps per chain"},
    {"--seed", 1, "random seed"},
    {"--out", 1, "F.png (image grid of the visible means), F.csv or F.npy (final states)"},
    {"--set", 1, "override one sample setting (repeatable)"},
    {"--backend", 1, "interp or jit"},
    {NULL, 0, NULL},
};

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* The first visible group as images: 2-D groups as they are, 1-D ones of
 * square size as squares. */
static int image_shape(const rt_model *m, int *h, int *w) {
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role != RT_VISIBLE) continue;
        if (gr->ndim == 2) {
            *h = (int)gr->dims[0];
            *w = (int)gr->dims[1];
            return 1;
        }
        long long s = (long long)sqrt((double)gr->size);
        if (gr->ndim == 1 && s * s == gr->size) {
            *h = *w = (int)s;
            return 1;
        }
        return 0;
    }
    return 0;
}

static int write_samples(const rt_model *m, const char *out, const float *values, const float *means, int64_t chains) {
    int64_t rf = rt_visible_floats(m);
    if (ends_with(out, ".png")) {
        int h, w;
        image_shape(m, &h, &w);
        int ncols = (int)ceil(sqrt((double)chains));
        /* the first group's floats of each chain, packed */
        float *img = malloc(sizeof(float) * (size_t)(chains * h * w));
        for (int64_t r = 0; r < chains; r++) memcpy(img + r * h * w, means + r * rf, sizeof(float) * (size_t)(h * w));
        int rc = rt_write_png_grid(out, img, (int)chains, h, w, ncols, 0);
        free(img);
        return rc;
    }
    if (ends_with(out, ".npy")) {
        int64_t dims[2] = {chains, rf};
        return rt_write_npy(out, values, 2, dims);
    }
    char **names = malloc(sizeof(char *) * (size_t)rf);
    int64_t k = 0;
    for (int g = 0; g < m->ngroups; g++) {
        const rt_group *gr = &m->groups[g];
        if (gr->role == RT_HIDDEN) continue;
        for (int64_t i = 0; i < gr->size; i++) {
            char buf[128];
            int o = snprintf(buf, sizeof buf, "%s", gr->name);
            int64_t rem = i, idx[RT_MAX_DIMS];
            for (int d = gr->ndim - 1; d >= 0; d--) {
                idx[d] = rem % gr->dims[d];
                rem /= gr->dims[d];
            }
            for (int d = 0; d < gr->ndim && o < (int)sizeof buf; d++) o += snprintf(buf + o, sizeof buf - (size_t)o, "_%lld", (long long)idx[d]);
            names[k++] = strdup(buf);
        }
    }
    int rc = rt_write_csv(out, values, chains, rf, (const char *const *)names);
    for (int64_t i = 0; i < rf; i++) free(names[i]);
    free(names);
    return rc;
}

int cmd_sample(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, sample_flags, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    const char *params = opt_str(&o, "--params");
    if (!params) {
        diag_tool_error("ebmc sample needs --params P.safetensors (from ebmc train)");
        return 1;
    }
    Built b;
    if ((rc = build(o.spec, &o, &b))) {
        unbuild(&b);
        return rc;
    }
    rc = 1;
    char *sets[64];
    int nsets = opt_all(&o, "--set", sets, 64);
    SampleConfig sc;
    rt_params *p = NULL;
    float *values = NULL, *means = NULL;
    if (!config_sample(b.c->arena, &b.c->diag, b.an->m->sample, sets, nsets, &sc)) goto done;
    long long v;
    if (opt_ll(&o, "--chains", 1, &v) < 0) goto done;
    if (opt_ll(&o, "--chains", 1, &sc.chains) < 0 || opt_ll(&o, "--steps", 0, &sc.steps) < 0 ||
        opt_ll(&o, "--seed", 0, &v) < 0)
        goto done;
    if (opt_has(&o, "--seed")) sc.seed = (unsigned long long)v;
    if (opt_str(&o, "--out")) sc.out = opt_str(&o, "--out");
    if (!sc.out) {
        diag_tool_error("ebmc sample needs --out F.png, F.csv or F.npy (or out = \"...\" in the sample block)");
        goto done;
    }
    if (!ends_with(sc.out, ".png") && !ends_with(sc.out, ".csv") && !ends_with(sc.out, ".npy")) {
        diag_tool_error("--out must end in .png, .csv or .npy, not '%s'", sc.out);
        goto done;
    }
    int h, w;
    if (ends_with(sc.out, ".png") && !image_shape(b.m, &h, &w)) {
        diag_tool_error("a PNG needs image-shaped visible units: declare the first visible group with two "
                        "dimensions (v[28, 28]) or a square size; or write .csv / .npy");
        goto done;
    }
    p = rt_params_new(b.m);
    if (rt_params_load(b.m, p, params)) {
        fail_rt();
        goto done;
    }
    int64_t rf = rt_visible_floats(b.m);
    values = malloc(sizeof(float) * (size_t)(sc.chains * rf));
    means = malloc(sizeof(float) * (size_t)(sc.chains * rf));
    if (rt_sample(b.m, p, sc.chains, (int)sc.steps, sc.seed, values, means) ||
        write_samples(b.m, sc.out, values, means, sc.chains)) {
        fail_rt();
        goto done;
    }
    printf("%lld samples (%lld sweeps each) written to %s\n", sc.chains, sc.steps, sc.out);
    rc = 0;
done:
    free(values);
    free(means);
    rt_params_free(p);
    unbuild(&b);
    return rc;
}

/* ---- eval ------------------------------------------------------------------------ */

static const Flag eval_flags[] = {
    {"--params", 1, "trained parameters (.safetensors)"},
    {"--data", 1, "data to evaluate on: an IDX, .csv or .npy file (default: the train block's data)"},
    {"--exact", 0, "exact log Z and log-likelihood by enumeration (an error if the model is too large)"},
    {"--ais", 0, "annealed importance sampling of log Z (not supported yet)"},
    {"--seed", 1, "random seed"},
    {"--backend", 1, "interp or jit"},
    {NULL, 0, NULL},
};

int cmd_eval(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, eval_flags, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    const char *params = opt_str(&o, "--params");
    if (!params) {
        diag_tool_error("ebmc eval needs --params P.safetensors (from ebmc train)");
        return 1;
    }
    if (opt_has(&o, "--ais")) {
        diag_tool_error("--ais: annealed importance sampling is not supported yet; --exact works for small models");
        return 1;
    }
    long long seed = 1;
    if (opt_ll(&o, "--seed", 0, &seed) < 0) return 1;
    Built b;
    if ((rc = build(o.spec, &o, &b))) {
        unbuild(&b);
        return rc;
    }
    rc = 1;
    rt_params *p = NULL;
    rt_dataset data = {0};
    TrainConfig tc;
    DataSpec ds;
    if (opt_str(&o, "--data")) config_data_arg(opt_str(&o, "--data"), &ds);
    else if (config_train(b.c->arena, &b.c->diag, b.an->m->train, NULL, 0, &tc)) ds = tc.data;
    else goto done;
    p = rt_params_new(b.m);
    if (rt_params_load(b.m, p, params) || config_load_data(&ds, &data)) {
        fail_rt();
        goto done;
    }
    int64_t rf = rt_visible_floats(b.m);
    if (rt_dataset_row(&data) != rf) {
        diag_tool_error("the data has %lld values per example but model '%s' has %lld visible units",
                        (long long)rt_dataset_row(&data), b.m->name, (long long)rf);
        goto done;
    }
    int enumerable = b.m->fe_exact && b.m->enum_log2_states >= 0 && b.m->enum_log2_states <= RT_EXACT_MAX_LOG2;
    if (opt_has(&o, "--exact") && !enumerable) {
        diag_tool_error("--exact: model '%s' is too large to enumerate (2^%.1f configurations)", b.m->name,
                        b.m->enum_log2_states);
        goto done;
    }
    printf("model: %s\nparams: %s\nexamples: %lld\n", b.m->name, params, (long long)data.n);
    double pll, mse;
    if (!rt_recon_error(b.m, p, data.data, data.n, rf, &mse)) printf("recon_error: %.6f\n", mse);
    if (!rt_pseudo_loglik(b.m, p, data.data, data.n, rf, (uint64_t)seed, &pll)) printf("pseudo_loglik: %.6f\n", pll);
    if (enumerable && (opt_has(&o, "--exact") || b.m->enum_log2_states <= 22)) {
        double logz, sum;
        if (rt_exact_logz(b.m, p, &logz) || rt_exact_loglik(b.m, p, logz, data.data, data.n, rf, &sum)) {
            fail_rt();
            goto done;
        }
        printf("exact_logz: %.6f\nexact_loglik: %.6f\nloglik: %.6f\n", logz, sum / (double)data.n, sum / (double)data.n);
    }
    rc = 0;
done:
    rt_params_free(p);
    rt_dataset_free(&data);
    unbuild(&b);
    return rc;
}
