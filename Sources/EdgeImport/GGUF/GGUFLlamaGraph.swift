import EdgeIR
import EdgeZoo

/// Builds the decoder graph of a llama-family GGUF file.
///
/// The graph comes from the catalog's builder (``LlamaGraph``), given the file's per-tensor element
/// types so that weight bytes and decode cost are this file's; each weight is then bound to its bytes
/// in the mapped file. The phase is one decode step after ``defaultContext`` cached tokens (or the
/// model's context less one, if shorter), the figure `inspect` and the simulator start from.
enum GGUFLlamaGraph {
    static let defaultContext = 1024

    /// The decoder graph, or nil (with a note) when the file's tensors do not match the llama layout.
    static func build(_ gguf: GGUFFile, _ hp: GGUFLlamaHyperparameters, notes: inout [String],
                      properties: inout [String: String]) throws -> Graph? {
        let headDim = gguf["\(hp.architecture).attention.key_length"]?.integer ?? hp.headDimension
        let config = LlamaConfig(
            name: gguf["general.name"]?.stringValue.map { ImportError.printable($0) } ?? hp.architecture,
            hiddenSize: hp.embeddingLength, layers: hp.blockCount, heads: hp.headCount, kvHeads: hp.headCountKV,
            headDim: headDim, ffnSize: hp.feedForwardLength, vocabulary: hp.vocabularySize,
            tiedEmbeddings: hp.tiedEmbeddings, ropeTheta: hp.ropeFreqBase, maxContext: hp.contextLength,
            rmsEpsilon: hp.rmsEpsilon, attentionBias: gguf.tensor(named: "blk.0.attn_q.bias") != nil)

        // The file's tensor directory must be exactly the decoder's (names and ggml shapes).
        var byName: [String: GGUFTensorInfo] = [:]
        for t in gguf.tensors { byName[t.name] = t }
        let expected = LlamaGraph.tensors(for: config)
        var types: [String: DType] = [:]
        for e in expected {
            guard let t = byName[e.name] else {
                notes.append("weights-only: llama layout expects tensor '\(e.name)', which the file lacks")
                return nil
            }
            guard t.dims == e.ggmlShape else {
                notes.append("weights-only: tensor '\(e.name)' has ggml shape \(t.dims), the llama layout expects \(e.ggmlShape)")
                return nil
            }
            types[e.name] = t.type
        }
        let extra = gguf.tensors.count - expected.count
        if extra > 0 { notes.append("\(extra) tensors beyond the llama layout (e.g. rope_freqs) are kept out of the graph") }

        let context = min(defaultContext, hp.contextLength - 1)
        var graph: Graph
        do {
            graph = try LlamaGraph.build(config: config, phase: .decode(context: max(1, context)), weightTypes: types)
        } catch let e as LlamaGraphError {
            notes.append("weights-only: the decoder cannot be built from this file: \(e.description)")
            return nil
        }
        for e in expected {
            guard let t = byName[e.name], let c = graph.constants[e.name] else { continue }
            graph.setConstant(Tensor(name: e.name, type: c.type, quantization: t.type.isBlockFormat ? .block : nil,
                                     storage: .mapped(gguf.file, offset: t.fileOffset, length: t.byteCount)))
        }
        properties["graph.phase"] = "decode(context: \(max(1, context)))"
        return graph
    }
}
