/* cli_sample.c — ebmc sample. */
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "rt_sample.h"

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
    if ((rc = cli_build(o.spec, &o, &b))) {
        cli_unbuild(&b);
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
        cli_fail_rt();
        goto done;
    }
    int64_t rf = rt_visible_floats(b.m);
    values = malloc(sizeof(float) * (size_t)(sc.chains * rf));
    means = malloc(sizeof(float) * (size_t)(sc.chains * rf));
    if (rt_sample(b.m, p, sc.chains, (int)sc.steps, sc.seed, values, means) ||
        write_samples(b.m, sc.out, values, means, sc.chains)) {
        cli_fail_rt();
        goto done;
    }
    printf("%lld samples (%lld sweeps each) written to %s\n", sc.chains, sc.steps, sc.out);
    double rates[64];
    rt_sample_acceptance(b.m, rates);
    for (int g = 0; g < b.m->ngroups && g < 64; g++)
        if (!isnan(rates[g])) printf("acceptance rate of %s: %.3f\n", b.m->groups[g].name, rates[g]);
    rc = 0;
done:
    free(values);
    free(means);
    rt_params_free(p);
    cli_unbuild(&b);
    return rc;
}

