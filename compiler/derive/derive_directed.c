/* derive_directed.c — the conditional of each "~" statement on its own,
 * and an order that puts parents first (see derive_directed.h).
 *
 * A statement's term is expanded alone; its child's conditional is read
 * from it as the analysis reads a group's from the whole energy: for a
 * {0, 1} child the terms linear in it give the field of a sigmoid, for a
 * Gaussian child a quadratic self-term and a field give a diagonal normal.
 * Other children (laplace, logistic: no exact sampler) leave the model
 * without ancestral sampling, as does any energy line that is not a
 * statement (the joint would not be normalised). */
#include "derive_directed.h"

#include <string.h>

static Ancestral *none(Ancestral *a, const char *why) {
    a->n = 0;
    a->why = why;
    return a;
}

/* the child's conditional from its statement's terms S */
static int statement_conditional(Analysis *an, GroupInfo *gi, Poly *S) {
    Energy *en = an->en;
    const Sym *g = gi->sym;
    int self = 0;
    for (int i = 0; i < S->n; i++) {
        int d = term_degree(&S->t[i], g);
        if (d < 0 || d > 2) return 0;
        if (d == 2) {
            for (int k = 0; k < S->t[i].nf; k++)
                if (S->t[i].f[k].kind == FK_TENSOR && S->t[i].f[k].sym == g && S->t[i].f[k].power != 2) return 0;
            self = 1;
        }
    }
    Poly *lin = poly_select_degree(en, S, g, 1);
    gi->field = energy_simplify(en, poly_scale(en, energy_deriv(en, lin, g, gi->out), -1));
    if (g->utype == UT_BERNOULLI && !self) {
        gi->cond = COND_SIGMOID;
        return 1;
    }
    if (g->utype == UT_GAUSSIAN && self) {
        Poly *sq = poly_select_degree(en, S, g, 2);
        gi->quad = energy_simplify(en, poly_scale(en, energy_deriv(en, energy_deriv(en, sq, g, gi->out), g, gi->out), 0.5));
        gi->cond = COND_GAUSS_DIAG;
        return 1;
    }
    return 0;
}

Ancestral *derive_ancestral(Analysis *an) {
    if (an->ancestral) return an->ancestral;
    Model *m = an->m;
    Energy *en = an->en;
    Ancestral *a = ARENA_NEW(en->a, Ancestral);
    an->ancestral = a;
    a->g = ARENA_ARRAY(en->a, GroupInfo, m->nunits + 1);
    a->order = ARENA_ARRAY(en->a, int, m->nunits + 1);
    unsigned long long parents[64] = {0};
    int child_of[64];
    for (int u = 0; u < m->nunits; u++) {
        a->g[u].sym = m->units[u];
        a->g[u].out = an->g[u].out;
        a->g[u].cond = COND_OBSERVED;
        child_of[u] = 0;
    }
    int k = 0;
    for (int i = 0; i < m->block->nstmts; i++) {
        const Stmt *st = m->block->stmts[i];
        if (st->kind == ST_ENERGY) return none(a, "an energy line that is not a '~' statement");
        if (st->kind != ST_TILDE) continue;
        if (k >= m->nenergy) return none(a, "internal: statements and energies disagree");
        Sym *c = sema_lookup(m, st->expr->str);
        Poly *S = energy_expand_expr(en, m->energy[k++]);
        if (!c || c->kind != SYM_UNIT || child_of[c->id]++) return none(a, "a group is the child of two statements");
        for (int u = 0; u < m->nunits; u++)
            if (u != c->id && m->units[u]->role != ROLE_INPUT && poly_mentions(S, m->units[u])) parents[c->id] |= 1ULL << u;
        if (!statement_conditional(an, &a->g[c->id], S))
            return none(a, arena_printf(en->a, "the statement for '%s' has no exact sampler", c->name));
    }
    /* parents first; a cycle leaves groups unplaced */
    unsigned long long placed = 0;
    for (int changed = 1; changed;) {
        changed = 0;
        for (int u = 0; u < m->nunits; u++) {
            if (placed >> u & 1 || m->units[u]->role == ROLE_INPUT) continue;
            if (!child_of[u]) return none(a, arena_printf(en->a, "'%s' has no '~' statement", m->units[u]->name));
            if ((parents[u] & ~placed) == 0) {
                a->order[a->n++] = u;
                placed |= 1ULL << u;
                changed = 1;
            }
        }
    }
    for (int u = 0; u < m->nunits; u++)
        if (m->units[u]->role != ROLE_INPUT && !(placed >> u & 1)) return none(a, "the statements form a cycle");
    return a;
}
