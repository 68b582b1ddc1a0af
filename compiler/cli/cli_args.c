/* cli_args.c — ebmc's commands on the runtime's flag parser (rt_flags.c):
 * messages through ebmc's diagnostics, the help pages named in --help. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_help.h"
#include "rt.h"

void cli_say(const char *kind, const char *msg) {
    if (!strcmp(kind, "error")) diag_tool_error("%s", msg);
    else if (!strcmp(kind, "warning")) diag_tool_warning("%s", msg);
    else diag_tool_note("%s", msg);
}

int cli_parse(const Command *c, const Flag *flags, int argc, char **argv, Opts *o, int need_spec) {
    char more[128];
    if (cli_help_page(c->name)) snprintf(more, sizeof more, "More: 'ebmc help %s', 'man ebmc'.", c->name);
    else snprintf(more, sizeof more, "More: 'man ebmc'.");
    rt_flags_cmd fc = {"ebmc", c->name, c->args, c->help, flags, RT_FLAG_BIN, more, cli_say};
    return rt_flags_parse(&fc, argc, argv, o, need_spec);
}

int cli_check_output(const char *path, const char *role) {
    if (!path) return 0;
    if (rt_output_check(path, role)) {
        diag_tool_error("%s", rt_last_error());
        return 1;
    }
    return 0;
}
