/* ir_model.c — Analysis + IrProgram -> rt_model. */
#include "ir_model.h"

#include <string.h>

#include "derive_directed.h"
#include "derive_recurrent.h"
#include "interp.h"
#include "energy_linear.h"

static void interp_backend(void *backend, int kernel, float **bufs, int64_t B, uint64_t seed, uint64_t step,
                           int64_t row0) {
    interp_exec(backend, kernel, bufs, B, seed, step, row0);
}

static double num(const Expr *e) {
    if (e->kind == EX_NEG) return -num(e->lhs);
    return e->kind == EX_NUM ? e->num : 0;
}

/* sema accepted: zeros, ones, a number, normal(m, s), uniform(lo, hi),
 * constant(c) */
static void set_init(rt_param *q, const Expr *e) {
    q->init = RT_INIT_ZEROS;
    if (!e) return;
    if (e->kind == EX_NUM || e->kind == EX_NEG) {
        q->init = RT_INIT_CONST;
        q->init_a = num(e);
    } else if (e->kind == EX_NAME && !strcmp(e->str, "ones")) {
        q->init = RT_INIT_CONST;
        q->init_a = 1;
    } else if (e->kind == EX_CALL && e->nargs >= 1) {
        q->init_a = num(e->args[0].value);
        q->init_b = e->nargs > 1 ? num(e->args[1].value) : 0;
        q->init = !strcmp(e->str, "normal") ? RT_INIT_NORMAL : !strcmp(e->str, "uniform") ? RT_INIT_UNIFORM
                                                                                          : RT_INIT_CONST;
    }
}

/* the roles compiler/energy/energy_linear.c found, by group and param number */
static const rt_linear *desc_linear(Arena *a, const Analysis *an) {
    const Linear *lin = an->lin;
    if (!lin || (!lin->gaussian && !lin->loading)) return NULL;
    rt_linear *r = ARENA_NEW(a, rt_linear);
    r->gaussian = lin->gaussian;
    r->x = lin->x ? lin->x->id : -1;
    r->h = lin->h ? lin->h->id : -1;
    r->loading = lin->loading ? lin->loading->id : -1;
    r->loading_t = lin->loading_t;
    r->mean = lin->mean ? lin->mean->id : -1;
    r->noise = lin->noise ? lin->noise->id : -1;
    r->noise_power = lin->noise_power;
    r->isotropic = lin->isotropic;
    r->prior = (int)lin->prior;
    r->em_why = lin->em_why;
    r->why_not = lin->why_not;
    return r;
}

/* A gaussian_diag group's half-precision q (E holds q*g^2) of the form
 * c0 + c*x^k for one parameter x indexed by plain variables (x[i], or a
 * scalar): x is marked so the runtime can stop at a precision that is not
 * positive (rt_precision.c). Other forms (exp(l), s*t, a unit) are left to
 * the divergence check. */
static void mark_precision(rt_model *r, const Analysis *an, int u) {
    const GroupInfo *gi = &an->g[u];
    if (gi->cond != COND_GAUSS_DIAG || !gi->quad) return;
    const Factor *x = NULL;
    double c0 = 0, c = 0;
    for (int i = 0; i < gi->quad->n; i++) {
        const Term *t = &gi->quad->t[i];
        if (t->nvars || t->nsub || t->nguard || t->nf > 1) return;
        if (t->nf == 0) {
            c0 += t->coef;
            continue;
        }
        const Factor *f = &t->f[0];
        if (f->kind != FK_TENSOR || !f->sym || f->sym->kind != SYM_PARAM || f->nidx != f->sym->ndim) return;
        if (x && (x->sym != f->sym || x->power != f->power)) return;
        for (int d = 0; d < f->nidx; d++)
            if (f->idx[d].n != 1 || f->idx[d].coef[0] != 1 || f->idx[d].cst != 0) return;
        x = f;
        c += t->coef;
    }
    if (!x || c == 0) return;
    rt_param *q = &r->params[x->sym->id];
    q->precision = 1;
    q->precision_of = u;
    q->precision_power = x->power;
    q->precision_c0 = c0;
    q->precision_c = c;
}

