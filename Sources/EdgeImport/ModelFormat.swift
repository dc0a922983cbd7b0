/// The model file formats Edgewise reads, detected from content rather than file extension.
public enum ModelFormat: String, Sendable, CaseIterable {
    case onnx, tflite, gguf, safetensors

    /// Detects the format from a file's first bytes (at least 16 are needed for certainty).
    ///
    /// - GGUF: magic `GGUF` at offset 0.
    /// - TFLite: FlatBuffer file identifier `TFL3` at offset 4.
    /// - safetensors: a little-endian u64 header length followed by `{`.
    /// - ONNX: a protobuf `ModelProto` — the first byte is a valid field key of ModelProto
    ///   (ir_version = field 1 varint, or another known field), checked structurally by the importer.
    public static func detect(_ head: UnsafeRawBufferPointer) -> ModelFormat? {
        if head.count >= 4, head[0] == 0x47, head[1] == 0x47, head[2] == 0x55, head[3] == 0x46 { return .gguf }
        if head.count >= 8, head[4] == 0x54, head[5] == 0x46, head[6] == 0x4C, head[7] == 0x33 { return .tflite }
        if head.count >= 9 {
            var n: UInt64 = 0
            for i in 0..<8 { n |= UInt64(head[i]) << (8 * UInt64(i)) }
            if n > 1, n < 100_000_000, head[8] == UInt8(ascii: "{") { return .safetensors }
        }
        if let first = head.first {
            // Protobuf key = (field << 3) | wire type. ModelProto fields: 1 ir_version (varint),
            // 2 producer_name, 3 producer_version, 4 domain (len), 5 model_version (varint),
            // 6 doc_string, 7 graph, 8 opset_import, 14 metadata_props, 20 training_info, 25 functions.
            let validKeys: Set<UInt8> = [0x08, 0x12, 0x1A, 0x22, 0x28, 0x32, 0x3A, 0x42, 0x72, 0xA2, 0xCA]
            if validKeys.contains(first) { return .onnx }
        }
        return nil
    }
}
