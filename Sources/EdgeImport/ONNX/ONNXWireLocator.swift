import EdgeIR

/// Walks an ONNX file's protobuf structure once, checking every length and string, and produces a
/// compacted copy of the metadata for swift-protobuf to decode, with tensor payloads cut out.
///
/// Why: swift-protobuf decodes a `bytes` field into a fresh `Data`, so decoding a 100 MB model
/// directly would copy 100 MB of weights (and touch every page of the map). The locator instead
/// replaces each `raw_data` (and packed `float_data` / `double_data`) by a reference — a private field
/// `edgewise_payload` holding an index into ``payloads`` — so the decoded `TensorProto` says where its
/// bytes are in the file and the importer stores them as a lazy `TensorStorage.mapped` slice. Protobuf
/// semantics (repeated fields concatenate, a repeated singular field's last value wins) still apply,
/// because the decoder sees the references in the original field order. Every message that can be
/// named in an error also gets an `edgewise_offset` (its field's byte offset in the file).
///
/// The walk is iterative over fields and recursive over nested messages, limited to
/// ``maxMessageDepth`` messages and ``Graph/maxSubgraphDepth`` nested graphs. Sub-message lengths are
/// written as 5-byte padded varints and patched afterwards, so the copy is built in one pass.
/// - Complexity: O(metadata): payloads are skipped by their length prefix, never read.
struct ONNXWireLocator {
    /// A tensor payload left in the file.
    struct Payload: Sendable, Equatable {
        /// 9 `raw_data`, 4 `float_data` (packed), 10 `double_data` (packed).
        let field: Int
        /// Offset of the field's key, for error messages.
        let keyOffset: Int
        /// The payload bytes in the file.
        let range: Range<Int>
    }

    /// Nested messages allowed: a subgraph costs three levels (node → attribute → graph), so 32 nested
    /// graphs plus a value's type fit with room to spare; anything deeper is hostile.
    static let maxMessageDepth = 128

    private let bytes: UnsafeRawBufferPointer
    private var out = WireWriter()
    private(set) var payloads: [Payload] = []
    /// The enclosing messages of the field being read, for error paths.
    private var frames: [Frame] = []

    private struct Frame {
        let kind: ONNXMessageKind
        let start: Int
        var field = 0
        var keyOffset = 0
        let name: String
    }

