/* cli_aot_stack.c — ebmc build of a spec with a stack (cli_aot.h): the
 * bundle the runtime's stack driver runs (rt_stack.h) written as C into the
 * binary's glue, each part compiled ahead of time as an extra model. The
 * binary's train and sample run the stack (runtime/app/rt_app_stack.c);
 * its eval evaluates the main model on the stack's data, as ebmc eval. */
#include <stdlib.h>
#include <string.h>

#include "aot_emit.h"
#include "cli_aot.h"
#include "cli_config.h"

static void add(AotStack *as, Compilation *c, const char *px, const char *what, int i, const IrProgram *ir,
                const rt_model *m) {
    as->extras[as->nextras++] = (Extra){arena_printf(c->arena, "%s_%s%d", px, what, i), ir, m};
}

/* part k of the bundle (a layer, or nlayers: the joint model) in main():
 * an extra model, or the binary's main model */
static const char *part_ref(const AotStack *as, int k, const char *px) {
    for (int i = 0; i < as->nextras; i++)
        if (as->extras[i].m == as->b.m[k]) return arena_printf(as->b.c->arena, "%s_get()", as->extras[i].px);
    return arena_printf(as->b.c->arena, "&%s_model", px);
}

static const char *extra_px(const AotStack *as, const rt_model *m) {
    for (int i = 0; i < as->nextras; i++)
        if (as->extras[i].m == m) return as->extras[i].px;
    return NULL;
}

/* A backprop stage's network, for the class count of its data read now:
 * a built binary has no compiler to unroll it when it runs */
static int network(AotStack *as, const rt_stack_stage *st, int i) {
    StackBundle *b = &as->b;
    const rt_source *src = i > 0 && st->data.kind != RT_SRC_NONE ? &st->data : &b->rs_stages[0].data;
    rt_dataset d = {0};
    if (rt_source_load(src, &d)) {
        diag_tool_error("stage '%s': backprop's network is compiled for the data's label classes, and its data "
                        "could not be read at build time: %s", st->name, rt_last_error());
        return 1;
    }
    int64_t classes = rt_dataset_row(&d) - rt_stack_first_visible(b->rs.joint ? b->rs.joint : b->rs.layers[0]);
    rt_dataset_free(&d);
    if (classes < 2) {
        diag_tool_error("stage '%s': backprop needs label columns in the data (idx(..., labels = ...))", st->name);
        return 1;
    }
    if (b->net && classes != b->rs.net_classes) {
        diag_tool_error("stage '%s': its data has %lld label classes, an earlier backprop stage's %lld; a built binary "
                        "carries one network", st->name, (long long)classes, (long long)b->rs.net_classes);
        return 1;
    }
    if (!cli_stack_unroll(b, classes, &b->rs.net_naug)) return cli_fail_rt();
    b->rs.net = b->net;
    b->rs.net_classes = classes;
    return 0;
}

int cli_aot_stack_prepare(Compilation *c, const Analysis *main, const char *px, AotStack *as) {
    memset(as, 0, sizeof *as);
    StackBundle *b = &as->b;
    Stage *st;
    int n;
    if (!(as->yaml = cli_config_stack_yaml(c, NULL, 0, &st, &n))) return 1;
    int rc = cli_stack_bundle(c, NULL, 0, st, n, b);
    if (rc) return rc;
    as->extras = calloc((size_t)(b->s->nlayers + b->nstages + 2), sizeof(Extra));
    for (int k = 0; k <= b->s->nlayers; k++)
        if (b->m[k] && b->an[k] != main) add(as, c, px, "part", k, b->ir[k], b->m[k]);
    for (int i = 0; i < b->nstages; i++) {
        if (b->tempered[i]) add(as, c, px, "tempered", i, b->tempered[i]->ir, b->tempered[i]->m);
        if (b->rs_stages[i].kind == RT_STAGE_BACKPROP && !b->rs_stages[i].refuse && (rc = network(as, &b->rs_stages[i], i)))
            return rc;
    }
    if (b->net) add(as, c, px, "net", 0, b->net_ir, b->net);
    b->rs.unroll = NULL;
    b->rs.unroll_ctx = NULL;
    return 0;
}

void cli_aot_stack_free(AotStack *as) {
    free((char *)as->yaml);
    free(as->extras);
    cli_stack_bundle_free(&as->b);
    memset(as, 0, sizeof *as);
}

