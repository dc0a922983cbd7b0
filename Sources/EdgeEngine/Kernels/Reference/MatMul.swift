import EdgeIR

/// Gemm (transposes, alpha, beta, broadcast C), NumPy MatMul (batched, broadcasting, 1-D operands)
/// and TFLite's FullyConnected, in float32 with the fused activation; MatMul also in float64/float16
/// and the integer types.
///
/// Loop order is chosen per operand layout so the innermost loop walks contiguous memory: `i-p-j`
/// (a row of B scaled into a row of Y) when B is `[K, N]`, dot products when B is `[N, K]`.
extension ReferenceKernels {
    static let matrix: [OpType: KernelSpec] = [
        .gemm: KernelSpec([.float32]) { try makeGemm($0) },
        .matMul: KernelSpec(.numeric) { try makeMatMul($0) },
        .fullyConnected: KernelSpec([.float32]) { try makeFullyConnected($0) },
    ]

    static func makeGemm(_ ctx: KernelContext) throws -> Kernel {
        guard ctx.inputTypes.compactMap({ $0 }).allSatisfy({ $0.dtype == .float32 }) else { throw ctx.unsupported("only float32 Gemm") }
        let a = ctx.inputShape(0)
        let ta = ctx.node.int("transA", default: 0) != 0, tb = ctx.node.int("transB", default: 0) != 0
        let alpha = Float(ctx.node.float("alpha", default: 1)), beta = Float(ctx.node.float("beta", default: 1))
        let y = ctx.outputShape(0)
        let m = y[0], n = y[1], k = ta ? a[0] : a[1]
        let cOffsets: [Int]? = ctx.hasInput(2) ? broadcastOffsets(input: ctx.inputShape(2), output: y) : nil
        let act = try FusedActivation(ctx.node)
        return ClosureKernel { ins, outs in
            let A = ins[0].f32(), B = ins[1].f32(), Y = outs[0].f32()
            for i in 0..<m {
                let yr = Y + i * n
                if tb {
                    for j in 0..<n {
                        var acc: Float = 0
                        let br = B + j * k
                        if ta { for p in 0..<k { acc += A[p * m + i] * br[p] } } else {
                            let ar = A + i * k
                            for p in 0..<k { acc += ar[p] * br[p] }
                        }
                        yr[j] = acc
                    }
                } else {
                    for j in 0..<n { yr[j] = 0 }
                    for p in 0..<k {
                        let av = ta ? A[p * m + i] : A[i * k + p]
                        let br = B + p * n
                        for j in 0..<n { yr[j] += av * br[j] }
                    }
                }
                if let c = cOffsets {
                    let C = ins[2].f32()
                    for j in 0..<n { yr[j] = alpha * yr[j] + beta * C[c[i * n + j]] }
                } else if alpha != 1 {
                    for j in 0..<n { yr[j] *= alpha }
                }
                act.apply(yr, n)
            }
        }
    }

