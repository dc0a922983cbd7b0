import EdgeIR

/// One weight tensor of a Llama-architecture decoder, named as GGUF names it.
///
/// Shapes are row-major, as PyTorch and NumPy write them: a projection is `[out, in]`, the embedding
/// table `[vocabulary, hidden]`. GGUF lists dimensions the other way round (ggml's `ne`, fastest axis
/// first), so ``ggmlShape`` is ``shape`` reversed. Block formats run along the last (row) axis, the
/// one ggml stores contiguously, which is why `[out, in]` is the layout the bytes really have.
public struct LlamaTensor: Sendable, Hashable {
    /// GGUF tensor name (`blk.3.attn_q.weight`, `token_embd.weight`, …).
    public let name: String
    /// Row-major shape (`[out, in]` for projections, `[n]` for norms and biases).
    public let shape: [Int]
    /// True for norms and biases, which GGUF files keep in float32 whatever the file type.
    public let isVector: Bool

    /// Dimensions in GGUF/ggml order (`ne[0]` first).
    public var ggmlShape: [Int] { shape.reversed() }
    /// Elements in one row, the axis blocks of a block format must divide.
    public var rowLength: Int { shape.last ?? 0 }
    public var elementCount: Int { shape.reduce(1, &*) }
}

extension LlamaGraph {
    /// Every weight tensor the decoder reads, in GGUF file order: `token_embd`, the blocks, then
    /// `output_norm` and (when not tied) `output`.
    ///
    /// The GGUF importer checks a file's tensor directory against this list (names and `ggmlShape`)
    /// before binding any data, and builds its type map from the file's tensor types.
    /// - Complexity: O(layers).
    public static func tensors(for c: LlamaConfig) -> [LlamaTensor] {
        var out: [LlamaTensor] = []
        out.reserveCapacity(c.layers * 12 + 3)
        func matrix(_ n: String, _ rows: Int, _ cols: Int) { out.append(LlamaTensor(name: n, shape: [rows, cols], isVector: false)) }
        func vector(_ n: String, _ len: Int) { out.append(LlamaTensor(name: n, shape: [len], isVector: true)) }
        matrix("token_embd.weight", c.vocabulary, c.hiddenSize)
        for i in 0..<c.layers {
            let p = "blk.\(i)."
            vector(p + "attn_norm.weight", c.hiddenSize)
            matrix(p + "attn_q.weight", c.queryWidth, c.hiddenSize)
            if c.attentionBias { vector(p + "attn_q.bias", c.queryWidth) }
            matrix(p + "attn_k.weight", c.kvWidth, c.hiddenSize)
            if c.attentionBias { vector(p + "attn_k.bias", c.kvWidth) }
            matrix(p + "attn_v.weight", c.kvWidth, c.hiddenSize)
            if c.attentionBias { vector(p + "attn_v.bias", c.kvWidth) }
            matrix(p + "attn_output.weight", c.hiddenSize, c.queryWidth)
            vector(p + "ffn_norm.weight", c.hiddenSize)
            matrix(p + "ffn_gate.weight", c.ffnSize, c.hiddenSize)
            matrix(p + "ffn_up.weight", c.ffnSize, c.hiddenSize)
            matrix(p + "ffn_down.weight", c.hiddenSize, c.ffnSize)
        }
        vector("output_norm.weight", c.hiddenSize)
        if !c.tiedEmbeddings { matrix("output.weight", c.vocabulary, c.hiddenSize) }
        return out
    }

    /// The stored type of every tensor: the file's type where the map gives one, otherwise
    /// `defaultType` for matrices (falling back as llama.cpp's quantizer does when a block format does
    /// not divide a row) and float32 for norms and biases.
    ///
    /// - Throws: ``LlamaGraphError/unknownTensor(_:)`` for a name the decoder lacks;
    ///   ``LlamaGraphError/unsupportedWeightType(tensor:type:)`` for an integer, boolean or string type;
    ///   ``LlamaGraphError/misalignedBlocks(tensor:type:rowLength:)`` when a type given in the map
    ///   cannot store the tensor's rows (a file that claims so is corrupt).
    static func resolveTypes(_ tensors: [LlamaTensor], weightTypes: [String: DType],
                             defaultType: DType) throws -> [String: DType] {
        var types: [String: DType] = [:]
        types.reserveCapacity(tensors.count)
        var used = 0
        for t in tensors {
            if let given = weightTypes[t.name] {
                used += 1
                guard given.isFloatingPoint || given.isBlockFormat else {
                    throw LlamaGraphError.unsupportedWeightType(tensor: t.name, type: given)
                }
                guard !given.isBlockFormat || t.rowLength % given.blockSize == 0 else {
                    throw LlamaGraphError.misalignedBlocks(tensor: t.name, type: given, rowLength: t.rowLength)
                }
                types[t.name] = given
            } else if t.isVector {
                types[t.name] = .float32
            } else {
                types[t.name] = fitting(defaultType, rowLength: t.rowLength)
            }
        }
        if used != weightTypes.count {
            for name in weightTypes.keys.sorted() where types[name] == nil { throw LlamaGraphError.unknownTensor(name) }
        }
        return types
    }

    /// `type`, or the type llama.cpp's quantizer substitutes when `type`'s blocks do not divide the
    /// row (e.g. Qwen2.5-0.5B's width 896 is not a multiple of the 256-weight K-quant super-block).
    ///
    /// The substitutions are those of llama.cpp's `llama_tensor_get_type` fallback: 2- and 3-bit and
    /// IQ formats become `iq4_nl`, `q4_K` → `q5_0`, `q5_K` → `q5_1`, `q6_K` → `q8_0`; if even the
    /// substitute does not fit, float16.
    public static func fitting(_ type: DType, rowLength: Int) -> DType {
        func fits(_ t: DType) -> Bool { !t.isBlockFormat || rowLength % t.blockSize == 0 }
        if fits(type) { return type }
        let substitute: DType
        switch type {
        case .q4_K: substitute = .q5_0
        case .q5_K: substitute = .q5_1
        case .q6_K: substitute = .q8_0
        case .q2_K, .q3_K, .iq2_xxs, .iq2_xs, .iq2_s, .iq3_xxs, .iq3_s, .iq1_s, .iq1_m, .iq4_xs, .tq1_0, .tq2_0:
            substitute = .iq4_nl
        default: substitute = .float16
        }
        return fits(substitute) ? substitute : .float16
    }
}
