import EdgeIR

/// A parsed `.safetensors` file: its JSON header checked against the format's rules, data in the map.
///
/// Layout (format facts): a little-endian u64 header length N, N bytes of UTF-8 JSON (an object of
/// tensor name → `{dtype, shape, data_offsets: [begin, end]}` plus an optional `__metadata__` object
/// of strings), then the data; offsets are relative to the data's start. As the reference library
/// requires, the tensors must tile the data exactly — no holes, no overlaps — so no byte of the
/// file is left unexplained. The header length is checked against the file size and capped before
/// anything is read.
public struct SafetensorsFile: Sendable {
    public struct TensorInfo: Sendable {
        public let name: String
        public let dtype: DType
        /// The dtype as written (`F32`, `BF16`, …).
        public let dtypeName: String
        public let shape: [Int]
        /// Absolute byte range in the file.
        public let range: Range<Int>
    }

    public let file: MappedFile
    public let headerLength: Int
    /// Tensors in header order.
    public let tensors: [TensorInfo]
    /// `__metadata__` string pairs, in header order.
    public let metadata: [(String, String)]

    /// Largest header accepted (the reference implementation's limit).
    public static let maxHeaderLength = 100_000_000

    static let dtypes: [String: DType] = [
        "BOOL": .bool, "U8": .uint8, "I8": .int8, "I16": .int16, "U16": .uint16, "F16": .float16, "BF16": .bfloat16,
        "I32": .int32, "U32": .uint32, "F32": .float32, "F64": .float64, "I64": .int64, "U64": .uint64,
        "F8_E4M3": .float8e4m3fn, "F8_E5M2": .float8e5m2,
    ]

    public init(file: MappedFile) throws {
        self.file = file
        func fail(_ field: String, _ reason: String, at: Int?) -> ImportError {
            ImportError(format: "safetensors", file: file.path, field: field, offset: at, reason: reason)
        }
        guard file.count >= 8, let lenBytes = file.slice(offset: 0, length: 8) else {
            throw fail("header_size", "file is \(file.count) bytes, too short for the 8-byte header size", at: 0)
        }
        let n = UInt64(littleEndian: lenBytes.loadUnaligned(as: UInt64.self))
        guard n <= UInt64(Self.maxHeaderLength) else {
            throw fail("header_size", "header of \(n) bytes exceeds the \(Self.maxHeaderLength)-byte limit", at: 0)
        }
        guard n >= 2, n <= UInt64(file.count - 8), let header = file.slice(offset: 8, length: Int(n)) else {
            throw fail("header_size", "header of \(n) bytes does not fit in the \(file.count)-byte file", at: 0)
        }
        headerLength = Int(n)
        guard header[0] == UInt8(ascii: "{") else { throw fail("header", "does not start with '{'", at: 8) }
        let json: JSONValue
        do {
            json = try JSONParser.parse(header, fileOffset: 8)
        } catch {
            throw fail("header", "invalid JSON: \(error.reason)", at: error.offset)
        }
        guard let members = json.members else { throw fail("header", "is not a JSON object", at: 8) }

        let dataStart = 8 + headerLength
        let dataLength = file.count - dataStart
        var tensors: [TensorInfo] = []
        var metadata: [(String, String)] = []
        var seen = Set<String>()
        for (name, v) in members {
            let field = "'\(ImportError.printable(name))'"
            guard seen.insert(name).inserted else { throw fail(field, "appears twice in the header", at: 8) }
            if name == "__metadata__" {
                guard let m = v.members else { throw fail("__metadata__", "must be an object of strings", at: 8) }
                for (k, s) in m {
                    guard let s = s.string else { throw fail("__metadata__.\(ImportError.printable(k))", "must be a string", at: 8) }
                    metadata.append((k, s))
                }
                continue
            }
            guard let dtypeName = v["dtype"]?.string else { throw fail("\(field).dtype", "missing or not a string", at: 8) }
            guard let dtype = Self.dtypes[dtypeName] else {
                throw fail("\(field).dtype", "unsupported dtype '\(ImportError.printable(dtypeName))'", at: 8)
            }
            guard let shapeJSON = v["shape"]?.array, shapeJSON.count <= 64 else {
                throw fail("\(field).shape", "missing, not an array, or rank above 64", at: 8)
            }
            var shape: [Int] = []
            var elements = 1
            for d in shapeJSON {
                guard let x = d.int, x >= 0 else { throw fail("\(field).shape", "dimensions must be non-negative integers", at: 8) }
                let (p, o) = elements.multipliedReportingOverflow(by: x)
                guard !o else { throw fail("\(field).shape", "the element count overflows 64 bits", at: 8) }
                elements = p
                shape.append(x)
            }
            guard let offsets = v["data_offsets"]?.array, offsets.count == 2, let begin = offsets[0].int, let end = offsets[1].int,
                  begin >= 0, begin <= end, end <= dataLength else {
                throw fail("\(field).data_offsets", "must be [begin, end] with 0 ≤ begin ≤ end ≤ \(dataLength) (the data size)", at: 8)
            }
            guard let bytes = dtype.byteCount(elements: elements), bytes == end - begin else {
                throw fail("\(field).data_offsets", "\(end - begin) bytes, but \(dtypeName)\(shape) needs \(dtype.byteCount(elements: elements).map(String.init) ?? "an impossible number of")", at: 8)
            }
            tensors.append(TensorInfo(name: name, dtype: dtype, dtypeName: dtypeName, shape: shape,
                                      range: (dataStart + begin)..<(dataStart + end)))
        }
        // The tensors must cover the data exactly, in some order, without holes or overlaps.
        var covered = dataStart
        for t in tensors.sorted(by: { ($0.range.lowerBound, $0.range.upperBound) < ($1.range.lowerBound, $1.range.upperBound) }) {
            guard t.range.lowerBound == covered else {
                throw fail("'\(ImportError.printable(t.name))'.data_offsets",
                           t.range.lowerBound < covered ? "overlaps the previous tensor" : "leaves a hole of \(t.range.lowerBound - covered) bytes before it",
                           at: 8)
            }
            covered = t.range.upperBound
        }
        guard covered == file.count else {
            throw fail("data", "\(file.count - covered) bytes after the last tensor are not described by the header", at: covered)
        }
        self.tensors = tensors
        self.metadata = metadata
    }
}
