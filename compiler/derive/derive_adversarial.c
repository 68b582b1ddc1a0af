/* derive_adversarial.c — a generator and a discriminator composed into the
 * models of the adversarial method (derive_adversarial.h). The text is
 * compiled like a spec, so the losses' gradients come from the same reverse
 * mode as `method = minimize` (ir_reverse.c): through the discriminator's
 * copy on G(z) into the generator. Lets are renamed per copy: gen__L (the
 * generator's), real__L (the discriminator's on the data), fake__L (on
 * G(z), where the discriminator's visible group reads gen__X). */
#include "derive_adversarial.h"

#include <string.h>

#include "ast.h"

typedef struct Rename {
    const Model *lets;     /* whose lets get the prefix */
    const char *prefix;
    const char *from, *to; /* a group read as another name (or NULL) */
} Rename;

static const char *renamed_name(Arena *a, const char *name, const Rename *rn) {
    if (rn->from && !strcmp(name, rn->from)) return rn->to;
    Sym *s = sema_lookup(rn->lets, name);
    if (s && s->kind == SYM_LET) return arena_printf(a, "%s__%s", rn->prefix, name);
    return name;
}

/* a copy of e with the names rn renames */
static Expr *renamed(Arena *a, const Expr *e, const Rename *rn) {
    if (!e) return NULL;
    Expr *c = ARENA_NEW(a, Expr);
    *c = *e;
    if (e->kind == EX_NAME) c->str = renamed_name(a, e->str, rn);
    c->lhs = renamed(a, e->lhs, rn);
    c->rhs = renamed(a, e->rhs, rn);
    if (e->nidx) {
        c->idx = ARENA_ARRAY(a, Expr *, e->nidx);
        for (int i = 0; i < e->nidx; i++) c->idx[i] = renamed(a, e->idx[i], rn);
    }
    if (e->nargs) {
        c->args = ARENA_ARRAY(a, Arg, e->nargs);
        for (int i = 0; i < e->nargs; i++) {
            c->args[i] = e->args[i];
            c->args[i].value = renamed(a, e->args[i].value, rn);
        }
    }
    return c;
}

static char *dims_text(Arena *a, const Sym *s) {
    char *t = "";
    for (int k = 0; k < s->ndim; k++) t = arena_printf(a, "%s%s%lld", t, k ? ", " : "[", s->dims[k]);
    return s->ndim ? arena_printf(a, "%s]", t) : t;
}

/* every let of m, in declaration order, renamed */
static char *lets_text(Arena *a, const Model *m, const Rename *rn) {
    char *t = "";
    for (int k = 0; k < m->nsyms; k++) {
        const Sym *s = m->syms[k];
        if (s->kind != SYM_LET) continue;
        t = arena_printf(a, "%s  let %s__%s", t, rn->prefix, s->name);
        for (int v = 0; v < s->nvars; v++) t = arena_printf(a, "%s%s%s", t, v ? ", " : "[", s->vars[v]);
        t = arena_printf(a, "%s%s = %s\n", t, s->nvars ? "]" : "", ast_expr_string(a, renamed(a, s->body, rn)));
    }
    return t;
}

static char *params_text(Arena *a, const Model *m, int fixed) {
    char *t = "";
    for (int k = 0; k < m->nparams; k++) {
        const Sym *s = m->params[k];
        t = arena_printf(a, "%s  param %s%s", t, s->name, dims_text(a, s));
        if (s->init) t = arena_printf(a, "%s init %s", t, ast_expr_string(a, s->init));
        t = arena_printf(a, "%s%s\n", t, fixed ? " { trainable = 0 }" : "");
    }
    return t;
}

