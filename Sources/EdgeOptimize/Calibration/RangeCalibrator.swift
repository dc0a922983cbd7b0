import Foundation

/// Chooses the float range `[low, high]` an activation is quantized over, from the values it takes on
/// a calibration set.
///
/// - MinMax: the extremes seen (symmetric: ±the largest magnitude).
/// - Percentile: clip the given percentile of the histogram (symmetric: of |x|; otherwise half of the
///   rest on each side).
/// - Entropy: the symmetric range whose 128-level (`quantizedBins`) re-binning loses the least
///   information — the smallest KL divergence between the clipped histogram and its coarse copy
///   (the TensorRT method, as onnxruntime computes it).
/// - MSE: the symmetric range that minimises the expected squared error of the int8 grid over the
///   histogram: clipping error for mass outside the range plus `step²/12` rounding noise inside.
///
/// Percentile and entropy reproduce onnxruntime's `HistogramCollector` (same binning, same
/// thresholds) so a model calibrated here can be compared with `quantize_static` on equal terms.
public struct RangeCalibrator: Sendable {
    public enum Method: Sendable, Equatable {
        case minMax
        case percentile(Double)
        case entropy(quantizedBins: Int)
        case mse
    }

    public let method: Method
    public let symmetric: Bool
    public private(set) var histogram: ActivationHistogram?
    private var minimum: Float = .infinity
    private var maximum: Float = -.infinity
    private var batches = 0

    /// Bins onnxruntime starts with: 2048 for percentile, 128 for entropy; MSE uses 2048.
    public static func defaultBins(for method: Method) -> Int {
        if case .entropy = method { return 128 }
        return 2048
    }

    /// - Throws: ``OptimizeError/invalidSetting(name:value:expected:)`` for a percentile outside
    ///   (0, 100], fewer than 2 quantized bins or more than `bins`.
    public init(method: Method, symmetric: Bool, bins: Int? = nil) throws {
        self.method = method
        self.symmetric = symmetric
        let bins = bins ?? Self.defaultBins(for: method)
        switch method {
        case .minMax:
            histogram = nil
        case .percentile(let p):
            guard p > 0, p <= 100 else {
                throw OptimizeError.invalidSetting(name: "percentile", value: String(p), expected: "a percentile in (0, 100]")
            }
            histogram = try ActivationHistogram(kind: symmetric ? .magnitude : .signed, bins: bins)
        case .entropy(let q):
            guard q >= 2, q <= bins else {
                throw OptimizeError.invalidSetting(name: "quantized_bins", value: String(q), expected: "2…\(bins) (the histogram's bins)")
            }
            histogram = try ActivationHistogram(kind: .signed, bins: bins)
        case .mse:
            histogram = try ActivationHistogram(kind: .signed, bins: bins)
        }
    }

    /// Adds one batch of an activation's values.
    public mutating func add(_ values: [Float], name: String = "activation") throws {
        guard !values.isEmpty else { return }
        if histogram != nil {
            try histogram!.add(values, name: name)
        } else {
            for v in values {
                guard v.isFinite else {
                    throw OptimizeError.badTensor(name: name, reason: "calibration batch \(batches) holds NaN or infinite values")
                }
                minimum = min(minimum, v)
                maximum = max(maximum, v)
            }
        }
        batches += 1
    }

    /// The calibrated range.
    ///
    /// - Throws: ``OptimizeError/invalidSetting(name:value:expected:)`` when no value was added (an
    ///   empty calibration set gives no range).
    public func range() throws -> (low: Float, high: Float) {
        guard batches > 0 else {
            throw OptimizeError.invalidSetting(name: "calibration set", value: "empty", expected: "at least one input with values")
        }
        switch method {
        case .minMax:
            if symmetric {
                let a = max(abs(minimum), abs(maximum))
                return (-a, a)
            }
            return (minimum, maximum)
        case .percentile(let p): return percentileRange(histogram!, p)
        case .entropy(let q): return entropyRange(histogram!, q)
        case .mse: return mseRange(histogram!)
        }
    }

    // MARK: percentile

    private func percentileRange(_ h: ActivationHistogram, _ p: Double) -> (low: Float, high: Float) {
        let total = Double(h.counts.reduce(0, +))
        var cdf = [Double](repeating: 0, count: h.counts.count)
        var running = 0.0
        for (i, c) in h.counts.enumerated() {
            running += Double(c) / total
            cdf[i] = running
        }
        /// First index whose cumulative share reaches `target` (numpy's `searchsorted`, side left).
        func index(_ target: Double) -> Int { cdf.firstIndex { $0 >= target } ?? cdf.count }
        var low: Float, high: Float
        if symmetric {
            let e = h.edges[index(p / 100)]
            (low, high) = (-e, e)
        } else {
            let cut = (100 - p) / 200
            (low, high) = (h.edges[index(cut)], h.edges[index(1 - cut)])
        }
        return (max(low, h.minimum), min(high, h.maximum))
    }

    // MARK: entropy

