/* cli_stack.c — training and sampling a stack: its stages in order,
 * checkpoints after each, resumption, DBN generation, and the network
 * unrolled for fine-tuning. */
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "cli_anneal.h"
#include "cli_config.h"
#include "cli_latent.h"
#include "cli_stack.h"
#include "config.h"
#include "ir_kernels.h"
#include "ir_model.h"
#include "parse.h"
#include "rt_sample.h"
#include "rt_stack.h"
#include "config_stages.h"

typedef struct Part {          /* a compiled model of the stack */
    const char *name;
    Analysis *an;
    rt_model *m;
    rt_params *p;
    int hidden;                /* layers: the hidden group handed up */
} Part;

typedef struct Run {
    Compilation *c;
    Stack *s;
    Stage *stages;
    int nstages;
    Part *layers;
    Part joint, mlp;
    Compilation *mlp_c;        /* the unrolled network's own compilation */
} Run;

static Analysis *analysis_of(Compilation *c, const Model *m) {
    for (int i = 0; i < c->sema->nmodels; i++)
        if (c->sema->models[i] == m) return c->analysis[i];
    return NULL;
}

/* rows of `width` values -> rows of `want`: the same, or the input twice
 * (a layer that doubles its input, as DBM pretraining does) */
static float *fit_rows(const float *x, int64_t n, int64_t width, int64_t want) {
    float *out = malloc(sizeof(float) * (size_t)(n * want));
    for (int64_t i = 0; i < n; i++)
        for (int64_t k = 0; k < want; k++) out[i * want + k] = x[i * width + k % width];
    return out;
}

/* the command's flags (--backend), for every part's model */
static const Opts *opts;

static int part_build(Compilation *c, Part *pt, const Model *m, Analysis *an, uint64_t seed) {
    pt->name = m->name;
    pt->an = an ? an : analysis_of(c, m);
    if (!pt->an) return 0;
    IrProgram *ir = ir_build(c->arena, pt->an);
    pt->m = ir_model_build(c->arena, pt->an, ir);
    if (cli_backend(opts, ir, pt->m)) return 0;
    pt->p = rt_params_new(pt->m);
    rt_params_init(pt->m, pt->p, seed);
    pt->hidden = -1;
    for (int g = 0; g < pt->m->ngroups; g++)
        if (pt->m->groups[g].role == RT_HIDDEN) pt->hidden = g;
    return 1;
}

static void run_free(Run *r) {
    for (int k = 0; r->layers && k < r->s->nlayers; k++) {
        rt_params_free(r->layers[k].p);
        cli_backend_free(r->layers[k].m);
    }
    cli_backend_free(r->joint.m);
    cli_backend_free(r->mlp.m);
    free(r->layers);
    rt_params_free(r->joint.p);
    rt_params_free(r->mlp.p);
    compile_free(r->mlp_c);
}

/* ---- checkpoints: every part's parameters as "part.param" ---------------------------- */

static int save(Run *r, const char *path, int stages_done) {
    int n = 0;
    Part *parts[66];
    for (int k = 0; k < r->s->nlayers && n < 64; k++) parts[n++] = &r->layers[k];
    if (r->joint.m) parts[n++] = &r->joint;
    if (r->mlp.m) parts[n++] = &r->mlp;
    int total = 0;
    for (int i = 0; i < n; i++) total += parts[i]->m->nparams;
    rt_tensor *ts = calloc((size_t)total + 1, sizeof(rt_tensor));
    rt_tensor **ptr = calloc((size_t)total + 1, sizeof(rt_tensor *));
    int t = 0;
    for (int i = 0; i < n; i++)
        for (int q = 0; q < parts[i]->m->nparams; q++, t++) {
            const rt_param *pp = &parts[i]->m->params[q];
            snprintf(ts[t].name, sizeof ts[t].name, "%s.%s", parts[i]->name, pp->name);
            ts[t].ndim = pp->ndim;
            memcpy(ts[t].dims, pp->dims, sizeof ts[t].dims);
            ts[t].data = parts[i]->p->value[q];
            ptr[t] = &ts[t];
        }
    char done[16];
    snprintf(done, sizeof done, "%d", stages_done);
    rt_meta meta[] = {{"stack", r->s->name}, {"stages_done", done}};
    int rc = rt_save_safetensors(path, ptr, total, meta, 2);
    free(ts);
    free(ptr);
    return rc;
}

