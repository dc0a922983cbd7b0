import Foundation

import EdgeIR

/// The arithmetic datapath a layer runs on: the key of a unit's peak-throughput table.
public enum ComputePrecision: String, Sendable, CaseIterable, Codable, Comparable {
    case int4, int8, fp16, fp32

    /// Narrowest first, so a unit without an `int4` datapath can fall back to the next wider one.
    public static func < (a: ComputePrecision, b: ComputePrecision) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How a model is deployed numerically: bits per stored weight, bytes per activation, and the datapath.
///
/// Weight-only formats (`w8a16`, `int4` weights with fp16 activations, GGUF blocks) store small
/// weights but compute in a wider type; that is why weight bits and the compute datapath are separate.
/// A requested precision replaces the float32 weights of catalog graphs (which carry no data); a graph
/// imported with quantized weights keeps its stored types (``Precision/native``).
public struct Precision: Sendable, Hashable, CustomStringConvertible {
    /// Canonical name (`int8`, `fp16`, `w8a16`, `q4_K_M`, …).
    public let name: String
    /// Storage bits per weight, including block or group scales.
    public let weightBits: Double
    /// Bytes per activation element.
    public let activationBytes: Double
    /// Datapath the layers run on.
    public let compute: ComputePrecision
    /// True when weights keep the graph's stored types instead of `weightBits`.
    public let isNative: Bool

    public init(name: String, weightBits: Double, activationBytes: Double, compute: ComputePrecision, isNative: Bool = false) {
        self.name = name
        self.weightBits = weightBits
        self.activationBytes = activationBytes
        self.compute = compute
        self.isNative = isNative
    }

    public var description: String { name }

    public static let fp32 = Precision(name: "fp32", weightBits: 32, activationBytes: 4, compute: .fp32)
    public static let fp16 = Precision(name: "fp16", weightBits: 16, activationBytes: 2, compute: .fp16)
    public static let int8 = Precision(name: "int8", weightBits: 8, activationBytes: 1, compute: .int8)
    /// 8-bit weights, 16-bit activations (Core ML "weight-only int8", Qualcomm w8a16).
    public static let w8a16 = Precision(name: "w8a16", weightBits: 8, activationBytes: 2, compute: .fp16)
    /// 4-bit weights with one fp16 scale per 128 weights (AWQ/GPTQ/MLC `q4f16`): 4 + 16/128 bits.
    public static let w4a16 = Precision(name: "w4a16", weightBits: 4.125, activationBytes: 2, compute: .fp16)
    /// 4-bit weights and 8-bit activations on units with an int4 datapath (Ampere tensor cores).
    public static let int4 = Precision(name: "int4", weightBits: 4.125, activationBytes: 1, compute: .int4)

    /// Keep the graph's stored weight types; activations at the given width.
    public static func native(activationBytes: Double, compute: ComputePrecision) -> Precision {
        Precision(name: "native", weightBits: 0, activationBytes: activationBytes, compute: compute, isNative: true)
    }

    /// A GGUF file type: weights in ggml blocks, compute in fp16 (int8 dot products on CPUs).
    public static func gguf(_ name: String, bitsPerWeight: Double) -> Precision {
        Precision(name: name, weightBits: bitsPerWeight, activationBytes: 2, compute: .fp16)
    }

    /// Average bits per weight of llama.cpp's file types. Plain block types are exact (`q4_0`: 18 bytes
    /// per 32 weights = 4.5). `Q4_K_M` uses q6_K (6.5625 bpw) for half of the `attn_v` and `ffn_down`
    /// tensors and for the output tensor, q4_K (4.5 bpw) elsewhere (llama.cpp quantize rule); on
    /// Llama-3-8B's tensor sizes that is (1.53 G × 6.5625 + 6.50 G × 4.5) / 8.03 G = 4.89 bpw. The other
    /// mixed types are the same kind of estimate.
    static let ggufBits: [String: Double] = [
        "Q4_0": 4.5, "Q4_1": 5.0, "Q5_0": 5.5, "Q5_1": 6.0, "Q8_0": 8.5,
        "Q2_K": 2.625, "Q3_K_M": 3.91, "Q4_K_S": 4.58, "Q4_K_M": 4.89, "Q5_K_M": 5.69, "Q6_K": 6.5625,
        "F16": 16, "BF16": 16, "F32": 32,
    ]

    /// Every name ``parse(_:)`` accepts, for error messages.
    public static var knownNames: [String] {
        ["fp32", "fp16", "bf16", "int8", "w8a8", "w8a16", "int4", "w4a16", "native"] + ggufBits.keys.sorted()
    }

    /// Parses a precision name, case-insensitively for the plain names; GGUF names keep their case rules
    /// loosely (`q4_k_m` is accepted).
    public static func parse(_ text: String) -> Precision? {
        // Trimming through Foundation is slow and the simulator parses a runtime's precision per
        // device, so trim only when there is whitespace to trim.
        let t = text.first?.isWhitespace == true || text.last?.isWhitespace == true ? text.trimmingCharacters(in: .whitespaces) : text
        switch t.lowercased() {
        case "fp32", "float32", "f32": return .fp32
        case "fp16", "float16", "half": return .fp16
        case "bf16", "bfloat16": return Precision(name: "bf16", weightBits: 16, activationBytes: 2, compute: .fp16)
        case "int8", "w8a8", "i8": return .int8
        case "w8a16": return .w8a16
        case "int4": return .int4
        case "w4a16", "q4f16": return .w4a16
        case "native": return .native(activationBytes: 4, compute: .fp32)
        default: break
        }
        for (k, bits) in ggufBits where k.lowercased() == t.lowercased() {
            if k == "F16" || k == "BF16" { return Precision(name: k, weightBits: 16, activationBytes: 2, compute: .fp16) }
            if k == "F32" { return Precision(name: k, weightBits: 32, activationBytes: 4, compute: .fp32) }
            return .gguf(k, bitsPerWeight: bits)
        }
        return nil
    }

    /// The precision a graph's stored weights imply when none is requested: int8 weights → int8,
    /// float16 → fp16, ggml blocks → their own bits with fp16 compute, float32 → fp32.
    public static func implied(byWeightBytes bytes: [DType: Int]) -> Precision {
        guard let (dtype, _) = bytes.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key.rawValue > $1.key.rawValue) }) else {
            return .fp32
        }
        switch dtype {
        case .int8, .uint8: return .native(activationBytes: 1, compute: .int8)
        case .float16, .bfloat16: return .native(activationBytes: 2, compute: .fp16)
        case .int4, .uint4: return .native(activationBytes: 2, compute: .fp16)
        case .float32, .float64: return .fp32
        default:
            return dtype.isBlockFormat ? .native(activationBytes: 2, compute: .fp16) : .fp32
        }
    }
}
