/* config_stages.c — a stack's train block: its stages, in order. */
#include "config_stages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runconfig.h"

static int layer_index(const Stack *s, const char *name) {
    for (int k = 0; k < s->nlayers; k++)
        if (!strcmp(s->layers[k]->name, name)) return k;
    return -1;
}

const char *config_stage_unsupported(const Stage *g, const char *key) {
    if (g->kind != STAGE_BACKPROP && !strcmp(key, "test") && g->cfg.test.kind != RT_SRC_NONE)
        return "test = scores a backprop stage's classifier; a layer or joint stage has no test score (validation = "
               "gives the fe_gap monitor held-out rows)";
    if (g->kind == STAGE_BACKPROP && !strcmp(key, "validation") && g->cfg.validation.kind != RT_SRC_NONE)
        return "validation = gives the fe_gap monitor held-out rows; a backprop stage scores held-out data with test =";
    if (!strcmp(key, "method") && (g->cfg.rt.method == RT_WAKE_SLEEP || g->cfg.rt.method == RT_REINFORCE))
        return "wake_sleep and reinforce train a single model with its recognition model, not a stack's stage";
    if (!strcmp(key, "method") && g->cfg.rt.method == RT_MP)
        return "mp trains a deep Boltzmann machine jointly from its own train block, without a stack's pretraining "
               "(specs/mpdbm.ebm)";
    if (!strcmp(key, "method") && g->kind != STAGE_UPDOWN && g->cfg.rt.method == RT_UP_DOWN)
        return "up_down fine-tunes the whole DBN: it is a stage of its own (method = up_down(k = 10), no layer =)";
    if (!strcmp(key, "method") && g->kind == STAGE_UPDOWN && g->cfg.rt.method != RT_UP_DOWN)
        return "an up-down stage trains by up_down(k = ...) only";
    if (g->kind == STAGE_UPDOWN && !strcmp(key, "test") && g->cfg.test.kind != RT_SRC_NONE)
        return "test = scores a backprop stage's classifier; an up-down stage has no test score";
    return NULL;
}

const char *config_stage_refused(const Stage *g) {
    static const char *const keys[] = {"test", "validation", "method"};
    for (int k = 0; k < 3; k++)
        if (config_stage_unsupported(g, keys[k])) return config_stage_unsupported(g, keys[k]);
    return NULL;
}

char *config_stages_resolve(Arena *a, Diag *d, const char *spec, const Stack *s, char **sets, int nsets, Stage **out,
                            int *n) {
    Stage *st;
    if (!config_stages_parse(a, d, s, &st, n)) return NULL;
    const char **names = ARENA_ARRAY(a, const char *, *n + 1);
    for (int i = 0; i < *n; i++) names[i] = st[i].name;
    if (!runconfig_check_stages(a, d, sets, nsets, names, *n)) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    runconfig_print_header(f, spec);
    fprintf(f, "train:\n");
    int ok = 1;
    for (int i = 0; i < *n; i++) {
        ok &= config_train_sets(a, d, NULL, st[i].name, sets, nsets, &st[i].cfg);
        const Model *m = st[i].layer >= 0 ? s->layers[st[i].layer] : s->joint;
        fprintf(f, "  %s:\n", st[i].name);
        runconfig_print_train(f, &st[i].cfg, m, 4);
    }
    fclose(f);
    if (!ok) {
        free(buf);
        return NULL;
    }
    *out = st;
    return buf;
}

static void stage_refuse(Diag *d, const Stage *g, const char *key, Span at) {
    const char *why = config_stage_unsupported(g, key);
    if (why) diag_error(d, at, "stage '%s': %s", g->name, why);
}