/* parameters of every part found in the checkpoint; the stages it completed */
static int resume(Run *r, const char *path, int *stages_done) {
    rt_tensor **ts;
    rt_meta *meta;
    int n, nm;
    if (rt_load_safetensors(path, &ts, &n, &meta, &nm)) return -1;
    *stages_done = 0;
    /* a checkpoint of another model or stack is refused, not half loaded */
    const char *stack = NULL, *done = NULL;
    for (int i = 0; i < nm; i++) {
        if (!strcmp(meta[i].key, "stages_done")) done = meta[i].value;
        if (!strcmp(meta[i].key, "stack")) stack = meta[i].value;
    }
    char *end = NULL;
    long d = done ? strtol(done, &end, 10) : -1;
    int rc = 0;
    if (!stack || !done)
        rc = rt_fail("%s is not a stack's checkpoint (no 'stack' and 'stages_done' keys): stack '%s' loads the --out of "
                     "a run that trained it", path, r->s->name);
    else if (strcmp(stack, r->s->name))
        rc = rt_fail("%s is a checkpoint of stack '%s', not of '%s'", path, stack, r->s->name);
    else if (!*done || *end || d < 0 || (r->stages && d > r->nstages))   /* sampling reads no stages */
        rc = rt_fail("%s: stages_done is '%s', not a number of stages from 0 to %d", path, done, r->nstages);
    *stages_done = rc ? 0 : (int)d;
    Part *parts[3 + 64];
    int np = 0;
    for (int k = 0; k < r->s->nlayers && np < 64; k++) parts[np++] = &r->layers[k];
    if (r->joint.m) parts[np++] = &r->joint;
    for (int i = 0; i < np; i++)
        for (int q = 0; q < parts[i]->m->nparams; q++) {
            char name[128];
            snprintf(name, sizeof name, "%s.%s", parts[i]->name, parts[i]->m->params[q].name);
            int found = 0;
            for (int k = 0; k < n && !rc; k++)
                if (!strcmp(ts[k]->name, name) && rt_numel(ts[k]->ndim, ts[k]->dims) == parts[i]->m->params[q].size) {
                    memcpy(parts[i]->p->value[q], ts[k]->data, sizeof(float) * (size_t)parts[i]->m->params[q].size);
                    found = 1;
                }
            if (!rc && !found)
                rc = rt_fail("%s has no tensor '%s' of %lld values, which stack '%s' needs", path, name,
                             (long long)parts[i]->m->params[q].size, r->s->name);
        }
    rt_tensors_free(ts, n);
    rt_meta_free(meta, nm);
    return rc;
}

/* ---- data passed up -------------------------------------------------------------------- */

static int64_t first_visible_size(const rt_model *m) {
    for (int g = 0; g < m->ngroups; g++)
        if (m->groups[g].role == RT_VISIBLE) return m->groups[g].size;
    return 0;
}

/* The data of layer k: the stack's rows passed up through layers 0..k-1,
 * the extra columns (labels) kept; then cut to what layer k takes. */
static int layer_data(Run *r, const rt_dataset *base, int k, rt_dataset *out) {
    int64_t w0 = rt_dataset_row(base), in0 = first_visible_size(r->layers[0].m), extras = w0 - in0;
    int64_t width = in0, n = base->n;
    float *cur = malloc(sizeof(float) * (size_t)(n * in0));
    for (int64_t i = 0; i < n; i++) memcpy(cur + i * in0, base->data + i * w0, sizeof(float) * (size_t)in0);
    for (int l = 0; l < k; l++) {
        Part *pt = &r->layers[l];
        int64_t h = pt->m->groups[pt->hidden].size, vis = rt_visible_floats(pt->m);
        float *next = malloc(sizeof(float) * (size_t)(n * h));
        float *in = vis == 2 * width ? fit_rows(cur, n, width, vis) : NULL;
        if (rt_layer_up(pt->m, pt->p, pt->hidden, in ? in : cur, n, in ? vis : width, next)) {
            free(in);
            free(cur);
            free(next);
            return -1;
        }
        free(in);
        free(cur);
        cur = next;
        width = h;
    }
    int64_t want = rt_visible_floats(r->layers[k].m);
    if (want == 2 * width) {
        memset(out, 0, sizeof *out);
        out->n = n;
        out->ndim = 1;
        out->dims[0] = want;
        float *x = fit_rows(cur, n, width, want);
        out->data = rt_alloc(sizeof(float) * (size_t)(n * want));
        memcpy(out->data, x, sizeof(float) * (size_t)(n * want));
        free(x);
        free(cur);
        return 0;
    }
    if (want != width && want != width + extras) {
        free(cur);
        return rt_fail("layer '%s' takes %lld values per example; the data passed up has %lld (and %lld extra columns)",
                       r->layers[k].name, (long long)want, (long long)width, (long long)extras);
    }
    memset(out, 0, sizeof *out);
    out->n = n;
    out->ndim = 1;
    out->dims[0] = want;
    out->data = rt_alloc(sizeof(float) * (size_t)(n * want));
    for (int64_t i = 0; i < n; i++) {
        memcpy(out->data + i * want, cur + i * width, sizeof(float) * (size_t)width);
        if (want > width) memcpy(out->data + i * want + width, base->data + i * w0 + in0, sizeof(float) * (size_t)extras);
    }
    free(cur);
    return 0;
}

