import EdgeIR

/// The values of a weight tensor: the model's own when it has them, seeded synthetic ones when it is an
/// architecture only (catalog models carry no weights).
///
/// Synthetic weights are He-normal, N(0, 2 / fan_in) with fan_in = elements / output channels — the
/// initialisation convolutional and dense layers are trained from (He et al., "Delving Deep into Rectifiers",
/// ICCV 2015). Each tensor's stream is seeded from its name (FNV-1a), so every run and every machine sees the
/// same values. Results computed on them are labelled as such: they measure the format, not a trained model.
public enum WeightSource {
    /// Whether `tensor` has real values this evaluation can read.
    public static func hasValues(_ tensor: Tensor) -> Bool {
        guard tensor.storage.isPresent, let n = tensor.shape.elementCount else { return false }
        switch tensor.dtype {
        case .float32: return tensor.storage.byteCount >= n * 4
        case .float16, .bfloat16: return tensor.storage.byteCount >= n * 2
        default: return false
        }
    }

    /// The tensor's values as Float (the stored ones, or synthetic ones when there are none).
    /// - Returns: nil when the shape is not fully known or larger than `limit` elements.
    public static func values(of tensor: Tensor, limit: Int = 1 << 28) -> (values: [Float], synthetic: Bool)? {
        guard let n = tensor.shape.elementCount, n > 0, n <= limit else { return nil }
        if hasValues(tensor) {
            let v = tensor.storage.withBytes { raw -> [Float] in
                switch tensor.dtype {
                case .float32: return (0..<n).map { raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self) }
                case .float16: return (0..<n).map { Float(halfBits: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
                default: return (0..<n).map { Float(bfloat16Bits: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self)) }
                }
            }
            return (v, false)
        }
        let channels = max(1, tensor.shape.dims.first?.value ?? 1)
        let fanIn = max(1, n / channels)
        return (synthetic(count: n, fanIn: fanIn, seed: fnv1a(tensor.name)), true)
    }

    /// `count` He-normal values for `fanIn`, from a SplitMix64 stream and the Box–Muller transform.
    public static func synthetic(count: Int, fanIn: Int, seed: UInt64) -> [Float] {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        func uniform() -> Double { (Double(next() >> 11) + 0.5) * 0x1p-53 }  // in (0, 1)
        let std = (2.0 / Double(fanIn)).squareRoot()
        var out = [Float](repeating: 0, count: count)
        var i = 0
        while i < count {
            let r = (-2 * log(uniform())).squareRoot(), t = 2 * Double.pi * uniform()
            out[i] = Float(r * cos(t) * std)
            if i + 1 < count { out[i + 1] = Float(r * sin(t) * std) }
            i += 2
        }
        return out
    }

    /// 64-bit FNV-1a of the UTF-8 bytes.
    public static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x0000_0100_0000_01B3
        }
        return h
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
