/// float32 → float16 / bfloat16 conversion with round-to-nearest-even.
///
/// Written on the bit patterns rather than through Swift's `Float16` (absent from some x86 toolchains)
/// so the result is the same everywhere, and identical to what numpy's `astype(np.float16)`, F16C's
/// `vcvtps2ph` and ggml's `GGML_FP32_TO_FP16` produce: every GGUF block scale goes through here, so a
/// single ulp of difference would break byte-identity with the reference quantizers.
public enum HalfPrecision {
    /// IEEE 754 binary16 bits of `value`, rounded to nearest, ties to even.
    ///
    /// Values at or above 65520 become ±infinity, values below 2⁻²⁵ become ±0, values in between the
    /// subnormal range are rounded to a subnormal; NaN stays NaN (quiet, top payload bits kept).
    @inline(__always)
    public static func float16Bits(_ value: Float) -> UInt16 {
        let x = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: (x >> 16) & 0x8000)
        let exponent = Int((x >> 23) & 0xFF)
        let mantissa = x & 0x7F_FFFF
        if exponent == 0xFF {
            if mantissa == 0 { return sign | 0x7C00 }
            return sign | 0x7E00 | UInt16(truncatingIfNeeded: mantissa >> 13)
        }
        let e = exponent - 127 + 15
        if e >= 31 { return sign | 0x7C00 }
        if e >= 1 {
            // Normal: keep 10 mantissa bits, round on the 13 dropped ones. A carry out of the
            // mantissa correctly bumps the exponent (and reaches infinity at the top).
            var half = UInt32(e) << 10 | (mantissa >> 13)
            let rest = mantissa & 0x1FFF
            if rest > 0x1000 || (rest == 0x1000 && half & 1 == 1) { half += 1 }
            return sign | UInt16(truncatingIfNeeded: half)
        }
        // Subnormal or zero: value = M · 2^(exponent−150) with M the 24-bit significand; in units of
        // the smallest subnormal (2⁻²⁴) that is M >> (14 − e).
        if exponent == 0 { return sign }   // float32 subnormals are far below half's range
        let shift = 14 - e
        if shift > 24 { return sign }
        let m = mantissa | 0x80_0000
        var half = m >> UInt32(shift)
        let rest = m & ((1 << UInt32(shift)) - 1)
        let halfway = UInt32(1) << UInt32(shift - 1)
        if rest > halfway || (rest == halfway && half & 1 == 1) { half += 1 }
        return sign | UInt16(truncatingIfNeeded: half)
    }

    /// The float16 value nearest to `value`, as a Float (the round trip a stored fp16 scale takes).
    @inline(__always)
    public static func roundToFloat16(_ value: Float) -> Float {
        Float(halfBits: float16Bits(value))
    }

    /// bfloat16 bits of `value`: the top 16 bits of float32, rounded to nearest even.
    ///
    /// NaN becomes a quiet NaN with its sign and top payload bits, as ggml's `ggml_compute_fp32_to_bf16`
    /// does (plain rounding could carry a NaN's payload into infinity).
    @inline(__always)
    public static func bfloat16Bits(_ value: Float) -> UInt16 {
        let x = value.bitPattern
        if x & 0x7FFF_FFFF > 0x7F80_0000 {
            return UInt16(truncatingIfNeeded: x >> 16) | 64
        }
        let rounded = (UInt64(x) + 0x7FFF + UInt64((x >> 16) & 1)) >> 16
        return UInt16(truncatingIfNeeded: rounded)
    }

    /// float16 bits of every value, as little-endian bytes (the layout of a float16 tensor).
    public static func float16Bytes(_ values: [Float]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * 2)
        out.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() {
                raw.storeBytes(of: float16Bits(v).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
            }
        }
        return out
    }

    /// bfloat16 bits of every value, as little-endian bytes.
    public static func bfloat16Bytes(_ values: [Float]) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * 2)
        out.withUnsafeMutableBytes { raw in
            for (i, v) in values.enumerated() {
                raw.storeBytes(of: bfloat16Bits(v).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
            }
        }
        return out
    }
}
