/* rt_drive_sample.c — the sample driver of ebmc and of built binaries
 * (rt_drive_sample.h). It was compiler/cli/cli_sample.c's second half and
 * a shorter copy in rt_app.c, which had no clamps and no --pt. */
#include "rt_drive_sample.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_dist.h"
#include "rt_pt.h"
#include "rt_recurrent.h"
#include "rt_sample.h"
#include "rt_sample_out.h"

/* the runtime's last error, printed: 1, or 2 for an internal one */
static int fail(rt_say_fn say) {
    rt_say(say, "error", "%s", rt_last_error());
    return rt_error_is_internal() ? 2 : 1;
}

static int ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && !strcmp(s + n - k, suffix);
}

/* --clamp GROUP=FILE|VALUE and --mask GROUP=FILE after the block's clamps.
 * The flags' text is cut at '=' in place: the group's name and the file. */
static int clamp_flags(const rt_opts *o, rt_sample_job *j) {
    char *vals[RT_MAX_CLAMPS + 1], *masks[RT_MAX_CLAMPS + 1];
    int nv = rt_opt_all(o, "--clamp", vals, RT_MAX_CLAMPS + 1), nm = rt_opt_all(o, "--mask", masks, RT_MAX_CLAMPS + 1);
    rt_app_sample *s = &j->s;
    for (int i = 0; i < nv; i++) {
        char *eq = strchr(vals[i], '=');
        if (!eq || eq == vals[i] || !eq[1] || s->nclamps >= RT_MAX_CLAMPS) {
            rt_say(j->say, "error", "--clamp expects GROUP=FILE or GROUP=VALUE, not '%s'", vals[i]);
            return 1;
        }
        rt_clamp_spec *cs = &s->clamps[s->nclamps++];
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
            rt_say(j->say, "error", "--mask expects GROUP=FILE, not '%s'", masks[i]);
            return 1;
        }
        *eq = 0;
        rt_clamp_spec *cs = NULL;
        for (int k = 0; k < s->nclamps; k++)
            if (!strcmp(s->clamps[k].group, masks[i]) && s->clamps[k].file) cs = &s->clamps[k];
        if (!cs) {
            rt_say(j->say, "error", "--mask %s=...: give the values with --clamp %s=FILE too", masks[i], masks[i]);
            return 1;
        }
        cs->mask_file = eq + 1;
    }
    return 0;
}

int rt_drive_sample_flags(const rt_opts *o, rt_sample_job *j) {
    long long v;
    if (rt_opt_ll(o, "--chains", 1, &v) < 0 || rt_opt_ll(o, "--steps", 0, &v) < 0 || rt_opt_ll(o, "--seed", 0, &v) < 0)
        return 1;
    long long x;
    if (rt_opt_ll(o, "--chains", 1, &x) > 0) j->s.chains = x;
    if (rt_opt_ll(o, "--steps", 0, &x) > 0) j->s.steps = x;
    if (rt_opt_ll(o, "--seed", 0, &x) > 0) j->s.seed = (uint64_t)x;
    j->chains_given = rt_opt_has(o, "--chains");
    if (rt_opt_has(o, "--mean-field")) j->s.mean_field = 1;
    if (rt_opt_str(o, "--out")) j->s.out = rt_opt_str(o, "--out");
    j->states = rt_opt_has(o, "--states");
    if (clamp_flags(o, j)) return 1;
    j->replicas = 0;
    if (rt_opt_has(o, "--pt")) {
        long long r = 10;
        if (rt_opt_ll(o, "--pt", 1, &r) < 0) return 1;
        j->replicas = r;
    }
    j->beta_min = 0;
    const char *bm = rt_opt_str(o, "--beta-min");
    if (bm) {
        char *end;
        j->beta_min = strtod(bm, &end);
        if (*end || end == bm || !(j->beta_min >= 0 && j->beta_min < 1)) {
            rt_say(j->say, "error", "--beta-min expects a number in [0, 1), not '%s'", bm);
            return 1;
        }
    }
    return 0;
}

int rt_drive_sample_check_name(const rt_sample_job *j) {
    const char *out = j->s.out;
    if (!out) {
        rt_say(j->say, "error", "sample needs --out F.png, F.csv or F.npy (or out = \"...\" in the sample block)");
        return 1;
    }
    if (!ends_with(out, ".png") && !ends_with(out, ".csv") && !ends_with(out, ".npy")) {
        rt_say(j->say, "error", "--out must end in .png, .csv or .npy, not '%s'", out);
        return 1;
    }
    return 0;
}

