import Foundation

/// Chooses, for a whole plan, between running with its per-node split choices and running every
/// kernel single-threaded, from measured whole-inference times — so two threads never make a model
/// slower even where each node's own choice looked right (per-node probes see one call at a time; the
/// hand-offs, the cache traffic between cores and a busy second core show up only in the total).
///
/// Runs are counted per plan:
/// - the first ``warmup`` runs are split runs that are not measured (the per-node ``SplitChooser``s
///   probe their first calls there, so the model-level probes below see their settled choices);
/// - then, in rounds of ``period`` runs, the first `2 · trials` alternate single and split, and the
///   rest of the round uses split only if the split probes' total is below ``margin`` × the single
///   probes' total. Until the first decision, and whenever splitting has not clearly paid, runs are
///   single-threaded.
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
    private var runs = 0
    private var totalSingle: UInt64 = 0, totalSplit: UInt64 = 0
    /// Whether runs outside probes split (false until a round has shown that splitting pays).
    private(set) var chosen = false

    /// Whether the next run splits.
    var next: Bool {
        if runs < Self.warmup { return true }
        let phase = (runs - Self.warmup) % Self.period
        if phase < 2 * Self.trials { return phase % 2 == 1 }
        return chosen
    }

    /// Records a run made with `split` (the value ``next`` gave) that took `ns` nanoseconds.
    func record(split: Bool, nanoseconds ns: UInt64) {
        defer { runs += 1 }
        guard runs >= Self.warmup else { return }
        let phase = (runs - Self.warmup) % Self.period
        guard phase < 2 * Self.trials else { return }
        if phase == 0 { totalSingle = 0; totalSplit = 0 }
        if split { totalSplit &+= ns } else { totalSingle &+= ns }
        if phase == 2 * Self.trials - 1 {
            chosen = Double(totalSplit) < Self.margin * Double(totalSingle)
            if Self.logging { Self.log("threading: run \(runs) single \(totalSingle / 1000) µs, split \(totalSplit / 1000) µs → \(chosen ? "split" : "single")\n") }
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
