/* cli_latent.c — the recognition model, test scores and filter images of
 * `ebmc train` (see cli_latent.h). */
#include "cli_latent.h"
#include "rt_filters.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ir_kernels.h"
#include "ir_model.h"
#include "rt_methods.h"
#include "rt_plot.h"

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

/* the average loss of rows, with fresh noise for every batch */
static double average_loss(const rt_model *m, rt_params *p, const rt_dataset *d, uint64_t seed) {
    int64_t B = 500, rf = rt_dataset_row(d);
    rt_ws *w = rt_ws_new(m, B, p, seed);
    double s = 0;
    for (int64_t r0 = 0; r0 < d->n; r0 += B) {
        w->B = d->n - r0 < B ? d->n - r0 : B;
        rt_ws_set_visible(w, d->data + r0 * rf, w->B, rf);
        rt_ws_fill_noise(w);
        rt_ws_run(w, m->k_loss);
        for (int64_t r = 0; r < w->B; r++) s += w->bufs[m->loss_buf][r];
    }
    rt_ws_free(w);
    return s / (double)d->n;
}

static double average_elbo(const rt_model *m, rt_params *p, Latent *lt, const rt_dataset *d, uint64_t seed) {
    int64_t B = 500, rf = rt_dataset_row(d);
    rt_reinforce *r = rt_reinforce_new(m, p, lt->q, lt->qp, B, seed);
    if (!r) return NAN;
    double s = 0;
    for (int64_t r0 = 0; r0 < d->n; r0 += B) {
        int64_t n = d->n - r0 < B ? d->n - r0 : B;
        s += rt_reinforce_batch(r, d->data + r0 * rf, n, 1, 0, 0) * (double)n;
    }
    rt_reinforce_free(r);
    return s / (double)d->n;
}

static int score_test(Built *b, const TrainConfig *tc, rt_params *p, Latent *lt) {
    rt_dataset d = {0};
    if (rt_source_load(&tc->test, &d)) return cli_fail_rt();
    int64_t want = rt_visible_floats(b->m);
    if (rt_dataset_row(&d) != want) {
        diag_tool_error("the test data has %lld values per example but model '%s' has %lld visible units",
                        (long long)rt_dataset_row(&d), b->m->name, (long long)want);
        rt_dataset_free(&d);
        return 1;
    }
    int rc = 0;
    if (b->m->lin && b->m->lin->gaussian) {
        double ll;
        if (rt_linear_loglik(b->m, p, d.data, d.n, want, &ll)) rc = cli_fail_rt();
        else printf("exact average log-likelihood of the test data (%lld examples): %.4f\n", (long long)d.n, ll);
    } else if (lt->q) {
        printf("ELBO of the test data (%lld examples, one sample of h each): %.4f\n", (long long)d.n,
               average_elbo(b->m, p, lt, &d, tc->rt.seed + 7));
    } else if (b->m->k_loss >= 0) {
        printf("average loss of the test data (%lld examples, fresh noise): %.4f\n", (long long)d.n,
               average_loss(b->m, p, &d, tc->rt.seed + 7));
    } else {
        printf("test data: model '%s' has no exact score (not linear-Gaussian, no loss, no recognition model)\n", b->m->name);
    }
    rt_dataset_free(&d);
    return rc;
}

/* the loading's columns as images (rt_filters.c), errors reported */
int cli_draw_filters(const rt_model *m, rt_params *p, const char *path) {
    return rt_draw_filters(m, p, path) ? cli_fail_rt() : 0;
}

int cli_latent_finish(Built *b, const TrainConfig *tc, rt_params *p, Latent *lt, const char *out) {
    int rc = 0;
    if (lt->q) {
        /* beside out: NAME.safetensors -> NAME.q.safetensors */
        size_t n = strlen(out);
        const char *ext = n > 12 && !strcmp(out + n - 12, ".safetensors") ? out + n - 12 : out + n;
        char *qpath = arena_printf(b->c->arena, "%.*s.%s.safetensors", (int)(ext - out), out, lt->qname);
        rt_meta meta[] = {{"model", lt->qname}, {"recognition_for", b->m->name}};
        if (rt_params_save(lt->q, lt->qp, qpath, meta, 2)) return cli_fail_rt();
        if (!tc->rt.quiet) printf("recognition model '%s' written to %s\n", lt->qname, qpath);
    }
    if (tc->test.kind != RT_SRC_NONE) rc = score_test(b, tc, p, lt);
    if (!rc && tc->filters) rc = cli_draw_filters(b->m, p, tc->filters);
    return rc;
}
