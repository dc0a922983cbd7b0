import EdgeIR
import Foundation

/// Softmax, LogSoftmax and Hardmax, max-subtracted for stability.
///
/// Opset ≥ 13 normalises along one axis (default −1). Before 13 the input was coerced to 2-D at `axis`
/// (default 1) and normalised over all trailing axes together; the opset in ``KernelContext`` decides.
extension ReferenceKernels {
    enum SoftmaxKind: Sendable { case softmax, log, hard }

    static let softmaxFamily: [OpType: KernelSpec] = [
        .softmax: KernelSpec(.floats) { try makeSoftmax($0, .softmax) },
        "LogSoftmax": KernelSpec(.floats) { try makeSoftmax($0, .log) },
        "Hardmax": KernelSpec(.floats) { try makeSoftmax($0, .hard) },
    ]

    static func makeSoftmax(_ ctx: KernelContext, _ kind: SoftmaxKind) throws -> Kernel {
        let x = ctx.inputShape(0)
        let legacy = ctx.opset < 13
        let a = ctx.node.int("axis", default: legacy ? 1 : -1)
        guard let axis = normalizedAxis(a, rank: x.count) else { throw ctx.unsupported("axis \(a) for rank \(x.count)") }
        let beta = ctx.node.float("beta", default: 1)
        let outer = x[..<axis].reduce(1, *)
        let len = legacy ? x[axis...].reduce(1, *) : x[axis]
        let inner = legacy ? 1 : x[(axis + 1)...].reduce(1, *)
        let fast = ctx.inputType(0) == .float32 && kind == .softmax && beta == 1
        return ClosureKernel { ins, outs in
            if fast {
                let X = ins[0].f32(), Y = outs[0].f32()
                for o in 0..<outer {
                    for i in 0..<inner {
                        let base = o * len * inner + i
                        var m = -Float.infinity
                        for k in 0..<len { m = Swift.max(m, X[base + k * inner]) }
                        var s: Float = 0
                        for k in 0..<len { let e = Foundation.exp(X[base + k * inner] - m); Y[base + k * inner] = e; s += e }
                        let r = 1 / s
                        for k in 0..<len { Y[base + k * inner] *= r }
                    }
                }
                return
            }
            for o in 0..<outer {
                for i in 0..<inner {
                    let base = o * len * inner + i
                    var m = -Double.infinity, arg = 0
                    for k in 0..<len { let v = beta * ins[0].double(at: base + k * inner); if v > m { m = v; arg = k } }
                    switch kind {
                    case .hard:
                        for k in 0..<len { store(k == arg ? 1 : 0, outs[0], base + k * inner) }
                    case .softmax, .log:
                        var s = 0.0
                        for k in 0..<len { s += Foundation.exp(beta * ins[0].double(at: base + k * inner) - m) }
                        for k in 0..<len {
                            let z = beta * ins[0].double(at: base + k * inner) - m
                            store(kind == .log ? z - Foundation.log(s) : Foundation.exp(z) / s, outs[0], base + k * inner)
                        }
                    }
                }
            }
        }
    }
}
