import EdgeIR

/// The type tag of a GGUF metadata value (`enum gguf_type`; the numbers are facts of the format).
public enum GGUFValueType: UInt32, Sendable, CaseIterable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Bytes of one value of a fixed-size type; nil for strings and arrays.
    var fixedSize: Int? {
        switch self {
        case .uint8, .int8, .bool: return 1
        case .uint16, .int16: return 2
        case .uint32, .int32, .float32: return 4
        case .uint64, .int64, .float64: return 8
        case .string, .array: return nil
        }
    }

    /// The fewest bytes one value of this type can occupy (a string's length prefix, an array's
    /// type and count), used to reject counts the file cannot hold before allocating.
    var minimumSize: Int { fixedSize ?? (self == .string ? 8 : 12) }

    public var name: String {
        switch self {
        case .uint8: return "u8"
        case .int8: return "i8"
        case .uint16: return "u16"
        case .int16: return "i16"
        case .uint32: return "u32"
        case .int32: return "i32"
        case .float32: return "f32"
        case .bool: return "bool"
        case .string: return "string"
        case .array: return "array"
        case .uint64: return "u64"
        case .int64: return "i64"
        case .float64: return "f64"
        }
    }
}

/// One metadata value. Arrays stay in the file (``GGUFArray``) and are decoded on request, so a
/// 49,152-entry vocabulary costs nothing until the tokenizer asks for it.
public enum GGUFValue: Sendable {
    case uint(UInt64, GGUFValueType)
    case int(Int64, GGUFValueType)
    case float(Double, GGUFValueType)
    case bool(Bool)
    case string(String)
    case array(GGUFArray)

    public var type: GGUFValueType {
        switch self {
        case .uint(_, let t), .int(_, let t), .float(_, let t): return t
        case .bool: return .bool
        case .string: return .string
        case .array: return .array
        }
    }

    /// The value as an integer, if it is an integer that fits.
    public var integer: Int? {
        switch self {
        case .uint(let v, _): return v <= UInt64(Int.max) ? Int(v) : nil
        case .int(let v, _): return Int(v)
        default: return nil
        }
    }

    /// The value as a real number, if it is numeric.
    public var number: Double? {
        switch self {
        case .uint(let v, _): return Double(v)
        case .int(let v, _): return Double(v)
        case .float(let v, _): return v
        default: return nil
        }
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A one-line rendering for `inspect` (arrays are summarised, long strings shortened).
    public var summary: String {
        switch self {
        case .uint(let v, _): return String(v)
        case .int(let v, _): return String(v)
        case .float(let v, _): return String(v)
        case .bool(let b): return String(b)
        case .string(let s):
            let oneLine = s.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n")
            return oneLine.count > 120 ? String(oneLine.prefix(117)) + "…" : oneLine
        case .array(let a): return "[\(a.count) × \(a.elementType.name)]"
        }
    }
}

/// A metadata array, left in the mapped file and decoded on demand.
public struct GGUFArray: Sendable {
    public let elementType: GGUFValueType
    public let count: Int
    /// Byte range of the elements in the file.
    public let range: Range<Int>
    let file: MappedFile
    let bigEndian: Bool

    private func cursor() -> GGUFCursor {
        var c = GGUFCursor(bytes: file.bytes, path: file.path, bigEndian: bigEndian, position: range.lowerBound)
        c.field = "array"
        return c
    }

    /// Every element decoded (nested arrays stay ``GGUFValue/array(_:)``), or nil if there are more
    /// than `limit`.
    public func elements(limit: Int = 1 << 20) -> [GGUFValue]? {
        guard count <= limit else { return nil }
        var c = cursor()
        var out: [GGUFValue] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            // The array was walked when the file was opened, so these reads cannot fail.
            guard let v = try? (elementType == .array
                ? GGUFValue.array(GGUFMetadataReader.array(&c, file: file, depth: 0))
                : GGUFMetadataReader.value(&c, elementType, file: file)) else { return nil }
            out.append(v)
        }
        return out
    }

