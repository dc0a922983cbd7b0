import EdgeIR
import Foundation

/// One weight a layer-by-layer technique can store in another number format: the float32 weight a
/// Conv, Gemm or MatMul reads as its input 1.
///
/// Sensitivity analysis and mixed precision both work on these. The weight is viewed as a matrix
/// `[rows, columns]` whose rows are the op's output features (the per-channel axis) and whose columns
/// run along the reduction axis (where int4 groups lie, as in onnxruntime's MatMulNBits): a Conv's
/// `[O, I, kh, kw]` and a Gemm's `[N, K]` (`transB = 1`) are read as they are; a MatMul's `[K, N]` and a
/// Gemm's `[K, N]` (`transB = 0`) are transposed.
public struct QuantizableLayer: Sendable, Equatable, Codable {
    /// The first node that reads the weight.
    public var node: String
    public var op: String
    public var weight: String
    public var shape: [Int]
    public var rows: Int
    public var columns: Int
    /// Whether the stored tensor is `[columns, rows]` (transposed relative to the matrix view).
    public var transposed: Bool

    public var elements: Int { rows * columns }

    /// Every layer of `graph` whose weight is a present, finite-shaped float32 constant, in node order;
    /// and the weights passed over, with the reason.
    public static func find(in graph: Graph) -> (layers: [QuantizableLayer], skipped: [String]) {
        var layers: [QuantizableLayer] = []
        var skipped: [String] = []
        var seen = Set<String>()
        for node in graph.nodes where [.conv, .gemm, .matMul].contains(node.op) {
            guard let w = node.input(1), !seen.contains(w), let t = graph.constants[w] else { continue }
            seen.insert(w)
            guard t.dtype == .float32, t.quantization == nil, t.storage.isPresent, let dims = t.shape.values,
                  dims.allSatisfy({ $0 > 0 }) else {
                skipped.append("\(w): not a stored float32 weight")
                continue
            }
            let transB = node.attributes["transB"].flatMap { if case .int(let v) = $0 { return v } else { return nil } } ?? 0
            switch node.op {
            case .conv where dims.count >= 2:
                layers.append(QuantizableLayer(node: node.name, op: node.op.rawValue, weight: w, shape: dims, rows: dims[0],
                                               columns: dims.dropFirst().reduce(1, *), transposed: false))
            case .gemm where dims.count == 2, .matMul where dims.count == 2:
                let t = node.op == .matMul || transB == 0
                layers.append(QuantizableLayer(node: node.name, op: node.op.rawValue, weight: w, shape: dims,
                                               rows: t ? dims[1] : dims[0], columns: t ? dims[0] : dims[1], transposed: t))
            default:
                skipped.append("\(w): \(dims.count)-D weight of \(node.op.rawValue)")
            }
        }
        return (layers, skipped)
    }

    /// The weight's values as the `[rows, columns]` matrix.
    public func matrix(in graph: Graph) throws -> [Float] {
        guard let t = graph.constants[weight] else { throw OptimizeError.badTensor(name: weight, reason: "not in the graph") }
        let stored: [Float] = t.storage.withBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        guard stored.count == elements else {
            throw OptimizeError.badTensor(name: weight, reason: "\(stored.count) stored values for shape \(shape)")
        }
        return transposed ? Self.transpose(stored, rows: columns, columns: rows) : stored
    }

    /// A copy of `graph` whose weight holds `matrix` (the `[rows, columns]` view) in its own layout.
    public func replacing(in graph: Graph, with matrix: [Float]) -> Graph {
        var g = graph
        let values = transposed ? Self.transpose(matrix, rows: rows, columns: columns) : matrix
        g.setConstant(.float32(weight, values, shape: Shape(shape)))
        return g
    }

    static func transpose(_ x: [Float], rows: Int, columns: Int) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        for r in 0..<rows {
            for c in 0..<columns { out[c * rows + r] = x[r * columns + c] }
        }
        return out
    }
}

/// The stored formats mixed precision and sensitivity analysis give a layer's weight.
extension LayerPrecision {
    /// The stored format: int8 symmetric per channel (onnxruntime's S8 weights), int4 symmetric in
    /// groups of 128 along the reduction axis (MatMulNBits' default block), fp16 round to nearest even;
    /// `skip` keeps the float32 weight.
    public var format: WeightFormat {
        switch self {
        case .fp32, .skip: return .float32
        case .fp16: return .float16
        case .int8: return .int8(perChannel: true, symmetric: true)
        case .int4: return .grouped(bits: 4, groupSize: 128, symmetric: true)
        }
    }

    /// Bits per weight (32 for `skip`).
    public var bits: Int {
        switch self {
        case .fp32, .skip: return 32
        case .fp16: return 16
        case .int8: return 8
        case .int4: return 4
        }
    }
}
