/* derive_unroll.c — a stack unrolled for back-propagation (derive_unroll.h):
 * each hidden group's conditional mean as a `let`, from the field the
 * analysis derived for it, the labels' terms left out. */
#include "derive_unroll.h"

#include <string.h>

#include "rt.h"

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
static int unroll_group(Arena *a, Analysis *an, int unit, Rename *rn, char **params, char **lets) {
    const Model *m = rn->model;
    const GroupInfo *gi = &an->g[unit];
    if (gi->cond != COND_SIGMOID && gi->cond != COND_TANH)
        return rt_fail("'%s' of '%s': backprop unrolls sigmoid or tanh hidden units, not %s", m->units[unit]->name,
                       m->name, energy_cond_name(gi->cond)), 0;
    Poly *f = poly_new(an->en);
    for (int i = 0; i < gi->field->n; i++) {
        Poly one = {1, 1, &gi->field->t[i]};
        int other = 0;
        for (int u = 0; u < m->nunits; u++) {
            const Sym *us = m->units[u];
            int known = us == rn->input;
            for (int j = 0; j < rn->nhidden; j++) known |= us == rn->hidden[j];
            if (!known && us->kind == SYM_UNIT && poly_mentions(&one, us)) other = 1;
        }
        if (!other) poly_push(an->en, f, gi->field->t[i]);
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
    for (int d = 0; d < h->ndim; d++) *lets = arena_printf(a, "%s%s%s", *lets, d ? ", " : "[", an->en->vars[gi->out[d]].name);
    *lets = arena_printf(a, "%s%s = %s(%s)\n", *lets, h->ndim ? "]" : "", gi->cond == COND_TANH ? "tanh" : "sigmoid",
                         poly_string_renamed(an->en, f, rename_sym, rn));
    return 1;
}

static const Sym *first_visible(const Model *m) {
    for (int u = 0; u < m->nunits; u++)
        if (m->units[u]->role == ROLE_VISIBLE) return m->units[u];
    return NULL;
}

char *derive_unroll_text(Arena *a, const Stack *s, Analysis *const *layers, const int *hidden, Analysis *joint,
                         int64_t classes, int64_t *naug) {
    *naug = 0;
    const Sym *in0 = first_visible(s->layers[0]);
    char *txt = arena_printf(a, "model %s_net {\n  visible x", s->name);
    for (int d = 0; d < in0->ndim; d++) txt = arena_printf(a, "%s%s%lld", txt, d ? ", " : "[", in0->dims[d]);
    txt = arena_printf(a, "%s%s : %s\n", txt, in0->ndim ? "]" : "", in0->utype == UT_BERNOULLI ? "bernoulli" : "gaussian");
    char *params = arena_strdup(a, ""), *lets = arena_strdup(a, "");
    const Sym *top = NULL;
    if (joint) {
        /* groups below read their activations a_j, groups above their
         * mean-field values m_j, extra inputs after x */
        const Model *jm = s->joint;
        const Sym *hid[64];
        int nh = 0;
        for (int u = 0; u < jm->nunits && nh < 64; u++)
            if (jm->units[u]->role == ROLE_HIDDEN) hid[nh++] = jm->units[u];
        for (int j = 1; j < nh; j++) {
            txt = arena_printf(a, "%s  visible m%d", txt, j);
            for (int d = 0; d < hid[j]->ndim; d++) txt = arena_printf(a, "%s%s%lld", txt, d ? ", " : "[", hid[j]->dims[d]);
            txt = arena_printf(a, "%s%s : bernoulli\n", txt, hid[j]->ndim ? "]" : "");
            *naug += hid[j]->size;
        }
        for (int k = 0; k < nh; k++) {
            Rename rn = {jm, k, first_visible(jm), hid, nh};
            if (!unroll_group(a, joint, hid[k]->id, &rn, &params, &lets)) return NULL;
        }
        if (nh == 0) return rt_fail("backprop: model '%s' has no hidden group", jm->name), NULL;
        top = hid[nh - 1];
    } else {
        for (int k = 0; k < s->nlayers; k++) {
            Rename rn = {s->layers[k], k, first_visible(s->layers[k]), NULL, 0};
            top = s->layers[k]->units[layers[k]->g[hidden[k]].sym->id];
            if (!unroll_group(a, layers[k], top->id, &rn, &params, &lets)) return NULL;
        }
    }
    if (top->ndim != 1) return rt_fail("backprop: the top hidden group must have one dimension"), NULL;
    int ktop = joint ? -1 : s->nlayers - 1;
    if (ktop < 0)
        for (int u = 0; u < s->joint->nunits; u++) ktop += s->joint->units[u]->role == ROLE_HIDDEN;
    txt = arena_printf(a, "%s  visible y[%lld] : softmax\n%s  param head_W[%lld, %lld] init normal(0, 0.01)\n"
                          "  param head_b[%lld]\n%s",
                       txt, (long long)classes, params, (long long)top->size, (long long)classes, (long long)classes, lets);
    return arena_printf(a, "%s  let o[k] = sum(j) a%d[j]*head_W[j, k] + head_b[k]\n"
                           "  loss = log(sum(k) exp(o[k])) - sum(k) y[k]*o[k]\n}\n",
                        txt, ktop);
}
