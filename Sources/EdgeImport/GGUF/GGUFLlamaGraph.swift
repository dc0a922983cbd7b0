import EdgeIR

/// Builds the decoder graph of a llama-family GGUF file.
///
/// The graph comes from the catalog's llama builder, given the file's per-tensor element types so
/// that sizes and decode cost are those of this file; the weights are then bound to the file's bytes.
enum GGUFLlamaGraph {
    /// The decoder graph, or nil (with a note) when it cannot be built from this file.
    static func build(_ gguf: GGUFFile, _ hp: GGUFLlamaHyperparameters, notes: inout [String]) throws -> Graph? {
        notes.append("weights-only: llama hyperparameters read and checked; the catalog's decoder builder is not available in this build")
        return nil
    }
}