/* ---- the unrolled network ---------------------------------------------------------------- */

typedef struct Rename {
    const Model *model;         /* whose parameters these are */
    int k;                      /* the hidden group being unrolled: its layer, or
                                   its place among the joint model's hidden groups */
    const Sym *input;           /* the first visible group: x, or a(k-1) for a layer */
    const Sym *const *hidden;   /* joint: the hidden groups, below k -> a(j), above -> m(j) */
    int nhidden;
} Rename;

static const char *rename_sym(const Sym *s, void *ctx) {
    Rename *rn = ctx;
    static char buf[8][96];
    static int slot;
    char *b = buf[slot++ % 8];
    if (s == rn->input) {
        if (rn->k == 0 || rn->hidden) return "x";
        snprintf(b, 96, "a%d", rn->k - 1);
        return b;
    }
    for (int j = 0; j < rn->nhidden; j++)
        if (s == rn->hidden[j]) {
            snprintf(b, 96, "%s%d", j < rn->k ? "a" : "m", j);
            return b;
        }
    snprintf(b, 96, "%s_%s", rn->model->name, s->name);
    return b;
}

/* One hidden group of the recognition path as spec text: its parameters
 * (each declared once, in *params) and `let aK[...] = sigmoid(field)`, the
 * field's terms that mention other unit groups than those rn renames
 * left out (labels play no part going up). */
static int unroll_group(Arena *a, const Part *pt, int unit, Rename *rn, char **params, char **lets) {
    const Model *m = rn->model;
    const GroupInfo *gi = &pt->an->g[unit];
    if (gi->cond != COND_SIGMOID && gi->cond != COND_TANH)
        return rt_fail("'%s' of '%s': backprop unrolls sigmoid or tanh hidden units, not %s", m->units[unit]->name,
                       m->name, energy_cond_name(gi->cond)), 0;
    Poly *f = poly_new(pt->an->en);
    for (int i = 0; i < gi->field->n; i++) {
        Poly one = {1, 1, &gi->field->t[i]};
        int other = 0;
        for (int u = 0; u < m->nunits; u++) {
            const Sym *us = m->units[u];
            int known = us == rn->input;
            for (int j = 0; j < rn->nhidden; j++) known |= us == rn->hidden[j];
            if (!known && us->kind == SYM_UNIT && poly_mentions(&one, us)) other = 1;
        }
        if (!other) poly_push(pt->an->en, f, gi->field->t[i]);
    }
    for (int q = 0; q < m->nparams; q++) {
        const Sym *p = m->params[q];
        char *decl = arena_printf(a, "  param %s_%s", m->name, p->name);
        if (!poly_mentions(f, p) || strstr(*params, arena_printf(a, "%s[", decl))) continue;
        for (int d = 0; d < p->ndim; d++) decl = arena_printf(a, "%s%s%lld", decl, d ? ", " : "[", p->dims[d]);
        *params = arena_printf(a, "%s%s%s\n", *params, decl, p->ndim ? "]" : "");
    }
    const Sym *h = m->units[unit];
    *lets = arena_printf(a, "%s  let a%d", *lets, rn->k);
    for (int d = 0; d < h->ndim; d++) *lets = arena_printf(a, "%s%s%s", *lets, d ? ", " : "[", pt->an->en->vars[gi->out[d]].name);
    *lets = arena_printf(a, "%s%s = %s(%s)\n", *lets, h->ndim ? "]" : "", gi->cond == COND_TANH ? "tanh" : "sigmoid",
                         poly_string_renamed(pt->an->en, f, rename_sym, rn));
    return 1;
}

static const Sym *first_visible(const Model *m) {
    for (int u = 0; u < m->nunits; u++)
        if (m->units[u]->role == ROLE_VISIBLE) return m->units[u];
    return NULL;
}

/* The recognition path as spec text: each layer's hidden group (a DBN), or
 * each hidden group of the joint model (a DBM: groups below read their
 * activations a_j, groups above their mean-field values m_j, extra inputs
 * after x), then a softmax over the label columns, with the cross-entropy
 * as the loss. *naug: the floats of the m_j inputs. */
