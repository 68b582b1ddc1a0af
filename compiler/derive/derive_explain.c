/* derive_explain.c — what the compiler derived, for a person (text) or a program
 * (YAML). Both print the same facts from the Analysis; nothing is derived
 * here. */
#include "derive_explain.h"

#include <string.h>

#include "derive_lateral.h"
#include "derive_recurrent.h"
#include "energy_linear.h"

static const char *role_of(const Sym *s) { return ast_role_name(s->role); }
static void yaml_str(FILE *out, const char *s);

/* an input declared without a unit type holds real values */
static const char *type_of(const Sym *s) {
    return s->role == ROLE_INPUT && !s->stmt->type ? "real" : sema_unit_type_name(s->utype);
}

static void print_shape(FILE *out, const Sym *s) {
    fputc('[', out);
    for (int d = 0; d < s->ndim; d++) fprintf(out, "%s%lld", d ? ", " : "", s->dims[d]);
    fputc(']', out);
}

/* The group's name with its index variables: h[j], x[i, k]. */
static char *indexed(Analysis *an, const GroupInfo *gi, const Sym *s, const int *vars) {
    char *buf = arena_printf(an->en->a, "%s", s->name);
    if (s->ndim == 0) return buf;
    buf = arena_printf(an->en->a, "%s[", buf);
    for (int d = 0; d < s->ndim; d++)
        buf = arena_printf(an->en->a, "%s%s%s", buf, d ? ", " : "", an->en->vars[vars[d]].name);
    (void)gi;
    return arena_printf(an->en->a, "%s]", buf);
}

/* units coupled with each other and updated one at a time: their couplings
 * go inside the one formula of the conditional (derive_lateral.c) */
static int sequential(const GroupInfo *gi) {
    return gi->coupling && (gi->cond == COND_SIGMOID || gi->cond == COND_TANH);
}

static char *conditional_text(Analysis *an, const GroupInfo *gi) {
    Energy *en = an->en;
    const char *a = gi->field ? poly_string(en, gi->field) : "0";
    if (sequential(gi)) {
        LateralField lf = derive_lateral_field(an, gi);
        a = derive_lateral_text(an, gi, &lf);
    }
    switch (gi->cond) {
    case COND_SIGMOID: return arena_printf(en->a, "P(=1) = sigmoid(%s)", a);
    case COND_TANH: return arena_printf(en->a, "P(=+1) = sigmoid(2*(%s)), mean tanh(%s)", a, a);
    case COND_SOFTMAX:
        return arena_printf(en->a, "one-hot over %s with P = softmax(%s)",
                            en->vars[gi->out[gi->sym->ndim - 1]].name, a);
    case COND_BINOMIAL: return arena_printf(en->a, "binomial(%d, sigmoid(%s))", gi->sym->binomial_n, a);
    case COND_RELU: return arena_printf(en->a, "max(0, x + N(0, sigmoid(x))) with x = %s", a);
    case COND_GAUSS_DIAG: {
        const char *q = poly_string(en, gi->quad);
        return arena_printf(en->a, "normal with precision 2*q and mean a/(2*q), a = %s, q = %s", a, q);
    }
    case COND_GAUSS_FULL:
        return arena_printf(en->a, "multivariate normal, precision -J and mean (-J)^-1 a (drawn by Cholesky of the "
                                   "precision), a = %s", a);
    case COND_OBSERVED: return arena_printf(en->a, "observed input, never sampled");
    default: return arena_printf(en->a, "not tractable: %s", gi->why ? gi->why : "");
    }
}

/* The linear latent structure (compiler/energy/energy_linear.c), when there is one. */
static const char *lin_methods(const Linear *lin) {
    if (!lin->loading) return "";
    switch (lin->prior) {
    case PRIOR_GAUSSIAN: return lin->em_why ? "" : "em";
    case PRIOR_L1: return "sparse_coding";
    case PRIOR_FACTORIAL: return "ica";
    default: return "";
    }
}

