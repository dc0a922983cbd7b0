import EdgeIR

/// Tensors: `TensorProto` → `Tensor`, with storage that points into the file wherever the bytes are
/// already laid out as the tensor's little-endian elements.
///
/// Where the data is, in the order ONNX gives precedence: `data_location = EXTERNAL` (a side file);
/// `raw_data` (a slice of the map, never copied); packed `float_data` / `double_data` in one run (also
/// a slice: packed fixed-width floats are the tensor's bytes); other typed fields (`int64_data`,
/// `int32_data` …, varint-encoded, so they are decoded into memory). Every element count is checked
/// against `dims` before anything is stored.
extension ONNXGraphReader {
    /// Dense tensors up to this size are materialised from sparse ones; larger ones stay absent, so a
    /// tiny file cannot ask for a huge zero-filled allocation.
    static let sparseDensifyLimit = 1 << 20

    mutating func readTensor(_ t: Onnx_TensorProto, name: String, path: String) throws(ImportError) -> Tensor {
        let offset: UInt64? = t.hasEdgewiseOffset ? t.edgewiseOffset : nil
        let dtype = try dataType(Int(t.dataType), path: path + ".data_type", offset: offset)
        var dims: [Int] = []
        dims.reserveCapacity(t.dims.count)
        for (i, d) in t.dims.enumerated() {
            guard d >= 0 else { throw fail("\(path).dims[\(i)]", offset, "negative dimension \(d)") }
            dims.append(Int(d))
        }
        let type = TensorType(dtype, Shape(dims))
        guard let count = type.shape.elementCount else {
            throw fail(path + ".dims", offset, "element count of \(type.shape) overflows 64 bits")
        }
        return Tensor(name: name, type: type, storage: try storage(t, type: type, count: count, path: path, offset: offset))
    }

    private mutating func storage(_ t: Onnx_TensorProto, type: TensorType, count n: Int, path: String,
                                  offset: UInt64?) throws(ImportError) -> TensorStorage {
        let dtype = type.dtype
        if dtype == .string {
            guard t.stringData.count == n || (n == 0 && t.stringData.isEmpty) else {
                throw fail(path + ".string_data", offset, "\(t.stringData.count) strings for \(n) elements")
            }
            return .absent  // strings are labels, not weights; the IR keeps their shape only
        }
        guard let expected = dtype.byteCount(elements: n) else {
            throw fail(path + ".dims", offset, "byte size of \(type) overflows")
        }
        if t.dataLocation == .external {
            return try external.storage(t.externalData, expected: expected, type: type, path: path + ".external_data",
                                        offset: offset, reader: ONNXExternalData.Failer(fail: fail))
        }
        var raw: ONNXWireLocator.Payload?
        var floatRuns: [ONNXWireLocator.Payload] = []
        var doubleRuns: [ONNXWireLocator.Payload] = []
        for index in t.edgewisePayload {
            guard index < UInt64(payloads.count) else {
                throw fail(path, offset, "internal: payload reference \(index) out of range")
            }
            let p = payloads[Int(index)]
            switch p.field {
            case 9: raw = p  // a repeated singular field: the last one wins
            case 4: floatRuns.append(p)
            default: doubleRuns.append(p)
            }
        }
        if let raw {
            guard raw.range.count == expected else {
                throw fail(path + ".raw_data", UInt64(raw.keyOffset),
                           "raw_data has \(raw.range.count) bytes; \(type) needs \(expected)")
            }
            return .mapped(file, offset: raw.range.lowerBound, length: raw.range.count)
        }
        if !floatRuns.isEmpty || !t.floatData.isEmpty {
            return try packed(floatRuns, unpacked: t.floatData, width: 4, want: .float32, type: type, count: n,
                              path: path + ".float_data", offset: offset)
        }
        if !doubleRuns.isEmpty || !t.doubleData.isEmpty {
            return try packed(doubleRuns, unpacked: t.doubleData, width: 8, want: .float64, type: type, count: n,
                              path: path + ".double_data", offset: offset)
        }
        if !t.int32Data.isEmpty {
            return try int32Field(t.int32Data, type: type, count: n, path: path + ".int32_data", offset: offset)
        }
        if !t.int64Data.isEmpty {
            guard dtype == .int64 else { throw fail(path + ".int64_data", offset, "int64_data cannot hold \(dtype.rawValue)") }
            guard t.int64Data.count == n else { throw fail(path + ".int64_data", offset, "\(t.int64Data.count) values for \(type)") }
            return .memory(t.int64Data.withUnsafeBytes { Array($0) })
        }
        if !t.uint64Data.isEmpty {
            guard dtype == .uint64 || dtype == .uint32 else {
                throw fail(path + ".uint64_data", offset, "uint64_data cannot hold \(dtype.rawValue)")
            }
            guard t.uint64Data.count == n else { throw fail(path + ".uint64_data", offset, "\(t.uint64Data.count) values for \(type)") }
            if dtype == .uint64 { return .memory(t.uint64Data.withUnsafeBytes { Array($0) }) }
            return .memory(t.uint64Data.map { UInt32(truncatingIfNeeded: $0) }.withUnsafeBytes { Array($0) })
        }
        guard n == 0 else { throw fail(path, offset, "\(type) has \(n) elements but no data") }
        return .memory([])
    }

