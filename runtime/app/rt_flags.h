/* rt_flags.h — the one flag parser of ebmc and of the binaries `ebmc build`
 * writes, and the flag tables of the commands both run: train, sample and
 * eval. A table is the one source of a command's usage line, its --help
 * and the man page's SYNOPSIS (tests/e2e/cli.sh compares docs/ebmc.1); a
 * flag marked RT_FLAG_EBMC needs the compiler (a built binary's --help
 * leaves it out), one marked RT_FLAG_BIN is a single model's binary's
 * alone, one marked RT_FLAG_STACK a stack's (ebmc's and a stack's binary's). */
#ifndef EBMC_RT_FLAGS_H
#define EBMC_RT_FLAGS_H
#include <stdio.h>

#include "rt.h"

enum {
    RT_FLAG_REQUIRED = 1,   /* ebmc needs it; a built binary has it embedded (--params) */
    RT_FLAG_REPEAT = 2,     /* may be given more than once */
    RT_FLAG_EBMC = 4,       /* ebmc's alone: it needs the compiler (--backend, --model) */
    RT_FLAG_BIN = 8,        /* a built binary's alone (--data, --epochs of its train) */
    RT_FLAG_STACK = 16,     /* a stack's (--stages): ebmc's, and a stack's binary's */
};

typedef struct rt_flag {
    const char *name;       /* "--out" */
    int takes_value;
    const char *help;
    const char *arg;        /* the value in the usage line: "P.safetensors" (NULL: VALUE) */
    int usage;              /* RT_FLAG_* */
} rt_flag;

/* One command of one front end: how its usage line and messages name it. */
typedef struct rt_flags_cmd {
    const char *prog;       /* "ebmc", or the built binary's name */
    const char *name;       /* "train" */
    const char *args;       /* the positional arguments: "SPEC" (ebmc), "" (a binary) */
    const char *help;       /* one line under the usage line */
    const rt_flag *flags;   /* ends with a NULL name */
    int leave_out;          /* flags with any of these bits are not this front end's */
    const char *more;       /* --help's last line: "More: 'man ebmc'." */
    /* where errors and notes go (ebmc: its diagnostics); NULL: rt_report */
    rt_say_fn report;
} rt_flags_cmd;

typedef struct rt_opts {
    const char *spec;       /* the positional argument (ebmc: SPEC) */
    int n;
    const char *names[64];
    const char *values[64]; /* NULL for a flag without a value */
} rt_opts;

/* ebmc's and a built binary's train, sample and eval flags */
extern const rt_flag rt_flags_train[], rt_flags_sample[], rt_flags_eval[];

/* "usage: PROG NAME ARGS [--flag ARG]..." wrapped at 79 columns */
void rt_flags_usage_line(const rt_flags_cmd *c, FILE *out);
/* 0: parsed; 1: error (reported); -1: --help printed. need_positional:
 * the positional argument must be there (ebmc's SPEC); a binary takes
 * none. The files the flags name are noted as inputs (rt_flags_note_inputs). */
int rt_flags_parse(const rt_flags_cmd *c, int argc, char **argv, rt_opts *o, int need_positional);
/* the last value of a flag (NULL: absent, or a flag without a value: rt_opt_has) */
const char *rt_opt_str(const rt_opts *o, const char *name);
int rt_opt_has(const rt_opts *o, const char *name);
/* every value of a repeatable flag; returns the count */
int rt_opt_all(const rt_opts *o, const char *name, char **out, int max);
/* number flags: 0 and *out untouched if absent; 1 set; -1 after an error */
int rt_opt_ll(const rt_opts *o, const char *name, long long lo, long long *out);
/* The spec and the files the flags name (--config, --params, --data,
 * --schedule, --clamp G=F, --mask G=F) are inputs no output may replace;
 * --resume's checkpoint is written again. */
void rt_flags_note_inputs(const rt_opts *o);
#endif
