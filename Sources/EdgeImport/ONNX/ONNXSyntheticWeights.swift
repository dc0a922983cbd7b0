import EdgeIR

/// Deterministic stand-in values for weights a model does not carry (catalog architectures), so an
/// exported file runs in onnxruntime and gives the same numbers on every machine.
///
/// The recipe (Scripts/reference/onnx_export_check.py reimplements it to check the files):
/// - each tensor has its own stream: SplitMix64 seeded with `seed XOR FNV-1a-64(UTF-8 name)`;
///   every element takes the next 64-bit output `z`;
/// - floating point: `u = (z >> 11) / 2⁵³` in [0, 1); a name containing `var` (batch-norm running
///   variance) gets `0.5 + u`, which keeps `sqrt(var + ε)` well away from 0; a tensor of rank ≥ 2 gets
///   `(2u − 1) / √fan_in` with `fan_in` the product of all dimensions but the first (the usual
///   initialisation scale, so activations neither vanish nor explode); anything else `(2u − 1) · 0.1`.
///   The value is rounded to the tensor's type (float16 to nearest even, bfloat16 by truncation);
///   float8 tensors are zero;
/// - integers: `int8` `z mod 255 − 127`, `uint8` `z mod 256`, `int4` `z mod 15 − 7`, `uint4`
///   `z mod 16`, wider signed integers `z mod 201 − 100`, wider unsigned ones `z mod 201`, `bool`
///   `z mod 2`; 4-bit values are packed two per byte, low nibble first.
public enum ONNXSyntheticWeights {
    public static let defaultSeed: UInt64 = 0x5EED_0000_0000_0001

    /// The tensor's bytes, little-endian, `type.byteCount` long; nil for a symbolic shape, strings or
    /// block formats.
    public static func bytes(for t: Tensor, seed: UInt64 = defaultSeed) -> [UInt8]? {
        guard let dims = t.shape.values, let n = t.shape.elementCount, let count = t.type.byteCount,
              t.dtype != .string, !t.dtype.isBlockFormat else { return nil }
        var state = seed ^ fnv1a(t.name)
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var out = [UInt8](repeating: 0, count: count)
        let fanIn = dims.dropFirst().reduce(1) { $0 &* max($1, 1) }
        let isVariance = t.name.lowercased().contains("var")
        func float(_ z: UInt64) -> Double {
            let u = Double(z >> 11) / 9_007_199_254_740_992  // 2^53
            if isVariance { return 0.5 + u }
            if dims.count >= 2 { return (2 * u - 1) / Double(fanIn).squareRoot() }
            return (2 * u - 1) * 0.1
        }
        func put<T: FixedWidthInteger>(_ v: T, at i: Int) {
            withUnsafeBytes(of: v.littleEndian) { for (k, b) in $0.enumerated() { out[i * MemoryLayout<T>.size + k] = b } }
        }
        if t.dtype == .float32 {  // the common case, written straight into the buffer
            out.withUnsafeMutableBytes { raw in
                for i in 0..<n { raw.storeBytes(of: Float(float(next())).bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self) }
            }
            return out
        }
        for i in 0..<n {
            let z = next()
            switch t.dtype {
            case .float32: put(Float(float(z)).bitPattern, at: i)
            case .float64: put(float(z).bitPattern, at: i)
            case .float16: put(halfBits(Float(float(z))), at: i)
            case .bfloat16: put(UInt16(truncatingIfNeeded: Float(float(z)).bitPattern >> 16), at: i)
            case .float8e4m3fn, .float8e5m2: break
            case .int8: out[i] = UInt8(bitPattern: Int8(Int(z % 255) - 127))
            case .uint8: out[i] = UInt8(z % 256)
            case .bool: out[i] = UInt8(z % 2)
            case .int4, .uint4:
                let v = t.dtype == .int4 ? UInt8(bitPattern: Int8(Int(z % 15) - 7)) & 0x0F : UInt8(z % 16)
                out[i / 2] |= i % 2 == 0 ? v : v << 4
            case .int16: put(Int16(Int(z % 201) - 100), at: i)
            case .uint16: put(UInt16(z % 201), at: i)
            case .int32: put(Int32(Int(z % 201) - 100), at: i)
            case .uint32: put(UInt32(z % 201), at: i)
            case .int64: put(Int64(Int(z % 201) - 100), at: i)
            case .uint64: put(UInt64(z % 201), at: i)
            default: return nil
            }
        }
        return out
    }

    /// FNV-1a, 64-bit, over UTF-8 (a stable hash: Swift's `Hasher` is seeded per process).
    static func fnv1a(_ s: String) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h = h &* 0x100_0000_01B3
        }
        return h
    }

    /// IEEE 754 binary16 bits of `f`, rounded to nearest even (overflow to infinity).
    static func halfBits(_ f: Float) -> UInt16 {
        let bits = f.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        let exp = Int((bits >> 23) & 0xFF)
        var mant = bits & 0x7F_FFFF
        if exp == 0xFF { return sign | 0x7C00 | (mant != 0 ? 0x200 : 0) }
        let e = exp - 127 + 15
        if e >= 31 { return sign | 0x7C00 }
        if e <= 0 {
            guard e >= -10 else { return sign }
            mant |= 0x80_0000
            let shift = UInt32(14 - e)
            let half = mant >> shift
            let rest = mant & ((1 << shift) - 1)
            let midpoint: UInt32 = 1 << (shift - 1)
            let rounded = rest > midpoint || (rest == midpoint && half & 1 == 1) ? half + 1 : half
            return sign | UInt16(rounded)
        }
        var h = UInt32(e) << 10 | mant >> 13
        let rest = mant & 0x1FFF
        if rest > 0x1000 || (rest == 0x1000 && h & 1 == 1) { h += 1 }  // may carry into the exponent: still correct
        return sign | UInt16(truncatingIfNeeded: h)
    }
}
