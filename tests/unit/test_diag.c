/* test_diag.c — one diagnostics path (issue 16): unplaced errors, warnings
 * and notes all print "PROGRAM: KIND: message" through the runtime's
 * printer; an "internal" failure exits with status 2, a user's with 1; the
 * runtime's last error is per thread. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "diag.h"
#include "rt.h"

/* what f() writes to stderr */
static char captured[4096];
static void capture(void (*f)(void)) {
    fflush(stderr);
    FILE *tmp = tmpfile();
    int saved = dup(2);
    dup2(fileno(tmp), 2);
    f();
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(tmp);
    size_t n = fread(captured, 1, sizeof captured - 1, tmp);
    captured[n] = 0;
    fclose(tmp);
}

static void say_all(void) {
    diag_tool_error("bad %s", "flag");
    diag_tool_warning("clamps %d", 2);
    diag_tool_note("did you mean '%s'?", "batch");
    rt_warn("from the runtime");
}

static void printer(void) {
    capture(say_all);
    CHECK(!strcmp(captured, "ebmc: error: bad flag\nebmc: warning: clamps 2\nebmc: note: did you mean 'batch'?\n"
                            "ebmc: warning: from the runtime\n"),
          "got '%.200s'", captured);
    rt_set_program("mybin");
    capture(say_all);
    rt_set_program(NULL);
    CHECK(strstr(captured, "mybin: warning: from the runtime\n") && strstr(captured, "mybin: error: bad flag\n"),
          "a built binary's name: got '%.200s'", captured);
}

static int rc_user, rc_internal;
static void fail_both(void) {
    rt_fail("cannot read '%s'", "x.csv");
    rc_user = cli_fail_rt();
    rt_fail("internal: method pt without a tempered model");
    rc_internal = cli_fail_rt();
}

static void exit_codes(void) {
    capture(fail_both);
    CHECK(rc_user == 1, "a user's error: exit %d", rc_user);
    CHECK(rc_internal == 2, "an internal error: exit %d", rc_internal);
    CHECK(strstr(captured, "ebmc: error: internal: method pt"), "got '%.200s'", captured);
    Diag d;
    diag_init(&d, "x.ebm", "", 0);
    d.out = tmpfile();
    diag_error(&d, span_none, "unknown name '%s'", "q");
    CHECK(d.errors == 1 && d.internal == 0, "a user's error counted as internal");
    diag_error(&d, span_none, "internal: cannot expand this expression");
    CHECK(d.errors == 2 && d.internal == 1, "an internal diagnostic not counted (%d)", d.internal);
    fclose(d.out);
}

static void *other_thread(void *arg) {
    (void)arg;
    rt_fail("the other thread's failure");
    return NULL;
}

static void thread_local_error(void) {
    rt_fail("this thread's failure");
    pthread_t t;
    pthread_create(&t, NULL, other_thread, NULL);
    pthread_join(t, NULL);
    CHECK(!strcmp(rt_last_error(), "this thread's failure"), "overwritten by another thread: '%s'", rt_last_error());
}

/* a message that quotes the last one (rt_fail("--log: %s", rt_last_error()))
 * keeps it whole: formatting into the slot it reads from garbled it */
static void prefix_last_error(void) {
    rt_fail("cannot write '%s': %s", "/tmp/log.yaml", "No space left on device");
    rt_fail("--log: %s", rt_last_error());
    CHECK(!strcmp(rt_last_error(), "--log: cannot write '/tmp/log.yaml': No space left on device"), "got '%s'",
          rt_last_error());
}

int main(void) {
    TEST(printer);
    TEST(prefix_last_error);
    TEST(exit_codes);
    TEST(thread_local_error);
    return check_failures != 0;
}
