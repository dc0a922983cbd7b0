import EdgeIR

/// The hyperparameters of a llama-family decoder, read from GGUF metadata and checked against the
/// tensors the file actually holds.
public struct GGUFLlamaHyperparameters: Sendable, Equatable {
    public var architecture: String
    public var blockCount: Int
    public var embeddingLength: Int
    public var feedForwardLength: Int
    public var headCount: Int
    public var headCountKV: Int
    public var contextLength: Int
    public var vocabularySize: Int
    public var ropeFreqBase: Double
    public var ropeDimensionCount: Int
    public var rmsEpsilon: Double
    /// True when the file has no `output.weight` and the embedding table doubles as the LM head.
    public var tiedEmbeddings: Bool

    public var headDimension: Int { embeddingLength / headCount }

    /// Limits beyond any published model; larger values are treated as hostile, not as big models.
    public static let maxBlocks = 1024
    public static let maxWidth = 1 << 20
    public static let maxHeads = 4096
    public static let maxContext = 1 << 24

    /// Architectures whose tensors and metadata follow the llama layout (`general.architecture`).
    public static let llamaFamily: Set<String> = ["llama"]

    /// Reads and checks the hyperparameters of a llama-family file.
    /// - Throws: ``ImportError`` naming the key that is missing, of the wrong type, out of range, or
    ///   inconsistent with a tensor's shape.
    public init(_ gguf: GGUFFile) throws {
        let arch = gguf.architecture ?? ""
        architecture = arch
        func fail(_ key: String, _ reason: String) -> ImportError {
            ImportError(format: "gguf", file: gguf.file.path, field: ImportError.printable(key, limit: 96), offset: nil, reason: reason)
        }
        func int(_ suffix: String, range: ClosedRange<Int>, default d: Int? = nil) throws -> Int {
            let key = "\(arch).\(suffix)"
            guard let v = gguf[key] else {
                if let d { return d }
                throw fail(key, "required for a \(ImportError.printable(arch)) model but missing")
            }
            guard let i = v.integer, v.type != .bool else {
                if case .array = v { throw fail(key, "per-layer arrays are not supported here (found \(v.summary))") }
                throw fail(key, "must be an integer, found \(v.type.name)")
            }
            guard range.contains(i) else { throw fail(key, "\(i) is outside \(range.lowerBound)…\(range.upperBound)") }
            return i
        }
        func real(_ suffix: String, default d: Double) throws -> Double {
            let key = "\(arch).\(suffix)"
            guard let v = gguf[key] else { return d }
            guard let x = v.number, v.type != .bool, x.isFinite, x > 0 else {
                throw fail(key, "must be a positive number, found \(v.summary)")
            }
            return x
        }
        blockCount = try int("block_count", range: 1...Self.maxBlocks)
        embeddingLength = try int("embedding_length", range: 1...Self.maxWidth)
        feedForwardLength = try int("feed_forward_length", range: 1...Self.maxWidth)
        headCount = try int("attention.head_count", range: 1...Self.maxHeads)
        headCountKV = try int("attention.head_count_kv", range: 1...Self.maxHeads, default: headCount)
        contextLength = try int("context_length", range: 1...Self.maxContext)
        guard embeddingLength % headCount == 0 else {
            throw fail("\(arch).attention.head_count", "\(headCount) heads do not divide the embedding length \(embeddingLength)")
        }
        guard headCount % headCountKV == 0 else {
            throw fail("\(arch).attention.head_count_kv", "\(headCountKV) key/value heads do not divide \(headCount) query heads")
        }
        ropeDimensionCount = try int("rope.dimension_count", range: 1...Self.maxWidth, default: embeddingLength / headCount)
        ropeFreqBase = try real("rope.freq_base", default: 10_000)
        rmsEpsilon = try real("attention.layer_norm_rms_epsilon", default: 1e-5)

        guard let embd = gguf.tensor(named: "token_embd.weight") else {
            throw fail("token_embd.weight", "a \(ImportError.printable(arch)) model needs this tensor")
        }
        guard embd.dims.count == 2, embd.dims[0] == embeddingLength else {
            throw fail("token_embd.weight", "shape \(embd.shape) does not match embedding_length \(embeddingLength)")
        }
        vocabularySize = embd.dims[1]
        if let v = gguf["\(arch).vocab_size"]?.integer, v != vocabularySize {
            throw fail("\(arch).vocab_size", "\(v) disagrees with token_embd.weight's \(vocabularySize) rows")
        }
        tiedEmbeddings = gguf.tensor(named: "output.weight") == nil
    }
}

/// Tokenizer metadata (`tokenizer.ggml.*`), decoded on request: the engine needs it to run the model.
public struct GGUFTokenizer: Sendable {
    /// `gpt2` (byte-level BPE), `llama` (SentencePiece), …
    public var model: String?
    public var pre: String?
    public var tokens: [String]
    public var scores: [Double]?
    public var tokenTypes: [Int64]?
    public var merges: [String]?
    public var bosID: Int?
    public var eosID: Int?
    public var unknownID: Int?
    public var paddingID: Int?
    public var chatTemplate: String?

    /// Decodes the tokenizer, or nil if the file has no `tokenizer.ggml.tokens` string array.
    public init?(_ gguf: GGUFFile) {
        guard case .array(let a)? = gguf["tokenizer.ggml.tokens"], let t = a.strings() else { return nil }
        tokens = t
        model = gguf["tokenizer.ggml.model"]?.stringValue
        pre = gguf["tokenizer.ggml.pre"]?.stringValue
        if case .array(let s)? = gguf["tokenizer.ggml.scores"] { scores = s.numbers() }
        if case .array(let s)? = gguf["tokenizer.ggml.token_type"] { tokenTypes = s.integers() }
        if case .array(let s)? = gguf["tokenizer.ggml.merges"] { merges = s.strings() }
        bosID = gguf["tokenizer.ggml.bos_token_id"]?.integer
        eosID = gguf["tokenizer.ggml.eos_token_id"]?.integer
        unknownID = gguf["tokenizer.ggml.unknown_token_id"]?.integer
        paddingID = gguf["tokenizer.ggml.padding_token_id"]?.integer
        chatTemplate = gguf["tokenizer.chat_template"]?.stringValue
    }
}