int rt_drive_sample_check_out(const rt_sample_job *j) {
    const char *out = j->s.out;
    if (rt_drive_sample_check_name(j)) return 1;
    int h, w;
    /* a recurrent model's PNG is a strip of frames per chain */
    if (ends_with(out, ".png") && !j->m->recur && !rt_image_shape(j->m, &h, &w)) {
        rt_say(j->say, "error", "a PNG needs image-shaped visible units: declare the first visible group with two "
                                "dimensions (v[28, 28]) or a square size; or write .csv / .npy");
        return 1;
    }
    if (rt_output_check(out, "--out")) return fail(j->say);
    return 0;
}

int rt_drive_sample_stack_check(const rt_opts *o, const rt_sample_job *j) {
    if (j->states) {
        rt_say(j->say, "error", "--states: a stack's samples are drawn as the visible means only");
        return 1;
    }
    static const char *const single[] = {"--clamp", "--mask", "--pt", "--beta-min", "--mean-field", NULL};
    for (int i = 0; single[i]; i++)
        if (rt_opt_has(o, single[i])) {
            rt_say(j->say, "error", "%s: a stack samples its top layer freely, then down (--clamp, --mask, --pt and "
                                    "--mean-field are a single model's)", single[i]);
            return 1;
        }
    return 0;
}

int rt_drive_sample_stack(const rt_stack *s, const char *params, const rt_sample_job *j) {
    float *img = NULL, *mine = NULL;
    int64_t width, chains = j->s.chains, c0, c1;
    int rc = 1;
    size_t n = strlen(j->s.out);
    int png = n >= 4 && !strcmp(j->s.out + n - 4, ".png");
    /* the chains split over the ranks, as a single model's (rt_sample_split) */
    rt_dist_share(chains, &c0, &c1);
    if (rt_stack_sample(s, params, c0, c1, (int)j->s.steps, j->s.seed, &mine, &width)) {
        rc = fail(j->say);
        goto done;
    }
    if (rt_dist_size() == 1) img = mine, mine = NULL;
    else if (!(img = malloc(sizeof(float) * (size_t)(chains * width) + 1))) {
        rt_say(j->say, "error", "out of memory for %lld chains", (long long)chains);
        goto done;
    } else if (rt_dist_gather_rows(mine, c0, c1, width, img)) {
        rc = fail(j->say);
        goto done;
    }
    /* .csv and .npy: the bottom visible means, as the stack's bottom model
     * (the first layer, or a DBM's joint model: j->m) names its units */
    if (!png && rt_visible_floats(j->m) != width) {
        rt_say(j->say, "error", "model '%s' has %lld visible values and the stack's samples %lld: name the bottom model "
                                "with --model", j->m->name, (long long)rt_visible_floats(j->m), (long long)width);
        goto done;
    }
    if (png ? rt_write_png_grid(j->s.out, img, (int)chains, s->image_h, s->image_w, (int)ceil(sqrt((double)chains)), 0)
            : rt_write_samples(j->m, j->s.out, img, img, chains)) {
        rc = fail(j->say);
        goto done;
    }
    printf("%lld samples of stack '%s' written to %s\n", (long long)chains, s->name, j->s.out);
    rc = 0;
done:
    free(img);
    free(mine);
    return rc;
}

int rt_drive_base_rates(const rt_tempered *t, rt_params *tp, const rt_source *train, const rt_dataset *fallback,
                        int hidden_iters, const char **from) {
    rt_dataset d = {0};
    int64_t rf = rt_visible_floats(t->orig);
    /* the training data (the spec's block was checked when it compiled); a
     * spec without a loadable one falls back */
    int have = train && train->kind != RT_SRC_NONE && rt_source_load(train, &d) == 0 && rt_dataset_row(&d) == rf && d.n > 0;
    const rt_dataset *src = have ? &d : fallback;
    *from = have ? "training data" : fallback ? "evaluation data" : "uniform";
    int rc = src && (rt_tempered_fit_base(t, tp, src->data, src->n, rf) ||
                     (hidden_iters > 0 && rt_tempered_fit_hidden(t, tp, src->data, src->n, rf, hidden_iters)))
                 ? -1
                 : 0;
    rt_dataset_free(&d);
    return rc;
}

