import EdgeIR

/// A stored number format for a 2-D weight `[rows, columns]` (rows = output features), and the
/// round trip through it.
///
/// One entry point for every weight-only technique so that sensitivity analysis, mixed precision and
/// the weight-only pipeline step measure all formats the same way: stored bytes (codes plus scales and
/// zero points, as exported) and the values a runtime would compute with.
public enum WeightFormat: Sendable, Hashable, CustomStringConvertible {
    case float32
    case float16
    case bfloat16
    /// Affine int8, one scale (and zero point) per output row, or one for the whole tensor.
    case int8(perChannel: Bool, symmetric: Bool)
    /// Group-wise integers along each row (int4 g32/g64/g128 for LLM projections).
    case grouped(bits: Int, groupSize: Int, symmetric: Bool)
    /// A GGUF block format (Q8_0, Q4_0, Q4_1, Q4_K, Q6_K); rows must be whole blocks.
    case gguf(DTypeName)

    /// The GGUF block types by name, so this enum does not pull EdgeIR's `DType` into callers' switches.
    public typealias DTypeName = String

    public var description: String {
        switch self {
        case .float32: return "fp32"
        case .float16: return "fp16"
        case .bfloat16: return "bf16"
        case .int8(let pc, let s): return "int8 \(pc ? "per-channel" : "per-tensor")\(s ? "" : " asym")"
        case .grouped(let b, let g, let s): return "int\(b) g\(g)\(s ? "" : " asym")"
        case .gguf(let t): return t
        }
    }
}

/// The result of storing a weight in a ``WeightFormat`` and reading it back.
public struct WeightRoundTrip: Sendable {
    public let format: WeightFormat
    /// Bytes as stored: codes plus every scale and zero point.
    public let storedBytes: Int
    public let dequantized: [Float]
}

extension WeightFormat {
    /// Stores `values` (`[rows, columns]`, row-major) in this format and decodes it again.
    ///
    /// - Throws: ``OptimizeError`` for settings the format cannot hold (bits, group size), a shape that
    ///   does not match, rows that are not whole GGUF blocks, or non-finite values.
    public func roundTrip(_ values: [Float], rows: Int, columns: Int, name: String = "weights") throws -> WeightRoundTrip {
        guard rows >= 0, columns >= 0, rows.multipliedReportingOverflow(by: columns) == (values.count, false) else {
            throw OptimizeError.badTensor(name: name, reason: "\(values.count) values do not form a [\(rows), \(columns)] matrix")
        }
        switch self {
        case .float32:
            return WeightRoundTrip(format: self, storedBytes: 4 * values.count, dequantized: values)
        case .float16:
            return WeightRoundTrip(format: self, storedBytes: 2 * values.count,
                                   dequantized: values.map { HalfPrecision.roundToFloat16($0) })
        case .bfloat16:
            return WeightRoundTrip(format: self, storedBytes: 2 * values.count,
                                   dequantized: values.map { Float(bfloat16Bits: HalfPrecision.bfloat16Bits($0)) })
        case .int8(let perChannel, let symmetric):
            let format: IntegerFormat = symmetric ? .int8Symmetric : .uint8
            let q = try AffineQuantizer.quantize(values, shape: [rows, columns], axis: perChannel ? 0 : nil,
                                                 format: format, symmetric: symmetric, name: name)
            // One float scale per parameter pair, plus a one-byte zero point when asymmetric.
            let paramBytes = q.parameters.count * (symmetric ? 4 : 5)
            return WeightRoundTrip(format: self, storedBytes: values.count + paramBytes, dequantized: q.dequantized())
        case .grouped(let bits, let groupSize, let symmetric):
            let q = try GroupQuantizer.quantize(values, rows: rows, columns: columns, bits: bits, groupSize: groupSize,
                                                symmetric: symmetric, name: name)
            // Codes packed `bits` per element over whole groups; a float scale per group and, when
            // asymmetric, a `bits`-wide zero point per group (MatMulNBits' layout).
            let padded = rows * q.groupsPerRow * groupSize
            let groups = rows * q.groupsPerRow
            let codeBytes = (padded * bits + 7) / 8
            let zpBytes = symmetric ? 0 : (groups * bits + 7) / 8
            return WeightRoundTrip(format: self, storedBytes: codeBytes + 4 * groups + zpBytes, dequantized: q.dequantized())
        case .gguf(let t):
            guard let type = DType(rawValue: t), GGUFBlocks.quantizable.contains(type) else {
                throw OptimizeError.invalidSetting(name: "format", value: t,
                                                   expected: GGUFBlocks.quantizable.map(\.rawValue).joined(separator: ", "))
            }
            guard columns % type.blockSize == 0 else {
                throw OptimizeError.badTensor(name: name, reason: "rows of \(columns) values are not whole \(type.blockSize)-value \(t) blocks")
            }
            let bytes = try GGUFBlocks.quantize(values, as: type, name: name)
            return WeightRoundTrip(format: self, storedBytes: bytes.count,
                                   dequantized: try GGUFBlocks.dequantize(bytes, as: type, count: values.count, name: name))
        }
    }
}
