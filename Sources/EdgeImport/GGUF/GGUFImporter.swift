import EdgeIR

/// Turns a GGUF file into a ``Model``.
///
/// Llama-family files become the catalog's decoder graph built with the file's real tensor types, so
/// weight bytes and decode cost reflect the actual mix of quantizations; every weight is a slice of
/// the mapped file. Other architectures (or llama files whose tensors do not match the layout) are
/// imported as weights-only models with a note saying why.
public enum GGUFImporter {
    public static func load(file: MappedFile) throws -> Model {
        let gguf = try GGUFFile(file: file)
        return try model(from: gguf)
    }

    public static func model(from gguf: GGUFFile) throws -> Model {
        var metadata = ModelMetadata(format: "gguf", source: gguf.file.path,
                                     formatVersion: "v\(gguf.version)" + (gguf.bigEndian ? " big-endian" : ""))
        for key in gguf.keys {
            if let v = gguf[key] { metadata.properties[key] = v.summary }
        }
        metadata.properties["gguf.tensor_count"] = String(gguf.tensors.count)
        metadata.properties["gguf.alignment"] = String(gguf.alignment)
        metadata.properties["gguf.data_offset"] = String(gguf.dataOffset)
        if gguf.bigEndian {
            metadata.properties["gguf.byte_order"] = "big-endian"
            metadata.notes.append("big-endian GGUF: metadata read; tensor data is stored big-endian and must be byte-swapped before use")
        }
        if let general = gguf["general.name"]?.stringValue { metadata.properties["name"] = general }
        let arch = gguf.architecture ?? "unknown"

        if GGUFLlamaHyperparameters.llamaFamily.contains(arch) {
            let hp = try GGUFLlamaHyperparameters(gguf)
            metadata.task = "llm-decode"
            metadata.properties["llama.vocab_size"] = String(hp.vocabularySize)
            metadata.properties["llama.tied_embeddings"] = String(hp.tiedEmbeddings)
            if let graph = try GGUFLlamaGraph.build(gguf, hp, notes: &metadata.notes, properties: &metadata.properties) {
                return Model(graph: graph, metadata: metadata)
            }
        } else {
            metadata.notes.append("weights-only: architecture '\(ImportError.printable(arch))' is not one Edgewise builds a graph for (llama family)")
        }
        return Model(graph: weightsOnlyGraph(gguf, name: gguf["general.name"]?.stringValue ?? "gguf"), metadata: metadata)
    }

    /// A graph holding every tensor as a mapped constant and no nodes.
    public static func weightsOnlyGraph(_ gguf: GGUFFile, name: String) -> Graph {
        var g = Graph(name: name)
        for t in gguf.tensors { g.setConstant(tensor(t, gguf)) }
        return g
    }

    /// The IR tensor for a tensor info: row-major shape, exact type, bytes left in the map.
    static func tensor(_ t: GGUFTensorInfo, _ gguf: GGUFFile) -> Tensor {
        Tensor(name: t.name, type: TensorType(t.type, t.shape), quantization: t.type.isBlockFormat ? .block : nil,
               storage: .mapped(gguf.file, offset: t.fileOffset, length: t.byteCount))
    }
}
