import EdgeIR

/// Transpose as a copy over coalesced dimensions: output dimensions that stay adjacent and in order
/// in the input (`srcStride[i] == srcStride[i+1] · shape[i+1]`) merge into one, and size-1 dimensions
/// drop, so ShuffleNet's channel shuffle `[1, g, c/g, H, W] → perm 0,2,1,3,4` copies runs of H·W
/// elements instead of W. Same element moves as the reference ``ReferenceKernels/makeTranspose``
/// (the specification), fewer loop steps. Any element type the reference takes.
final class OptimizedTranspose: Kernel {
    let elementSize: Int
    let shape: [Int]
    let srcStrides: [Int]

    init(elementSize: Int, shape: [Int], srcStrides: [Int]) {
        self.elementSize = elementSize
        self.shape = shape
        self.srcStrides = srcStrides
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        ReferenceKernels.stridedCopy(size: elementSize, dst: outputs[0].data, src: inputs[0].data, base: 0,
                                     shape: shape, srcStrides: srcStrides)
    }

    /// Output shape and source strides with size-1 dimensions dropped and contiguous neighbours merged.
    static func coalesce(shape: [Int], srcStrides: [Int]) -> (shape: [Int], srcStrides: [Int]) {
        var s: [Int] = [], st: [Int] = []
        for (d, stride) in zip(shape, srcStrides) where d != 1 {
            if let last = s.last, st.last! == stride * d {
                s[s.count - 1] = last * d
                st[st.count - 1] = stride
            } else {
                s.append(d)
                st.append(stride)
            }
        }
        return (s, st)
    }

    static func make(_ ctx: KernelContext) throws -> Kernel? {
        guard let dt = ctx.inputType(0), dt.blockSize == 1, [1, 2, 4, 8].contains(dt.bytesPerBlock), dt != .string else { return nil }
        let x = ctx.inputShape(0)
        let perm = ctx.node.ints("perm") ?? Array((0..<x.count).reversed())
        guard perm.count == x.count, Set(perm) == Set(0..<x.count), x.allSatisfy({ $0 > 0 }) else { return nil }
        var st = [Int](repeating: 1, count: x.count)
        for i in stride(from: x.count - 2, through: 0, by: -1) { st[i] = st[i + 1] * x[i + 1] }
        let (shape, strides) = coalesce(shape: perm.map { x[$0] }, srcStrides: perm.map { st[$0] })
        // All dimensions merged: a plain copy, stride 1.
        return OptimizedTranspose(elementSize: dt.bytesPerBlock, shape: shape.isEmpty ? [1] : shape,
                                  srcStrides: strides.isEmpty ? [1] : strides)
    }
}
