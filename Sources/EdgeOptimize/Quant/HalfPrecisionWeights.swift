import EdgeIR

/// fp16 or bf16 weights for a float32 graph: every float32 weight and bias of Conv, ConvTranspose, Gemm
/// and MatMul is stored in half precision and widened back by a `Cast(to = float)` node, so the
/// arithmetic stays float32.
///
/// This is the form onnxruntime runs on every CPU: a float16 (or bfloat16) initializer followed by
/// `Cast`, which its CPU provider implements for both types (a graph computing *in* fp16 needs fp16
/// kernels that onnxruntime's CPU provider has for few ops, and bf16 compute none). The file halves the
/// weight bytes; the output error is that of rounding each weight to 11 (fp16) or 8 (bf16) significant
/// bits. Conversion is ``HalfPrecision``'s round-to-nearest-even, identical to numpy's `astype`. Weights
/// whose magnitude overflows fp16 (≥ 65520) are refused rather than turned into infinity. The input
/// graph is not modified.
public enum HalfPrecisionWeights {
    public struct Report: Sendable, Equatable, Codable {
        public var tensors: [String] = []
        public var elements = 0
        /// SQNR of all converted weights together, dB.
        public var weightSQNR: Double = .infinity
    }

    /// - Parameters:
    ///   - dtype: `.float16` or `.bfloat16`.
    ///   - exclude: node names or op types whose weights stay float32.
    /// - Throws: ``OptimizeError`` for another dtype, a weight fp16 cannot hold, or nothing to convert.
    public static func convert(_ graph: Graph, to dtype: DType, exclude: [String] = []) throws -> (Graph, Report) {
        guard dtype == .float16 || dtype == .bfloat16 else {
            throw OptimizeError.invalidSetting(name: "half precision", value: dtype.rawValue, expected: "float16 or bfloat16")
        }
        var names: [String] = []
        for node in graph.nodes where [.conv, .convTranspose, .gemm, .matMul].contains(node.op) {
            if exclude.contains(node.name) || exclude.contains(node.op.rawValue) { continue }
            for i in [1, 2] {
                guard let name = node.input(i), !names.contains(name), let t = graph.constants[name], t.dtype == .float32,
                      t.quantization == nil, t.storage.isPresent else { continue }
                names.append(name)
            }
        }
        guard !names.isEmpty else { throw OptimizeError.unsupported("no float32 Conv/Gemm/MatMul weight to store in \(dtype.rawValue)") }
        var converted: [(String, [UInt8], Shape)] = []
        var signal = 0.0, noise = 0.0, count = 0
        for name in names {
            let t = graph.constants[name]!
            let v = WeightValues.floats(t)
            if dtype == .float16, let big = v.first(where: { abs($0) >= 65520 || !$0.isFinite }) {
                throw OptimizeError.badTensor(name: name, reason: "holds \(big), which float16 cannot represent; exclude its layer or use bf16")
            }
            let bytes = dtype == .float16 ? HalfPrecision.float16Bytes(v) : HalfPrecision.bfloat16Bytes(v)
            for (i, x) in v.enumerated() {
                let bits = UInt16(bytes[2 * i]) | UInt16(bytes[2 * i + 1]) << 8
                let back = dtype == .float16 ? Float(halfBits: bits) : Float(bfloat16Bits: bits)
                signal += Double(x) * Double(x)
                noise += Double(x - back) * Double(x - back)
            }
            count += v.count
            converted.append((name, bytes, t.shape))
        }
        var g = graph
        var prologue: [Node] = []
        for (name, bytes, shape) in converted {
            let stored = name + (dtype == .float16 ? "_fp16" : "_bf16")
            g.removeConstant(named: name)
            g.setConstant(Tensor(name: stored, type: TensorType(dtype, shape), storage: .memory(bytes)))
            prologue.append(Node(name: name + "/Cast", op: "Cast", inputs: [stored], outputs: [name], attributes: ["to": .int(1)]))
        }
        g.nodes = prologue + graph.nodes
        _ = try g.inferShapes(strict: false)
        let sqnr = noise == 0 ? Double.infinity : 10 * Foundation.log10(signal / noise)
        return (g, Report(tensors: names, elements: count, weightSQNR: sqnr))
    }
}

import Foundation
