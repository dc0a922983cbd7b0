import EdgeIR

/// Global average pooling (NCHW).
extension ReferenceKernels {
    static let pooling: [OpType: KernelRegistry.Factory] = [
        .globalAveragePool: { ctx in
            guard ctx.inputTypes[0]?.dtype == .float32 else { throw ctx.unsupported("only float32") }
            let x = ctx.inputShape(0)
            let planes = x[0] * x[1], size = x[2...].reduce(1, *)
            return ClosureKernel { ins, outs in
                let X = ins[0].f32(), Y = outs[0].f32()
                for p in 0..<planes {
                    var s: Float = 0
                    for i in 0..<size { s += X[p * size + i] }
                    Y[p] = s / Float(size)
                }
            }
        },
    ]
}
