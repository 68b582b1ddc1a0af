/* derive_mp.c — the multi-prediction loss of a Boltzmann machine
 * (Goodfellow, Mirza, Courville & Bengio 2013) as a network of spec text
 * (derive_mp.h).
 *
 * Per example, a random subset of the visible units is clamped (an input
 * `keep_G { noise = bernoulli(1 - drop) }` per visible group G, one value
 * per unit, or per one-hot row of a softmax group); the others start at 0
 * and are predicted by `iters` sweeps of the mean-field updates, in the
 * order rt_mean_field runs them (the blocks of the sampling colouring, the
 * groups of a block in declaration order, hidden groups starting at 0).
 * Each update is the group's conditional mean of the field the analysis
 * derived for it (-dE/dG), so the network is the compiler's derivation
 * written out, not a formula of its own. The loss is the cross-entropy of
 * the units that were not clamped, from their fields after the last sweep.
 * The network's parameters carry the model's names, so training it trains
 * the model. Every update is a `let` used by the next ones; the network is
 * compiled with its lets kept (compile_network), each computed once. */
#include "derive_mp.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt.h"

typedef struct Mp {
    Arena *a;
    Analysis *an;
    const char *cur[64];        /* each group's current value: a let, or NULL (0) */
} Mp;

static const char *rename_sym(const Sym *s, void *ctx) {
    Mp *mp = ctx;
    return s->kind == SYM_UNIT && mp->cur[s->id] ? mp->cur[s->id] : s->name;
}

/* "[i, j]" of group u's index variables (the last one left out with
 * drop_last), "" for none */
static char *indices(Mp *mp, int u, int drop_last, const char *last) {
    const GroupInfo *gi = &mp->an->g[u];
    int n = gi->sym->ndim - (drop_last ? 1 : 0);
    char *s = arena_strdup(mp->a, "");
    for (int d = 0; d < n; d++) s = arena_printf(mp->a, "%s%s%s", s, d ? ", " : "[", mp->an->en->vars[gi->out[d]].name);
    if (last) s = arena_printf(mp->a, "%s%s%s", s, n ? ", " : "[", last);
    return arena_printf(mp->a, "%s%s", s, n || last ? "]" : "");
}

/* group u's field with the current values, the terms of groups still at 0
 * left out */
static char *field(Mp *mp, int u) {
    Analysis *an = mp->an;
    const Model *m = an->m;
    const GroupInfo *gi = &an->g[u];
    Poly *f = poly_new(an->en);
    for (int i = 0; i < gi->field->n; i++) {
        Poly one = {1, 1, &gi->field->t[i]};
        int zero = 0;
        for (int w = 0; w < m->nunits; w++) zero |= !mp->cur[w] && poly_mentions(&one, m->units[w]);
        if (!zero) poly_push(an->en, f, gi->field->t[i]);
    }
    return f->n ? poly_string_renamed(an->en, f, rename_sym, mp) : arena_strdup(mp->a, "0");
}

/* why group u's conditional mean cannot be unrolled, or NULL */
static const char *refused(Analysis *an, int u) {
    const Model *m = an->m;
    const GroupInfo *gi = &an->g[u];
    const Sym *s = gi->sym;
    if (s->role == ROLE_INPUT) return "is an input group (mp predicts visible units from visible units)";
    if (s->role == ROLE_VISIBLE && s->utype != UT_BERNOULLI && s->utype != UT_SOFTMAX)
        return "is not bernoulli or softmax (mp's loss is their cross-entropy)";
    if (gi->cond != COND_SIGMOID && gi->cond != COND_SOFTMAX) return "has no sigmoid or softmax conditional";
    if (gi->lateral || s->sampler != SAMPLER_EXACT) return "is not updated by its conditional as a whole";
    for (int i = 0; i < gi->field->n; i++)
        for (int w = 0; w < m->nunits; w++) {
            int deg = term_degree(&gi->field->t[i], m->units[w]);
            if (deg < 0 || deg > 1) return "has a field that is not linear in each other group";
        }
    return NULL;
}

