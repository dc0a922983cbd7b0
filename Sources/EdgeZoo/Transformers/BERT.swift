import EdgeIR

/// BERT (Devlin et al. 2019) and DistilBERT (Sanh et al. 2019) encoders with HF-style weight names.
///
/// BERT: word + position + token-type embeddings → LayerNorm → L post-LN layers (self-attention →
/// dense → Add & LayerNorm → dense → GELU → dense → Add & LayerNorm) → pooler (dense + tanh on the
/// first token). DistilBERT drops the token-type embeddings and the pooler and names its weights
/// differently. With `classes > 0` a sequence-classification head is added (BERT: a dense layer on
/// the pooled vector; DistilBERT: `pre_classifier` + ReLU + `classifier`).
struct BertConfig: Sendable {
    var layers: Int
    var hidden: Int
    var heads: Int
    var ffn: Int
    var vocabulary = 30522
    var maxPositions = 512
    /// DistilBERT's layout and names.
    var distil = false

    /// bert-base-uncased / google/bert_uncased_L-*: `config.json`.
    static let tiny = BertConfig(layers: 2, hidden: 128, heads: 2, ffn: 512)
    static let base = BertConfig(layers: 12, hidden: 768, heads: 12, ffn: 3072)
    static let large = BertConfig(layers: 24, hidden: 1024, heads: 16, ffn: 4096)
    /// distilbert-base-uncased `config.json` (n_layers 6, dim 768, n_heads 12, hidden_dim 3072).
    static let distilBase = BertConfig(layers: 6, hidden: 768, heads: 12, ffn: 3072, distil: true)
}

enum BERT {
    static func build(_ c: BertConfig, sequence s: Int, classes: Int, name: String) throws -> Graph {
        var b = GraphBuilder(name: name)
        let ids = b.input("input_ids", .int64, Shape([1, s]))
        var x = try TransformerLayers.embedding(&b, ids, vocabulary: c.vocabulary, dim: c.hidden,
                                                name: "embeddings.word_embeddings")
        x = try b.add(x, TransformerLayers.positions(&b, rows: c.maxPositions, dim: c.hidden, count: s,
                                                     name: "embeddings.position_embeddings"), name: "embeddings.add_positions")
        if !c.distil {
            let types = b.input("token_type_ids", .int64, Shape([1, s]))
            x = try b.add(x, TransformerLayers.embedding(&b, types, vocabulary: 2, dim: c.hidden,
                                                         name: "embeddings.token_type_embeddings"), name: "embeddings.add_types")
        }
        x = try b.layerNorm(x, epsilon: 1e-12, name: "embeddings.LayerNorm")
        for i in 0..<c.layers {
            x = try c.distil ? distilLayer(&b, c, x, i) : bertLayer(&b, c, x, i)
        }
        b.output(x)
        if c.distil {
            if classes > 0 {
                var h = try TransformerLayers.firstToken(&b, x)
                h = try b.activation(try b.linear(h, out: c.hidden, name: "pre_classifier"), .relu, name: "pre_classifier_relu")
                b.output(try b.linear(h, out: classes, name: "classifier"))
            }
        } else {
            let first = try TransformerLayers.firstToken(&b, x)
            let pooled = try b.activation(try b.linear(first, out: c.hidden, name: "pooler.dense"), .tanh, name: "pooler.tanh")
            b.output(pooled)
            if classes > 0 { b.output(try b.linear(pooled, out: classes, name: "classifier")) }
        }
        return try b.finish()
    }

    static func bertLayer(_ b: inout GraphBuilder, _ c: BertConfig, _ x: String, _ i: Int) throws -> String {
        try b.scope("encoder.layer.\(i)") { b in
            let q = try b.linear(x, out: c.hidden, name: "attention.self.query")
            let k = try b.linear(x, out: c.hidden, name: "attention.self.key")
            let v = try b.linear(x, out: c.hidden, name: "attention.self.value")
            var a = try TransformerLayers.attention(&b, q, k, v, heads: c.heads, name: "attention.self.attention")
            a = try b.linear(a, out: c.hidden, name: "attention.output.dense")
            let y = try b.layerNorm(try b.add(a, x, name: "attention.output.residual"), epsilon: 1e-12,
                                    name: "attention.output.LayerNorm")
            var h = try b.activation(try b.linear(y, out: c.ffn, name: "intermediate.dense"), .gelu, name: "intermediate.gelu")
            h = try b.linear(h, out: c.hidden, name: "output.dense")
            return try b.layerNorm(try b.add(h, y, name: "output.residual"), epsilon: 1e-12, name: "output.LayerNorm")
        }
    }

    static func distilLayer(_ b: inout GraphBuilder, _ c: BertConfig, _ x: String, _ i: Int) throws -> String {
        try b.scope("transformer.layer.\(i)") { b in
            let q = try b.linear(x, out: c.hidden, name: "attention.q_lin")
            let k = try b.linear(x, out: c.hidden, name: "attention.k_lin")
            let v = try b.linear(x, out: c.hidden, name: "attention.v_lin")
            var a = try TransformerLayers.attention(&b, q, k, v, heads: c.heads, name: "attention.attention")
            a = try b.linear(a, out: c.hidden, name: "attention.out_lin")
            let y = try b.layerNorm(try b.add(a, x, name: "sa_residual"), epsilon: 1e-12, name: "sa_layer_norm")
            var h = try b.activation(try b.linear(y, out: c.ffn, name: "ffn.lin1"), .gelu, name: "ffn.gelu")
            h = try b.linear(h, out: c.hidden, name: "ffn.lin2")
            return try b.layerNorm(try b.add(h, y, name: "ffn_residual"), epsilon: 1e-12, name: "output_layer_norm")
        }
    }
}
