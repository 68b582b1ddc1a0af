/* rt_app_stack.c — train and sample of a binary built from a spec with a
 * stack (rt_app.h): the flags of `ebmc train` / `ebmc sample` on a stack,
 * then the runtime's stack driver (rt_stack.h) on the bundle the binary
 * carries, so its checkpoints and samples are ebmc's for the same seed. */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rt_app.h"

typedef struct Want {
    const char *name;
    int takes_value;
    const char *help;
} Want;

static const Want train_flags[] = {
    {"--out", 1, "the stack's checkpoint (default: SPEC.safetensors)"},
    {"--resume", 1, "continue a stack checkpoint: skip the stages it completed"},
    {"--stages", 1, "stop after this many stages (resume later with --resume)"},
    {"--seed", 1, "random seed"},
    {"--log", 1, "the settings, then a line per epoch of every stage, as YAML"},
    {"--quiet", 0, "no progress lines"},
    {NULL, 0, NULL},
};
static const Want sample_flags[] = {
    {"--params", 1, "the stack's checkpoint (from train)"},
    {"--chains", 1, "number of chains"},
    {"--steps", 1, "Gibbs sweeps per chain"},
    {"--seed", 1, "random seed"},
    {"--out", 1, "F.png"},
    {NULL, 0, NULL},
};

static int fail_rt(void) {
    rt_report("error", "%s", rt_last_error());
    return rt_error_is_internal() ? 2 : 1;
}

/* val[i]: flag i's value ("" for a switch given), or NULL; 0 parsed, 1
 * error (reported), -1 --help printed */
static int parse(const char *prog, const char *cmd, const Want *w, int argc, char **argv, const char **val) {
    for (int i = 0; w[i].name; i++) val[i] = NULL;
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            printf("usage: %s %s [flags]\n\nflags:\n", prog, cmd);
            for (int k = 0; w[k].name; k++)
                printf("  %-14s%s  %s\n", w[k].name, w[k].takes_value ? " VALUE" : "      ", w[k].help);
            return -1;
        }
        const char *eq = strchr(argv[i], '=');
        size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
        int k = 0;
        while (w[k].name && (strlen(w[k].name) != len || strncmp(w[k].name, argv[i], len))) k++;
        if (!w[k].name) {
            rt_report("error", "unknown flag '%.*s' for '%s' of a stack", (int)len, argv[i], cmd);
            rt_report("note", "'%s %s --help' lists the flags", prog, cmd);
            return 1;
        }
        if (!w[k].takes_value) {
            if (eq) return rt_report("error", "flag '%s' takes no value", w[k].name), 1;
            val[k] = "";
        } else if (eq) {
            val[k] = eq + 1;
        } else if (i + 1 < argc) {
            val[k] = argv[++i];
        } else {
            return rt_report("error", "flag '%s' needs a value", w[k].name), 1;
        }
        if (!strcmp(w[k].name, "--resume")) rt_output_may_replace(val[k]);
        if (!strcmp(w[k].name, "--params")) rt_input_note(val[k], "--params");
    }
    return 0;
}

static volatile int interrupted;   /* the signal that asked to stop */
static void on_interrupt(int sig) { interrupted = sig; }

/* SPEC.safetensors for spec DIR/SPEC.ebm, as ebmc train names it */
static void default_out(const char *spec, char *out, size_t n) {
    const char *base = strrchr(spec, '/') ? strrchr(spec, '/') + 1 : spec, *dot = strrchr(base, '.');
    snprintf(out, n, "%.*s.safetensors", (int)(dot ? dot - base : (long)strlen(base)), base);
}

static int train(const rt_app *app, int argc, char **argv) {
    const char *v[8];
    int rc = parse(app->program, "train", train_flags, argc, argv, v);
    if (rc) return rc < 0 ? 0 : rc;
    char def[512];
    default_out(app->spec, def, sizeof def);
    rt_stack_run run = {.out = v[0] ? v[0] : def, .resume = v[1], .log = v[4], .spec = app->spec, .seed = -1,
                        .stages = app->stack->nstages, .quiet = v[5] != NULL, .stop = &interrupted};
    if (rt_flag_ll("--stages", v[2], 0, &run.stages) < 0 || rt_flag_ll("--seed", v[3], 0, &run.seed) < 0) return 1;
    if (rt_output_check(run.out, "--out") || (run.log && rt_output_check(run.log, "--log"))) return fail_rt();
    rt_on_stop_signals(on_interrupt);
    rc = rt_stack_train(app->stack, &run);
    rt_on_stop_signals(SIG_DFL);
    return rc < 0 ? fail_rt() : rc;
}

static int sample(const rt_app *app, int argc, char **argv) {
    const char *v[8];
    int rc = parse(app->program, "sample", sample_flags, argc, argv, v);
    if (rc) return rc < 0 ? 0 : rc;
    const rt_stack *s = app->stack;
    long long chains = app->sample->chains, steps = app->sample->steps, seed = (long long)app->sample->seed;
    if (rt_flag_ll("--chains", v[1], 1, &chains) < 0 || rt_flag_ll("--steps", v[2], 0, &steps) < 0 ||
        rt_flag_ll("--seed", v[3], 0, &seed) < 0)
        return 1;
    const char *out = v[4] ? v[4] : app->sample->out ? app->sample->out : "samples.png";
    size_t n = strlen(out);
    if (!v[0]) {
        rt_report("error", "%s sample needs --params P.safetensors (the stack's checkpoint from '%s train')",
                  app->program, app->program);
        return 1;
    }
    if (n < 4 || strcmp(out + n - 4, ".png")) {
        rt_report("error", "a stack's samples are written as a PNG");
        return 1;
    }
    if (rt_output_check(out, "--out")) return fail_rt();
    float *img = NULL;
    int64_t width;
    if (rt_stack_sample(s, v[0], chains, (int)steps, (uint64_t)seed, &img, &width) ||
        rt_write_png_grid(out, img, (int)chains, s->image_h, s->image_w, (int)ceil(sqrt((double)chains)), 0))
        rc = fail_rt();
    else
        printf("%lld samples of stack '%s' written to %s\n", chains, s->name, out);
    free(img);
    return rc;
}

int rt_app_stack_main(const rt_app *app, int argc, char **argv) {
    return !strcmp(argv[1], "train") ? train(app, argc, argv) : sample(app, argc, argv);
}
