/* cli_latent.c — the recognition model of `ebmc train` (see cli_latent.h);
 * the test score and the filters are the train driver's (rt_drive.c, rt_filters.c). */
#include "cli_latent.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir_kernels.h"
#include "ir_model.h"

int cli_latent_prepare(Built *b, const Opts *o, TrainConfig *tc, Latent *lt) {
    memset(lt, 0, sizeof *lt);
    if (!tc->recognition) {
        if (tc->rt.method == RT_REINFORCE || tc->rt.method == RT_WAKE_SLEEP) {
            diag_tool_error("this method needs recognition = q: a model of q(h | x) in the spec");
            return 1;
        }
        return 0;
    }
    int k = config_recognition(&b->c->diag, b->c->sema, b->an->m, tc);
    if (k < 0) return 1;
    Analysis *an = b->c->analysis[k];
    if (!an) return 1;
    IrProgram *ir = ir_build(b->c->arena, an);
    lt->q = ir_model_build(b->c->arena, an, ir);
    if (cli_backend(o, ir, lt->q)) {   /* the back end p runs on */
        lt->q = NULL;
        return 1;
    }
    lt->qp = rt_params_new(lt->q);
    lt->qname = an->m->name;
    rt_params_init(lt->q, lt->qp, tc->rt.seed + 1);
    tc->rt.recognition = lt->q;
    tc->rt.recognition_params = lt->qp;
    return 0;
}

void cli_latent_free(Latent *lt) {
    rt_params_free(lt->qp);
    if (lt->q) cli_backend_free(lt->q);
}
