// Persistent worker pool (see ck_workers.h).
//
// Job hand-off: one 64-bit word `claim` = generation << 32 | parts << 16 | next. The caller stores a
// new generation with next = 0; every thread claims a part by compare-and-swap of next → next + 1 and
// reads the job's fn/ctx only after a successful claim (the job cannot finish while a claimed part is
// unfinished, so they are stable). `done` counts finished parts; the caller waits for done == parts.
// Idle helpers poll `wake` (bumped once per job) for spin_ns, then park on it with FUTEX_WAIT after
// announcing themselves in `waiters`; the caller issues FUTEX_WAKE only when someone is parked. Both
// sides use sequentially consistent operations on wake/waiters, so a wake-up cannot be lost: either
// the caller sees the waiter, or the waiter's futex sees the new wake value and returns at once.
#define _GNU_SOURCE
#include "ck_workers.h"
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>
#if defined(__linux__)
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

struct ck_workers {
    _Alignas(64) _Atomic uint64_t claim;
    _Alignas(64) _Atomic int32_t done;
    _Alignas(64) _Atomic uint32_t wake;
    _Atomic int32_t waiters;
    _Atomic int32_t stop;
    _Alignas(64) _Atomic int32_t busy;
    ck_workers_fn fn;
    void *ctx;
    int32_t helpers;
    int32_t started;
    int64_t spin_ns;
    pthread_t *threads;
#if !defined(__linux__)
    pthread_mutex_t mutex;
    pthread_cond_t cond;
#endif
};

static _Thread_local int32_t tls_mode;

int32_t ck_workers_thread_mode(void) { return tls_mode; }
void ck_workers_set_thread_mode(int32_t mode) { tls_mode = mode; }

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
#endif
}

static inline int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void park(ck_workers *w, uint32_t seen) {
#if defined(__linux__)
    syscall(SYS_futex, (uint32_t *)&w->wake, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
#else
    pthread_mutex_lock(&w->mutex);
    while (atomic_load(&w->wake) == seen) pthread_cond_wait(&w->cond, &w->mutex);
    pthread_mutex_unlock(&w->mutex);
#endif
}

static void unpark(ck_workers *w, int32_t count) {
#if defined(__linux__)
    syscall(SYS_futex, (uint32_t *)&w->wake, FUTEX_WAKE_PRIVATE, count, NULL, NULL, 0);
#else
    (void)count;
    pthread_mutex_lock(&w->mutex);
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->mutex);
#endif
}

/// Claims and runs parts of the current job until none is left; returns how many it ran.
static int32_t work(ck_workers *w) {
    int32_t ran = 0;
    uint64_t c = atomic_load_explicit(&w->claim, memory_order_acquire);
    for (;;) {
        uint32_t parts = (uint32_t)(c >> 16) & 0xffff, next = (uint32_t)c & 0xffff;
        if (next >= parts) return ran;
        if (atomic_compare_exchange_weak_explicit(&w->claim, &c, c + 1, memory_order_acq_rel, memory_order_acquire)) {
            w->fn(w->ctx, (int32_t)next);
            atomic_fetch_add_explicit(&w->done, 1, memory_order_release);
            ran++;
            c = atomic_load_explicit(&w->claim, memory_order_acquire);
        }
    }
}

static void *helper_main(void *arg) {
    ck_workers *w = arg;
    uint32_t seen = atomic_load(&w->wake);
    for (;;) {
        if (atomic_load_explicit(&w->stop, memory_order_acquire)) return NULL;
        work(w);
        // Wait for the next job: poll, then park.
        int64_t deadline = now_ns() + w->spin_ns;
        uint32_t spins = 0;
        for (;;) {
            uint32_t cur = atomic_load_explicit(&w->wake, memory_order_acquire);
            if (cur != seen) { seen = cur; break; }
            cpu_relax();
            if ((++spins & 63) == 0 && now_ns() >= deadline) {
                atomic_fetch_add(&w->waiters, 1);
                park(w, seen);
                atomic_fetch_sub(&w->waiters, 1);
                deadline = 0;  // woken (or spuriously): check once more, then park again
            }
        }
    }
}

