/// A JSON value from a model file's header or a side file (`config.json`, an index).
///
/// Integers are kept exact (`int`) because tensor offsets exceed a double's 53-bit mantissa in
/// large checkpoints; other numbers are `double`. Objects keep their keys in file order.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.int(let x), .int(let y)): return x == y
        case (.double(let x), .double(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var int: Int? { if case .int(let v) = self { return Int(exactly: v) }; return nil }
    public var number: Double? {
        switch self {
        case .int(let v): return Double(v)
        case .double(let v): return v
        default: return nil
        }
    }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var members: [(String, JSONValue)]? { if case .object(let m) = self { return m }; return nil }
}

/// A strict, bounds-checked JSON parser (RFC 8259) with a nesting limit.
///
/// Hand-written rather than Foundation's so that it reads straight from a mapped file, reports the
/// byte offset of the first problem, keeps integers exact and cannot be driven into deep recursion.
struct JSONParser {
    struct Failure: Error {
        let offset: Int
        let reason: String
    }

    static let maxDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private var p: Int
    /// Added to positions in failures, so they are offsets in the file rather than in the slice.
    private let base: Int

    /// Parses one JSON value filling `bytes` (surrounding whitespace allowed).
    static func parse(_ bytes: UnsafeRawBufferPointer, fileOffset: Int = 0) throws(Failure) -> JSONValue {
        var parser = JSONParser(bytes: bytes, p: 0, base: fileOffset)
        parser.skipSpace()
        let v = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.p == bytes.count else { throw parser.fail("unexpected text after the JSON value") }
        return v
    }

    private func fail(_ reason: String) -> Failure { Failure(offset: base + p, reason: reason) }

    private mutating func skipSpace() {
        while p < bytes.count, bytes[p] == 0x20 || bytes[p] == 0x0A || bytes[p] == 0x0D || bytes[p] == 0x09 { p += 1 }
    }

    private mutating func expect(_ literal: StaticString, _ v: JSONValue) throws(Failure) -> JSONValue {
        let n = literal.utf8CodeUnitCount
        guard p + n <= bytes.count else { throw fail("truncated literal") }
        let lit = UnsafeRawBufferPointer(start: literal.utf8Start, count: n)
        for i in 0..<n where bytes[p + i] != lit[i] { throw fail("invalid literal") }
        p += n
        return v
    }

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard p < bytes.count else { throw fail("unexpected end of JSON") }
        switch bytes[p] {
        case UInt8(ascii: "{"):
            guard depth < Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
            p += 1
            var members: [(String, JSONValue)] = []
            skipSpace()
            if p < bytes.count, bytes[p] == UInt8(ascii: "}") { p += 1; return .object(members) }
            while true {
                skipSpace()
                guard p < bytes.count, bytes[p] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let key = try string()
                skipSpace()
                guard p < bytes.count, bytes[p] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                p += 1
                skipSpace()
                members.append((key, try value(depth: depth + 1)))
                skipSpace()
                guard p < bytes.count else { throw fail("unterminated object") }
                if bytes[p] == UInt8(ascii: ",") { p += 1; continue }
                guard bytes[p] == UInt8(ascii: "}") else { throw fail("expected ',' or '}'") }
                p += 1
                return .object(members)
            }
        case UInt8(ascii: "["):
            guard depth < Self.maxDepth else { throw fail("nesting deeper than \(Self.maxDepth)") }
            p += 1
            var items: [JSONValue] = []
            skipSpace()
            if p < bytes.count, bytes[p] == UInt8(ascii: "]") { p += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard p < bytes.count else { throw fail("unterminated array") }
                if bytes[p] == UInt8(ascii: ",") { p += 1; continue }
                guard bytes[p] == UInt8(ascii: "]") else { throw fail("expected ',' or ']'") }
                p += 1
                return .array(items)
            }
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try expect("true", .bool(true))
        case UInt8(ascii: "f"): return try expect("false", .bool(false))
        case UInt8(ascii: "n"): return try expect("null", .null)
        default: return try number()
        }
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard p + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[p]
            let d: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = UInt32(c - UInt8(ascii: "A") + 10)
            default: throw fail("invalid hex digit in \\u escape")
            }
            v = v << 4 | d
            p += 1
        }
        return v
    }

    private mutating func string() throws(Failure) -> String {
        p += 1  // opening quote
        let start = p
        // Fast path: no escapes.
        while p < bytes.count, bytes[p] != UInt8(ascii: "\""), bytes[p] != UInt8(ascii: "\\") {
            guard bytes[p] >= 0x20 else { throw fail("control character in string") }
            p += 1
        }
        guard p < bytes.count else { throw fail("unterminated string") }
        if bytes[p] == UInt8(ascii: "\"") {
            defer { p += 1 }
            return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<p]), as: UTF8.self)
        }
        var out = Array(bytes[start..<p])
        while true {
            guard p < bytes.count else { throw fail("unterminated string") }
            let c = bytes[p]
            if c == UInt8(ascii: "\"") { p += 1; break }
            guard c >= 0x20 else { throw fail("control character in string") }
            if c != UInt8(ascii: "\\") { out.append(c); p += 1; continue }
            p += 1
            guard p < bytes.count else { throw fail("unterminated escape") }
            let e = bytes[p]
            p += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar), p + 6 <= bytes.count, bytes[p] == UInt8(ascii: "\\"), bytes[p + 1] == UInt8(ascii: "u") {
                    p += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("invalid surrogate pair") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                out.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{FFFD}").utf8))
            default: throw fail("invalid escape")
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func number() throws(Failure) -> JSONValue {
        let start = p
        if p < bytes.count, bytes[p] == UInt8(ascii: "-") { p += 1 }
        func digits(_ p: inout Int) -> Int {
            let s = p
            while p < bytes.count, bytes[p] >= UInt8(ascii: "0"), bytes[p] <= UInt8(ascii: "9") { p += 1 }
            return p - s
        }
        guard digits(&p) > 0 else { throw fail("invalid value") }
        var integral = true
        if p < bytes.count, bytes[p] == UInt8(ascii: ".") {
            p += 1
            integral = false
            guard digits(&p) > 0 else { throw fail("invalid number") }
        }
        if p < bytes.count, bytes[p] == UInt8(ascii: "e") || bytes[p] == UInt8(ascii: "E") {
            p += 1
            integral = false
            if p < bytes.count, bytes[p] == UInt8(ascii: "+") || bytes[p] == UInt8(ascii: "-") { p += 1 }
            guard digits(&p) > 0 else { throw fail("invalid number") }
        }
        guard p - start <= 400 else { throw fail("number literal too long") }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<p]), as: UTF8.self)
        if integral, let v = Int64(text) { return .int(v) }
        guard let d = Double(text) else { throw fail("invalid number") }
        return .double(d)
    }
}
