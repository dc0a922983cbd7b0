/// A histogram of activation values built batch by batch, the input of the percentile, entropy and
/// MSE calibrators.
///
/// Two layouts, after onnxruntime's `HistogramCollector` so ranges calibrated here and there agree on
/// the same data (the thresholds are bin edges, so a different binning would move them):
/// - ``Kind/magnitude``: bins over |x|, spanning the first batch's smallest to largest magnitude;
///   later batches append bins of the same width when they reach further (values below the first
///   edge are not counted — onnxruntime's behaviour, kept so thresholds match).
/// - ``Kind/signed``: bins over `[−t, t]` with `t` the largest magnitude seen; when a batch reaches
///   beyond `t`, whole bins are added on both sides so old counts keep their positions.
///
/// Edges are float32 computed in float32 as numpy's `linspace`/`arange` do for float32 input, and a
/// value falls in bin k when `edge[k] ≤ x < edge[k+1]` (the last bin also takes its right edge).
public struct ActivationHistogram: Sendable, Equatable {
    public enum Kind: Sendable, Equatable { case magnitude, signed }

    public let kind: Kind
    /// Bin count of the first batch.
    public let initialBins: Int
    public private(set) var counts: [Int64] = []
    public private(set) var edges: [Float] = []
    /// Smallest and largest (signed) value seen.
    public private(set) var minimum: Float = .infinity
    public private(set) var maximum: Float = -.infinity
    /// Half-width of a ``Kind/signed`` histogram.
    public private(set) var threshold: Float = 0
    public private(set) var batches = 0

    public init(kind: Kind, bins: Int) throws {
        guard bins >= 2, bins <= 1 << 20 else {
            throw OptimizeError.invalidSetting(name: "bins", value: String(bins), expected: "2…1048576 histogram bins")
        }
        self.kind = kind
        initialBins = bins
    }

    /// Adds one batch. Empty batches change nothing.
    ///
    /// - Throws: ``OptimizeError/badTensor(name:reason:)`` when the batch holds NaN or infinity (no
    ///   finite range covers it; it usually means the model overflowed on this input).
    public mutating func add(_ values: [Float], name: String = "activation") throws {
        guard !values.isEmpty else { return }
        var lo = Float.infinity, hi = -Float.infinity
        for v in values {
            guard v.isFinite else {
                throw OptimizeError.badTensor(name: name, reason: "calibration batch \(batches) holds NaN or infinite values")
            }
            lo = min(lo, v)
            hi = max(hi, v)
        }
        switch kind {
        case .magnitude: addMagnitudes(values)
        case .signed: addSigned(values, threshold: max(abs(lo), abs(hi)))
        }
        minimum = min(minimum, lo)
        maximum = max(maximum, hi)
        batches += 1
    }

    // MARK: magnitude

    private mutating func addMagnitudes(_ values: [Float]) {
        let mags = values.map { abs($0) }
        if counts.isEmpty {
            var first = mags.min()!, last = mags.max()!
            if first == last {
                first -= 0.5
                last += 0.5
            }
            edges = Self.linspace(first, last, count: initialBins + 1)
            counts = Self.count(mags, edges: edges)
            return
        }
        let top = mags.max()!
        if top > edges[edges.count - 1] {
            let width = edges[1] - edges[0]
            edges += Self.arange(edges[edges.count - 1] + width, top + width, width)
        }
        let fresh = Self.count(mags, edges: edges)
        for i in counts.indices { counts[i] += fresh[i] }
        for i in counts.count..<fresh.count { counts.append(fresh[i]) }
    }

    // MARK: signed

    private mutating func addSigned(_ values: [Float], threshold t: Float) {
        if counts.isEmpty {
            threshold = t
            edges = Self.uniformEdges(-t, t, bins: initialBins)
            counts = Self.count(values, edges: edges)
            return
        }
        if t <= threshold {
            let fresh = Self.count(values, edges: edges)
            for i in counts.indices { counts[i] += fresh[i] }
            return
        }
        let old = counts
        if threshold == 0 {
            threshold = t
            edges = Self.uniformEdges(-t, t, bins: old.count)
            counts = Self.count(values, edges: edges)
            for i in old.indices { counts[i] += old[i] }
            return
        }
        // Grow by whole old-width bins on each side, so the old counts keep their bins.
        let stride = 2 * threshold / Float(old.count)
        let extra = Int(((t - threshold) / stride).rounded(.down)) + 1
        let newThreshold = Float(extra) * stride + threshold
        threshold = newThreshold
        edges = Self.uniformEdges(-newThreshold, newThreshold, bins: old.count + 2 * extra)
        counts = Self.count(values, edges: edges)
        for i in old.indices { counts[extra + i] += old[i] }
    }

    // MARK: numpy-compatible binning

    /// Edges of `bins` equal bins over `[lo, hi]` (a zero-width range widened by ½ each side).
    static func uniformEdges(_ lo: Float, _ hi: Float, bins: Int) -> [Float] {
        lo == hi ? linspace(lo - 0.5, hi + 0.5, count: bins + 1) : linspace(lo, hi, count: bins + 1)
    }

    /// `count` evenly spaced float32 values from `start` to `stop` inclusive: `k · step + start`
    /// in float32 with the last value exactly `stop` (numpy's `linspace` for float32 bounds).
    static func linspace(_ start: Float, _ stop: Float, count: Int) -> [Float] {
        let step = (stop - start) / Float(count - 1)
        var out = (0..<count).map { Float($0) * step + start }
        out[count - 1] = stop
        return out
    }

    /// float32 `start, start + d, start + 2d …` below `stop`, where `d = (start + step) − start`
    /// (numpy's `arange` for float32: the length in double, the values filled from the first two
    /// in double and rounded once).
    static func arange(_ start: Float, _ stop: Float, _ step: Float) -> [Float] {
        let n = max(0, Int(((Double(stop) - Double(start)) / Double(step)).rounded(.up)))
        guard n > 0 else { return [] }
        let second = start + step
        let delta = Double(second) - Double(start)
        return (0..<n).map { i in i == 0 ? start : (i == 1 ? second : Float(Double(start) + Double(i) * delta)) }
    }

    /// Counts of `values` in the bins `edges` describes; values outside `[edges.first, edges.last]`
    /// are dropped.
    static func count(_ values: [Float], edges: [Float]) -> [Int64] {
        let bins = edges.count - 1
        var counts = [Int64](repeating: 0, count: bins)
        let first = edges[0], last = edges[bins]
        let denominator = last - first
        for x in values where x >= first && x <= last {
            // A guess from the uniform spacing, corrected against the actual edges (arange-grown
            // edges are not exactly uniform).
            var k = Int(max(0, min(Float(bins), (x - first) / denominator * Float(bins))))
            if k == bins { k -= 1 }
            while k > 0 && x < edges[k] { k -= 1 }
            while k < bins - 1 && x >= edges[k + 1] { k += 1 }
            counts[k] += 1
        }
        return counts
    }
}
