/* aot_emit.c — a compiled model as C source (aot_emit.h). Numbers are
 * written exactly: integers in decimal, doubles as hexadecimal floats. */
#include "aot_emit.h"

#include <math.h>
#include <string.h>

void aot_emit_string(FILE *f, const char *s) {
    if (!s) {
        fputs("NULL", f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
        else if (c < 32 || c >= 127) fprintf(f, "\\%03o", c);
        else fputc(c, f);
    }
    fputc('"', f);
}

static void num(FILE *f, double v) {
    if (isnan(v)) fputs("NAN", f);
    else if (isinf(v)) fputs(v < 0 ? "-INFINITY" : "INFINITY", f);
    else fprintf(f, "%a", v);
}

static void dims(FILE *f, int n, const int64_t *d) {
    fputc('{', f);
    for (int i = 0; i < n; i++) fprintf(f, "%s%lld", i ? ", " : "", (long long)d[i]);
    fputc('}', f);
}

static void ints(FILE *f, const char *type, const char *name, const int *v, int n) {
    fprintf(f, "static %s %s[] = {", type, name);
    for (int i = 0; i < n; i++) fprintf(f, "%s%d", i ? ", " : "", v[i]);
    fprintf(f, "%s};\n", n ? "" : "0");
}

static void group(FILE *f, const rt_group *g) {
    fputs("    {.name = ", f);
    aot_emit_string(f, g->name);
    fprintf(f, ", .role = %d, .utype = %d, .cond = %d, .binomial_n = %d, .ndim = %d, .dims = ", g->role, g->utype,
            g->cond, g->binomial_n, g->ndim);
    dims(f, g->ndim, g->dims);
    fprintf(f, ", .size = %lld, .block = %d, .sums_out = %d, .state_buf = %d, .mean_buf = %d,\n", (long long)g->size,
            g->block, g->sums_out, g->state_buf, g->mean_buf);
    fprintf(f, "     .k_sample = %d, .k_mean = %d, .sampler = %d, .sampler_steps = %d, .sampler_step_size = ",
            g->k_sample, g->k_mean, g->sampler, g->sampler_steps);
    num(f, g->sampler_step_size);
    fprintf(f, ", .k_dstate = %d, .dstate_buf = %d,\n     .clamp_buf = %d, .noise = %d, .noise_p = ", g->k_dstate,
            g->dstate_buf, g->clamp_buf, g->noise);
    num(f, g->noise_p);
    fprintf(f, ", .k_dsmooth = %d, .k_l1 = %d, .k_prior = %d},\n", g->k_dsmooth, g->k_l1, g->k_prior);
}

static void param(FILE *f, const rt_param *q, int i) {
    fputs("    {.name = ", f);
    aot_emit_string(f, q->name);
    fprintf(f, ", .ndim = %d, .dims = ", q->ndim);
    dims(f, q->ndim, q->dims);
    fprintf(f, ", .size = %lld, .init = %d, .init_a = ", (long long)q->size, q->init);
    num(f, q->init_a);
    fputs(", .init_b = ", f);
    num(f, q->init_b);
    fprintf(f, ", .buf = %d, .grad_buf = %d, .offset_of = %d, .offset_rate = ", q->buf, q->grad_buf, q->offset_of);
    num(f, q->offset_rate);
    fprintf(f, ", .fixed = %d, .mask = %d, .lr_scale = ", q->fixed, q->mask);
    num(f, q->lr_scale);
    fputs(", .momentum = ", f);
    num(f, q->momentum);
    fputs(", .weight_decay = ", f);
    num(f, q->weight_decay);
    if (q->precision) {
        fprintf(f, ", .precision = 1, .precision_of = %d, .precision_power = %d, .precision_c0 = ", q->precision_of,
                q->precision_power);
        num(f, q->precision_c0);
        fputs(", .precision_c = ", f);
        num(f, q->precision_c);
    }
    if (q->mask_data) fprintf(f, ", .mask_data = mask_%d", i);
    if (q->init_data) fprintf(f, ", .init_data = init_%d", i);
    fputs("},\n", f);
}

static void linear(FILE *f, const rt_linear *l) {
    fprintf(f, "static const rt_linear linear = {.gaussian = %d, .x = %d, .h = %d, .loading = %d, .loading_t = %d, "
               ".mean = %d, .noise = %d, .noise_power = ",
            l->gaussian, l->x, l->h, l->loading, l->loading_t, l->mean, l->noise);
    num(f, l->noise_power);
    fprintf(f, ", .isotropic = %d, .prior = %d, .em_why = ", l->isotropic, l->prior);
    aot_emit_string(f, l->em_why);
    fputs(", .why_not = ", f);
    aot_emit_string(f, l->why_not);
    fputs("};\n", f);
}

void aot_emit_model_c(FILE *f, const rt_model *m, const char *prefix, const char *params_blob) {
    fprintf(f, "typedef void (*ebmc_kernel)(float **bufs, int64_t B, uint64_t seed, uint64_t step, int64_t row0);\n"
               "extern const ebmc_kernel %s_kernels[];\n\n"
               "static void exec(void *backend, int kernel, float **bufs, int64_t B, uint64_t seed, uint64_t step,\n"
               "                 int64_t row0) {\n"
               "    (void)backend;\n    %s_kernels[kernel](bufs, B, seed, step, row0);\n}\n\n",
               prefix, prefix);
    fputs("static rt_group groups[] = {\n", f);
    for (int g = 0; g < m->ngroups; g++) group(f, &m->groups[g]);
    fputs("};\n", f);
    for (int i = 0; i < m->nparams; i++) {
        if (m->params[i].mask_data) {
            fprintf(f, "static const float mask_%d[] = {", i);
            for (int64_t k = 0; k < m->params[i].size; k++) fputs(m->params[i].mask_data[k] != 0 ? "1," : "0,", f);
            fputs("};\n", f);
        }
        if (m->params[i].init_data) {
            fprintf(f, "static const float init_%d[] = {", i);
            for (int64_t k = 0; k < m->params[i].size; k++) fprintf(f, "%a,", (double)m->params[i].init_data[k]);
            fputs("};\n", f);
        }
    }
    fputs("static rt_param params[] = {\n", f);
    for (int i = 0; i < m->nparams; i++) param(f, &m->params[i], i);
    if (!m->nparams) fputs("    {0},\n", f);
    fputs("};\n", f);
    ints(f, "int", "sweep", m->sweep, m->nblocks);
    ints(f, "int", "buf_kind", m->buf_kind, m->nbufs);
    ints(f, "int", "buf_batched", m->buf_batched, m->nbufs);
    fputs("static int64_t buf_size[] = {", f);
    for (int i = 0; i < m->nbufs; i++) fprintf(f, "%s%lld", i ? ", " : "", (long long)m->buf_size[i]);
    fputs("};\n", f);
    ints(f, "const int", "ancestral", m->ancestral, m->nancestral);
    if (m->lin) linear(f, m->lin);
    if (m->recur)
        fprintf(f, "static const rt_recurrent recur = {.group = %d, .k_next = %d, .k_dfree = %d, .k_back = %d, .adjoint_buf = %d, "
                   ".start_param = %d};\n",
                m->recur->group, m->recur->k_next, m->recur->k_dfree, m->recur->k_back, m->recur->adjoint_buf,
                m->recur->start_param);
    if (params_blob) {
        /* the trained parameters as bytes of the object, not as a C array */
        fprintf(f, "__asm__(\".section .rodata\\n.balign 16\\n.globl %s_params\\n.hidden %s_params\\n%s_params:\\n"
                   ".incbin \\\"%s\\\"\\n.previous\\n\");\nextern const float %s_params[];\n",
                prefix, prefix, prefix, params_blob, prefix);
    }
    fprintf(f, "\nstatic rt_model %s_model = {\n    .name = ", prefix);
    aot_emit_string(f, m->name);
    fprintf(f, ",\n    .ngroups = %d, .groups = groups, .nparams = %d, .params = params,\n", m->ngroups, m->nparams);
    fprintf(f, "    .nblocks = %d, .sweep = sweep,\n    .nbufs = %d, .buf_kind = buf_kind, .buf_batched = buf_batched, "
               ".buf_size = buf_size,\n",
            m->nblocks, m->nbufs);
    fprintf(f, "    .k_free_energy = %d, .k_energy = %d, .k_free_energy_enum = %d, .k_grad = %d, .k_grad_mean = %d,\n",
            m->k_free_energy, m->k_energy, m->k_free_energy_enum, m->k_grad, m->k_grad_mean);
    fprintf(f, "    .fe_buf = %d, .energy_buf = %d, .fe_enum_buf = %d, .weight_buf = %d,\n", m->fe_buf, m->energy_buf,
            m->fe_enum_buf, m->weight_buf);
    fprintf(f, "    .k_loss = %d, .k_grad_loss = %d, .loss_buf = %d, .grad_loss_rows = %d,\n", m->k_loss, m->k_grad_loss,
            m->loss_buf, m->grad_loss_rows);
    fprintf(f, "    .fe_exact = %d, .enum_sum_mask = %lluull, .enum_log2_states = ", m->fe_exact,
            (unsigned long long)m->enum_sum_mask);
    num(f, m->enum_log2_states);
    fprintf(f, ",\n    .k_free_energy_cond = %d, .fe_cond_buf = %d, .cond_sum_mask = %lluull, .cond_log2_states = ",
            m->k_free_energy_cond, m->fe_cond_buf, (unsigned long long)m->cond_sum_mask);
    num(f, m->cond_log2_states);
    fprintf(f, ",\n    .exec = exec, .backend = NULL, .lin = %s, .nancestral = %d, .ancestral = %s, .recur = %s,\n    .energy_text = ",
            m->lin ? "&linear" : "NULL", m->nancestral, m->nancestral ? "ancestral" : "NULL", m->recur ? "&recur" : "NULL");
    aot_emit_string(f, m->energy_text);
    fputs(",\n};\n", f);
}

/* a schedule's pieces as a static array, before the settings that point at it */
static void schedule_pieces(FILE *f, const char *cfg, const char *name, const rt_schedule *s) {
    const rt_sched_piece *p = rt_schedule_pieces(s);
    fprintf(f, "static const rt_sched_piece %s_%s[] = {\n", cfg, name);
    for (int i = 0; i < s->n; i++) {
        fprintf(f, "    {.kind = %d, .a = ", p[i].kind);
        num(f, p[i].a);
        fputs(", .b = ", f);
        num(f, p[i].b);
        fprintf(f, ", .until = %d},\n", p[i].until);
    }
    if (s->n == 0) fputs("    {0},\n", f);
    fputs("};\n", f);
}

static void schedule(FILE *f, const char *cfg, const char *name, const rt_schedule *s) {
    fprintf(f, "    .%s = {.n = %d, .piece = %s_%s},\n", name, s->n, cfg, name);
}

#define D(field) (fprintf(f, "    ." #field " = "), num(f, t->field), fputs(",\n", f))
#define I(field) fprintf(f, "    ." #field " = %lld,\n", (long long)t->field)

void aot_emit_train_cfg(FILE *f, const char *name, const rt_train_cfg *t) {
    fprintf(f, "static const rt_param_rule %s_rules[] = {\n", name);
    for (int i = 0; i < t->nparam_rules; i++) {
        const rt_param_rule *r = &t->param_rules[i];
        fputs("    {.param = ", f);
        aot_emit_string(f, r->param);
        fputs(", .lr_scale = ", f);
        num(f, r->lr_scale);
        fputs(", .momentum = ", f);
        num(f, r->momentum);
        fputs(", .weight_decay = ", f);
        num(f, r->weight_decay);
        fputs("},\n", f);
    }
    if (!t->nparam_rules) fputs("    {0},\n", f);
    fputs("};\n", f);
    schedule_pieces(f, name, "lr", &t->lr);
    schedule_pieces(f, name, "momentum", &t->momentum);
    schedule_pieces(f, name, "weight_decay", &t->weight_decay);
    fprintf(f, "static const rt_train_cfg %s = {\n", name);
    I(method), I(optimizer), D(beta1), D(beta2), D(adam_eps), I(target), D(generative), I(k), I(chains), I(batch);
    I(epochs);
    schedule(f, name, "lr", &t->lr);
    schedule(f, name, "momentum", &t->momentum);
    schedule(f, name, "weight_decay", &t->weight_decay);
    fprintf(f, "    .nparam_rules = %d, .param_rules = %s_rules,\n", t->nparam_rules, name);
    fprintf(f, "    .seed = %lluull,\n", (unsigned long long)t->seed);
    I(mf_iters), D(mf_tol), I(mon_recon), I(mon_pll), I(mon_exact), I(mon_accuracy), I(mon_fe_gap);
    I(replicas), D(beta_min), I(pt_geometric), I(mon_every), I(checkpoint_every), D(checkpoint_minutes);
    D(tol), I(ica_fast), I(iters), D(mp_drop), I(sfa_quadratic), D(l1_scale), I(samples), I(baseline), I(on_collapse);
    D(collapse_factor), I(gradient), D(adapt_lr);
    fputs("};\n", f);
}

void aot_emit_source(FILE *f, const char *name, const rt_source *t) {
    fprintf(f, "static const rt_source %s = {\n    .path = ", name);
    aot_emit_string(f, t->path);
    fputs(",\n    .labels = ", f);
    aot_emit_string(f, t->labels);
    fputs(",\n", f);
    I(kind), I(rows), I(cols), I(spins), I(patch), I(patches), D(binarize), I(standardize), I(limit), I(history), I(length);
    fputs("};\n", f);
}

void aot_emit_tempered(FILE *f, const char *name, const rt_tempered *t) {
    fprintf(f, "static rt_tempered %s = {.beta_group = %d, .nbase = %d, .base_group = {", name, t->beta_group, t->nbase);
    for (int i = 0; i < t->nbase; i++) fprintf(f, "%s%d", i ? ", " : "", t->base_group[i]);
    fputs("}, .base_param = {", f);
    for (int i = 0; i < t->nbase; i++) fprintf(f, "%s%d", i ? ", " : "", t->base_param[i]);
    fprintf(f, "},\n    .sum_mask = %lluull, .marginal_v = %d, .bound_ok = %d};\n", (unsigned long long)t->sum_mask,
            t->marginal_v, t->bound_ok);
}