static const char *kind_name(rt_stage_kind k) {
    return k == RT_STAGE_LAYER    ? "RT_STAGE_LAYER"
           : k == RT_STAGE_JOINT  ? "RT_STAGE_JOINT"
           : k == RT_STAGE_UPDOWN ? "RT_STAGE_UPDOWN"
                                  : "RT_STAGE_BACKPROP";
}

void cli_aot_stack_data(FILE *f, const AotStack *as) {
    const StackBundle *b = &as->b;
    for (int i = 0; i < as->nextras; i++) fprintf(f, "rt_model *%s_get(void);\n", as->extras[i].px);
    for (int i = 0; i < b->nstages; i++) {
        const rt_stack_stage *st = &b->rs_stages[i];
        char name[64];
        snprintf(name, sizeof name, "stage%d_cfg", i);
        aot_emit_train_cfg(f, name, &st->cfg);
        const rt_source *srcs[] = {&st->data, &st->validation, &st->test};
        static const char *const what[] = {"data", "validation", "test"};
        for (int k = 0; k < 3; k++) {
            snprintf(name, sizeof name, "stage%d_%s", i, what[k]);
            aot_emit_source(f, name, srcs[k]);
        }
        if (st->tempered) {
            snprintf(name, sizeof name, "stage%d_tempered", i);
            aot_emit_tempered(f, name, st->tempered);
        }
        fprintf(f, "static const char *const stage%d_halve[] = {", i);
        for (int h = 0; h < st->nhalve; h++) {
            aot_emit_string(f, st->halve[h]);
            fputs(", ", f);
        }
        fputs("NULL};\n", f);
    }
    fprintf(f, "static rt_model *stack_layers[%d];\nstatic rt_stack_stage stack_stages[%d];\nstatic rt_stack stack;\n",
            b->s->nlayers, b->nstages);
}

void cli_aot_stack_main(FILE *f, const AotStack *as, const char *px) {
    const StackBundle *b = &as->b;
    const rt_stack *s = &b->rs;
    for (int k = 0; k < s->nlayers; k++) fprintf(f, "    stack_layers[%d] = %s;\n", k, part_ref(as, k, px));
    const char *joint = s->joint ? part_ref(as, s->nlayers, px) : "NULL";
    for (int i = 0; i < b->nstages; i++) {
        const rt_stack_stage *st = &b->rs_stages[i];
        if (st->tempered) {
            const char *orig = st->kind == RT_STAGE_JOINT ? joint : arena_printf(b->c->arena, "stack_layers[%d]", st->layer);
            fprintf(f, "    stage%d_tempered.m = %s_get();\n    stage%d_tempered.orig = %s;\n", i,
                    extra_px(as, st->tempered->m), i, orig);
        }
        fprintf(f, "    stack_stages[%d] = (rt_stack_stage){.name = ", i);
        aot_emit_string(f, st->name);
        fprintf(f, ", .kind = %s, .layer = %d, .cfg = stage%d_cfg, .data = stage%d_data,\n"
                   "        .validation = stage%d_validation, .test = stage%d_test, .filters = ",
                kind_name(st->kind), st->layer, i, i, i, i);
        aot_emit_string(f, st->filters);
        fprintf(f, ", .nhalve = %d, .halve = stage%d_halve, .tempered = ", st->nhalve, i);
        if (st->tempered) fprintf(f, "&stage%d_tempered", i);
        else fputs("NULL", f);
        fputs(", .refuse = ", f);
        aot_emit_string(f, st->refuse);
        fputs("};\n", f);
    }
    fputs("    stack = (rt_stack){.name = ", f);
    aot_emit_string(f, s->name);
    fprintf(f, ", .dbm = %d, .nlayers = %d, .layers = stack_layers, .joint = %s,\n"
               "        .nstages = %d, .stages = stack_stages, .net = ",
            s->dbm, s->nlayers, joint, b->nstages);
    if (s->net) fprintf(f, "%s_get()", extra_px(as, s->net));
    else fputs("NULL", f);
    fprintf(f, ", .net_classes = %lld, .net_naug = %lld, .image_h = %d, .image_w = %d, .config = ",
            (long long)s->net_classes, (long long)s->net_naug, s->image_h, s->image_w);
    aot_emit_string(f, as->yaml);
    fputs("};\n", f);
}
