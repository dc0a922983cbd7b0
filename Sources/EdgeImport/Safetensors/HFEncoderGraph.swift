import EdgeIR

/// Config-driven graphs for Hugging Face BERT and ViT checkpoints, with the checkpoint's own tensors
/// (Hugging Face names, real dtypes, mapped storage) as weights.
///
/// Linear layers are `FullyConnected` with `keep_num_dims = 1` — exactly PyTorch's `x · Wᵀ + b` on a
/// `[out, in]` weight, so no weight is transposed; attention is the fused 3-D `Attention` op with
/// `q_num_heads`/`kv_num_heads`. The sequence length of BERT is the symbol `S`.
struct HFEncoderGraph {
    let weights: Graph
    let prefix: String
    var b: GraphBuilder
    /// The first checkpoint tensor that was missing or had an unexpected shape, for the note.
    var problem: String?

    init(name: String, weights: Graph, prefix: String) {
        self.weights = weights
        self.prefix = prefix
        b = GraphBuilder(name: name)
    }

    /// Binds the checkpoint tensor `prefix + name`, checking its shape; records a problem otherwise.
    mutating func weight(_ name: String, _ shape: [Int]) throws -> String {
        let full = prefix + name
        guard let t = weights.constants[full] else {
            if problem == nil { problem = "checkpoint has no tensor '\(ImportError.printable(full))'" }
            throw Missing()
        }
        guard t.shape.values == shape else {
            if problem == nil { problem = "'\(ImportError.printable(full))' is \(t.shape), the config implies \(Shape(shape))" }
            throw Missing()
        }
        return b.weight(full, t.dtype, t.shape, quantization: t.quantization, storage: t.storage)
    }

    struct Missing: Error {}

    /// The first token of `[1, S, H]` as `[1, H]` (a Gather with a scalar index, as `x[:, 0]`).
    mutating func firstToken(_ x: String, _ name: String) throws -> String {
        var graph = b.graph
        graph.setConstant(.int64("\(name).index", [0], shape: .scalar))
        b.replaceGraph(graph)
        return try b.apply(.gather, [x, "\(name).index"], ["axis": .int(1)], name: name)
    }

    mutating func linear(_ x: String, _ name: String, out: Int, in inner: Int) throws -> String {
        let w = try weight("\(name).weight", [out, inner])
        let bias = try weight("\(name).bias", [out])
        return try b.apply(.fullyConnected, [x, w, bias], ["keep_num_dims": .int(1)], name: name)
    }

    mutating func layerNorm(_ x: String, _ name: String, width: Int, epsilon: Double) throws -> String {
        let w = try weight("\(name).weight", [width])
        let bias = try weight("\(name).bias", [width])
        return try b.apply(.layerNorm, [x, w, bias], ["axis": .int(-1), "epsilon": .float(epsilon)], name: name)
    }

    /// Multi-head self-attention with separate query/key/value projections and an output projection.
    mutating func attention(_ x: String, _ name: String, output: String, width: Int, heads: Int) throws -> String {
        let q = try linear(x, "\(name).query", out: width, in: width)
        let k = try linear(x, "\(name).key", out: width, in: width)
        let v = try linear(x, "\(name).value", out: width, in: width)
        let a = try b.apply(.attention, [q, k, v], ["q_num_heads": .int(heads), "kv_num_heads": .int(heads)], name: "\(name).attention")
        return try linear(a, output, out: width, in: width)
    }

    /// Integer config fields with a range check, or nil (with the problem recorded).
    static func ints(_ config: JSONValue, _ keys: [String], range: ClosedRange<Int>) -> [Int]? {
        var out: [Int] = []
        for k in keys {
            guard let v = config[k]?.int, range.contains(v) else { return nil }
            out.append(v)
        }
        return out
    }

