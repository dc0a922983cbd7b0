import EdgeIR

/// The structure of a TFLite model as stored: operator codes, subgraphs, tensors, buffers, metadata.
///
/// Reading checks every reference (opcode, tensor and buffer indices, buffer ranges, quantization
/// arrays) and resolves buffers to byte ranges of the mapped file, both those inside the FlatBuffer
/// and those placed after it by large-model writers (`Buffer.offset`/`size`).
public struct TFLiteFile {
    public struct OperatorCode: Sendable {
        /// The builtin code after reconciling `deprecated_builtin_code` and `builtin_code`.
        public let builtin: Int32
        public let customName: String?
        public let version: Int32
        /// The builtin's schema name (`CONV_2D`), or `CUSTOM:<name>` for custom operators.
        public let name: String
    }

    public struct Quantization: Sendable, Equatable {
        public let scales: [Float]
        public let zeroPoints: [Int64]
        public let quantizedDimension: Int
    }

    public struct Tensor: Sendable {
        public let name: String
        public let shape: [Int]
        /// `shape_signature` (−1 marks a dynamic dimension), when present.
        public let shapeSignature: [Int]?
        public let typeCode: Int8
        public let dtype: DType?
        public let buffer: Int
        public let quantization: Quantization?
        public let isVariable: Bool
        public let isSparse: Bool
        /// Position of the tensor's table in the file (for messages).
        public let position: Int
    }

    public struct Operator {
        public let opcodeIndex: Int
        /// Tensor indices; −1 marks an omitted optional input.
        public let inputs: [Int]
        public let outputs: [Int]
        public let optionsType: UInt8
        let options: FlatTable?
        public let position: Int
    }

    public struct Subgraph {
        public let name: String?
        public let tensors: [Tensor]
        public let inputs: [Int]
        public let outputs: [Int]
        public let operators: [Operator]
    }

    public let file: MappedFile
    let reader: FlatBufferReader
    public let version: UInt32
    public let description: String?
    public let operatorCodes: [OperatorCode]
    public let subgraphs: [Subgraph]
    /// Each buffer's bytes in the file; empty ranges for empty buffers (buffer 0 is always empty).
    public let buffers: [Range<Int>]
    /// `Model.metadata` entries: name and buffer index.
    public let metadata: [(name: String, buffer: Int)]
    public let signatureCount: Int

    public init(file: MappedFile) throws {
        self.file = file
        let r = FlatBufferReader(bytes: file.bytes, path: file.path)
        reader = r
        guard file.count >= 8 else { throw r.error("header", "file is \(file.count) bytes, too short for TFLite", at: 0) }
        let id = Array(file.bytes[4..<8])
        guard id == Array("TFL3".utf8) else {
            throw r.error("file_identifier", "expected 'TFL3' at bytes 4…7", at: 4)
        }
        let model = try r.root("model")
        version = try model.u32(0, "version")
        guard version == 3 else {
            throw r.error("model.version", "schema version \(version) (this importer reads version 3)", at: model.position)
        }
        description = try model.string(3, "description")

        var codes: [OperatorCode] = []
        for (i, t) in try model.tables(1, "operator_codes").enumerated() {
            let deprecated = Int32(Int8(bitPattern: try t.u8(0, "deprecated_builtin_code")))
            let builtin = try t.i32(3, "builtin_code")
            let code = max(deprecated, builtin)
            guard code >= 0, Int(code) < TFLiteSchema.builtinNames.count else {
                throw r.error("model.operator_codes[\(i)].builtin_code", "unknown builtin operator \(code)", at: t.position)
            }
            let custom = try t.string(1, "custom_code")
            let name = code == TFLiteSchema.customCode ? "CUSTOM:" + (custom ?? "") : TFLiteSchema.builtinNames[Int(code)]
            codes.append(OperatorCode(builtin: code, customName: custom, version: try t.i32(2, "version", default: 1), name: name))
        }
        operatorCodes = codes

        var buffers: [Range<Int>] = []
        for (i, b) in try model.tables(4, "buffers").enumerated() {
            let offset = try b.u64(1, "offset"), size = try b.u64(2, "size")
            if offset > 1 {
                // Large-model layout: the data lies after the FlatBuffer, `offset` bytes from the file's start.
                guard offset <= UInt64(file.count), size <= UInt64(file.count) - offset else {
                    throw r.error("model.buffers[\(i)]", "data \(offset)+\(size) lies past the end of the \(file.count)-byte file", at: b.position)
                }
                buffers.append(Int(offset)..<Int(offset + size))
            } else {
                buffers.append(try b.byteRange(0, "data") ?? 0..<0)
            }
        }
        self.buffers = buffers

        var metadata: [(String, Int)] = []
        for (i, m) in try model.tables(6, "metadata").enumerated() {
            let b = Int(try m.u32(1, "buffer"))
            guard b < buffers.count else {
                throw r.error("model.metadata[\(i)].buffer", "buffer \(b) does not exist (\(buffers.count) buffers)", at: m.position)
            }
            metadata.append((try m.string(0, "name") ?? "", b))
        }
        self.metadata = metadata
        signatureCount = try model.tables(7, "signature_defs").count

        var subgraphs: [Subgraph] = []
        for (s, g) in try model.tables(2, "subgraphs").enumerated() {
            subgraphs.append(try Self.subgraph(g, index: s, codes: codes.count, buffers: buffers.count, r))
        }
        guard !subgraphs.isEmpty else { throw r.error("model.subgraphs", "the model has no subgraph", at: model.position) }
        self.subgraphs = subgraphs
    }

