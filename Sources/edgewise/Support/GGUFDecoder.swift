import EdgeIR
import EdgeImport
import EdgeZoo

/// The configuration and per-tensor types of a llama-family GGUF file, so the simulator can build its
/// prefill and decode passes at any prompt and context length with the file's own weight bytes.
///
/// The importer builds one decode step at a fixed context; token rates need both passes at the
/// user's lengths, so the configuration is read here the way the importer reads it (same keys,
/// same checks through ``GGUFLlamaHyperparameters``) and handed to ``LLMModels``.
enum GGUFDecoder {
    struct Source {
        var config: LlamaConfig
        var weightTypes: [String: DType]
        var name: String
    }

    /// The decoder in the file at `path`, or nil when it is not a llama-layout GGUF decoder (then it
    /// is simulated as an ordinary graph, or not at all if weights-only).
    /// - Throws: ``ImportError`` for a malformed file.
    static func load(path: String) throws -> Source? {
        let gguf = try GGUFFile(file: try MappedFile(path: path))
        guard let arch = gguf.architecture, GGUFLlamaHyperparameters.llamaFamily.contains(arch) else { return nil }
        let hp = try GGUFLlamaHyperparameters(gguf)
        let name = gguf["general.name"]?.stringValue.map { ImportError.printable($0) } ?? arch
        let config = LlamaConfig(
            name: name, hiddenSize: hp.embeddingLength, layers: hp.blockCount, heads: hp.headCount, kvHeads: hp.headCountKV,
            headDim: gguf["\(arch).attention.key_length"]?.integer ?? hp.headDimension, ffnSize: hp.feedForwardLength,
            vocabulary: hp.vocabularySize, tiedEmbeddings: hp.tiedEmbeddings, ropeTheta: hp.ropeFreqBase,
            maxContext: hp.contextLength, rmsEpsilon: hp.rmsEpsilon,
            attentionBias: gguf.tensor(named: "blk.0.attn_q.bias") != nil)
        var byName: [String: GGUFTensorInfo] = [:]
        for t in gguf.tensors { byName[t.name] = t }
        var types: [String: DType] = [:]
        for e in LlamaGraph.tensors(for: config) {
            guard let t = byName[e.name], t.dims == e.ggmlShape else { return nil }
            types[e.name] = t.type
        }
        return Source(config: config, weightTypes: types, name: name)
    }
}
