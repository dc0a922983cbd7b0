import EdgeIR

/// The chosen precisions stored for real, so the exported file shrinks by what ``MixedPrecisionSearch/Result/weightBytes`` counts.
extension MixedPrecisionSearch {
    /// The model with each layer's weight *stored* in its assigned format:
    /// - int8: int8 codes with per-channel scales, exported as `DequantizeLinear` (QDQ, as ``apply(_:to:)``);
    /// - fp16: a float16 initializer widened by `Cast(to = float)` (the form of ``HalfPrecisionWeights``);
    /// - int4: symmetric groups of 128 along the reduction axis as ``Int4WeightStorage`` writes them —
    ///   blocked int4 `DequantizeLinear` at ai.onnx ≥ 21, else packed nibbles and a decoding subgraph.
    ///
    /// Every form decodes to the float32 values ``apply(_:to:)`` computes with (float16 widening and
    /// `scale · code` are exact), so a model measured during the search computes the same outputs
    /// stored this way; the search evaluates the decoded form only because it builds many candidates.
    /// - Throws: ``OptimizeError`` for a weight a format cannot hold (fp16 overflow, non-finite values).
    public static func store(_ assignment: Assignment, to model: Model) throws -> Model {
        let (layers, _) = QuantizableLayer.find(in: model.graph)
        var g = model.graph
        var prologue: [Node] = []
        var int8Nodes = Set<String>()
        let form = Int4WeightStorage.form(for: model)
        for layer in layers {
            switch assignment[layer.node] ?? .fp32 {
            case .int8:
                int8Nodes.insert(layer.node)
            case .fp16:
                guard let t = g.constants[layer.weight] else { continue }
                let v = WeightValues.floats(t)
                if let big = v.first(where: { abs($0) >= 65520 || !$0.isFinite }) {
                    throw OptimizeError.badTensor(name: layer.weight, reason: "holds \(big), which float16 cannot represent")
                }
                let stored = layer.weight + "_fp16"
                g.removeConstant(named: layer.weight)
                g.setConstant(Tensor(name: stored, type: TensorType(.float16, t.shape), storage: .memory(HalfPrecision.float16Bytes(v))))
                prologue.append(Node(name: layer.weight + "/Cast", op: "Cast", inputs: [stored], outputs: [layer.weight], attributes: ["to": .int(1)]))
            case .int4:
                guard case .grouped(4, let groupSize, true) = LayerPrecision.int4.format else { continue }
                let q = try GroupQuantizer.quantize(try layer.matrix(in: model.graph), rows: layer.rows, columns: layer.columns, bits: 4,
                                                    groupSize: groupSize, symmetric: true, name: layer.weight)
                prologue += Int4WeightStorage.store(layer, q, form: form, in: &g)
            case .fp32, .skip:
                break
            }
        }
        g.nodes = prologue + g.nodes
        if !int8Nodes.isEmpty {
            let others = g.nodes.filter { [.conv, .gemm, .matMul].contains($0.op) && !int8Nodes.contains($0.name) }.map(\.name)
            (g, _) = try StaticQuantizer.quantizeWeights(g, perChannel: true, symmetric: true, exclude: others)
        }
        _ = try g.inferShapes(strict: false)
        var m = model
        m.graph = g
        return m
    }
}
