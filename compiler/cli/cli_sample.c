/* cli_sample.c — ebmc sample. */
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "rt_data_check.h"
#include "cli_anneal.h"
#include "cli_adversarial.h"
#include "cli_config.h"
#include "cli_stack.h"
#include "config.h"
#include "rt_recurrent.h"
#include "rt_sample.h"
#include "rt_sample_out.h"

/* ---- sample ---------------------------------------------------------------------- */


static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

static int find_group(const rt_model *m, const char *name) {
    for (int g = 0; g < m->ngroups; g++)
        if (!strcmp(m->groups[g].name, name)) return g;
    return -1;
}

/* A file's rows for group g: CSV, .npy or IDX with the group's size per row. */
static int load_rows(const rt_model *m, int g, const char *file, rt_dataset *d) {
    int rc = ends_with(file, ".npy") ? rt_load_npy(file, d)
           : ends_with(file, ".csv") ? rt_load_csv(file, d) : rt_load_idx(file, d);
    if (rc) return rc;
    if (rt_dataset_row(d) != m->groups[g].size) {
        rt_dataset_free(d);
        return rt_fail("%s: %lld values per row, but group '%s' has %lld units", file, (long long)rt_dataset_row(d),
                       m->groups[g].name, (long long)m->groups[g].size);
    }
    return 0;
}

/* units of a region of an image-shaped group */
static int in_region(const rt_group *gr, int64_t i, const char *region) {
    int64_t h, w;
    if (gr->ndim == 2) h = gr->dims[0], w = gr->dims[1];
    else h = w = (int64_t)lrint(sqrt((double)gr->size));
    int64_t r = i / w, c = i % w;
    if (!strcmp(region, "top_half")) return r < h / 2;
    if (!strcmp(region, "bottom_half")) return r >= h / 2;
    if (!strcmp(region, "left_half")) return c < w / 2;
    return c >= w / 2;
}

typedef struct Clamps {
    int n;
    rt_clamp c[16];
    rt_dataset data[16];
    float *values[16], *mask[16];
} Clamps;

static void clamps_free(Clamps *cl) {
    for (int i = 0; i < cl->n; i++) {
        rt_dataset_free(&cl->data[i]);
        free(cl->values[i]);
        free(cl->mask[i]);
    }
}

/* ClampSpecs -> rt_clamps; *rows gets the rows of the first file */
static int resolve_clamps(const rt_model *m, const SampleConfig *sc, Clamps *cl, int64_t *rows) {
    memset(cl, 0, sizeof *cl);
    *rows = 0;
    for (int i = 0; i < sc->nclamps; i++) {
        const ClampSpec *cs = &sc->clamps[i];
        int g = find_group(m, cs->group);
        if (g < 0) return rt_fail("--clamp: model '%s' has no group '%s'", m->name, cs->group);
        const rt_group *gr = &m->groups[g];
        int64_t n = gr->size, nr = 1;
        float *v;
        if (cs->file) {
            if (load_rows(m, g, cs->file, &cl->data[i])) return -1;
            if (cs->limit > 0 && cs->limit < cl->data[i].n) cl->data[i].n = cs->limit;
            if (!isnan(cs->binarize)) rt_binarize(&cl->data[i], (float)cs->binarize);
            nr = cl->data[i].n;
            v = cl->data[i].data;
            if (!*rows) *rows = nr;
        } else {
            v = cl->values[i] = malloc(sizeof(float) * (size_t)n);
            for (int64_t k = 0; k < n; k++) v[k] = (float)cs->value;
        }
        cl->n = i + 1;
        float *mk = NULL;
        if (cs->free || cs->mask_file) {
            if (cs->free && gr->ndim != 2 && (int64_t)lrint(sqrt((double)n)) * (int64_t)lrint(sqrt((double)n)) != n)
                return rt_fail("free = \"%s\" needs an image-shaped group; '%s' is not", cs->free, gr->name);
            rt_dataset md = {0};
            if (cs->mask_file) {
                if (load_rows(m, g, cs->mask_file, &md)) return -1;
                if (md.n != nr) {
                    rt_dataset_free(&md);
                    return rt_fail("--mask %s=%s: %lld rows for %lld rows of values", gr->name, cs->mask_file,
                                   (long long)md.n, (long long)nr);
                }
            }
            mk = cl->mask[i] = malloc(sizeof(float) * (size_t)(n * nr));
            for (int64_t r = 0; r < nr; r++)
                for (int64_t k = 0; k < n; k++) {
                    int fr = (cs->free && in_region(gr, k, cs->free)) || (md.data && md.data[r * n + k] != 0) ||
                             isnan(v[r * n + k]);
                    mk[r * n + k] = fr ? 0.0f : 1.0f;
                }
            rt_dataset_free(&md);
        }
        /* a one-hot row is held whole or not at all */
        if (gr->utype == RT_SOFTMAX) {
            int64_t K = gr->dims[gr->ndim - 1];
            for (int64_t q = 0; q < n * nr; q += K)
                for (int64_t k = 1; k < K; k++) {
                    int a = mk ? mk[q] != 0 : !isnan(v[q]), b = mk ? mk[q + k] != 0 : !isnan(v[q + k]);
                    if (a != b) return rt_fail("group '%s' is one-hot: clamp whole rows of %lld values", gr->name, (long long)K);
                }
        }
        /* a value the units cannot take would be written out as a sample */
        char flag[300];
        snprintf(flag, sizeof flag, "--clamp %s=%s", cs->group, cs->file ? cs->file : "");
        if (!cs->file) snprintf(flag, sizeof flag, "--clamp %s=%g", cs->group, cs->value);
        if (rt_group_check(gr, v, nr, cs->file ? cs->file : flag)) return -1;
        cl->c[i] = (rt_clamp){g, v, mk, nr};
    }
    return 0;
}