static void explain_linear_text(FILE *out, Analysis *an) {
    const Linear *lin = an->lin;
    Energy *en = an->en;
    if (!lin || (!lin->gaussian && !lin->loading)) return;
    if (lin->gaussian) {
        fprintf(out, "\nlinear-Gaussian: exact posterior and marginal likelihood\n"
                     "  every group is Gaussian and E = u'Pu/2 - a'u + c is a quadratic form in the units u\n"
                     "  whose coefficients are parameters: the hidden groups' posterior is Gaussian with\n"
                     "  precision P_hh, and log p(visible) = log N(mu_v, Sigma_vv), Sigma = P^-1, mu = P^-1 a\n");
    } else {
        fprintf(out, "\nlinear latent model (not linear-Gaussian: %s)\n", lin->why_not);
    }
    if (!lin->loading) return;
    const char *x = lin->x->name, *h = lin->h->name;
    fprintf(out, "  %s = %s.%s%s%s + noise: loading %s%s, ", x, lin->loading->name, h, lin->mean ? " + " : "",
            lin->mean ? lin->mean->name : "", lin->loading->name, lin->loading_t ? " (indexed [h, x])" : "");
    if (lin->noise)
        fprintf(out, "noise %s (the precision of %s given %s is c*%s^%g, %s)\n", lin->noise->name, x, h, lin->noise->name,
                lin->noise_power, lin->isotropic ? "one value for every unit: PPCA" : "diagonal: factor analysis");
    else
        fprintf(out, "noise fixed (no parameter)\n");
    fprintf(out, "  prior on %s: %s\n", h, energy_prior_name(lin->prior));
    if (lin->prior == PRIOR_L1) {
        fprintf(out, "  |%s| weights: ", h);
        poly_print(out, en, lin->l1);
        fprintf(out, "\n  the smooth part's gradient (dEs.%s) and these weights give FISTA's gradient and\n"
                     "  proximal steps\n", h);
    }
    if (lin->prior == PRIOR_FACTORIAL)
        fprintf(out, "  ica fits the noiseless limit %s = %s.%s; the score of the prior is dE/d%s at %s = %s^-1 %s\n", x,
                lin->loading->name, h, h, h, lin->loading->name, x);
    const char *meth = lin_methods(lin);
    static const char *const how[] = {"", "closed-form EM", "FISTA for the codes, block-coordinate descent for the dictionary",
                                      "the natural gradient or FastICA, after whitening", ""};
    if (*meth) fprintf(out, "  training: method = %s (%s)\n", meth, how[lin->prior]);
    else if (lin->em_why) fprintf(out, "  closed-form EM: not available (%s)\n", lin->em_why);
}

static void explain_linear_yaml(FILE *out, Analysis *an) {
    const Linear *lin = an->lin;
    if (!lin || (!lin->gaussian && !lin->loading)) return;
    fprintf(out, "structure:\n  linear_gaussian: %s\n", lin->gaussian ? "true" : "false");
    if (!lin->loading) return;
    fprintf(out, "  observed: %s\n  latent: %s\n  loading: %s\n  loading_transposed: %s\n  mean: %s\n", lin->x->name,
            lin->h->name, lin->loading->name, lin->loading_t ? "true" : "false", lin->mean ? lin->mean->name : "null");
    fprintf(out, "  noise: %s\n  noise_power: %g\n  isotropic: %s\n  prior: ", lin->noise ? lin->noise->name : "null",
            lin->noise_power, lin->isotropic ? "true" : "false");
    yaml_str(out, energy_prior_name(lin->prior));
    const char *meth = lin_methods(lin);
    fprintf(out, "\n  methods: [%s]\n", meth);
}

/* u[k] with the recurrence's own index names */
static const char *state_at(Analysis *an, const Sym *g, const int *vars) {
    return indexed(an, NULL, g, vars);
}

