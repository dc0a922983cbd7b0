import EdgeEngine
import EdgeIR
import Foundation

/// Minimal .npy (format 1.0/2.0, little-endian, C order) reading and writing for the runner.
enum NPY {
    struct Failure: Error, CustomStringConvertible { let description: String }

    static func read(_ path: String) throws -> HostTensor {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let bytes = [UInt8](data)
        guard bytes.count > 10, bytes[0] == 0x93, Array(bytes[1...5]) == Array("NUMPY".utf8) else {
            throw Failure(description: "\(path): not a .npy file")
        }
        let major = bytes[6]
        let headerLength = major == 1 ? Int(bytes[8]) | Int(bytes[9]) << 8
            : Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
        let start = major == 1 ? 10 : 12
        guard start + headerLength <= bytes.count,
              let header = String(bytes: bytes[start..<(start + headerLength)], encoding: .ascii) else {
            throw Failure(description: "\(path): bad header")
        }
        func field(_ key: String) -> String? {
            guard let r = header.range(of: "'\(key)':") else { return nil }
            return String(header[r.upperBound...]).trimmingCharacters(in: .whitespaces)
        }
        guard let descr = field("descr")?.split(separator: "'").first.map(String.init),
              let shapeText = field("shape"), let open = shapeText.firstIndex(of: "("), let close = shapeText.firstIndex(of: ")") else {
            throw Failure(description: "\(path): header without descr/shape: \(header)")
        }
        if field("fortran_order")?.hasPrefix("True") == true { throw Failure(description: "\(path): Fortran order") }
        let shape = shapeText[shapeText.index(after: open)..<close].split(separator: ",")
            .compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let dtype: DType
        switch descr {
        case "<f4": dtype = .float32
        case "<i8": dtype = .int64
        case "<i4": dtype = .int32
        case "|u1", "<u1": dtype = .uint8
        case "|i1", "<i1": dtype = .int8
        case "|b1": dtype = .bool
        default: throw Failure(description: "\(path): unsupported dtype \(descr)")
        }
        let t = HostTensor(dtype: dtype, shape: shape)
        let payload = start + headerLength
        guard bytes.count - payload >= t.byteCount else { throw Failure(description: "\(path): truncated") }
        bytes.withUnsafeBytes { t.storage.pointer.copyMemory(from: $0.baseAddress! + payload, byteCount: t.byteCount) }
        return t
    }

    static func write(_ t: HostTensor, to path: String) throws {
        let descr: String
        switch t.dtype {
        case .float32: descr = "<f4"
        case .int64: descr = "<i8"
        case .int32: descr = "<i4"
        case .uint8: descr = "|u1"
        case .int8: descr = "|i1"
        case .bool: descr = "|b1"
        default: throw Failure(description: "cannot write \(t.dtype) as .npy")
        }
        let shape = t.shape.isEmpty ? "()" : t.shape.count == 1 ? "(\(t.shape[0]),)" : "(" + t.shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }"
        while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var out: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)]
        out += Array(header.utf8)
        out += Array(UnsafeRawBufferPointer(start: t.storage.pointer, count: t.byteCount))
        try Data(out).write(to: URL(fileURLWithPath: path))
    }
}
