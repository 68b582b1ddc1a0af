/* rt_flags.c — the one flag parser (rt_flags.h): ebmc's commands and a
 * built binary's parse their flags here, from the tables below, with "did
 * you mean" for a misspelt flag. */
#include "rt_flags.h"

#include <stdlib.h>
#include <string.h>

#include "rt.h"

/* E: needs the compiler; B: a built binary's alone */
#define E RT_FLAG_EBMC
#define B RT_FLAG_BIN

const rt_flag rt_flags_train[] = {
    {"--data", 1, "training data: .csv, .npy or IDX, with the spec's transforms (default: the spec's data = ...)", "FILE", B},
    {"--epochs", 1, "number of epochs (default: the spec's)", "N", B},
    {"--lr", 1, "learning rate, every epoch (default: the spec's schedule)", "LR", B},
    {"--batch", 1, "minibatch size", "N", B},
    {"--out", 1, "where to write the parameters (default: SPEC's name .safetensors)", "P.safetensors", 0},
    {"--config", 1, "a run configuration in YAML: train: {lr: 0.01, epochs: 5} (see 'ebmc help train')", "RUN.yaml", 0},
    {"--set", 1, "override one setting: --set lr=0.01, --set train.lr=0.01 (repeatable; after --config)", "KEY=VALUE", RT_FLAG_REPEAT},
    {"--print-config", 0, "print the resolved configuration as YAML and stop (--config reads it back)", NULL, 0},
    {"--seed", 1, "random seed", "N", 0},
    {"--backend", 1, "interp (the reference interpreter) or jit", "interp|jit", E},
    {"--quiet", 0, "no progress lines and no progress bar", NULL, 0},
    {"--log", 1, "write every epoch's monitors to FILE as YAML (the configuration first), when training ends", "FILE", 0},
    {"--report", 1, "after training: every monitor per epoch to R.yaml, the curves drawn to R.png, and a page, R.html, with the curves, filters and samples", "R.yaml", 0},
    {"--resume", 1, "continue a checkpoint written during training (a stack's: skip the stages it completed)", "P", 0},
    {"--stages", 1, "a stack: stop after this many stages (resume later with --resume)", "N", RT_FLAG_STACK},
    {NULL, 0, NULL, NULL, 0},
};

const rt_flag rt_flags_sample[] = {
    {"--params", 1, "trained parameters (.safetensors)", "P", RT_FLAG_REQUIRED},
    {"--chains", 1, "number of independent chains", "N", 0},
    {"--steps", 1, "Gibbs sweeps per chain", "S", 0},
    {"--seed", 1, "random seed", "N", 0},
    {"--out", 1, "F.png (image grid of the visible means), F.csv or F.npy (final states)", "F.{png,csv,npy}", 0},
    {"--states", 0, "F.png draws the final states (0/1 pixels for binary units) instead of the conditional means", NULL, 0},
    {"--set", 1, "override one sample setting (repeatable)", "KEY=VALUE", RT_FLAG_REPEAT},
    {"--config", 1, "a run configuration in YAML: its sample: settings apply (see 'ebmc help sample')", "RUN.yaml", 0},
    {"--clamp", 1, "GROUP=FILE (CSV or .npy, a row per chain, nan = free) or GROUP=VALUE: hold those units (repeatable)", "GROUP=FILE|GROUP=VALUE", RT_FLAG_REPEAT},
    {"--mask", 1, "GROUP=FILE: non-zero entries are left free (with --clamp GROUP=FILE)", "GROUP=FILE", 0},
    {"--mean-field", 0, "complete with conditional means instead of samples (deterministic)", NULL, 0},
    {"--pt", 1, "parallel tempering with this many replicas per chain (betas 1 .. --beta-min); prints the swap rate", "R", 0},
    {"--beta-min", 1, "the hottest replica's inverse temperature with --pt (default 0: the base-rate model)", "B", 0},
    {"--model", 1, "the spec's model to sample (default: the first; a stack spec samples its stack)", "NAME", E},
    {"--params-of", 1, "the checkpoint is this model's of the spec (checked against it); the sampled model takes its parameters of the same names (a VAE's decoder)", "MODEL", E},
    {"--backend", 1, "interp or jit", "interp|jit", E},
    {NULL, 0, NULL, NULL, 0},
};

