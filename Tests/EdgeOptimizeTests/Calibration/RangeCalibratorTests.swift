import EdgeTestSupport
import Testing
@testable import EdgeOptimize

/// Activation range calibration: histograms and thresholds identical to onnxruntime's
/// `HistogramCollector` (percentile, entropy) on the same batches; MinMax and MSE worked by hand or
/// checked against a brute-force search with the real int8 quantizer.
@Suite struct RangeCalibratorTests {
    /// Four batches whose magnitude grows, so both histogram layouts must extend themselves.
    static func batches(seed: UInt64) -> [[Float]] {
        var rng = SeededRNG(seed: seed)
        var all: [[Float]] = []
        for k in 0..<4 {
            let n = 2_501 + k      // uneven sizes, like numpy's array_split of the whole
            var b = (0..<n).map { _ in (rng.float() + rng.float() + rng.float()) * Float(k + 1) * 0.4 }
            b[7] = Float(k + 1) * 3.3          // an outlier per batch
            if k == 2 { b[11] = -25 }          // a far negative one
            all.append(b)
        }
        return all
    }

    @Test(arguments: [("percentile", 99.9, true), ("percentile", 99.99, false), ("entropy", 128.0, true),
                      ("percentile", 99.999, true)])
    func matchesOnnxRuntimeHistogramCollector(_ method: String, _ extra: Double, _ symmetric: Bool) throws {
        let ref = try QuantReference()
        defer { ref.remove() }
        let batches = Self.batches(seed: 21)
        let input = try ref.write(batches.flatMap { $0 }, "x.f32")
        let bins = method == "entropy" ? 512 : 2048
        let json = try ref.run("calibrate-batches", method, input, String(bins), String(extra), symmetric ? "1" : "0",
                               batches.map { String($0.count) }.joined(separator: ","))
        let m: RangeCalibrator.Method = method == "entropy" ? .entropy(quantizedBins: Int(extra)) : .percentile(extra)
        var c = try RangeCalibrator(method: m, symmetric: symmetric, bins: bins)
        for b in batches { try c.add(b) }
        let h = try #require(c.histogram)
        #expect(h.counts.map(Int.init) == (json["hist"] as? [Int]))
        let edges = (json["edges"] as? [Double] ?? []).map(Float.init)
        #expect(h.edges.count == edges.count)
        let firstEdgeDiff = zip(h.edges, edges).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstEdgeDiff == nil, "edge \(firstEdgeDiff?.offset ?? -1): \(firstEdgeDiff?.element.0 ?? 0) vs \(firstEdgeDiff?.element.1 ?? 0)")
        let (low, high) = try c.range()
        #expect(low == Float(json["low"] as? Double ?? .nan))
        #expect(high == Float(json["high"] as? Double ?? .nan))
    }

    @Test func minMaxByHand() throws {
        // Batches [−1, 2] and [0.5, −3]: extremes −3 and 2; symmetric: ±max(3, 2) = ±3.
        var a = try RangeCalibrator(method: .minMax, symmetric: false)
        try a.add([-1, 2]); try a.add([0.5, -3])
        #expect(try a.range() == (-3, 2))
        var s = try RangeCalibrator(method: .minMax, symmetric: true)
        try s.add([-1, 2]); try s.add([0.5, -3])
        #expect(try s.range() == (-3, 3))
    }

    @Test func percentileByHand() throws {
        // ±1…±100: 200 magnitudes in 2 bins of |x| over [1, 100]: step 99/2 = 49.5, edges 1, 50.5,
        // 100; counts 100 (1…50 twice), 100. cdf [0.5, 1.0]; 99 % is first reached at index 1 →
        // threshold edge[1] = 50.5, inside the data's [−100, 100] so not clamped.
        var c = try RangeCalibrator(method: .percentile(99), symmetric: true, bins: 2)
        try c.add((1...100).flatMap { [Float($0), -Float($0)] })
        let h = try #require(c.histogram)
        #expect(h.edges == [1, 50.5, 100])
        #expect(h.counts == [100, 100])
        #expect(try c.range() == (-50.5, 50.5))
    }

    /// MSE picks a threshold whose real int8 error (measured by quantizing the data with
    /// ``AffineQuantizer``) is within 5 % of the best of 128 thresholds tried by brute force, and no
    /// worse than MinMax's.
    @Test func mseNearBruteForceOptimum() throws {
        var rng = SeededRNG(seed: 5)
        var x = (0..<20_000).map { _ in (rng.float() + rng.float() + rng.float()) * 0.5 }
        x[100] = 60     // one outlier: MinMax wastes almost all of the grid on it
        var c = try RangeCalibrator(method: .mse, symmetric: true)
        try c.add(x)
        let (_, t) = try c.range()
        func realError(_ t: Float) -> Double {
            let p = AffineParameters.covering(min: -t, max: t, format: .int8Symmetric, symmetric: true)
            let codes = AffineQuantizer.encode(x, p, .int8Symmetric)
            var e = 0.0
            for (i, v) in x.enumerated() {
                let d = Double(p.scale) * Double(Int8(bitPattern: codes[i])) - Double(v)
                e += d * d
            }
            return e
        }
        let best = (1...128).map { realError(60 * Float($0) / 128) }.min()!
        #expect(realError(t) <= best * 1.05, "MSE threshold \(t): error \(realError(t)) vs best \(best)")
        #expect(realError(t) <= realError(60))
    }

    @Test func rejectsBadSettingsAndEmptySets() throws {
        #expect(throws: OptimizeError.self) { try RangeCalibrator(method: .percentile(0), symmetric: true) }
        #expect(throws: OptimizeError.self) { try RangeCalibrator(method: .percentile(100.5), symmetric: true) }
        #expect(throws: OptimizeError.self) { try RangeCalibrator(method: .entropy(quantizedBins: 1), symmetric: true) }
        #expect(throws: OptimizeError.self) { try RangeCalibrator(method: .entropy(quantizedBins: 256), symmetric: true, bins: 128) }
        #expect(throws: OptimizeError.self) { try RangeCalibrator(method: .mse, symmetric: true, bins: 1) }
        for m: RangeCalibrator.Method in [.minMax, .percentile(99.9), .entropy(quantizedBins: 128), .mse] {
            var c = try RangeCalibrator(method: m, symmetric: true)
            #expect(throws: OptimizeError.self) { try c.range() }       // nothing added
            try c.add([])
            #expect(throws: OptimizeError.self) { try c.range() }       // only an empty batch
            #expect(throws: OptimizeError.self) { try c.add([1, .nan]) }
        }
    }
}
