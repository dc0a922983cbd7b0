import EdgeIR

/// A tensor quantized affinely per tensor or per slice along one axis (per channel).
///
/// Codes are one byte per element (two's complement when the format is signed), in the tensor's
/// own element order, so the bytes are exactly an ONNX/TFLite `int8`/`uint8` initializer.
public struct AffineQuantizedTensor: Sendable {
    public let format: IntegerFormat
    public let shape: [Int]
    /// The axis along which parameters vary; nil for one pair for the whole tensor.
    public let axis: Int?
    /// One pair per slice along `axis` (or one pair).
    public let parameters: [AffineParameters]
    public let codes: [UInt8]

    /// The code of element `i` as an integer.
    @inline(__always)
    public func code(_ i: Int) -> Int32 {
        format.signed ? Int32(Int8(bitPattern: codes[i])) : Int32(codes[i])
    }

    /// The IR description of these parameters.
    public var quantization: Quantization {
        if let axis {
            return .perAxis(axis: axis, scales: parameters.map(\.scale), zeroPoints: parameters.map(\.zeroPoint))
        }
        return .perTensor(scale: parameters[0].scale, zeroPoint: parameters[0].zeroPoint)
    }

    /// `scale × (q − zeroPoint)` for every element.
    public func dequantized() -> [Float] {
        let (outer, channels, inner) = AffineQuantizer.layout(shape: shape, axis: axis)
        var out = [Float](repeating: 0, count: codes.count)
        var i = 0
        for _ in 0..<outer {
            for c in 0..<channels {
                let p = parameters[axis == nil ? 0 : c]
                for _ in 0..<inner {
                    out[i] = p.scale * Float(code(i) - p.zeroPoint)
                    i += 1
                }
            }
        }
        return out
    }
}

/// Calibration-free weight quantization: the range of each tensor or channel is its own min…max.
///
/// The kernel divides by the scale and rounds half to even — onnxruntime's `quantize_nparray`
/// arithmetic — so codes agree with its QDQ weights bit for bit. It is written as two tight passes over
/// raw pointers (range, then codes) because this runs over every weight of a model: the benchmark in
/// `Benchmarks/quant` holds it above 1 GB/s of float input per core.
public enum AffineQuantizer {
    /// Quantizes `values` (row-major, `shape`) with one parameter pair per tensor (`axis` nil) or per
    /// slice along `axis`.
    ///
    /// - Throws: ``OptimizeError`` if the element count does not match the shape, the axis is out of
    ///   range, or a value is NaN or infinite (no finite grid covers it).
    public static func quantize(_ values: UnsafeBufferPointer<Float>, shape: [Int], axis: Int?,
                                format: IntegerFormat, symmetric: Bool, name: String = "weights") throws -> AffineQuantizedTensor {
        guard let count = checkedCount(shape), count == values.count else {
            throw OptimizeError.badTensor(name: name, reason: "shape \(shape) does not hold \(values.count) values")
        }
        var normalizedAxis: Int? = nil
        if let axis {
            let a = axis < 0 ? axis + shape.count : axis
            guard a >= 0, a < shape.count else {
                throw OptimizeError.invalidSetting(name: "axis", value: String(axis), expected: "an axis of the rank-\(shape.count) tensor \(name)")
            }
            normalizedAxis = a
        }
        let (outer, channels, inner) = layout(shape: shape, axis: normalizedAxis)
        guard let base = values.baseAddress, count > 0 else {
            return AffineQuantizedTensor(format: format, shape: shape, axis: normalizedAxis,
                                         parameters: Array(repeating: AffineParameters(scale: 1, zeroPoint: 0), count: max(channels, 1)),
                                         codes: [])
        }
        if outer == 1 && channels > 1 {
            return try quantizeRuns(base, shape: shape, axis: normalizedAxis, channels: channels, inner: inner,
                                    format: format, symmetric: symmetric, name: name)
        }
        // Pass 1: per-channel range (and a NaN check folded into the same loop).
        var lo = [Float](repeating: .infinity, count: channels)
        var hi = [Float](repeating: -.infinity, count: channels)
        var sawNaN = false
        for o in 0..<outer {
            for c in 0..<channels {
                let run = base + (o * channels + c) * inner
                let (mn, mx, nan) = range(run, inner)
                lo[c] = min(lo[c], mn)
                hi[c] = max(hi[c], mx)
                sawNaN = sawNaN || nan
            }
        }
        if sawNaN || lo.contains(where: { !$0.isFinite }) || hi.contains(where: { !$0.isFinite }) {
            throw nonFinite(name)
        }
        let params = (0..<channels).map { AffineParameters.covering(min: lo[$0], max: hi[$0], format: format, symmetric: symmetric) }
        // Pass 2: codes.
        // Every byte is written below, so the array is not zero-filled first (a 100 M-weight tensor
        // would spend a tenth of its time in that memset).
        let codes = [UInt8](unsafeUninitializedCapacity: count) { out, initialized in
            adviseHugePages(out)
            for o in 0..<outer {
                for c in 0..<channels {
                    let offset = (o * channels + c) * inner
                    encode(base + offset, out.baseAddress! + offset, inner, params[c], format)
                }
            }
            initialized = count
        }
        return AffineQuantizedTensor(format: format, shape: shape, axis: normalizedAxis, parameters: params, codes: codes)
    }

