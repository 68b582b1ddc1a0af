/* sema_param.c — a parameter's attributes: { offset = g, rate = r } (a
 * centering offset), and the rules of the update step { trainable = 0,
 * mask = M | csv("F") | npy("F"), lr = s, momentum = m, weight_decay = d };
 * and init logit_mean, which names a visible group. docs/language.md
 * ("Parameters") says what each means; the runtime applies them in
 * runtime/run/rt_train.c. */
#include "sema.h"

#include <math.h>
#include <string.h>

#include "rt.h"

/* csv("F") or npy("F"): as many values as the parameter has (row-major),
 * read now so that a bad file is reported at the spec's line; `what` is
 * "mask" (values 0 and 1) or "init" (any finite values) */
static float *load_values(Arena *a, Diag *d, Sym *s, const Expr *v, const char *what) {
    const Expr *path = v->args[0].value;
    rt_dataset ds = {0};
    int rc = !strcmp(v->str, "csv") ? rt_load_csv(path->str, &ds) : rt_load_npy(path->str, &ds);
    if (rc) {
        diag_error(d, path->span, "%s: %s", what, rt_last_error());
        return NULL;
    }
    long long n = (long long)(ds.n * rt_dataset_row(&ds));
    int mask = !strcmp(what, "mask");
    float *out = NULL;
    if (n != s->size) {
        diag_error(d, path->span, "%s: '%s' holds %lld values but '%s' has %lld", what, path->str, n, s->name, s->size);
    } else {
        out = ARENA_ARRAY(a, float, n + 1);
        for (long long k = 0; k < n; k++) {
            if (mask ? ds.data[k] != 0 && ds.data[k] != 1 : !isfinite(ds.data[k])) {
                diag_error(d, path->span, "%s: value %lld of '%s' is %g; %s", what, k + 1, path->str, (double)ds.data[k],
                           mask ? "a mask holds 0 and 1" : "initial values must be finite");
                out = NULL;
                break;
            }
            out[k] = ds.data[k];
        }
    }
    rt_dataset_free(&ds);
    return out;
}

int sema_param_is_file(const Expr *e) {
    return e && e->kind == EX_CALL && (!strcmp(e->str, "csv") || !strcmp(e->str, "npy")) && e->nargs == 1 &&
           !e->args[0].name && e->args[0].value->kind == EX_STR;
}

void sema_param_init_file(Arena *a, Diag *d, Sym *s) { s->init_data = load_values(a, d, s, s->init, "init"); }

/* { offset = g, rate = 0.01 }: a centering offset (Montavon & Mueller 2012);
 * { trainable = 0 }, { mask = M }, { lr = s, momentum = m, weight_decay = d }:
 * what the update step does to this parameter (docs/language.md) */
void sema_param_attrs(Arena *a, Diag *d, Sym *s, Stmt *st) {
    s->offset_rate = 0.01;
    s->lr_scale = 1;
    s->momentum = s->weight_decay = NAN;
    for (int i = 0; i < st->nentries; i++) {
        Stmt *e = st->entries[i];
        const Expr *v = e->expr;
        const char *k = e->name ? e->name : "";
        int num = v->kind == EX_NUM;
        if (!strcmp(k, "offset") && v->kind == EX_NAME && !v->has_index) {
            s->offset_of = v->str;
        } else if (!strcmp(k, "rate") && num && v->num > 0 && v->num <= 1) {
            s->offset_rate = v->num;
        } else if (!strcmp(k, "trainable") && num && (v->num == 0 || v->num == 1)) {
            s->fixed = v->num == 0;
        } else if (!strcmp(k, "mask") && v->kind == EX_NAME && !v->has_index) {
            s->mask_of = v->str;
            s->mask_span = v->span;
        } else if (!strcmp(k, "mask") && sema_param_is_file(v)) {
            s->mask_data = load_values(a, d, s, v, "mask");
        } else if (!strcmp(k, "lr") && num && v->num >= 0) {
            s->lr_scale = v->num;
        } else if (!strcmp(k, "momentum") && num && v->num >= 0 && v->num < 1) {
            s->momentum = v->num;
        } else if (!strcmp(k, "weight_decay") && num && v->num >= 0) {
            s->weight_decay = v->num;
        } else {
            diag_error(d, e->span, "a parameter takes { trainable = 0 or 1, mask = PARAM or csv(\"F\") or npy(\"F\"), lr = scale, momentum = m, "
                                      "weight_decay = d } or { offset = GROUP, rate = 0.01 }");
            diag_note(d, e->span, "lr multiplies the train block's lr; momentum (in [0, 1)) and weight_decay replace "
                                     "the train block's for this parameter");
        }
    }
}

