/* rt_stack_train.c — a stack trained stage by stage (rt_stack.h): each
 * stage on its data (the stack's rows passed up through the layers below,
 * or its own), a checkpoint of every part after each, resumption after
 * the stages a checkpoint completed, a joint model started from its
 * layers, the training state on a signal, a progress bar and --log. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rt_filters.h"
#include "rt_progress.h"
#include "rt_stack_parts.h"

/* a joint model starts from the layers' parameters of the same names */
static void joint_start(rt_stack_parts *r, const rt_stack_stage *st) {
    const rt_stack *s = r->s;
    const rt_model *j = s->joint;
    for (int q = 0; q < j->nparams; q++) {
        const rt_param *pp = &j->params[q];
        for (int k = 0; k < s->nlayers; k++)
            for (int i = 0; i < s->layers[k]->nparams; i++) {
                const rt_param *lp = &s->layers[k]->params[i];
                if (strcmp(lp->name, pp->name) || lp->size != pp->size) continue;
                float scale = 1;
                for (int h = 0; h < st->nhalve; h++)
                    if (!strcmp(st->halve[h], pp->name)) scale = 0.5f;
                for (int64_t e = 0; e < pp->size; e++) r->jp->value[q][e] = scale * r->lp[k]->value[i][e];
            }
    }
}

/* Where a stage's training state goes while it runs (checkpoint_every,
 * checkpoint_minutes, a signal), beside the stack's checkpoint:
 * NAME.safetensors -> NAME.STAGE.state.safetensors (malloc'd). The stack's
 * file holds the stages done; a resumed run continues the next stage from
 * this file when it is there, exactly as a single model resumes. */
static char *state_path(const char *out, const char *stage) {
    size_t n = strlen(out);
    const char *ext = n > 12 && !strcmp(out + n - 12, ".safetensors") ? out + n - 12 : out + n;
    size_t len = (size_t)(ext - out) + strlen(stage) + 32;
    char *p = malloc(len);
    snprintf(p, len, "%.*s.%s.state.safetensors", (int)(ext - out), out, stage);
    return p;
}

static int readable(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f) fclose(f);
    return f != NULL;
}

typedef struct Run {
    rt_stack_parts parts;
    const rt_stack_run *o;
    FILE *log;
    rt_atomic logw;   /* the log's temporary file, renamed when training ends */
} Run;

/* One stage, with what a single model's run gets: the validation rows of
 * fe_gap (passed up like the data when the stage's data is), the tempered
 * model of method = pt, a progress bar and --log lines, the training state
 * on a signal and checkpoint_every, and filters = "f.png". 0, 128 + the
 * signal when stopped, or -1 after an error. */
static int run_stage(Run *r, const rt_stack_stage *st, rt_train_cfg cfg, int i, const rt_dataset *base) {
    rt_stack_parts *pa = &r->parts;
    const rt_stack *s = pa->s;
    rt_dataset own = {0}, up = {0}, vraw = {0}, validation = {0};
    const rt_dataset *data = base;
    rt_train_report rep = {0};
    char *state = NULL, *from = NULL;
    int rc = -1;
    if (st->refuse) return rt_fail("stage '%s': %s", st->name, st->refuse);
    if (i > 0 && st->data.kind != RT_SRC_NONE) {
        if (rt_source_load(&st->data, &own)) goto done;
        data = &own;
    }
    const rt_model *m = st->kind == RT_STAGE_LAYER ? s->layers[st->layer] : st->kind == RT_STAGE_JOINT ? s->joint : NULL;
    rt_params *p = st->kind == RT_STAGE_LAYER ? pa->lp[st->layer] : st->kind == RT_STAGE_JOINT ? pa->jp : NULL;
    int passed_up = st->kind == RT_STAGE_LAYER && data == base;
    if (passed_up) {
        if (rt_stack_layer_data(pa, base, st->layer, &up)) goto done;
        data = &up;
    }
    if (st->validation.kind != RT_SRC_NONE) {
        if (rt_source_load(&st->validation, &vraw)) goto done;
        if (passed_up && rt_dataset_row(&vraw) != rt_dataset_row(base)) {
            rt_fail("stage '%s': the validation data has %lld values per example; it is passed up through the layers "
                    "below like the stack's data, which has %lld", st->name, (long long)rt_dataset_row(&vraw),
                    (long long)rt_dataset_row(base));
            goto done;
        }
        if (passed_up) {
            if (rt_stack_layer_data(pa, &vraw, st->layer, &validation)) goto done;
        } else {
            validation = vraw;
            vraw = (rt_dataset){0};
        }
        cfg.validation = &validation;
    }
    if (m && cfg.method == RT_PT) {
        if (!st->tempered) {
            rt_fail("internal: stage '%s': method pt without a tempered model", st->name);
            goto done;
        }
        cfg.tempered = st->tempered;
    }
    if (st->kind == RT_STAGE_JOINT) joint_start(pa, st);
    state = state_path(r->o->out, st->name);
    cfg.checkpoint_path = state;
    cfg.stop = r->o->stop;
    if (r->o->resume) {
        from = state_path(r->o->resume, st->name);
        if (readable(from)) {
            cfg.resume_path = from;
            if (!cfg.quiet) printf("stage %s: resuming its training state in %s\n", st->name, from);
        }
    }
    /* up_down keeps no state inside the stage: the checkpoint before it is
     * where a stopped run continues */
    if (st->kind == RT_STAGE_UPDOWN && rt_stack_save(pa, r->o->out, i)) goto done;
    rt_meta meta[] = {{"stack", s->name}, {"stage", st->name}};
    cfg.meta = meta;
    cfg.nmeta = 2;
    rt_reporter rpt;
    rt_reporter_init(&rpt, cfg.quiet ? NULL : stderr, r->log);
    if (r->log) {
        fprintf(r->log, "  %s:\n", st->name);
        fflush(r->log);
    }
    if (rpt.bar || rpt.log) {
        cfg.on_progress = rt_reporter_event;
        cfg.progress_ctx = &rpt;
    }
    int err = st->kind == RT_STAGE_BACKPROP ? rt_stack_backprop(pa, st, &cfg, data, &rep)
              : st->kind == RT_STAGE_UPDOWN ? rt_stack_up_down(pa, st, &cfg, data, &rep)
                                            : rt_train(m, p, data, &cfg, stdout, &rep);
    rt_reporter_end(&rpt);
    if (err) goto done;
    if (rep.stopped && st->kind == RT_STAGE_UPDOWN) {
        printf("interrupted in stage %s: %s holds the stages before it; --resume %s runs up_down again from its start\n",
               st->name, r->o->out, r->o->out);
        rc = 128 + (r->o->stop && *r->o->stop > 0 ? *r->o->stop : 2);
        goto done;
    }
    if (rep.stopped) {
        /* the stages before this one are done; this one's state is in state */
        if (rt_stack_save(pa, r->o->out, i)) goto done;
        printf("interrupted in stage %s: the training state is in %s and %s; continue with --resume %s\n", st->name,
               r->o->out, state, r->o->out);
        rc = 128 + (r->o->stop && *r->o->stop > 0 ? *r->o->stop : 2);   /* 128 + the signal */
        goto done;
    }
    if (rt_stack_save(pa, r->o->out, i + 1)) goto done;
    if (readable(state)) unlink(state);   /* the stage is done: its state is in out */
    /* up_down's filters: the bottom layer's generative weights */
    if (st->kind == RT_STAGE_UPDOWN) m = s->layers[0], p = rt_stack_gen(pa, 0);
    if (st->filters && rt_draw_filters(m ? m : pa->net, m ? p : pa->np, st->filters)) goto done;
    rc = 0;
done:
    free(rep.per_epoch);
    free(state);
    free(from);
    rt_dataset_free(&validation);
    rt_dataset_free(&vraw);
    rt_dataset_free(&up);
    rt_dataset_free(&own);
    return rc;
}

