/* energy_analyze.c — conditionals, neighbours and blocks of each group.
 *
 * Nothing here knows what an RBM is. For a group g, every term of the
 * expanded energy has a degree in g: 0 (g is not in it), 1 (it adds to g's
 * field), 2 (a quadratic self-term g[p]^2, or a coupling of two units of g),
 * or worse (g under a function, or cubed). The unit type and those degrees
 * decide the conditional. */
#include "derive.h"
#include "energy_linear.h"
#include "derive_recurrent.h"

#include <math.h>
#include <string.h>

const char *energy_cond_name(CondKind c) {
    static const char *names[] = {
#define X(id, name) name,
        CONDITIONALS(X)
#undef X
    };
    return names[c];
}

static int *group_vars_named(Energy *en, const Sym *g, const char *suffix);

/* Index variables for g's dimensions, named as the energy first indexes g. */
static int *group_vars(Energy *en, const Sym *g) { return group_vars_named(en, g, ""); }

int *energy_analyze_vars(Energy *en, const Sym *g) { return group_vars(en, g); }

static int *group_vars_named(Energy *en, const Sym *g, const char *suffix) {
    static const char *const fallback[] = {"i", "j", "k", "l", "m", "n", "o", "q"};
    int *out = ARENA_ARRAY(en->a, int, g->ndim + 1);
    const char *names[MAX_DIMS] = {0};
    for (int i = 0; i < en->E->n && !names[0]; i++) {
        const Term *t = &en->E->t[i];
        for (int k = 0; k < t->nf; k++) {
            const Factor *f = &t->f[k];
            if (f->kind != FK_TENSOR || f->sym != g) continue;
            for (int d = 0; d < f->nidx; d++) {
                int v;
                names[d] = affine_is_var(&f->idx[d], &v) ? en->vars[v].name : fallback[d];
            }
            break;
        }
    }
    for (int d = 0; d < g->ndim; d++)
        out[d] = energy_var(en, arena_printf(en->a, "%s%s", names[d] ? names[d] : fallback[d], suffix), g->dims[d]);
    return out;
}

static const char *term_text(Energy *en, const Term *t) {
    Poly one = {1, 1, (Term *)t};
    return poly_string(en, &one);
}

/* Degree-2 terms: one factor squared is a self-term; two factors couple
 * units of the same group. */
static int is_self_term(const Term *t, const Sym *g) {
    for (int k = 0; k < t->nf; k++)
        if (t->f[k].kind == FK_TENSOR && t->f[k].sym == g) return t->f[k].power == 2;
    return 0;
}

static void refuse(Energy *en, GroupInfo *gi, const char *why, const char *fix) {
    gi->cond = COND_INTRACTABLE;
    gi->sums_out = 0;
    gi->why = why;
    gi->fix = fix;
    (void)en;
}

/* The half-precision q of a Gaussian's self-term when no parameter enters
 * it (a learned one is checked while training): 1, with its value. */
static int const_quad(const Poly *quad, double *q) {
    *q = 0;
    if (!quad) return 0;
    for (int i = 0; i < quad->n; i++) {
        const Term *t = &quad->t[i];
        if (t->nf || t->nvars || t->nsub || t->nguard) return 0;
        *q += t->coef;
    }
    return 1;
}

