import EdgeIR

/// The reference kernels: plain loops that are the engine's specification of each op.
///
/// They favour obviousness over speed; optimized kernels are tested against them. Each op family lives
/// in its own file and contributes a table of ``KernelSpec``s (factory + claimed element types) here.
public enum ReferenceKernels {
    public static let all: [OpType: KernelSpec] = {
        var t: [OpType: KernelSpec] = [:]
        let tables: [[OpType: KernelSpec]] = [
            unary, activations, binary, comparison, variadic, convolution, matrix, layout, pooling,
            normalization, softmaxFamily, reductions, shapeOps, indexing, movement, resizing, recurrent,
            controlFlow, tflite, attention, quantized, lookup,
        ]
        for table in tables { t.merge(table) { a, _ in a } }
        return t
    }()
}

/// Optimized kernels (SIMD, packed, fused); empty until a kernel earns its place by beating the reference.
///
/// A factory returns nil for configurations it does not handle, and the reference kernel runs instead.
public enum OptimizedKernels {
    public static let all: [OpType: KernelRegistry.OptionalFactory] = table
}

/// A kernel defined by a closure; most reference kernels need no state beyond what they capture.
final class ClosureKernel: Kernel {
    let body: ([TensorRef], [TensorRef]) throws -> Void
    init(_ body: @escaping ([TensorRef], [TensorRef]) throws -> Void) { self.body = body }
    func run(inputs: [TensorRef], outputs: [TensorRef]) throws { try body(inputs, outputs) }
}

/// A data-dependent kernel defined by a closure that allocates its outputs.
final class AllocatingKernel: DataDependentKernel {
    let body: ([TensorRef]) throws -> [HostTensor]
    init(_ body: @escaping ([TensorRef]) throws -> [HostTensor]) { self.body = body }
    func run(inputs: [TensorRef]) throws -> [HostTensor] { try body(inputs) }
}

/// Row-major strides of a shape.
func strides(_ shape: [Int]) -> [Int] {
    var s = [Int](repeating: 1, count: shape.count)
    var acc = 1
    for i in stride(from: shape.count - 1, through: 0, by: -1) {
        s[i] = acc
        acc *= shape[i]
    }
    return s
}

/// Normalises a possibly negative axis; nil when out of range.
func normalizedAxis(_ a: Int, rank: Int) -> Int? {
    let r = a < 0 ? a + rank : a
    return r >= 0 && r < max(rank, 1) ? r : nil
}

/// NumPy broadcasting of several inputs to one output shape, walked in contiguous inner runs.
///
/// Dimensions are collapsed where every input either spans them fully or broadcasts over them, so
/// the common cases (same shape, scalar operand, per-channel operand) become a few long runs whose
/// per-input step is 0 or 1.
struct Broadcast {
    let outShape: [Int]
    /// Collapsed output dims and, per input, the element stride along each (0 = broadcast).
    let dims: [Int]
    let inputStrides: [[Int]]
    let count: Int

    init(inputs: [[Int]], output: [Int]) {
        outShape = output
        count = output.reduce(1, *)
        let r = output.count
        var strideTable: [[Int]] = inputs.map { s in
            let padded = [Int](repeating: 1, count: max(0, r - s.count)) + s
            let st = strides(padded)
            return (0..<r).map { padded[$0] == 1 && output[$0] != 1 ? 0 : st[$0] }
        }
        // Drop size-1 output dims, then merge neighbours that are contiguous for every input.
        var d: [Int] = []
        var table: [[Int]] = Array(repeating: [], count: inputs.count)
        for k in 0..<r where output[k] != 1 {
            if let last = d.last {
                let mergeable = strideTable.indices.allSatisfy { i in table[i].last! == strideTable[i][k] * output[k] }
                if mergeable {
                    d[d.count - 1] = last * output[k]
                    for i in table.indices { table[i][table[i].count - 1] = strideTable[i][k] }
                    continue
                }
            }
            d.append(output[k])
            for i in table.indices { table[i].append(strideTable[i][k]) }
        }
        if d.isEmpty { d = [1]; table = table.map { _ in [0] } }
        strideTable = table
        dims = d
        inputStrides = strideTable
    }

    /// Calls `body(outputOffset, inputOffsets, runLength, inputSteps)` for each inner run.
    @inline(__always)
    func forEachRun(_ body: (Int, [Int], Int, [Int]) -> Void) {
        guard count > 0 else { return }
        let r = dims.count
        let inner = dims[r - 1]
        let steps = inputStrides.map { $0[r - 1] }
        var index = [Int](repeating: 0, count: r)
        var offs = [Int](repeating: 0, count: inputStrides.count)
        var out = 0
        while true {
            body(out, offs, inner, steps)
            out += inner
            var k = r - 2
            while k >= 0 {
                index[k] += 1
                for i in offs.indices { offs[i] += inputStrides[i][k] }
                if index[k] < dims[k] { break }
                for i in offs.indices { offs[i] -= inputStrides[i][k] * dims[k] }
                index[k] = 0
                k -= 1
            }
            if k < 0 { return }
        }
    }
}

/// For each output element of a broadcast, the offset into an input of shape `input` (NumPy rules).
/// For small tensors only (Gemm's C, Where on shapes); large ones use ``Broadcast``.
func broadcastOffsets(input: [Int], output: [Int]) -> [Int] {
    let b = Broadcast(inputs: [input], output: output)
    var offsets = [Int](repeating: 0, count: b.count)
    b.forEachRun { o, offs, n, steps in
        for i in 0..<n { offsets[o + i] = offs[0] + i * steps[0] }
    }
    return offsets
}

/// The broadcast shape of several shapes, or nil.
func broadcastShape(_ shapes: [[Int]]) -> [Int]? {
    let r = shapes.map(\.count).max() ?? 0
    var out = [Int](repeating: 1, count: r)
    for s in shapes {
        let padded = [Int](repeating: 1, count: r - s.count) + s
        for k in 0..<r {
            if padded[k] == out[k] || padded[k] == 1 { continue }
            if out[k] == 1 { out[k] = padded[k] } else { return nil }
        }
    }
    return out
}
