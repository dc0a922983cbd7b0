import EdgeIR

/// One tensor's entry in a GGUF file's tensor-info table.
public struct GGUFTensorInfo: Sendable {
    public let name: String
    /// Dimensions in ggml order: `dims[0]` is the fastest-varying (a row's length).
    public let dims: [Int]
    public let type: DType
    /// The raw ggml type id as stored.
    public let typeID: UInt32
    /// Offset from the start of the data section, as stored.
    public let relativeOffset: Int
    /// Absolute offset of the tensor's first byte in the file.
    public let fileOffset: Int
    /// Exact stored size in bytes.
    public let byteCount: Int
    /// Offset of this entry in the file (for error messages).
    public let infoOffset: Int

    /// Element count (product of dims; checked not to overflow when the file was read).
    public var elementCount: Int { dims.reduce(1, *) }

    /// The shape in row-major order (PyTorch/NumPy convention: last axis fastest), as the IR uses.
    public var shape: Shape { Shape(Array(dims.reversed())) }
}

/// A parsed GGUF file: header, metadata and tensor infos, with the data left in the map.
///
/// Reading is O(metadata): arrays are walked but not decoded, tensor data is never touched.
/// Versions 2 and 3 are read, little- or big-endian (detected from the version field); version 1
/// (32-bit counts) is rejected with a clear message.
public struct GGUFFile: Sendable {
    public let file: MappedFile
    public let version: UInt32
    public let bigEndian: Bool
    /// Metadata in file order.
    public let keys: [String]
    public let metadata: [String: GGUFValue]
    public let tensors: [GGUFTensorInfo]
    public let alignment: Int
    /// Absolute offset of the data section.
    public let dataOffset: Int

    /// Largest tensor rank ggml supports (`GGML_MAX_DIMS`).
    public static let maxDims = 4
    /// `general.alignment` values above this are rejected as absurd (ggml's default is 32).
    public static let maxAlignment = 1 << 20

    public subscript(key: String) -> GGUFValue? { metadata[key] }