const rt_flag rt_flags_eval[] = {
    {"--params", 1, "trained parameters (.safetensors)", "P", RT_FLAG_REQUIRED},
    {"--model", 1, "the spec's model to evaluate (default: a DBM stack's joint model, else the first model)", "NAME", E},
    {"--data", 1, "data to evaluate on: an IDX, .csv or .npy file (default: the eval block's data, else the train block's)", "FILE", 0},
    {"--exact", 0, "exact log Z and log-likelihood by enumeration (an error if the model is too large; log p(v) costs examples x 2^k hidden configurations, up to 2^32)", NULL, 0},
    {"--target", 1, "a visible group to predict from the rest: exact cond_loglik and accuracy, or the accuracy by mean field where the hidden groups do not sum out (a DBM) (default: the train block's target)", "GROUP", 0},
    {"--missing", 1, "with --target: leave this fraction of the other visible units out at random, filled in by mean field with the target (default 0)", "F", 0},
    {"--inception", 1, "the inception score of samples (.npy or .csv rows of the input less the label) under this model's p(label | rest), with its standard error over 10 splits, and the data's own score (the ceiling)", "S.npy", 0},
    {"--ais", 0, "annealed importance sampling of log Z (on by default when the eval block has ais(...))", NULL, 0},
    {"--dbn-bound", 0, "a DBN stack's variational lower bound on log p(v) with its recognition posterior (the top layer's log Z exact, else by AIS with --runs and --betas)", NULL, E},
    {"--bound-samples", 1, "draws of the recognition posterior per example for --dbn-bound (default 10)", "N", E},
    {"--runs", 1, "AIS runs (default 100)", "N", 0},
    {"--betas", 1, "AIS steps from beta = 0 to 1 on Salakhutdinov & Murray's schedule (default 10000)", "K", 0},
    {"--schedule", 1, "AIS temperatures from a file: numbers rising from 0 to 1 (instead of --betas)", "FILE", 0},
    {"--chain", 1, "the side an RBM's AIS and RAISE chains run on, the other summed out: visible (default), hidden or smaller; for a DBM, visible sums out h1 (default: the chain on h1); a built binary: its default only", "SIDE", 0},
    {"--base", 1, "AIS's base model: posterior (default: visible units' data rates, discrete hidden units' rates from the data's mean-field posteriors) or visible (hidden units uniform)", "KIND", 0},
    {"--sweeps", 1, "Gibbs sweeps per temperature in AIS and RAISE (default 1)", "N", 0},
    {"--raise", 1, "examples (evenly spaced) for the reverse estimate RAISE beside AIS (default 25; 0: none)", "N", 0},
    {"--raise-chains", 1, "reverse chains per RAISE example (default 4)", "N", 0},
    {"--filters", 1, "each hidden unit's weights to the first visible group, drawn as a PNG grid", "F.png", 0},
    {"--html", 1, "a self-contained HTML report: these numbers, filters and samples inline", "R.html", 0},
    {"--seed", 1, "random seed", "N", 0},
    {"--set", 1, "override one eval setting: --set 'data=idx(\"t10k.gz\", binarize = 0.5)' (repeatable; after --config)", "KEY=VALUE", RT_FLAG_REPEAT},
    {"--config", 1, "a run configuration in YAML: its eval: settings apply", "RUN.yaml", 0},
    {"--backend", 1, "interp or jit", "interp|jit", E},
    {NULL, 0, NULL, NULL, 0},
};
#undef E
#undef B


static int mine(const rt_flags_cmd *c, const rt_flag *f) { return !(f->usage & c->leave_out); }

