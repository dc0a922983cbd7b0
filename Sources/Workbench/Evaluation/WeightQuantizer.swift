import EdgeOptimize

/// Quantization error of a weight tensor: round-trips the values through a number format and sums the signal
/// and noise energy, from which the signal-to-quantization-noise ratio follows.
///
/// This is the measurement behind the Tune screen's SQNR and sensitivity columns until the compression pipeline's
/// own quantizer and the engine's accuracy runs land (see docs/DECISIONS.md): it applies the pipeline step's
/// granularity (per-tensor, per-channel along axis 0, or groups of `groupSize` consecutive values within a
/// channel), symmetry and range method to the weights themselves.
public struct WeightQuantizer: Sendable {
    public var precision: LayerPrecision
    public var granularity: QuantizeSettings.Granularity
    public var groupSize: Int
    public var symmetric: Bool
    public var calibration: QuantizeSettings.Calibration
    public var percentile: Double

    public init(precision: LayerPrecision, granularity: QuantizeSettings.Granularity = .perChannel, groupSize: Int = 128,
                symmetric: Bool = true, calibration: QuantizeSettings.Calibration = .minmax, percentile: Double = 99.99) {
        self.precision = precision
        self.granularity = granularity
        self.groupSize = max(1, groupSize)
        self.symmetric = symmetric
        self.calibration = calibration
        self.percentile = percentile
    }

    /// Signal energy Σw² and noise energy Σ(w − q(w))².
    public struct Energy: Sendable, Equatable {
        public var signal: Double
        public var noise: Double

        public init(signal: Double = 0, noise: Double = 0) {
            self.signal = signal
            self.noise = noise
        }

        public static func + (a: Energy, b: Energy) -> Energy { Energy(signal: a.signal + b.signal, noise: a.noise + b.noise) }

        /// 10·log10(signal / noise) in dB; +∞ without noise.
        public var sqnr: Double {
            guard noise > 0 else { return .infinity }
            guard signal > 0 else { return -.infinity }
            return 10 * log10(signal / noise)
        }
    }

    /// The error of quantizing `values`, laid out as `channels` equal rows (axis 0 of the weight).
    public func energy(_ values: [Float], channels: Int) -> Energy { apply(values, channels: channels, into: nil) }

    /// `values` quantized and dequantized back to float (what the layer computes with at this precision), and the
    /// error. The values are exactly those ``energy(_:channels:)`` measures its noise against.
    public func dequantize(_ values: [Float], channels: Int) -> (values: [Float], energy: Energy) {
        var out = values
        let e = out.withUnsafeMutableBufferPointer { apply(values, channels: channels, into: $0.baseAddress) }
        return (out, e)
    }

    func apply(_ values: [Float], channels: Int, into out: UnsafeMutablePointer<Float>?) -> Energy {
        guard !values.isEmpty else { return Energy() }
        switch precision {
        case .fp32, .skip:
            return Energy(signal: values.reduce(0) { $0 + Double($1) * Double($1) }, noise: 0)
        case .fp16:
            var e = Energy()
            for (i, v) in values.enumerated() {
                let d = Double(v)
                let h = WeightQuantizer.roundToHalf(v)
                let r = Double(h)
                e.signal += d * d
                e.noise += (d - r) * (d - r)
                out?[i] = h
            }
            return e
        case .int8, .int4:
            let bits = precision == .int8 ? 8 : 4
            let rows = max(1, min(channels, values.count))
            let rowLength = values.count / rows
            var total = Energy()
            // int4 is always group-wise (as StrategyEstimate stores it); int8 follows the step's granularity.
            let grouping: QuantizeSettings.Granularity = precision == .int4 ? .group : granularity
            values.withUnsafeBufferPointer { all in
                switch grouping {
                case .perTensor:
                    total = quantizeSlice(all[...], bits: bits, into: out)
                case .perChannel:
                    for r in 0..<rows {
                        let end = r == rows - 1 ? all.count : (r + 1) * rowLength
                        total = total + quantizeSlice(all[(r * rowLength)..<end], bits: bits, into: out)
                    }
                case .group:
                    for r in 0..<rows {
                        let start = r * rowLength, end = r == rows - 1 ? all.count : (r + 1) * rowLength
                        var g = start
                        while g < end {
                            let ge = min(end, g + groupSize)
                            total = total + quantizeSlice(all[g..<ge], bits: bits, into: out)
                            g = ge
                        }
                    }
                }
            }
            return total
        }
    }

