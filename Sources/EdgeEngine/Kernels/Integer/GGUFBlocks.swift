import EdgeIR

/// Reference dequantization of the GGUF block formats the engine computes with: the specification
/// the fused C dot products (`ck_gguf_*`) are checked against, itself checked against the `gguf`
/// Python package's dequantizer at test time.
///
/// Block layouts are facts of the format (ggml's `ggml-common.h`), little-endian:
/// - `q8_0`, 32 values in 34 bytes: fp16 `d`, 32 × int8 `q`; value = d·q.
/// - `q4_0`, 32 values in 18 bytes: fp16 `d`, 16 bytes of nibbles; byte j holds value j (low
///   nibble) and value j + 16 (high nibble); value = d·(q − 8).
/// - `q4_1`, 32 values in 20 bytes: fp16 `d`, fp16 `m`, 16 bytes as q4_0; value = d·q + m.
/// - `q4_K`, 256 values in 144 bytes: fp16 `d`, fp16 `dmin`, 12 bytes packing eight 6-bit scales and
///   eight 6-bit mins, 128 bytes of nibbles; each 64 values use two (scale, min) pairs — low nibbles
///   of 32 bytes with the first, high nibbles with the second; value = d·sc·q − dmin·m.
/// - `q6_K`, 256 values in 210 bytes: 128 bytes of low 4 bits, 64 bytes of high 2 bits, 16 int8
///   scales, fp16 `d`; value = d·scale·(q − 32), one scale per 16 values.
public enum GGUFBlocks {
    /// The block formats with a reference here (and a fused dot product in CEdgeKernels).
    public static let supported: Set<DType> = [.q8_0, .q4_0, .q4_1, .q4_K, .q6_K]

    /// Dequantizes `count` values (a whole number of blocks) stored at `src` into `dst`.
    /// - Precondition: `type` is in ``supported``, `count` is a multiple of its block size and `src`
    ///   holds `type.byteCount(elements: count)` bytes (callers check these on hostile input).
    public static func dequantize(_ type: DType, _ src: UnsafeRawPointer, count: Int, into dst: UnsafeMutablePointer<Float>) {
        let bs = type.blockSize, bb = type.bytesPerBlock
        for b in 0..<(count / bs) {
            let p = src + b * bb
            let y = dst + b * bs
            switch type {
            case .q8_0: q8_0(p, y)
            case .q4_0: q4_0(p, y)
            case .q4_1: q4_1(p, y)
            case .q4_K: q4_K(p, y)
            case .q6_K: q6_K(p, y)
            default: preconditionFailure("no GGUF reference for \(type)")
            }
        }
    }

    /// Dequantized values of one row, as an array (tests, small rows).
    public static func dequantize(_ type: DType, bytes: UnsafeRawBufferPointer, count: Int) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        if let base = bytes.baseAddress { out.withUnsafeMutableBufferPointer { dequantize(type, base, count: count, into: $0.baseAddress!) } }
        return out
    }

    @inline(__always) static func half(_ p: UnsafeRawPointer, _ o: Int) -> Float {
        Float(halfBits: p.loadUnaligned(fromByteOffset: o, as: UInt16.self))
    }

    @inline(__always) static func byte(_ p: UnsafeRawPointer, _ o: Int) -> UInt8 { p.load(fromByteOffset: o, as: UInt8.self) }

    static func q8_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        for j in 0..<32 { y[j] = d * Float(p.load(fromByteOffset: 2 + j, as: Int8.self)) }
    }

    static func q4_0(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0)
        for j in 0..<16 {
            let q = byte(p, 2 + j)
            y[j] = d * Float(Int(q & 0x0F) - 8)
            y[j + 16] = d * Float(Int(q >> 4) - 8)
        }
    }

    static func q4_1(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0), m = half(p, 2)
        for j in 0..<16 {
            let q = byte(p, 4 + j)
            y[j] = d * Float(q & 0x0F) + m
            y[j + 16] = d * Float(q >> 4) + m
        }
    }

    /// Scale and min `j` (0…7) of a q4_K block's 12 packed bytes: entries 0–3 are the low 6 bits of
    /// bytes j and j + 4; entries 4–7 take 4 bits from byte j + 4 and their top 2 bits from the top
    /// of bytes j − 4 (scale) and j (min).
    @inline(__always) static func scaleMin(_ j: Int, _ s: UnsafeRawPointer) -> (Float, Float) {
        if j < 4 { return (Float(byte(s, j) & 63), Float(byte(s, j + 4) & 63)) }
        let sc = (byte(s, j + 4) & 0x0F) | ((byte(s, j - 4) >> 6) << 4)
        let m = (byte(s, j + 4) >> 4) | ((byte(s, j) >> 6) << 4)
        return (Float(sc), Float(m))
    }

    static func q4_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 0), dmin = half(p, 2)
        let scales = p + 4, qs = p + 16
        for chunk in 0..<4 {
            let (s1, m1) = scaleMin(2 * chunk, scales), (s2, m2) = scaleMin(2 * chunk + 1, scales)
            let q = qs + 32 * chunk, out = y + 64 * chunk
            for l in 0..<32 {
                let b = byte(q, l)
                out[l] = d * s1 * Float(b & 0x0F) - dmin * m1
                out[l + 32] = d * s2 * Float(b >> 4) - dmin * m2
            }
        }
    }

    static func q6_K(_ p: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = half(p, 208)
        for half128 in 0..<2 {
            let ql = p + 64 * half128, qh = p + 128 + 32 * half128
            let sc = p + 192 + 8 * half128
            let out = y + 128 * half128
            func scale(_ i: Int) -> Float { Float(sc.load(fromByteOffset: i, as: Int8.self)) }
            for l in 0..<32 {
                let h = byte(qh, l), lo = byte(ql, l), lo2 = byte(ql, l + 32)
                let q1 = Int(lo & 0x0F) | Int((h >> 0) & 3) << 4
                let q2 = Int(lo2 & 0x0F) | Int((h >> 2) & 3) << 4
                let q3 = Int(lo >> 4) | Int((h >> 4) & 3) << 4
                let q4 = Int(lo2 >> 4) | Int((h >> 6) & 3) << 4
                let s = l / 16
                out[l] = d * scale(s) * Float(q1 - 32)
                out[l + 32] = d * scale(s + 2) * Float(q2 - 32)
                out[l + 64] = d * scale(s + 4) * Float(q3 - 32)
                out[l + 96] = d * scale(s + 6) * Float(q4 - 32)
            }
        }
    }
}