/* a binary has its --params embedded: nothing is required there */
static int required(const rt_flags_cmd *c, const rt_flag *f) {
    return (f->usage & RT_FLAG_REQUIRED) && !(c->leave_out & RT_FLAG_EBMC);
}

static const char *flag_arg(const rt_flag *f) {
    return f->takes_value ? (f->arg ? f->arg : "VALUE") : "";
}

/* one flag as the usage line shows it: "--params P", "[--seed N]",
 * "[--set KEY=VALUE]..." */
static void usage_item(const rt_flags_cmd *c, const rt_flag *f, char *buf, size_t n) {
    int req = required(c, f);
    snprintf(buf, n, "%s%s%s%s%s%s", req ? "" : "[", f->name, f->takes_value ? " " : "", flag_arg(f), req ? "" : "]",
             f->usage & RT_FLAG_REPEAT ? "..." : "");
}

void rt_flags_usage_line(const rt_flags_cmd *c, FILE *out) {
    const char *args = c->args && *c->args ? c->args : NULL;
    int col = fprintf(out, "usage: %s %s%s%s", c->prog, c->name, args ? " " : "", args ? args : "");
    int indent = (int)strlen("usage: ") + (int)strlen(c->prog) + 1 + (int)strlen(c->name) + 1;
    for (const rt_flag *f = c->flags; f->name; f++) {
        if (!mine(c, f)) continue;
        char item[160];
        usage_item(c, f, item, sizeof item);
        if (col + 1 + (int)strlen(item) > 79) col = fprintf(out, "\n%*s", indent, "") - 1;
        else col += fprintf(out, " ");
        col += fprintf(out, "%s", item);
    }
    fprintf(out, "\n");
}

static void usage(const rt_flags_cmd *c, FILE *out) {
    rt_flags_usage_line(c, out);
    fprintf(out, "\n%s\n", c->help);
    int width = 0, any = 0;
    for (const rt_flag *f = c->flags; f->name; f++) {
        if (!mine(c, f)) continue;
        int w = (int)strlen(f->name) + (f->takes_value ? 1 + (int)strlen(flag_arg(f)) : 0);
        if (w > width) width = w;
        any = 1;
    }
    if (any) fprintf(out, "\nflags:\n");
    for (const rt_flag *f = c->flags; f->name; f++)
        if (mine(c, f))
            fprintf(out, "  %s%s%-*s  %s\n", f->name, f->takes_value ? " " : "",
                    width - (int)strlen(f->name) - (f->takes_value ? 1 : 0), flag_arg(f), f->help);
    if (c->more) fprintf(out, "\n%s\n", c->more);
}