    /// Quantizes one slice with its own scale (and zero point when asymmetric) and returns its error.
    func quantizeSlice(_ s: Slice<UnsafeBufferPointer<Float>>, bits: Int, into out: UnsafeMutablePointer<Float>? = nil) -> Energy {
        var lo = Float.infinity, hi = -Float.infinity
        for v in s { lo = min(lo, v); hi = max(hi, v) }
        guard lo.isFinite, hi.isFinite else { return Energy() }
        if symmetric {
            let qmax = Double((1 << (bits - 1)) - 1)  // 127, 7: the symmetric range ONNX and TFLite use
            let clip = range(s, maxAbs: Double(max(abs(lo), abs(hi))), qmax: qmax)
            return error(s, scale: clip / qmax, zeroPoint: 0, qmin: -qmax, qmax: qmax, into: out)
        }
        let levels = Double((1 << bits) - 1)  // 255, 15
        let l = Double(min(lo, 0)), h = Double(max(hi, 0))
        let scale = (h - l) / levels
        let zp = scale > 0 ? (-l / scale).rounded() : 0
        return error(s, scale: scale, zeroPoint: zp, qmin: 0, qmax: levels, into: out)
    }

    /// The clipping threshold the range method picks for a symmetric format.
    func range(_ s: Slice<UnsafeBufferPointer<Float>>, maxAbs: Double, qmax: Double) -> Double {
        guard maxAbs > 0 else { return 0 }
        switch calibration {
        case .minmax:
            return maxAbs
        case .percentile:
            var mags = s.map { abs($0) }
            mags.sort()
            let p = min(100, max(0, percentile)) / 100
            let k = min(mags.count - 1, Int((p * Double(mags.count - 1)).rounded()))
            return Double(mags[k]) > 0 ? Double(mags[k]) : maxAbs
        case .mse, .entropy:
            // MSE: the clip among 20 candidates (5 % … 100 % of the maximum) with the least squared error.
            // Entropy calibration (KL divergence of histograms) is defined for activations; for weights the
            // evaluation uses the same squared-error search (noted in the result).
            var best = maxAbs, bestNoise = Double.infinity
            for k in 1...20 {
                let clip = maxAbs * Double(k) / 20
                let n = error(s, scale: clip / qmax, zeroPoint: 0, qmin: -qmax, qmax: qmax).noise
                if n < bestNoise { (best, bestNoise) = (clip, n) }
            }
            return best
        }
    }

    func error(_ s: Slice<UnsafeBufferPointer<Float>>, scale: Double, zeroPoint: Double, qmin: Double, qmax: Double,
               into out: UnsafeMutablePointer<Float>? = nil) -> Energy {
        var e = Energy()
        for (i, v) in zip(s.indices, s) {
            let d = Double(v)
            e.signal += d * d
            let r: Double
            if scale > 0 {
                let q = min(qmax, max(qmin, (d / scale).rounded(.toNearestOrEven) + zeroPoint))
                r = (q - zeroPoint) * scale
            } else {
                r = 0
            }
            e.noise += (d - r) * (d - r)
            out?[i] = Float(r)
        }
        return e
    }
}

extension WeightQuantizer {
    /// `v` rounded to the nearest IEEE 754 binary16 value (ties to even), as a Float; overflow gives ±∞.
    ///
    /// Written out because Swift's `Float16` is missing on some x86 toolchains. Normal halves keep 10 fraction
    /// bits, so the quantum is 2^(e − 10); below 2⁻¹⁴ halves are subnormal with a fixed quantum of 2⁻²⁴. Scaling
    /// by powers of two is exact, so one rounding happens.
    public static func roundToHalf(_ v: Float) -> Float {
        guard v.isFinite else { return v }
        let a = abs(v)
        if a >= 65520 { return v < 0 ? -.infinity : .infinity }  // halfway between 65504 (max half) and 65536
        let quantum: Float = a < 0x1p-14 ? 0x1p-24 : Float(sign: .plus, exponent: a.exponent - 10, significand: 1)
        let r = (a / quantum).rounded(.toNearestOrEven) * quantum
        return v < 0 ? -r : r
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