    /// BERT (Devlin et al. 2019), post-norm encoder; `pooler_output` too when the checkpoint has the pooler.
    static func bert(config: JSONValue, weights: Graph, notes: inout [String]) throws -> Graph? {
        guard let v = ints(config, ["hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                                    "vocab_size", "max_position_embeddings"], range: 1...(1 << 20)),
              v[1] <= 1024, v[0] % v[2] == 0 else {
            notes.append("weights-only: config.json lacks sane BERT sizes (hidden_size, num_hidden_layers ≤ 1024, heads dividing hidden_size, …)")
            return nil
        }
        let (h, layers, heads, inter, vocab, positions) = (v[0], v[1], v[2], v[3], v[4], v[5])
        let types = config["type_vocab_size"]?.int ?? 2
        let eps = config["layer_norm_eps"]?.number ?? 1e-12
        let prefix = weights.constants["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        var g = HFEncoderGraph(name: "bert", weights: weights, prefix: prefix)
        do {
            let ids = g.b.input("input_ids", .int64, Shape([1, "S"]))
            let tt = g.b.input("token_type_ids", .int64, Shape([1, "S"]))
            let pos = g.b.input("position_ids", .int64, Shape([1, "S"]))
            let we = try g.b.apply(.embedding, [ids, try g.weight("embeddings.word_embeddings.weight", [vocab, h])], name: "embeddings.word")
            let te = try g.b.apply(.embedding, [tt, try g.weight("embeddings.token_type_embeddings.weight", [types, h])], name: "embeddings.token_type")
            let pe = try g.b.apply(.embedding, [pos, try g.weight("embeddings.position_embeddings.weight", [positions, h])], name: "embeddings.position")
            var x = try g.b.apply(.add, [try g.b.apply(.add, [we, te], name: "embeddings.sum0"), pe], name: "embeddings.sum")
            x = try g.layerNorm(x, "embeddings.LayerNorm", width: h, epsilon: eps)
            for i in 0..<layers {
                let l = "encoder.layer.\(i)"
                let a = try g.attention(x, "\(l).attention.self", output: "\(l).attention.output.dense", width: h, heads: heads)
                x = try g.layerNorm(try g.b.apply(.add, [x, a], name: "\(l).attention.residual"), "\(l).attention.output.LayerNorm", width: h, epsilon: eps)
                var f = try g.linear(x, "\(l).intermediate.dense", out: inter, in: h)
                f = try g.b.apply(.gelu, [f], name: "\(l).intermediate.gelu")
                f = try g.linear(f, "\(l).output.dense", out: h, in: inter)
                x = try g.layerNorm(try g.b.apply(.add, [x, f], name: "\(l).output.residual"), "\(l).output.LayerNorm", width: h, epsilon: eps)
            }
            g.b.output(x)
            if weights.constants[prefix + "pooler.dense.weight"] != nil {
                let first = try g.firstToken(x, "pooler.first_token")
                let p = try g.linear(first, "pooler.dense", out: h, in: h)
                g.b.output(try g.b.apply(.tanh, [p], name: "pooler.tanh"))
            }
            return try g.finish(notes: &notes)
        } catch is Missing {
            notes.append("weights-only: BERT config recognised but \(g.problem ?? "a tensor is missing")")
            return nil
        }
    }

    /// ViT (Dosovitskiy et al. 2021), pre-norm encoder; a classifier head when the checkpoint has one.
    static func vit(config: JSONValue, weights: Graph, notes: inout [String]) throws -> Graph? {
        guard let v = ints(config, ["hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
                                    "image_size", "patch_size"], range: 1...(1 << 20)),
              v[1] <= 1024, v[0] % v[2] == 0, v[4] % v[5] == 0, v[4] <= 8192 else {
            notes.append("weights-only: config.json lacks sane ViT sizes (hidden_size, image_size a multiple of patch_size, …)")
            return nil
        }
        let (h, layers, heads, inter, image, patch) = (v[0], v[1], v[2], v[3], v[4], v[5])
        let channels = config["num_channels"]?.int ?? 3
        let eps = config["layer_norm_eps"]?.number ?? 1e-12
        let grid = image / patch, tokens = grid * grid + 1
        let prefix = weights.constants["vit.embeddings.cls_token"] != nil ? "vit." : ""
        var g = HFEncoderGraph(name: "vit", weights: weights, prefix: prefix)
        do {
            let px = g.b.input("pixel_values", .float32, Shape([1, channels, image, image]))
            let pw = try g.weight("embeddings.patch_embeddings.projection.weight", [h, channels, patch, patch])
            let pb = try g.weight("embeddings.patch_embeddings.projection.bias", [h])
            var x = try g.b.apply(.conv, [px, pw, pb], ["strides": .ints([patch, patch]), "kernel_shape": .ints([patch, patch])],
                                  name: "embeddings.patch_embeddings.projection")
            x = try g.b.apply(.reshape, [x, g.b.ints("embeddings.flatten_shape", [1, Int64(h), Int64(grid * grid)])], name: "embeddings.flatten")
            x = try g.b.apply(.transpose, [x], ["perm": .ints([0, 2, 1])], name: "embeddings.transpose")
            let cls = try g.weight("embeddings.cls_token", [1, 1, h])
            x = try g.b.apply(.concat, [cls, x], ["axis": .int(1)], name: "embeddings.cls")
            x = try g.b.apply(.add, [x, try g.weight("embeddings.position_embeddings", [1, tokens, h])], name: "embeddings.position")
            for i in 0..<layers {
                let l = "encoder.layer.\(i)"
                var a = try g.layerNorm(x, "\(l).layernorm_before", width: h, epsilon: eps)
                a = try g.attention(a, "\(l).attention.attention", output: "\(l).attention.output.dense", width: h, heads: heads)
                x = try g.b.apply(.add, [x, a], name: "\(l).attention.residual")
                var f = try g.layerNorm(x, "\(l).layernorm_after", width: h, epsilon: eps)
                f = try g.linear(f, "\(l).intermediate.dense", out: inter, in: h)
                f = try g.b.apply(.gelu, [f], name: "\(l).intermediate.gelu")
                f = try g.linear(f, "\(l).output.dense", out: h, in: inter)
                x = try g.b.apply(.add, [x, f], name: "\(l).output.residual")
            }
            x = try g.layerNorm(x, "layernorm", width: h, epsilon: eps)
            if let c = weights.constants["classifier.weight"], let n = c.shape.values?.first {
                var head = HFEncoderGraph(name: "", weights: weights, prefix: "")
                head.b = g.b
                let first = try head.firstToken(x, "classifier.cls_token")
                let logits = try head.linear(first, "classifier", out: n, in: h)
                head.b.output(logits)
                g.b = head.b
                g.problem = g.problem ?? head.problem
            } else {
                g.b.output(x)
            }
            return try g.finish(notes: &notes)
        } catch is Missing {
            notes.append("weights-only: ViT config recognised but \(g.problem ?? "a tensor is missing")")
            return nil
        }
    }

    /// The finished graph; checkpoint tensors the graph does not use are reported in a note.
    mutating func finish(notes: inout [String]) throws -> Graph {
        let graph = try b.finish()
        let unused = weights.constants.keys.filter { graph.constants[$0] == nil }.count
        if unused > 0 { notes.append("\(unused) checkpoint tensors are not used by the \(graph.name) graph") }
        return graph
    }
}