int rt_flags_parse(const rt_flags_cmd *c, int argc, char **argv, rt_opts *o, int need_positional) {
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(c, stdout);
            return -1;
        }
        if (a[0] != '-' || a[1] == 0) {
            if (!c->args || !*c->args) {
                rt_say(c->report, "error", "'%s %s' takes no file argument; '%s' is one", c->prog, c->name, a);
                return 1;
            }
            if (o->spec) {
                rt_say(c->report, "error", "%s %s takes one spec file; '%s' is a second one", c->prog, c->name, a);
                return 1;
            }
            o->spec = a;
            continue;
        }
        /* --flag=value or --flag value */
        char name[64];
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        if (len >= sizeof name) len = sizeof name - 1;
        memcpy(name, a, len);
        name[len] = 0;
        const rt_flag *f = NULL, *other = NULL;
        for (const rt_flag *k = c->flags; k->name; k++)
            if (!strcmp(k->name, name)) *(mine(c, k) ? &f : &other) = k;
        if (!f) {
            const char *names[64];
            int n = 0;
            for (const rt_flag *k = c->flags; k->name && n < 64; k++)
                if (mine(c, k)) names[n++] = k->name;
            rt_say(c->report, "error", "unknown flag '%s' for '%s %s'", name, c->prog, c->name);
            const char *best = rt_suggest(name, names, n);
            if (other && (other->usage & RT_FLAG_EBMC))
                rt_say(c->report, "note", "%s needs the compiler: 'ebmc %s SPEC %s'", name, c->name, name);
            else if (other && (other->usage & RT_FLAG_STACK))
                rt_say(c->report, "note", "%s is for a stack's stages; this binary's spec has no stack", name);
            else if (other && (other->usage & RT_FLAG_BIN) && (c->leave_out & RT_FLAG_EBMC))   /* a stack's binary */
                rt_say(c->report, "note", "%s is a single model's; a stack's stages take their settings with --set STAGE.KEY=VALUE", name);
            else if (best) rt_say(c->report, "note", "did you mean '%s'?", best);
            else rt_say(c->report, "note", "'%s %s --help' lists the flags", c->prog, c->name);
            return 1;
        }
        const char *value = NULL;
        if (f->takes_value) {
            if (eq) value = eq + 1;
            else if (i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1] == '-' && argv[i + 1][2]))
                value = argv[++i];
            else if (i + 1 < argc) {
                /* --out --quiet: a forgotten value, not a file named --quiet */
                rt_say(c->report, "error", "flag '%s' needs a value; '%s' is a flag (write %s=%s for a value that starts with --)",
                    name, argv[i + 1], name, argv[i + 1]);
                return 1;
            } else {
                rt_say(c->report, "error", "flag '%s' needs a value", name);
                return 1;
            }
        } else if (eq) {
            rt_say(c->report, "error", "flag '%s' takes no value", name);
            return 1;
        }
        if (o->n >= 64) {
            rt_say(c->report, "error", "too many flags");
            return 1;
        }
        o->names[o->n] = f->name;
        o->values[o->n++] = value;
    }
    rt_flags_note_inputs(o);
    if (need_positional && !o->spec) {
        rt_say(c->report, "error", "%s %s needs a spec file", c->prog, c->name);
        rt_flags_usage_line(c, stderr);
        return 1;
    }
    return 0;
}

const char *rt_opt_str(const rt_opts *o, const char *name) {
    const char *v = NULL;
    for (int i = 0; i < o->n; i++)
        if (!strcmp(o->names[i], name)) v = o->values[i];
    return v;
}

int rt_opt_has(const rt_opts *o, const char *name) {
    for (int i = 0; i < o->n; i++)
        if (!strcmp(o->names[i], name)) return 1;
    return 0;
}

int rt_opt_all(const rt_opts *o, const char *name, char **out, int max) {
    int n = 0;
    for (int i = 0; i < o->n && n < max; i++)
        if (!strcmp(o->names[i], name)) out[n++] = (char *)o->values[i];
    return n;
}

int rt_opt_ll(const rt_opts *o, const char *name, long long lo, long long *out) {
    return rt_flag_ll(name, rt_opt_str(o, name), lo, out);
}

/* GROUP=FILE for --clamp and --mask (a value there is not a file: noting
 * a missing file is a no-op) */
void rt_flags_note_inputs(const rt_opts *o) {
    static const char *const in[] = {"--config", "--params", "--data", "--schedule", "--clamp", "--mask", NULL};
    if (o->spec) rt_input_note(o->spec, "the spec");
    for (int i = 0; i < o->n; i++) {
        if (!o->values[i]) continue;
        if (!strcmp(o->names[i], "--resume")) {
            /* training continues the checkpoint it resumes and writes it again */
            rt_output_may_replace(o->values[i]);
            continue;
        }
        for (int k = 0; in[k]; k++)
            if (!strcmp(o->names[i], in[k])) {
                const char *v = o->values[i], *eq = strchr(v, '=');
                rt_input_note(eq && (!strcmp(in[k], "--clamp") || !strcmp(in[k], "--mask")) ? eq + 1 : v, in[k]);
            }
    }
}
