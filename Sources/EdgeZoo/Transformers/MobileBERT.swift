import EdgeIR

/// MobileBERT (Sun et al. 2020), `google/mobilebert-uncased`, with HF-style weight names.
///
/// From the released config (24 layers, hidden 512, intra-bottleneck 128, 4 heads, FFN 512, four
/// stacked FFNs, embedding 128 with trigram input, `no_norm`, ReLU, shared query/key bottleneck):
/// embeddings are 128-wide, concatenated with their left and right neighbours (384) and projected
/// to 512; each layer narrows to 128 through two bottleneck projections (one shared by query and
/// key, one for the residual), attends with 4 heads (values from the 512-wide input), runs four
/// 128 → 512 → 128 feed-forward networks and widens back to 512. Every normalisation is NoNorm
/// (an elementwise affine). The pooler is a dense layer with tanh on the first token.
enum MobileBERT {
    static let hidden = 512, inner = 128, heads = 4, ffn = 512, embedding = 128, layers = 24
    static let vocabulary = 30522, maxPositions = 512, stackedFFNs = 4

    static func build(sequence s: Int, classes: Int) throws -> Graph {
        var b = GraphBuilder(name: "mobilebert")
        let ids = b.input("input_ids", .int64, Shape([1, s]))
        let types = b.input("token_type_ids", .int64, Shape([1, s]))
        var x = try b.scope("embeddings") { b -> String in
            let e = try TransformerLayers.embedding(&b, ids, vocabulary: vocabulary, dim: embedding, name: "word_embeddings")
            // Trigram input: [e(t+1), e(t), e(t−1)] with zero rows at the ends.
            let next = try b.apply(.pad, [TransformerLayers.rowSlice(&b, e, from: 1, count: s - 1, axis: 1, name: "next_rows"),
                                          b.ints("next_pads", [0, 0, 0, 0, 1, 0])], name: "next")
            let prev = try b.apply(.pad, [TransformerLayers.rowSlice(&b, e, from: 0, count: s - 1, axis: 1, name: "prev_rows"),
                                          b.ints("prev_pads", [0, 1, 0, 0, 0, 0])], name: "prev")
            var y = try b.concat([next, e, prev], axis: 2, name: "trigram")
            y = try b.linear(y, out: hidden, name: "embedding_transformation")
            y = try b.add(y, TransformerLayers.positions(&b, rows: maxPositions, dim: hidden, count: s,
                                                         name: "position_embeddings"), name: "add_positions")
            y = try b.add(y, TransformerLayers.embedding(&b, types, vocabulary: 2, dim: hidden,
                                                         name: "token_type_embeddings"), name: "add_types")
            return try TransformerLayers.noNorm(&b, y, name: "LayerNorm")
        }
        for i in 0..<layers { x = try layer(&b, x, i) }
        b.output(x)
        let first = try TransformerLayers.firstToken(&b, x)
        let pooled = try b.activation(try b.linear(first, out: hidden, name: "pooler.dense"), .tanh, name: "pooler.tanh")
        b.output(pooled)
        if classes > 0 { b.output(try b.linear(pooled, out: classes, name: "classifier")) }
        return try b.finish()
    }

    /// A dense layer followed by NoNorm of its sum with `residual` (or of itself when nil).
    static func denseNoNorm(_ b: inout GraphBuilder, _ x: String, out: Int, residual: String?, name: String) throws -> String {
        var y = try b.linear(x, out: out, name: name + ".dense")
        if let residual { y = try b.add(y, residual, name: name + ".residual") }
        return try TransformerLayers.noNorm(&b, y, name: name + ".LayerNorm")
    }

    static func layer(_ b: inout GraphBuilder, _ x: String, _ i: Int) throws -> String {
        try b.scope("encoder.layer.\(i)") { b in
            let layerInput = try denseNoNorm(&b, x, out: inner, residual: nil, name: "bottleneck.input")
            let shared = try denseNoNorm(&b, x, out: inner, residual: nil, name: "bottleneck.attention")
            let q = try b.linear(shared, out: inner, name: "attention.self.query")
            let k = try b.linear(shared, out: inner, name: "attention.self.key")
            let v = try b.linear(x, out: inner, name: "attention.self.value")
            let a = try TransformerLayers.attention(&b, q, k, v, heads: heads, name: "attention.self.attention")
            var y = try denseNoNorm(&b, a, out: inner, residual: layerInput, name: "attention.output")
            for j in 0..<(stackedFFNs - 1) {
                let h = try b.activation(try b.linear(y, out: ffn, name: "ffn.\(j).intermediate.dense"), .relu,
                                         name: "ffn.\(j).intermediate.relu")
                y = try denseNoNorm(&b, h, out: inner, residual: y, name: "ffn.\(j).output")
            }
            let h = try b.activation(try b.linear(y, out: ffn, name: "intermediate.dense"), .relu, name: "intermediate.relu")
            y = try denseNoNorm(&b, h, out: inner, residual: y, name: "output")
            return try denseNoNorm(&b, y, out: hidden, residual: x, name: "output.bottleneck")
        }
    }
}
