/// Configurations of the published decoders in the catalog.
///
/// Every number is copied from the publisher's `config.json` on Hugging Face (field names in
/// ``LlamaConfig``'s documentation); published parameter counts live with the catalog entries in
/// `Zoo+LLM.swift`, and the tests check the graphs against them.
extension LlamaConfig {
    /// meta-llama/Llama-2-7b-hf `config.json`.
    public static let llama2_7B = LlamaConfig(
        name: "Llama-2-7B", hiddenSize: 4096, layers: 32, heads: 32, kvHeads: 32, ffnSize: 11008,
        vocabulary: 32000, tiedEmbeddings: false, ropeTheta: 10_000, maxContext: 4096, rmsEpsilon: 1e-5)

    /// meta-llama/Llama-2-13b-hf `config.json`.
    public static let llama2_13B = LlamaConfig(
        name: "Llama-2-13B", hiddenSize: 5120, layers: 40, heads: 40, kvHeads: 40, ffnSize: 13824,
        vocabulary: 32000, tiedEmbeddings: false, ropeTheta: 10_000, maxContext: 4096, rmsEpsilon: 1e-5)

    /// meta-llama/Meta-Llama-3-8B `config.json`.
    public static let llama3_8B = LlamaConfig(
        name: "Llama-3-8B", hiddenSize: 4096, layers: 32, heads: 32, kvHeads: 8, ffnSize: 14336,
        vocabulary: 128_256, tiedEmbeddings: false, ropeTheta: 500_000, maxContext: 8192, rmsEpsilon: 1e-5)

    /// meta-llama/Llama-3.1-8B `config.json` (the Llama 3 network with a 128 K context via RoPE scaling).
    public static let llama31_8B = LlamaConfig(
        name: "Llama-3.1-8B", hiddenSize: 4096, layers: 32, heads: 32, kvHeads: 8, ffnSize: 14336,
        vocabulary: 128_256, tiedEmbeddings: false, ropeTheta: 500_000, maxContext: 131_072, rmsEpsilon: 1e-5)

    /// meta-llama/Llama-3.2-1B `config.json`.
    public static let llama32_1B = LlamaConfig(
        name: "Llama-3.2-1B", hiddenSize: 2048, layers: 16, heads: 32, kvHeads: 8, headDim: 64, ffnSize: 8192,
        vocabulary: 128_256, tiedEmbeddings: true, ropeTheta: 500_000, maxContext: 131_072, rmsEpsilon: 1e-5)

    /// meta-llama/Llama-3.2-3B `config.json`.
    public static let llama32_3B = LlamaConfig(
        name: "Llama-3.2-3B", hiddenSize: 3072, layers: 28, heads: 24, kvHeads: 8, headDim: 128, ffnSize: 8192,
        vocabulary: 128_256, tiedEmbeddings: true, ropeTheta: 500_000, maxContext: 131_072, rmsEpsilon: 1e-5)

    /// Qwen/Qwen2.5-0.5B `config.json`; context from the model card ("Full 32,768 tokens").
    public static let qwen25_0_5B = LlamaConfig(
        name: "Qwen2.5-0.5B", hiddenSize: 896, layers: 24, heads: 14, kvHeads: 2, ffnSize: 4864,
        vocabulary: 151_936, tiedEmbeddings: true, ropeTheta: 1_000_000, maxContext: 32768, rmsEpsilon: 1e-6,
        attentionBias: true)

    /// Qwen/Qwen2.5-1.5B `config.json`; context from the model card (32,768 tokens).
    public static let qwen25_1_5B = LlamaConfig(
        name: "Qwen2.5-1.5B", hiddenSize: 1536, layers: 28, heads: 12, kvHeads: 2, ffnSize: 8960,
        vocabulary: 151_936, tiedEmbeddings: true, ropeTheta: 1_000_000, maxContext: 32768, rmsEpsilon: 1e-6,
        attentionBias: true)

    /// Qwen/Qwen2.5-3B `config.json`; context from the model card (32,768 tokens).
    public static let qwen25_3B = LlamaConfig(
        name: "Qwen2.5-3B", hiddenSize: 2048, layers: 36, heads: 16, kvHeads: 2, ffnSize: 11008,
        vocabulary: 151_936, tiedEmbeddings: true, ropeTheta: 1_000_000, maxContext: 32768, rmsEpsilon: 1e-6,
        attentionBias: true)

    /// Qwen/Qwen2.5-7B `config.json`; context from the model card ("Full 131,072 tokens").
    public static let qwen25_7B = LlamaConfig(
        name: "Qwen2.5-7B", hiddenSize: 3584, layers: 28, heads: 28, kvHeads: 4, ffnSize: 18944,
        vocabulary: 152_064, tiedEmbeddings: false, ropeTheta: 1_000_000, maxContext: 131_072, rmsEpsilon: 1e-6,
        attentionBias: true)

    /// Qwen/Qwen2.5-14B `config.json`; context from the model card (131,072 tokens).
    public static let qwen25_14B = LlamaConfig(
        name: "Qwen2.5-14B", hiddenSize: 5120, layers: 48, heads: 40, kvHeads: 8, ffnSize: 13824,
        vocabulary: 152_064, tiedEmbeddings: false, ropeTheta: 1_000_000, maxContext: 131_072, rmsEpsilon: 1e-5,
        attentionBias: true)

    /// HuggingFaceTB/SmolLM2-135M `config.json` (the same numbers as the GGUF's `llama.*` keys).
    public static let smolLM2_135M = LlamaConfig(
        name: "SmolLM2-135M", hiddenSize: 576, layers: 30, heads: 9, kvHeads: 3, ffnSize: 1536,
        vocabulary: 49152, tiedEmbeddings: true, ropeTheta: 100_000, maxContext: 8192, rmsEpsilon: 1e-5)

    /// HuggingFaceTB/SmolLM2-360M `config.json`.
    public static let smolLM2_360M = LlamaConfig(
        name: "SmolLM2-360M", hiddenSize: 960, layers: 32, heads: 15, kvHeads: 5, ffnSize: 2560,
        vocabulary: 49152, tiedEmbeddings: true, ropeTheta: 100_000, maxContext: 8192, rmsEpsilon: 1e-5)

    /// HuggingFaceTB/SmolLM2-1.7B `config.json`.
    public static let smolLM2_1_7B = LlamaConfig(
        name: "SmolLM2-1.7B", hiddenSize: 2048, layers: 24, heads: 32, kvHeads: 32, ffnSize: 8192,
        vocabulary: 49152, tiedEmbeddings: true, ropeTheta: 130_000, maxContext: 8192, rmsEpsilon: 1e-5)

    /// TinyLlama/TinyLlama-1.1B-intermediate-step-1431k-3T `config.json`.
    public static let tinyLlama_1_1B = LlamaConfig(
        name: "TinyLlama-1.1B", hiddenSize: 2048, layers: 22, heads: 32, kvHeads: 4, ffnSize: 5632,
        vocabulary: 32000, tiedEmbeddings: false, ropeTheta: 10_000, maxContext: 2048, rmsEpsilon: 1e-5)
}