    static func makeMatMul(_ ctx: KernelContext) throws -> Kernel {
        guard let dt = ctx.inputType(0), ctx.inputType(1) == dt else { throw ctx.unsupported("MatMul operands of different types") }
        var a = ctx.inputShape(0), b = ctx.inputShape(1)
        if a.count == 1 { a = [1] + a }
        if b.count == 1 { b = b + [1] }
        let m = a[a.count - 2], k = a[a.count - 1], n = b[b.count - 1]
        let batchA = Array(a.dropLast(2)), batchB = Array(b.dropLast(2))
        guard let batchOut = broadcastShape([batchA, batchB]) else { throw ctx.unsupported("batch dimensions do not broadcast") }
        let offA = broadcastOffsets(input: batchA, output: batchOut), offB = broadcastOffsets(input: batchB, output: batchOut)
        let batches = batchOut.reduce(1, *)
        let act = try FusedActivation(ctx.node)
        func make<T: NumericElement>(_: T.Type) -> Kernel {
            ClosureKernel { ins, outs in
                let A = ins[0].ptr(T.self), B = ins[1].ptr(T.self), Y = outs[0].ptr(T.self)
                for bi in 0..<batches {
                    let ab = A + offA[bi] * m * k, bb = B + offB[bi] * k * n, yb = Y + bi * m * n
                    for i in 0..<m {
                        let yr = yb + i * n
                        for j in 0..<n { yr[j] = .zero }
                        for p in 0..<k {
                            let av = ab[i * k + p]
                            let br = bb + p * n
                            for j in 0..<n { yr[j] = T.madd(yr[j], av, br[j]) }
                        }
                    }
                }
            }
        }
        switch dt {
        case .float32:
            return ClosureKernel { ins, outs in
                let A = ins[0].f32(), B = ins[1].f32(), Y = outs[0].f32()
                for bi in 0..<batches {
                    let ab = A + offA[bi] * m * k, bb = B + offB[bi] * k * n, yb = Y + bi * m * n
                    for i in 0..<m {
                        let yr = yb + i * n
                        for j in 0..<n { yr[j] = 0 }
                        for p in 0..<k {
                            let av = ab[i * k + p]
                            let br = bb + p * n
                            for j in 0..<n { yr[j] += av * br[j] }
                        }
                        act.apply(yr, n)
                    }
                }
            }
        case .float64: try FusedActivation.requireNone(ctx); return make(Double.self)
        case .float16:
            // Half inputs accumulate in float and round once (as numpy's half matmul does).
            try FusedActivation.requireNone(ctx)
            return ClosureKernel { ins, outs in
                let A = ins[0].ptr(Float16.self), B = ins[1].ptr(Float16.self), Y = outs[0].ptr(Float16.self)
                var row = [Float](repeating: 0, count: n)
                for bi in 0..<batches {
                    let ab = A + offA[bi] * m * k, bb = B + offB[bi] * k * n, yb = Y + bi * m * n
                    for i in 0..<m {
                        for j in 0..<n { row[j] = 0 }
                        for p in 0..<k {
                            let av = Float(ab[i * k + p])
                            for j in 0..<n { row[j] += av * Float(bb[p * n + j]) }
                        }
                        for j in 0..<n { yb[i * n + j] = Float16(row[j]) }
                    }
                }
            }
        case .int64: return make(Int64.self)
        case .int32: return make(Int32.self)
        case .int16: return make(Int16.self)
        case .int8: return make(Int8.self)
        case .uint64: return make(UInt64.self)
        case .uint32: return make(UInt32.self)
        case .uint16: return make(UInt16.self)
        case .uint8: return make(UInt8.self)
        default: throw ctx.unsupported("\(dt.rawValue) MatMul")
        }
    }

    /// TFLite FULLY_CONNECTED: `y[r, n] = Σₖ x[r, k] · W[n, k] + b[n]` over the input's rows of K.
    static func makeFullyConnected(_ ctx: KernelContext) throws -> Kernel {
        guard ctx.inputType(0) == .float32, ctx.inputType(1) == .float32 else { throw ctx.unsupported("only float32 FullyConnected") }
        let w = ctx.inputShape(1)
        let n = w[0], k = w[1]
        let rows = ctx.inputShape(0).reduce(1, *) / max(k, 1)
        let hasBias = ctx.hasInput(2)
        let act = try FusedActivation(ctx.node)
        return ClosureKernel { ins, outs in
            let X = ins[0].f32(), W = ins[1].f32(), Y = outs[0].f32()
            for r in 0..<rows {
                let xr = X + r * k, yr = Y + r * n
                for j in 0..<n {
                    var acc: Float = hasBias ? ins[2].f32()[j] : 0
                    let wr = W + j * k
                    for p in 0..<k { acc += xr[p] * wr[p] }
                    yr[j] = act(acc)
                }
            }
        }
    }
}