    public init(file: MappedFile) throws {
        self.file = file
        var c = GGUFCursor(bytes: file.bytes, path: file.path)
        c.field = "magic"
        try c.need(4, "the magic")
        guard file.bytes[0] == 0x47, file.bytes[1] == 0x47, file.bytes[2] == 0x55, file.bytes[3] == 0x46 else {
            throw c.error("magic is not 'GGUF'", at: 0)
        }
        c.position = 4
        c.field = "version"
        let rawVersion = try c.u32()
        if (1...3).contains(rawVersion) {
            version = rawVersion
            bigEndian = false
        } else if (1...3).contains(rawVersion.byteSwapped) {
            version = rawVersion.byteSwapped
            bigEndian = true
            c.bigEndian = true
        } else {
            throw c.error("unsupported version \(rawVersion) (this reader knows 2 and 3)", at: 4)
        }
        guard version >= 2 else {
            throw c.error("GGUF version 1 (32-bit counts, 2023) is not supported; convert the file to v3", at: 4)
        }
        c.field = "tensor_count"
        // Smallest tensor info: 8-byte name length + 4-byte n_dims + 4-byte type + 8-byte offset.
        let tensorCount = try c.count(minBytesEach: 24, "tensor count")
        c.field = "kv_count"
        // Smallest key/value: 8-byte key length + 4-byte type + 1-byte value.
        let kvCount = try c.count(minBytesEach: 13, "metadata count")

        var keys: [String] = []
        var metadata: [String: GGUFValue] = [:]
        keys.reserveCapacity(kvCount)
        for i in 0..<kvCount {
            c.field = "kv[\(i)].key"
            let keyAt = c.position
            let key = try c.string()
            guard !key.isEmpty else { throw c.error("empty key", at: keyAt) }
            c.field = "kv[\(i)] '\(ImportError.printable(key))'"
            guard metadata[key] == nil else { throw c.error("duplicate key", at: keyAt) }
            metadata[key] = try GGUFMetadataReader.value(&c, file: file)
            keys.append(key)
        }
        self.keys = keys
        self.metadata = metadata

        var alignment = 32
        if let a = metadata["general.alignment"] {
            guard case .uint(let v, .uint32) = a else {
                throw ImportError(format: "gguf", file: file.path, field: "general.alignment", offset: nil,
                                  reason: "must be a u32, found \(a.type.name)")
            }
            guard v > 0, v & (v - 1) == 0, v <= UInt64(GGUFFile.maxAlignment) else {
                throw ImportError(format: "gguf", file: file.path, field: "general.alignment", offset: nil,
                                  reason: "\(v) is not a power of two ≤ \(GGUFFile.maxAlignment)")
            }
            alignment = Int(v)
        }
        self.alignment = alignment

        struct Pending { let name: String; let dims: [Int]; let type: DType; let typeID: UInt32; let offset: Int; let at: Int; let bytes: Int }
        var pending: [Pending] = []
        pending.reserveCapacity(tensorCount)
        var names = Set<String>()
        for i in 0..<tensorCount {
            c.field = "tensor_infos[\(i)].name"
            let at = c.position
            let name = try c.string()
            c.field = "tensor_infos[\(i)] '\(ImportError.printable(name))'"
            guard names.insert(name).inserted else { throw c.error("duplicate tensor name", at: at) }
            let nAt = c.position
            let nDims = try c.u32()
            guard nDims <= UInt32(GGUFFile.maxDims) else {
                throw c.error("\(nDims) dimensions (ggml allows at most \(GGUFFile.maxDims))", at: nAt)
            }
            var dims: [Int] = []
            var elements = 1
            for d in 0..<Int(nDims) {
                let dAt = c.position
                let v = try c.u64()
                guard v <= UInt64(Int64.max) else { throw c.error("dimension \(d) is \(v), above 2⁶³−1", at: dAt) }
                let (p, o) = elements.multipliedReportingOverflow(by: Int(v))
                guard !o else { throw c.error("the product of the dimensions overflows 64 bits at dimension \(d) (\(v))", at: dAt) }
                elements = p
                dims.append(Int(v))
            }
            let tAt = c.position
            let typeID = try c.u32()
            guard let type = DType(ggmlTypeID: typeID) else {
                throw c.error("unknown or retired ggml type id \(typeID)", at: tAt)
            }
            if type.isBlockFormat, let row = dims.first, row % type.blockSize != 0 {
                throw c.error("row length \(row) is not a multiple of \(type.rawValue)'s block size \(type.blockSize)", at: tAt)
            }
            guard let bytes = type.byteCount(elements: elements) else {
                throw c.error("\(elements) elements of \(type.rawValue) have no whole-block byte size", at: tAt)
            }
            let oAt = c.position
            let offset = try c.u64()
            guard offset <= UInt64(Int.max / 2) else { throw c.error("data offset \(offset) is beyond any file", at: oAt) }
            guard Int(offset) % alignment == 0 else {
                throw c.error("data offset \(offset) is not a multiple of the alignment \(alignment)", at: oAt)
            }
            pending.append(Pending(name: name, dims: dims, type: type, typeID: typeID, offset: Int(offset), at: oAt, bytes: bytes))
        }
        c.field = "data"
        let end = c.position
        let padded = (end + alignment - 1) / alignment * alignment
        guard padded <= file.count else {
            throw c.error("data section would start at \(padded), past the end of the \(file.count)-byte file", at: end)
        }
        dataOffset = padded
        let dataBytes = file.count - padded
        var infos: [GGUFTensorInfo] = []
        infos.reserveCapacity(pending.count)
        for (i, p) in pending.enumerated() {
            guard p.offset <= dataBytes, p.bytes <= dataBytes - p.offset else {
                throw ImportError(format: "gguf", file: file.path, field: "tensor_infos[\(i)] '\(ImportError.printable(p.name))'.offset", offset: p.at,
                                  reason: "data \(p.offset)+\(p.bytes) lies past the end of the \(dataBytes)-byte data section")
            }
            infos.append(GGUFTensorInfo(name: p.name, dims: p.dims, type: p.type, typeID: p.typeID, relativeOffset: p.offset,
                                        fileOffset: padded + p.offset, byteCount: p.bytes, infoOffset: p.at))
        }
        tensors = infos
    }

    /// The tensor named `name`, if present.
    public func tensor(named name: String) -> GGUFTensorInfo? { tensors.first { $0.name == name } }

    /// `general.architecture`, if present and a string.
    public var architecture: String? { metadata["general.architecture"]?.stringValue }
}