/* a recurrent input group: the loop over time and what BPTT runs */
static void explain_recurrent_text(FILE *out, Analysis *an) {
    const Recurrence *r = an->recur;
    if (!r) return;
    Energy *en = an->en;
    Model *m = an->m;
    const char *u = r->group->name, *A = r->adjoint->name;
    fprintf(out, "\nrecurrence (%s holds the state the step before left; at the first step ", u);
    if (r->group->start) fprintf(out, "the parameter %s, learned):\n", r->group->start->name);
    else fprintf(out, "zeros):\n");
    fprintf(out, "  next %s = %s = ", u, state_at(an, r->let, r->vars));
    poly_print(out, en, r->next);
    fprintf(out, "\n  training: back-propagation through time of sum_t log p(visible[t] | %s[t-1]).\n"
                 "  Each step's phases give the statistics above and the state's, dF/d%s:\n    %s: ",
            u, u, state_at(an, r->group, r->vars2));
    poly_print(out, en, r->dfree);
    fprintf(out, "\n  %s, the gradient reaching %s from later steps, goes back through the recurrence:\n", A,
            r->let->name);
    fprintf(out, "    to %s: ", state_at(an, r->group, r->vars2));
    poly_print(out, en, r->dnext_state);
    fputc('\n', out);
    for (int p = 0; p < m->nparams; p++) {
        if (!r->dnext_param[p]) continue;
        fprintf(out, "    to %s: ", indexed(an, NULL, m->params[p], an->grad_out[p]));
        poly_print(out, en, r->dnext_param[p]);
        fputc('\n', out);
    }
}

static void explain_recurrent_yaml(FILE *out, Analysis *an) {
    const Recurrence *r = an->recur;
    if (!r) return;
    Energy *en = an->en;
    Model *m = an->m;
    fprintf(out, "recurrent:\n  group: %s\n  start: %s\n  next: ", r->group->name,
            r->group->start ? r->group->start->name : "null");
    yaml_str(out, poly_string(en, r->next));
    fprintf(out, "\n  dF_dstate: ");
    yaml_str(out, poly_string(en, r->dfree));
    fprintf(out, "\n  back_to_state: ");
    yaml_str(out, poly_string(en, r->dnext_state));
    fprintf(out, "\n  back_to_params:\n");
    for (int p = 0; p < m->nparams; p++) {
        if (!r->dnext_param[p]) continue;
        fprintf(out, "    %s: ", m->params[p]->name);
        yaml_str(out, poly_string(en, r->dnext_param[p]));
        fputc('\n', out);
    }
}

/* the energy's sections: blocks, free energy, the gradient statistics */
static void explain_energy_text(FILE *out, Analysis *an) {
    Model *m = an->m;
    Energy *en = an->en;
    fprintf(out, "\nblocks (sampled together; a sweep updates them in the order shown):\n");
    for (int k = 0; k < an->nblocks; k++) {
        int b = an->sweep[k];
        fprintf(out, "  block %d:", b);
        for (int u = 0; u < m->nunits; u++)
            if (an->g[u].block == b) fprintf(out, " %s", m->units[u]->name);
        fputc('\n', out);
    }
    fprintf(out, "\nfree energy");
    if (an->sum_mask) {
        fprintf(out, " (summing out");
        for (int u = 0; u < m->nunits; u++)
            if (an->sum_mask >> u & 1) fprintf(out, " %s", m->units[u]->name);
        fprintf(out, "):\n  F = ");
    } else {
        fprintf(out, " (no hidden group sums out in closed form; F is the energy):\n  F = ");
    }
    poly_print(out, en, an->free_energy);
    fprintf(out, "\n\ngradient statistics (dF/dparam; the log-likelihood gradient is\n"
                 "<dF/dparam>_model - <dF/dparam>_data):\n");
    for (int p = 0; p < m->nparams; p++) {
        const Sym *s = m->params[p];
        fprintf(out, "  %s: ", indexed(an, NULL, s, an->grad_out[p]));
        poly_print(out, en, an->grad[p]);
        fputc('\n', out);
    }
}