/* the conditional mean of group u from its field a (a let name) */
static char *mean_of(Mp *mp, int u, const char *a, char **lets, int t) {
    const GroupInfo *gi = &mp->an->g[u];
    const char *name = gi->sym->name;
    if (gi->cond == COND_SIGMOID) return arena_printf(mp->a, "sigmoid(%s%s)", a, indices(mp, u, 0, NULL));
    /* softmax over the last axis, through its log-normaliser */
    *lets = arena_printf(mp->a, "%s  let mpl%d_%s%s = log(sum(mp_k) exp(%s%s))\n", *lets, t, name, indices(mp, u, 1, NULL), a,
                         indices(mp, u, 1, "mp_k"));
    return arena_printf(mp->a, "exp(%s%s - mpl%d_%s%s)", a, indices(mp, u, 0, NULL), t, name, indices(mp, u, 1, NULL));
}

static char *dims_text(Arena *a, const Sym *s, int drop_last) {
    char *txt = arena_strdup(a, "");
    int n = s->ndim - (drop_last ? 1 : 0);
    for (int d = 0; d < n; d++) txt = arena_printf(a, "%s%s%lld", txt, d ? ", " : "[", s->dims[d]);
    return arena_printf(a, "%s%s", txt, n ? "]" : "");
}

char *derive_mp_text(Arena *a, Analysis *an, int iters, double drop) {
    const Model *m = an->m;
    if (iters < 1 || iters > 100) return rt_fail("mp: iters = %d: give 1 to 100 mean-field sweeps", iters), NULL;
    if (!(drop > 0 && drop < 1)) return rt_fail("mp: drop = %g: the fraction of units predicted must be in (0, 1)", drop), NULL;
    if (m->nenergy == 0) return rt_fail("mp: model '%s' has no energy (mp trains a Boltzmann machine)", m->name), NULL;
    int nhidden = 0, nvisible = 0;
    for (int u = 0; u < m->nunits; u++) {
        const char *why = refused(an, u);
        if (why) return rt_fail("mp: group '%s' of model '%s' %s", m->units[u]->name, m->name, why), NULL;
        nhidden += m->units[u]->role == ROLE_HIDDEN;
        nvisible += m->units[u]->role == ROLE_VISIBLE;
    }
    if (!nhidden || !nvisible)
        return rt_fail("mp: model '%s' needs visible and hidden groups (a deep Boltzmann machine)", m->name), NULL;
    for (int q = 0; q < m->nparams; q++) {
        const Sym *p = m->params[q];
        if (p->offset_of || p->fixed || p->mask_of || p->mask_data || p->lr_scale != 1 || p->momentum == p->momentum ||
            p->weight_decay == p->weight_decay)
            return rt_fail("mp: parameter '%s' has { ... } rules, which the mp network does not carry over; "
                           "set them in the train block (params = %s(lr = ...))",
                           p->name, p->name), NULL;
    }
    Mp mp = {.a = a, .an = an};
    char *txt = arena_printf(a, "# the multi-prediction loss of '%s': %d mean-field sweeps, %g of the units predicted\n"
                                "model %s_mp {\n",
                             m->name, iters, drop, m->name);
    char *lets = arena_strdup(a, "");
    for (int u = 0; u < m->nunits; u++) {
        const Sym *s = m->units[u];
        if (s->role != ROLE_VISIBLE) continue;
        int soft = s->utype == UT_SOFTMAX;
        txt = arena_printf(a, "%s  visible %s%s : %s\n", txt, s->name, dims_text(a, s, 0), soft ? "softmax" : "bernoulli");
        txt = arena_printf(a, "%s  input keep_%s%s { noise = bernoulli(%.17g) }\n", txt, s->name, dims_text(a, s, soft),
                           1 - drop);
        lets = arena_printf(a, "%s  let mp0_%s%s = keep_%s%s*%s%s\n", lets, s->name, indices(&mp, u, 0, NULL), s->name,
                            indices(&mp, u, soft, NULL), s->name, indices(&mp, u, 0, NULL));
        mp.cur[u] = arena_printf(a, "mp0_%s", s->name);
    }
    for (int q = 0; q < m->nparams; q++)
        txt = arena_printf(a, "%s  param %s%s\n", txt, m->params[q]->name, dims_text(a, m->params[q], 0));
    for (int t = 1; t <= iters; t++)
        for (int k = 0; k < an->nblocks; k++)
            for (int u = 0; u < m->nunits; u++) {
                const Sym *s = m->units[u];
                if (an->g[u].block != an->sweep[k]) continue;
                int soft = s->utype == UT_SOFTMAX || an->g[u].cond == COND_SOFTMAX;
                const char *fa = arena_printf(a, "mpa%d_%s", t, s->name);
                lets = arena_printf(a, "%s  let %s%s = %s\n", lets, fa, indices(&mp, u, 0, NULL), field(&mp, u));
                char *q = mean_of(&mp, u, fa, &lets, t);
                const char *idx = indices(&mp, u, 0, NULL);
                if (s->role == ROLE_HIDDEN)
                    lets = arena_printf(a, "%s  let mp%d_%s%s = %s\n", lets, t, s->name, idx, q);
                else
                    lets = arena_printf(a, "%s  let mp%d_%s%s = keep_%s%s*%s%s + (1 - keep_%s%s)*%s\n", lets, t, s->name,
                                        idx, s->name, indices(&mp, u, soft, NULL), s->name, idx, s->name,
                                        indices(&mp, u, soft, NULL), q);
                mp.cur[u] = arena_printf(a, "mp%d_%s", t, s->name);
            }
    /* the predicted units' cross-entropy, from their fields after the last sweep */
    char *loss = arena_strdup(a, "");
    for (int u = 0; u < m->nunits; u++) {
        const Sym *s = m->units[u];
        if (s->role != ROLE_VISIBLE) continue;
        const char *idx = indices(&mp, u, 0, NULL), *n = s->name;
        lets = arena_printf(a, "%s  let mpo_%s%s = %s\n", lets, n, idx, field(&mp, u));
        if (s->utype == UT_BERNOULLI) {
            const char *vars = indices(&mp, u, 0, NULL);
            char *sum = arena_strdup(a, vars);
            sum[0] = '(', sum[strlen(sum) - 1] = ')';
            loss = arena_printf(a, "%s  loss = sum%s (1 - keep_%s%s)*(softplus(mpo_%s%s) - %s%s*mpo_%s%s)\n", loss, sum, n,
                                idx, n, idx, n, idx, n, idx);
        } else {
            const char *rows = indices(&mp, u, 1, NULL), *all = indices(&mp, u, 1, "mp_k");
            char *sum = arena_strdup(a, rows);
            if (*sum) sum[0] = '(', sum[strlen(sum) - 1] = ')';
            loss = arena_printf(a, "%s  loss = %s%s(1 - keep_%s%s)*(log(sum(mp_k) exp(mpo_%s%s)) - sum(mp_k) %s%s*mpo_%s%s)\n",
                                loss, *sum ? "sum" : "", *sum ? arena_printf(a, "%s ", sum) : "", n, rows, n, all, n, all,
                                n, all);
        }
    }
    return arena_printf(a, "%s%s%s}\n", txt, lets, loss);
}

Compilation *derive_mp_network(Arena *a, Analysis *an, int iters, double drop) {
    char *src = derive_mp_text(a, an, iters, drop);
    if (!src) return NULL;
    if (getenv("EBMC_VERBOSE")) fprintf(stderr, "%s", src);
    Compilation *c = compile_network("<mp network>", src, strlen(src));
    if (!compile_main_model(c)) {
        rt_fail("internal: the mp network of '%s' did not compile:\n%s", an->m->name, src);
        compile_free(c);
        return NULL;
    }
    return c;
}
