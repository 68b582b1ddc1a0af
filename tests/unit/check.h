/* check.h — the unit-test harness: one line per case, counted by tests/run.sh.
 *
 *   ok - NAME
 *   not ok - NAME: reason
 *   skip - NAME: why       (SKIP(why): the case cannot run here)
 *
 * A test file is a program whose main() calls TEST(fn) for each case; a case
 * fails if any CHECK in it fails. Exit status is non-zero if any case failed.
 */
#ifndef EBMC_CHECK_H
#define EBMC_CHECK_H
#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failed_case, check_failures, check_skipped_case;
static char check_reason[512];

/* SKIP("no data set"): the case cannot run here; it counts as skipped */
#define SKIP(...)                                                            \
    do {                                                                     \
        check_skipped_case = 1;                                              \
        snprintf(check_reason, sizeof check_reason, __VA_ARGS__);            \
    } while (0)

#define CHECK(cond, ...)                                                     \
    do {                                                                     \
        if (!(cond) && !check_failed_case) {                                 \
            check_failed_case = 1;                                           \
            int o_ = snprintf(check_reason, sizeof check_reason, "%s:%d: ",  \
                              __FILE__, __LINE__);                           \
            snprintf(check_reason + o_, sizeof check_reason - o_,            \
                     __VA_ARGS__);                                           \
        }                                                                    \
    } while (0)

#define CHECK_NEAR(a, b, tol, what)                                          \
    CHECK(fabs((double)(a) - (double)(b)) <= (tol),                          \
          "%s: %.9g vs %.9g (tol %g)", what, (double)(a), (double)(b),       \
          (double)(tol))

#define TEST(fn)                                                             \
    do {                                                                     \
        check_failed_case = check_skipped_case = 0;                          \
        fn();                                                                \
        if (check_skipped_case && !check_failed_case)                        \
            printf("skip - %s: %s\n", #fn, check_reason);                    \
        else if (check_failed_case) {                                             \
            check_failures++;                                                \
            printf("not ok - %s: %s\n", #fn, check_reason);                  \
        } else                                                               \
            printf("ok - %s\n", #fn);                                        \
        fflush(stdout);                                                      \
    } while (0)

#define CHECK_DONE() return check_failures ? 1 : 0
#endif
