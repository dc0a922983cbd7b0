import EdgeIR

/// DequantizeBinaryQuantize (`edgewise`, inserted by ``IntegerGlue``): inputs (a, a_scale, a_zero?, b, b_scale,
/// b_zero?, y_scale, y_zero?) with per-tensor float32 scales, same-shape 8-bit a and b — or b float32 already,
/// with b_scale and b_zero absent; attributes `binary` (Add, Sub, Mul) and `activation` (Relu or none).
/// Outputs: the 8-bit y, and optionally the float32 result before quantization. Per element, the unfused
/// ops' arithmetic: each 8-bit operand `(x − zero) · scale` in float32, the float32 op, Relu as
/// `v < 0 ? 0 : v`, then QuantizeLinear (`round_half_even(v / y_scale) + y_zero`, saturated).
extension ReferenceKernels {
    /// The operand and output types the op takes (shared with the C kernel's factory).
    struct QuantizedBinaryForm {
        let out: DType
        let bFloat: Bool
        let floatOut: Bool

        init?(_ ctx: KernelContext) {
            func is8(_ t: DType?) -> Bool { t == .int8 || t == .uint8 }
            let shape = ctx.inputShape(0)
            bFloat = ctx.inputType(3) == .float32
            guard is8(ctx.inputType(0)), is8(ctx.inputType(3)) || (bFloat && !ctx.hasInput(4) && !ctx.hasInput(5)),
                  ctx.inputType(1) == .float32, bFloat || ctx.inputType(4) == .float32, ctx.inputType(6) == .float32,
                  let o = ctx.outputTypes.first?.dtype, is8(o), ctx.inputShape(3) == shape, ctx.outputShape(0) == shape,
                  ctx.outputTypes.count <= 2
            else { return nil }
            floatOut = ctx.outputTypes.count == 2
            guard !floatOut || (ctx.outputTypes[1].dtype == .float32 && ctx.outputShape(1) == shape) else { return nil }
            out = o
        }
    }

    static func makeDequantizeBinaryQuantize(_ ctx: KernelContext) throws -> Kernel {
        guard ctx.inputCount == 8, let form = QuantizedBinaryForm(ctx) else {
            throw ctx.unsupported("expects same-shape operands (8-bit a; 8-bit or float32 b) with float32 scales, "
                                  + "an 8-bit output and an optional float32 one")
        }
        let out = form.out, bFloat = form.bFloat, floatOut = form.floatOut
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
            let sa = ins[1].f32()[0], sb = bFloat ? 1 : ins[4].f32()[0], sy = ins[6].f32()[0]
            for i in 0..<n {
                let a = (Float(ins[0].double(at: i)) - za) * sa
                let b = bFloat ? ins[3].f32()[i] : (Float(ins[3].double(at: i)) - zb) * sb
                var v: Float
                switch op {
                case "Sub": v = a - b
                case "Mul": v = a * b
                default: v = a + b
                }
                if relu && v < 0 { v = 0 }
                if floatOut { outs[1].f32()[i] = v }
                let q = (Double((v / sy)).rounded(.toNearestOrEven)) + zy
                store(q.isNaN ? 0 : Swift.min(Swift.max(q, range.lowerBound), range.upperBound), outs[0], i)
            }
        }
    }
}
