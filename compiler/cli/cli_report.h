/* cli_report.h — ebmc train --report R.yaml: every monitor of every epoch as
 * YAML, the same curves drawn to R.png, and R.html: a page with the curves,
 * filters and samples inline. */
#ifndef EBMC_CLI_REPORT_H
#define EBMC_CLI_REPORT_H
#include "cli.h"
#include "rt_train.h"

/* the plot's path: R.yaml -> R.png (arena string) */
const char *cli_report_plot_path(Arena *a, const char *report);
/* the page's path: R.yaml -> R.html */
const char *cli_report_html_path(Arena *a, const char *report);
/* 0, or 1 after an error (reported) */
int cli_train_report(const Built *b, const char *path, const char *spec, const char *params, const rt_train_cfg *cfg,
                     const rt_train_report *rep, rt_params *p);
#endif