/* a group's training mean, when the training data load with the model's
 * width (NULL otherwise; malloc'd) */
static float *training_mean(const rt_sample_job *j, int group) {
    const rt_model *m = j->m;
    if (m->groups[group].role != RT_VISIBLE || !j->train_data || j->train_data->kind == RT_SRC_NONE) return NULL;
    int64_t rf = rt_visible_floats(m), n = m->groups[group].size, off = 0;
    for (int g = 0; g < group; g++)
        if (m->groups[g].role != RT_HIDDEN) off += m->groups[g].size;
    rt_dataset d = {0};
    float *mean = NULL;
    if (rt_source_load(j->train_data, &d) == 0 && rt_dataset_row(&d) == rf) {
        mean = calloc((size_t)n, sizeof(float));
        for (int64_t r = 0; r < d.n; r++)
            for (int64_t k = 0; k < n; k++) mean[k] += d.data[r * rf + off + k] / (float)d.n;
    }
    rt_dataset_free(&d);
    return mean;
}

/* Completions of regions left free in clamped files, scored against the
 * files' own values: squared error per unit, next to filling the region
 * with the training data's mean (when the train block's data load). With a
 * .png output the picture is three rows per example: original, masked,
 * completed. 0 or -1 (rt_fail). */
static int inpaint_report(const rt_sample_job *j, const rt_clamps *cl, const float *means) {
    const rt_model *m = j->m;
    int64_t rf = rt_visible_floats(m), chains = j->s.chains;
    const char *out = j->s.out;
    for (int i = 0; i < cl->n; i++) {
        const rt_clamp *c = &cl->c[i];
        if (!c->mask || !j->s.clamps[i].file || c->rows < 1) continue;
        const rt_group *gr = &m->groups[c->group];
        int64_t n = gr->size, off = 0;
        for (int g = 0; g < c->group; g++)
            if (m->groups[g].role != RT_HIDDEN) off += m->groups[g].size;
        float *mean = training_mean(j, c->group);
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
        int h, w, rc = 0;
        if (ends_with(out, ".png") && i == 0 && rt_image_shape(m, &h, &w) && h * w == n) {
            float *img = malloc(sizeof(float) * (size_t)(3 * rows * n));
            for (int64_t r = 0; r < rows; r++)
                for (int64_t k = 0; k < n; k++) {
                    float t = c->values[r * n + k];
                    img[r * n + k] = t;
                    img[(rows + r) * n + k] = c->mask[r * n + k] != 0 ? t : 0.5f;
                    img[(2 * rows + r) * n + k] = avg[r * n + k];
                }
            rc = rt_write_png_grid(out, img, (int)(3 * rows), h, w, (int)rows, 0);
            free(img);
        }
        free(avg);
        free(cnt_row);
        free(mean);
        if (rc) return -1;
    }
    return 0;
}

/* --pt: replicas at other temperatures, swapped with the target chain */
static int pt_sample(rt_sample_job *j, float *values, float *means) {
    rt_params *tp = rt_tempered_params(j->tempered, j->p);
    const char *from;
    double rate = 0;
    rt_pt_cfg cfg = {(int)j->replicas, j->s.chains, j->beta_min, 0, j->s.seed};
    int rc = rt_drive_base_rates(j->tempered, tp, j->train_data, NULL, 0, &from) ||
             rt_pt_sample(j->tempered, tp, &cfg, (int)j->s.steps, values, means, &rate);
    if (!rc)
        printf("parallel tempering: %lld replicas (beta 1 .. %g), base rates from the %s, swap rate %.3f\n",
               (long long)j->replicas, j->beta_min, from, rate);
    rt_tempered_params_free(j->tempered, tp);
    return rc ? -1 : 0;
}

/* a recurrent model: sequences generated frame by frame (rt_recurrent.h),
 * as a PNG strip per chain or as chains x frames x units in .npy / .csv */
