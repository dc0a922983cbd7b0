import EdgeImport
import EdgeIR

/// Float values of a GGUF file's tensors, decoded from whatever type the file stores them in.
///
/// Re-quantizing a GGUF model (to Q4_K, int4 g128 …) starts from these: the file's own values are the
/// reference its quantization error is measured against.
public enum GGUFTensorValues {
    /// The tensor's values in row-major order (ggml's `dims[0]` fastest), shape `[rows, columns]`
    /// with `columns = dims[0]`.
    ///
    /// - Throws: ``OptimizeError`` when the type has no decoder here or the stored bytes lie outside
    ///   the file (the importer checked this already; checked again because the file is mapped).
    public static func read(_ info: GGUFTensorInfo, in gguf: GGUFFile) throws -> (values: [Float], rows: Int, columns: Int) {
        guard let bytes = gguf.file.slice(offset: info.fileOffset, length: info.byteCount) else {
            throw OptimizeError.badTensor(name: info.name, reason: "bytes \(info.fileOffset)+\(info.byteCount) lie outside \(gguf.file.path)")
        }
        let columns = info.dims.first ?? 1
        let rows = columns == 0 ? 0 : info.elementCount / columns
        let values = try GGUFBlocks.dequantize(bytes, as: info.type, count: info.elementCount, name: info.name)
        return (values, rows, columns)
    }

    /// Names of the projection weights a decoder multiplies activations by (attention q/k/v/output
    /// and the feed-forward gate/up/down), in file order — the "MatMul weights" of a llama GGUF.
    public static func projectionWeights(in gguf: GGUFFile) -> [GGUFTensorInfo] {
        let suffixes = ["attn_q.weight", "attn_k.weight", "attn_v.weight", "attn_output.weight",
                        "ffn_gate.weight", "ffn_up.weight", "ffn_down.weight"]
        return gguf.tensors.filter { t in t.name.hasPrefix("blk.") && suffixes.contains { t.name.hasSuffix("." + $0) } }
    }
}
