/* ir_kernels.c — the kernels every model gets, from its Analysis.
 *
 *   cond.G.sample  a Gibbs update of group G: its field, conditional mean
 *                  and a draw, fused in one pass per element
 *   cond.G.mean    the same without the draw (mean-field, positive phase):
 *                  the state becomes the mean
 *   free_energy    F per row, with the hidden groups summed out when they can be
 *   energy         E per row
 *   free_energy_enum  F with the groups of the enumeration plan summed out
 *   grad           every parameter's weighted statistic sum_b w[b] dF/dparam
 *   grad.mean      the same statistic from the summed-out groups' mean
 *                  buffers (sum_b w[b] dE/dparam at h = E[h | rest]), when E
 *                  is affine in each of their units: the training loop runs
 *                  it right after those groups' cond kernels, which saves
 *                  recomputing their fields (one GEMM per phase for an RBM)
 *   dE.G           dE/dG per row: HMC's force, and for linear latent models
 *                  (compiler/energy/energy_linear.c) the precision and the prior's
 *                  score the closed-form methods read
 *   dEs.G, l1.G    sparse coding: the gradient of the energy's smooth part
 *                  and the weights of |G| (FISTA's two steps)
 *   prior.G        a draw of G from its own "~" statement given its parents
 *                  (ancestral sampling, compiler/derive/derive_directed.c)
 *   recur.next     a recurrent input group U's next value into U's mean
 *                  buffer (compiler/derive/derive_recurrent.h)
 *   recur.dfree    dF/dU per row into U's dE buffer
 *   recur.back     the adjoint A_U sent through the recurrence: added to
 *                  the parameters' gradients (weighted rows), and on to U
 *                  per row into U's dE buffer */
#include "ir_kernels.h"

#include <stdlib.h>
#include <string.h>

#include "derive_directed.h"
#include "derive_recurrent.h"
#include "ir_lower.h"
#include "ir_reverse.h"
#include "energy_linear.h"

/* Groups that get a dE.<g> kernel: HMC follows it, and the closed-form
 * methods of linear latent models read the precision and the prior's score
 * from it (runtime/run/rt_linear.c, rt_ica.c, rt_sparse.c). */
static int needs_de(const Analysis *an, int u) {
    const Sym *s = an->m->units[u];
    const Linear *lin = an->lin;
    if (s->sampler == SAMPLER_HMC) return 1;
    if (s->role == ROLE_INPUT || !lin) return 0;
    return lin->gaussian || s == lin->x || s == lin->h;
}

static void add_buffers(Lower *L) {
    Model *m = L->an->m;
    for (int p = 0; p < m->nparams; p++) {
        const Sym *s = m->params[p];
        IrBuf b = {.kind = BUF_PARAM, .ref = p, .name = s->name, .ndim = s->ndim};
        mem_copy(b.dims, s->dims, sizeof(long long) * (size_t)s->ndim);
        lower_add_buf(L, b);
        b.kind = BUF_GRAD;
        b.name = arena_printf(L->a, "d%s", s->name);
        lower_add_buf(L, b);
    }
    for (int u = 0; u < m->nunits; u++) {
        const Sym *s = m->units[u];
        IrBuf b = {.kind = BUF_STATE, .ref = u, .name = s->name, .ndim = s->ndim, .batched = 1};
        mem_copy(b.dims, s->dims, sizeof(long long) * (size_t)s->ndim);
        lower_add_buf(L, b);
        b.kind = BUF_MEAN;
        b.name = arena_printf(L->a, "mean_%s", s->name);
        lower_add_buf(L, b);
        b.kind = BUF_CLAMP;
        b.name = arena_printf(L->a, "clamp_%s", s->name);
        lower_add_buf(L, b);
        if (needs_de(L->an, u) || s->recurrent) {
            b.kind = BUF_DSTATE;
            b.name = arena_printf(L->a, "dE_%s", s->name);
            lower_add_buf(L, b);
        }
    }
    static const char *rows[] = {"free_energy", "energy", "free_energy_enum", "loss", "free_energy_cond"};
    for (int r = 0; r < 5; r++) lower_add_buf(L, (IrBuf){.kind = BUF_ROW, .ref = r, .name = rows[r], .batched = 1});
    lower_add_buf(L, (IrBuf){.kind = BUF_WEIGHT, .ref = 0, .name = "weight", .batched = 1});
}

