/// The measurement schedule shared by the per-node ``SplitChooser`` and the whole-plan
/// ``ThreadingChooser``: decide between a single-threaded and a split way of doing the same work from
/// wall times of the work itself.
///
/// After ``warmup`` unmeasured uses (which take the split way), uses come in rounds of ``period``: the
/// first `2 · trials` alternate single (even phase) and split (odd phase), and the rest of the round takes
/// the split way only if the split probes' total time is below ``margin`` × the single probes' total.
/// Totals rather than minima: on a shared machine one lucky split probe (both cores momentarily free)
/// must not decide the round. Re-probing every round follows a machine whose load changes; probing
/// costs at most `trials` uses per round on the slower way.
struct AlternatingProbe {
    let warmup: Int, trials: Int, period: Int, margin: Double
    private var uses = 0
    private var totalSingle: UInt64 = 0, totalSplit: UInt64 = 0
    /// Whether uses outside probes split (false until a round has shown that splitting pays).
    private(set) var chosen = false

    init(warmup: Int = 0, trials: Int, period: Int, margin: Double) {
        (self.warmup, self.trials, self.period, self.margin) = (warmup, trials, period, margin)
    }

    /// Whether the next use splits.
    var next: Bool {
        if uses < warmup { return true }
        let phase = (uses - warmup) % period
        if phase < 2 * trials { return phase % 2 == 1 }
        return chosen
    }

    /// Records a use made with `split` (the value ``next`` gave) that took `ns` nanoseconds; returns
    /// the two probe totals when this use completed a round's probes (and so set ``chosen``).
    @discardableResult
    mutating func record(split: Bool, nanoseconds ns: UInt64) -> (single: UInt64, split: UInt64)? {
        defer { uses += 1 }
        guard uses >= warmup else { return nil }
        let phase = (uses - warmup) % period
        guard phase < 2 * trials else { return nil }
        if phase == 0 { totalSingle = 0; totalSplit = 0 }
        if split { totalSplit &+= ns } else { totalSingle &+= ns }
        guard phase == 2 * trials - 1 else { return nil }
        chosen = Double(totalSplit) < margin * Double(totalSingle)
        return (totalSingle, totalSplit)
    }
}