static int parse_stage(Arena *a, Diag *d, const Stack *s, const Stmt *st, Stage *g) {
    memset(g, 0, sizeof *g);
    g->name = st->name;
    g->span = st->name_span;
    g->layer = -1;
    g->kind = STAGE_LAYER;
    const Model *m = NULL;
    /* first: what the stage trains, which decides the model for the rest */
    for (int i = 0; i < st->nentries; i++) {
        const Stmt *e = st->entries[i];
        const Expr *v = e->expr;
        if (!e->name) continue;
        if (!strcmp(e->name, "layer")) {
            if (v->kind != EX_NAME || (g->layer = layer_index(s, v->str)) < 0) {
                diag_error(d, v->span, "layer must name a layer of stack '%s'", s->name);
                return 0;
            }
            m = s->layers[g->layer];
        } else if (!strcmp(e->name, "joint")) {
            if (!s->joint || v->kind != EX_NAME || strcmp(v->str, s->joint->name)) {
                diag_error(d, v->span, "joint must name the stack's joint model%s%s", s->joint ? ": " : "",
                           s->joint ? s->joint->name : "");
                return 0;
            }
            g->kind = STAGE_JOINT;
            m = s->joint;
        } else if (!strcmp(e->name, "method") && v->kind == EX_NAME && !strcmp(v->str, "backprop")) {
            g->kind = STAGE_BACKPROP;
        } else if (!strcmp(e->name, "method") && (v->kind == EX_NAME || v->kind == EX_CALL) && !strcmp(v->str, "up_down")) {
            if (s->kind != STACK_DBN) {
                diag_error(d, v->span, "up_down fine-tunes a DBN (kind = dbn); stack '%s' is a DBM", s->name);
                return 0;
            }
            g->kind = STAGE_UPDOWN;
        }
    }
    if (g->kind == STAGE_UPDOWN && g->layer >= 0) {
        diag_error(d, st->name_span, "stage '%s': up_down fine-tunes every layer of the DBN; it takes no layer =",
                   st->name);
        return 0;
    }
    if (g->kind == STAGE_LAYER && g->layer < 0) {
        diag_error(d, st->name_span, "stage '%s' names what it trains: layer = MODEL, joint = %s, method = backprop "
                   "or method = up_down(k = 10)",
                   st->name, s->joint ? s->joint->name : "JOINT");
        return 0;
    }
    g->cfg.rt = rt_train_defaults();
    g->cfg.data.kind = RT_SRC_NONE;
    g->cfg.test.kind = RT_SRC_NONE;
    g->cfg.validation.kind = RT_SRC_NONE;
    if (g->kind == STAGE_UPDOWN) {
        g->cfg.rt.method = RT_UP_DOWN;
        g->cfg.rt.k = 10;
        g->cfg.rt.mon_recon = 0;
    }
    if (g->kind == STAGE_BACKPROP) {
        g->cfg.rt.method = RT_MINIMIZE;
        g->cfg.rt.optimizer = RT_SGD;
        g->cfg.rt.lr = rt_schedule_const(0.1);
        g->cfg.rt.mon_recon = 0;
    }
    int errors = d->errors;
    for (int i = 0; i < st->nentries; i++) {
        const Stmt *e = st->entries[i];
        if (e->name && (!strcmp(e->name, "layer") || !strcmp(e->name, "joint"))) continue;
        if (e->name && !strcmp(e->name, "method") && g->kind == STAGE_BACKPROP) continue;
        if (e->name && !strcmp(e->name, "halve")) {
            const Expr *v = e->expr;
            int n = v->kind == EX_LIST ? v->nargs : 1;
            g->halve = ARENA_ARRAY(a, const char *, n);
            for (int k = 0; k < n; k++) {
                const Expr *it = v->kind == EX_LIST ? v->args[k].value : v;
                if (it->kind != EX_NAME || !m || !sema_lookup(m, it->str)) {
                    diag_error(d, it->span, "halve lists parameters of the joint model");
                    continue;
                }
                g->halve[g->nhalve++] = it->str;
            }
            continue;
        }
        if (e->kind == ST_STAGE) {
            diag_error(d, e->span, "stages do not nest");
            continue;
        }
        if (config_train_entry(a, d, m, e, &g->cfg) && e->name) stage_refuse(d, g, e->name, e->name_span);
    }
    return d->errors == errors;
}

int config_stages_parse(Arena *a, Diag *d, const Stack *s, Stage **out, int *n) {
    *n = 0;
    *out = NULL;
    if (!s->train) return 1;
    Stage *st = ARENA_ARRAY(a, Stage, s->train->nstmts + 1);
    int ok = 1;
    for (int i = 0; i < s->train->nstmts; i++) {
        const Stmt *e = s->train->stmts[i];
        if (e->kind != ST_STAGE) {
            diag_error(d, e->span, "the train block of a stack holds stages: stage NAME { ... }");
            ok = 0;
            continue;
        }
        ok &= parse_stage(a, d, s, e, &st[*n]);
        (*n)++;
    }
    if (ok && *n && st[0].cfg.data.kind == RT_SRC_NONE)
        diag_error(d, st[0].span, "the first stage names the data: data = idx(...)"), ok = 0;
    *out = st;
    return ok;
}