static IrX *draw(Lower *L, XOp op) {
    IrX *x = ir_op(L, op, NULL, NULL);
    x->stream = L->p->nstreams++;
    return x;
}

static IrX *select01(Lower *L, IrX *cond, double yes, double no) {
    IrX *x = ir_op(L, X_SELECT, ir_const(L, yes), ir_const(L, no));
    x->s = cond;
    return x;
}

static void assign(Lower *L, IrStmt *s, AssignKind kind, int target, int nvars, IrX *x) {
    int cap = s->nassign;
    IrAssign *as = arena_grow(L->a, &s->assign, &s->nassign, &cap, sizeof(IrAssign));
    memset(as, 0, sizeof *as);
    as->kind = kind;
    as->x = x;
    if (kind == A_LOCAL) {
        as->local = target;
        if (target + 1 > s->nlocals) s->nlocals = target + 1;
    } else {
        as->buf = target;
        as->nidx = nvars;
        for (int i = 0; i < nvars; i++) as->idx[i] = (IrIdx){.n = 1, .var = {i}, .coef = {1}};
    }
    s->nassign++;
}

/* name: the kernel's, NULL for cond.G.sample / cond.G.mean */
static void cond_kernel(Lower *L, const GroupInfo *gi, int sample, const char *name) {
    const Sym *g = gi->sym;
    lower_begin_kernel(L, name ? name : arena_printf(L->a, "cond.%s.%s", g->name, sample ? "sample" : "mean"));
    int vars[IR_MAX_DIMS + 1], n = 0;
    vars[n++] = VAR_BATCH;
    for (int d = 0; d < g->ndim; d++) vars[n++] = gi->out[d];
    int state = ir_find_buf(L->p, BUF_STATE, g->id), mean = ir_find_buf(L->p, BUF_MEAN, g->id);
    if (gi->cond == COND_SOFTMAX) {
        int field = lower_materialize(L, gi->field, vars, n);
        IrStmt *s = lower_stmt(L, S_SOFTMAX);
        s->mode = sample ? SM_SAMPLE : SM_PROBS;
        s->in = field;
        s->out = state;
        s->aux = mean;
        s->rows = (IrExt){g->size / g->dims[g->ndim - 1], 1};
        s->width = g->dims[g->ndim - 1];
        if (sample) s->stream = L->p->nstreams++;
        return;
    }
    if (gi->lateral) {
        /* the field without the couplings, and the couplings, for every unit;
         * the statement then visits the units one after another */
        int field = lower_materialize(L, gi->field, vars, n);
        int cv[2 * IR_MAX_DIMS + 1], nc = 0;
        if (poly_free_var(gi->coupling, VAR_BATCH)) cv[nc++] = VAR_BATCH;
        for (int d = 0; d < g->ndim; d++) cv[nc++] = gi->out[d];
        for (int d = 0; d < g->ndim; d++) cv[nc++] = gi->out2[d];
        int J = lower_materialize(L, gi->coupling, cv, nc);
        IrStmt *s = lower_stmt(L, gi->cond == COND_GAUSS_FULL ? S_GAUSS : S_SEQ);
        s->in = field;
        s->buf = J;
        s->coupling_batched = cv[0] == VAR_BATCH;
        s->mask = ir_find_buf(L->p, BUF_CLAMP, g->id);
        s->out = state;
        s->aux = mean;
        s->rows = (IrExt){1, 1};
        s->width = g->size;
        s->spin = gi->cond == COND_TANH;
        s->sample = sample;
        if (sample) s->stream = L->p->nstreams++;
        return;
    }
    int *slots = ARENA_ARRAY(L->a, int, L->en->nvars + 1);
    for (int i = 0; i < L->en->nvars; i++) slots[i] = -1;
    for (int i = 0; i < n; i++) slots[vars[i]] = i;
    IrX *field = lower_value(L, gi->field, vars, n, slots);
    IrX *quad = gi->quad ? lower_value(L, gi->quad, vars, n, slots) : NULL;
    IrStmt *s = lower_stmt(L, S_LOOP);
    s->nvars = n;
    s->ext[0] = (IrExt){1, 1};
    for (int d = 0; d < g->ndim; d++) s->ext[d + 1] = (IrExt){g->dims[d], 0};
    assign(L, s, A_LOCAL, 0, 0, field);
    IrX *a = ir_local(L, 0), *m = NULL, *x = NULL;
    switch (gi->cond) {
    case COND_SIGMOID:
        m = ir_fn(L, F_SIGMOID, a);
        assign(L, s, A_LOCAL, 1, 0, m);
        m = ir_local(L, 1);
        if (sample) x = select01(L, ir_op(L, X_LT, draw(L, X_UNIFORM), m), 1, 0);
        break;
    case COND_TANH:
        m = ir_fn(L, F_TANH, a);
        if (sample)
            x = select01(L, ir_op(L, X_LT, draw(L, X_UNIFORM), ir_fn(L, F_SIGMOID, ir_op(L, X_MUL, ir_const(L, 2), a))), 1, -1);
        break;
    case COND_BINOMIAL: {
        assign(L, s, A_LOCAL, 1, 0, ir_fn(L, F_SIGMOID, a));
        IrX *p = ir_local(L, 1);
        m = ir_op(L, X_MUL, ir_const(L, g->binomial_n), p);
        if (sample)
            for (int t = 0; t < g->binomial_n; t++) {
                IrX *one = select01(L, ir_op(L, X_LT, draw(L, X_UNIFORM), p), 1, 0);
                x = x ? ir_op(L, X_ADD, x, one) : one;
            }
        break;
    }
    case COND_RELU:
        m = ir_op(L, X_MAX, ir_const(L, 0), a);
        if (sample) {
            IrX *sd = ir_fn(L, F_SQRT, ir_fn(L, F_SIGMOID, a));
            x = ir_op(L, X_MAX, ir_const(L, 0), ir_op(L, X_ADD, a, ir_op(L, X_MUL, sd, draw(L, X_NORMAL))));
        }
        break;
    case COND_GAUSS_DIAG: {
        /* p(x) ~ exp(-q x^2 + a x): mean a/(2q), variance 1/(2q) */
        assign(L, s, A_LOCAL, 1, 0, ir_op(L, X_MUL, ir_const(L, 2), quad));
        IrX *prec = ir_local(L, 1);
        m = ir_op(L, X_DIV, a, prec);
        assign(L, s, A_LOCAL, 2, 0, m);
        m = ir_local(L, 2);
        if (sample)
            x = ir_op(L, X_ADD, m, ir_op(L, X_MUL, draw(L, X_NORMAL), ir_fn(L, F_SQRT, ir_op(L, X_DIV, ir_const(L, 1), prec))));
        break;
    }
    default: m = a; break;
    }
    assign(L, s, A_STORE, mean, n, m);
    assign(L, s, A_STORE, state, n, sample ? x : m);
}

