import Foundation

/// Chooses, for a whole plan, between running with its per-node split choices and running every
/// kernel single-threaded, from measured whole-inference times — so two threads never make a model
/// slower even where each node's own choice looked right (per-node probes see one call at a time; the
/// hand-offs, the cache traffic between cores and a busy second core show up only in the total).
///
/// Runs are counted per plan (``AlternatingProbe``): the first ``warmup`` runs are split runs that are
/// not measured (the per-node ``SplitChooser``s probe their first calls there, so the model-level probes
/// see their settled choices); then rounds of ``period`` runs whose first `2 · trials` alternate single
/// and split. Until the first decision, and whenever splitting has not clearly paid, runs are
/// single-threaded.
///
/// The clock is injected (``measure(clock:_:)``), so tests drive the logic with synthetic times. Not
/// thread-safe: a plan runs one inference at a time.
final class ThreadingChooser {
    static let warmup = 2 * SplitChooser.trials
    static let trials = 3
    static let period = 100
    /// Split must be at least 5 % faster: below that, the difference is within run-to-run noise on a
    /// shared machine, and single-threaded leaves the other core to other work.
    static let margin = 0.95
    private var probe = AlternatingProbe(warmup: warmup, trials: trials, period: period, margin: margin)
    private var runs = 0
    /// Whether runs outside probes split (false until a round has shown that splitting pays).
    var chosen: Bool { probe.chosen }

    /// Whether the next run splits.
    var next: Bool { probe.next }

    /// Records a run made with `split` (the value ``next`` gave) that took `ns` nanoseconds.
    func record(split: Bool, nanoseconds ns: UInt64) {
        defer { runs += 1 }
        if let t = probe.record(split: split, nanoseconds: ns), Self.logging {
            Self.log("threading: run \(runs) single \(t.single / 1000) µs, split \(t.split / 1000) µs → \(probe.chosen ? "split" : "single")\n")
        }
    }

    /// Diagnostics: with `EDGEWISE_THREADING_LOG` set, each decision is written to standard error.
    static let logging = ProcessInfo.processInfo.environment["EDGEWISE_THREADING_LOG"] != nil
    static func log(_ line: String) { FileHandle.standardError.write(Data(line.utf8)) }

    /// Runs `body(split)` with the mode for this run and records its time on `clock` (nanoseconds).
    func measure<R>(clock: () -> UInt64, _ body: (Bool) throws -> R) rethrows -> R {
        let split = next
        let start = clock()
        let r = try body(split)
        record(split: split, nanoseconds: clock() &- start)
        return r
    }
}
