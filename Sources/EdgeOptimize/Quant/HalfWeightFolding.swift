import EdgeIR

/// Folds `Cast(float16 constant → float32)` into a float32 constant, so weights a file stores as fp16
/// (TFLite's DEQUANTIZE of fp16 weights imports as such a Cast) are constants the quantizers can read.
/// The values are exact: every float16 is a float32.
enum HalfWeightFolding {
    static func fold(_ graph: Graph) -> Graph {
        var g = graph
        var kept: [Node] = []
        for n in graph.nodes {
            guard n.op.rawValue == "Cast", n.int("to") == 1, n.inputs.count == 1, n.outputs.count == 1,
                  let t = graph.constants[n.inputs[0]], t.dtype == .float16, t.quantization == nil, t.storage.isPresent,
                  !graph.outputs.contains(where: { $0.name == n.outputs[0] }) else {
                kept.append(n)
                continue
            }
            let values: [Float] = t.storage.withBytes { raw in
                (0..<(raw.count / 2)).map { Float(Float16(bitPattern: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)))) }
            }
            g.setConstant(.float32(n.outputs[0], values, shape: t.shape))
        }
        g.nodes = kept
        // The float16 originals nothing reads any more.
        let read = Set(kept.flatMap(\.inputs)).union(graph.outputs.map(\.name))
        for (name, t) in graph.constants where t.dtype == .float16 && !read.contains(name) { g.removeConstant(named: name) }
        return g
    }
}
