/* cli_check.c — ebmc check and ebmc explain. */
#include <string.h>

#include "cli.h"
#include "derive_explain.h"
#include "cli_adversarial.h"
#include "derive_mp.h"
#include "ir_kernels.h"
#include "config_stages.h"
#include <stdlib.h>

/* ---- check, explain ------------------------------------------------------------- */

static const Flag no_flags[] = {{NULL, 0, NULL, NULL, 0}};

/* one model's size: "2 groups, 3 parameters (152 values), 2 blocks" */
static void model_summary(const Model *m, const Analysis *an) {
    long long values = 0;
    for (int i = 0; i < m->nparams; i++) values += m->params[i]->size;
    printf("%d group%s, %d parameter%s (%lld value%s)", m->nunits, m->nunits == 1 ? "" : "s", m->nparams,
           m->nparams == 1 ? "" : "s", values, values == 1 ? "" : "s");
    if (an && an->nblocks > 0) printf(", %d sampling block%s", an->nblocks, an->nblocks == 1 ? "" : "s");
}

/* On success one line to stdout (errors go to stderr alone), so a person
 * sees what the compiler understood and a script can still ignore it:
 * "rbm.ebm: ok, model rbm: 2 groups, 3 parameters (152 values), 2 sampling blocks" */
static void check_summary(const Compilation *c, const char *spec) {
    const SemaResult *s = c->sema;
    printf("%s: ok, ", spec);
    if (s->nstacks > 0)
        printf("stack %s (%d layers%s), ", s->stacks[0]->name, s->stacks[0]->nlayers, s->nstacks > 1 ? ", and more stacks" : "");
    if (s->nmodels == 1) {
        printf("model %s: ", s->models[0]->name);
        model_summary(s->models[0], c->analysis[0]);
    } else {
        printf("%d models: ", s->nmodels);
        for (int i = 0; i < s->nmodels; i++) {
            printf("%s%s (", i ? "; " : "", s->models[i]->name);
            model_summary(s->models[i], c->analysis[i]);
            printf(")");
        }
    }
    printf("\n");
}

int cmd_check(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, no_flags, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    Compilation *c = compile_file(o.spec);
    if (!c) return 1;
    int bad = c->diag.internal ? 2 : c->diag.errors > 0;
    if (!bad) check_summary(c, o.spec);
    compile_free(c);
    return bad;
}

static const Flag explain_flags[] = {
    {"--format", 1, "text (default), yaml, or ir (the kernel IR)", "text|yaml|ir", 0},
    {NULL, 0, NULL, NULL, 0},
};

/* a stack: its layers in order, the stages, then each model explained */
static void explain_stack(Compilation *c, int yaml) {
    const Stack *s = c->sema->stacks[0];
    Stage *st;
    int n;
    config_stages_parse(c->arena, &c->diag, s, &st, &n);
    static const char *const kinds[] = {"layer", "joint", "backprop", "up_down"};   /* StageKind's order */
    if (yaml) printf("stack: %s\nkind: %s\nlayers: [", s->name, s->kind == STACK_DBN ? "dbn" : "dbm");
    else printf("stack %s (%s): ", s->name, s->kind == STACK_DBN ? "a deep belief network" : "a deep Boltzmann machine");
    for (int k = 0; k < s->nlayers; k++) printf("%s%s", k ? (yaml ? ", " : " -> ") : "", s->layers[k]->name);
    if (yaml) {
        printf("]\n%s%s%sstages:\n", s->joint ? "joint: " : "", s->joint ? s->joint->name : "", s->joint ? "\n" : "");
        for (int i = 0; i < n; i++)
            printf("  - name: %s\n    kind: %s\n%s%s%s", st[i].name, kinds[st[i].kind], st[i].layer >= 0 ? "    layer: " : "",
                   st[i].layer >= 0 ? s->layers[st[i].layer]->name : "", st[i].layer >= 0 ? "\n" : "");
        printf("models:\n");
    } else {
        printf("%s%s\nstages:\n", s->joint ? ", composed into " : "", s->joint ? s->joint->name : "");
        for (int i = 0; i < n; i++)
            printf("  %d. %s: %s%s%s\n", i + 1, st[i].name, kinds[st[i].kind], st[i].layer >= 0 ? " " : "",
                   st[i].layer >= 0 ? s->layers[st[i].layer]->name : "");
        printf("\n");
    }
    for (int i = 0; i < c->sema->nmodels; i++) {
        if (!c->analysis[i]) continue;
        if (yaml) {
            /* each model's YAML document, indented under models: */
            char *buf = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&buf, &len);
            derive_explain_print(f, c->analysis[i], 1);
            fclose(f);
            printf("  - ");
            for (char *p = buf; *p; p++) {
                putchar(*p);
                if (*p == '\n' && p[1]) printf("    ");
            }
            free(buf);
        } else {
            printf("----------------------------------------------------------------\n");
            derive_explain_print(stdout, c->analysis[i], 0);
            printf("\n");
        }
    }
}

/* a train block with method = mp: the network its loss is, as the
 * compiler writes it (derive_mp.c); 0, or 1 after an error */
static int explain_mp(Compilation *c, Analysis *an, int yaml) {
    TrainConfig tc;
    if (!an->m->train || !config_train(c->arena, &c->diag, an->m, an->m->train, NULL, 0, &tc) || tc.rt.method != RT_MP)
        return 0;
    char *src = derive_mp_text(c->arena, an, tc.rt.iters, tc.rt.mp_drop);
    if (!src) return cli_fail_rt();
    if (!yaml) {
        printf("\nmethod = mp(iters = %d, drop = %g) minimises the loss of this network, the mean-field\n"
               "updates above unrolled (keep_G = 1: the unit is clamped; mpT_G: G after sweep T):\n%s",
               tc.rt.iters, tc.rt.mp_drop, src);
        return 0;
    }
    printf("mp_network: |\n");
    for (char *line = strtok(src, "\n"); line; line = strtok(NULL, "\n")) printf("  %s\n", line);
    return 0;
}

int cmd_explain(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, explain_flags, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    const char *fmt = opt_str(&o, "--format");
    if (fmt && strcmp(fmt, "text") && strcmp(fmt, "yaml") && strcmp(fmt, "ir")) {
        diag_tool_error("--format must be text, yaml or ir, not '%s'", fmt);
        return 1;
    }
    Compilation *c = compile_file(o.spec);
    if (!c) return 1;
    Analysis *an = compile_main_model(c);
    if (!an) {
        compile_free(c);
        return 1;
    }
    int yaml = fmt && !strcmp(fmt, "yaml");
    if (fmt && !strcmp(fmt, "ir")) ir_print(stdout, ir_build(c->arena, an));
    else if (c->sema->nstacks > 0) explain_stack(c, yaml);
    else if ((rc = cli_adversarial_explain(c, an, yaml)) < 0) {
        compile_free(c);
        return 1;
    } else if (rc) rc = 0;   /* the pair's two steps were printed */
    else {
        derive_explain_print(stdout, an, yaml);
        rc = explain_mp(c, an, yaml);
    }
    compile_free(c);
    return rc;
}

