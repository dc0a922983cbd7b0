import EdgeIR
import EdgeZoo

/// Hugging Face llama-family checkpoints (`model_type` llama or qwen2) as the catalog's decoder graph.
///
/// The config gives a ``LlamaConfig``; each Hugging Face tensor name maps to the GGUF name the builder
/// uses (`model.layers.3.self_attn.q_proj.weight` → `blk.3.attn_q.weight`), the checkpoint's dtypes
/// become the builder's weight types, and each weight is bound to the checkpoint's bytes. Hugging Face
/// keeps Q/K rows in rotate-half order where GGUF files permute them, which changes no size or cost;
/// the `rope.layout` property records it for the engine.
enum HFLlamaGraph {
    static func ggufName(_ hf: String) -> String? {
        let fixed: [String: String] = ["model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
                                       "lm_head.weight": "output.weight"]
        if let f = fixed[hf] { return f }
        let parts = hf.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count >= 5, parts[0] == "model", parts[1] == "layers", let i = Int(parts[2]) else { return nil }
        let rest = parts[3...].joined(separator: ".")
        let map: [String: String] = [
            "input_layernorm.weight": "attn_norm.weight", "post_attention_layernorm.weight": "ffn_norm.weight",
            "self_attn.q_proj.weight": "attn_q.weight", "self_attn.k_proj.weight": "attn_k.weight",
            "self_attn.v_proj.weight": "attn_v.weight", "self_attn.o_proj.weight": "attn_output.weight",
            "self_attn.q_proj.bias": "attn_q.bias", "self_attn.k_proj.bias": "attn_k.bias", "self_attn.v_proj.bias": "attn_v.bias",
            "mlp.gate_proj.weight": "ffn_gate.weight", "mlp.up_proj.weight": "ffn_up.weight", "mlp.down_proj.weight": "ffn_down.weight",
        ]
        return map[rest].map { "blk.\(i).\($0)" }
    }

    static func build(config: JSONValue, weights: Graph, notes: inout [String], properties: inout [String: String]) -> Graph? {
        func int(_ k: String) -> Int? { config[k]?.int }
        guard let h = int("hidden_size"), let layers = int("num_hidden_layers"), let heads = int("num_attention_heads"),
              let ffn = int("intermediate_size"), let vocab = int("vocab_size"), heads > 0 else {
            notes.append("weights-only: config.json lacks llama sizes (hidden_size, num_hidden_layers, num_attention_heads, …)")
            return nil
        }
        var byGGUF: [String: Tensor] = [:]
        var unmapped = 0
        for t in weights.orderedConstants {
            if let g = ggufName(t.name) { byGGUF[g] = t } else { unmapped += 1 }
        }
        let tied = config["tie_word_embeddings"].map { $0 == .bool(true) } ?? (byGGUF["output.weight"] == nil)
        let llama = LlamaConfig(
            name: config["_name_or_path"]?.string.map { ImportError.printable($0) } ?? "llama",
            hiddenSize: h, layers: layers, heads: heads, kvHeads: int("num_key_value_heads") ?? heads,
            headDim: int("head_dim"), ffnSize: ffn, vocabulary: vocab, tiedEmbeddings: tied,
            ropeTheta: config["rope_theta"]?.number ?? 10_000, maxContext: int("max_position_embeddings") ?? 2048,
            rmsEpsilon: config["rms_norm_eps"]?.number ?? 1e-6, attentionBias: byGGUF["blk.0.attn_q.bias"] != nil)
        do {
            try llama.validate()
        } catch {
            notes.append("weights-only: \(error)")
            return nil
        }
        var types: [String: DType] = [:]
        for e in LlamaGraph.tensors(for: llama) {
            guard let t = byGGUF[e.name] else {
                notes.append("weights-only: llama config recognised but the checkpoint lacks the tensor for '\(e.name)'")
                return nil
            }
            guard t.shape.values == e.shape else {
                notes.append("weights-only: '\(ImportError.printable(t.name))' is \(t.shape), the config implies \(Shape(e.shape))")
                return nil
            }
            types[e.name] = t.dtype
        }
        let context = max(1, min(GGUFLlamaGraph.defaultContext, llama.maxContext - 1))
        var graph: Graph
        do {
            graph = try LlamaGraph.build(config: llama, phase: .decode(context: context), weightTypes: types)
        } catch {
            notes.append("weights-only: the decoder cannot be built from this checkpoint: \(error)")
            return nil
        }
        for (name, t) in byGGUF where graph.constants[name] != nil {
            graph.setConstant(Tensor(name: name, type: graph.constants[name]!.type, storage: t.storage))
        }
        if unmapped > 0 { notes.append("\(unmapped) checkpoint tensors have no place in the llama decoder and are left out") }
        properties["graph.phase"] = "decode(context: \(context))"
        properties["rope.layout"] = "rotate-half (Hugging Face order; GGUF files permute Q/K rows)"
        return graph
    }
}
