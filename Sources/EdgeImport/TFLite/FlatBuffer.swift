import EdgeIR

/// A FlatBuffers reader in which every offset, vtable entry and vector length is checked against the
/// buffer before it is followed.
///
/// Layout facts (FlatBuffers binary format): the buffer starts with a `uoffset` (u32) to the root
/// table; a table starts with an `soffset` (i32) back to its vtable; a vtable is `[u16 vtable size,
/// u16 table size, u16 field offsets…]` (0 = field absent); offset fields hold a u32 relative to
/// their own position; vectors and strings are a u32 length followed by their elements.
///
/// Offsets only point forward, so a well-formed buffer has no cycles, but a crafted one can make
/// many tables share one huge vector. Every table, vector and string read is charged to a budget
/// proportional to the buffer's size, so work stays O(file) whatever the file says.
final class FlatBufferReader {
    let bytes: UnsafeRawBufferPointer
    let path: String
    let format: String
    /// Remaining work units (bytes visited); reads fail when it runs out.
    private var budget: Int

    init(bytes: UnsafeRawBufferPointer, path: String, format: String = "tflite") {
        self.bytes = bytes
        self.path = path
        self.format = format
        budget = 16 &* bytes.count &+ (1 << 20)
    }

    func error(_ field: @autoclosure () -> String, _ reason: String, at offset: Int?) -> ImportError {
        ImportError(format: format, file: path, field: field(), offset: offset, reason: reason)
    }

    private func charge(_ units: Int, _ field: @autoclosure () -> String, at offset: Int) throws {
        budget -= max(1, units)
        guard budget >= 0 else {
            throw error(field(), "structures reference more data than the file holds (shared or overlapping tables)", at: offset)
        }
    }

    func u8(_ at: Int) -> UInt8 { bytes[at] }
    func u16(_ at: Int) -> UInt16 { UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt16.self)) }
    func u32(_ at: Int) -> UInt32 { UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self)) }
    func u64(_ at: Int) -> UInt64 { UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt64.self)) }

    /// True when `count` bytes from `at` lie inside the buffer.
    func contains(_ at: Int, _ count: Int) -> Bool { at >= 0 && count >= 0 && at <= bytes.count && count <= bytes.count - at }

    /// The root table.
    func root(_ field: String) throws -> FlatTable {
        guard contains(0, 8) else { throw error(field, "file is \(bytes.count) bytes, too short for a FlatBuffer", at: 0) }
        return try table(at: Int(u32(0)), FieldPath(base: "", name: field, index: -1), from: 0)
    }

    /// The table at absolute position `t` (reached from the offset stored at `from`).
    func table(at t: Int, _ path: FieldPath, from: Int) throws -> FlatTable {
        func field() -> String { path.description }
        guard contains(t, 4) else { throw error(field(), "table offset points to \(t), outside the \(bytes.count)-byte file", at: from) }
        let soffset = Int(Int32(bitPattern: u32(t)))
        let vt = t - soffset
        guard contains(vt, 4) else { throw error(field(), "vtable at \(vt) is outside the file", at: t) }
        let vtSize = Int(u16(vt)), tableSize = Int(u16(vt + 2))
        guard vtSize >= 4, vtSize % 2 == 0, contains(vt, vtSize) else {
            throw error(field(), "vtable size \(vtSize) is invalid or runs past the end of the file", at: vt)
        }
        guard tableSize >= 4, contains(t, tableSize) else {
            throw error(field(), "table size \(tableSize) runs past the end of the file", at: vt + 2)
        }
        try charge(vtSize + tableSize, field(), at: t)
        return FlatTable(reader: self, position: t, vtable: vt, vtableSize: vtSize, size: tableSize, path: path)
    }

    /// Follows the u32 offset stored at `p`; the target must leave room for `minimum` bytes.
    func follow(_ p: Int, _ field: @autoclosure () -> String, minimum: Int = 4) throws -> Int {
        let target = p + Int(u32(p))
        guard contains(target, minimum) else {
            throw error(field(), "offset points to \(target), outside the \(bytes.count)-byte file", at: p)
        }
        return target
    }

    /// A vector at `v`: its element count and the position of its first element, checked so that
    /// `count × elementSize` bytes are inside the file.
    func vector(at v: Int, elementSize: Int, _ field: @autoclosure () -> String) throws -> (count: Int, start: Int) {
        let n = Int(u32(v))
        let (bytesNeeded, overflow) = n.multipliedReportingOverflow(by: elementSize)
        guard !overflow, contains(v + 4, bytesNeeded) else {
            throw error(field(), "vector of \(n) × \(elementSize)-byte elements runs past the end of the file", at: v)
        }
        try charge(bytesNeeded, field(), at: v)
        return (n, v + 4)
    }
}

/// One table: typed, checked access to its fields by vtable slot (slot = field id in the schema).
struct FlatTable {
    unowned let reader: FlatBufferReader
    let position: Int
    let vtable: Int
    let vtableSize: Int
    let size: Int
    /// Path of this table for error messages (`subgraphs[0].tensors[12]`), built only when needed.
    let path: FieldPath
    var field: String { path.description }

    /// Absolute position of the field in `slot`, or nil when absent; checks `width` bytes fit in the table.
    func fieldPosition(_ slot: Int, width: Int, _ name: String) throws -> Int? {
        let entry = 4 + 2 * slot
        guard entry + 2 <= vtableSize else { return nil }
        let offset = Int(reader.u16(vtable + entry))
        if offset == 0 { return nil }
        guard offset + width <= size else {
            throw reader.error("\(field).\(name)", "field at table offset \(offset) (+\(width) bytes) lies outside the \(size)-byte table", at: vtable + entry)
        }
        return position + offset
    }