    /// `float_data` / `double_data`: one packed run is a slice of the map; several runs (legal, rare)
    /// or unpacked elements are gathered into memory, in file order.
    private func packed<T>(_ runs: [ONNXWireLocator.Payload], unpacked: [T], width: Int, want: DType, type: TensorType,
                           count n: Int, path: String, offset: UInt64?) throws(ImportError) -> TensorStorage {
        guard type.dtype == want else { throw fail(path, offset, "this field cannot hold \(type.dtype.rawValue)") }
        let packedCount = runs.reduce(0) { $0 + $1.range.count / width }
        guard packedCount + unpacked.count == n else {
            throw fail(path, runs.first.map { UInt64($0.keyOffset) } ?? offset, "\(packedCount + unpacked.count) values for \(type)")
        }
        if runs.count == 1, unpacked.isEmpty, let r = runs.first {
            return .mapped(file, offset: r.range.lowerBound, length: r.range.count)
        }
        guard runs.isEmpty || unpacked.isEmpty else {
            throw fail(path, offset, "mixes packed and unpacked encodings; element order is ambiguous")
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(n * width)
        for r in runs { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: file.bytes[r.range])) }
        if !unpacked.isEmpty { bytes = unpacked.withUnsafeBytes { Array($0) } }
        return .memory(bytes)
    }

    /// `int32_data`: one element per value for 8-bit and wider types (bit patterns for float16,
    /// bfloat16 and float8), one byte of two packed nibbles per value for 4-bit types.
    private func int32Field(_ values: [Int32], type: TensorType, count n: Int, path: String,
                            offset: UInt64?) throws(ImportError) -> TensorStorage {
        let width: Int
        switch type.dtype {
        case .int32: width = 4
        case .int16, .uint16, .float16, .bfloat16: width = 2
        case .int8, .uint8, .bool, .float8e4m3fn, .float8e5m2, .float8e4m3fnuz, .float8e5m2fnuz, .float8e8m0,
             .int4, .uint4, .float4e2m1, .int2, .uint2: width = 1
        default: throw fail(path, offset, "int32_data cannot hold \(type.dtype.rawValue)")
        }
        // Sub-byte types: one byte of packed values per int32 element (2 nibbles, or 4 crumbs for 2-bit).
        let per = type.dtype.blockSize
        let want = n / per + (n % per == 0 ? 0 : 1)
        guard values.count == want else { throw fail(path, offset, "\(values.count) values for \(type)") }
        var bytes = [UInt8](repeating: 0, count: want * width)
        for (i, v) in values.enumerated() {
            let u = UInt32(bitPattern: v)
            for b in 0..<width { bytes[i * width + b] = UInt8(truncatingIfNeeded: u >> (8 * UInt32(b))) }
        }
        return .memory(bytes)
    }

    /// A sparse tensor (COO: `values[NNZ]`, `indices[NNZ]` linear or `[NNZ, rank]`) as a dense one,
    /// when the dense bytes are at most ``sparseDensifyLimit``; otherwise its storage stays absent.
    mutating func readSparseTensor(_ s: Onnx_SparseTensorProto, name: String, path: String) throws(ImportError) -> Tensor {
        let offset: UInt64? = s.hasEdgewiseOffset ? s.edgewiseOffset : nil
        let values = try readTensor(s.values, name: name, path: path + ".values")
        let indices = try readTensor(s.indices, name: name + ".indices", path: path + ".indices")
        var dims: [Int] = []
        for (i, d) in s.dims.enumerated() {
            guard d >= 0 else { throw fail("\(path).dims[\(i)]", offset, "negative dimension \(d)") }
            dims.append(Int(d))
        }
        let type = TensorType(values.dtype, Shape(dims))
        guard let n = type.shape.elementCount, let nnz = values.shape.elementCount, values.shape.rank == 1 else {
            throw fail(path + ".dims", offset, "sparse tensor \(type) with values \(values.shape) is malformed")
        }
        let width = values.dtype.bytesPerBlock
        guard values.dtype.blockSize == 1, width > 0, let dense = type.byteCount, dense <= Self.sparseDensifyLimit,
              values.storage.byteCount == nnz * width else {
            notes.add("sparse", "sparse tensor '\(name)' (\(type)) is not densified; its storage is absent")
            return Tensor(name: name, type: type)
        }
        guard indices.dtype == .int64, indices.storage.isPresent,
              indices.shape == Shape([nnz]) || indices.shape == Shape([nnz, dims.count]) else {
            throw fail(path + ".indices", offset, "indices \(indices.type) do not match \(nnz) values of rank \(dims.count)")
        }
        let linear = indices.shape.rank == 1
        var out = [UInt8](repeating: 0, count: dense)
        let ok = values.storage.withBytes { v in
            indices.storage.withBytes { ix -> Bool in
                guard ix.count == indices.type.byteCount else { return false }
                for k in 0..<nnz {
                    var at = 0
                    if linear {
                        at = Int(ix.loadUnaligned(fromByteOffset: k * 8, as: Int64.self))
                    } else {
                        for (axis, size) in dims.enumerated() {
                            let c = Int(ix.loadUnaligned(fromByteOffset: (k * dims.count + axis) * 8, as: Int64.self))
                            guard c >= 0, c < size else { return false }
                            at = at * size + c
                        }
                    }
                    guard at >= 0, at < n else { return false }
                    for b in 0..<width { out[at * width + b] = v[k * width + b] }
                }
                return true
            }
        }
        guard ok else { throw fail(path + ".indices", offset, "an index lies outside \(type.shape)") }
        return Tensor(name: name, type: type, storage: .memory(out))
    }
}
