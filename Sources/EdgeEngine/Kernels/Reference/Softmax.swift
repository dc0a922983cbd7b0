import EdgeIR
import Foundation

/// Softmax along one axis (opset ≥ 13 semantics), max-subtracted for stability.
extension ReferenceKernels {
    static let normalization: [OpType: KernelRegistry.Factory] = [
        .softmax: { ctx in
            guard ctx.inputTypes[0]?.dtype == .float32 else { throw ctx.unsupported("only float32") }
            let x = ctx.inputShape(0)
            let axis = ctx.node.int("axis", default: -1) < 0 ? ctx.node.int("axis", default: -1) + x.count : ctx.node.int("axis", default: -1)
            let outer = x[..<axis].reduce(1, *), len = x[axis], inner = x[(axis + 1)...].reduce(1, *)
            return ClosureKernel { ins, outs in
                let X = ins[0].f32(), Y = outs[0].f32()
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * len * inner + i
                        var m = -Float.infinity
                        for k in 0..<len { m = max(m, X[base + k * inner]) }
                        var s: Float = 0
                        for k in 0..<len { let e = Foundation.exp(X[base + k * inner] - m); Y[base + k * inner] = e; s += e }
                        for k in 0..<len { Y[base + k * inner] /= s }
                    }
                }
            }
        },
    ]
}
