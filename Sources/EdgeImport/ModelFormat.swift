/// The model file formats Edgewise reads, detected from content rather than file extension.
public enum ModelFormat: String, Sendable, CaseIterable {
    case onnx, tflite, gguf, safetensors

    /// How many leading bytes ``detect(_:fileSize:)`` looks at; callers should pass at least this many
    /// when the file has them.
    public static let detectionLength = 4096

    /// Detects the format from a file's first bytes (ideally ``detectionLength``).
    ///
    /// Each rule checks structure, not just a magic number, so that a file of one format is never taken
    /// for another and random data is rejected:
    /// - GGUF: magic `GGUF` at offset 0 (the importer then names a bad version precisely).
    /// - TFLite: FlatBuffer file identifier `TFL3` at offset 4 and a root-table offset that points
    ///   past the 8-byte prefix and inside the file.
    /// - safetensors: a little-endian u64 header length in 2…100 MB that fits in the file, followed by `{`;
    ///   or a sharded checkpoint's index: a JSON object whose first bytes name `weight_map` or `metadata`.
    /// - ONNX: a protobuf `ModelProto` whose first field has one of ModelProto's field numbers with that
    ///   field's wire type and, for a length-delimited field, a length that fits in the file.
    /// - Parameter fileSize: the whole file's size, when known, for the range checks.
    public static func detect(_ head: UnsafeRawBufferPointer, fileSize: Int? = nil) -> ModelFormat? {
        let size = fileSize ?? Int.max
        func u32(_ at: Int) -> UInt32 {
            (0..<4).reduce(UInt32(0)) { $0 | UInt32(head[at + $1]) << (8 * UInt32($1)) }
        }
        if head.count >= 4, head[0] == 0x47, head[1] == 0x47, head[2] == 0x55, head[3] == 0x46 { return .gguf }
        if head.count >= 8, head[4] == 0x54, head[5] == 0x46, head[6] == 0x4C, head[7] == 0x33 {
            let root = Int(u32(0))
            if root >= 8, root < size { return .tflite }
        }
        if head.count >= 9, head[8] == UInt8(ascii: "{") {
            let n = UInt64(u32(0)) | UInt64(u32(4)) << 32
            if n >= 2, n <= 100_000_000, Int(n) <= size - 8 { return .safetensors }
        }
        if isShardIndex(head) { return .safetensors }
        if isModelProto(head, size: size) { return .onnx }
        return nil
    }

    /// A JSON object starting (after whitespace) with `{` whose leading text names `weight_map` or
    /// `metadata`, as `model.safetensors.index.json` files do.
    static func isShardIndex(_ head: UnsafeRawBufferPointer) -> Bool {
        guard let first = head.firstIndex(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }),
              head[first] == UInt8(ascii: "{") else { return false }
        let text = String(decoding: head, as: UTF8.self)
        return text.contains("\"weight_map\"") || text.contains("\"metadata\"")
    }

    /// ModelProto's fields (onnx.proto): number → wire type (0 varint, 2 length-delimited).
    static let modelProtoFields: [UInt64: UInt64] = [
        1: 0, 2: 2, 3: 2, 4: 2, 5: 0, 6: 2, 7: 2, 8: 2, 14: 2, 20: 2, 25: 2,
    ]

    /// Checks that the first protobuf field is a ModelProto field with the right wire type, and that a
    /// length-delimited value fits in the file.
    static func isModelProto(_ head: UnsafeRawBufferPointer, size: Int) -> Bool {
        var p = 0
        func varint() -> UInt64? {
            var v: UInt64 = 0
            for shift in stride(from: UInt64(0), to: 64, by: 7) {
                guard p < head.count else { return nil }
                let b = head[p]
                p += 1
                v |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return v }
            }
            return nil
        }
        guard let key = varint() else { return false }
        let field = key >> 3, wire = key & 7
        guard let expected = modelProtoFields[field], expected == wire else { return false }
        guard let value = varint() else { return false }
        if wire == 2 { return value <= UInt64(max(0, size - p)) }
        return true
    }
}
