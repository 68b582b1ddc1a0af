/* test_rt_par.c — the worker pool (runtime/core/rt_par.c) with
 * EBMC_THREADS=2: rt_par_chunks and rt_par_for call their function once
 * per fixed chunk, covering [0, n) exactly once; and on a crowded CPU
 * (the whole process pinned to one core beside a busy thread of its own)
 * a waiting worker sleeps rather than spins: over 60 jobs of two 0.1 ms
 * chunks, each after 4 ms of the caller's own work (long enough for the
 * scheduler to preempt it), the worker takes under 20 us of CPU per job
 * beyond its chunks' (measured 7-10 us; the pool that spun SPIN_NS = 50 us
 * after every job whatever the load took 33-56 us). CPU times come from
 * /proc/self/task/TID/schedstat. */
#include <dirent.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "check.h"
#include "rt_par.h"

enum { N = 1000, CHUNK = 64, JOBS = 60, WARMUP = 10, WORK_NS = 100000, SERIAL_NS = 4000000 };

static atomic_int seen[N];
static atomic_int calls, bad_bounds;

static void mark(void *ctx, int64_t lo, int64_t hi) {
    int64_t chunk = *(const int64_t *)ctx;
    if (chunk && (lo % chunk || (hi != lo + chunk && hi != N))) atomic_fetch_add(&bad_bounds, 1);
    for (int64_t i = lo; i < hi; i++) atomic_fetch_add(&seen[i], 1);
    atomic_fetch_add(&calls, 1);
}

static void reset(void) {
    for (int i = 0; i < N; i++) atomic_store(&seen[i], 0);
    atomic_store(&calls, 0);
    atomic_store(&bad_bounds, 0);
}

static int each_once(void) {
    for (int i = 0; i < N; i++)
        if (atomic_load(&seen[i]) != 1) return 0;
    return 1;
}

static void chunks_cover_once(void) {
    CHECK(rt_par_threads() == 2, "EBMC_THREADS=2 gives %d threads", rt_par_threads());
    int64_t chunk = CHUNK;
    for (int rep = 0; rep < 50; rep++) {
        reset();
        rt_par_chunks(mark, &chunk, N, CHUNK);
        CHECK(each_once(), "rt_par_chunks, repetition %d: an element not run exactly once", rep);
        CHECK(atomic_load(&calls) == (N + CHUNK - 1) / CHUNK, "rt_par_chunks: %d calls", atomic_load(&calls));
        CHECK(!atomic_load(&bad_bounds), "rt_par_chunks: a chunk not [i 64, min(n, (i + 1) 64))");
        reset();
        int64_t any = 0;
        rt_par_for(mark, &any, N, 64 * RT_PAR_CHUNK_WORK);
        CHECK(each_once(), "rt_par_for, repetition %d: an element not run exactly once", rep);
    }
}

static int pinned;   /* the process runs on one core */
static atomic_int stop;
static atomic_long busy_tid;

static void *busy(void *arg) {
    (void)arg;
    atomic_store(&busy_tid, (long)syscall(SYS_gettid));
    while (!atomic_load(&stop)) {
    }
    return NULL;
}

/* ns on the CPU of the process's threads other than `a` and `b` */
static int64_t others_cpu_ns(long a, long b) {
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    int64_t sum = 0;
    for (struct dirent *e; (e = readdir(d));) {
        long tid = atol(e->d_name);
        if (tid <= 0 || tid == a || tid == b) continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/self/task/%ld/schedstat", tid);
        FILE *f = fopen(path, "r");
        long long ns = 0;
        if (f && fscanf(f, "%lld", &ns) == 1) sum += ns;
        if (f) fclose(f);
    }
    closedir(d);
    return sum;
}

static long main_tid;
static _Atomic int64_t worked_ns;   /* CPU time the chunks took on threads other than main's */

static int64_t thread_cpu_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

/* a chunk of work: WORK_NS of this thread's CPU time, long enough that
 * the scheduler preempts threads running it */
static int64_t burn(int64_t ns) {
    int64_t t0 = thread_cpu_ns(), t = t0;
    while (t - t0 < ns) t = thread_cpu_ns();
    return t - t0;
}

static void work(void *ctx, int64_t lo, int64_t hi) {
    (void)ctx, (void)lo, (void)hi;
    int64_t ns = burn(WORK_NS);
    if ((long)syscall(SYS_gettid) != main_tid) atomic_fetch_add(&worked_ns, ns);
}

static void idle_worker_sleeps_when_crowded(void) {
    if (!pinned || access("/proc/self/task", R_OK)) {
        SKIP(pinned ? "no /proc/self/task" : "sched_setaffinity refused: the core cannot be crowded");
        return;
    }
    pthread_t t;
    CHECK(!pthread_create(&t, NULL, busy, NULL), "pthread_create");
    if (check_failed_case) return;
    while (!atomic_load(&busy_tid)) sched_yield();
    main_tid = (long)syscall(SYS_gettid);
    int64_t before = 0, worked = 0;
    for (int j = 0; j < WARMUP + JOBS; j++) {
        if (j == WARMUP) before = others_cpu_ns(main_tid, atomic_load(&busy_tid)), worked = atomic_load(&worked_ns);
        rt_par_chunks(work, NULL, 2, 1);
        burn(SERIAL_NS);   /* the caller's serial part, during which the worker waits */
    }
    int64_t spent = others_cpu_ns(main_tid, atomic_load(&busy_tid)) - before - (atomic_load(&worked_ns) - worked);
    atomic_store(&stop, 1);
    pthread_join(t, NULL);
    CHECK(before >= 0 && spent >= 0, "schedstat unreadable");
    CHECK(spent < (int64_t)JOBS * 20000, "the worker took %.1f us of CPU per job beyond its chunks", spent / 1e3 / JOBS);
}

int main(void) {
    setenv("EBMC_THREADS", "2", 1);
    /* one core for the whole process: the pool's worker, started on first
     * use, inherits it, and the busy thread crowds it */
    cpu_set_t one;
    CPU_ZERO(&one);
    int cpu = sched_getcpu();
    CPU_SET(cpu >= 0 ? cpu : 0, &one);
    pinned = !sched_setaffinity(0, sizeof one, &one);
    TEST(chunks_cover_once);
    TEST(idle_worker_sleeps_when_crowded);
    CHECK_DONE();
}