static int log_failed(void) { return rt_fail("--log: %s", rt_last_error()); }

/* the log's head: the spec's resolved settings, then a line per epoch of every stage */
static int open_log(Run *r) {
    const rt_stack_run *o = r->o;
    if (!o->log) return 0;
    /* the log replaces the previous one whole when training ends, as a single model's does */
    if (rt_atomic_open(&r->logw, o->log)) return log_failed();
    r->log = r->logw.fp;
    fprintf(r->log, "# ebmc train %s: the configuration, then a line per epoch of every stage\n", o->spec);
    const char *config = o->config ? o->config : r->parts.s->config;
    if (config) rt_log_embed(r->log, "config", config);
    fprintf(r->log, "stages:\n");
    fflush(r->log);
    return 0;
}

int rt_stack_train(const rt_stack *s, const rt_stack_run *o) {
    Run r = {.o = o};
    uint64_t base_seed = o->seed >= 0 ? (uint64_t)o->seed : 1;
    rt_stack_parts_init(&r.parts, s, base_seed, 1, base_seed + 100);
    rt_dataset base = {0};
    int rc = -1, done = 0;
    if (o->resume) {
        if (rt_stack_load(&r.parts, o->resume, 1, &done)) goto out;
        printf("resuming after %d of %d stages\n", done, s->nstages);
    }
    if (open_log(&r)) goto out;
    if (rt_source_load(&s->stages[0].data, &base)) goto out;
    long long upto = o->stages < s->nstages ? o->stages : s->nstages;
    for (int i = done; i < upto; i++) {
        const rt_stack_stage *st = &s->stages[i];
        rt_train_cfg cfg = st->cfg;
        /* each stage its own stream of random numbers, so resuming at a
         * stage repeats exactly what an uninterrupted run does */
        cfg.seed = cfg.seed * 1000003u + base_seed * 7919u + (uint64_t)i;
        cfg.quiet = o->quiet;
        if (!cfg.quiet) printf("stage %s (%d of %d)\n", st->name, i + 1, s->nstages);
        if ((rc = run_stage(&r, st, cfg, i, &base))) goto out;
        rc = -1;
    }
    /* every stage writes the checkpoint: with none run, nothing was */
    if (!o->quiet && done >= upto)
        printf("no stage to train: %d of %d stages are done already; %s not written\n", done, s->nstages, o->out);
    else if (!o->quiet)
        printf("parameters of every stage written to %s\n", o->out);
    rc = 0;
out:
    rt_dataset_free(&base);
    if (r.log && rt_atomic_commit(&r.logw, 1) && !rc) rc = log_failed();
    rt_stack_parts_free(&r.parts);
    return rc;
}
