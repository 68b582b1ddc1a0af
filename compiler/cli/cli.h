/* cli.h — subcommands and their flags. */
#ifndef EBMC_CLI_H
#define EBMC_CLI_H
#include "compile.h"
#include "ir.h"
#include "rt_flags.h"
#include "rt_model.h"

#define EBMC_VERSION "0.1.0"

typedef struct Command Command;
typedef int (*CommandFn)(const Command *c, int argc, char **argv);
struct Command {
    const char *name;
    const char *args;       /* the positional arguments: "SPEC"; the flags'
                               part of the usage line comes from the table */
    const char *help;
    CommandFn run;
};

/* A command's flag table is the one source of its usage line, its --help
 * and the man page's SYNOPSIS (tests/e2e/cli.sh compares docs/ebmc.1). The
 * parser and the train / sample / eval tables are the runtime's
 * (runtime/app/rt_flags.c): a built binary parses the same flags. */
#define FLAG_REQUIRED RT_FLAG_REQUIRED
#define FLAG_REPEAT RT_FLAG_REPEAT
typedef rt_flag Flag;
typedef rt_opts Opts;

/* 0: parsed; 1: error (reported); -1: --help printed. Flags marked
 * RT_FLAG_BIN (a built binary's alone) are not ebmc's. */
int cli_parse(const Command *c, const Flag *flags, int argc, char **argv, Opts *o, int need_spec);
static inline const char *opt_str(const Opts *o, const char *name) { return rt_opt_str(o, name); }
static inline int opt_has(const Opts *o, const char *name) { return rt_opt_has(o, name); }
/* every value of a repeatable flag; returns the count */
static inline int opt_all(const Opts *o, const char *name, char **out, int max) { return rt_opt_all(o, name, out, max); }
/* number flags: 0 and *out untouched if absent; -1 after an error */
static inline int opt_ll(const Opts *o, const char *name, long long lo, long long *out) {
    return rt_opt_ll(o, name, lo, out);
}
/* Files (runtime/core/rt_files.c): cli_parse notes the spec and the
 * files flags name (--config, --params, --data, --clamp G=F ...) as inputs;
 * cli_check_output refuses (printing why, returning 1) an output that is an
 * input, a second output, or not a regular file. A command checks all its
 * outputs once its inputs are known, before any work is written. */
int cli_check_output(const char *path, const char *role);
/* a runtime front end's message (the flag parser's, the train driver's)
 * through ebmc's diagnostics: KIND error, warning or note */
void cli_say(const char *kind, const char *msg);

/* The spec compiled to a runtime model on the back end --backend names. */
typedef struct Built {
    Compilation *c;
    Analysis *an;
    IrProgram *ir;
    rt_model *m;
} Built;

int cli_build(const char *spec, const Opts *o, Built *b);   /* 0 or an exit code */
/* the same for the model --model names, else (joint_default) the joint
 * model of the spec's stack, else the first model */
int cli_build_model(const char *spec, const Opts *o, int joint_default, Built *b);
/* m onto the back end --backend names (the JIT by default when LLVM
 * initialises; o may be NULL): 0 or an exit code; cli_unbuild, or
 * cli_backend_free for a model built otherwise, releases it */
int cli_backend(const Opts *o, const IrProgram *ir, rt_model *m);
void cli_backend_free(rt_model *m);
void cli_unbuild(Built *b);
/* b's parameters from the checkpoint path: of b's model, or with
 * --params-of MODEL of that model of the spec (checked against it), b's
 * model taking the parameters of the same names (a VAE's decoder model
 * from the VAE's checkpoint). 0 or an exit code (reported). */
int cli_params_load(Built *b, const Opts *o, rt_params *p, const char *path);
int cli_fail_rt(void);   /* prints rt_last_error(); returns 1, or 2 for an internal error */

int cmd_check(const Command *c, int argc, char **argv);
int cmd_explain(const Command *c, int argc, char **argv);
int cmd_train(const Command *c, int argc, char **argv);
int cmd_sample(const Command *c, int argc, char **argv);
int cmd_eval(const Command *c, int argc, char **argv);
int cmd_build(const Command *c, int argc, char **argv);
#endif
