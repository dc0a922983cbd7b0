/// Protobuf wire-format primitives over untrusted bytes, every read bounds-checked.
///
/// Layout facts (protobuf encoding specification): a message is a sequence of fields; each field is
/// a varint key `(field_number << 3) | wire_type` followed by its value. Wire types: 0 varint
/// (1–10 bytes, 7 bits each, least significant group first), 1 fixed 8 bytes, 2 length-delimited
/// (varint length, then that many bytes: strings, bytes, sub-messages, packed repeated scalars),
/// 5 fixed 4 bytes. Types 3 and 4 (groups) are deprecated and unused by ONNX; 6 and 7 do not exist.
///
/// Nothing here allocates: a length is compared with the bytes that remain before anything is done
/// with it, so a 200-byte file that declares a 4 GB string fails on the comparison.
enum WireType: UInt8, Sendable {
    case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
}

/// Why a wire read failed; the caller adds the field path and file.
struct WireFault: Error, Sendable {
    let offset: Int
    let reason: String
}

/// A read position inside a buffer, confined to `pos ..< end`.
struct WireCursor {
    let bytes: UnsafeRawBufferPointer
    var pos: Int
    let end: Int

    init(_ bytes: UnsafeRawBufferPointer, from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        self.pos = start
        self.end = end ?? bytes.count
    }

    var isAtEnd: Bool { pos >= end }
    var remaining: Int { end - pos }

    /// Reads a varint of at most 10 bytes whose value fits 64 bits.
    mutating func varint() throws(WireFault) -> UInt64 {
        let start = pos
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard pos < end else { throw WireFault(offset: start, reason: "varint runs past the end of its message") }
            let b = bytes[pos]
            pos += 1
            if shift == 63 && b > 1 { throw WireFault(offset: start, reason: "varint overflows 64 bits") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw WireFault(offset: start, reason: "varint longer than 10 bytes") }
        }
    }

    /// Reads a field key, rejecting field number 0 and the wire types that do not exist.
    mutating func key() throws(WireFault) -> (field: Int, type: WireType) {
        let at = pos
        let k = try varint()
        let field = k >> 3
        guard field >= 1, field <= 536_870_911 else { throw WireFault(offset: at, reason: "invalid field number \(field)") }
        guard let t = WireType(rawValue: UInt8(k & 7)), t != .endGroup else {
            throw WireFault(offset: at, reason: "invalid wire type \(k & 7)")
        }
        return (Int(field), t)
    }

    /// Reads a length prefix and returns the range of the bytes it covers, checked against what remains.
    mutating func lengthDelimited() throws(WireFault) -> Range<Int> {
        let at = pos
        let n = try varint()
        guard n <= UInt64(remaining) else {
            throw WireFault(offset: at, reason: "declared length \(n) exceeds the \(remaining) bytes that remain")
        }
        let r = pos ..< pos + Int(n)
        pos = r.upperBound
        return r
    }

    /// Skips a fixed-width value.
    mutating func skip(fixed width: Int) throws(WireFault) {
        guard width <= remaining else {
            throw WireFault(offset: pos, reason: "\(width)-byte value runs past the end of its message")
        }
        pos += width
    }

    /// Skips one field value of the given wire type (after its key has been read).
    mutating func skipValue(_ type: WireType) throws(WireFault) {
        switch type {
        case .varint: _ = try varint()
        case .fixed64: try skip(fixed: 8)
        case .fixed32: try skip(fixed: 4)
        case .lengthDelimited: _ = try lengthDelimited()
        case .startGroup, .endGroup:
            throw WireFault(offset: pos, reason: "protobuf groups are not used by ONNX")
        }
    }

    /// Checks that `range` is a whole number of well-formed varints (a packed repeated varint field).
    static func validatePackedVarints(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) throws(WireFault) {
        var c = WireCursor(bytes, from: range.lowerBound, to: range.upperBound)
        while !c.isAtEnd { _ = try c.varint() }
    }
}

/// Appends protobuf wire encodings to a byte array.
struct WireWriter {
    var bytes: [UInt8] = []

    mutating func varint(_ v: UInt64) {
        var v = v
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func key(_ field: Int, _ type: WireType) {
        varint(UInt64(field) << 3 | UInt64(type.rawValue))
    }

    /// Reserves a 5-byte length slot to be filled by ``patchLength(at:)`` once the body is written.
    ///
    /// A padded varint (`0x80 0x80 0x80 0x80 0x00` for 0) is valid protobuf: decoders accept
    /// non-minimal varints. It lets a sub-message be written in place in one pass.
    mutating func reserveLength() -> Int {
        let at = bytes.count
        bytes.append(contentsOf: [0x80, 0x80, 0x80, 0x80, 0x00])
        return at
    }

    /// Writes the length of everything after the slot at `at` into that slot (at most 2³⁵ − 1).
    mutating func patchLength(at: Int) {
        var n = UInt64(bytes.count - at - 5)
        for i in 0..<5 {
            bytes[at + i] = UInt8(truncatingIfNeeded: n & 0x7F) | (i < 4 ? 0x80 : 0)
            n >>= 7
        }
    }

    mutating func append(_ raw: UnsafeRawBufferPointer, _ range: Range<Int>) {
        bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[range]))
    }
}
