import EdgeEngine
import EdgeIR
import Foundation

/// Reads one serialized ONNX `TensorProto` (the backend test suite's `input_N.pb` / `output_N.pb`).
///
/// Only the fields the suite's tensors use: dims (1), data_type (2), the typed repeated fields
/// float_data (4), int32_data (5), int64_data (7), double_data (10), uint64_data (11), and raw_data (9).
/// Field numbers are facts of onnx.proto. Returns nil for element types the engine has no host form
/// for (strings, float8, packed int4).
enum TensorProtoFile {
    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    static func read(_ url: URL) throws -> HostTensor? {
        try parse([UInt8](Data(contentsOf: url)))
    }

    static func parse(_ b: [UInt8]) throws -> HostTensor? {
        var dims: [Int] = [], code = 0
        var raw: [UInt8]?
        var floats: [Float] = [], doubles: [Double] = [], int32s: [Int64] = [], int64s: [Int64] = [], uint64s: [UInt64] = []
        var p = 0
        func varint() throws -> UInt64 {
            var v: UInt64 = 0, shift: UInt64 = 0
            while true {
                guard p < b.count, shift < 64 else { throw Malformed(description: "truncated varint at \(p)") }
                let byte = b[p]; p += 1
                v |= UInt64(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return v }
                shift += 7
            }
        }
        func bytes(_ n: Int) throws -> ArraySlice<UInt8> {
            guard n >= 0, p + n <= b.count else { throw Malformed(description: "field past the end at \(p)") }
            defer { p += n }
            return b[p..<(p + n)]
        }
        func fixed<T>(_ s: ArraySlice<UInt8>, _: T.Type) -> [T] {
            let n = s.count / MemoryLayout<T>.size
            return s.withUnsafeBytes { r in (0..<n).map { r.loadUnaligned(fromByteOffset: $0 * MemoryLayout<T>.size, as: T.self) } }
        }
        while p < b.count {
            let key = try varint()
            let field = Int(key >> 3), wire = Int(key & 7)
            switch wire {
            case 0:
                let v = try varint()
                switch field {
                case 1: dims.append(Int(Int64(bitPattern: v)))
                case 2: code = Int(v)
                case 5: int32s.append(Int64(Int32(truncatingIfNeeded: Int64(bitPattern: v))))
                case 7: int64s.append(Int64(bitPattern: v))
                case 11: uint64s.append(v)
                default: break
                }
            case 1:
                let s = try bytes(8)
                if field == 10 { doubles += fixed(s, Double.self) }
            case 5:
                let s = try bytes(4)
                if field == 4 { floats += fixed(s, Float.self) }
            case 2:
                let n = Int(try varint())
                let s = try bytes(n)
                switch field {
                case 1, 5, 7, 11:
                    // Packed varints: parse the slice with the same reader, then continue after it.
                    let after = p
                    p = s.startIndex
                    while p < s.endIndex {
                        let v = try varint()
                        switch field {
                        case 1: dims.append(Int(Int64(bitPattern: v)))
                        case 5: int32s.append(Int64(Int32(truncatingIfNeeded: Int64(bitPattern: v))))
                        case 7: int64s.append(Int64(bitPattern: v))
                        default: uint64s.append(v)
                        }
                    }
                    p = after
                case 4: floats += fixed(s, Float.self)
                case 10: doubles += fixed(s, Double.self)
                case 9: raw = Array(s)
                default: break
                }
            default:
                throw Malformed(description: "wire type \(wire) at \(p)")
            }
        }
        guard let dtype = DType(onnxDataType: code), elementType(dtype) != nil else { return nil }
        let t = HostTensor(dtype: dtype, shape: dims)
        let n = t.elementCount
        if let raw {
            guard raw.count == t.byteCount else { throw Malformed(description: "raw_data holds \(raw.count) bytes, \(dtype)\(dims) needs \(t.byteCount)") }
            raw.withUnsafeBytes { if $0.count > 0 { t.storage.pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
            return t
        }
        let r = t.ref
        switch dtype {
        case .float32: guard floats.count == n else { break }; for i in 0..<n { r.f32()[i] = floats[i] }; return t
        case .float64: guard doubles.count == n else { break }; for i in 0..<n { r.ptr(Double.self)[i] = doubles[i] }; return t
        case .int64: guard int64s.count == n else { break }; for i in 0..<n { r.i64()[i] = int64s[i] }; return t
        case .uint32, .uint64:
            guard uint64s.count == n else { break }
            for i in 0..<n {
                if dtype == .uint64 { r.ptr(UInt64.self)[i] = uint64s[i] } else { r.ptr(UInt32.self)[i] = UInt32(truncatingIfNeeded: uint64s[i]) }
            }
            return t
        case .float16:
            guard int32s.count == n else { break }
            for i in 0..<n { r.ptr(UInt16.self)[i] = UInt16(truncatingIfNeeded: int32s[i]) }
            return t
        default:
            guard int32s.count == n else { break }
            let es = dtype.bytesPerBlock
            for i in 0..<n {
                var v = int32s[i]
                withUnsafeBytes(of: &v) { (t.storage.pointer + i * es).copyMemory(from: $0.baseAddress!, byteCount: es) }
            }
            return t
        }
        throw Malformed(description: "\(dtype)\(dims) has no data of the matching kind")
    }
}
