import EdgeIR

/// TableLookup (`edgewise` domain, inserted by ``IntegerGlue``): `y[i] = table[byte(x[i])]`.
///
/// x is int8 or uint8 and indexes the 256-entry constant table by its byte (int8 −1 is entry 255);
/// the table has y's element type (int8, uint8 or float32). The op carries no arithmetic of its own:
/// the tables hold whatever the replaced DequantizeLinear → float ops → QuantizeLinear computed.
extension ReferenceKernels {
    static let lookup: [OpType: KernelSpec] = [
        IntegerGlue.lookupOp: KernelSpec([.int8, .uint8, .float32]) { try makeTableLookup($0) },
        IntegerGlue.lookupPoolOp: KernelSpec([.int8, .uint8, .float32]) { try makeTableGlobalAveragePool($0) },
        IntegerGlue.lookupMulQuantizeOp: KernelSpec([.int8, .uint8, .float32]) { try makeTableMulQuantize($0) },
        IntegerGlue.lookupPoolQuantizeOp: KernelSpec([.int8, .uint8, .float32]) { try makeTablePoolQuantize($0) },
        IntegerGlue.dequantizeBinaryQuantizeOp: KernelSpec([.int8, .uint8, .float32]) { try makeDequantizeBinaryQuantize($0) },
    ]

    /// TableMulQuantize (`edgewise`): inputs (codes [N, C, …], float table, gate [N, C, 1…], y_scale, y_zero_point?);
    /// y = QuantizeLinear(table[byte(x)] · gate[n, c]) with QuantizeLinear's per-tensor arithmetic (float32
    /// division, round half to even, zero point, saturation).
    static func makeTableMulQuantize(_ ctx: KernelContext) throws -> Kernel {
        let xs = ctx.inputShape(0)
        guard ctx.inputType(0) == .int8 || ctx.inputType(0) == .uint8, xs.count >= 2, let table = ctx.constants[1],
              table.elementCount == 256, table.dtype == .float32, ctx.inputType(2) == .float32,
              ctx.inputShape(2).reduce(1, *) == xs[0] * xs[1], let out = ctx.outputTypes.first?.dtype,
              out == .int8 || out == .uint8, ctx.inputType(3) == .float32 else {
            throw ctx.unsupported("expects 8-bit codes, a 256-entry float table, a per-plane float gate and a float32 scale")
        }
        let planes = xs[0] * xs[1], size = xs[2...].reduce(1, *), hasZero = ctx.hasInput(4)
        let range: ClosedRange<Double> = out == .uint8 ? 0...255 : -128...127
        return ClosureKernel { ins, outs in
            let x = ins[0].u8(), t = table.ref.f32(), gate = ins[2].f32(), s = ins[3].f32()[0]
            let zero = hasZero ? ins[4].double(at: 0) : 0
            for p in 0..<planes {
                for k in 0..<size {
                    let q = (t[Int(x[p * size + k])] * gate[p]) / s
                    let v = Double(q).rounded(.toNearestOrEven) + zero
                    store(v.isNaN ? 0 : Swift.min(Swift.max(v, range.lowerBound), range.upperBound), outs[0], p * size + k)
                }
            }
        }
    }

    /// TableGlobalAveragePool (`edgewise`): GlobalAveragePool of `table[byte(x)]` over NCHW codes, with the
    /// arithmetic of the optimized float kernel it replaces (``OptimizedGlobalAveragePool``): per plane a
    /// float32 sum in element order, divided by the plane size in float32.
    static func makeTableGlobalAveragePool(_ ctx: KernelContext) throws -> Kernel {
        let xs = ctx.inputShape(0)
        guard ctx.inputType(0) == .int8 || ctx.inputType(0) == .uint8, xs.count >= 3 else { throw ctx.unsupported("codes must be int8 or uint8 NCHW") }
        guard let table = ctx.constants[1], table.elementCount == 256, table.dtype == .float32, ctx.outputTypes.first?.dtype == .float32 else {
            throw ctx.unsupported("the table must be a 256-entry float32 constant")
        }
        let planes = xs[0] * xs[1], size = xs[2...].reduce(1, *)
        return ClosureKernel { ins, outs in
            let x = ins[0].u8(), t = table.ref.f32(), y = outs[0].f32()
            for p in 0..<planes {
                var sum: Float = 0
                for k in 0..<size { sum += t[Int(x[p * size + k])] }
                y[p] = sum / Float(size)
            }
        }
    }

    /// TablePoolQuantize (`edgewise`): inputs (codes [N, C, …], float table, y_scale, y_zero_point?);
    /// QuantizeLinear of TableGlobalAveragePool's mean (float32 sum in element order, / size in float32), with
    /// QuantizeLinear's per-tensor arithmetic (float32 division, round half to even, zero point, saturation).
    static func makeTablePoolQuantize(_ ctx: KernelContext) throws -> Kernel {
        let xs = ctx.inputShape(0)
        guard ctx.inputType(0) == .int8 || ctx.inputType(0) == .uint8, xs.count >= 3, let table = ctx.constants[1],
              table.elementCount == 256, table.dtype == .float32, ctx.inputType(2) == .float32,
              let out = ctx.outputTypes.first?.dtype, out == .int8 || out == .uint8 else {
            throw ctx.unsupported("expects 8-bit NCHW codes, a 256-entry float table and a float32 scale")
        }
        let planes = xs[0] * xs[1], size = xs[2...].reduce(1, *), hasZero = ctx.hasInput(3)
        let range: ClosedRange<Double> = out == .uint8 ? 0...255 : -128...127
        return ClosureKernel { ins, outs in
            let x = ins[0].u8(), t = table.ref.f32(), s = ins[2].f32()[0]
            let zero = hasZero ? ins[3].double(at: 0) : 0
            for p in 0..<planes {
                var sum: Float = 0
                for k in 0..<size { sum += t[Int(x[p * size + k])] }
                let q = (sum / Float(size)) / s
                let v = Double(q).rounded(.toNearestOrEven) + zero
                store(v.isNaN ? 0 : Swift.min(Swift.max(v, range.lowerBound), range.upperBound), outs[0], p)
            }
        }
    }

    static func makeTableLookup(_ ctx: KernelContext) throws -> Kernel {
        guard ctx.inputType(0) == .int8 || ctx.inputType(0) == .uint8 else { throw ctx.unsupported("codes must be int8 or uint8") }
        guard let table = ctx.constants[1], table.elementCount == 256, let out = ctx.outputTypes.first?.dtype, table.dtype == out,
              out == .int8 || out == .uint8 || out == .float32 else {
            throw ctx.unsupported("the table must be a 256-entry constant of the output's type (int8, uint8 or float32)")
        }
        let n = ctx.inputShape(0).reduce(1, *)
        guard ctx.outputShape(0).reduce(1, *) == n else { throw ctx.unsupported("output size differs from the input's") }
        let width = out == .float32 ? 4 : 1
        return ClosureKernel { ins, outs in
            let x = ins[0].u8(), t = table.storage.pointer, y = outs[0].data
            for i in 0..<n { (y + i * width).copyMemory(from: t + Int(x[i]) * width, byteCount: width) }
        }
    }
}
