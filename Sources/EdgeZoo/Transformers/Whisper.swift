import EdgeIR

/// Whisper (Radford et al. 2022) encoder and decoder with HF-style weight names.
///
/// Encoder: log-mel `[1, 80, 3000]` (30 s) → Conv1d(k3) + GELU → Conv1d(k3, stride 2) + GELU →
/// `[1, 1500, d]` + positions → L pre-LN layers (self-attention, GELU MLP) → LayerNorm.
/// Decoder over `tokens` tokens: token + learned position embeddings → L pre-LN layers (causal
/// self-attention, cross-attention to the encoder output, GELU MLP) → LayerNorm → logits through
/// the tied token-embedding table. The decoder processes all its tokens in one pass (the first call
/// of generation sees the 4-token start-of-transcript prompt); K/V caching across steps is not modelled.
struct WhisperConfig: Sendable {
    var dim: Int
    var layers: Int
    var heads: Int
    var vocabulary = 51865
    var mels = 80
    var audioFrames = 3000
    var textContext = 448

    /// openai/whisper-tiny and whisper-base `config.json` (d_model, encoder/decoder_layers, heads).
    static let tiny = WhisperConfig(dim: 384, layers: 4, heads: 6)
    static let base = WhisperConfig(dim: 512, layers: 6, heads: 8)

    var ffn: Int { 4 * dim }
    var audioContext: Int { audioFrames / 2 }
}

enum Whisper {
    enum Part: String, CaseIterable { case both, encoder, decoder }

    static func build(_ c: WhisperConfig, part: Part, tokens: Int, name: String) throws -> Graph {
        var b = GraphBuilder(name: name)
        switch part {
        case .encoder:
            b.output(try encoder(&b, c))
        case .decoder:
            let memory = b.input("encoder_hidden_states", .float32, Shape([1, c.audioContext, c.dim]))
            b.output(try decoder(&b, c, memory: memory, tokens: tokens))
        case .both:
            let memory = try encoder(&b, c)
            b.output(try decoder(&b, c, memory: memory, tokens: tokens))
        }
        return try b.finish()
    }

    static func encoder(_ b: inout GraphBuilder, _ c: WhisperConfig) throws -> String {
        let mel = b.input("input_features", .float32, Shape([1, c.mels, c.audioFrames]))
        return try b.scope("model.encoder") { b in
            var x = try conv1d(&b, mel, out: c.dim, stride: 1, name: "conv1")
            x = try b.activation(x, .gelu, name: "conv1_gelu")
            x = try conv1d(&b, x, out: c.dim, stride: 2, name: "conv2")
            x = try b.activation(x, .gelu, name: "conv2_gelu")
            x = try b.transpose(x, [0, 2, 1], name: "frames")
            let pos = b.weight("embed_positions.weight", .float32, Shape([c.audioContext, c.dim]))
            x = try b.add(x, pos, name: "add_positions")
            for i in 0..<c.layers {
                x = try b.scope("layers.\(i)") { b in
                    let h = try b.layerNorm(x, name: "self_attn_layer_norm")
                    let a = try attention(&b, h, h, c, causal: false, name: "self_attn")
                    let y = try b.add(x, a, name: "self_attn_residual")
                    return try b.add(y, mlp(&b, y, c), name: "mlp_residual")
                }
            }
            return try b.layerNorm(x, name: "layer_norm")
        }
    }

    static func decoder(_ b: inout GraphBuilder, _ c: WhisperConfig, memory: String, tokens: Int) throws -> String {
        let ids = b.input("decoder_input_ids", .int64, Shape([1, tokens]))
        return try b.scope("model.decoder") { b in
            var x = try TransformerLayers.embedding(&b, ids, vocabulary: c.vocabulary, dim: c.dim, name: "embed_tokens")
            x = try b.add(x, TransformerLayers.positions(&b, rows: c.textContext, dim: c.dim, count: tokens,
                                                         name: "embed_positions"), name: "add_positions")
            for i in 0..<c.layers {
                x = try b.scope("layers.\(i)") { b in
                    var h = try b.layerNorm(x, name: "self_attn_layer_norm")
                    var y = try b.add(x, attention(&b, h, h, c, causal: true, name: "self_attn"), name: "self_attn_residual")
                    h = try b.layerNorm(y, name: "encoder_attn_layer_norm")
                    y = try b.add(y, attention(&b, h, memory, c, causal: false, name: "encoder_attn"), name: "encoder_attn_residual")
                    return try b.add(y, mlp(&b, y, c), name: "mlp_residual")
                }
            }
            x = try b.layerNorm(x, name: "layer_norm")
            // proj_out is tied to embed_tokens: logits = x · Eᵀ over the [vocabulary, d] table.
            let rows = try b.reshape(x, [Int64(tokens), Int64(c.dim)], name: "rows")
            return try b.apply(.gemm, [rows, "model.decoder.embed_tokens.weight"], ["transB": .int(1)], name: "proj_out")
        }
    }

    /// Attention of `x` over `source` with Whisper's projections (no bias on the key projection).
    static func attention(_ b: inout GraphBuilder, _ x: String, _ source: String, _ c: WhisperConfig,
                          causal: Bool, name: String) throws -> String {
        try b.scope(name) { b in
            let q = try b.linear(x, out: c.dim, name: "q_proj")
            let k = try b.linear(source, out: c.dim, bias: false, name: "k_proj")
            let v = try b.linear(source, out: c.dim, name: "v_proj")
            let a = try TransformerLayers.attention(&b, q, k, v, heads: c.heads, causal: causal, name: "attention")
            return try b.linear(a, out: c.dim, name: "out_proj")
        }
    }

    /// Pre-LN GELU MLP: LayerNorm → fc1 (4d) → GELU → fc2.
    static func mlp(_ b: inout GraphBuilder, _ x: String, _ c: WhisperConfig) throws -> String {
        let h = try b.layerNorm(x, name: "final_layer_norm")
        let u = try b.activation(try b.linear(h, out: c.ffn, name: "fc1"), .gelu, name: "fc1_gelu")
        return try b.linear(u, out: c.dim, name: "fc2")
    }

    /// Conv1d with kernel 3, padding 1 and bias, weights `[out, in, 3]`.
    static func conv1d(_ b: inout GraphBuilder, _ x: String, out: Int, stride: Int, name: String) throws -> String {
        let cin = b.dims(of: x)[1]
        return try b.scope(name) { b in
            let w = b.weight("weight", .float32, Shape([out, cin, 3]))
            let bias = b.weight("bias", .float32, Shape([out]))
            return try b.apply(.conv, [x, w, bias], ["kernel_shape": .ints([3]), "strides": .ints([stride]),
                                                     "pads": .ints([1, 1]), "dilations": .ints([1])], name: "")
        }
    }
}
