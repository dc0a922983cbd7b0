import Dispatch
import Foundation

/// Intra-op threading: one kernel call split into parts that run at once and write disjoint outputs.
///
/// A kernel splits only when its work reaches ``minimumMultiplyAdds``, so dispatch overhead never
/// lands on small ops (a part hand-off costs microseconds; a 2¹⁹ multiply-add part runs for tens of
/// them). Every split kernel computes each output element exactly as the single-threaded call does,
/// so results are bit-identical for any thread count (OptimizedThreadingTests).
public enum IntraOp {
    /// Work below which a kernel runs on the calling thread alone (multiply-adds, or element-taps for
    /// depthwise convolution).
    public static let minimumMultiplyAdds = 1 << 20

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

    /// Runs `body(part)` for every part in `0..<parts`, concurrently when there are several; returns
    /// when all are done.
    static func run(_ parts: Int, _ body: (Int) -> Void) {
        if parts <= 1 { body(0); return }
        withoutActuallyEscaping(body) { b in
            // The parts write disjoint outputs and only read shared inputs.
            nonisolated(unsafe) let f = b
            DispatchQueue.concurrentPerform(iterations: parts) { f($0) }
        }
    }
}