    /// The elements as strings; nil if the elements are not strings.
    public func strings() -> [String]? {
        guard elementType == .string else { return nil }
        var c = cursor()
        var out: [String] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            // The array was walked when the file was opened, so these reads cannot fail.
            guard let s = try? c.string() else { return nil }
            out.append(s)
        }
        return out
    }

    /// The elements as integers; nil if they are not integers (u64 above Int64.max clamp).
    public func integers() -> [Int64]? {
        guard let size = elementType.fixedSize, elementType != .float32, elementType != .float64 else { return nil }
        var c = cursor()
        var out: [Int64] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            guard let v = try? GGUFMetadataReader.scalar(&c, elementType, size: size).integer else { return nil }
            out.append(Int64(v))
        }
        return out
    }

    /// The elements as real numbers; nil if they are not numeric.
    public func numbers() -> [Double]? {
        guard let size = elementType.fixedSize, elementType != .bool else { return nil }
        var c = cursor()
        var out: [Double] = []
        out.reserveCapacity(count)
        for _ in 0..<count {
            guard let v = try? GGUFMetadataReader.scalar(&c, elementType, size: size).number else { return nil }
            out.append(v)
        }
        return out
    }
}

/// Reads metadata values, walking arrays (nested to a bounded depth) without decoding them.
enum GGUFMetadataReader {
    /// Arrays of arrays deeper than this are rejected rather than followed.
    static let maxArrayDepth = 8

    static func value(_ c: inout GGUFCursor, file: MappedFile) throws -> GGUFValue {
        let at = c.position
        let raw = try c.u32()
        guard let type = GGUFValueType(rawValue: raw) else {
            throw c.error("unknown value type \(raw) (known: 0…12)", at: at)
        }
        return try value(&c, type, file: file)
    }

    static func value(_ c: inout GGUFCursor, _ type: GGUFValueType, file: MappedFile) throws -> GGUFValue {
        switch type {
        case .string: return .string(try c.string())
        case .array: return .array(try array(&c, file: file, depth: 0))
        default: return try scalar(&c, type, size: type.fixedSize ?? 1)
        }
    }

    static func scalar(_ c: inout GGUFCursor, _ type: GGUFValueType, size: Int) throws -> GGUFValue {
        switch type {
        case .uint8: return .uint(UInt64(try c.u8()), type)
        case .int8: return .int(Int64(Int8(bitPattern: try c.u8())), type)
        case .uint16: return .uint(UInt64(try c.u16()), type)
        case .int16: return .int(Int64(Int16(bitPattern: try c.u16())), type)
        case .uint32: return .uint(UInt64(try c.u32()), type)
        case .int32: return .int(Int64(Int32(bitPattern: try c.u32())), type)
        case .uint64: return .uint(try c.u64(), type)
        case .int64: return .int(Int64(bitPattern: try c.u64()), type)
        case .float32: return .float(Double(Float(bitPattern: try c.u32())), type)
        case .float64: return .float(Double(bitPattern: try c.u64()), type)
        case .bool:
            let at = c.position
            let b = try c.u8()
            guard b <= 1 else { throw c.error("bool value \(b) is neither 0 nor 1", at: at) }
            return .bool(b == 1)
        case .string, .array:
            throw c.error("\(type.name) is not a scalar type")
        }
    }

    /// Walks an array's elements (checking every length) and returns where they lie.
    static func array(_ c: inout GGUFCursor, file: MappedFile, depth: Int) throws -> GGUFArray {
        let at = c.position
        guard depth < maxArrayDepth else {
            throw c.error("arrays nested deeper than \(maxArrayDepth) levels", at: at)
        }
        let rawType = try c.u32()
        guard let type = GGUFValueType(rawValue: rawType) else {
            throw c.error("unknown array element type \(rawType) (known: 0…12)", at: at)
        }
        let n = try c.count(minBytesEach: type.minimumSize, "array of \(type.name): element count")
        let start = c.position
        if let size = type.fixedSize {
            c.position += n * size   // count() checked n × size bytes remain
            if type == .bool {
                for i in start..<c.position where c.bytes[i] > 1 {
                    throw c.error("bool array element \(i - start) is \(c.bytes[i]), neither 0 nor 1", at: i)
                }
            }
        } else if type == .string {
            // A vocabulary is ~10⁵ strings: walk the length prefixes in one tight loop.
            var p = c.position
            let end = c.bytes.count
            for i in 0..<n {
                guard end - p >= 8 else {
                    throw c.error("string \(i) of \(n): length prefix runs past the end of the file", at: p)
                }
                var len = c.bytes.loadUnaligned(fromByteOffset: p, as: UInt64.self)
                if c.bigEndian { len = len.byteSwapped }
                guard len <= UInt64(end - p - 8) else {
                    throw c.error("string \(i) of \(n): length \(len) exceeds the \(end - p - 8) bytes that remain", at: p)
                }
                p += 8 + Int(len)
            }
            c.position = p
        } else {
            for _ in 0..<n { _ = try array(&c, file: file, depth: depth + 1) }
        }
        return GGUFArray(elementType: type, count: n, range: start..<c.position, file: file, bigEndian: c.bigEndian)
    }
}