ck_workers *ck_workers_create(int32_t helpers, int64_t spin_ns) {
    if (helpers < 0) helpers = 0;
    ck_workers *w = aligned_alloc(64, (sizeof(ck_workers) + 63) / 64 * 64);
    if (!w) return NULL;
    atomic_init(&w->claim, 0);
    atomic_init(&w->done, 0);
    atomic_init(&w->wake, 0);
    atomic_init(&w->waiters, 0);
    atomic_init(&w->stop, 0);
    atomic_init(&w->busy, 0);
    w->fn = NULL;
    w->ctx = NULL;
    w->helpers = helpers;
    w->started = 0;
    w->spin_ns = spin_ns < 0 ? 0 : spin_ns;
    w->threads = helpers > 0 ? calloc((size_t)helpers, sizeof(pthread_t)) : NULL;
#if !defined(__linux__)
    pthread_mutex_init(&w->mutex, NULL);
    pthread_cond_init(&w->cond, NULL);
#endif
    if (helpers > 0 && !w->threads) { free(w); return NULL; }
    for (int32_t i = 0; i < helpers; i++) {
        if (pthread_create(&w->threads[i], NULL, helper_main, w) != 0) { ck_workers_destroy(w); return NULL; }
        w->started = i + 1;
#if defined(__linux__)
        pthread_setname_np(w->threads[i], "edgewise-pool");
#endif
    }
    return w;
}

void ck_workers_stop(ck_workers *w) {
    if (!w || w->started == 0) { if (w) w->helpers = 0; return; }
    atomic_store(&w->stop, 1);
    atomic_fetch_add(&w->wake, 1);
    unpark(w, w->started);
    for (int32_t i = 0; i < w->started; i++) pthread_join(w->threads[i], NULL);
    w->started = 0;
    w->helpers = 0;
}

void ck_workers_destroy(ck_workers *w) {
    if (!w) return;
    ck_workers_stop(w);
    free(w->threads);
#if !defined(__linux__)
    pthread_mutex_destroy(&w->mutex);
    pthread_cond_destroy(&w->cond);
#endif
    free(w);
}

int32_t ck_workers_helpers(const ck_workers *w) { return w ? w->helpers : 0; }

int32_t ck_workers_run(ck_workers *w, int32_t parts, ck_workers_fn fn, void *ctx) {
    if (parts <= 0) return 0;
    int32_t idle = 0;
    if (!w || parts == 1 || parts > 0xffff || w->helpers == 0 ||
        !atomic_compare_exchange_strong_explicit(&w->busy, &idle, 1, memory_order_acquire, memory_order_relaxed)) {
        for (int32_t i = 0; i < parts; i++) fn(ctx, i);
        return parts;
    }
    w->fn = fn;
    w->ctx = ctx;
    atomic_store_explicit(&w->done, 0, memory_order_relaxed);
    uint64_t gen = (atomic_load_explicit(&w->claim, memory_order_relaxed) >> 32) + 1;
    atomic_store(&w->claim, (gen << 32) | ((uint64_t)parts << 16));
    atomic_fetch_add(&w->wake, 1);
    if (atomic_load(&w->waiters) > 0) unpark(w, parts - 1 < w->helpers ? parts - 1 : w->helpers);
    int32_t ran = work(w);
    // Parts a helper claimed are running; wait for them (yield if a helper was preempted mid-part).
    uint32_t spins = 0;
    while (atomic_load_explicit(&w->done, memory_order_acquire) < parts) {
        cpu_relax();
        if (++spins > 4096) sched_yield();
    }
    atomic_store_explicit(&w->busy, 0, memory_order_release);
    return ran;
}