    private static func subgraph(_ g: FlatTable, index s: Int, codes: Int, buffers: Int, _ r: FlatBufferReader) throws -> Subgraph {
        var tensors: [Tensor] = []
        for (i, t) in try g.tables(0, "tensors").enumerated() {
            func field() -> String { "subgraphs[\(s)].tensors[\(i)]" }
            let shape = (try t.i32Vector(0, "shape") ?? []).map(Int.init)
            guard shape.allSatisfy({ $0 >= 0 }) else { throw r.error("\(field()).shape", "negative dimension in \(shape)", at: t.position) }
            let code = Int8(bitPattern: try t.u8(1, "type"))
            let buffer = Int(try t.u32(2, "buffer"))
            guard buffer < max(buffers, 1) else {
                throw r.error("\(field()).buffer", "buffer \(buffer) does not exist (\(buffers) buffers)", at: t.position)
            }
            var quant: Quantization?
            if let q = try t.table(4, "quantization"), let scales = try q.f32Vector(2, "scale"), !scales.isEmpty {
                let zps = try q.i64Vector(3, "zero_point") ?? []
                let qd = Int(try q.i32(6, "quantized_dimension"))
                guard zps.isEmpty || zps.count == scales.count else {
                    throw r.error("\(field()).quantization", "\(scales.count) scales but \(zps.count) zero points", at: q.position)
                }
                if scales.count > 1 {
                    guard qd >= 0, qd < shape.count, shape[qd] == scales.count else {
                        throw r.error("\(field()).quantization.quantized_dimension",
                                      "\(scales.count) scales do not match dimension \(qd) of shape \(shape)", at: q.position)
                    }
                }
                quant = Quantization(scales: scales, zeroPoints: zps.isEmpty ? Array(repeating: 0, count: scales.count) : zps,
                                     quantizedDimension: qd)
            }
            let signature = try t.i32Vector(7, "shape_signature").map { $0.map(Int.init) }
            if let signature, signature.count != shape.count {
                throw r.error("\(field()).shape_signature", "rank \(signature.count) differs from shape rank \(shape.count)", at: t.position)
            }
            tensors.append(Tensor(name: try t.string(3, "name") ?? "", shape: shape, shapeSignature: signature, typeCode: code,
                                  dtype: TFLiteSchema.dtype(code), buffer: buffer, quantization: quant,
                                  isVariable: try t.bool(5, "is_variable"), isSparse: try t.table(6, "sparsity") != nil,
                                  position: t.position))
        }
        func indices(_ v: [Int32]?, _ what: String, allowOmitted: Bool, at p: Int) throws -> [Int] {
            try (v ?? []).map { x in
                if x == -1 && allowOmitted { return -1 }
                guard x >= 0, Int(x) < tensors.count else {
                    throw r.error("subgraphs[\(s)].\(what)", "tensor index \(x) is outside 0..<\(tensors.count)", at: p)
                }
                return Int(x)
            }
        }
        let inputs = try indices(try g.i32Vector(1, "inputs"), "inputs", allowOmitted: false, at: g.position)
        let outputs = try indices(try g.i32Vector(2, "outputs"), "outputs", allowOmitted: false, at: g.position)
        var ops: [Operator] = []
        for (i, o) in try g.tables(3, "operators").enumerated() {
            func field() -> String { "operators[\(i)]" }
            let opcode = Int(try o.u32(0, "opcode_index"))
            guard opcode < codes else {
                throw r.error("subgraphs[\(s)].\(field()).opcode_index", "opcode \(opcode) is outside 0..<\(codes)", at: o.position)
            }
            let ins = try indices(try o.i32Vector(1, "inputs"), "\(field()).inputs", allowOmitted: true, at: o.position)
            let outs = try indices(try o.i32Vector(2, "outputs"), "\(field()).outputs", allowOmitted: false, at: o.position)
            let optionsType = try o.u8(3, "builtin_options_type")
            ops.append(Operator(opcodeIndex: opcode, inputs: ins, outputs: outs, optionsType: optionsType,
                                options: optionsType == 0 ? nil : try o.table(4, "builtin_options"), position: o.position))
        }
        return Subgraph(name: try g.string(4, "name"), tensors: tensors, inputs: inputs, outputs: outputs, operators: ops)
    }

    /// The metadata buffer named `name` as text, if present (e.g. `min_runtime_version`).
    public func metadataText(_ name: String) -> String? {
        guard let m = metadata.first(where: { $0.name == name }), let bytes = file.slice(offset: buffers[m.buffer].lowerBound, length: buffers[m.buffer].count) else { return nil }
        let trimmed = bytes.prefix { $0 != 0 }
        return String(decoding: trimmed, as: UTF8.self)
    }
}
