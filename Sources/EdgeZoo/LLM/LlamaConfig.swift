import EdgeIR

/// The hyper-parameters of a Llama-architecture decoder (Llama 2/3, Qwen2, SmolLM2, TinyLlama …).
///
/// These are the fields a GGUF file's `llama.*` / `qwen2.*` metadata and a Hugging Face `config.json`
/// both carry, so the catalog and the GGUF importer build decoder graphs from the same description.
/// Qwen2 differs from Llama only by biases on the Q/K/V projections (``attentionBias``).
public struct LlamaConfig: Sendable, Hashable, Codable {
    /// A short name, used for the graph's name.
    public var name: String
    /// Model width `d` (`embedding_length`, `hidden_size`).
    public var hiddenSize: Int
    /// Transformer blocks (`block_count`, `num_hidden_layers`).
    public var layers: Int
    /// Query heads (`attention.head_count`).
    public var heads: Int
    /// Key/value heads (`attention.head_count_kv`); fewer than ``heads`` means grouped-query attention.
    public var kvHeads: Int
    /// Width of one head (`attention.key_length`, `head_dim`); usually `hiddenSize / heads`.
    public var headDim: Int
    /// Width of the SwiGLU feed-forward layer (`feed_forward_length`, `intermediate_size`).
    public var ffnSize: Int
    /// Vocabulary size (rows of `token_embd.weight`).
    public var vocabulary: Int
    /// True when the LM head reuses `token_embd.weight` (no `output.weight` tensor).
    public var tiedEmbeddings: Bool
    /// RoPE base frequency (`rope.freq_base`, `rope_theta`).
    public var ropeTheta: Double
    /// Longest context the model was trained for (`context_length`, `max_position_embeddings`).
    public var maxContext: Int
    /// RMSNorm epsilon (`attention.layer_norm_rms_epsilon`).
    public var rmsEpsilon: Double
    /// Biases on the Q, K and V projections (Qwen2); Llama has none.
    public var attentionBias: Bool

    public init(name: String, hiddenSize: Int, layers: Int, heads: Int, kvHeads: Int, headDim: Int? = nil,
                ffnSize: Int, vocabulary: Int, tiedEmbeddings: Bool, ropeTheta: Double, maxContext: Int,
                rmsEpsilon: Double = 1e-5, attentionBias: Bool = false) {
        self.name = name
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim ?? (heads > 0 ? hiddenSize / heads : 0)
        self.ffnSize = ffnSize
        self.vocabulary = vocabulary
        self.tiedEmbeddings = tiedEmbeddings
        self.ropeTheta = ropeTheta
        self.maxContext = maxContext
        self.rmsEpsilon = rmsEpsilon
        self.attentionBias = attentionBias
    }

    /// Width of all query heads together (`heads × headDim`).
    public var queryWidth: Int { heads &* headDim }
    /// Width of all key (or value) heads together (`kvHeads × headDim`).
    public var kvWidth: Int { kvHeads &* headDim }