static void explain_log_z_text(FILE *out, Analysis *an) {
    Model *m = an->m;
    fprintf(out, "\nexact log Z: ");
    if (an->enum_log2_states < 0 || an->enum_log2_states > 30) {
        fprintf(out, "not enumerable (use AIS)\n");
    } else {
        fprintf(out, "enumerate 2^%.4g configurations", an->enum_log2_states);
        if (an->enum_sum_mask) {
            fprintf(out, ", summing out");
            for (int u = 0; u < m->nunits; u++)
                if (an->enum_sum_mask >> u & 1) fprintf(out, " %s", m->units[u]->name);
        }
        fputc('\n', out);
    }
}

static void explain_text(FILE *out, Analysis *an) {
    Model *m = an->m;
    Energy *en = an->en;
    /* a network (a loss, no energy, nothing sampled): the energy's sections
     * would all read 0 */
    int network = an->loss && an->loss->n && !en->E->n && !an->nblocks;
    fprintf(out, "model %s\n\n", m->name);
    if (network) {
        fprintf(out, "a network: no energy and no sampled units, only the loss below\n\n");
    } else {
        fprintf(out, "energy, expanded:\n  E = ");
        poly_print(out, en, en->E);
        fprintf(out, "\n\n");
    }
    fprintf(out, "unit groups:\n");
    for (int u = 0; u < m->nunits; u++) {
        GroupInfo *gi = &an->g[u];
        const Sym *s = gi->sym;
        fprintf(out, "  %s ", s->name);
        print_shape(out, s);
        fprintf(out, " : %s, %s", type_of(s), role_of(s));
        if (gi->block >= 0) fprintf(out, ", block %d", gi->block);
        fprintf(out, "\n    conditional: %s\n", energy_cond_name(gi->cond));
        fprintf(out, "      %s | rest: %s\n", indexed(an, gi, s, gi->out), conditional_text(an, gi));
        if (sequential(gi)) {
            LateralField lf = derive_lateral_field(an, gi);
            if (lf.dense) fprintf(out, "      %s\n", derive_lateral_j(an, gi, &lf));
            fprintf(out, "      the units of %s couple with each other: they are updated one at a time, each from "
                         "the others' current values (sequential single-site Gibbs)\n", s->name);
        } else if (gi->coupling) {
            const char *p = indexed(an, gi, s, gi->out), *p2 = indexed(an, gi, s, gi->out2);
            /* J[i, i2]: the two index lists of the group side by side */
            fprintf(out, "      J[%.*s, %.*s] = ", (int)strlen(p) - (int)strlen(s->name) - 2, p + strlen(s->name) + 1,
                    (int)strlen(p2) - (int)strlen(s->name) - 2, p2 + strlen(s->name) + 1);
            poly_print(out, en, gi->coupling);
            fputc('\n', out);
        }
        if (gi->cond != COND_OBSERVED)
            fprintf(out, "    sums out in closed form: %s\n", gi->sums_out ? "yes" : "no");
    }
    if (!network) explain_energy_text(out, an);
    if (an->loss && an->loss->n) {
        fprintf(out, "\nloss (minimised, per example):\n  L = ");
        poly_print(out, en, an->loss);
        fprintf(out, "\n\nloss gradients:\n");
        for (int p = 0; p < m->nparams; p++) {
            fprintf(out, "  %s: ", indexed(an, NULL, m->params[p], an->grad_out[p]));
            poly_print(out, en, an->loss_grad[p]);
            fputc('\n', out);
        }
    }
    if (!network) explain_log_z_text(out, an);
    explain_linear_text(out, an);
    explain_recurrent_text(out, an);
}

/* A YAML double-quoted scalar. */
static void yaml_str(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') fputc('\\', out);
        if (*s == '\n') {
            fputs("\\n", out);
            continue;
        }
        fputc(*s, out);
    }
    fputc('"', out);
}

