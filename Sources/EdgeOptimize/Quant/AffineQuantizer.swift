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
            throw OptimizeError.badTensor(name: name, reason: "contains NaN or infinite values; no integer grid covers them")
        }
        let params = (0..<channels).map { AffineParameters.covering(min: lo[$0], max: hi[$0], format: format, symmetric: symmetric) }
        // Pass 2: codes.
        var codes = [UInt8](repeating: 0, count: count)
        codes.withUnsafeMutableBufferPointer { out in
            for o in 0..<outer {
                for c in 0..<channels {
                    let offset = (o * channels + c) * inner
                    encode(base + offset, out.baseAddress! + offset, inner, params[c], format)
                }
            }
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

    /// Min, max and "any NaN" of `n` floats, with eight independent accumulators so the compare chains
    /// overlap.
    @inline(__always)
    static func range(_ p: UnsafePointer<Float>, _ n: Int) -> (Float, Float, Bool) {
        var mn = (Float.infinity, Float.infinity, Float.infinity, Float.infinity)
        var mx = (-Float.infinity, -Float.infinity, -Float.infinity, -Float.infinity)
        var nan = false
        var i = 0
        while i + 4 <= n {
            let a = p[i], b = p[i + 1], c = p[i + 2], d = p[i + 3]
            mn.0 = a < mn.0 ? a : mn.0; mx.0 = a > mx.0 ? a : mx.0
            mn.1 = b < mn.1 ? b : mn.1; mx.1 = b > mx.1 ? b : mx.1
            mn.2 = c < mn.2 ? c : mn.2; mx.2 = c > mx.2 ? c : mx.2
            mn.3 = d < mn.3 ? d : mn.3; mx.3 = d > mx.3 ? d : mx.3
            nan = nan || (a != a) || (b != b) || (c != c) || (d != d)
            i += 4
        }
        while i < n {
            let a = p[i]
            mn.0 = a < mn.0 ? a : mn.0; mx.0 = a > mx.0 ? a : mx.0
            nan = nan || (a != a)
            i += 1
        }
        return (min(min(mn.0, mn.1), min(mn.2, mn.3)), max(max(mx.0, mx.1), max(mx.2, mx.3)), nan)
    }

    /// `clamp(roundHalfEven(x / scale) + zp, qmin, qmax)` for `n` values.
    ///
    /// Clamping `x / scale` to `[qmin − zp, qmax − zp]` before rounding gives the same codes as
    /// clipping after (the bounds are integers) and keeps the value small enough for the
    /// 1.5 · 2²³ rounding trick, which is round-half-even in plain adds.
    @inline(__always)
    static func encode(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<UInt8>, _ n: Int,
                       _ p: AffineParameters, _ format: IntegerFormat) {
        let scale = p.scale
        let lo = Float(format.qmin - p.zeroPoint), hi = Float(format.qmax - p.zeroPoint)
        let zp = p.zeroPoint
        let magic: Float = 12_582_912
        for i in 0..<n {
            var t = x[i] / scale
            t = t > lo ? t : lo   // NaN lands on lo, never reaching the Int32 conversion
            t = t < hi ? t : hi
            let r = (t + magic) - magic
            out[i] = UInt8(truncatingIfNeeded: Int32(r) &+ zp)
        }
    }
}
