import EdgeIR
import Foundation

/// Unary and broadcasting binary float ops.
extension ReferenceKernels {
    static func unaryFloat(_ f: @escaping @Sendable (Float, Node) -> Float) -> KernelRegistry.Factory {
        { ctx in
            let node = ctx.node
            guard ctx.inputTypes.first??.dtype == .float32 else { throw ctx.unsupported("only float32 input") }
            return ClosureKernel { ins, outs in
                let x = ins[0].f32(), y = outs[0].f32()
                for i in 0..<outs[0].count { y[i] = f(x[i], node) }
            }
        }
    }

    static let unary: [OpType: KernelRegistry.Factory] = [
        .relu: unaryFloat { x, _ in max(x, 0) },
        .sigmoid: unaryFloat { x, _ in 1 / (1 + Foundation.exp(-x)) },
        .tanh: unaryFloat { x, _ in Foundation.tanh(x) },
        .hardSigmoid: unaryFloat { x, n in
            max(0, min(1, Float(n.float("alpha", default: 0.2)) * x + Float(n.float("beta", default: 0.5))))
        },
        .hardSwish: unaryFloat { x, _ in x * max(0, min(1, x / 6 + 0.5)) },
        .silu: unaryFloat { x, _ in x / (1 + Foundation.exp(-x)) },
        .leakyRelu: unaryFloat { x, n in x >= 0 ? x : Float(n.float("alpha", default: 0.01)) * x },
        .identity: { _ in
            ClosureKernel { ins, outs in
                if ins[0].data != outs[0].data { outs[0].data.copyMemory(from: ins[0].data, byteCount: ins[0].dtype.approximateBytes(elements: ins[0].count)) }
            }
        },
    ]

    static func binaryFloat(_ f: @escaping @Sendable (Float, Float) -> Float) -> KernelRegistry.Factory {
        { ctx in
            guard ctx.inputTypes.allSatisfy({ $0?.dtype == .float32 }) else { throw ctx.unsupported("only float32 operands") }
            let out = ctx.outputShape(0)
            let a = broadcastOffsets(input: ctx.inputShape(0), output: out)
            let b = broadcastOffsets(input: ctx.inputShape(1), output: out)
            return ClosureKernel { ins, outs in
                let x = ins[0].f32(), y = ins[1].f32(), z = outs[0].f32()
                for i in 0..<outs[0].count { z[i] = f(x[a[i]], y[b[i]]) }
            }
        }
    }

    static let binary: [OpType: KernelRegistry.Factory] = [
        .add: binaryFloat(+), .sub: binaryFloat(-), .mul: binaryFloat(*), .div: binaryFloat(/),
    ]
}
