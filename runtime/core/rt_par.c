/* rt_par.c — a small pool of worker threads that shares the machine
 * (rt_par.h).
 *
 * One job at a time: the caller writes the job (fn, ctx, n, chunk), sets
 * `left` to its chunk count and the ticket to (generation << 32 | chunks),
 * then bumps `gen`, which sleeping workers wait on. Every thread claims
 * chunks by compare-and-swap on the ticket, counting down, and only while
 * the ticket's generation is its own: a worker that wakes late finds the
 * generation moved on and claims nothing, so the job (on the caller's
 * stack) is never read after the caller returns. A claimed chunk keeps its
 * job alive: the caller waits until `left`, the chunks not yet finished,
 * reaches 0.
 *
 * Waiting: a worker spins for SPIN_NS after its last chunk (kernels come
 * in quick succession), yielding its core when other work is waiting for
 * it, then sleeps on `gen` with futex(2). The caller, once no chunk is
 * left to claim, spins for WAIT_NS and then sleeps on `left`; the thread
 * that finishes the last chunk wakes it. Both sleeps are announced in a
 * counter before the last check of the word slept on, and every store and
 * load here is sequentially consistent, so no wake-up is lost. */
#include "rt_par.h"
#include "rt_dist.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { MAX_THREADS = 64, MAX_CHUNKS = 256 };
#define SPIN_NS 50000
#define WAIT_NS 20000

typedef struct Job {
    rt_par_fn fn;
    void *ctx;
    int64_t n, chunk;
} Job;

static struct {
    int threads;
    _Alignas(64) atomic_uint gen;         /* futex word of sleeping workers */
    atomic_int sleepers;
    _Alignas(64) _Atomic uint64_t ticket; /* generation << 32 | chunks left to claim */
    Job *job;
    _Alignas(64) atomic_int left;         /* futex word of a waiting caller */
    atomic_int caller_sleeps;
} pool;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static atomic_int busy;   /* a caller is handing out chunks */
static _Thread_local int in_part;

static long futex(atomic_int *addr, int op, int val) {
    return syscall(SYS_futex, (int *)addr, op | FUTEX_PRIVATE_FLAG, val, NULL, NULL, 0);
}

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static inline void relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* claims and runs chunks of generation g until none is left */
static void run_chunks(uint32_t g) {
    uint64_t t = atomic_load(&pool.ticket);
    while ((uint32_t)(t >> 32) == g && (uint32_t)t > 0) {
        if (!atomic_compare_exchange_weak(&pool.ticket, &t, t - 1)) continue;
        const Job *j = pool.job;
        int64_t lo = ((int64_t)(uint32_t)t - 1) * j->chunk, hi = lo + j->chunk < j->n ? lo + j->chunk : j->n;
        j->fn(j->ctx, lo, hi);
        if (atomic_fetch_sub(&pool.left, 1) == 1 && atomic_load(&pool.caller_sleeps))
            futex(&pool.left, FUTEX_WAKE, 1);
        t = atomic_load(&pool.ticket);
    }
}

static void *worker(void *arg) {
    (void)arg;
    uint32_t seen = 0;   /* every worker starts before the first job (generation 1) */
    in_part = 1;
    for (;;) {
        int64_t t0 = now_ns();
        for (long spins = 1; atomic_load(&pool.gen) == seen; spins++) {
            relax();
            if (spins % 64) continue;
            int64_t dt = now_ns() - t0;
            if (dt < SPIN_NS) {
                /* the second half of the spin gives the core to any thread waiting for it */
                if (dt > SPIN_NS / 2) sched_yield();
                continue;
            }
            atomic_fetch_add(&pool.sleepers, 1);
            while (atomic_load(&pool.gen) == seen) futex((atomic_int *)&pool.gen, FUTEX_WAIT, (int)seen);
            atomic_fetch_sub(&pool.sleepers, 1);
        }
        seen = atomic_load(&pool.gen);
        run_chunks(seen);
    }
    return NULL;
}

static void start(void) {
    const char *env = getenv("EBMC_THREADS");
    /* by default the ranks of a job on one machine share its CPUs */
    long n = env && *env ? strtol(env, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN) / rt_dist_local_size();
    if (n < 1) n = 1;
    if (n > MAX_THREADS) n = MAX_THREADS;
    pool.threads = 1;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    for (long i = 1; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, &attr, worker, NULL)) break;
        pool.threads++;
    }
    pthread_attr_destroy(&attr);
}

int rt_par_threads(void) {
    pthread_once(&once, start);
    return in_part ? 1 : pool.threads;
}

/* hands out the chunks of j, runs some on the caller, waits for the rest;
 * 0 when the pool is taken (the caller then runs the job itself) */
static int share(Job *j, int64_t chunks) {
    if (atomic_exchange(&busy, 1)) return 0;
    uint32_t g = atomic_load(&pool.gen) + 1;
    pool.job = j;
    atomic_store(&pool.left, (int)chunks);
    atomic_store(&pool.ticket, (uint64_t)g << 32 | (uint64_t)chunks);
    atomic_store(&pool.gen, g);
    int sleepers = atomic_load(&pool.sleepers);
    if (sleepers) {
        int64_t want = chunks - 1 < sleepers ? chunks - 1 : sleepers;
        futex((atomic_int *)&pool.gen, FUTEX_WAKE, (int)want);
    }
    in_part = 1;
    run_chunks(g);
    in_part = 0;
    int64_t t0 = 0;
    for (long spins = 1; atomic_load(&pool.left); spins++) {
        relax();
        if (spins % 64) continue;
        if (!t0) t0 = now_ns();
        if (now_ns() - t0 < WAIT_NS) continue;
        atomic_store(&pool.caller_sleeps, 1);
        for (int v; (v = atomic_load(&pool.left));) futex(&pool.left, FUTEX_WAIT, v);
        atomic_store(&pool.caller_sleeps, 0);
    }
    atomic_store(&busy, 0);
    return 1;
}

void rt_par_chunks(rt_par_fn fn, void *ctx, int64_t n, int64_t chunk) {
    if (n <= 0) return;
    if (chunk < 1) chunk = 1;
    int64_t chunks = (n + chunk - 1) / chunk;
    if (chunks > INT_MAX / 2) chunk = n / (INT_MAX / 2) + 1, chunks = (n + chunk - 1) / chunk;
    Job j = {fn, ctx, n, chunk};
    if (chunks > 1 && rt_par_threads() > 1 && share(&j, chunks)) return;
    for (int64_t lo = 0; lo < n; lo += chunk) fn(ctx, lo, lo + chunk < n ? lo + chunk : n);
}

void rt_par_for(rt_par_fn fn, void *ctx, int64_t n, int64_t work) {
    if (n <= 0) return;
    int64_t chunks = work / RT_PAR_CHUNK_WORK;
    if (chunks > n) chunks = n;
    if (chunks > MAX_CHUNKS) chunks = MAX_CHUNKS;
    if (chunks <= 1 || rt_par_threads() <= 1) {
        fn(ctx, 0, n);
        return;
    }
    Job j = {fn, ctx, n, (n + chunks - 1) / chunks};
    if (!share(&j, (n + j.chunk - 1) / j.chunk)) fn(ctx, 0, n);
}
