/// The 32-weight formats Q8_0, Q4_0 and Q4_1, following `gguf.quants` operation for operation.
///
/// Layouts (ggml-common.h): Q8_0 = fp16 d + 32 int8; Q4_0 = fp16 d + 16 bytes, element j in the low
/// nibble of byte j and element j + 16 in its high nibble, stored as q + 8; Q4_1 = fp16 d, fp16 m +
/// 16 bytes of unsigned nibbles in the same order.
extension GGUFBlocks {
    /// d = absmax / 127; q = round-half-away(x · (1/d)). The unrounded d makes the codes; its fp16
    /// rounding is what is stored.
    static func quantizeQ8_0(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<UInt8>) {
        var amax: Float = 0
        for v in x { amax = max(amax, abs(v)) }
        let d = amax / 127
        let id: Float = d == 0 ? 0 : 1 / d
        storeHalf(d, y, at: 0)
        for j in 0..<32 {
            y[2 + j] = UInt8(bitPattern: Int8(roundHalfAway(x[j] * id)))
        }
    }

    static func dequantizeQ8_0(_ x: UnsafeRawBufferPointer, _ y: UnsafeMutableBufferPointer<Float>) {
        let d = loadHalf(x, at: 0)
        for j in 0..<32 { y[j] = Float(Int8(bitPattern: x[2 + j])) * d }
    }

    /// d = (element of largest magnitude, first one on ties) / −8; q = trunc(x · (1/d) + 8.5)
    /// clipped to 0…15.
    static func quantizeQ4_0(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<UInt8>) {
        var amax: Float = 0, m: Float = 0
        for v in x where abs(v) > amax {
            amax = abs(v)
            m = v
        }
        let d = m / -8
        let id: Float = d == 0 ? 0 : 1 / d
        storeHalf(d, y, at: 0)
        for j in 0..<16 {
            let lo = clampNibble((x[j] * id + 8.5).rounded(.towardZero))
            let hi = clampNibble((x[j + 16] * id + 8.5).rounded(.towardZero))
            y[2 + j] = lo | hi << 4
        }
    }

    static func dequantizeQ4_0(_ x: UnsafeRawBufferPointer, _ y: UnsafeMutableBufferPointer<Float>) {
        let d = loadHalf(x, at: 0)
        for j in 0..<16 {
            y[j] = d * Float(Int32(x[2 + j] & 0x0F) - 8)
            y[j + 16] = d * Float(Int32(x[2 + j] >> 4) - 8)
        }
    }

    /// d = (max − min) / 15, m = min; q = trunc((x − min) · (1/d) + 0.5) clipped to 0…15.
    static func quantizeQ4_1(_ x: UnsafeBufferPointer<Float>, _ y: UnsafeMutableBufferPointer<UInt8>) {
        var lo = x[0], hi = x[0]
        for v in x {
            lo = min(lo, v)
            hi = max(hi, v)
        }
        let d = (hi - lo) / 15
        let id: Float = d == 0 ? 0 : 1 / d
        storeHalf(d, y, at: 0)
        storeHalf(lo, y, at: 2)
        for j in 0..<16 {
            let a = clampNibble(((x[j] - lo) * id + 0.5).rounded(.towardZero))
            let b = clampNibble(((x[j + 16] - lo) * id + 0.5).rounded(.towardZero))
            y[4 + j] = a | b << 4
        }
    }

    static func dequantizeQ4_1(_ x: UnsafeRawBufferPointer, _ y: UnsafeMutableBufferPointer<Float>) {
        let d = loadHalf(x, at: 0), m = loadHalf(x, at: 2)
        for j in 0..<16 {
            y[j] = d * Float(x[4 + j] & 0x0F) + m
            y[j + 16] = d * Float(x[4 + j] >> 4) + m
        }
    }

    /// numpy's `astype(uint8)` of a truncated non-negative float, then `clip(0, 15)`.
    @inline(__always)
    static func clampNibble(_ t: Float) -> UInt8 {
        t <= 0 ? 0 : (t >= 15 ? 15 : UInt8(t))
    }
}