/* init logit_mean, or logit_mean(v): log(p/(1-p)) of the training data's
 * mean per unit of a {0,1} (or spin) visible group, set when training
 * starts (rt_train.c); checked once every group is declared */
static int same_shape(const Sym *a, const Sym *b) {
    int same = a->ndim == b->ndim;
    for (int k = 0; same && k < a->ndim; k++) same = a->dims[k] == b->dims[k];
    return same;
}

static void logit_mean(Diag *d, const Model *m, Sym *s) {
    Expr *init = s->init;
    if (init->kind == EX_CALL && (init->nargs != 1 || init->args[0].value->kind != EX_NAME || init->args[0].value->has_index)) {
        diag_error(d, init->span, "logit_mean takes the name of a visible group: logit_mean(v)");
        return;
    }
    const char *want = init->kind == EX_CALL ? init->args[0].value->str : NULL;
    Sym *g = NULL;
    int count = 0;
    for (int i = 0; i < m->nunits; i++) {
        Sym *u = m->units[i];
        if (want ? !strcmp(u->name, want) : u->role == ROLE_VISIBLE && same_shape(u, s)) g = u, count++;
    }
    if (count != 1) {
        diag_error(d, init->span, "%s", count > 1 ? "logit_mean: several visible groups have this parameter's shape"
                                           : want ? "logit_mean: no unit group of that name"
                                                  : "logit_mean: no visible group has this parameter's shape");
        diag_note(d, init->span, "name the group: init logit_mean(v)");
    } else if (g->role != ROLE_VISIBLE || (g->utype != UT_BERNOULLI && g->utype != UT_SPIN) || !same_shape(g, s)) {
        diag_error(d, init->span, "logit_mean needs a bernoulli or spin visible group of the parameter's shape; '%s' is a %s %s group",
                   g->name, ast_role_name(g->role), sema_unit_type_name(g->utype));
    } else {
        s->logit_of = g;
    }
}


/* what a parameter's attributes name: the offset's group, the mask */
void sema_param_links(Diag *d, const Model *m) {
    for (int i = 0; i < m->nparams; i++) {
        Sym *p = m->params[i];
        if (!p->offset_of) continue;
        Sym *g = sema_lookup(m, p->offset_of);
        if (!g || g->kind != SYM_UNIT) diag_error(d, p->span, "offset = %s: no unit group of that name", p->offset_of);
        else if (g->size != p->size) diag_error(d, p->span, "offset '%s' has %lld values but group '%s' has %lld", p->name, p->size, g->name, g->size);
    }
    for (int i = 0; i < m->nparams; i++) {
        Sym *p = m->params[i];
        if (!p->mask_of) continue;
        Sym *q = sema_lookup(m, p->mask_of);
        if (!q || q->kind != SYM_PARAM) diag_error(d, p->mask_span, "mask = %s: no parameter of that name", p->mask_of);
        else if (!same_shape(q, p)) diag_error(d, p->mask_span, "mask '%s' must have the shape of '%s'", q->name, p->name);
        else if (!q->fixed || q->mask_of || q == p) {
            diag_error(d, p->mask_span, "mask '%s' must be a fixed parameter", q->name);
            diag_note(d, q->span, "declare it with { trainable = 0 } (and no mask of its own)");
        }
    }
}

void sema_param_logit_mean(Diag *d, const Model *m) {
    for (int i = 0; i < m->nparams; i++) {
        Expr *init = m->params[i]->init;
        if (init && (init->kind == EX_NAME || init->kind == EX_CALL) && !strcmp(init->str, "logit_mean"))
            logit_mean(d, m, m->params[i]);
    }
}
