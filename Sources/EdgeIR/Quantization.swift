/// How a tensor's stored integers map back to real numbers.
///
/// Affine quantization follows the ONNX/TFLite convention `real = scale × (q − zeroPoint)`. Block
/// formats carry their scales inside the data, so for them the element type (``DType/q4_0`` …) is the
/// whole story and this value is `.block`.
public enum Quantization: Hashable, Sendable, Codable {
    /// One scale and zero point for the whole tensor.
    case perTensor(scale: Float, zeroPoint: Int32)
    /// One scale and zero point per slice along `axis` (per-channel).
    case perAxis(axis: Int, scales: [Float], zeroPoints: [Int32])
    /// Group-wise weight-only quantization: one scale (and optional zero point) per `groupSize`
    /// consecutive elements along the last axis, as int4 LLM weights use.
    case groupwise(groupSize: Int, symmetric: Bool)
    /// A ggml block format; the scales live inside the blocks.
    case block

    /// Bytes of scales and zero points stored beside the quantized values of a tensor with
    /// `elements` values (block formats carry theirs inside the blocks: 0).
    ///
    /// Per-tensor and per-axis: a float32 scale and an int32 zero point per slice (the ONNX/TFLite
    /// storage). Group-wise: an fp16 scale per group, plus a 4-bit zero point when asymmetric.
    public func overheadBytes(elements: Int) -> Int {
        switch self {
        case .perTensor: return 8
        case .perAxis(_, let s, let z): return 4 * s.count + 4 * z.count
        case .groupwise(let g, let sym):
            let groups = g > 0 ? (elements + g - 1) / g : 0
            return groups * 2 + (sym ? 0 : (groups + 1) / 2)
        case .block: return 0
        }
    }

    public var summary: String {
        switch self {
        case .perTensor(let s, let z): return "per-tensor s=\(s) zp=\(z)"
        case .perAxis(let a, let s, _): return "per-axis(\(a)) ×\(s.count)"
        case .groupwise(let g, let sym): return "group \(g) \(sym ? "sym" : "asym")"
        case .block: return "block"
        }
    }
}