/* E[dE/dparam | rest] is dE/dparam at the conditional means when every
 * term holds each summed-out group at most once, to the first power (the
 * units of one group are independent given the rest, and so are different
 * summed-out groups), and the group's mean buffer holds that expectation. */
static int grad_mean_ok(const Analysis *an, Poly **dE) {
    Model *m = an->m;
    if (!an->sum_mask || an->sum_mask != an->hidden_mask) return 0;
    for (int u = 0; u < m->nunits; u++) {
        if (!(an->sum_mask >> u & 1)) continue;
        CondKind c = an->g[u].cond;
        if (c != COND_SIGMOID && c != COND_TANH && c != COND_SOFTMAX && c != COND_GAUSS_DIAG && c != COND_BINOMIAL)
            return 0;
    }
    for (int p = 0; p < m->nparams; p++)
        for (int i = 0; i < dE[p]->n; i++) {
            const Term *t = &dE[p]->t[i];
            for (int u = 0; u < m->nunits; u++) {
                if (!(an->sum_mask >> u & 1)) continue;
                if (term_degree(t, m->units[u]) < 0) return 0;   /* inside a function */
                int seen = 0;
                for (int f = 0; f < t->nf; f++) {
                    const Factor *fa = &t->f[f];
                    if (fa->kind == FK_TENSOR && fa->sym == m->units[u] && (fa->power != 1 || fa->fn != FN_NONE || seen++))
                        return 0;
                }
            }
        }
    return 1;
}

