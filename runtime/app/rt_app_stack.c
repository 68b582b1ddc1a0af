/* rt_app_stack.c — train and sample of a binary built from a spec with a
 * stack (rt_app.h): ebmc's train / sample flags (rt_flags.c, less a single
 * model's), the stages' settings resolved with --config and --set as ebmc
 * resolves them (app->resolve), then the runtime's stack driver
 * (rt_stack.h) on the bundle the binary carries, so its checkpoints and
 * samples are ebmc's for the same seed and overrides. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_app.h"
#include "rt_drive_sample.h"

/* ebmc's flags less those that need the compiler and a single model's own */
#define NOT_MINE (RT_FLAG_EBMC | RT_FLAG_BIN)

static int fail_rt(void) {
    rt_report("error", "%s", rt_last_error());
    return rt_error_is_internal() ? 2 : 1;
}

static volatile int interrupted;   /* the signal that asked to stop */
static void on_interrupt(int sig) { interrupted = sig; }

static int train(const rt_app *app, int argc, char **argv) {
    rt_opts o;
    int rc = rt_app_parse(app, "train", "train the stack, stage by stage (its train block, with --set and --config)",
                          rt_flags_train, NOT_MINE, argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    if (rt_opt_has(&o, "--report")) {
        rt_report("error", "--report: a stack's stages write their monitors per epoch with --log FILE");
        return 1;
    }
    rt_app_run r;
    if ((rc = rt_app_settings(app, "train", &o, NULL, 0, &r))) return rc;
    rt_stack s = *app->stack;
    if (r.stages) s.stages = r.stages;
    const char *config = r.config ? r.config : s.config;
    if (rt_opt_has(&o, "--print-config")) {
        if (config) fputs(config, stdout);
        goto done;
    }
    char def[512];
    rt_default_out(app->spec, def, sizeof def);
    rt_stack_run run = {.out = rt_opt_str(&o, "--out") ? rt_opt_str(&o, "--out") : def, .resume = rt_opt_str(&o, "--resume"),
                        .log = rt_opt_str(&o, "--log"), .spec = app->spec, .config = r.config, .seed = -1,
                        .stages = s.nstages, .quiet = rt_opt_has(&o, "--quiet"), .stop = &interrupted};
    if (rt_opt_ll(&o, "--stages", 0, &run.stages) < 0 || rt_opt_ll(&o, "--seed", 0, &run.seed) < 0) {
        rc = 1;
        goto done;
    }
    if (rt_output_check(run.out, "--out") || (run.log && rt_output_check(run.log, "--log"))) {
        rc = fail_rt();
        goto done;
    }
    rt_on_stop_signals(on_interrupt);
    rc = rt_stack_train(&s, &run);
    rt_on_stop_signals(SIG_DFL);
    if (rc < 0) rc = fail_rt();
done:
    free(r.stages);
    free(r.config);
    return rc;
}

static int sample(const rt_app *app, int argc, char **argv) {
    rt_opts o;
    int rc = rt_app_parse(app, "sample", "sample the stack (a DBN: the top layer, then down; a DBM: its joint model)",
                          rt_flags_sample, NOT_MINE, argc, argv, &o);
    if (rc) return rc < 0 ? 0 : rc;
    rt_app_run r;
    if ((rc = rt_app_settings(app, "sample", &o, NULL, 0, &r))) return rc;
    free(r.config);
    rt_sample_job j = {.m = app->model, .s = r.sample};
    if (!j.s.out) j.s.out = "samples.png";   /* no spec to name it after */
    if (rt_drive_sample_flags(&o, &j)) return 1;
    const rt_stack *s = app->stack;
    const char *out = j.s.out, *params = rt_opt_str(&o, "--params");
    if (!params) {
        rt_report("error", "%s sample needs --params P.safetensors (the stack's checkpoint from '%s train')",
                  app->program, app->program);
        return 1;
    }
    if (rt_drive_sample_stack_check(&o, &j)) return 1;
    if (rt_output_check(out, "--out")) return fail_rt();
    return rt_drive_sample_stack(s, params, &j);
}

int rt_app_stack_main(const rt_app *app, int argc, char **argv) {
    /* the flags after the command, as rt_app.c's commands take them */
    return !strcmp(argv[1], "train") ? train(app, argc - 2, argv + 2) : sample(app, argc - 2, argv + 2);
}
