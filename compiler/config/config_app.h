/* config_app.h — the sample and eval blocks' settings as the runtime's
 * drivers take them (rt_app.h), for ebmc and for a built binary's resolver
 * (config_app_resolve, which the glue of `ebmc build` hands to rt_app). */
#ifndef EBMC_CONFIG_APP_H
#define EBMC_CONFIG_APP_H
#include "config.h"
#include "rt_app.h"

void config_app_sample(const SampleConfig *sc, rt_app_sample *out);
void config_app_eval(const EvalConfig *ec, rt_app_eval *out);
int config_app_resolve(const rt_app *app, const char *kind, const char *run_file, char **sets, int nsets, rt_app_run *out);
#endif