static const Sym *the_visible(Diag *d, const Model *dm) {
    const Sym *x = NULL;
    for (int u = 0; u < dm->nunits; u++) {
        const Sym *s = dm->units[u];
        if (s->role != ROLE_VISIBLE || x) {
            diag_error(d, s->span, "the discriminator '%s' reads one visible group (the data, or the generator's output); "
                                   "'%s' is %s", dm->name, s->name, s->role == ROLE_VISIBLE ? "a second one" : ast_role_name(s->role));
            diag_note(d, dm->span, "write the discriminator with one visible group and lets: its logit log D/(1 - D)");
            return NULL;
        }
        x = s;
    }
    if (!x) diag_error(d, dm->span, "the discriminator '%s' has no visible group to read the data with", dm->name);
    return x;
}

static int lets_alone(Diag *d, const Model *m, const char *role) {
    if (m->nenergy == 0 && m->nloss == 0) return 1;
    diag_error(d, m->span, "the %s '%s' has %s: an adversarial pair is written with lets alone, the method adds the losses",
               role, m->name, m->nenergy ? "an energy (or an 'x ~ dist' statement)" : "a loss");
    return 0;
}

/* the generator's groups: noise inputs only; its parameters' and groups'
 * names apart from the discriminator's; no per-parameter attributes */
static int generator_ok(Diag *d, const Model *g, const Model *dm) {
    int noise = 0;
    for (int u = 0; u < g->nunits; u++) {
        const Sym *s = g->units[u];
        if (s->role != ROLE_INPUT || s->noise == NOISE_NONE) {
            diag_error(d, s->span, "the generator '%s' draws from noise alone; '%s' is not a noise input", g->name, s->name);
            diag_note(d, s->span, "declare it `input %s%s { noise = normal }` (or uniform)", s->name, "[...]");
            return 0;
        }
        noise = 1;
    }
    if (!noise) {
        diag_error(d, g->span, "the generator '%s' has no noise input", g->name);
        diag_note(d, g->span, "declare one: `input z[100] { noise = normal }`");
        return 0;
    }
    const Model *both[2] = {g, dm};
    for (int w = 0; w < 2; w++)
        for (int k = 0; k < both[w]->nsyms; k++) {
            const Sym *s = both[w]->syms[k];
            if (s->kind == SYM_PARAM && s->stmt && s->stmt->nentries) {
                diag_error(d, s->span, "parameter '%s': the adversarial method takes no per-parameter attributes { ... }", s->name);
                return 0;
            }
            if (w == 1 || s->kind == SYM_LET) continue;
            const Sym *o = sema_lookup(dm, s->name);
            if (o && o->kind != SYM_LET) {
                diag_error(d, o->span, "'%s' is declared in both '%s' and '%s'; the pair trains as one model and needs distinct names",
                           s->name, g->name, dm->name);
                diag_note(d, s->span, "the generator's '%s' is here", s->name);
                return 0;
            }
        }
    return 1;
}

/* g's let named as the discriminator's visible group x, of x's shape */
static const Sym *generator_output(Arena *a, Diag *d, Span at, const Model *g, const Sym *x) {
    const Sym *o = sema_lookup(g, x->name);
    if (!o || o->kind != SYM_LET) {
        diag_error(d, at, "the generator '%s' has no let '%s' to feed the discriminator's visible group '%s'", g->name, x->name,
                   x->name);
        diag_note(d, g->span, "its output is the let of that name: `let %s%s = sigmoid(...)`", x->name, x->ndim ? "[i]" : "");
        return NULL;
    }
    int same = o->nvars == x->ndim;
    for (int k = 0; same && k < x->ndim; k++) same = o->var_ranges[k] == x->dims[k];
    if (!same) {
        char *shape = "";
        for (int k = 0; k < o->nvars; k++) shape = arena_printf(a, "%s%s%lld", shape, k ? ", " : "[", o->var_ranges[k]);
        diag_error(d, o->span, "the generator's output '%s%s%s' does not have the shape of the discriminator's visible group '%s%s'",
                   o->name, shape, o->nvars ? "]" : "", x->name, dims_text(a, x));
        return NULL;
    }
    return o;
}