    /// Checks that the numbers describe a buildable decoder.
    ///
    /// The GGUF importer reads these from files written by strangers, so every field is bounded before
    /// any graph is sized from it: a bad file yields an error naming the field, never a trap or a
    /// multi-gigabyte allocation.
    /// - Throws: ``LlamaGraphError/invalidConfig(field:value:reason:)``.
    public func validate() throws {
        func check(_ field: String, _ value: Int, _ range: ClosedRange<Int>) throws {
            guard range.contains(value) else {
                throw LlamaGraphError.invalidConfig(field: field, value: String(value),
                                                    reason: "must be in \(range.lowerBound)…\(range.upperBound)")
            }
        }
        try check("hiddenSize", hiddenSize, 1...LlamaConfig.maxWidth)
        try check("layers", layers, 1...LlamaConfig.maxLayers)
        try check("heads", heads, 1...LlamaConfig.maxHeads)
        try check("kvHeads", kvHeads, 1...heads)
        try check("headDim", headDim, 2...LlamaConfig.maxHeadDim)
        try check("ffnSize", ffnSize, 1...LlamaConfig.maxWidth * 8)
        try check("vocabulary", vocabulary, 1...LlamaConfig.maxVocabulary)
        try check("maxContext", maxContext, 2...LlamaConfig.maxContextLimit)
        guard heads % kvHeads == 0 else {
            throw LlamaGraphError.invalidConfig(field: "kvHeads", value: String(kvHeads),
                                                reason: "query heads \(heads) are not a multiple of it")
        }
        guard headDim % 2 == 0 else {
            throw LlamaGraphError.invalidConfig(field: "headDim", value: String(headDim), reason: "RoPE needs an even head size")
        }
        guard ropeTheta.isFinite, ropeTheta > 0 else {
            throw LlamaGraphError.invalidConfig(field: "ropeTheta", value: String(ropeTheta), reason: "must be a positive number")
        }
        guard rmsEpsilon.isFinite, rmsEpsilon >= 0 else {
            throw LlamaGraphError.invalidConfig(field: "rmsEpsilon", value: String(rmsEpsilon), reason: "must be ≥ 0")
        }
    }

    /// Bounds far above any published model (Llama 3.1 405B: width 16,384, 128 heads, 131,072 tokens),
    /// chosen so that the largest cost product, prefill attention `heads · P² · 2·headDim`, stays below
    /// 2⁶³ (2⁹ · 2⁴⁰ · 2¹³) and cost arithmetic cannot overflow.
    static let maxWidth = 1 << 16
    static let maxHeadDim = 1 << 12
    static let maxLayers = 1 << 10
    static let maxHeads = 1 << 9
    static let maxVocabulary = 1 << 22
    static let maxContextLimit = 1 << 20
}

/// Which pass of a decoder a graph describes.
public enum DecoderPhase: Sendable, Hashable, CustomStringConvertible {
    /// The prompt pass: `prompt` tokens at once, filling the KV cache.
    case prefill(prompt: Int)
    /// One generated token attending to `context` cached positions plus itself.
    case decode(context: Int)

    public var description: String {
        switch self {
        case .prefill(let p): return "prefill(prompt: \(p))"
        case .decode(let c): return "decode(context: \(c))"
        }
    }
}

/// Why a decoder graph could not be built. Messages are one line.
public enum LlamaGraphError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidConfig(field: String, value: String, reason: String)
    /// The prompt or context length is outside 1…maxContext.
    case badLength(phase: String, value: Int, maxContext: Int)
    /// The type map names a tensor the decoder does not have.
    case unknownTensor(String)
    /// A block format whose block does not divide the tensor's rows.
    case misalignedBlocks(tensor: String, type: DType, rowLength: Int)
    /// A weight type the decoder's matrix products cannot use (integers, bool, string).
    case unsupportedWeightType(tensor: String, type: DType)
    /// The KV-cache element type cannot hold the cache's rows.
    case unsupportedCacheType(DType, headDim: Int)

    public var description: String {
        switch self {
        case .invalidConfig(let f, let v, let r):
            return "decoder config: \(f) = \(v) \(r)"
        case .badLength(let p, let v, let m):
            return "\(p) length \(v) is outside 1…\(m) for this model's context"
        case .unknownTensor(let n):
            return "tensor '\(n)' is not part of this decoder"
        case .misalignedBlocks(let n, let t, let r):
            return "tensor '\(n)': \(t.rawValue) blocks of \(t.blockSize) do not divide its rows of \(r)"
        case .unsupportedWeightType(let n, let t):
            return "tensor '\(n)': element type \(t.rawValue) is not a float or block format"
        case .unsupportedCacheType(let t, let d):
            return "KV cache type \(t.rawValue) cannot hold rows of head size \(d)"
        }
    }
}
