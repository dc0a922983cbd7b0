import EdgeIR

/// Building blocks shared by the encoder and encoder-decoder transformers of the catalog (BERT,
/// DistilBERT, MobileBERT, Whisper), on `[1, S, d]` activations.
///
/// Attention uses the IR's fused `Attention` op in its 3-D form (`q_num_heads`/`kv_num_heads`), so a
/// layer costs `heads · S · T · (dq + dv)` MACs for its scores and weighted sum without explicit
/// reshapes. Projections use ``GraphBuilder/linear(_:out:bias:name:)``: on 3-D input that is a MatMul
/// with the weight stored `[in, out]` plus a bias Add, as ONNX exports `nn.Linear`.
enum TransformerLayers {
    /// Fused multi-head attention of `q [1, S, d]` over `k`, `v [1, T, d]`.
    static func attention(_ b: inout GraphBuilder, _ q: String, _ k: String, _ v: String, heads: Int,
                          causal: Bool = false, name: String) throws -> String {
        var attrs: [String: Attribute] = ["q_num_heads": .int(heads), "kv_num_heads": .int(heads)]
        if causal { attrs["is_causal"] = .int(1) }
        return try b.apply(.attention, [q, k, v], attrs, name: name)
    }

    /// Looks up `ids [1, S]` in a `[vocabulary, dim]` table named `name.weight`.
    static func embedding(_ b: inout GraphBuilder, _ ids: String, vocabulary: Int, dim: Int, name: String) throws -> String {
        let table = b.weight(name + ".weight", .float32, Shape([vocabulary, dim]))
        return try b.apply(.embedding, [ids, table], name: name)
    }

    /// The first `count` rows of a learned `[rows, dim]` position table named `name.weight`.
    ///
    /// The whole table is a parameter (it is stored), but only `count` rows are read.
    static func positions(_ b: inout GraphBuilder, rows: Int, dim: Int, count: Int, name: String) throws -> String {
        let table = b.weight(name + ".weight", .float32, Shape([rows, dim]))
        return try rowSlice(&b, table, from: 0, count: count, axis: 0, name: name)
    }

    /// `count` rows of `x` along `axis`, starting at `from`.
    static func rowSlice(_ b: inout GraphBuilder, _ x: String, from: Int, count: Int, axis: Int, name: String) throws -> String {
        let starts = b.ints(name + "_starts", [Int64(from)])
        let ends = b.ints(name + "_ends", [Int64(from + count)])
        let axes = b.ints(name + "_axes", [Int64(axis)])
        return try b.apply(.slice, [x, starts, ends, axes], name: name)
    }

    /// The first token's vector, `[1, S, d]` → `[1, d]` (BERT's `[CLS]` pooling input).
    static func firstToken(_ b: inout GraphBuilder, _ x: String, name: String = "first_token") throws -> String {
        let d = b.dims(of: x)
        let first = try rowSlice(&b, x, from: 0, count: 1, axis: 1, name: name)
        return try b.reshape(first, [1, Int64(d[2])], name: name + "_flat")
    }

    /// MobileBERT's `NoNorm`: an elementwise affine `x · weight + bias` in place of LayerNorm.
    static func noNorm(_ b: inout GraphBuilder, _ x: String, name: String) throws -> String {
        let d = b.dims(of: x).last ?? 1
        return try b.scope(name) { b in
            let w = b.weight("weight", .float32, Shape([d]))
            let bias = b.weight("bias", .float32, Shape([d]))
            return try b.add(try b.mul(x, w, name: "scale"), bias, name: "shift")
        }
    }
}
