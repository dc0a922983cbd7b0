import EdgeIR

/// Builds a graph from a Hugging Face `config.json` and a checkpoint's tensors.
///
/// The config names the architecture (`model_type`); the builder lays out that architecture's
/// nodes and binds each weight to the checkpoint tensor of the same Hugging Face name, keeping the
/// tensor's real dtype and storage. Unknown architectures, or checkpoints missing a tensor the
/// architecture needs, stay weights-only with a note naming the reason.
enum HFConfigGraph {
    static func build(config: JSONValue, weights: Graph, path: String, metadata: inout ModelMetadata) throws -> Graph? {
        let type = config["model_type"]?.string ?? ""
        metadata.properties["config.model_type"] = ImportError.printable(type)
        if let arch = config["architectures"]?.array?.first?.string { metadata.properties["config.architecture"] = ImportError.printable(arch) }
        do {
            switch type {
            case "bert": return try HFEncoderGraph.bert(config: config, weights: weights, notes: &metadata.notes).map { tagged($0, "encoder", &metadata) }
            case "vit": return try HFEncoderGraph.vit(config: config, weights: weights, notes: &metadata.notes).map { tagged($0, "classification", &metadata) }
            case "llama", "qwen2":
                return HFLlamaGraph.build(config: config, weights: weights, notes: &metadata.notes,
                                          properties: &metadata.properties).map { tagged($0, "llm-decode", &metadata) }
            default: break
            }
        } catch let e as IRError {
            // A config whose sizes do not fit together (heads vs width …) is the file's problem, not ours.
            throw ImportError(format: "safetensors", file: path, field: "config.json", offset: nil, reason: e.description)
        }
        switch type {
        default:
            metadata.notes.append("weights-only: config.json model_type '\(ImportError.printable(type))' has no graph builder here")
            return nil
        }
    }

    static func tagged(_ g: Graph, _ task: String, _ metadata: inout ModelMetadata) -> Graph {
        metadata.task = task
        return g
    }
}
