import EdgeIR

/// DequantizeBinaryQuantize (`edgewise`, inserted by ``IntegerGlue``): inputs (a, a_scale, a_zero?, b, b_scale,
/// b_zero?, y_scale, y_zero?) with per-tensor float32 scales, same-shape 8-bit a and b; attributes `binary`
/// (Add, Sub, Mul) and `activation` (Relu or none). Per element, the unfused ops' arithmetic: each operand
/// `(x − zero) · scale` in float32, the float32 op, Relu as `v < 0 ? 0 : v`, then QuantizeLinear
/// (`round_half_even(v / y_scale) + y_zero`, saturated).
extension ReferenceKernels {
    static func makeDequantizeBinaryQuantize(_ ctx: KernelContext) throws -> Kernel {
        guard ctx.inputCount == 8, [0, 3].allSatisfy({ ctx.inputType($0) == .int8 || ctx.inputType($0) == .uint8 }),
              [1, 4, 6].allSatisfy({ ctx.inputType($0) == .float32 }), let out = ctx.outputTypes.first?.dtype,
              out == .int8 || out == .uint8, ctx.inputShape(0) == ctx.inputShape(3), ctx.inputShape(0) == ctx.outputShape(0)
        else { throw ctx.unsupported("expects two same-shape 8-bit operands with float32 scales and an 8-bit output") }
        let op = ctx.node.string("binary") ?? "Add", relu = ctx.node.string("activation") == "Relu"
        guard ["Add", "Sub", "Mul"].contains(op), ctx.node.string("activation") == nil || relu else {
            throw ctx.unsupported("binary \(op), activation \(ctx.node.string("activation") ?? "none")")
        }
        let n = ctx.inputShape(0).reduce(1, *)
        let range: ClosedRange<Double> = out == .uint8 ? 0...255 : -128...127
        let hasZero = [2, 5, 7].map { ctx.hasInput($0) }
        return ClosureKernel { ins, outs in
            let za = hasZero[0] ? Float(ins[2].double(at: 0)) : 0, zb = hasZero[1] ? Float(ins[5].double(at: 0)) : 0
            let zy = hasZero[2] ? ins[7].double(at: 0) : 0
            let sa = ins[1].f32()[0], sb = ins[4].f32()[0], sy = ins[6].f32()[0]
            for i in 0..<n {
                let a = (Float(ins[0].double(at: i)) - za) * sa, b = (Float(ins[3].double(at: i)) - zb) * sb
                var v: Float
                switch op {
                case "Sub": v = a - b
                case "Mul": v = a * b
                default: v = a + b
                }
                if relu && v < 0 { v = 0 }
                let q = (Double((v / sy)).rounded(.toNearestOrEven)) + zy
                store(q.isNaN ? 0 : Swift.min(Swift.max(q, range.lowerBound), range.upperBound), outs[0], i)
            }
        }
    }
}
