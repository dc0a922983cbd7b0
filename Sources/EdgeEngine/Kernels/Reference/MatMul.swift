import EdgeIR

/// Gemm (with transposes, alpha, beta, broadcast C) and NumPy MatMul (batched, broadcasting).
extension ReferenceKernels {
    static let matrix: [OpType: KernelRegistry.Factory] = [.gemm: makeGemm, .matMul: makeMatMul]

    static func makeGemm(_ ctx: KernelContext) throws -> Kernel {
        guard ctx.inputTypes.compactMap({ $0 }).allSatisfy({ $0.dtype == .float32 }) else { throw ctx.unsupported("only float32 Gemm") }
        let a = ctx.inputShape(0)
        let ta = ctx.node.int("transA", default: 0) != 0, tb = ctx.node.int("transB", default: 0) != 0
        let alpha = Float(ctx.node.float("alpha", default: 1)), beta = Float(ctx.node.float("beta", default: 1))
        let y = ctx.outputShape(0)
        let m = y[0], n = y[1], k = ta ? a[0] : a[1]
        let cOffsets: [Int]? = ctx.node.input(2) != nil ? broadcastOffsets(input: ctx.inputShape(2), output: y) : nil
        return ClosureKernel { ins, outs in
            let A = ins[0].f32(), B = ins[1].f32(), Y = outs[0].f32()
            for i in 0..<m {
                for j in 0..<n {
                    var acc: Float = 0
                    for p in 0..<k { acc += A[ta ? p * m + i : i * k + p] * B[tb ? j * k + p : p * n + j] }
                    var v = alpha * acc
                    if let c = cOffsets { v += beta * ins[2].f32()[c[i * n + j]] }
                    Y[i * n + j] = v
                }
            }
        }
    }

    static func makeMatMul(_ ctx: KernelContext) throws -> Kernel {
        guard ctx.inputTypes.allSatisfy({ $0?.dtype == .float32 }) else { throw ctx.unsupported("only float32 MatMul") }
        var a = ctx.inputShape(0), b = ctx.inputShape(1)
        if a.count == 1 { a = [1] + a }
        if b.count == 1 { b = b + [1] }
        let m = a[a.count - 2], k = a[a.count - 1], n = b[b.count - 1]
        let batchA = Array(a.dropLast(2)), batchB = Array(b.dropLast(2))
        let batchOut = Array((ShapeMath.broadcast(Shape(batchA), Shape(batchB))?.values) ?? [])
        let offA = broadcastOffsets(input: batchA, output: batchOut), offB = broadcastOffsets(input: batchB, output: batchOut)
        return ClosureKernel { ins, outs in
            let A = ins[0].f32(), B = ins[1].f32(), Y = outs[0].f32()
            for bi in 0..<max(1, batchOut.reduce(1, *)) {
                let aBase = offA[bi] * m * k, bBase = offB[bi] * k * n, yBase = bi * m * n
                for i in 0..<m {
                    for j in 0..<n {
                        var acc: Float = 0
                        for p in 0..<k { acc += A[aBase + i * k + p] * B[bBase + p * n + j] }
                        Y[yBase + i * n + j] = acc
                    }
                }
            }
        }
    }
}