static void analyze_group(Analysis *an, GroupInfo *gi) {
    Energy *en = an->en;
    double q;
    const Sym *g = gi->sym;
    gi->out = group_vars(en, g);
    if (g->role == ROLE_INPUT) {
        gi->cond = COND_OBSERVED;
        gi->block = -1;
        return;
    }
    const Term *bad = NULL, *pair = NULL;
    int nself = 0;
    for (int i = 0; i < en->E->n; i++) {
        const Term *t = &en->E->t[i];
        int deg = term_degree(t, g);
        if (deg < 0 || deg > 2) {
            if (!bad) bad = t;
        } else if (deg == 2) {
            if (is_self_term(t, g)) nself++;
            else if (!pair) pair = t;
        }
    }
    Poly *lin = poly_select_degree(en, en->E, g, 1);
    gi->field = energy_simplify(en, poly_scale(en, energy_deriv(en, lin, g, gi->out), -1));
    if (nself) {
        Poly *self = poly_new(en);
        for (int i = 0; i < en->E->n; i++)
            if (term_degree(&en->E->t[i], g) == 2 && is_self_term(&en->E->t[i], g))
                poly_push(en, self, en->E->t[i]);
        Poly *d1 = energy_deriv(en, self, g, gi->out);
        gi->quad = energy_simplify(en, poly_scale(en, energy_deriv(en, d1, g, gi->out), 0.5));
    }
    static const char *const hmc_fix = "give the group a sampler: ... : gaussian { sampler = hmc(steps = 10, step_size = 0.01) }";
    if (bad) {
        refuse(en, gi, arena_printf(en->a, "the term %s is %s in %s", term_text(en, bad),
                                    term_degree(bad, g) < 0 ? "not polynomial" : "of degree 3 or more", g->name),
               g->utype == UT_GAUSSIAN || g->utype == UT_LAPLACE
                   ? hmc_fix
                   : "discrete units with such terms need single-site Metropolis: { sampler = metropolis(steps = 10) }");
        return;
    }
    if (pair) {
        /* the quadratic part's negative Hessian: lateral couplings, or minus
         * the precision of a Gaussian (whose self-terms join it) */
        Poly *quad2 = poly_new(en);
        for (int i = 0; i < en->E->n; i++)
            if (term_degree(&en->E->t[i], g) == 2 && (g->utype == UT_GAUSSIAN || !is_self_term(&en->E->t[i], g)))
                poly_push(en, quad2, en->E->t[i]);
        gi->out2 = group_vars_named(en, g, "2");
        Poly *d2 = energy_deriv(en, energy_deriv(en, quad2, g, gi->out), g, gi->out2);
        energy_deltas_to_guards(en, d2);
        gi->coupling = energy_simplify(en, poly_scale(en, d2, -1));
        gi->lateral = 1;
    }
    switch (g->utype) {
    case UT_BERNOULLI:
    case UT_SPIN:
        if (nself && g->utype == UT_SPIN) break;
        gi->cond = g->utype == UT_BERNOULLI ? COND_SIGMOID : COND_TANH;
        gi->sums_out = !pair;   /* with laterals: sequential single-site Gibbs */
        return;
    case UT_SOFTMAX:
    case UT_BINOMIAL:
    case UT_RELU:
        if (pair) {
            refuse(en, gi, arena_printf(en->a, "the term %s couples units of %s with each other", term_text(en, pair), g->name),
                   "lateral couplings are sampled for bernoulli, spin and gaussian groups; use one of those types");
            return;
        }
        if (nself) break;
        gi->cond = g->utype == UT_SOFTMAX ? COND_SOFTMAX : g->utype == UT_BINOMIAL ? COND_BINOMIAL : COND_RELU;
        gi->sums_out = gi->cond != COND_RELU;
        return;
    case UT_GAUSSIAN:
        if (pair) {
            gi->cond = COND_GAUSS_FULL;
            gi->sums_out = 0;
            return;
        }
        if (!nself) {
            refuse(en, gi, arena_printf(en->a, "no term holds %s squared, so its density cannot be normalised", g->name),
                   arena_printf(en->a, "add a quadratic self-term, e.g. energy = sum(i) %s[i]^2/2", g->name));
            return;
        }
        if (const_quad(gi->quad, &q) && q <= 0) {
            refuse(en, gi, arena_printf(en->a, "the precision of %s is %g, not positive: the energy holds %s^2 times %g, so exp(-E) grows without bound",
                                        g->name, 2 * q, g->name, q),
                   arena_printf(en->a, "a Gaussian's energy needs + q*%s^2 with q > 0, e.g. energy = sum(i) %s[i]^2/2", g->name, g->name));
            return;
        }
        gi->cond = COND_GAUSS_DIAG;
        gi->sums_out = 1;
        return;
    case UT_LAPLACE:
    default:
        refuse(en, gi, arena_printf(en->a, "%s units have no exact conditional sampler yet", sema_unit_type_name(g->utype)),
               hmc_fix);
        return;
    }
    refuse(en, gi, arena_printf(en->a, "%s appears squared, which %s units do not simplify", g->name,
                                sema_unit_type_name(g->utype)),
           "write the energy linear in this group");
}

