/* main.c — the ebmc command line: subcommands, flags, exit codes.
 * Exit codes: 0 ok, 1 user error (bad spec, data, flags), 2 internal. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_help.h"
#include "rt_cpu.h"
#include "rt_dist.h"

static const Command commands[] = {
    {"check", "SPEC", "parse and analyse a spec; one line of what it holds, or errors", cmd_check},
    {"explain", "SPEC", "the derived conditionals, blocks, free energy and gradients", cmd_explain},
    {"train", "SPEC", "train the model of a spec", cmd_train},
    {"sample", "SPEC", "draw samples by block Gibbs sampling", cmd_sample},
    {"eval", "SPEC", "evaluate a trained model (YAML report)", cmd_eval},
    {"build", "SPEC", "compile a spec to a stand-alone binary, or an object file and header for C programs", cmd_build},
};
enum { NCOMMANDS = sizeof commands / sizeof commands[0] };

static void usage(FILE *out) {
    fprintf(out, "usage: ebmc COMMAND [ARGS]\n\n"
                 "ebmc compiles energy-based model specs into samplers, mean-field updates\n"
                 "and gradients, and trains, samples and evaluates them.\n\ncommands:\n");
    for (int i = 0; i < NCOMMANDS; i++) fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].help);
    fprintf(out, "\n'ebmc COMMAND --help' shows a command's flags. 'ebmc help TOPIC' explains, with\n"
                 "examples: %s.\nTo start: docs/tutorial.md; all of it: 'man ebmc' (docs/ebmc.1).\n",
            cli_help_topics());
}

/* ebmc help TOPIC: a page, or a command's flags; a misspelt topic gets a suggestion */
static int help(const char *topic) {
    const char *page = cli_help_page(topic);
    if (page) {
        fputs(page, stdout);
        return 0;
    }
    for (int i = 0; i < NCOMMANDS; i++)
        if (!strcmp(topic, commands[i].name)) {
            char flag[] = "--help", *args[] = {flag, NULL};
            return commands[i].run(&commands[i], 1, args);
        }
    const char *names[64];
    int n = 0;
    for (int i = 0; help_pages[i].name && n < 48; i++) names[n++] = help_pages[i].name;
    for (int i = 0; i < NCOMMANDS && n < 64; i++) names[n++] = commands[i].name;
    diag_tool_error("no help on '%s'", topic);
    const char *best = sema_suggest(topic, names, n);
    if (best) diag_tool_note("did you mean 'ebmc help %s'?", best);
    else diag_tool_note("the topics are %s", cli_help_topics());
    return 1;
}

int main(int argc, char **argv) {
    rt_cpu_setup(argv);
    rt_dist_start();   /* under mpirun: one of the job's ranks (docs/distributed.md) */
    /* a full disk (or ulimit -f) must be an error from write(), not a kill:
     * the atomic writers then leave the old file as it was */
    signal(SIGXFSZ, SIG_IGN);
    /* no output of this command may replace a file it reads */
    rt_files_guard(1);
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    if (!strcmp(argv[1], "help") && argc > 2) return help(argv[2]);
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("ebmc %s\n", EBMC_VERSION);
        return 0;
    }
    for (int i = 0; i < NCOMMANDS; i++)
        if (!strcmp(argv[1], commands[i].name)) return commands[i].run(&commands[i], argc - 2, argv + 2);
    const char *names[NCOMMANDS];
    for (int i = 0; i < NCOMMANDS; i++) names[i] = commands[i].name;
    diag_tool_error("unknown command '%s'", argv[1]);
    const char *best = sema_suggest(argv[1], names, NCOMMANDS);
    if (best) diag_tool_note("did you mean 'ebmc %s'?", best);
    else diag_tool_note("run 'ebmc --help' for the list of commands");
    return 1;
}