static void grad_mean_kernel(Lower *L) {
    Analysis *an = L->an;
    Model *m = an->m;
    Poly **dE = ARENA_ARRAY(L->a, Poly *, m->nparams + 1);
    int **out = ARENA_ARRAY(L->a, int *, m->nparams + 1);
    for (int p = 0; p < m->nparams; p++) dE[p] = derive_gradient(an, an->en->E, m->params[p], &out[p]);
    if (!grad_mean_ok(an, dE)) return;
    lower_begin_kernel(L, "grad.mean");
    L->mean_units = an->sum_mask;
    int w = ir_find_buf(L->p, BUF_WEIGHT, 0);
    for (int p = 0; p < m->nparams; p++)
        lower_into(L, lower_weighted(L, dE[p], w), ir_find_buf(L->p, BUF_GRAD, p), out[p], m->params[p]->ndim, 1);
    L->mean_units = 0;
}

static void recurrent_kernels(Lower *L, const Recurrence *r) {
    Model *m = L->an->m;
    const Sym *u = r->group;
    IrBuf b = {.kind = BUF_STATE, .ref = r->adjoint->id, .name = r->adjoint->name, .ndim = u->ndim, .batched = 1};
    mem_copy(b.dims, u->dims, sizeof(long long) * (size_t)u->ndim);
    lower_add_buf(L, b);
    int v1[IR_MAX_DIMS + 1] = {VAR_BATCH}, v2[IR_MAX_DIMS + 1] = {VAR_BATCH}, n = 1 + u->ndim;
    mem_copy(v1 + 1, r->vars, sizeof(int) * (size_t)u->ndim);
    mem_copy(v2 + 1, r->vars2, sizeof(int) * (size_t)u->ndim);
    int dstate = ir_find_buf(L->p, BUF_DSTATE, u->id);
    lower_begin_kernel(L, "recur.next");
    lower_into(L, r->next, ir_find_buf(L->p, BUF_MEAN, u->id), v1, n, 0);
    lower_begin_kernel(L, "recur.dfree");
    lower_into(L, r->dfree, dstate, v2, n, 0);
    lower_begin_kernel(L, "recur.back");
    int w = ir_find_buf(L->p, BUF_WEIGHT, 0);
    for (int p = 0; p < m->nparams; p++)
        if (r->dnext_param[p])
            lower_into(L, lower_weighted(L, r->dnext_param[p], w), ir_find_buf(L->p, BUF_GRAD, p), L->an->grad_out[p],
                       m->params[p]->ndim, 1);
    lower_into(L, r->dnext_state, dstate, v2, n, 0);
}

static void row_kernel(Lower *L, const char *name, const Poly *P, int row) {
    lower_begin_kernel(L, name);
    int vars[1] = {VAR_BATCH};
    lower_into(L, P, ir_find_buf(L->p, BUF_ROW, row), vars, 1, 0);
}

