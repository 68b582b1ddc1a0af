/* cli_adversarial.c — the adversarial pair compiled (cli_adversarial.h). */
#include "cli_adversarial.h"

#include <stdlib.h>
#include <string.h>

#include "derive_adversarial.h"
#include "derive_explain.h"
#include "ir_kernels.h"
#include "ir_model.h"
#include "rt_sample.h"
#include "rt_sample_out.h"

char *cli_adversarial_text(Compilation *c, const Model *g, const TrainConfig *tc, int which) {
    int k = config_discriminator(&c->diag, c->sema, g, tc);
    if (k < 0) return NULL;
    return derive_adversarial_text(c->arena, &c->diag, tc->method_span, g, c->sema->models[k], tc->logit, which);
}

/* the composed model `which` compiled (its path the spec's: relative data
 * and init files resolve as in the spec); NULL after a message */
static Compilation *compile_step(Compilation *c, const Model *g, const TrainConfig *tc, int which) {
    char *src = cli_adversarial_text(c, g, tc, which);
    if (!src) return NULL;
    if (getenv("EBMC_VERBOSE")) fprintf(stderr, "%s", src);
    Compilation *s = compile_source(c->diag.file, src, strlen(src));
    if (!s || !compile_main_model(s)) {
        diag_tool_error("internal: the adversarial pair's model did not compile:\n%s", src);
        compile_free(s);
        return NULL;
    }
    return s;
}

int cli_adversarial_explain(Compilation *c, Analysis *an, int yaml) {
    TrainConfig tc;
    const Model *g = an->m;
    if (!g->network || !g->train || !config_train(c->arena, &c->diag, g, g->train, NULL, 0, &tc) ||
        tc.rt.method != RT_ADVERSARIAL)
        return 0;
    static const char *const what[] = {"the discriminator's step: its loss -log D(x) - log(1 - D(G(z))), the generator fixed",
                                       "the generator's step: its loss -log D(G(z)), the discriminator fixed"};
    for (int w = ADV_DISCRIMINATOR; w <= ADV_GENERATOR; w++) {
        Compilation *s = compile_step(c, g, &tc, w);
        if (!s) return -1;
        printf("%s# %s (lets: gen__ the generator's, real__ the discriminator's on the data, fake__ on G(z))\n",
               w ? "\n" : "", what[w]);
        derive_explain_print(stdout, compile_main_model(s), yaml);
        compile_free(s);
    }
    return 1;
}

int cli_adversarial_prepare(Built *b, const Opts *o, TrainConfig *tc, int which, Adversarial *ad) {
    memset(ad, 0, sizeof *ad);
    if (tc->rt.method != RT_ADVERSARIAL && b->an->m->network) {
        diag_tool_error("model '%s' is the discriminator of an adversarial pair: declare its generator (the model whose "
                        "train block says method = adversarial(discriminator = %s)) first in the spec: ebmc train and "
                        "sample run the spec's first model", b->an->m->name, b->an->m->name);
        return 1;
    }
    if (tc->rt.method != RT_ADVERSARIAL) return 0;
    for (int w = 0; w < 3; w++) {
        if (!(which & (1 << w))) continue;
        if (!(ad->c[w] = compile_step(b->c, b->an->m, tc, w))) return b->c->diag.errors ? 1 : 2;
        Analysis *an = compile_main_model(ad->c[w]);
        IrProgram *ir = ir_build(ad->c[w]->arena, an);
        ad->m[w] = ir_model_build(ad->c[w]->arena, an, ir);
        int rc = cli_backend(o, ir, ad->m[w]);
        if (rc) {
            ad->m[w] = NULL;
            return rc;
        }
    }
    if (ad->m[ADV_GENERATOR]) tc->rt.adversary = ad->m[ADV_GENERATOR];
    return 0;
}

void cli_adversarial_free(Adversarial *ad) {
    for (int w = 0; w < 3; w++) {
        if (ad->m[w]) cli_backend_free(ad->m[w]);
        compile_free(ad->c[w]);
    }
    memset(ad, 0, sizeof *ad);
}

int cli_adversarial_sample(Built *b, const Opts *o, const char *params, const rt_app_sample *sc, int states) {
    TrainConfig tc;
    const Model *g = b->an->m;
    if (!g->network || !g->train) return 0;
    if (!config_train(b->c->arena, &b->c->diag, g, g->train, NULL, 0, &tc)) return 1;
    if (tc.rt.method != RT_ADVERSARIAL) return 0;
    if (sc->nclamps || sc->mean_field) {
        diag_tool_error("a generator's samples are G(z) for fresh noise z: nothing to clamp or complete");
        return 1;
    }
    Adversarial ad;
    int rc = cli_adversarial_prepare(b, o, &tc, 1 << ADV_DISCRIMINATOR | 1 << ADV_SAMPLER, &ad);
    rt_model *dm = ad.m[ADV_DISCRIMINATOR], *sm = ad.m[ADV_SAMPLER];
    rt_params *dp = NULL, *sp = NULL;
    float *values = NULL, *means = NULL;
    int64_t rf = sm ? rt_visible_floats(sm) : 0;
    int h, w;
    if (rc) goto done;
    rc = 1;
    if (cli_check_output(sc->out, "--out")) goto done;
    if (!strcmp(sc->out + strlen(sc->out) - 4, ".png") && !rt_image_shape(sm, &h, &w)) {
        diag_tool_error("a PNG needs image-shaped output: declare the discriminator's visible group with two dimensions "
                        "(x[28, 28]) or a square size; or write .csv / .npy");
        goto done;
    }
    /* the checkpoint is the training model's (its structure checked), the
     * sampler takes the generator's parameters from it by name */
    dp = rt_params_new(dm);
    sp = rt_params_new(sm);
    if (rt_params_load(dm, dp, params)) {
        rc = cli_fail_rt();
        goto done;
    }
    for (int i = 0; i < sm->nparams; i++)
        for (int k = 0; k < dm->nparams; k++)
            if (!strcmp(sm->params[i].name, dm->params[k].name))
                memcpy(sp->value[i], dp->value[k], sizeof(float) * (size_t)sm->params[i].size);
    if (rt_memory_check(rt_ws_bytes(sm, sc->chains) + 8.0 * (double)sc->chains * (double)rf, "sampling the generator")) {
        rc = cli_fail_rt();
        goto done;
    }
    values = malloc(sizeof(float) * (size_t)(sc->chains * rf));
    means = malloc(sizeof(float) * (size_t)(sc->chains * rf));
    /* one sweep: x | z is the generator's output (the sampler's mean; its
     * state adds N(0, 0.001^2), which --states writes) */
    if (!values || !means || rt_sample_split(sm, sp, sc->chains, 1, sc->seed, NULL, 0, 0, values, means, NULL) ||
        rt_write_samples(sm, sc->out, states ? values : means, states ? values : means, sc->chains)) {
        rc = cli_fail_rt();
        goto done;
    }
    printf("%lld samples of generator '%s' written to %s\n", (long long)sc->chains, g->name, sc->out);
    rc = 0;
done:
    free(values);
    free(means);
    rt_params_free(dp);
    rt_params_free(sp);
    cli_adversarial_free(&ad);
    return rc < 0 ? 1 : rc == 0 ? -1 : rc;
}
