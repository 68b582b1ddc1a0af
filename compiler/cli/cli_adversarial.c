/* cli_adversarial.c — the adversarial pair compiled (cli_adversarial.h). */
#include "cli_adversarial.h"

#include <stdlib.h>
#include <string.h>

#include "derive_adversarial.h"
#include "ir_kernels.h"
#include "ir_model.h"

char *cli_adversarial_text(Built *b, const TrainConfig *tc, int which) {
    int k = config_discriminator(&b->c->diag, b->c->sema, b->an->m, tc);
    if (k < 0) return NULL;
    return derive_adversarial_text(b->c->arena, &b->c->diag, tc->method_span, b->an->m, b->c->sema->models[k], tc->logit,
                                   which);
}

int cli_adversarial_prepare(Built *b, const Opts *o, TrainConfig *tc, int which, Adversarial *ad) {
    memset(ad, 0, sizeof *ad);
    if (tc->rt.method != RT_ADVERSARIAL) return 0;
    for (int w = 0; w < 3; w++) {
        if (!(which & (1 << w))) continue;
        char *src = cli_adversarial_text(b, tc, w);
        if (!src) return 1;
        if (getenv("EBMC_VERBOSE")) fprintf(stderr, "%s", src);
        /* the spec's own path: relative data and init files resolve as in the spec */
        Analysis *an = (ad->c[w] = compile_source(b->c->diag.file, src, strlen(src))) ? compile_main_model(ad->c[w]) : NULL;
        if (!an) {
            diag_tool_error("internal: the adversarial pair's model did not compile:\n%s", src);
            return 2;
        }
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