static int sample_sequences(const rt_sample_job *j) {
    const rt_app_sample *s = &j->s;
    if (s->nclamps || s->mean_field || j->replicas) {
        rt_say(j->say, "error", "a recurrent model's sequences are sampled freely: clamps, --mean-field and --pt do not apply");
        return 1;
    }
    int64_t T = s->length ? s->length : j->train_data ? j->train_data->length : 0;
    if (rt_recurrent_sample_out(j->m, j->p, s->chains, (int)T, (int)s->steps, s->seed, s->out, j->states))
        return fail(j->say);
    printf("%lld sequences of %lld frames (%lld sweeps a frame) written to %s\n", (long long)s->chains, (long long)T,
           (long long)s->steps, s->out);
    return 0;
}

int rt_drive_sample(rt_sample_job *j) {
    const rt_model *m = j->m;
    rt_app_sample *s = &j->s;
    if (m->recur) return sample_sequences(j);
    if (j->replicas && (s->nclamps || s->mean_field)) {
        rt_say(j->say, "error", "--pt samples the model itself: it does not combine with clamped units or --mean-field");
        return 1;
    }
    if (j->replicas && !j->tempered) {
        rt_say(j->say, "error", "--pt needs the tempered model of '%s', which this program was built without (the model "
                                "cannot be annealed: 'ebmc eval SPEC --ais' says why)", m->name);
        return 1;
    }
    rt_clamps cl = {0};
    int64_t rf = rt_visible_floats(m), file_rows;
    float *values = NULL, *means = NULL;
    int rc = 1;
    if (rt_clamps_load(m, s->clamps, s->nclamps, &cl, &file_rows)) {
        rc = fail(j->say);
        goto done;
    }
    /* clamped from a file: a chain per row unless --chains says otherwise */
    if (file_rows && !j->chains_given) s->chains = file_rows;
    /* what the chains (and replicas) take, refused with the number before
     * any of it is allocated */
    char what[160];
    if (j->replicas)
        snprintf(what, sizeof what, "sampling with --pt %lld replicas of %lld chains", (long long)j->replicas,
                 (long long)s->chains);
    else snprintf(what, sizeof what, "sampling %lld chains", (long long)s->chains);
    if (s->chains <= 0) {
        rt_say(j->say, "error", "the number of chains must be positive");
        goto done;
    }
    /* --pt runs every chain on every rank; otherwise each rank holds its
     * share of the chains (twice over: drawn and gathered) */
    int64_t c0 = 0, c1 = s->chains;
    if (!j->replicas) rt_dist_share(s->chains, &c0, &c1);
    double R = j->replicas ? (double)j->replicas : 1, own = rt_dist_size() > 1 ? (double)(c1 - c0) : 0;
    if (rt_memory_check(R * rt_ws_bytes(m, c1 - c0) + 8.0 * ((double)s->chains + own) * (double)rf, what)) {
        rc = fail(j->say);
        goto done;
    }
    values = malloc(sizeof(float) * (size_t)(s->chains * rf));
    means = malloc(sizeof(float) * (size_t)(s->chains * rf));
    if (!values || !means) {
        rt_say(j->say, "error", "out of memory for %lld chains", (long long)s->chains);
        goto done;
    }
    /* a PNG draws the means unless --states asks for the states themselves */
    const float *drawn = j->states ? values : means;
    if (j->replicas) {
        if (pt_sample(j, values, means) || rt_write_samples(m, s->out, values, drawn, s->chains)) {
            rc = fail(j->say);
            goto done;
        }
        printf("%lld samples (%lld steps each) written to %s\n", (long long)s->chains, (long long)s->steps, s->out);
        rc = 0;
        goto done;
    }
    double rates[RT_SAMPLE_GROUPS];
    if (rt_sample_split(m, j->p, s->chains, (int)s->steps, s->seed, cl.c, cl.n, s->mean_field, values, means, rates) || rt_write_samples(m, s->out, values, drawn, s->chains) ||
        inpaint_report(j, &cl, means)) {
        rc = fail(j->say);
        goto done;
    }
    printf("%lld samples (%lld sweeps each) written to %s\n", (long long)s->chains, (long long)s->steps, s->out);
    for (int g = 0; g < m->ngroups && g < RT_SAMPLE_GROUPS; g++)
        if (!isnan(rates[g])) printf("acceptance rate of %s: %.3f\n", m->groups[g].name, rates[g]);
    rc = 0;
done:
    rt_clamps_free(&cl);
    free(values);
    free(means);
    return rc;
}
