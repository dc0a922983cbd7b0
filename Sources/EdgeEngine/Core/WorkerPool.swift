import CEdgeKernels
import Foundation

/// Persistent threads for intra-op threading (the C pool in `ck_workers.h`).
///
/// The engine uses one process-wide pool (``shared``, one helper per core beyond the first), so any
/// number of plans share the same helper threads and a plan costs no thread of its own. Helpers poll
/// for a short while after each job (``defaultSpinNanoseconds``) and then park on a futex, so a hand-off
/// between consecutive split kernels costs a fraction of a microsecond and an idle engine costs no CPU.
/// The caller takes part in every job and claims parts the helpers have not started, so a parked or
/// preempted helper delays nothing it has not begun (on a loaded machine a split call degrades to a
/// single-threaded one instead of waiting). A call made while the pool is busy — nested inside a part,
/// from a helper, or from another thread — runs its parts inline, in order.
///
/// Unsafe part (documented): the body is passed to C as a pointer to a non-escaping closure and called
/// from helper threads while ``run(_:_:)`` waits; the caller guarantees that parts only write disjoint
/// memory and read shared inputs, which is what every split kernel does. The class is
/// `@unchecked Sendable` because its only state is the C handle, whose fields the C code synchronises.
public final class WorkerPool: @unchecked Sendable {
    private let handle: OpaquePointer
    /// Idle poll before parking: long enough to bridge the small kernels between two split ones.
    public static let defaultSpinNanoseconds: Int64 = 50_000

    /// The engine's pool: `activeProcessorCount − 1` helpers, created on first use, never stopped.
    public static let shared = WorkerPool(helpers: max(0, ProcessInfo.processInfo.activeProcessorCount - 1))

    /// A pool with `helpers` threads (0: every run is inline).
    public init(helpers: Int, spinNanoseconds: Int64 = WorkerPool.defaultSpinNanoseconds) {
        if let h = ck_workers_create(Int32(clamping: helpers), spinNanoseconds) {
            handle = h
        } else {
            // Thread creation failed (resource limits): a pool without helpers still runs every job.
            handle = ck_workers_create(0, 0)!
        }
    }

    deinit { ck_workers_destroy(handle) }

    /// Helper threads currently running (0 after ``shutdown()``).
    public var helpers: Int { Int(ck_workers_helpers(handle)) }

    /// Stops and joins the helpers; later runs execute inline. Not concurrent with ``run(_:_:)``.
    public func shutdown() { ck_workers_stop(handle) }

    /// Runs `body(part)` for every part in `0..<parts`, returning when all have finished.
    ///
    /// - Returns: how many parts ran on the calling thread (`parts` when the run was inline).
    @discardableResult
    public func run(_ parts: Int, _ body: (Int) -> Void) -> Int {
        guard parts > 0 else { return 0 }
        if parts == 1 { body(0); return 1 }
        return withoutActuallyEscaping(body) { escapable in
            var closure = escapable
            return withUnsafeMutablePointer(to: &closure) { ptr in
                Int(ck_workers_run(handle, Int32(clamping: parts), { ctx, part in
                    ctx!.assumingMemoryBound(to: ((Int) -> Void).self).pointee(Int(part))
                }, ptr))
            }
        }
    }
}
