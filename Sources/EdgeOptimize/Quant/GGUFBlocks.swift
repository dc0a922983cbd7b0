import EdgeIR

/// Quantizing float rows into ggml block formats, and decoding them back.
///
/// Layouts are facts of ggml's `ggml-common.h` (a `q4_0` block is an fp16 scale and 16 bytes of
/// nibbles for 32 weights …). The quantizers reproduce the arithmetic of the references bit for bit:
/// Q8_0, Q4_0 and Q4_1 that of the `gguf` Python package (`gguf.quants`), Q4_K and Q6_K that of
/// ggml's reference quantizers (`quantize_row_q4_K_ref`, `quantize_row_q6_K_ref`, which the Python
/// package does not implement). Every float operation is kept in the reference's order, because a
/// reordered sum changes a rounding and with it a byte.
public enum GGUFBlocks {
    /// The block formats this module can write.
    public static let quantizable: [DType] = [.q8_0, .q4_0, .q4_1, .q4_K, .q6_K]
    /// The formats it can read (the ones it writes, plus the float types GGUF stores).
    public static let dequantizable: [DType] = [.q8_0, .q4_0, .q4_1, .q4_K, .q6_K, .float32, .float16, .bfloat16]

    /// Quantizes `values` (whole rows, row length a multiple of the block size) into `type`'s blocks.
    ///
    /// - Throws: ``OptimizeError`` when `type` is not a format this module writes, the count is not a
    ///   whole number of blocks, or a value is not finite.
    public static func quantize(_ values: [Float], as type: DType, name: String = "weights") throws -> [UInt8] {
        guard quantizable.contains(type) else {
            throw OptimizeError.invalidSetting(name: "format", value: type.rawValue,
                                               expected: quantizable.map(\.rawValue).joined(separator: ", "))
        }
        let qk = type.blockSize
        guard values.count % qk == 0 else {
            throw OptimizeError.badTensor(name: name, reason: "\(values.count) values are not a whole number of \(qk)-value \(type.rawValue) blocks")
        }
        if values.contains(where: { !$0.isFinite }) {
            throw OptimizeError.badTensor(name: name, reason: "contains NaN or infinite values")
        }
        let blocks = values.count / qk
        var out = [UInt8](repeating: 0, count: blocks * type.bytesPerBlock)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBufferPointer { dst in
                for b in 0..<blocks {
                    let x = UnsafeBufferPointer(rebasing: src[(b * qk)..<((b + 1) * qk)])
                    let y = UnsafeMutableBufferPointer(rebasing: dst[(b * type.bytesPerBlock)..<((b + 1) * type.bytesPerBlock)])
                    switch type {
                    case .q8_0: quantizeQ8_0(x, y)
                    case .q4_0: quantizeQ4_0(x, y)
                    case .q4_1: quantizeQ4_1(x, y)
                    case .q4_K: quantizeQ4_K(x, y)
                    default: quantizeQ6_K(x, y)
                    }
                }
            }
        }
        return out
    }

    /// Decodes `count` values of `type` from `bytes`.
    ///
    /// - Throws: ``OptimizeError`` when `type` is not readable here or `bytes` is not exactly the
    ///   size `count` values of `type` occupy.
    public static func dequantize(_ bytes: UnsafeRawBufferPointer, as type: DType, count: Int, name: String = "weights") throws -> [Float] {
        guard dequantizable.contains(type) else {
            throw OptimizeError.invalidSetting(name: "format", value: type.rawValue,
                                               expected: dequantizable.map(\.rawValue).joined(separator: ", "))
        }
        guard let size = type.byteCount(elements: count), size == bytes.count else {
            throw OptimizeError.badTensor(name: name, reason: "\(bytes.count) bytes are not \(count) values of \(type.rawValue)")
        }
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { y in
            switch type {
            case .float32:
                for i in 0..<count { y[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self))) }
            case .float16:
                for i in 0..<count { y[i] = Float(halfBits: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            case .bfloat16:
                for i in 0..<count { y[i] = Float(bfloat16Bits: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))) }
            default:
                let qk = type.blockSize, bpb = type.bytesPerBlock
                for b in 0..<(count / qk) {
                    let x = UnsafeRawBufferPointer(rebasing: bytes[(b * bpb)..<((b + 1) * bpb)])
                    let o = UnsafeMutableBufferPointer(rebasing: y[(b * qk)..<((b + 1) * qk)])
                    switch type {
                    case .q8_0: dequantizeQ8_0(x, o)
                    case .q4_0: dequantizeQ4_0(x, o)
                    case .q4_1: dequantizeQ4_1(x, o)
                    case .q4_K: dequantizeQ4_K(x, o)
                    default: dequantizeQ6_K(x, o)
                    }
                }
            }
        }
        return out
    }

    /// Convenience over an array of bytes.
    public static func dequantize(_ bytes: [UInt8], as type: DType, count: Int, name: String = "weights") throws -> [Float] {
        try bytes.withUnsafeBytes { try dequantize($0, as: type, count: count, name: name) }
    }

    // MARK: helpers shared by the formats

    @inline(__always)
    static func storeHalf(_ v: Float, _ y: UnsafeMutableBufferPointer<UInt8>, at o: Int) {
        let h = HalfPrecision.float16Bits(v)
        y[o] = UInt8(truncatingIfNeeded: h)
        y[o + 1] = UInt8(truncatingIfNeeded: h >> 8)
    }

    @inline(__always)
    static func loadHalf(_ x: UnsafeRawBufferPointer, at o: Int) -> Float {
        Float(halfBits: UInt16(x[o]) | UInt16(x[o + 1]) << 8)
    }

    /// ggml's `nearest_int`: round half to even via the 1.5 · 2²³ trick, on the bit pattern, so
    /// out-of-range inputs give ggml's result rather than a trap.
    @inline(__always)
    static func nearestInt(_ f: Float) -> Int32 {
        let v = f + 12_582_912
        return (Int32(bitPattern: v.bitPattern) & 0x007F_FFFF) - 0x0040_0000
    }

    /// numpy-style `round` half away from zero (gguf's `np_roundf`).
    @inline(__always)
    static func roundHalfAway(_ n: Float) -> Float {
        let a = abs(n)
        let floored = a.rounded(.down)
        let b = floored + (2 * (a - floored)).rounded(.down)
        return n < 0 ? -b : (n > 0 ? b : 0)
    }
}
