#ifndef CK_WORKERS_H
#define CK_WORKERS_H
/// A persistent worker pool for intra-op threading: `helpers` threads that spin briefly after each
/// job and then park on a futex, so handing a job to a spinning helper costs well under a microsecond
/// and waking a parked one costs one futex syscall.
///
/// One job at a time: `ck_workers_run` publishes parts 0 … parts−1 of `fn`; the caller and the helpers
/// claim parts from one atomic counter until none is left, so every part runs exactly once and a
/// helper that is late (parked, or preempted on a loaded machine) never makes the caller wait for a
/// part it has not started — the caller runs it. A call made while the pool is busy (nested inside a
/// part, from a helper, or from another thread) runs every part on the calling thread, in order.
#include <stdint.h>

typedef void (*ck_workers_fn)(void *ctx, int32_t part);
typedef struct ck_workers ck_workers;

/// A pool with `helpers` threads (0 is allowed: every run is inline). `spin_ns`: how long an idle
/// helper polls for the next job before parking. NULL if a thread cannot be created.
ck_workers *ck_workers_create(int32_t helpers, int64_t spin_ns);
/// Stops and joins the helpers (later runs are inline). Idempotent; not concurrent with a run.
void ck_workers_stop(ck_workers *w);
/// Stops the pool and frees it.
void ck_workers_destroy(ck_workers *w);
int32_t ck_workers_helpers(const ck_workers *w);
/// Runs fn(ctx, part) for every part in 0 ..< parts and returns when all have finished. Returns how
/// many parts ran on the calling thread (parts when the run was inline).
int32_t ck_workers_run(ck_workers *w, int32_t parts, ck_workers_fn fn, void *ctx);

/// The calling thread's threading mode, set by an execution plan around its steps (0: none set,
/// 1: single-threaded, 2: split allowed). Thread-local.
int32_t ck_workers_thread_mode(void);
void ck_workers_set_thread_mode(int32_t mode);

#endif
