import EdgeIR

extension StaticQuantizer {
    /// Ops that move or regroup values without computing new ones: a value read only by these, on
    /// the way to a graph output, *is* the model's output in another shape.
    static let dataMovementOps: Set<String> = ["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Concat", "Identity"]

    /// The values that reach the graph's outputs only through ``dataMovementOps`` (the outputs
    /// themselves included): every reader is such an op whose outputs are model outputs too, and a
    /// value nothing reads is a graph output. A graph output is in the set whatever reads it.
    ///
    /// The quantizer keeps these float, as it keeps a graph output float. Without the look-through a
    /// detection head written `Conv → Reshape → Concat → output` (TFLite's BlazeFace) gets a
    /// Quantize/Dequantize pair on its raw logits, whose calibrated range is set by rare extreme
    /// values (BlazeFace's `classificator_16` reaches −7650 on one LFW non-face, in LiteRT too): the
    /// int8 step is then 30.7, wider than every logit that decides a detection, and each of them
    /// rounds to exactly 0 — the same score for every image. Nothing downstream reads the int8 form
    /// of such a value, so its Q/DQ pair only adds error.
    static func modelOutputValues(_ graph: Graph) -> Set<String> {
        var readers: [String: [Node]] = [:]
        for n in graph.nodes { for v in Set(n.inputs) where !v.isEmpty { readers[v, default: []].append(n) } }
        let outputs = Set(graph.outputs.map(\.name))
        var memo: [String: Bool] = [:]
        func isModelOutput(_ v: String, depth: Int) -> Bool {
            if let known = memo[v] { return known }
            guard depth < 64 else { return false }
            let rs = readers[v] ?? []
            let result = rs.isEmpty ? outputs.contains(v)
                : rs.allSatisfy { r in
                    dataMovementOps.contains(r.op.rawValue) && r.outputs.allSatisfy { isModelOutput($0, depth: depth + 1) }
                }
            memo[v] = result
            return result
        }
        var out = Set<String>()
        for n in graph.nodes { for v in n.outputs where isModelOutput(v, depth: 0) { out.insert(v) } }
        return out.union(outputs)
    }
}
