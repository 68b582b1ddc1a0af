/* compile.c — the pipeline's front half, in one direction: text, syntax
 * tree, checked models, analyses. A stage runs only if the ones before it
 * reported no errors. */
#include "compile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_stages.h"
#include "derive_adversarial.h"
#include "parse.h"
#include "rt.h"

/* adversarial(discriminator = d): the pair's errors at `check` time, by
 * composing its discriminator's step (derive_adversarial.h) */
static void check_adversarial(Compilation *c, Model *m, const TrainConfig *tc, int *paired) {
    if (tc->rt.method != RT_ADVERSARIAL) return;
    for (int i = 0; i < c->sema->nmodels; i++) paired[i] |= c->sema->models[i] == m;
    int k = config_discriminator(&c->diag, c->sema, m, tc);
    if (k < 0) return;
    paired[k] = 1;
    derive_adversarial_text(c->arena, &c->diag, tc->method_span, m, c->sema->models[k], tc->logit, ADV_DISCRIMINATOR);
}

static Compilation *compile_with(const char *path, const char *src, size_t len, int keep_lets) {
    Compilation *c = calloc(1, sizeof *c);
    c->arena = arena_new();
    c->path = path;
    c->src = malloc(len + 1);
    memcpy(c->src, src, len);
    c->src[len] = 0;
    c->len = len;
    diag_init(&c->diag, path, c->src, len);
    c->prog = parse_source(c->arena, &c->diag, path, c->src, len);
    if (c->diag.errors) return c;
    c->sema = sema_check(c->arena, &c->diag, c->prog);
    if (c->diag.errors) return c;
    c->analysis = ARENA_ARRAY(c->arena, Analysis *, c->sema->nmodels + 1);
    /* the models of an adversarial pair (a network not in one is an error) */
    int *paired = ARENA_ARRAY(c->arena, int, c->sema->nmodels + 1);
    for (int i = 0; i < c->sema->nmodels; i++) {
        Model *m = c->sema->models[i];
        m->keep_lets = keep_lets;
        c->analysis[i] = energy_analyze(c->arena, &c->diag, m);
        /* the settings blocks are checked here too, so `check` finds their
         * errors before a long run does */
        TrainConfig tc;
        SampleConfig sc;
        if (m->train && config_train(c->arena, &c->diag, m, m->train, NULL, 0, &tc)) {
            config_recognition(&c->diag, c->sema, m, &tc);
            check_adversarial(c, m, &tc, paired);
        }
        if (m->sample) config_sample(c->arena, &c->diag, m->sample, NULL, 0, &sc);
        EvalConfig ec;
        if (m->eval) config_eval(c->arena, &c->diag, m->eval, NULL, 0, &ec);
    }
    /* (after another error, more likely its echo) */
    for (int i = 0; i < c->sema->nmodels && !c->diag.errors; i++)
        if (c->sema->models[i]->network && !paired[i]) {
            Model *m = c->sema->models[i];
            diag_error(&c->diag, m->block->name_span, "model '%s' has no energy", m->name);
            diag_note(&c->diag, m->block->name_span,
                      "a model of lets alone is a network: the generator (its train block's method = "
                      "adversarial(discriminator = d)) or the discriminator d of an adversarial pair; "
                      "otherwise add a line such as: energy = - sum(i) b[i]*v[i]");
        }
    for (int i = 0; i < c->sema->nstacks; i++) {
        Stage *st;
        int n;
        config_stages_parse(c->arena, &c->diag, c->sema->stacks[i], &st, &n);
    }
    return c;
}

Compilation *compile_source(const char *path, const char *src, size_t len) { return compile_with(path, src, len, 0); }

Compilation *compile_network(const char *path, const char *src, size_t len) { return compile_with(path, src, len, 1); }

Compilation *compile_file(const char *path) {
    size_t len;
    char *src = parse_read_file(path, &len);
    if (!src) {
        diag_tool_error("%s", rt_last_error());
        return NULL;
    }
    Compilation *c = compile_source(path, src, len);
    free(src);
    return c;
}

void compile_free(Compilation *c) {
    if (!c) return;
    arena_free(c->arena);
    free(c->src);
    free(c);
}

Analysis *compile_main_model(Compilation *c) {
    if (c->diag.errors || !c->sema || c->sema->nmodels == 0) return NULL;
    return c->analysis[0];
}
