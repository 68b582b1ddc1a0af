/* rt_wake_sleep.c — placeholder */
#include "rt_methods.h"

int rt_wake_sleep(const rt_model *m, rt_params *p, const rt_dataset *data, const rt_train_cfg *cfg, FILE *progress,
                  rt_train_report *rep) {
    (void)m, (void)p, (void)data, (void)cfg, (void)progress, (void)rep;
    return rt_fail("not yet");
}
