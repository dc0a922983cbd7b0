import CEdgeKernels
import Foundation

/// Intra-op threading: one kernel call split into parts that run at once and write disjoint outputs.
///
/// A kernel is a candidate for splitting only when its work reaches ``minimumMultiplyAdds``, so
/// hand-off overhead never lands on small ops. Parts run on a persistent ``WorkerPool``. Whether a
/// candidate actually splits is then decided per node from measured call times (``SplitChooser``):
/// on a busy machine the second core may not be there to help, and a split call that waits for it is
/// slower than one thread. Every split kernel computes each output element exactly as the
/// single-threaded call does, so results are bit-identical for any thread count and any choice
/// (OptimizedThreadingTests).
public enum IntraOp {
    /// Work below which a kernel runs on the calling thread alone (multiply-adds, or element-taps for
    /// depthwise convolution).
    public static let minimumMultiplyAdds = 1 << 18

    /// Threads from `EDGEWISE_THREADS` (1 when unset or not a positive integer).
    public static func environmentThreads(_ env: [String: String] = ProcessInfo.processInfo.environment) -> Int {
        guard let v = env["EDGEWISE_THREADS"], let n = Int(v.trimmingCharacters(in: .whitespaces)), n >= 1 else { return 1 }
        return n
    }

    /// Parts for `work` multiply-adds on up to `threads` threads: 1 below the threshold, and never
    /// more parts than `maxParts` (units of work that can be split).
    static func parts(threads: Int, work: Int, maxParts: Int = .max) -> Int {
        guard threads > 1, work >= minimumMultiplyAdds else { return 1 }
        return max(1, min(threads, maxParts))
    }

    /// Runs `body(part)` for every part in `0..<parts` and returns when all are done: on the engine's
    /// ``WorkerPool`` when there are several parts, on the calling thread alone (in order) inside a run
    /// its plan made single-threaded (``ThreadMode``).
    static func run(_ parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 { body(0); return }
        if currentMode == .single {
            for p in 0..<parts { body(p) }
            return
        }
        WorkerPool.shared.run(parts, body)
    }

    /// How kernels on this thread may use threads, set by an execution plan around its steps.
    enum ThreadMode: Int32 {
        /// No plan set one (a kernel run directly): split calls as the kernel's chooser says.
        case unset = 0
        /// Every kernel runs single-threaded, and per-node choosers neither probe nor record.
        case single = 1
        /// Kernels split as their per-node choosers say.
        case split = 2
    }

    /// The calling thread's mode (thread-local, so concurrent plans on other threads are unaffected).
    static var currentMode: ThreadMode { ThreadMode(rawValue: ck_workers_thread_mode()) ?? .unset }

    /// Runs `body` with the calling thread's mode set to `mode`, restoring the previous one after.
    static func withMode<R>(_ mode: ThreadMode, _ body: () throws -> R) rethrows -> R {
        let previous = ck_workers_thread_mode()
        ck_workers_set_thread_mode(mode.rawValue)
        defer { ck_workers_set_thread_mode(previous) }
        return try body()
    }
}

/// Chooses, for one kernel, between a single-threaded call and a split into ``candidate`` parts,
/// from measured wall times of its own calls (``AlternatingProbe``: rounds of ``period`` calls, the split
/// kept only below ``margin`` (0.85) × the single-threaded probes' total).
/// Not thread-safe: a plan runs one call of a kernel at a time.
final class SplitChooser {
    let candidate: Int
    static let trials = 3
    static let period = 200
    static let margin = 0.85
    private var probe = AlternatingProbe(trials: trials, period: period, margin: margin)
    /// The parts used outside probes (1 until a round has shown that splitting pays).
    var chosen: Int { probe.chosen ? candidate : 1 }

    init(candidate: Int) { self.candidate = max(1, candidate) }

    /// Parts for the next call.
    var next: Int {
        guard candidate > 1 else { return 1 }
        return probe.next ? candidate : 1
    }

    /// Records the wall time of a call made with `parts` (the value ``next`` gave).
    func record(parts: Int, nanoseconds ns: UInt64) {
        guard candidate > 1 else { return }
        probe.record(split: parts != 1, nanoseconds: ns)
    }

    /// Runs `body(parts)` with the parts chosen for this call and records its time.
    /// Inside a single-threaded plan run (``IntraOp/ThreadMode/single``) the call is single-threaded
    /// and neither probes nor counts.
    func measure(_ body: (Int) throws -> Void) rethrows {
        if candidate <= 1 || IntraOp.currentMode == .single { try body(1); return }
        let parts = next
        let start = monotonicNanoseconds()
        try body(parts)
        record(parts: parts, nanoseconds: monotonicNanoseconds() &- start)
    }
}
