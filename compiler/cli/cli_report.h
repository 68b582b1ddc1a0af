/* cli_report.h — ebmc train --report R.yaml: every monitor of every epoch as
 * YAML, and the same curves drawn to R.png. */
#ifndef EBMC_CLI_REPORT_H
#define EBMC_CLI_REPORT_H
#include "cli.h"
#include "rt_train.h"

/* the plot's path: R.yaml -> R.png (arena string) */
const char *cli_report_plot_path(Arena *a, const char *report);
/* 0, or 1 after an error (reported) */
int cli_train_report(const Built *b, const char *path, const char *spec, const char *params, const rt_train_cfg *cfg,
                     const rt_train_report *rep);
#endif