/* Groups sharing a term are neighbours; inputs are clamped and link nothing. */
static void find_neighbours(Analysis *an) {
    Model *m = an->m;
    for (int i = 0; i < an->en->E->n; i++) {
        const Term *t = &an->en->E->t[i];
        Poly one = {1, 1, (Term *)t};
        unsigned long long in = 0;
        for (int u = 0; u < m->nunits && u < 64; u++)
            if (m->units[u]->role != ROLE_INPUT && poly_mentions(&one, m->units[u])) in |= 1ULL << u;
        for (int u = 0; u < m->nunits && u < 64; u++)
            if (in >> u & 1) an->g[u].neighbours |= in & ~(1ULL << u);
    }
}

/* Greedy colouring in declaration order: 2 blocks for an RBM, odd/even
 * layers for a DBM. */
static void colour_blocks(Analysis *an) {
    Model *m = an->m;
    an->nblocks = 0;
    for (int u = 0; u < m->nunits; u++) {
        GroupInfo *gi = &an->g[u];
        if (gi->cond == COND_OBSERVED) continue;
        for (int c = 0;; c++) {
            int clash = 0;
            for (int v = 0; v < u; v++)
                if (an->g[v].block == c && (gi->neighbours >> v & 1)) clash = 1;
            if (!clash) {
                gi->block = c;
                if (c + 1 > an->nblocks) an->nblocks = c + 1;
                break;
            }
        }
    }
    /* a sweep starts with the blocks that hold no visible group, so from a
     * data vector it goes h | v, then v | h */
    an->sweep = ARENA_ARRAY(an->en->a, int, an->nblocks + 1);
    int n = 0;
    for (int pass = 0; pass < 2; pass++)
        for (int b = 0; b < an->nblocks; b++) {
            int vis = 0;
            for (int u = 0; u < m->nunits; u++)
                if (an->g[u].block == b && m->units[u]->role == ROLE_VISIBLE) vis = 1;
            if (vis == pass) an->sweep[n++] = b;
        }
}

static int independent(const Analysis *an, unsigned long long mask) {
    for (int u = 0; u < an->m->nunits && u < 64; u++)
        if ((mask >> u & 1) && (an->g[u].neighbours & mask)) return 0;
    return 1;
}

double energy_log2_states(const Analysis *an, unsigned long long mask) {
    double bits = 0;
    for (int u = 0; u < an->m->nunits && u < 64; u++) {
        if (!(mask >> u & 1)) continue;
        const Sym *s = an->m->units[u];
        switch (s->utype) {
        case UT_BERNOULLI:
        case UT_SPIN: bits += (double)s->size; break;
        case UT_SOFTMAX: bits += (double)(s->size / s->dims[s->ndim - 1]) * log2((double)s->dims[s->ndim - 1]); break;
        case UT_BINOMIAL: bits += (double)s->size * log2(s->binomial_n + 1.0); break;
        default: return -1;
        }
    }
    return bits;
}

/* The summed-out set that leaves the fewest configurations to enumerate. */
static void plan_enumeration(Analysis *an) {
    Model *m = an->m;
    unsigned long long sampled = 0;
    for (int u = 0; u < m->nunits && u < 64; u++)
        if (an->g[u].cond != COND_OBSERVED) sampled |= 1ULL << u;
    an->enum_log2_states = an->cond_log2_states = -1;
    if (m->nunits > 20) return;
    for (unsigned long long s = 0; s < (1ULL << m->nunits); s++) {
        if ((s & ~sampled) || !independent(an, s)) continue;
        int ok = 1;
        for (int u = 0; u < m->nunits; u++)
            if ((s >> u & 1) && !an->g[u].sums_out) ok = 0;
        if (!ok) continue;
        /* log p(v) holds the data: only hidden groups count, and only
         * hidden groups may be summed out (a DBM: h2, leaving h1) */
        unsigned long long hid = sampled & an->hidden_mask;
        double bits = energy_log2_states(an, hid & ~s);
        if (!(s & ~hid) && bits >= 0 && (an->cond_log2_states < 0 || bits < an->cond_log2_states)) {
            an->cond_log2_states = bits;
            an->cond_sum_mask = s;
        }
        bits = energy_log2_states(an, sampled & ~s);
        if (bits < 0) continue;
        if (an->enum_log2_states < 0 || bits < an->enum_log2_states) {
            an->enum_log2_states = bits;
            an->enum_sum_mask = s;
        }
    }
}

