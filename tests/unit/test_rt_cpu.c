/* test_rt_cpu.c — subnormal floats flushed to zero on the calling thread and
 * on every worker of the pool it starts afterwards (rt_cpu.c: they made
 * saturated RBMs several times slower), and nothing flushed before. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "check.h"
#include "rt_cpu.h"
#include "rt_par.h"

/* volatile: computed at run time under the thread's own mode */
static float product(float a, float b) {
    volatile float x = a, y = b;
    return x * y;
}

static void subnormals_flushed_on_the_caller(void) {
    volatile float tiny = 1e-40f;   /* a subnormal input */
    CHECK(product(1e-20f, 1e-20f) != 0.0f, "before: 1e-20 * 1e-20 should be a subnormal, not 0");
    CHECK(product(tiny, 1e30f) > 0.9e-10f, "before: a subnormal input should be read as it is");
    rt_cpu_flush_denormals();
    CHECK(product(1e-20f, 1e-20f) == 0.0f, "after: 1e-20 * 1e-20 = %g, want 0", (double)product(1e-20f, 1e-20f));
    CHECK(product(tiny, 1e30f) == 0.0f, "after: subnormal * 1e30 = %g, want 0 (read as zero)", (double)product(tiny, 1e30f));
    CHECK(product(1e-18f, 1e-18f) > 0.99e-36f, "normal floats unchanged");
}

typedef struct Parts {
    float out[64];
    pthread_t who[64];
} Parts;

static void part(void *ctx, int64_t lo, int64_t hi) {
    Parts *p = ctx;
    for (int64_t i = lo; i < hi; i++) {
        p->out[i] = product(1e-20f, 1e-20f);
        p->who[i] = pthread_self();
    }
    /* chunks are handed out as threads ask: a slow one lets every worker wake and take some */
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
}

static void subnormals_flushed_on_every_worker(void) {
    Parts p;
    rt_par_for(part, &p, 64, (int64_t)1 << 40);
    int threads = 0;
    for (int i = 0; i < 64; i++) {
        int seen = 0;
        for (int k = 0; k < i && !seen; k++) seen = pthread_equal(p.who[i], p.who[k]);
        threads += !seen;
    }
    CHECK(threads >= 4, "the pool ran %d threads, want 4 (EBMC_THREADS=4)", threads);
    for (int i = 0; i < 64; i++) CHECK(p.out[i] == 0.0f, "part %d computed %g, want 0", i, (double)p.out[i]);
}

int main(void) {
    setenv("EBMC_THREADS", "4", 1);
    TEST(subnormals_flushed_on_the_caller);
    TEST(subnormals_flushed_on_every_worker);
    CHECK_DONE();
}
