/* rt_par.c — a small pool of worker threads (rt_par.h).
 *
 * Each worker has a mailbox (a generation counter, a job, a part number):
 * the caller fills the mailboxes of the parts it hands out, bumps their
 * generations, runs part 0 itself and spins until every part is done.
 * Workers spin for a short while after a part (kernels come in quick
 * succession) and then sleep on a condition variable. */
#include "rt_par.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

enum { MAX_THREADS = 64, MIN_WORK = 16384 };
#define SPIN_SECONDS 2e-3

typedef struct Job {
    rt_par_fn fn;
    void *ctx;
    int64_t n;
    int parts;
    atomic_int left;
} Job;

typedef struct Slot {
    _Alignas(64) atomic_uint gen;
    Job *job;
    int part;
} Slot;

static struct {
    int threads;
    Slot slot[MAX_THREADS];
    pthread_mutex_t mu;
    pthread_cond_t wake;
    atomic_int sleepers;
} pool = {.mu = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int busy;   /* a caller is handing out parts */
static _Thread_local int in_part;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void run_part(Job *j, int part) {
    int64_t lo = j->n * part / j->parts, hi = j->n * (part + 1) / j->parts;
    if (lo < hi) j->fn(j->ctx, lo, hi);
}

static void *worker(void *arg) {
    Slot *s = &pool.slot[(intptr_t)arg];
    unsigned seen = 0;
    in_part = 1;
    for (;;) {
        double t0 = now();
        for (long spins = 1; atomic_load(&s->gen) == seen; spins++) {
            relax();
            if (spins % 256 || now() - t0 < SPIN_SECONDS) continue;
            pthread_mutex_lock(&pool.mu);
            atomic_fetch_add(&pool.sleepers, 1);
            while (atomic_load(&s->gen) == seen) pthread_cond_wait(&pool.wake, &pool.mu);
            atomic_fetch_sub(&pool.sleepers, 1);
            pthread_mutex_unlock(&pool.mu);
        }
        seen = atomic_load(&s->gen);
        Job *j = s->job;
        run_part(j, s->part);
        atomic_fetch_sub_explicit(&j->left, 1, memory_order_release);
    }
    return NULL;
}

static void start(void) {
    const char *env = getenv("EBMC_THREADS");
    long n = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > MAX_THREADS) n = MAX_THREADS;
    pool.threads = 1;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (long i = 1; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, &attr, worker, (void *)(intptr_t)i)) break;
        pool.threads++;
    }
    pthread_attr_destroy(&attr);
}

int rt_par_threads(void) {
    pthread_once(&once, start);
    return in_part ? 1 : pool.threads;
}

void rt_par_for(rt_par_fn fn, void *ctx, int64_t n, int64_t work) {
    if (n <= 0) return;
    int parts = rt_par_threads();
    if (parts > n) parts = (int)n;
    if (work / MIN_WORK < parts) parts = (int)(work / MIN_WORK);
    /* one caller at a time: another thread's call runs serially */
    if (parts <= 1 || atomic_exchange(&busy, 1)) {
        fn(ctx, 0, n);
        return;
    }
    Job j = {fn, ctx, n, parts, parts - 1};
    for (int i = 1; i < parts; i++) {
        pool.slot[i].job = &j;
        pool.slot[i].part = i;
        atomic_fetch_add(&pool.slot[i].gen, 1);
    }
    if (atomic_load(&pool.sleepers)) {
        pthread_mutex_lock(&pool.mu);
        pthread_cond_broadcast(&pool.wake);
        pthread_mutex_unlock(&pool.mu);
    }
    in_part = 1;
    run_part(&j, 0);
    in_part = 0;
    for (long spins = 1; atomic_load_explicit(&j.left, memory_order_acquire); spins++) {
        relax();
        if (spins % 4096 == 0) sched_yield();
    }
    atomic_store(&busy, 0);
}