static void explain_yaml(FILE *out, Analysis *an) {
    Model *m = an->m;
    Energy *en = an->en;
    fprintf(out, "model: %s\nenergy: ", m->name);
    yaml_str(out, poly_string(en, en->E));
    fprintf(out, "\ngroups:\n");
    for (int u = 0; u < m->nunits; u++) {
        GroupInfo *gi = &an->g[u];
        const Sym *s = gi->sym;
        fprintf(out, "  - name: %s\n    role: %s\n    type: %s\n    shape: ", s->name, role_of(s), type_of(s));
        print_shape(out, s);
        fprintf(out, "\n    conditional: %s\n    block: %d\n    sums_out: %s\n", energy_cond_name(gi->cond),
                gi->block, gi->sums_out ? "true" : "false");
        if (gi->field && gi->cond != COND_OBSERVED) {
            fprintf(out, "    field: ");
            yaml_str(out, poly_string(en, gi->field));
            fputc('\n', out);
        }
        if (gi->quad) {
            fprintf(out, "    quadratic: ");
            yaml_str(out, poly_string(en, gi->quad));
            fputc('\n', out);
        }
        if (sequential(gi)) {
            LateralField lf = derive_lateral_field(an, gi);
            fprintf(out, "    conditional_field: ");
            yaml_str(out, derive_lateral_text(an, gi, &lf));
            fputc('\n', out);
        }
        if (gi->coupling) {
            fprintf(out, "    couplings: ");
            yaml_str(out, poly_string(en, gi->coupling));
            fprintf(out, "\n    update: %s\n", gi->cond == COND_GAUSS_FULL ? "cholesky" : "sequential");
        }
    }
    fprintf(out, "blocks:\n");
    for (int k = 0; k < an->nblocks; k++) {
        int b = an->sweep[k];
        fprintf(out, "  - [");
        int first = 1;
        for (int u = 0; u < m->nunits; u++)
            if (an->g[u].block == b) {
                fprintf(out, "%s%s", first ? "" : ", ", m->units[u]->name);
                first = 0;
            }
        fprintf(out, "]\n");
    }
    fprintf(out, "free_energy:\n  sums_out: [");
    int first = 1;
    for (int u = 0; u < m->nunits; u++)
        if (an->sum_mask >> u & 1) {
            fprintf(out, "%s%s", first ? "" : ", ", m->units[u]->name);
            first = 0;
        }
    fprintf(out, "]\n  F: ");
    yaml_str(out, poly_string(en, an->free_energy));
    fprintf(out, "\nparams:\n");
    for (int p = 0; p < m->nparams; p++) {
        const Sym *s = m->params[p];
        fprintf(out, "  - name: %s\n    shape: ", s->name);
        print_shape(out, s);
        fprintf(out, "\n    gradient: ");
        yaml_str(out, poly_string(en, an->grad[p]));
        fputc('\n', out);
    }
    if (an->loss && an->loss->n) {
        fprintf(out, "loss:\n  L: ");
        yaml_str(out, poly_string(en, an->loss));
        fprintf(out, "\n  gradients:\n");
        for (int p = 0; p < m->nparams; p++) {
            fprintf(out, "    %s: ", m->params[p]->name);
            yaml_str(out, poly_string(en, an->loss_grad[p]));
            fputc('\n', out);
        }
    }
    fprintf(out, "exact_logz:\n  enumerable: %s\n",
            an->enum_log2_states >= 0 && an->enum_log2_states <= 30 ? "true" : "false");
    if (an->enum_log2_states >= 0) fprintf(out, "  log2_states: %.6g\n", an->enum_log2_states);
    explain_linear_yaml(out, an);
    explain_recurrent_yaml(out, an);
}

void derive_explain_print(FILE *out, Analysis *an, int yaml) {
    if (yaml) explain_yaml(out, an);
    else explain_text(out, an);
}