/* The energy (and loss) as text with every index named x, x2, x3 in the
 * order it is bound: renaming i to k in the spec keeps a checkpoint's
 * structure. */
static const char *canonical_energy(Arena *a, const Analysis *an) {
    Energy *en = an->en;
    if (!en || !en->E) return NULL;
    const char **saved = ARENA_ARRAY(a, const char *, en->nvars + 1);
    for (int k = 0; k < en->nvars; k++) {
        saved[k] = en->vars[k].name;
        en->vars[k].name = "x";
    }
    const char *e = poly_string(en, en->E);
    if (en->L) e = arena_printf(a, "%s; loss %s", e, poly_string(en, en->L));
    for (int k = 0; k < en->nvars; k++) en->vars[k].name = saved[k];
    return e;
}

rt_model *ir_model_build(Arena *a, Analysis *an, IrProgram *p) {
    Model *m = an->m;
    rt_model *r = ARENA_NEW(a, rt_model);
    r->name = m->name;
    r->ngroups = m->nunits;
    r->groups = ARENA_ARRAY(a, rt_group, m->nunits + 1);
    for (int u = 0; u < m->nunits; u++) {
        const Sym *s = m->units[u];
        const GroupInfo *gi = &an->g[u];
        rt_group *g = &r->groups[u];
        g->name = s->name;
        g->role = s->role == ROLE_VISIBLE ? RT_VISIBLE : s->role == ROLE_HIDDEN ? RT_HIDDEN : RT_INPUT;
        g->utype = (int)s->utype;
        g->cond = (int)gi->cond;
        g->binomial_n = s->binomial_n;
        g->ndim = s->ndim;
        for (int d = 0; d < s->ndim; d++) g->dims[d] = s->dims[d];
        g->size = s->size;
        g->block = gi->block;
        g->sums_out = gi->sums_out;
        g->state_buf = ir_find_buf(p, BUF_STATE, u);
        g->mean_buf = ir_find_buf(p, BUF_MEAN, u);
        g->k_sample = ir_find_kernel(p, arena_printf(a, "cond.%s.sample", s->name));
        g->k_mean = ir_find_kernel(p, arena_printf(a, "cond.%s.mean", s->name));
        g->sampler = s->sampler;
        g->sampler_steps = s->sampler_steps;
        g->sampler_step_size = s->sampler_step_size;
        g->k_dstate = ir_find_kernel(p, arena_printf(a, "dE.%s", s->name));
        g->dstate_buf = ir_find_buf(p, BUF_DSTATE, u);
        g->clamp_buf = ir_find_buf(p, BUF_CLAMP, u);
        g->noise = s->noise;
        g->noise_p = s->noise_p;
        g->k_dsmooth = ir_find_kernel(p, arena_printf(a, "dEs.%s", s->name));
        g->k_l1 = ir_find_kernel(p, arena_printf(a, "l1.%s", s->name));
        g->k_prior = ir_find_kernel(p, arena_printf(a, "prior.%s", s->name));
    }
    r->nparams = m->nparams;
    r->params = ARENA_ARRAY(a, rt_param, m->nparams + 1);
    for (int i = 0; i < m->nparams; i++) {
        const Sym *s = m->params[i];
        rt_param *q = &r->params[i];
        q->name = s->name;
        q->ndim = s->ndim;
        for (int d = 0; d < s->ndim; d++) q->dims[d] = s->dims[d];
        q->size = s->size;
        set_init(q, s->init);
        if (s->logit_of) {
            q->init = RT_INIT_LOGIT_MEAN;
            q->init_a = s->logit_of->id;
            q->init_b = 0;
        }
        q->buf = ir_find_buf(p, BUF_PARAM, i);
        q->grad_buf = ir_find_buf(p, BUF_GRAD, i);
        q->offset_of = -1;
        q->offset_rate = s->offset_rate;
        for (int u = 0; s->offset_of && u < m->nunits; u++)
            if (!strcmp(m->units[u]->name, s->offset_of)) q->offset_of = u;
        q->fixed = s->fixed;
        q->mask = -1;
        for (int k = 0; s->mask_of && k < m->nparams; k++)
            if (!strcmp(m->params[k]->name, s->mask_of)) q->mask = k;
        q->mask_data = s->mask_data;
        q->init_data = s->init_data;
        q->lr_scale = s->lr_scale;
        q->momentum = s->momentum;
        q->weight_decay = s->weight_decay;
    }
    for (int u = 0; u < m->nunits; u++) mark_precision(r, an, u);
    r->nblocks = an->nblocks;
    r->sweep = an->sweep;
    r->nbufs = p->nbufs;
    r->buf_kind = ARENA_ARRAY(a, int, p->nbufs + 1);
    r->buf_batched = ARENA_ARRAY(a, int, p->nbufs + 1);
    r->buf_size = ARENA_ARRAY(a, int64_t, p->nbufs + 1);
    for (int i = 0; i < p->nbufs; i++) {
        r->buf_kind[i] = (int)p->bufs[i].kind;
        r->buf_batched[i] = p->bufs[i].batched;
        r->buf_size[i] = p->bufs[i].size;
    }
    r->k_free_energy = ir_find_kernel(p, "free_energy");
    r->k_energy = ir_find_kernel(p, "energy");
    r->k_free_energy_enum = ir_find_kernel(p, "free_energy_enum");
    r->k_free_energy_cond = ir_find_kernel(p, "free_energy_cond");
    r->fe_cond_buf = ir_find_buf(p, BUF_ROW, 4);
    r->cond_sum_mask = an->cond_sum_mask;
    r->cond_log2_states = an->cond_log2_states;
    r->k_grad = ir_find_kernel(p, "grad");
    r->k_grad_mean = ir_find_kernel(p, "grad.mean");
    r->fe_buf = ir_find_buf(p, BUF_ROW, 0);
    r->energy_buf = ir_find_buf(p, BUF_ROW, 1);
    r->fe_enum_buf = ir_find_buf(p, BUF_ROW, 2);
    r->weight_buf = ir_find_buf(p, BUF_WEIGHT, 0);
    r->k_loss = ir_find_kernel(p, "loss");
    r->k_grad_loss = ir_find_kernel(p, "grad_loss");
    r->loss_buf = ir_find_buf(p, BUF_ROW, 3);
    r->grad_loss_rows = r->k_grad_loss >= 0 && p->kernels[r->k_grad_loss].reverse;
    r->fe_exact = an->sum_mask == an->hidden_mask;
    r->enum_sum_mask = an->enum_sum_mask;
    r->enum_log2_states = an->enum_log2_states;
    r->lin = desc_linear(a, an);
    const Ancestral *anc = an->ancestral;   /* ir_build derived it */
    r->nancestral = anc ? anc->n : 0;
    r->ancestral = anc ? anc->order : NULL;
    r->energy_text = canonical_energy(a, an);
    if (an->recur) {
        rt_recurrent *rc = ARENA_NEW(a, rt_recurrent);
        rc->group = an->recur->group->id;
        rc->k_next = ir_find_kernel(p, "recur.next");
        rc->k_dfree = ir_find_kernel(p, "recur.dfree");
        rc->k_back = ir_find_kernel(p, "recur.back");
        rc->adjoint_buf = ir_find_buf(p, BUF_STATE, an->recur->adjoint->id);
        rc->start_param = an->recur->group->start ? an->recur->group->start->id : -1;
        r->recur = rc;
    }
    r->exec = interp_backend;
    r->backend = p;
    return r;
}