Analysis *energy_analyze(Arena *a, Diag *d, Model *m) {
    Analysis *an = ARENA_NEW(a, Analysis);
    an->m = m;
    an->en = energy_new(a, d, m);
    if (m->nunits > 64) {
        diag_error(d, m->span, "model '%s' has %d unit groups; at most 64 are supported", m->name, m->nunits);
        return NULL;
    }
    if (!energy_expand(an->en)) return NULL;
    an->g = ARENA_ARRAY(a, GroupInfo, m->nunits + 1);
    int errors = 0;
    an->loss = an->en->L;
    if (m->nenergy == 0) {
        /* a model that is only a loss: every group is data or noise */
        for (int u = 0; u < m->nunits; u++) {
            an->g[u].sym = m->units[u];
            an->g[u].block = -1;
            an->g[u].cond = COND_OBSERVED;
            an->g[u].out = energy_analyze_vars(an->en, m->units[u]);
            if (m->units[u]->role == ROLE_HIDDEN) {
                diag_error(d, m->units[u]->span, "hidden group '%s' in a model with a loss but no energy", m->units[u]->name);
                diag_note(d, m->units[u]->span, "a loss is a function of data and inputs; latent variables need an energy");
                errors++;
            }
        }
        if (errors) return NULL;
        an->sweep = ARENA_ARRAY(a, int, 1);
        an->free_energy = poly_new(an->en);
        an->grad = ARENA_ARRAY(a, Poly *, m->nparams + 1);
        an->grad_out = ARENA_ARRAY(a, int *, m->nparams + 1);
        an->loss_grad = ARENA_ARRAY(a, Poly *, m->nparams + 1);
        for (int p = 0; p < m->nparams; p++) {
            /* through kept lets only reverse mode differentiates (ir_kernels.c):
             * the symbolic gradient would hold them constant */
            an->loss_grad[p] = derive_gradient(an, m->keep_lets ? poly_new(an->en) : an->loss, m->params[p], &an->grad_out[p]);
            an->grad[p] = poly_new(an->en);
        }
        an->enum_log2_states = an->cond_log2_states = -1;
        return d->errors ? NULL : an;
    }
    for (int u = 0; u < m->nunits; u++) {
        an->g[u].sym = m->units[u];
        an->g[u].block = -1;
        analyze_group(an, &an->g[u]);
        GroupInfo *gi = &an->g[u];
        if (gi->sym->sampler != SAMPLER_EXACT && gi->cond != COND_OBSERVED) {
            /* the group's sampler replaces its conditional, exact or not */
            gi->cond = COND_INTRACTABLE;
            gi->sums_out = 0;
            gi->lateral = 0;
        } else if (gi->cond == COND_INTRACTABLE) {
            diag_error(d, gi->sym->span, "the conditional of '%s' given the rest is not one ebmc can sample exactly",
                       gi->sym->name);
            diag_note(d, gi->sym->span, "%s", gi->why);
            diag_note(d, gi->sym->span, "%s", gi->fix);
            errors++;
        }
        if (m->units[u]->role == ROLE_HIDDEN) an->hidden_mask |= 1ULL << u;
    }
    if (errors) return NULL;
    find_neighbours(an);
    colour_blocks(an);
    an->sum_mask = an->hidden_mask;
    for (int u = 0; u < m->nunits; u++)
        if ((an->hidden_mask >> u & 1) && !an->g[u].sums_out) an->sum_mask = 0;
    if (!independent(an, an->sum_mask)) an->sum_mask = 0;
    an->free_energy = derive_free_energy(an, an->sum_mask);
    an->grad = ARENA_ARRAY(a, Poly *, m->nparams + 1);
    an->grad_out = ARENA_ARRAY(a, int *, m->nparams + 1);
    an->loss_grad = ARENA_ARRAY(a, Poly *, m->nparams + 1);
    for (int p = 0; p < m->nparams; p++) {
        an->grad[p] = derive_gradient(an, an->free_energy, m->params[p], &an->grad_out[p]);
        if (an->loss->n)
            an->loss_grad[p] = energy_simplify(an->en, energy_deriv(an->en, an->loss, m->params[p], an->grad_out[p]));
    }
    plan_enumeration(an);
    an->lin = energy_linear_structure(an);
    an->recur = derive_recurrence(an);
    return d->errors ? NULL : an;
}
