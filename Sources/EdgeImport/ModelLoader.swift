import EdgeIR

/// Opens a model file of any supported format.
public enum ModelLoader {
    /// Maps the file at `path`, detects its format from content and imports it.
    ///
    /// Import is O(metadata): weights stay in the mapped file until used.
    /// - Throws: ``ImportError`` naming the format, field and byte offset, or ``IRError/io(path:reason:)``.
    public static func load(path: String) throws -> Model {
        let file = try MappedFile(path: path)
        let head = file.slice(offset: 0, length: min(file.count, ModelFormat.detectionLength)) ?? UnsafeRawBufferPointer(start: nil, count: 0)
        guard let format = ModelFormat.detect(head, fileSize: file.count) else {
            throw ImportError(format: "unknown", file: path, field: "header", offset: 0,
                              reason: "not an ONNX, TFLite, GGUF or safetensors file (no known magic bytes)")
        }
        return try load(file: file, format: format)
    }

    /// Imports an already mapped file in a known format.
    public static func load(file: MappedFile, format: ModelFormat) throws -> Model {
        switch format {
        case .gguf:
            return try GGUFImporter.load(file: file)
        case .tflite:
            return try TFLiteImporter.load(file: file)
        case .safetensors:
            return try SafetensorsImporter.load(file: file)
        case .onnx:
            return try ONNXImporter.load(file: file)
        }
    }
}
