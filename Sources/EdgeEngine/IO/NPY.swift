import EdgeIR
import Foundation

/// NumPy `.npy` files (format versions 1–3): the engine's tensor interchange with the outside world.
///
/// Layout (numpy's `format.py` documents it): magic `\x93NUMPY`, major and minor version bytes, a
/// little-endian header length (2 bytes in v1, 4 in v2/v3), an ASCII Python-dict header
/// (`{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3), }`) padded with spaces to a 16/64-byte
/// boundary, then the row-major data. Fortran order, object arrays and big-endian data are refused.
public enum NPY {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    static let descrs: [String: DType] = [
        "<f4": .float32, "<f8": .float64, "<f2": .float16, "<i8": .int64, "<i4": .int32, "<i2": .int16, "|i1": .int8,
        "<u8": .uint64, "<u4": .uint32, "<u2": .uint16, "|u1": .uint8, "|b1": .bool, "<i1": .int8, "<u1": .uint8,
    ]

    /// Reads a `.npy` file.
    /// - Throws: ``Failure`` naming the file and what is wrong with it.
    public static func read(path: String) throws -> HostTensor {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "\(path): cannot read the file") }
        return try decode([UInt8](data), name: path)
    }

    public static func decode(_ b: [UInt8], name: String = "npy") throws -> HostTensor {
        func fail(_ why: String) -> Failure { Failure(description: "\(name): not a usable .npy file: \(why)") }
        guard b.count >= 10, b[0] == 0x93, Array(b[1..<6]) == Array("NUMPY".utf8) else { throw fail("no NUMPY magic") }
        let major = b[6]
        let headerLength: Int, start: Int
        switch major {
        case 1: headerLength = Int(b[8]) | Int(b[9]) << 8; start = 10
        case 2, 3:
            guard b.count >= 12 else { throw fail("truncated header") }
            headerLength = Int(b[8]) | Int(b[9]) << 8 | Int(b[10]) << 16 | Int(b[11]) << 24; start = 12
        default: throw fail("format version \(major)")
        }
        guard headerLength >= 0, start + headerLength <= b.count else { throw fail("header length \(headerLength) past the end") }
        let header = String(decoding: b[start..<(start + headerLength)], as: UTF8.self)
        guard let descr = field(header, "descr"), let dtype = descrs[descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))] else {
            throw fail("unsupported dtype in header \(header.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        if let f = field(header, "fortran_order"), f.hasPrefix("True") { throw fail("Fortran order is not supported") }
        guard let shapeText = field(header, "shape") else { throw fail("no shape in header") }
        let dims = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() ")).split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        var shape: [Int] = []
        var count = 1
        for d in dims {
            guard let v = Int(d), v >= 0 else { throw fail("bad dimension '\(d)'") }
            let (c, o) = count.multipliedReportingOverflow(by: v)
            guard !o else { throw fail("shape overflows") }
            count = c
            shape.append(v)
        }
        let dataStart = start + headerLength
        let need = dtype.approximateBytes(elements: count)
        guard b.count - dataStart >= need else { throw fail("data holds \(b.count - dataStart) bytes, shape \(shape) needs \(need)") }
        let t = HostTensor(dtype: dtype, shape: shape)
        b.withUnsafeBytes { raw in
            if need > 0 { t.storage.pointer.copyMemory(from: raw.baseAddress! + dataStart, byteCount: need) }
        }
        return t
    }

    /// The text after `'key':` up to the next top-level comma (a tuple counts as one value).
    static func field(_ header: String, _ key: String) -> String? {
        guard let r = header.range(of: "'\(key)':") ?? header.range(of: "\"\(key)\":") else { return nil }
        var depth = 0
        var out = ""
        for ch in header[r.upperBound...] {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1; if depth == 0 { out.append(ch); break } }
            if ch == "," && depth == 0 { break }
            if ch == "}" && depth == 0 { break }
            out.append(ch)
        }
        return out.trimmingCharacters(in: .whitespaces)
    }

    /// The bytes of a version 1.0 `.npy` file holding `t`.
    public static func encode(_ t: HostTensor) throws -> [UInt8] {
        guard let descr = descrs.first(where: { $0.value == t.dtype && !$0.key.hasPrefix("<i1") && !$0.key.hasPrefix("<u1") })?.key else {
            throw Failure(description: "\(t.dtype.rawValue) tensors cannot be written as .npy")
        }
        let shape = t.shape.count == 1 ? "(\(t.shape[0]),)" : "(" + t.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        let total = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - total % 64) % 64) + "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xff), UInt8(header.utf8.count >> 8)]
        out += Array(header.utf8)
        out += Array(UnsafeRawBufferPointer(start: t.storage.pointer, count: t.byteCount))
        return out
    }

    /// Writes `t` to `path` atomically (temporary file, then rename).
    public static func write(_ t: HostTensor, path: String) throws {
        try Data(encode(t)).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
