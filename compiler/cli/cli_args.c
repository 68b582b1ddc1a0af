/* cli_args.c — flag parsing with "did you mean" for misspelt flags. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_help.h"
#include "rt.h"

static const char *flag_arg(const Flag *f) {
    return f->takes_value ? (f->arg ? f->arg : "VALUE") : "";
}

/* one flag as the usage line shows it: "--params P", "[--seed N]",
 * "[--set KEY=VALUE]..." */
static void usage_item(const Flag *f, char *buf, size_t n) {
    int req = f->usage & FLAG_REQUIRED;
    snprintf(buf, n, "%s%s%s%s%s%s", req ? "" : "[", f->name, f->takes_value ? " " : "", flag_arg(f), req ? "" : "]",
             f->usage & FLAG_REPEAT ? "..." : "");
}

void cli_usage_line(const Command *c, const Flag *flags, FILE *out) {
    int col = fprintf(out, "usage: ebmc %s %s", c->name, c->args);
    int indent = (int)strlen("usage: ebmc ") + (int)strlen(c->name) + 1;
    for (int i = 0; flags[i].name; i++) {
        char item[160];
        usage_item(&flags[i], item, sizeof item);
        if (col + 1 + (int)strlen(item) > 79) col = fprintf(out, "\n%*s", indent, "") - 1;
        else col += fprintf(out, " ");
        col += fprintf(out, "%s", item);
    }
    fprintf(out, "\n");
}

static void usage(const Command *c, const Flag *flags, FILE *out) {
    cli_usage_line(c, flags, out);
    fprintf(out, "\n%s\n", c->help);
    if (flags[0].name) fprintf(out, "\nflags:\n");
    int width = 0;
    for (int i = 0; flags[i].name; i++) {
        int w = (int)strlen(flags[i].name) + (flags[i].takes_value ? 1 + (int)strlen(flag_arg(&flags[i])) : 0);
        if (w > width) width = w;
    }
    for (int i = 0; flags[i].name; i++)
        fprintf(out, "  %s%s%-*s  %s\n", flags[i].name, flags[i].takes_value ? " " : "",
                width - (int)strlen(flags[i].name) - (flags[i].takes_value ? 1 : 0), flag_arg(&flags[i]), flags[i].help);
    if (cli_help_page(c->name)) fprintf(out, "\nMore: 'ebmc help %s', 'man ebmc'.\n", c->name);
    else fprintf(out, "\nMore: 'man ebmc'.\n");
}

int cli_parse(const Command *c, const Flag *flags, int argc, char **argv, Opts *o, int need_spec) {
    memset(o, 0, sizeof *o);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(c, flags, stdout);
            return -1;
        }
        if (a[0] != '-' || a[1] == 0) {
            if (o->spec) {
                diag_tool_error("ebmc %s takes one spec file; '%s' is a second one", c->name, a);
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
        const Flag *f = NULL;
        for (int k = 0; flags[k].name; k++)
            if (!strcmp(flags[k].name, name)) f = &flags[k];
        if (!f) {
            const char *names[64];
            int n = 0;
            for (int k = 0; flags[k].name && n < 64; k++) names[n++] = flags[k].name;
            diag_tool_error("unknown flag '%s' for 'ebmc %s'", name, c->name);
            const char *best = sema_suggest(name, names, n);
            if (best) diag_tool_note("did you mean '%s'?", best);
            else diag_tool_note("'ebmc %s --help' lists the flags", c->name);
            return 1;
        }
        const char *value = NULL;
        if (f->takes_value) {
            if (eq) value = eq + 1;
            else if (i + 1 < argc && !(argv[i + 1][0] == '-' && argv[i + 1][1] == '-' && argv[i + 1][2]))
                value = argv[++i];
            else if (i + 1 < argc) {
                /* --out --quiet: a forgotten value, not a file named --quiet */
                diag_tool_error("flag '%s' needs a value; '%s' is a flag (write %s=%s for a value that starts with --)", name,
                                argv[i + 1], name, argv[i + 1]);
                return 1;
            } else {
                diag_tool_error("flag '%s' needs a value", name);
                return 1;
            }
        } else if (eq) {
            diag_tool_error("flag '%s' takes no value", name);
            return 1;
        }
        if (o->n >= 64) {
            diag_tool_error("too many flags");
            return 1;
        }
        o->names[o->n] = f->name;
        o->values[o->n++] = value;
    }
    cli_note_inputs(o);
    if (need_spec && !o->spec) {
        diag_tool_error("ebmc %s needs a spec file", c->name);
        cli_usage_line(c, flags, stderr);
        return 1;
    }
    return 0;
}

const char *opt_str(const Opts *o, const char *name) {
    const char *v = NULL;
    for (int i = 0; i < o->n; i++)
        if (!strcmp(o->names[i], name)) v = o->values[i];
    return v;
}

int opt_has(const Opts *o, const char *name) {
    for (int i = 0; i < o->n; i++)
        if (!strcmp(o->names[i], name)) return 1;
    return 0;
}

int opt_all(const Opts *o, const char *name, char **out, int max) {
    int n = 0;
    for (int i = 0; i < o->n && n < max; i++)
        if (!strcmp(o->names[i], name)) out[n++] = (char *)o->values[i];
    return n;
}

int opt_ll(const Opts *o, const char *name, long long lo, long long *out) {
    return rt_flag_ll(name, opt_str(o, name), lo, out);
}

/* the flags whose values are files a command reads; GROUP=FILE for --clamp
 * and --mask (a value there is not a file: noting a missing file is a no-op) */
void cli_note_inputs(const Opts *o) {
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

int cli_check_output(const char *path, const char *role) {
    if (!path) return 0;
    if (rt_output_check(path, role)) {
        diag_tool_error("%s", rt_last_error());
        return 1;
    }
    return 0;
}