    /// Walks `bytes` as an ONNX `ModelProto`.
    ///
    /// - Returns: the compacted message bytes and the payload table they refer to.
    /// - Throws: ``ImportError`` naming the field path (e.g. `graph.node[12].attribute[0].t.raw_data`)
    ///   and the byte offset of the problem.
    static func compact(_ bytes: UnsafeRawBufferPointer, file: String) throws(ImportError) -> (bytes: [UInt8], payloads: [Payload]) {
        var w = ONNXWireLocator(bytes: bytes)
        w.out.bytes.reserveCapacity(min(bytes.count, 1 << 16))
        do {
            try w.walk(.model, 0 ..< bytes.count, name: "model")
        } catch {
            throw ImportError(format: "onnx", file: file, field: w.path(), offset: error.offset, reason: error.reason)
        }
        return (w.out.bytes, w.payloads)
    }

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    private mutating func walk(_ kind: ONNXMessageKind, _ range: Range<Int>, name: String) throws(WireFault) {
        guard frames.count < ONNXWireLocator.maxMessageDepth else {
            throw WireFault(offset: range.lowerBound, reason: "messages nested deeper than \(ONNXWireLocator.maxMessageDepth) levels")
        }
        // The main graph is level 0; each If/Loop/Scan body inside it one more.
        if kind == .graph, frames.lazy.filter({ $0.kind == .graph }).count > Graph.maxSubgraphDepth {
            throw WireFault(offset: range.lowerBound, reason: "subgraphs nested deeper than \(Graph.maxSubgraphDepth) levels")
        }
        let fieldOffset = frames.last?.keyOffset ?? 0
        frames.append(Frame(kind: kind, start: range.lowerBound, name: name))
        // Popped only on success: after a throw the stack still names where the walk stopped.

        if ONNXWireSchema.carriesOffset.contains(kind) {
            out.key(ONNXWireSchema.offsetField, .varint)
            out.varint(UInt64(fieldOffset))
        }
        let schema = ONNXWireSchema.fields(kind)
        var c = WireCursor(bytes, from: range.lowerBound, to: range.upperBound)
        while !c.isAtEnd {
            let keyStart = c.pos
            frames[frames.count - 1].keyOffset = keyStart
            frames[frames.count - 1].field = 0
            let (number, type) = try c.key()
            frames[frames.count - 1].field = number
            guard let field = schema[number] else {
                try c.skipValue(type)  // unknown to the subset: dropped, as the decoder would drop it
                continue
            }
            switch (field.kind, type) {
            case (.message(let sub), .lengthDelimited):
                out.append(bytes, keyStart ..< c.pos)
                let body = try c.lengthDelimited()
                let slot = out.reserveLength()
                try walk(sub, body, name: field.name)
                out.patchLength(at: slot)
            case (.string, .lengthDelimited):
                let body = try c.lengthDelimited()
                guard Self.isValidUTF8(UnsafeRawBufferPointer(rebasing: bytes[body])) else {
                    throw WireFault(offset: body.lowerBound, reason: "string is not valid UTF-8")
                }
                out.append(bytes, keyStart ..< c.pos)
            case (.bytes, .lengthDelimited):
                _ = try c.lengthDelimited()
                out.append(bytes, keyStart ..< c.pos)
            case (.varint, .varint):
                _ = try c.varint()
                out.append(bytes, keyStart ..< c.pos)
            case (.varint, .lengthDelimited):
                let body = try c.lengthDelimited()
                try WireCursor.validatePackedVarints(bytes, body)
                out.append(bytes, keyStart ..< c.pos)
            case (.fixed32, .fixed32), (.payload(4), .fixed32):
                try c.skip(fixed: 4)
                out.append(bytes, keyStart ..< c.pos)
            case (.fixed64, .fixed64), (.payload(8), .fixed64):
                try c.skip(fixed: 8)
                out.append(bytes, keyStart ..< c.pos)
            case (.fixed32, .lengthDelimited), (.fixed64, .lengthDelimited):
                let width = field.kind == .fixed32 ? 4 : 8
                let lengthAt = c.pos
                let body = try c.lengthDelimited()
                guard body.count % width == 0 else {
                    throw WireFault(offset: lengthAt, reason: "packed length \(body.count) is not a multiple of \(width)")
                }
                out.append(bytes, keyStart ..< c.pos)
            case (.payload(let width), .lengthDelimited):
                let lengthAt = c.pos
                let body = try c.lengthDelimited()
                guard body.count % width == 0 else {
                    throw WireFault(offset: lengthAt, reason: "packed length \(body.count) is not a multiple of \(width)")
                }
                out.key(ONNXWireSchema.payloadField, .varint)
                out.varint(UInt64(payloads.count))
                payloads.append(Payload(field: number, keyOffset: keyStart, range: body))
            case (.unused, _):
                try c.skipValue(type)
            default:
                // A private field from the file, or a known field with a wire type its declaration does
                // not allow: the decoder would ignore it, so it is dropped.
                try c.skipValue(type)
            }
        }
        frames.removeLast()
    }

    /// The field path of the current position, e.g. `graph.node[3].attribute[0].t`.
    ///
    /// Repeated-field indices are recounted from the enclosing message's start, which costs nothing
    /// on the success path.
    private func path() -> String {
        var parts: [String] = []
        for (i, frame) in frames.enumerated() {
            if i > 0 { parts.append(label(frames[i - 1], frame.name)) }
        }
        if let last = frames.last, last.field != 0 {
            let name = ONNXWireSchema.fields(last.kind)[last.field]?.name ?? "field \(last.field)"
            parts.append(label(last, name))
        }
        return parts.isEmpty ? "model" : parts.joined(separator: ".")
    }

    /// `name[index]` when the field occurs more than once in `parent` up to the current key.
    private func label(_ parent: Frame, _ name: String) -> String {
        var c = WireCursor(bytes, from: parent.start, to: parent.keyOffset)
        var seen = 0
        while !c.isAtEnd {
            guard let (n, t) = try? c.key() else { break }
            if n == parent.field { seen += 1 }
            if (try? c.skipValue(t)) == nil { break }
        }
        let repeated = ONNXWireSchema.repeatedFields(parent.kind).contains(parent.field)
        return repeated ? "\(name)[\(seen)]" : name
    }

    /// UTF-8 validity, with a fast path for ASCII (nearly every name in a model).
    static func isValidUTF8(_ b: UnsafeRawBufferPointer) -> Bool {
        var ascii = true
        for x in b where x >= 0x80 {
            ascii = false
            break
        }
        if ascii { return true }
        return String(validating: b, as: UTF8.self) != nil
    }
}