/* Completions of regions left free in clamped files, scored against the
 * files' own values: squared error per unit, next to filling the region
 * with the training data's mean (when the train block's data load). With a
 * .png output the picture is three rows per example: original, masked,
 * completed. */
static int inpaint_report(Built *b, const SampleConfig *sc, const Clamps *cl, const float *means, int64_t chains,
                          const char *out) {
    const rt_model *m = b->m;
    int64_t rf = rt_visible_floats(m);
    for (int i = 0; i < cl->n; i++) {
        const rt_clamp *c = &cl->c[i];
        if (!c->mask || !sc->clamps[i].file || c->rows < 1) continue;
        const rt_group *gr = &m->groups[c->group];
        int64_t n = gr->size, off = 0;
        for (int g = 0; g < c->group; g++)
            if (m->groups[g].role != RT_HIDDEN) off += m->groups[g].size;
        /* the training mean of the group, if the train block's data load */
        float *mean = NULL;
        TrainConfig tc;
        rt_dataset d = {0};
        if (m->groups[c->group].role == RT_VISIBLE &&
            config_train(b->c->arena, &b->c->diag, b->an->m, b->an->m->train, NULL, 0, &tc) && tc.data.kind != RT_SRC_NONE &&
            rt_source_load(&tc.data, &d) == 0 && rt_dataset_row(&d) == rf) {
            mean = calloc((size_t)n, sizeof(float));
            for (int64_t r = 0; r < d.n; r++)
                for (int64_t k = 0; k < n; k++) mean[k] += d.data[r * rf + off + k] / (float)d.n;
        }
        rt_dataset_free(&d);
        /* chains that completed the same row are averaged: with many chains
         * per row this estimates the posterior mean, the completion with
         * the least expected squared error */
        int64_t rows = c->rows < chains ? c->rows : chains;
        float *avg = calloc((size_t)(rows * n), sizeof(float));
        int64_t *cnt_row = calloc((size_t)rows, sizeof(int64_t));
        for (int64_t r = 0; r < chains; r++) {
            cnt_row[r % c->rows < rows ? r % c->rows : 0]++;
            for (int64_t k = 0; k < n && r % c->rows < rows; k++) avg[(r % c->rows) * n + k] += means[r * rf + off + k];
        }
        for (int64_t r = 0; r < rows; r++)
            for (int64_t k = 0; k < n; k++) avg[r * n + k] /= (float)(cnt_row[r] ? cnt_row[r] : 1);
        double err = 0, base = 0;
        int64_t cnt = 0;
        for (int64_t r = 0; r < rows; r++) {
            const float *truth = c->values + r * n, *held = c->mask + r * n;
            for (int64_t k = 0; k < n; k++) {
                if (held[k] != 0 || isnan(truth[k])) continue;
                double e = avg[r * n + k] - truth[k];
                err += e * e;
                if (mean) base += (mean[k] - truth[k]) * (mean[k] - truth[k]);
                cnt++;
            }
        }
        if (cnt) {
            printf("inpainting %s: %lld rows (%lld chains each), %.1f free units per row: squared error per unit %.5f",
                   gr->name, (long long)rows, (long long)(chains / rows), (double)cnt / (double)rows, err / (double)cnt);
            if (mean) printf(" (filling with the training mean: %.5f)", base / (double)cnt);
            printf("\n");
        }
        int h, w;
        if (out && ends_with(out, ".png") && i == 0 && rt_image_shape(m, &h, &w) && h * w == n) {
            float *img = malloc(sizeof(float) * (size_t)(3 * rows * n));
            for (int64_t r = 0; r < rows; r++)
                for (int64_t k = 0; k < n; k++) {
                    float t = c->values[r * n + k];
                    img[r * n + k] = t;
                    img[(rows + r) * n + k] = c->mask[r * n + k] != 0 ? t : 0.5f;
                    img[(2 * rows + r) * n + k] = avg[r * n + k];
                }
            int rc = rt_write_png_grid(out, img, (int)(3 * rows), h, w, (int)rows, 0);
            free(img);
            if (rc) {
                free(avg);
                free(cnt_row);
                free(mean);
                return rc;
            }
        }
        free(avg);
        free(cnt_row);
        free(mean);
    }
    return 0;
}

