/// Where a tensor's bytes are, if anywhere.
///
/// The catalog builds architecture-only graphs (`.absent`): shapes and types are enough for cost and
/// simulation. Importers point into the model file (`.mapped`), so weights are read when used.
/// Transformations that compute new weights hold them in memory (`.memory`).
public enum TensorStorage: Sendable {
    case absent
    case memory([UInt8])
    case mapped(MappedFile, offset: Int, length: Int)

    public var isPresent: Bool {
        if case .absent = self { return false }
        return true
    }

    /// Number of stored bytes (0 when absent).
    public var byteCount: Int {
        switch self {
        case .absent: return 0
        case .memory(let b): return b.count
        case .mapped(_, _, let length): return length
        }
    }

    /// Calls `body` with the stored bytes; an absent tensor yields an empty buffer.
    public func withBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch self {
        case .absent:
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        case .memory(let b):
            return try b.withUnsafeBytes(body)
        case .mapped(let file, let offset, let length):
            // Importers validate the range before creating the storage; an invalid range reads as empty.
            return try body(file.slice(offset: offset, length: length) ?? UnsafeRawBufferPointer(start: nil, count: 0))
        }
    }

    /// Short description of the location, e.g. `file@1785664+2048`.
    public var location: String {
        switch self {
        case .absent: return "absent"
        case .memory(let b): return "memory(\(b.count) B)"
        case .mapped(let f, let o, let l):
            let name = f.path.split(separator: "/").last.map(String.init) ?? f.path
            return "\(name)@\(o)+\(l)"
        }
    }
}

/// A named constant tensor: a weight, a bias, or a small shape/index constant.
public struct Tensor: Sendable {
    public var name: String
    public var type: TensorType
    public var quantization: Quantization?
    public var storage: TensorStorage

    public init(name: String, type: TensorType, quantization: Quantization? = nil, storage: TensorStorage = .absent) {
        self.name = name
        self.type = type
        self.quantization = quantization
        self.storage = storage
    }

    public var dtype: DType { type.dtype }
    public var shape: Shape { type.shape }

    /// Builds an in-memory int64 tensor (shape arguments of Reshape, Slice, …).
    public static func int64(_ name: String, _ values: [Int64], shape: Shape? = nil) -> Tensor {
        let bytes = values.withUnsafeBytes { Array($0) }
        return Tensor(name: name, type: TensorType(.int64, shape ?? Shape([values.count])), storage: .memory(bytes))
    }

    /// Builds an in-memory float32 tensor.
    public static func float32(_ name: String, _ values: [Float], shape: Shape) -> Tensor {
        let bytes = values.withUnsafeBytes { Array($0) }
        return Tensor(name: name, type: TensorType(.float32, shape), storage: .memory(bytes))
    }

    /// The values of a small integer tensor (int64/int32/int16/int8/uint8 …), if its bytes are present and
    /// complete. Used by shape inference to read shape arguments; returns nil for anything larger than
    /// `limit` elements so a hostile file cannot make inference copy a huge tensor.
    public func integerValues(limit: Int = 1 << 16) -> [Int64]? {
        guard let n = type.shape.elementCount, n <= limit, storage.isPresent else { return nil }
        let width: Int
        switch dtype {
        case .int64, .uint64: width = 8
        case .int32, .uint32: width = 4
        case .int16, .uint16: width = 2
        case .int8, .uint8, .bool: width = 1
        default: return nil
        }
        return storage.withBytes { raw -> [Int64]? in
            guard raw.count >= n * width else { return nil }
            var out = [Int64](repeating: 0, count: n)
            for i in 0..<n {
                let o = i * width
                switch dtype {
                case .int64: out[i] = raw.loadUnaligned(fromByteOffset: o, as: Int64.self)
                case .uint64: out[i] = Int64(truncatingIfNeeded: raw.loadUnaligned(fromByteOffset: o, as: UInt64.self))
                case .int32: out[i] = Int64(raw.loadUnaligned(fromByteOffset: o, as: Int32.self))
                case .uint32: out[i] = Int64(raw.loadUnaligned(fromByteOffset: o, as: UInt32.self))
                case .int16: out[i] = Int64(raw.loadUnaligned(fromByteOffset: o, as: Int16.self))
                case .uint16: out[i] = Int64(raw.loadUnaligned(fromByteOffset: o, as: UInt16.self))
                case .int8: out[i] = Int64(raw.loadUnaligned(fromByteOffset: o, as: Int8.self))
                default: out[i] = Int64(raw.loadUnaligned(fromByteOffset: o, as: UInt8.self))
                }
            }
            return out
        }
    }

    /// The values of a small float tensor (float32/float64/float16), if present; nil above `limit`.
    public func floatValues(limit: Int = 1 << 16) -> [Double]? {
        guard let n = type.shape.elementCount, n <= limit, storage.isPresent else { return nil }
        return storage.withBytes { raw -> [Double]? in
            switch dtype {
            case .float32:
                guard raw.count >= n * 4 else { return nil }
                return (0..<n).map { Double(raw.loadUnaligned(fromByteOffset: $0 * 4, as: Float.self)) }
            case .float64:
                guard raw.count >= n * 8 else { return nil }
                return (0..<n).map { raw.loadUnaligned(fromByteOffset: $0 * 8, as: Double.self) }
            case .float16:
                guard raw.count >= n * 2 else { return nil }
                return (0..<n).map { Double(Float(halfBits: raw.loadUnaligned(fromByteOffset: $0 * 2, as: UInt16.self))) }
            default:
                return integerValues(limit: limit).map { $0.map(Double.init) }
            }
        }
    }
}

extension Float {
    /// Converts IEEE 754 binary16 bits to Float without relying on the platform's `Float16` type
    /// (absent on some x86 toolchains).
    public init(halfBits h: UInt16) {
        let sign = UInt32(h >> 15) << 31
        let exp = Int((h >> 10) & 0x1F)
        let mant = UInt32(h & 0x3FF)
        if exp == 0 {
            if mant == 0 { self = Float(bitPattern: sign); return }
            // subnormal
            let v = Float(mant) * Float(sign: .plus, exponent: -24, significand: 1)
            self = sign != 0 ? -v : v
            return
        }
        if exp == 31 {
            self = Float(bitPattern: sign | 0x7F80_0000 | (mant << 13))
            return
        }
        self = Float(bitPattern: sign | (UInt32(exp - 15 + 127) << 23) | (mant << 13))
    }

    /// Converts bfloat16 bits (the top half of a float32) to Float.
    public init(bfloat16Bits b: UInt16) {
        self = Float(bitPattern: UInt32(b) << 16)
    }
}