IrProgram *ir_build(Arena *a, Analysis *an) {
    Lower L = {.a = a, .en = an->en, .an = an};
    L.p = ARENA_NEW(a, IrProgram);
    add_buffers(&L);
    Model *m = an->m;
    for (int u = 0; u < m->nunits; u++) {
        const GroupInfo *gi = &an->g[u];
        if (needs_de(an, u)) {
            /* HMC follows dE/dx with the other groups held */
            lower_begin_kernel(&L, arena_printf(a, "dE.%s", gi->sym->name));
            int vars[IR_MAX_DIMS + 1], n = 0;
            vars[n++] = VAR_BATCH;
            for (int d = 0; d < gi->sym->ndim; d++) vars[n++] = gi->out[d];
            Poly *dE = energy_simplify(an->en, energy_deriv(an->en, an->en->E, gi->sym, gi->out));
            lower_into(&L, dE, ir_find_buf(L.p, BUF_DSTATE, u), vars, n, 0);
            if (an->lin && an->lin->prior == PRIOR_L1 && gi->sym == an->lin->h) {
                /* sparse coding: the gradient of the smooth part and the
                 * weights of |h| (FISTA's gradient and proximal steps) */
                lower_begin_kernel(&L, arena_printf(a, "dEs.%s", gi->sym->name));
                Poly *dS = energy_simplify(an->en, energy_deriv(an->en, an->lin->smooth, gi->sym, gi->out));
                lower_into(&L, dS, ir_find_buf(L.p, BUF_DSTATE, u), vars, n, 0);
                lower_begin_kernel(&L, arena_printf(a, "l1.%s", gi->sym->name));
                lower_into(&L, an->lin->l1, ir_find_buf(L.p, BUF_DSTATE, u), vars, n, 0);
            }
        }
        if (gi->cond == COND_OBSERVED || gi->cond == COND_INTRACTABLE) continue;
        cond_kernel(&L, gi, 1, NULL);
        cond_kernel(&L, gi, 0, NULL);
    }
    /* directed models: each group drawn from its own statement, parents
     * first (ancestral sampling: wake-sleep's sleep phase) */
    Ancestral *anc = an->m->nenergy ? derive_ancestral(an) : NULL;
    for (int k = 0; anc && k < anc->n; k++) {
        const GroupInfo *gi = &anc->g[anc->order[k]];
        cond_kernel(&L, gi, 1, arena_printf(a, "prior.%s", gi->sym->name));
    }
    row_kernel(&L, "free_energy", an->free_energy, 0);
    row_kernel(&L, "energy", an->en->E, 1);
    if (an->enum_log2_states >= 0)
        row_kernel(&L, "free_energy_enum", derive_free_energy(an, an->enum_sum_mask), 2);
    /* exact log p(v) where the hidden groups do not all sum out */
    if (an->cond_log2_states >= 0 && an->sum_mask != an->hidden_mask)
        row_kernel(&L, "free_energy_cond", derive_free_energy(an, an->cond_sum_mask), 4);
    lower_begin_kernel(&L, "grad");
    int w = ir_find_buf(L.p, BUF_WEIGHT, 0);
    for (int p = 0; p < m->nparams; p++) {
        const Sym *s = m->params[p];
        Poly *g = lower_weighted(&L, an->grad[p], w);
        lower_into(&L, g, ir_find_buf(L.p, BUF_GRAD, p), an->grad_out[p], s->ndim, 1);
    }
    grad_mean_kernel(&L);
    if (an->recur) recurrent_kernels(&L, an->recur);
    if (an->loss->n) {
        row_kernel(&L, "loss", an->loss, 3);
        /* reverse mode over the loss kernel; the symbolic gradient of each
         * parameter where it cannot, or where EBMC_LOSS_GRAD=symbolic */
        const char *mode = getenv("EBMC_LOSS_GRAD");
        if ((!mode || strcmp(mode, "symbolic")) &&
            ir_reverse(&L, L.p->nkernels - 1, ir_find_buf(L.p, BUF_ROW, 3), w, "grad_loss") >= 0)
            return L.p;
        if (m->keep_lets) {
            /* no symbolic fallback through kept lets (energy_analyze.c) */
            fprintf(stderr, "ebmc: internal error: reverse mode failed on the loss of '%s'\n", m->name);
            abort();
        }
        lower_begin_kernel(&L, "grad_loss");
        for (int p = 0; p < m->nparams; p++) {
            if (!an->loss_grad[p] || !an->loss_grad[p]->n) continue;
            Poly *g = lower_weighted(&L, an->loss_grad[p], w);
            lower_into(&L, g, ir_find_buf(L.p, BUF_GRAD, p), an->grad_out[p], m->params[p]->ndim, 1);
        }
    }
    return L.p;
}