/* --clamp GROUP=FILE|VALUE and --mask GROUP=FILE */
static int clamp_flags(const Opts *o, SampleConfig *sc) {
    char *vals[16], *masks[16];
    int nv = opt_all(o, "--clamp", vals, 16), nm = opt_all(o, "--mask", masks, 16);
    for (int i = 0; i < nv; i++) {
        char *eq = strchr(vals[i], '=');
        if (!eq || eq == vals[i] || !eq[1] || sc->nclamps >= 16) {
            diag_tool_error("--clamp expects GROUP=FILE or GROUP=VALUE, not '%s'", vals[i]);
            return 0;
        }
        ClampSpec *cs = &sc->clamps[sc->nclamps++];
        memset(cs, 0, sizeof *cs);
        cs->binarize = NAN;   /* 0 would binarize at 0: every grey value, and a 7, became 1 */
        *eq = 0;
        cs->group = vals[i];
        char *end;
        double x = strtod(eq + 1, &end);
        if (*end == 0) cs->value = x;
        else {
            cs->value = NAN;
            cs->file = eq + 1;
        }
    }
    for (int i = 0; i < nm; i++) {
        char *eq = strchr(masks[i], '=');
        if (!eq) {
            diag_tool_error("--mask expects GROUP=FILE, not '%s'", masks[i]);
            return 0;
        }
        *eq = 0;
        ClampSpec *cs = NULL;
        for (int k = 0; k < sc->nclamps; k++)
            if (!strcmp(sc->clamps[k].group, masks[i]) && sc->clamps[k].file) cs = &sc->clamps[k];
        if (!cs) {
            diag_tool_error("--mask %s=...: give the values with --clamp %s=FILE too", masks[i], masks[i]);
            return 0;
        }
        cs->mask_file = eq + 1;
    }
    return 1;
}

/* a recurrent model: sequences generated frame by frame (rt_recurrent.h),
 * as a PNG strip per chain or as chains x frames x units in .npy / .csv */