    /// Convenience over an array.
    public static func quantize(_ values: [Float], shape: [Int], axis: Int?, format: IntegerFormat,
                                symmetric: Bool, name: String = "weights") throws -> AffineQuantizedTensor {
        try values.withUnsafeBufferPointer { try quantize($0, shape: shape, axis: axis, format: format, symmetric: symmetric, name: name) }
    }

    /// Quantizes `values` with given parameters (activations, whose range came from calibration):
    /// values outside the range saturate.
    public static func encode(_ values: [Float], _ p: AffineParameters, _ format: IntegerFormat) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count)
        values.withUnsafeBufferPointer { v in
            out.withUnsafeMutableBufferPointer { o in
                if let vb = v.baseAddress, let ob = o.baseAddress { encode(vb, ob, v.count, p, format) }
            }
        }
        return out
    }

    /// (outer, channels, inner) of a row-major tensor around `axis`; per-tensor is (1, 1, count).
    static func layout(shape: [Int], axis: Int?) -> (Int, Int, Int) {
        let count = shape.reduce(1, *)
        guard let axis else { return (1, 1, count) }
        let outer = shape[..<axis].reduce(1, *)
        let inner = shape[(axis + 1)...].reduce(1, *)
        return (outer, shape[axis], inner)
    }

    static func checkedCount(_ shape: [Int]) -> Int? {
        var n = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, o) = n.multipliedReportingOverflow(by: d)
            if o { return nil }
            n = p
        }
        return n
    }

    /// Min, max and "any NaN or infinity" of `n` floats, eight lanes at a time.
    ///
    /// Non-finite values are caught without a compare per element: `x · 0` is 0 for every finite x
    /// and NaN for NaN and ±∞, so one running sum of `x · 0` ends NaN exactly when one was present.
    @inline(__always)
    static func range(_ p: UnsafePointer<Float>, _ n: Int) -> (Float, Float, Bool) {
        var mn = SIMD8<Float>(repeating: .infinity)
        var mx = SIMD8<Float>(repeating: -.infinity)
        var poison = SIMD8<Float>(repeating: 0)
        var i = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= n {
            let v = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
            // `replace(with:where:)` lowers to compare + blend; `pointwiseMin` is an out-of-line call.
            mn.replace(with: v, where: v .< mn)
            mx.replace(with: v, where: v .> mx)
            poison += v * 0
            i += 8
        }
        var lo = mn.min(), hi = mx.max()
        var bad = poison.sum()
        while i < n {
            let a = p[i]
            lo = a < lo ? a : lo
            hi = a > hi ? a : hi
            bad += a * 0
            i += 1
        }
        return (lo, hi, bad != 0 || bad != bad)
    }

    /// `clamp(roundHalfEven(x / scale) + zp, qmin, qmax)` for `n` values.
    ///
    /// Clamping `x / scale` to `[qmin − zp, qmax − zp]` before rounding gives the same codes as
    /// clipping after (the bounds are integers) and keeps the value small enough for the
    /// 1.5 · 2²³ rounding trick, which is round-half-even in plain adds: `t + 1.5·2²³` has the rounded
    /// integer in its low mantissa bits, and that pattern's low byte plus the zero point is the code
    /// (the constant's own low byte is 0), so no float→int conversion is needed. Division, not a
    /// multiply by the reciprocal, because that is onnxruntime's arithmetic and a reciprocal moves ties.
    @inline(__always)
    static func encode(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<UInt8>, _ n: Int,
                       _ p: AffineParameters, _ format: IntegerFormat) {
        let scale = p.scale
        let lo = Float(format.qmin - p.zeroPoint), hi = Float(format.qmax - p.zeroPoint)
        let zp = UInt32(bitPattern: p.zeroPoint)
        let magic: Float = 12_582_912
        let vScale = SIMD8<Float>(repeating: scale), vLo = SIMD8<Float>(repeating: lo), vHi = SIMD8<Float>(repeating: hi)
        let vMagic = SIMD8<Float>(repeating: magic), vZp = SIMD8<UInt32>(repeating: zp)
        let raw = UnsafeRawPointer(x)
        var i = 0
        while i + 8 <= n {
            var t = raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self) / vScale
            t.replace(with: vLo, where: t .< vLo)   // a NaN activation gets some code, never a trap
            t.replace(with: vHi, where: t .> vHi)
            let bits = unsafeBitCast(t + vMagic, to: SIMD8<UInt32>.self) &+ vZp
            // One 8-byte store of the narrowed lanes (a vector truncate), not eight lane extractions.
            UnsafeMutableRawPointer(out + i).storeBytes(of: SIMD8<UInt8>(truncatingIfNeeded: bits), as: SIMD8<UInt8>.self)
            i += 8
        }
        while i < n {
            var t = x[i] / scale
            t = t > lo ? t : lo   // NaN lands on lo
            t = t < hi ? t : hi
            out[i] = UInt8(truncatingIfNeeded: (t + magic).bitPattern &+ zp)
            i += 1
        }
    }
}