    func u8(_ slot: Int, _ name: String, default d: UInt8 = 0) throws -> UInt8 {
        guard let p = try fieldPosition(slot, width: 1, name) else { return d }
        return reader.u8(p)
    }

    func bool(_ slot: Int, _ name: String) throws -> Bool { try u8(slot, name) != 0 }

    func i32(_ slot: Int, _ name: String, default d: Int32 = 0) throws -> Int32 {
        guard let p = try fieldPosition(slot, width: 4, name) else { return d }
        return Int32(bitPattern: reader.u32(p))
    }

    func u32(_ slot: Int, _ name: String, default d: UInt32 = 0) throws -> UInt32 {
        guard let p = try fieldPosition(slot, width: 4, name) else { return d }
        return reader.u32(p)
    }

    func u64(_ slot: Int, _ name: String, default d: UInt64 = 0) throws -> UInt64 {
        guard let p = try fieldPosition(slot, width: 8, name) else { return d }
        return reader.u64(p)
    }

    func f32(_ slot: Int, _ name: String, default d: Float = 0) throws -> Float {
        guard let p = try fieldPosition(slot, width: 4, name) else { return d }
        return Float(bitPattern: reader.u32(p))
    }

    /// The sub-table in `slot`, if present.
    func table(_ slot: Int, _ name: String) throws -> FlatTable? {
        guard let p = try fieldPosition(slot, width: 4, name) else { return nil }
        func f() -> String { "\(field).\(name)" }
        return try reader.table(at: reader.follow(p, f()), FieldPath(base: field, name: name, index: -1), from: p)
    }

    /// The string in `slot`, if present (invalid UTF-8 is replaced, never trusted).
    func string(_ slot: Int, _ name: String) throws -> String? {
        guard let r = try byteRange(slot, name) else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: reader.bytes[r]), as: UTF8.self)
    }

    /// The byte range of a `[ubyte]` vector or string in `slot`, if present.
    func byteRange(_ slot: Int, _ name: String) throws -> Range<Int>? {
        guard let p = try fieldPosition(slot, width: 4, name) else { return nil }
        func f() -> String { "\(field).\(name)" }
        let (n, start) = try reader.vector(at: reader.follow(p, f()), elementSize: 1, f())
        return start..<(start + n)
    }

    /// A vector of little-endian 32-bit integers in `slot`, if present.
    func i32Vector(_ slot: Int, _ name: String) throws -> [Int32]? {
        guard let p = try fieldPosition(slot, width: 4, name) else { return nil }
        func f() -> String { "\(field).\(name)" }
        let (n, start) = try reader.vector(at: reader.follow(p, f()), elementSize: 4, f())
        return (0..<n).map { Int32(bitPattern: reader.u32(start + 4 * $0)) }
    }

    /// A vector of 64-bit integers in `slot`, if present.
    func i64Vector(_ slot: Int, _ name: String) throws -> [Int64]? {
        guard let p = try fieldPosition(slot, width: 4, name) else { return nil }
        func f() -> String { "\(field).\(name)" }
        let (n, start) = try reader.vector(at: reader.follow(p, f()), elementSize: 8, f())
        return (0..<n).map { Int64(bitPattern: reader.u64(start + 8 * $0)) }
    }

    /// A vector of 32-bit floats in `slot`, if present.
    func f32Vector(_ slot: Int, _ name: String) throws -> [Float]? {
        guard let p = try fieldPosition(slot, width: 4, name) else { return nil }
        func f() -> String { "\(field).\(name)" }
        let (n, start) = try reader.vector(at: reader.follow(p, f()), elementSize: 4, f())
        return (0..<n).map { Float(bitPattern: reader.u32(start + 4 * $0)) }
    }

    /// A vector of tables in `slot` (empty when absent); each element is checked as it is read.
    func tables(_ slot: Int, _ name: String) throws -> [FlatTable] {
        guard let p = try fieldPosition(slot, width: 4, name) else { return [] }
        func f() -> String { "\(field).\(name)" }
        let (n, start) = try reader.vector(at: reader.follow(p, f()), elementSize: 4, f())
        var out: [FlatTable] = []
        out.reserveCapacity(n)
        let base = field
        for i in 0..<n {
            let e = start + 4 * i
            out.append(try reader.table(at: reader.follow(e, "\(f())[\(i)]"), FieldPath(base: base, name: name, index: i), from: e))
        }
        return out
    }

    /// A vector of strings in `slot` (empty when absent).
    func strings(_ slot: Int, _ name: String) throws -> [String] {
        guard let p = try fieldPosition(slot, width: 4, name) else { return [] }
        func f() -> String { "\(field).\(name)" }
        let (n, start) = try reader.vector(at: reader.follow(p, f()), elementSize: 4, f())
        return try (0..<n).map { i in
            let e = start + 4 * i
            let (len, s) = try reader.vector(at: reader.follow(e, "\(f())[\(i)]"), elementSize: 1, "\(f())[\(i)]")
            return String(decoding: UnsafeRawBufferPointer(rebasing: reader.bytes[s..<(s + len)]), as: UTF8.self)
        }
    }
}

/// Where a table sits in the schema (`model.subgraphs[0].tensors[12]`), rendered only for messages.
struct FieldPath: CustomStringConvertible {
    let base: String
    let name: String
    let index: Int

    var description: String {
        let head = base.isEmpty ? name : "\(base).\(name)"
        return index >= 0 ? "\(head)[\(index)]" : head
    }
}