static int sample_sequences(Built *b, const Opts *o, const char *params, const SampleConfig *sc) {
    if (sc->nclamps || sc->mean_field || opt_has(o, "--pt")) {
        diag_tool_error("a recurrent model's sequences are sampled freely: clamps, --mean-field and --pt do not apply");
        return 1;
    }
    long long T = sc->length;
    TrainConfig tc;
    if (!T && b->an->m->train && config_train(b->c->arena, &b->c->diag, b->an->m, b->an->m->train, NULL, 0, &tc))
        T = tc.data.length;
    if (cli_check_output(sc->out, "--out")) return 1;
    rt_params *p = rt_params_new(b->m);
    int rc = rt_params_load(b->m, p, params) || rt_recurrent_sample_out(b->m, p, sc->chains, (int)T, (int)sc->steps,
                                                                         sc->seed, sc->out, opt_has(o, "--states"));
    if (rc) cli_fail_rt();
    else printf("%lld sequences of %lld frames (%lld sweeps a frame) written to %s\n", sc->chains, T, sc->steps, sc->out);
    rt_params_free(p);
    return rc ? 1 : 0;
}

int cmd_sample(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, rt_flags_sample, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    const char *params = opt_str(&o, "--params");
    if (!params) {
        diag_tool_error("ebmc sample needs --params P.safetensors (from ebmc train)");
        return 1;
    }
    if (cli_config_use(&o)) return 1;
    Built b;
    if ((rc = cli_build_model(o.spec, &o, 1, &b))) {   /* a DBM stack: its joint model names the units */
        cli_unbuild(&b);
        return rc;
    }
    rc = 1;
    char *sets[64];
    int nsets = opt_all(&o, "--set", sets, 64);
    SampleConfig sc;
    rt_params *p = NULL;
    float *values = NULL, *means = NULL;
    Clamps cl = {0};
    if (!config_sample(b.c->arena, &b.c->diag, b.an->m->sample, sets, nsets, &sc)) goto done;
    long long v;
    if (opt_ll(&o, "--chains", 1, &v) < 0) goto done;
    if (opt_ll(&o, "--chains", 1, &sc.chains) < 0 || opt_ll(&o, "--steps", 0, &sc.steps) < 0 ||
        opt_ll(&o, "--seed", 0, &v) < 0)
        goto done;
    if (opt_has(&o, "--seed")) sc.seed = (unsigned long long)v;
    if (!clamp_flags(&o, &sc)) goto done;
    if (opt_has(&o, "--mean-field")) sc.mean_field = 1;
    if (opt_str(&o, "--out")) sc.out = opt_str(&o, "--out");
    if (!sc.out) {
        diag_tool_error("ebmc sample needs --out F.png, F.csv or F.npy (or out = \"...\" in the sample block)");
        goto done;
    }
    if (!ends_with(sc.out, ".png") && !ends_with(sc.out, ".csv") && !ends_with(sc.out, ".npy")) {
        diag_tool_error("--out must end in .png, .csv or .npy, not '%s'", sc.out);
        goto done;
    }
    if ((rc = cli_adversarial_sample(&b, &o, params, &sc, opt_has(&o, "--states")))) {
        rc = rc < 0 ? 0 : rc;
        goto done;
    }
    rc = 1;
    if (b.m->recur) {
        rc = sample_sequences(&b, &o, params, &sc);
        goto done;
    }
    int h, w;
    if (ends_with(sc.out, ".png") && !rt_image_shape(b.m, &h, &w)) {
        diag_tool_error("a PNG needs image-shaped visible units: declare the first visible group with two "
                        "dimensions (v[28, 28]) or a square size; or write .csv / .npy");
        goto done;
    }
    if (cli_check_output(sc.out, "--out")) goto done;
    if (b.c->sema->nstacks > 0) {
        float *img;
        int64_t width;
        int ih, iw;
        if (opt_has(&o, "--states")) {
            diag_tool_error("--states: a stack's samples are drawn as the visible means only");
            goto done;
        }
        if (cli_stack_sample(b.c, &o, params, &sc, &img, &width, &ih, &iw)) {
            rc = cli_fail_rt();
            goto done;
        }
        /* .csv and .npy: the bottom visible means, as the stack's bottom
         * model (the first layer, or a DBM's joint model) names its units */
        int png = ends_with(sc.out, ".png");
        if (!png && rt_visible_floats(b.m) != width) {
            diag_tool_error("model '%s' has %lld visible values and the stack's samples %lld: name the bottom model "
                            "with --model", b.m->name, (long long)rt_visible_floats(b.m), (long long)width);
            free(img);
            goto done;
        }
        if (png ? rt_write_png_grid(sc.out, img, (int)sc.chains, ih, iw, (int)ceil(sqrt((double)sc.chains)), 0)
                : rt_write_samples(b.m, sc.out, img, img, sc.chains)) {
            free(img);
            rc = cli_fail_rt();
            goto done;
        }
        free(img);
        printf("%lld samples of stack '%s' written to %s\n", sc.chains, b.c->sema->stacks[0]->name, sc.out);
        rc = 0;
        goto done;
    }
    p = rt_params_new(b.m);
    if ((rc = cli_params_load(&b, &o, p, params))) goto done;
    rc = 1;
    int64_t rf = rt_visible_floats(b.m), file_rows;
    if (resolve_clamps(b.m, &sc, &cl, &file_rows)) {
        rc = cli_fail_rt();
        goto done;
    }
    /* clamped from a file: a chain per row unless --chains says otherwise */
    if (file_rows && !opt_has(&o, "--chains")) sc.chains = file_rows;
    /* what the chains (and replicas) take, refused with the number before
     * any of it is allocated */
    long long R = 1;
    if (opt_has(&o, "--pt") && opt_ll(&o, "--pt", 1, &R) < 0) goto done;
    char what[160];
    if (opt_has(&o, "--pt")) snprintf(what, sizeof what, "sampling with --pt %lld replicas of %lld chains", R, sc.chains);
    else snprintf(what, sizeof what, "sampling %lld chains", sc.chains);
    if (rt_memory_check((double)R * rt_ws_bytes(b.m, sc.chains) + 8.0 * (double)sc.chains * (double)rf, what)) {
        cli_fail_rt();
        goto done;
    }
    values = malloc(sizeof(float) * (size_t)(sc.chains * rf));
    means = malloc(sizeof(float) * (size_t)(sc.chains * rf));
    if (!values || !means) {
        diag_tool_error("out of memory for %lld chains", sc.chains);
        goto done;
    }
    /* a PNG draws the means unless --states asks for the states themselves */
    const float *drawn = opt_has(&o, "--states") ? values : means;
    if (opt_has(&o, "--pt")) {
        /* replicas at other temperatures, swapped with the target chain */
        if (cl.n || sc.mean_field) {
            diag_tool_error("--pt samples the model itself: it does not combine with clamped units or --mean-field");
            goto done;
        }
        if ((rc = cli_pt_sample(&b, &o, p, sc.chains, sc.steps, sc.seed, values, means)) ||
            rt_write_samples(b.m, sc.out, values, drawn, sc.chains)) {
            if (!rc) rc = cli_fail_rt();
            goto done;
        }
        printf("%lld samples (%lld steps each) written to %s\n", sc.chains, sc.steps, sc.out);
        rc = 0;
        goto done;
    }
    if (rt_sample_clamped(b.m, p, sc.chains, (int)sc.steps, sc.seed, cl.c, cl.n, sc.mean_field, values, means) ||
        rt_write_samples(b.m, sc.out, values, drawn, sc.chains) || inpaint_report(&b, &sc, &cl, means, sc.chains, sc.out)) {
        rc = cli_fail_rt();
        goto done;
    }
    printf("%lld samples (%lld sweeps each) written to %s\n", sc.chains, sc.steps, sc.out);
    double rates[64];
    rt_sample_acceptance(b.m, rates);
    for (int g = 0; g < b.m->ngroups && g < 64; g++)
        if (!isnan(rates[g])) printf("acceptance rate of %s: %.3f\n", b.m->groups[g].name, rates[g]);
    rc = 0;
done:
    clamps_free(&cl);
    free(values);
    free(means);
    rt_params_free(p);
    cli_unbuild(&b);
    return rc;
}