static char *unrolled_spec(Run *r, int64_t classes, int64_t *naug, int *ok) {
    Arena *a = r->c->arena;
    *ok = 0;
    *naug = 0;
    const Stack *s = r->s;
    const Sym *in0 = first_visible(s->layers[0]);
    char *txt = arena_printf(a, "model %s_net {\n  visible x", s->name);
    for (int d = 0; d < in0->ndim; d++) txt = arena_printf(a, "%s%s%lld", txt, d ? ", " : "[", in0->dims[d]);
    txt = arena_printf(a, "%s%s : %s\n", txt, in0->ndim ? "]" : "", in0->utype == UT_BERNOULLI ? "bernoulli" : "gaussian");
    char *params = arena_strdup(a, ""), *lets = arena_strdup(a, "");
    const Sym *top = NULL;
    if (r->joint.m) {
        const Model *jm = s->joint;
        const Sym *hidden[64];
        int nh = 0;
        for (int u = 0; u < jm->nunits && nh < 64; u++)
            if (jm->units[u]->role == ROLE_HIDDEN) hidden[nh++] = jm->units[u];
        for (int j = 1; j < nh; j++) {
            txt = arena_printf(a, "%s  visible m%d", txt, j);
            for (int d = 0; d < hidden[j]->ndim; d++) txt = arena_printf(a, "%s%s%lld", txt, d ? ", " : "[", hidden[j]->dims[d]);
            txt = arena_printf(a, "%s%s : bernoulli\n", txt, hidden[j]->ndim ? "]" : "");
            *naug += hidden[j]->size;
        }
        for (int k = 0; k < nh; k++) {
            Rename rn = {jm, k, first_visible(jm), hidden, nh};
            if (!unroll_group(a, &r->joint, hidden[k]->id, &rn, &params, &lets)) return NULL;
        }
        top = hidden[nh - 1];
        if (nh == 0) return rt_fail("backprop: model '%s' has no hidden group", jm->name), NULL;
    } else {
        for (int k = 0; k < s->nlayers; k++) {
            const Part *pt = &r->layers[k];
            Rename rn = {s->layers[k], k, first_visible(s->layers[k]), NULL, 0};
            top = s->layers[k]->units[pt->an->g[pt->hidden].sym->id];
            if (!unroll_group(a, pt, top->id, &rn, &params, &lets)) return NULL;
        }
    }
    if (top->ndim != 1) return rt_fail("backprop: the top hidden group must have one dimension"), NULL;
    int ktop = r->joint.m ? -1 : s->nlayers - 1;
    if (ktop < 0)
        for (int u = 0; u < s->joint->nunits; u++) ktop += s->joint->units[u]->role == ROLE_HIDDEN;
    txt = arena_printf(a, "%s  visible y[%lld] : softmax\n%s  param head_W[%lld, %lld] init normal(0, 0.01)\n"
                          "  param head_b[%lld]\n%s",
                       txt, (long long)classes, params, (long long)top->size, (long long)classes, (long long)classes, lets);
    txt = arena_printf(a, "%s  let o[k] = sum(j) a%d[j]*head_W[j, k] + head_b[k]\n"
                          "  loss = log(sum(k) exp(o[k])) - sum(k) y[k]*o[k]\n}\n",
                       txt, ktop);
    *ok = 1;
    return txt;
}

/* A DBM's network reads [x, m_1 .. m_L-1, y]: the mean-field values of the
 * joint model's hidden groups above the first, given x (Salakhutdinov &
 * Hinton 2009), between the image and the labels */
static int augment(Run *r, const Stage *st, const rt_dataset *in, int64_t classes, int64_t naug, rt_dataset *out) {
    const rt_model *m = r->joint.m;
    int64_t w0 = rt_dataset_row(in), nx = w0 - classes, w1 = w0 + naug, B = 500;
    if (nx != rt_visible_floats(m))
        return rt_fail("the data has %lld values per example: %lld for the DBM's visible units and %lld label columns "
                       "expected", (long long)w0, (long long)rt_visible_floats(m), (long long)classes);
    memset(out, 0, sizeof *out);
    out->n = in->n;
    out->ndim = 1;
    out->dims[0] = w1;
    out->data = rt_alloc(sizeof(float) * (size_t)(in->n * w1));
    rt_ws *w = rt_ws_new(m, B, r->joint.p, 0);
    float *x = malloc(sizeof(float) * (size_t)(B * nx));
    for (int64_t r0 = 0; r0 < in->n; r0 += B) {
        int64_t nb = in->n - r0 < B ? in->n - r0 : B;
        w->B = nb;
        for (int64_t i = 0; i < nb; i++) memcpy(x + i * nx, in->data + (r0 + i) * w0, sizeof(float) * (size_t)nx);
        rt_ws_set_visible(w, x, nb, nx);
        for (int g = 0; g < m->ngroups; g++)
            if (m->groups[g].role == RT_HIDDEN) memset(w->bufs[m->groups[g].state_buf], 0, sizeof(float) * (size_t)(nb * m->groups[g].size));
        rt_mean_field(w, st->cfg.rt.mf_iters, st->cfg.rt.mf_tol);
        for (int64_t i = 0; i < nb; i++) {
            float *row = out->data + (r0 + i) * w1;
            memcpy(row, x + i * nx, sizeof(float) * (size_t)nx);
            int64_t o = nx, first = 1;
            for (int g = 0; g < m->ngroups; g++) {
                const rt_group *gr = &m->groups[g];
                if (gr->role != RT_HIDDEN) continue;
                if (first) {
                    first = 0;
                    continue;
                }
                memcpy(row + o, w->bufs[gr->state_buf] + i * gr->size, sizeof(float) * (size_t)gr->size);
                o += gr->size;
            }
            memcpy(row + o, in->data + (r0 + i) * w0 + nx, sizeof(float) * (size_t)classes);
        }
    }
    free(x);
    rt_ws_free(w);
    return 0;
}

