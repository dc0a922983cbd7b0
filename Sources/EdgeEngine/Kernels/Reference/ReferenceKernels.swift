import EdgeIR

/// The reference kernels: plain loops that are the engine's specification of each op.
///
/// They favour obviousness over speed; optimized kernels are tested against them. Each op family lives
/// in its own file and contributes its factories here.
public enum ReferenceKernels {
    public static let all: [OpType: KernelRegistry.Factory] = {
        var t: [OpType: KernelRegistry.Factory] = [:]
        for table in [unary, binary, convolution, matrix, layout, pooling, normalization] {
            t.merge(table) { a, _ in a }
        }
        return t
    }()
}

/// Optimized kernels (SIMD, packed, fused); empty until a kernel earns its place by beating the reference.
public enum OptimizedKernels {
    public static let all: [OpType: KernelRegistry.OptionalFactory] = table
}

/// A kernel defined by a closure; most reference kernels need no state beyond what they capture.
final class ClosureKernel: Kernel {
    let body: ([TensorRef], [TensorRef]) throws -> Void
    init(_ body: @escaping ([TensorRef], [TensorRef]) throws -> Void) { self.body = body }
    func run(inputs: [TensorRef], outputs: [TensorRef]) throws { try body(inputs, outputs) }
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

/// For each output element of a broadcast, the offset into an input of shape `input` (NumPy rules).
func broadcastOffsets(input: [Int], output: [Int]) -> [Int] {
    let r = output.count
    let padded = [Int](repeating: 1, count: r - input.count) + input
    let inStrides = strides(padded).enumerated().map { padded[$0.offset] == 1 ? 0 : $0.element }
    let n = output.reduce(1, *)
    var offsets = [Int](repeating: 0, count: n)
    var index = [Int](repeating: 0, count: r)
    var off = 0
    for k in 0..<n {
        offsets[k] = off
        var d = r - 1
        while d >= 0 {
            index[d] += 1
            off += inStrides[d]
            if index[d] < output[d] { break }
            off -= inStrides[d] * index[d]
            index[d] = 0
            d -= 1
        }
    }
    return offsets
}
