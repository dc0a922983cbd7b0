import EdgeIR

/// A bounds-checked reader over a GGUF file's bytes.
///
/// Every read checks that the bytes it needs remain before touching them, and every length read from
/// the file is compared with what remains *before* anything is allocated for it, so a 200-byte file
/// that claims a 4 GB string fails at the length, not in `malloc`. Errors name the field being read
/// and the byte offset of the value that was wrong.
struct GGUFCursor {
    let bytes: UnsafeRawBufferPointer
    let path: String
    /// True for files written big-endian (detected from the version field).
    var bigEndian: Bool
    /// Position of the next read.
    var position: Int
    /// Name of the field being read, for error messages (`kv[3].value`, `tensor_infos[12].dims`).
    var field: String = "header"

    init(bytes: UnsafeRawBufferPointer, path: String, bigEndian: Bool = false, position: Int = 0) {
        self.bytes = bytes
        self.path = path
        self.bigEndian = bigEndian
        self.position = position
    }

    var remaining: Int { bytes.count - position }

    func error(_ reason: String, at offset: Int? = nil, field: String? = nil) -> ImportError {
        ImportError(format: "gguf", file: path, field: field ?? self.field, offset: offset ?? position, reason: reason)
    }

    /// Checks that `count` more bytes are available.
    func need(_ count: Int, _ what: String) throws {
        guard count >= 0, count <= remaining else {
            throw error("\(what) needs \(count) bytes but only \(max(0, remaining)) remain in the file")
        }
    }

    mutating func u8() throws -> UInt8 {
        try need(1, "a 1-byte value")
        defer { position += 1 }
        return bytes[position]
    }

    mutating func u16() throws -> UInt16 {
        try need(2, "a 2-byte value")
        defer { position += 2 }
        let v = bytes.loadUnaligned(fromByteOffset: position, as: UInt16.self)
        return bigEndian ? v.byteSwapped : v
    }

    mutating func u32() throws -> UInt32 {
        try need(4, "a 4-byte value")
        defer { position += 4 }
        let v = bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        return bigEndian ? v.byteSwapped : v
    }

    mutating func u64() throws -> UInt64 {
        try need(8, "an 8-byte value")
        defer { position += 8 }
        let v = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        return bigEndian ? v.byteSwapped : v
    }

    /// Reads a u64 count or length and checks that `count × minBytesEach` bytes remain, so the caller
    /// may allocate for it.
    mutating func count(minBytesEach: Int, _ what: String) throws -> Int {
        let at = position
        let raw = try u64()
        let (need, overflow) = Int(clamping: raw).multipliedReportingOverflow(by: max(1, minBytesEach))
        guard raw <= UInt64(Int.max), !overflow, need <= remaining else {
            throw error("\(what) \(raw) needs at least \(raw)×\(minBytesEach) bytes but only \(remaining) remain", at: at)
        }
        return Int(raw)
    }

    /// Reads a GGUF string: u64 byte length, then UTF-8 bytes (not NUL-terminated).
    mutating func string() throws -> String {
        let n = try count(minBytesEach: 1, "string length")
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[position..<(position + n)]), as: UTF8.self)
        position += n
        return s
    }

    /// Skips a GGUF string, returning its byte range.
    mutating func skipString() throws -> Range<Int> {
        let n = try count(minBytesEach: 1, "string length")
        defer { position += n }
        return position..<(position + n)
    }
}