/* p(class | x) by the loss of each class (loss = -log p): the fraction of
 * rows whose true class has the least loss */
static double accuracy(Part *pt, const rt_dataset *d, int64_t classes) {
    const rt_model *m = pt->m;
    int64_t rf = rt_dataset_row(d), B = 500, ok = 0;
    rt_ws *w = rt_ws_new(m, B, pt->p, 0);
    float *rows = malloc(sizeof(float) * (size_t)(B * rf)), *best = malloc(sizeof(float) * (size_t)B);
    int64_t *arg = malloc(sizeof(int64_t) * (size_t)B);
    for (int64_t r0 = 0; r0 < d->n; r0 += B) {
        int64_t nb = d->n - r0 < B ? d->n - r0 : B;
        w->B = nb;
        memcpy(rows, d->data + r0 * rf, sizeof(float) * (size_t)(nb * rf));
        for (int64_t c = 0; c < classes; c++) {
            for (int64_t i = 0; i < nb; i++)
                for (int64_t q = 0; q < classes; q++) rows[i * rf + rf - classes + q] = q == c;
            rt_ws_set_visible(w, rows, nb, rf);
            rt_ws_run(w, m->k_loss);
            for (int64_t i = 0; i < nb; i++)
                if (c == 0 || w->bufs[m->loss_buf][i] < best[i]) {
                    best[i] = w->bufs[m->loss_buf][i];
                    arg[i] = c;
                }
        }
        for (int64_t i = 0; i < nb; i++) ok += d->data[(r0 + i) * rf + rf - classes + arg[i]] > 0.5f;
    }
    free(rows);
    free(best);
    free(arg);
    rt_ws_free(w);
    return (double)ok / (double)d->n;
}

static int backprop_stage(Run *r, Stage *st, const rt_dataset *data, rt_train_report *rep) {
    int64_t classes = rt_dataset_row(data) - first_visible_size(r->joint.m ? r->joint.m : r->layers[0].m);
    if (classes < 2) return rt_fail("stage '%s': backprop needs label columns in the data (idx(..., labels = ...))", st->name);
    int ok;
    int64_t naug;
    char *src = unrolled_spec(r, classes, &naug, &ok);
    if (!ok) return -1;
    if (getenv("EBMC_VERBOSE")) fprintf(stderr, "%s", src);
    if (!r->mlp_c) {
        r->mlp_c = compile_source("<unrolled>", src, strlen(src));
        Analysis *an = compile_main_model(r->mlp_c);
        if (!an) return rt_fail("internal: the unrolled network did not compile:\n%s", src);
        if (!part_build(r->mlp_c, &r->mlp, an->m, an, st->cfg.rt.seed)) return -1;
    }
    /* the trained parameters, under their unrolled names */
    int nsrc = r->joint.m ? 1 : r->s->nlayers;
    for (int q = 0; q < r->mlp.m->nparams; q++)
        for (int k = 0; k < nsrc; k++) {
            const Part *pt = r->joint.m ? &r->joint : &r->layers[k];
            for (int i = 0; i < pt->m->nparams; i++) {
                char name[160];
                snprintf(name, sizeof name, "%s_%s", pt->name, pt->m->params[i].name);
                if (!strcmp(name, r->mlp.m->params[q].name))
                    memcpy(r->mlp.p->value[q], pt->p->value[i], sizeof(float) * (size_t)r->mlp.m->params[q].size);
            }
        }
    rt_dataset aug = {0}, test = {0}, taug = {0};
    const rt_dataset *base = data;
    if (r->joint.m) {
        if (augment(r, st, data, classes, naug, &aug)) return -1;
        base = &aug;
    }
    int rc = rt_train(r->mlp.m, r->mlp.p, base, &st->cfg.rt, stdout, rep);
    if (rc || rep->stopped) {
        rt_dataset_free(&aug);
        return rc;
    }
    printf("stage %s: training accuracy %.4f", st->name, accuracy(&r->mlp, base, classes));
    if (st->cfg.test.kind != RT_SRC_NONE) {
        if (rt_source_load(&st->cfg.test, &test)) rc = -1;
        else if (rt_dataset_row(&test) != rt_dataset_row(data))
            rc = rt_fail("stage '%s': the test data has %lld values per example, the training data %lld", st->name,
                         (long long)rt_dataset_row(&test), (long long)rt_dataset_row(data));
        else if (r->joint.m && augment(r, st, &test, classes, naug, &taug)) rc = -1;
        if (!rc) printf(", test accuracy %.4f (%lld examples)", accuracy(&r->mlp, r->joint.m ? &taug : &test, classes),
                        (long long)test.n);
    }
    if (!rc) printf("\n");
    rt_dataset_free(&aug);
    rt_dataset_free(&taug);
    rt_dataset_free(&test);
    return rc;
}

