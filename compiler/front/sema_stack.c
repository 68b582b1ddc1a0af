/* sema_stack.c — stack blocks: models trained layer by layer.
 *
 *   stack dbn { layers = rbm1, rbm2, top  kind = dbn }
 *   stack dbm { layers = rbm1, rbm2  kind = dbm  joint = dbm2 }
 *
 * A layer is a model whose first hidden group is its output. The next layer's
 * first visible group takes that output as data (same size); any further
 * visible groups of the next layer (labels) take the extra columns the
 * stack's data carries. The train block of a stack holds stages (see
 * compiler/config/config_stages.c). */
#include <string.h>

#include "sema.h"

/* the first hidden group: a layer may double its top (a second hidden copy
 * with tied weights, for DBM pretraining) */
Sym *sema_layer_output(const Model *m) {
    for (int u = 0; u < m->nunits; u++)
        if (m->units[u]->role == ROLE_HIDDEN) return m->units[u];
    return NULL;
}

static Model *find_model(SemaResult *r, const char *name) {
    for (int k = 0; k < r->nmodels; k++)
        if (!strcmp(r->models[k]->name, name)) return r->models[k];
    return NULL;
}

static Model *model_ref(SemaResult *r, Diag *d, const Expr *e, const char *what) {
    if (e->kind != EX_NAME || e->has_index) {
        diag_error(d, e->span, "%s must name a model", what);
        return NULL;
    }
    Model *m = find_model(r, e->str);
    if (!m) diag_error(d, e->span, "%s: unknown model '%s'", what, e->str);
    return m;
}

static Sym *first_visible(const Model *m) {
    for (int u = 0; u < m->nunits; u++)
        if (m->units[u]->role == ROLE_VISIBLE) return m->units[u];
    return NULL;
}

void sema_check_stack(Arena *a, Diag *d, SemaResult *r, Block *b) {
    Stack *s = ARENA_NEW(a, Stack);
    s->name = b->name;
    s->span = b->name_span;
    s->block = b;
    for (int k = 0; k < r->nmodels; k++)
        if (!strcmp(r->models[k]->name, b->name)) {
            diag_error(d, b->name_span, "stack '%s' has the name of a model", b->name);
            return;
        }
    for (int i = 0; i < b->nstmts; i++) {
        Stmt *st = b->stmts[i];
        const Expr *v = st->expr;
        if (!st->name) {
            diag_error(d, st->span, "a stack holds settings: layers = ..., kind = dbn | dbm, joint = MODEL");
            continue;
        }
        if (!strcmp(st->name, "layers")) {
            int n = v->kind == EX_LIST ? v->nargs : 1;
            s->layers = ARENA_ARRAY(a, Model *, n);
            for (int k = 0; k < n; k++) {
                Model *m = model_ref(r, d, v->kind == EX_LIST ? v->args[k].value : v, "a layer");
                if (m) s->layers[s->nlayers++] = m;
            }
        } else if (!strcmp(st->name, "kind")) {
            const char *k = v->kind == EX_NAME ? v->str : "";
            if (!strcmp(k, "dbn")) s->kind = STACK_DBN;
            else if (!strcmp(k, "dbm")) s->kind = STACK_DBM;
            else diag_error(d, v->span, "kind must be dbn or dbm");
        } else if (!strcmp(st->name, "joint")) {
            s->joint = model_ref(r, d, v, "joint");
        } else {
            diag_error(d, st->name_span, "unknown stack setting '%s'", st->name);
            diag_note(d, st->name_span, "a stack takes layers, kind and joint");
        }
    }
    if (s->nlayers == 0) {
        diag_error(d, b->name_span, "stack '%s' has no layers", b->name);
        return;
    }
    for (int k = 0; k < s->nlayers; k++) {
        const Model *m = s->layers[k];
        Sym *out = sema_layer_output(m);
        if (!out) diag_error(d, m->span, "model '%s' is a layer of stack '%s' and needs a hidden group", m->name, s->name);
        if (k == 0 || !out) continue;
        Sym *below = sema_layer_output(s->layers[k - 1]), *in = first_visible(m);
        if (below && (!in || in->size != below->size)) {
            diag_error(d, m->span, "layer '%s' takes %lld inputs but the layer below ('%s') hands up %lld", m->name,
                       in ? in->size : 0, s->layers[k - 1]->name, below->size);
        }
    }
    if (s->kind == STACK_DBM && !s->joint)
        diag_error(d, b->name_span, "a dbm stack names the joint model its layers compose into: joint = MODEL");
    *(Stack **)arena_grow(a, &r->stacks, &r->nstacks, &(int){r->nstacks}, sizeof(Stack *)) = s;
    r->nstacks++;
}
