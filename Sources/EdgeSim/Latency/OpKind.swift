import EdgeIR

/// What kind of work a layer is, for the efficiency a unit reaches on it.
///
/// Accelerators reach very different fractions of their peak on a dense convolution, a depthwise one
/// (one filter per channel: little reuse per weight) and a matrix product of two activations
/// (attention scores, no weights to keep on chip). The fitted efficiency factors are keyed by this kind.
public enum OpKind: String, Sendable, CaseIterable, Codable {
    /// Convolution with more than one input channel per group (incl. 1×1 and grouped convolutions).
    case conv
    /// Depthwise convolution: one input channel per group.
    case depthwise
    /// Matrix product against weights (Gemm, FullyConnected, MatMul with a constant operand).
    case matmul
    /// Matrix product of two activations (QKᵀ, attention·V, fused Attention).
    case attention
    /// Pointwise and reduction arithmetic: activations, adds, pooling, normalisation, softmax, resize.
    case elementwise
    /// Pure data movement: concat, transpose, slice, gather, pad.
    case movement
    /// Detection post-processing (box decoding, score filtering, non-maximum suppression): branchy
    /// scalar code that runtimes leave to the CPU.
    case postprocess
    /// Free: views that alias their input (reshape, flatten, squeeze) and constants.
    case view

    /// Position of the kind in `allCases`, without building the array.
    var ordinal: Int {
        switch self {
        case .conv: return 0
        case .depthwise: return 1
        case .matmul: return 2
        case .attention: return 3
        case .elementwise: return 4
        case .movement: return 5
        case .postprocess: return 6
        case .view: return 7
        }
    }

    static let count = 8

    /// Kinds that carry the arithmetic of a network (the ones efficiency factors are fitted for).
    public static let compute: [OpKind] = [.conv, .depthwise, .matmul, .attention]

    static let viewOps: Set<OpType> = [.reshape, .flatten, .squeeze, .unsqueeze, .identity, .constant,
                                       "Shape", "Size", "Dropout", "Cast", "KVCacheUpdate"]
    static let postprocessOps: Set<OpType> = [DetectionPostProcess.op, "NonMaxSuppression", "TopK"]
    static let movementOps: Set<OpType> = [.concat, .split, .slice, .gather, .transpose, .pad, "Expand", "Tile",
                                           "GatherElements", "ScatterND", "ScatterElements", "DepthToSpace",
                                           "SpaceToDepth", .embedding, "ConstantOfShape", "Range"]

    /// Classifies a node. `isConstant` tells whether a value is a weight (so MatMul against a weight is
    /// a `matmul`, MatMul of two activations an `attention`).
    public static func classify(_ node: Node, inputTypes: [TensorType?], isConstant: (String) -> Bool) -> OpKind {
        let op = node.op
        if viewOps.contains(op) { return .view }
        if movementOps.contains(op) { return .movement }
        if postprocessOps.contains(op) { return .postprocess }
        switch op {
        case .conv, .convTranspose, "QLinearConv", "ConvInteger":
            let group = node.int("group", default: 1)
            guard group > 1, let x = inputTypes.first ?? nil, x.shape.rank >= 3 else { return .conv }
            let channelAxis = node.attributes["layout"].flatMap { if case .string("NHWC") = $0 { return x.shape.rank - 1 } else { return nil } } ?? 1
            let cin = x.shape[channelAxis].value ?? 0
            return cin > 0 && group == cin ? .depthwise : .conv
        case .gemm, .fullyConnected:
            return .matmul
        case .matMul, "MatMulInteger", "QLinearMatMul":
            let b = node.op == "QLinearMatMul" ? node.input(3) : node.input(1)
            let a = node.input(0)
            if let b, isConstant(b) { return .matmul }
            if let a, isConstant(a) { return .matmul }
            return .attention
        case .attention:
            return .attention
        default:
            return .elementwise
        }
    }
}