/* ---- training ------------------------------------------------------------------------------ */

static void joint_start(Run *r, Stage *st) {
    Part *j = &r->joint;
    /* start from the layers' parameters of the same names */
    for (int q = 0; q < j->m->nparams; q++) {
        const rt_param *pp = &j->m->params[q];
        for (int k = 0; k < r->s->nlayers; k++)
            for (int i = 0; i < r->layers[k].m->nparams; i++) {
                const rt_param *lp = &r->layers[k].m->params[i];
                if (strcmp(lp->name, pp->name) || lp->size != pp->size) continue;
                float scale = 1;
                for (int h = 0; h < st->nhalve; h++)
                    if (!strcmp(st->halve[h], pp->name)) scale = 0.5f;
                for (int64_t e = 0; e < pp->size; e++) j->p->value[q][e] = scale * r->layers[k].p->value[i][e];
            }
    }
}

static const char *default_out(Arena *a, const char *spec) {
    char *copy = arena_strdup(a, spec), *base = basename(copy), *dot = strrchr(base, '.');
    if (dot) *dot = 0;
    return arena_printf(a, "%s.safetensors", base);
}

/* Where a stage's training state goes while it runs (checkpoint_every,
 * checkpoint_minutes, Ctrl-C), beside the stack's checkpoint:
 * NAME.safetensors -> NAME.STAGE.state.safetensors. The stack's file holds
 * the stages done; a resumed run continues the next stage from this file
 * when it is there, exactly as a single model resumes. */
static const char *state_path(Arena *a, const char *out, const char *stage) {
    size_t n = strlen(out);
    const char *ext = n > 12 && !strcmp(out + n - 12, ".safetensors") ? out + n - 12 : out + n;
    return arena_printf(a, "%.*s.%s.state.safetensors", (int)(ext - out), out, stage);
}

static int readable(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f) fclose(f);
    return f != NULL;
}

/* the part a layer or joint stage trains (NULL: backprop trains the unrolled network) */
static Part *stage_part(Run *r, const Stage *st) {
    return st->kind == STAGE_LAYER ? &r->layers[st->layer] : st->kind == STAGE_JOINT ? &r->joint : NULL;
}

typedef struct StageRun {
    const Opts *o;
    const char *out;
    const char *resume;      /* the stack checkpoint resumed, or NULL */
    FILE *log;               /* --log, or NULL */
    volatile int *stop;      /* Ctrl-C */
} StageRun;

/* One stage, with what a single model's run gets (cli_train.c): the
 * validation rows of fe_gap (passed up like the data when the stage's data
 * is), the tempered model of method = pt, a progress bar and --log lines,
 * the training state on Ctrl-C and checkpoint_every, and filters = "f.png".
 * 0, or an exit code after an error (reported). */
