/* cli_config.h — --config RUN.yaml and --print-config for the commands that
 * run a spec's blocks (train, sample). */
#ifndef EBMC_CLI_CONFIG_H
#define EBMC_CLI_CONFIG_H
#include "cli.h"
#include "config.h"
#include "config_stages.h"

/* Reads --config (when given) and makes it the run's overrides. 0, or 1
 * after errors (reported). */
int cli_config_use(const Opts *o);
/* The resolved configuration of a train run as YAML (malloc'd): tc, and
 * the spec's sample block with the run's sample overrides. NULL after
 * errors in the sample settings (reported). */
char *cli_config_yaml(Built *b, const TrainConfig *tc, char **sets, int nsets);
/* The same for a stack: every stage's settings, by stage name; *st, *n
 * get the stages so resolved (the bundle takes them: read once). */
char *cli_config_stack_yaml(Compilation *c, char **sets, int nsets, Stage **st, int *n);
/* yaml as the value of key at the top level of a YAML file */
void cli_config_embed(FILE *out, const char *key, const char *yaml);
/* The configuration a checkpoint embeds ("config" in its metadata), as a
 * YAML mapping under key at the top level of a report; nothing when it
 * has none. */
void cli_config_report(FILE *out, const char *key, const char *params);
#endif
