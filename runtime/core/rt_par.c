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
 * Waiting: on a machine with cores to spare a worker spins for SPIN_NS
 * after its last chunk (kernels come in quick succession) and then sleeps
 * on `gen` with futex(2); the caller, once no chunk is left to claim,
 * spins for WAIT_NS and then sleeps on `left`. On a crowded machine
 * (threads other than ours want the cores) neither spins: the time spent
 * spinning there is charged to our threads (and to their autogroup, which
 * also holds the shell's other jobs), the scheduler takes it back from
 * the threads doing the work, and a spinning worker is seldom on its core
 * when a job comes: beside two busy processes it ran 6-9% of the chunks,
 * sleeping at once 26-34% (docs/performance.md, "Sharing the machine").
 * The machine counts as crowded for CROWDED_NS once one of our threads
 * was preempted CROWD_EVENTS times within WINDOW_NS: its involuntary
 * context switches (getrusage, read at most every CHECK_NS, by the caller
 * at each job and by a thread about to wait), plus the spins that saw the
 * clock jump by PREEMPTED_NS. One preemption is not a crowd: on the idle
 * machine kernel threads preempt ours 4 to 12 times a second, and when
 * each one stopped the spinning for 50 ms, the pool slept and woke through
 * three quarters of an idle epoch (CD-1 1.6 s -> 2.2 s); beside two busy
 * loops the caller is preempted about 1,600 times a second. A sleeping
 * thread is charged nothing, so the scheduler favours it when it is
 * woken. The thread that finishes the last chunk wakes the caller. Both
 * sleeps are announced in a counter before the last check of the word
 * slept on, and every store and load here is sequentially consistent, so
 * no wake-up is lost. */
#include "rt_par.h"
#include "rt_dist.h"

#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { MAX_THREADS = 64, MAX_CHUNKS = 256 };
#define SPIN_NS 50000
#define WAIT_NS 20000
#define CHECK_NS 1000000       /* a thread reads its context switches at most this often */
#define WINDOW_NS 100000000    /* preemptions are counted over windows this long */
#define CROWD_EVENTS 10        /* this many in a window make a crowd (100 a second) */
#define CROWDED_NS 100000000   /* how long a crowd keeps the pool from spinning */
#define PREEMPTED_NS 20000     /* a gap in a spin this long: the thread was descheduled */

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

static _Alignas(64) _Atomic int64_t crowded_until;   /* CLOCK_MONOTONIC ns */
static _Thread_local int64_t checked_at, window_at;
static _Thread_local long window_base, gaps;   /* preemptions at the window's start; spins' gaps */

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

static void mark_crowded(int64_t now) {
    atomic_store(&crowded_until, now + CROWDED_NS);
}

/* whether a thread waiting at `now` should sleep at once rather than spin */
static int crowded(int64_t now) {
    if (now - checked_at >= CHECK_NS) {
        checked_at = now;
        struct rusage u;
        long events = (getrusage(RUSAGE_THREAD, &u) ? 0 : u.ru_nivcsw) + gaps, n = events - window_base;
        int64_t span = now - window_at;
        /* CROWD_EVENTS at least, at a rate of CROWD_EVENTS a window at
         * least (a thread that slept long checks a long span) */
        if (n >= CROWD_EVENTS && (double)n * WINDOW_NS >= (double)CROWD_EVENTS * (double)span) mark_crowded(now);
        if (span >= WINDOW_NS || n >= CROWD_EVENTS) {
            window_at = now;
            window_base = events;
        }
    }
    return now < atomic_load(&crowded_until);
}

/* spins until *word is no longer `was` (0 when `until_zero`) or `limit`
 * ns have passed, not at all on a crowded machine; 1 when it got there */
static int spin(atomic_int *word, int was, int until_zero, int64_t limit) {
    int64_t t0 = now_ns(), last = t0;
    if (crowded(t0)) return until_zero ? !atomic_load(word) : atomic_load(word) != was;
    for (long spins = 1; until_zero ? atomic_load(word) != 0 : atomic_load(word) == was; spins++) {
        relax();
        if (spins % 64) continue;
        int64_t t = now_ns();
        if (t - last >= PREEMPTED_NS) {
            gaps++;
            return 0;
        }
        if (t - t0 >= limit) return 0;
        last = t;
    }
    return 1;
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
        if (!spin((atomic_int *)&pool.gen, (int)seen, 0, SPIN_NS)) {
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
    /* the caller runs the serial code between jobs, so it is the thread
     * most often preempted: it reads its context switches here too */
    crowded(now_ns());
    in_part = 1;
    run_chunks(g);
    in_part = 0;
    if (atomic_load(&pool.left) && !spin(&pool.left, 0, 1, WAIT_NS)) {
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