static int run_stage(Run *r, StageRun *sr, Stage *st, int i, const rt_dataset *base) {
    Compilation *c = r->c;
    rt_dataset own = {0}, up = {0}, vraw = {0};
    const rt_dataset *data = base;
    TrainExtras tx = {0};
    rt_train_report rep = {0};
    int rc = 1, err = 0;
    static const char *const keys[] = {"test", "validation", "method"};
    for (int k = 0; k < 3; k++)
        if (config_stage_unsupported(st, keys[k])) {   /* a --set or --config can ask for it too */
            diag_tool_error("stage '%s': %s", st->name, config_stage_unsupported(st, keys[k]));
            return 1;
        }
    if (i > 0 && st->cfg.data.kind != RT_SRC_NONE) {
        if (rt_source_load(&st->cfg.data, &own)) goto rt_failed;
        data = &own;
    }
    Part *pt = stage_part(r, st);
    int passed_up = st->kind == STAGE_LAYER && data == base;
    if (passed_up) {
        if (layer_data(r, base, st->layer, &up)) goto rt_failed;
        data = &up;
    }
    if (st->cfg.validation.kind != RT_SRC_NONE) {
        if (rt_source_load(&st->cfg.validation, &vraw)) goto rt_failed;
        if (passed_up && rt_dataset_row(&vraw) != rt_dataset_row(base)) {
            rt_fail("stage '%s': the validation data has %lld values per example; it is passed up through the layers "
                    "below like the stack's data, which has %lld", st->name, (long long)rt_dataset_row(&vraw),
                    (long long)rt_dataset_row(base));
            goto rt_failed;
        }
        if (passed_up) {
            if (layer_data(r, &vraw, st->layer, &tx.validation)) goto rt_failed;
        } else {
            tx.validation = vraw;
            vraw = (rt_dataset){0};
        }
        st->cfg.rt.validation = &tx.validation;
    }
    if (pt && st->cfg.rt.method == RT_PT) {
        if (!(tx.t = cli_tempered_of(c, pt->an, pt->m, sr->o, &rc))) goto done;
        st->cfg.rt.tempered = &tx.t->rt;
    }
    if (st->kind == STAGE_JOINT) joint_start(r, st);
    const char *state = state_path(c->arena, sr->out, st->name);
    st->cfg.rt.checkpoint_path = state;
    st->cfg.rt.stop = sr->stop;
    if (sr->resume) {
        const char *from = state_path(c->arena, sr->resume, st->name);
        if (readable(from)) {
            st->cfg.rt.resume_path = from;
            if (!st->cfg.rt.quiet) printf("stage %s: resuming its training state in %s\n", st->name, from);
        }
    }
    rt_meta meta[] = {{"stack", r->s->name}, {"stage", st->name}};
    st->cfg.rt.meta = meta;
    st->cfg.rt.nmeta = 2;
    rt_reporter rpt;
    rt_reporter_init(&rpt, st->cfg.rt.quiet ? NULL : stderr, sr->log);
    if (sr->log) {
        fprintf(sr->log, "  %s:\n", st->name);
        fflush(sr->log);
    }
    if (rpt.bar || rpt.log) {
        st->cfg.rt.on_progress = rt_reporter_event;
        st->cfg.rt.progress_ctx = &rpt;
    }
    if (st->kind == STAGE_BACKPROP) err = backprop_stage(r, st, data, &rep);
    else err = rt_train(pt->m, pt->p, data, &st->cfg.rt, stdout, &rep);
    rt_reporter_end(&rpt);
    if (err) goto rt_failed;
    if (rep.stopped) {
        /* the stages before this one are done; this one's state is in state */
        if (save(r, sr->out, i)) goto rt_failed;
        printf("interrupted in stage %s: the training state is in %s and %s; continue with --resume %s\n", st->name,
               sr->out, state, sr->out);
        rc = 128 + (sr->stop && *sr->stop > 0 ? *sr->stop : 2);   /* 128 + the signal */
        goto done;
    }
    if (save(r, sr->out, i + 1)) goto rt_failed;
    if (readable(state)) unlink(state);   /* the stage is done: its state is in out */
    Part *drawn = pt ? pt : &r->mlp;
    if (st->cfg.filters && cli_draw_filters(drawn->m, drawn->p, st->cfg.filters)) goto done;
    rc = 0;
    goto done;
rt_failed:
    rc = cli_fail_rt();
done:
    free(rep.per_epoch);
    cli_train_extras_free(&tx);
    rt_dataset_free(&vraw);
    rt_dataset_free(&up);
    rt_dataset_free(&own);
    return rc;
}

int cli_stack_train(Compilation *c, const Opts *o, long long seed, char **sets, int nsets, const char *config,
                volatile int *stop) {
    Run r = {c, c->sema->stacks[0], NULL, 0, NULL, {0}, {0}, NULL};
    opts = o;
    if (!config_stages_parse(c->arena, &c->diag, r.s, &r.stages, &r.nstages)) return 1;
    if (r.nstages == 0) {
        diag_tool_error("stack '%s' has no stages to run", r.s->name);
        return 1;
    }
    r.layers = calloc((size_t)r.s->nlayers, sizeof(Part));
    uint64_t base_seed = seed >= 0 ? (uint64_t)seed : 1;
    int rc = 1;
    FILE *logf = NULL;
    rt_atomic logw;
    for (int k = 0; k < r.s->nlayers; k++)
        if (!part_build(c, &r.layers[k], r.s->layers[k], NULL, base_seed + (uint64_t)k)) goto done;
    if (r.s->joint && !part_build(c, &r.joint, r.s->joint, NULL, base_seed + 100)) goto done;
    StageRun sr = {o, opt_str(o, "--out") ? opt_str(o, "--out") : default_out(c->arena, o->spec), opt_str(o, "--resume"),
                   NULL, stop};
    int done = 0;
    /* the outputs before any work: none may be an input or a device */
    if (cli_check_output(sr.out, "--out") || cli_check_output(opt_str(o, "--log"), "--log")) goto done;
    if (sr.resume) {
        if (resume(&r, sr.resume, &done)) {
            rc = cli_fail_rt();
            goto done;
        }
        printf("resuming after %d of %d stages\n", done, r.nstages);
    }
    /* the log replaces the previous one whole when training ends, as a single model's does */
    const char *logpath = opt_str(o, "--log");
    if (logpath && rt_atomic_open(&logw, logpath)) {
        diag_tool_error("--log: %s", rt_last_error());
        goto done;
    }
    if (logpath) logf = logw.fp;
    if (logf) {
        fprintf(logf, "# ebmc train %s: the configuration, then a line per epoch of every stage\n", o->spec);
        cli_config_embed(logf, "config", config);
        fprintf(logf, "stages:\n");
        fflush(logf);
    }
    sr.log = logf;
    rt_dataset base = {0};
    if (rt_source_load(&r.stages[0].cfg.data, &base)) {
        rc = cli_fail_rt();
        goto done;
    }
    long long upto = r.nstages;
    if (opt_ll(o, "--stages", 0, &upto) < 0) goto data_done;
    if (upto > r.nstages) upto = r.nstages;
    for (int i = done; i < upto; i++) {
        Stage *st = &r.stages[i];
        if (!config_train_sets(c->arena, &c->diag, NULL, st->name, sets, nsets, &st->cfg)) goto data_done;
        /* each stage its own stream of random numbers, so resuming at a
         * stage repeats exactly what an uninterrupted run does */
        st->cfg.rt.seed = st->cfg.rt.seed * 1000003u + base_seed * 7919u + (uint64_t)i;
        st->cfg.rt.quiet = opt_has(o, "--quiet");
        if (!st->cfg.rt.quiet) printf("stage %s (%d of %d)\n", st->name, i + 1, r.nstages);
        if ((rc = run_stage(&r, &sr, st, i, &base))) goto data_done;
        rc = 1;
    }
    if (!opt_has(o, "--quiet")) printf("parameters of every stage written to %s\n", sr.out);
    rc = 0;
data_done:
    rt_dataset_free(&base);
done:
    if (logf && rt_atomic_commit(&logw, 1)) {
        diag_tool_error("--log: %s", rt_last_error());
        if (!rc) rc = 1;
    }
    run_free(&r);
    return rc;
}

