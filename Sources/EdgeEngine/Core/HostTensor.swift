import EdgeIR

/// 64-byte aligned, owned bytes. A class so tensors can share storage without copying.
public final class AlignedBytes: @unchecked Sendable {
    // Mutated only by the engine thread that owns the session; the class is never shared across
    // concurrently running sessions.
    public let pointer: UnsafeMutableRawPointer
    public let count: Int

    public init(count: Int) {
        self.count = count
        pointer = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: 64)
        pointer.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
    }

    deinit { pointer.deallocate() }
}

/// A tensor owned by the caller: contiguous, row-major. The engine's inputs and outputs.
public struct HostTensor: @unchecked Sendable {
    public let dtype: DType
    public let shape: [Int]
    public let storage: AlignedBytes

    /// A zero-filled tensor.
    public init(dtype: DType, shape: [Int]) {
        self.dtype = dtype
        self.shape = shape
        let n = shape.reduce(1, *)
        storage = AlignedBytes(count: dtype.approximateBytes(elements: n))
    }

    public init(_ values: [Float], shape: [Int]) {
        precondition(values.count == shape.reduce(1, *), "values do not fill shape \(shape)")
        self.init(dtype: .float32, shape: shape)
        values.withUnsafeBytes { storage.pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    public init(int64 values: [Int64], shape: [Int]) {
        precondition(values.count == shape.reduce(1, *), "values do not fill shape \(shape)")
        self.init(dtype: .int64, shape: shape)
        values.withUnsafeBytes { storage.pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
    }

    /// A tensor holding `values` of any element type.
    public init<T: Element>(values: [T], shape: [Int]) {
        precondition(values.count == shape.reduce(1, *), "values do not fill shape \(shape)")
        self.init(dtype: T.dtype, shape: shape)
        values.withUnsafeBytes { if $0.count > 0 { storage.pointer.copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
    }

    /// An owned copy of a kernel view.
    public init(copying r: TensorRef) {
        self.init(dtype: r.dtype, shape: r.shape)
        if byteCount > 0 { storage.pointer.copyMemory(from: r.data, byteCount: byteCount) }
    }

    /// The values as `T` (the caller has checked ``dtype``).
    public func values<T: Element>(as _: T.Type) -> [T] {
        Array(UnsafeBufferPointer(start: storage.pointer.assumingMemoryBound(to: T.self), count: elementCount))
    }

    public var elementCount: Int { shape.reduce(1, *) }
    public var byteCount: Int { dtype.approximateBytes(elements: elementCount) }

    /// A view for kernels.
    public var ref: TensorRef { TensorRef(dtype: dtype, shape: shape, data: storage.pointer) }

    /// The values as Float (converting from the stored type).
    public func floats() -> [Float] { ref.floats() }
}

/// A non-owning view of a contiguous row-major tensor: what kernels read and write.
public struct TensorRef {
    public var dtype: DType
    public var shape: [Int]
    public var data: UnsafeMutableRawPointer

    public init(dtype: DType, shape: [Int], data: UnsafeMutableRawPointer) {
        self.dtype = dtype
        self.shape = shape
        self.data = data
    }

    public var count: Int { shape.reduce(1, *) }
    public var rank: Int { shape.count }

    public func f32() -> UnsafeMutablePointer<Float> { data.assumingMemoryBound(to: Float.self) }
    public func i64() -> UnsafeMutablePointer<Int64> { data.assumingMemoryBound(to: Int64.self) }
    public func i32() -> UnsafeMutablePointer<Int32> { data.assumingMemoryBound(to: Int32.self) }
    public func i8() -> UnsafeMutablePointer<Int8> { data.assumingMemoryBound(to: Int8.self) }
    public func u8() -> UnsafeMutablePointer<UInt8> { data.assumingMemoryBound(to: UInt8.self) }

    /// The values as Float, converting integer, half and bool types (for tests and summaries).
    public func floats() -> [Float] {
        let n = count
        switch dtype {
        case .float32: return Array(UnsafeBufferPointer(start: f32(), count: n))
        case .float64: return (0..<n).map { Float(data.load(fromByteOffset: $0 * 8, as: Double.self)) }
        case .float16: return (0..<n).map { Float(halfBits: data.load(fromByteOffset: $0 * 2, as: UInt16.self)) }
        case .int64: return (0..<n).map { Float(i64()[$0]) }
        case .int32: return (0..<n).map { Float(i32()[$0]) }
        case .int8: return (0..<n).map { Float(i8()[$0]) }
        case .uint8, .bool: return (0..<n).map { Float(u8()[$0]) }
        default: return []
        }
    }
}
