/// One operation in a graph.
///
/// Values are referred to by name, as in ONNX: a node consumes named values (graph inputs,
/// constants, or other nodes' outputs) and produces named values. An empty input name marks an
/// omitted optional input (ONNX's convention, e.g. Clip without `min`).
public struct Node: Sendable {
    public var name: String
    public var op: OpType
    /// Operator domain (`""` is the default ONNX domain; `com.microsoft`, TFLite custom ops …).
    public var domain: String
    public var inputs: [String]
    public var outputs: [String]
    public var attributes: [String: Attribute]

    public init(name: String, op: OpType, domain: String = "", inputs: [String], outputs: [String],
                attributes: [String: Attribute] = [:]) {
        self.name = name
        self.op = op
        self.domain = domain
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }

    /// The input at `i`, or nil if absent or omitted.
    public func input(_ i: Int) -> String? {
        guard i < inputs.count, !inputs[i].isEmpty else { return nil }
        return inputs[i]
    }
}

/// An operator name. An open set: importers bring operators the IR does not know, and those still
/// import, validate and report (they just have no shape rule or cost).
///
/// Names follow ONNX where ONNX has the op (`Conv`, `Gemm`, `HardSwish` …); TFLite builtins are
/// mapped onto them by the importer. Ops ONNX lacks use descriptive names (`RMSNorm`, `RoPE`,
/// `Attention`, `Embedding`).
public struct OpType: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible,
    ExpressibleByStringLiteral, Comparable
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ name: String) { self.rawValue = name }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (a: OpType, b: OpType) -> Bool { a.rawValue < b.rawValue }
}

extension OpType {
    public static let conv: OpType = "Conv"
    public static let convTranspose: OpType = "ConvTranspose"
    public static let gemm: OpType = "Gemm"
    public static let matMul: OpType = "MatMul"
    public static let fullyConnected: OpType = "FullyConnected"
    public static let maxPool: OpType = "MaxPool"
    public static let averagePool: OpType = "AveragePool"
    public static let globalAveragePool: OpType = "GlobalAveragePool"
    public static let globalMaxPool: OpType = "GlobalMaxPool"
    public static let add: OpType = "Add"
    public static let sub: OpType = "Sub"
    public static let mul: OpType = "Mul"
    public static let div: OpType = "Div"
    public static let relu: OpType = "Relu"
    public static let clip: OpType = "Clip"
    public static let sigmoid: OpType = "Sigmoid"
    public static let tanh: OpType = "Tanh"
    public static let hardSwish: OpType = "HardSwish"
    public static let hardSigmoid: OpType = "HardSigmoid"
    public static let silu: OpType = "SiLU"
    public static let gelu: OpType = "Gelu"
    public static let prelu: OpType = "PRelu"
    public static let leakyRelu: OpType = "LeakyRelu"
    public static let batchNorm: OpType = "BatchNormalization"
    public static let layerNorm: OpType = "LayerNormalization"
    public static let rmsNorm: OpType = "RMSNorm"
    public static let softmax: OpType = "Softmax"
    public static let concat: OpType = "Concat"
    public static let split: OpType = "Split"
    public static let slice: OpType = "Slice"
    public static let gather: OpType = "Gather"
    public static let embedding: OpType = "Embedding"
    public static let reshape: OpType = "Reshape"
    public static let flatten: OpType = "Flatten"
    public static let transpose: OpType = "Transpose"
    public static let squeeze: OpType = "Squeeze"
    public static let unsqueeze: OpType = "Unsqueeze"
    public static let resize: OpType = "Resize"
    public static let pad: OpType = "Pad"
    public static let attention: OpType = "Attention"
    public static let rope: OpType = "RoPE"
    public static let identity: OpType = "Identity"
    public static let constant: OpType = "Constant"
}