/* ---- sampling ------------------------------------------------------------------------------- */

/* A DBN generates by Gibbs sampling in its top layer, then one pass down
 * through the layers below (each layer's visible conditional). A DBM
 * stack samples its joint model. */
int cli_stack_sample(Compilation *c, const Opts *o, const char *params, const SampleConfig *sc, float **means_out,
                 int64_t *width, int *h, int *w) {
    Run r = {c, c->sema->stacks[0], NULL, 0, NULL, {0}, {0}, NULL};
    opts = o;
    r.layers = calloc((size_t)r.s->nlayers, sizeof(Part));
    int rc = -1;
    int64_t n = sc->chains;
    for (int k = 0; k < r.s->nlayers; k++)
        if (!part_build(c, &r.layers[k], r.s->layers[k], NULL, 1)) goto done;
    if (r.s->joint && !part_build(c, &r.joint, r.s->joint, NULL, 1)) goto done;
    int done;
    if (resume(&r, params, &done)) goto done;
    const Sym *v0 = NULL;
    for (int u = 0; u < r.s->layers[0]->nunits && !v0; u++)
        if (r.s->layers[0]->units[u]->role == ROLE_VISIBLE) v0 = r.s->layers[0]->units[u];
    *h = v0->ndim == 2 ? (int)v0->dims[0] : (int)lrint(sqrt((double)v0->size));
    *w = v0->ndim == 2 ? (int)v0->dims[1] : *h;
    if (r.s->kind == STACK_DBM) {
        int64_t rf = rt_visible_floats(r.joint.m);
        float *means = malloc(sizeof(float) * (size_t)(n * rf));
        if (rt_sample(r.joint.m, r.joint.p, n, (int)sc->steps, sc->seed, NULL, means)) {
            free(means);
            goto done;
        }
        *means_out = means;
        *width = rf;
        rc = 0;
        goto done;
    }
    Part *top = &r.layers[r.s->nlayers - 1];
    int64_t rf = rt_visible_floats(top->m);
    float *vals = malloc(sizeof(float) * (size_t)(n * rf));
    if (rt_sample(top->m, top->p, n, (int)sc->steps, sc->seed, vals, NULL)) {
        free(vals);
        goto done;
    }
    /* the top layer's first visible group is the hidden group below */
    int64_t hs = first_visible_size(top->m);
    float *cur = malloc(sizeof(float) * (size_t)(n * hs));
    for (int64_t i = 0; i < n; i++) memcpy(cur + i * hs, vals + i * rf, sizeof(float) * (size_t)hs);
    free(vals);
    for (int k = r.s->nlayers - 2; k >= 0; k--) {
        Part *pt = &r.layers[k];
        int64_t vs = first_visible_size(pt->m);
        float *next = malloc(sizeof(float) * (size_t)(n * vs));
        if (rt_layer_down(pt->m, pt->p, pt->hidden, cur, n, k > 0, sc->seed + (uint64_t)k, next)) {
            free(cur);
            free(next);
            goto done;
        }
        free(cur);
        cur = next;
        hs = vs;
    }
    *means_out = cur;
    *width = hs;
    rc = 0;
done:
    run_free(&r);
    return rc;
}
