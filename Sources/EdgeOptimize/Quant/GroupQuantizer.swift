/// Weight-only group-wise quantization to 2…8 bits (int4 g32/g64/g128 for LLM projections).
///
/// Groups are `groupSize` consecutive elements of a row of a `[rows, columns]` weight — along the
/// input dimension of a `[out, in]` projection, the dimension a matrix-vector product reduces over.
/// The conventions are those of onnxruntime's `MatMulNBits` blockwise quantizer, the int4 format ONNX
/// runtimes execute: symmetric groups take the element of largest magnitude `m` and scale
/// `m / −2^(bits−1)` with the zero point fixed at `2^(bits−1)`; asymmetric groups widen `[min, max]` to
/// include 0, scale `(max − min) / (2^bits − 1)`, zero point `round(−min / scale)`. Codes are
/// `clamp(round(x / scale … ) + zp)` rounding half away from zero (C's `roundf`).
public struct GroupQuantizedTensor: Sendable {
    public let bits: Int
    public let groupSize: Int
    public let symmetric: Bool
    public let rows: Int
    public let columns: Int
    /// Unsigned codes `0 … 2^bits − 1`, one per element, row-major.
    public let codes: [UInt8]
    /// One scale per group: `rows × groupsPerRow`, row-major.
    public let scales: [Float]
    /// One zero point per group (the midpoint for symmetric groups).
    public let zeroPoints: [UInt8]

    public var groupsPerRow: Int { (columns + groupSize - 1) / groupSize }

    /// `scale × (q − zp)` for every element, row-major.
    public func dequantized() -> [Float] {
        var out = [Float](repeating: 0, count: rows * columns)
        let gpr = groupsPerRow
        for r in 0..<rows {
            for c in 0..<columns {
                let g = r * gpr + c / groupSize
                out[r * columns + c] = scales[g] * Float(Int32(codes[r * columns + c]) - Int32(zeroPoints[g]))
            }
        }
        return out
    }

    /// Codes packed two per byte, low nibble first, each row padded to whole groups — the bytes of
    /// an ONNX `uint4` tensor of shape `[rows, groupsPerRow · groupSize]` (4-bit only).
    public func packedNibbles() -> [UInt8] {
        precondition(bits == 4, "packing is defined for 4-bit codes")
        let padded = groupsPerRow * groupSize
        var out = [UInt8](repeating: 0, count: rows * padded / 2)
        for r in 0..<rows {
            for c in 0..<padded {
                let zp = zeroPoints[r * groupsPerRow + c / groupSize]
                let q = c < columns ? codes[r * columns + c] : zp   // padding decodes to 0
                let byte = (r * padded + c) / 2
                out[byte] |= c % 2 == 0 ? (q & 0x0F) : (q << 4)
            }
        }
        return out
    }
}

public enum GroupQuantizer {
    /// Group sizes offered to users; any power of two from 16 up works in the kernel.
    public static let supportedGroupSizes = [32, 64, 128]

    /// Quantizes a row-major `[rows, columns]` weight in groups of `groupSize` along each row.
    ///
    /// - Throws: ``OptimizeError`` for bit widths outside 2…8, a group size that is not a power of
    ///   two ≥ 16, a shape that does not match, or non-finite values.
    public static func quantize(_ values: [Float], rows: Int, columns: Int, bits: Int = 4, groupSize: Int,
                                symmetric: Bool, name: String = "weights") throws -> GroupQuantizedTensor {
        guard (2...8).contains(bits) else {
            throw OptimizeError.invalidSetting(name: "bits", value: String(bits), expected: "2…8 for group-wise weights")
        }
        guard groupSize >= 16, groupSize & (groupSize - 1) == 0 else {
            throw OptimizeError.invalidSetting(name: "group_size", value: String(groupSize), expected: "a power of two ≥ 16 (32, 64 or 128)")
        }
        guard rows >= 0, columns > 0, rows.multipliedReportingOverflow(by: columns) == (values.count, false) else {
            throw OptimizeError.badTensor(name: name, reason: "\(values.count) values do not form a [\(rows), \(columns)] matrix")
        }
        if values.contains(where: { !$0.isFinite }) {
            throw OptimizeError.badTensor(name: name, reason: "contains NaN or infinite values")
        }
        let qmax = Float((1 << bits) - 1)
        let mid = Float(1 << (bits - 1))
        let gpr = (columns + groupSize - 1) / groupSize
        var codes = [UInt8](repeating: 0, count: values.count)
        var scales = [Float](repeating: 0, count: rows * gpr)
        var zps = [UInt8](repeating: 0, count: rows * gpr)
        for r in 0..<rows {
            for g in 0..<gpr {
                let start = r * columns + g * groupSize
                let end = r * columns + min(columns, (g + 1) * groupSize)
                var scale: Float
                var zp: Float
                if symmetric {
                    var m: Float = 0
                    for i in start..<end where abs(values[i]) > abs(m) { m = values[i] }
                    scale = m / -mid
                    zp = mid
                } else {
                    var lo: Float = 0, hi: Float = 0
                    for i in start..<end {
                        lo = min(lo, values[i])
                        hi = max(hi, values[i])
                    }
                    scale = (hi - lo) / qmax
                    zp = scale != 0 ? (0 - lo / scale) : lo
                    zp = zp < 0 ? 0 : (zp > qmax ? qmax : zp.rounded(.toNearestOrAwayFromZero))
                }
                let reciprocal: Float = scale != 0 ? 1 / scale : 0
                for i in start..<end {
                    let v = (values[i] * reciprocal).rounded(.toNearestOrAwayFromZero) + zp
                    codes[i] = UInt8(min(max(v, 0), qmax))
                }
                scales[r * gpr + g] = scale
                zps[r * gpr + g] = UInt8(zp)
            }
        }
        return GroupQuantizedTensor(bits: bits, groupSize: groupSize, symmetric: symmetric, rows: rows, columns: columns,
                                    codes: codes, scales: scales, zeroPoints: zps)
    }
}
