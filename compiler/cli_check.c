/* cli_check.c — ebmc check and ebmc explain. */
#include <string.h>

#include "cli.h"
#include "explain.h"
#include "ir_kernels.h"

/* ---- check, explain ------------------------------------------------------------- */

static const Flag no_flags[] = {{NULL, 0, NULL}};

int cmd_check(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, no_flags, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    Compilation *c = compile_file(o.spec);
    if (!c) return 1;
    int bad = c->diag.errors > 0;
    compile_free(c);
    return bad;
}

static const Flag explain_flags[] = {
    {"--format", 1, "text (default), yaml, or ir (the kernel IR)"},
    {NULL, 0, NULL},
};

int cmd_explain(const Command *cmd, int argc, char **argv) {
    Opts o;
    int rc = cli_parse(cmd, explain_flags, argc, argv, &o, 1);
    if (rc) return rc < 0 ? 0 : rc;
    const char *fmt = opt_str(&o, "--format");
    if (fmt && strcmp(fmt, "text") && strcmp(fmt, "yaml") && strcmp(fmt, "ir")) {
        diag_tool_error("--format must be text, yaml or ir, not '%s'", fmt);
        return 1;
    }
    Compilation *c = compile_file(o.spec);
    if (!c) return 1;
    Analysis *an = compile_main_model(c);
    if (!an) {
        compile_free(c);
        return 1;
    }
    if (fmt && !strcmp(fmt, "ir")) ir_print(stdout, ir_build(c->arena, an));
    else explain_print(stdout, an, fmt && !strcmp(fmt, "yaml"));
    compile_free(c);
    return 0;
}