/* the discriminator's scalar let named logit, or its last let */
static const Sym *the_logit(Diag *d, Span at, const Model *dm, const char *logit) {
    const Sym *s = NULL;
    if (logit) s = sema_lookup(dm, logit);
    else
        for (int k = 0; k < dm->nsyms; k++)
            if (dm->syms[k]->kind == SYM_LET) s = dm->syms[k];
    if (!s || s->kind != SYM_LET) {
        if (logit) diag_error(d, at, "the discriminator '%s' has no let '%s'", dm->name, logit);
        else diag_error(d, at, "the discriminator '%s' has no let: its last let is the logit log D/(1 - D)", dm->name);
        diag_note(d, dm->span, "end it with a scalar let, e.g. `let s = sum(j) h[j]*w[j] + c`");
        return NULL;
    }
    if (s->nvars) {
        diag_error(d, s->span, "the discriminator's logit '%s' must be a scalar let (one number per example); it has %d ind%s",
                   s->name, s->nvars, s->nvars == 1 ? "ex" : "ices");
        diag_note(d, at, "name another with adversarial(discriminator = %s, logit = NAME)", dm->name);
        return NULL;
    }
    return s;
}

char *derive_adversarial_text(Arena *a, Diag *d, Span at, const Model *g, const Model *dm, const char *logit, int which) {
    const Sym *x = the_visible(d, dm);
    if (!x || !lets_alone(d, g, "generator") || !lets_alone(d, dm, "discriminator") || !generator_ok(d, g, dm)) return NULL;
    const Sym *out = generator_output(a, d, at, g, x), *s = the_logit(d, at, dm, logit);
    if (!out || !s) return NULL;
    Rename gen = {g, "gen", NULL, NULL}, real = {dm, "real", NULL, NULL},
           fake = {dm, "fake", x->name, arena_printf(a, "gen__%s", x->name)};
    char *t = arena_printf(a, "model %s {\n", g->name);
    const char *type = which == ADV_SAMPLER || !x->stmt || !x->stmt->type ? "gaussian" : ast_expr_string(a, x->stmt->type);
    t = arena_printf(a, "%s  visible %s%s : %s\n", t, x->name, dims_text(a, x), type);
    for (int u = 0; u < g->nunits; u++) {
        const Sym *z = g->units[u];
        t = arena_printf(a, "%s  input %s%s { noise = %s }\n", t, z->name, dims_text(a, z),
                         z->noise == NOISE_NORMAL ? "normal" : "uniform");
    }
    t = arena_printf(a, "%s%s", t, params_text(a, g, which == ADV_DISCRIMINATOR));
    if (which != ADV_SAMPLER) t = arena_printf(a, "%s%s", t, params_text(a, dm, which == ADV_GENERATOR));
    t = arena_printf(a, "%s%s", t, lets_text(a, g, &gen));
    char *v = "", *sum = "";   /* x's index list [i0, i1], and "sum(i0, i1) " */
    for (int k = 0; k < x->ndim; k++) {
        v = arena_printf(a, "%s%si%d", v, k ? ", " : "[", k);
        sum = arena_printf(a, "%s%si%d", sum, k ? ", " : "sum(", k);
    }
    if (x->ndim) v = arena_printf(a, "%s]", v), sum = arena_printf(a, "%s) ", sum);
    if (which == ADV_SAMPLER) {
        /* the generator's output as the mean of a visible group: `ebmc
         * sample` draws its image grid from the conditional means */
        return arena_printf(a, "%s  %s%s ~ normal(gen__%s%s, 0.001)\n}\n", t, x->name, v, x->name, v);
    }
    if (which == ADV_DISCRIMINATOR) t = arena_printf(a, "%s%s", t, lets_text(a, dm, &real));
    t = arena_printf(a, "%s%s", t, lets_text(a, dm, &fake));
    if (which == ADV_DISCRIMINATOR)
        return arena_printf(a, "%s  loss = softplus(-real__%s) + softplus(fake__%s)\n}\n", t, s->name, s->name);
    /* the data row still holds x, which this step does not read (0*x keeps
     * it a group of the model, and adds nothing) */
    return arena_printf(a, "%s  loss = softplus(-fake__%s) + 0*%s%s%s\n}\n", t, s->name, sum, x->name, v);
}