    private func entropyRange(_ h: ActivationHistogram, _ quantizedBins: Int) -> (low: Float, high: Float) {
        let hist = h.counts
        let bins = hist.count
        let zero = bins / 2
        let halfQ = quantizedBins / 2
        guard zero >= halfQ else { return (h.minimum, h.maximum) }
        var bestKL = Float.infinity
        var best: (Float, Float)? = nil
        var prefix = [Int64](repeating: 0, count: bins + 1)
        for i in 0..<bins { prefix[i + 1] = prefix[i] + hist[i] }
        for i in halfQ...zero {
            let start = zero - i
            let end = min(zero + i + 1, bins)
            let sliced = Array(hist[start..<end])
            var p = sliced
            p[0] += prefix[start]
            p[p.count - 1] += prefix[bins] - prefix[end]
            let merged = sliced.count / quantizedBins
            var quantized = [Int64](repeating: 0, count: quantizedBins)
            for k in 0..<quantizedBins {
                for j in (k * merged)..<(k * merged + merged) { quantized[k] += sliced[j] }
            }
            for j in (quantizedBins * merged)..<sliced.count { quantized[quantizedBins - 1] += sliced[j] }
            // Expand each coarse bin back over the fine bins it merged, shared among the non-empty
            // ones (integer division, as onnxruntime stores q as int64).
            var q = [Int64](repeating: 0, count: p.count)
            for k in 0..<quantizedBins {
                let s = k * merged, e = s + merged
                var nonzero: Int64 = 0
                for j in s..<e where p[j] != 0 { nonzero += 1 }
                if nonzero != 0 {
                    let share = Int64((Double(quantized[k]) / Double(nonzero)).rounded(.towardZero))
                    for j in s..<e { q[j] = share }
                }
            }
            var kl = Float.infinity
            if let ps = Self.smooth(p), let qs = Self.smooth(q) {
                kl = Self.relativeEntropy(ps, qs)
            }
            if best == nil || kl < bestKL {
                bestKL = kl
                best = (h.edges[start], h.edges[end])
            }
        }
        let (low, high) = best!
        return (max(low, h.minimum), min(high, h.maximum))
    }

    /// Replaces zero counts with ε = 0.0001 and takes the same total off the non-zero ones (float32
    /// arithmetic, as onnxruntime's `smooth_distribution`); nil when every count is zero.
    static func smooth(_ p: [Int64]) -> [Float]? {
        let zeros = p.filter { $0 == 0 }.count
        let nonzeros = p.count - zeros
        guard nonzeros > 0 else { return nil }
        let eps1 = Float(0.0001 * Double(zeros) / Double(nonzeros))
        let eps = Float(0.0001)
        return p.map { $0 == 0 ? eps : Float($0) - eps1 }
    }

    /// KL(p ‖ q) in nats after normalising both, in scipy's `entropy(p, q)` arithmetic for float32
    /// input: normalise in float32 by numpy's pairwise sum, each term `p·ln(p/q)` in double rounded to
    /// float32, the terms summed pairwise in float32. Thresholds whose divergences differ in the last
    /// float32 digits are common (flat KL curves), so anything else picks a different one.
    static func relativeEntropy(_ p: [Float], _ q: [Float]) -> Float {
        let sp = pairwiseSum(p), sq = pairwiseSum(q)
        var terms = [Float](repeating: 0, count: p.count)
        for i in p.indices {
            let a = Double(p[i] / sp), b = Double(q[i] / sq)
            terms[i] = a > 0 && b > 0 ? Float(a * Foundation.log(a / b)) : (a == 0 ? 0 : .infinity)
        }
        return pairwiseSum(terms)
    }

    /// numpy's float32 pairwise summation (8 accumulators in blocks of up to 128, halves above).
    static func pairwiseSum(_ a: [Float]) -> Float {
        a.withUnsafeBufferPointer { pairwiseSum($0.baseAddress!, a.count) }
    }

    static func pairwiseSum(_ a: UnsafePointer<Float>, _ n: Int) -> Float {
        if n < 8 {
            var res: Float = 0
            for i in 0..<n { res += a[i] }
            return res
        }
        if n <= 128 {
            var r = (a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7])
            var i = 8
            while i < n - n % 8 {
                r.0 += a[i]; r.1 += a[i + 1]; r.2 += a[i + 2]; r.3 += a[i + 3]
                r.4 += a[i + 4]; r.5 += a[i + 5]; r.6 += a[i + 6]; r.7 += a[i + 7]
                i += 8
            }
            var res = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
            while i < n {
                res += a[i]
                i += 1
            }
            return res
        }
        var n2 = n / 2
        n2 -= n2 % 8
        return pairwiseSum(a, n2) + pairwiseSum(a + n2, n - n2)
    }

    // MARK: MSE

    /// Tries the symmetric thresholds `T = k/128 · t` (k = 1…128, `t` the histogram's half-width),
    /// scoring Σ count · error at each bin centre: `(|c| − T)²` when the centre is clipped, else
    /// `Δ²/12` with `Δ = 2T / 255` (the int8 step). The smallest score wins; ties keep the wider range.
    private func mseRange(_ h: ActivationHistogram) -> (low: Float, high: Float) {
        let levels = 255.0
        var bestT = Double(h.threshold), bestScore = Double.infinity
        let centres = (0..<h.counts.count).map { abs(0.5 * (Double(h.edges[$0]) + Double(h.edges[$0 + 1]))) }
        for k in stride(from: 128, through: 1, by: -1) {
            let t = Double(h.threshold) * Double(k) / 128
            guard t > 0 else { continue }
            let step = 2 * t / levels
            let noise = step * step / 12
            var score = 0.0
            for (i, count) in h.counts.enumerated() where count != 0 {
                let c = centres[i]
                score += Double(count) * (c > t ? (c - t) * (c - t) : noise)
            }
            if score < bestScore {
                bestScore = score
                bestT = t
            }
        }
        let t = Float(bestT)
        if symmetric { return (-t, t) }
        return (max(-t, h.minimum), min(t, h.maximum))
    }
}
