import CEdgeKernels
import EdgeIR

/// TableLookup in C (`ck_qlookup.h`): the reference's `table[byte(x)]`, eight codes a word.
enum OptimizedLookup {
    static func make(_ ctx: KernelContext) throws -> Kernel? {
        guard ctx.inputType(0) == .int8 || ctx.inputType(0) == .uint8, let table = ctx.constants[1], table.elementCount == 256,
              let out = ctx.outputTypes.first?.dtype, table.dtype == out else { return nil }
        let n = ctx.inputShape(0).reduce(1, *)
        guard ctx.outputShape(0).reduce(1, *) == n else { return nil }
        switch out {
        case .int8, .uint8:
            return ClosureKernel { ins, outs in ck_lookup_8(ins[0].u8(), n, table.ref.u8(), outs[0].u8()) }
        case .float32:
            return ClosureKernel { ins, outs in ck_lookup_f32(ins[0].u8(), n, table.ref.f32(), outs[0].f32()) }
        default:
            return nil
        }
    }
}

/// TableGlobalAveragePool in C (`ck_lookup_gap_f32`): eight planes' sums side by side, each in element order.
enum OptimizedLookupPool {
    static func make(_ ctx: KernelContext) throws -> Kernel? {
        let xs = ctx.inputShape(0)
        guard ctx.inputType(0) == .int8 || ctx.inputType(0) == .uint8, xs.count >= 3, let table = ctx.constants[1],
              table.elementCount == 256, table.dtype == .float32 else { return nil }
        let planes = xs[0] * xs[1], size = xs[2...].reduce(1, *)
        guard planes < Int(Int32.max), size > 0, size < Int(Int32.max) else { return nil }
        return ClosureKernel { ins, outs in
            ck_lookup_gap_f32(ins[0].u8(), Int32(planes), Int32(size), table.ref.f32(), outs[0].f32())
        }
    }
}

/// TablePoolQuantize in C (`ck_lookup_gap_quantize`): planes settled from integer sums over the table's
/// polynomial pieces (``TablePieces``) where a bracket on the ordered float sum allows, else summed in order.
enum OptimizedLookupPoolQuantize {
    static func make(_ ctx: KernelContext) throws -> Kernel? {
        let xs = ctx.inputShape(0)
        guard ctx.inputType(0) == .int8 || ctx.inputType(0) == .uint8, xs.count >= 3, let table = ctx.constants[1],
              table.elementCount == 256, table.dtype == .float32, ctx.inputType(2) == .float32,
              let out = ctx.outputTypes.first?.dtype, out == .int8 || out == .uint8 else { return nil }
        let planes = xs[0] * xs[1], size = xs[2...].reduce(1, *), hasZero = ctx.hasInput(3)
        guard planes < Int(Int32.max), size > 0, size < Int(Int32.max) else { return nil }
        let flip: UInt8 = ctx.inputType(0) == .int8 ? 0x80 : 0
        let pieces = TablePieces.fit(Array(UnsafeBufferPointer(start: table.ref.f32(), count: 256)), flip: flip) ?? []
        let unsigned: Int32 = out == .uint8 ? 1 : 0, (lo, hi): (Int32, Int32) = out == .uint8 ? (0, 255) : (-128, 127)
        return ClosureKernel { ins, outs in
            let zero = hasZero ? Int32(ins[3].double(at: 0)) : 0
            pieces.withUnsafeBufferPointer { pp in
                _ = ck_lookup_gap_quantize(ins[0].u8(), Int32(planes), Int32(size), table.ref.f32(), flip, pp.baseAddress,
                                           Int32(pp.count), ins[2].f32()[0], zero, lo, hi, unsigned, outs[0].u8())
            }
        }
    }
}

/// TableMulQuantize in C (`ck_lookup_mul_quantize`): products in blocks, quantized by `ck_quantize_f32`.
enum OptimizedLookupMulQuantize {
    static func make(_ ctx: KernelContext) throws -> Kernel? {
        let xs = ctx.inputShape(0)
        guard ctx.inputType(0) == .int8 || ctx.inputType(0) == .uint8, xs.count >= 2, let table = ctx.constants[1],
              table.elementCount == 256, table.dtype == .float32, ctx.inputType(2) == .float32, ctx.inputType(3) == .float32,
              ctx.inputShape(2).reduce(1, *) == xs[0] * xs[1], let out = ctx.outputTypes.first?.dtype,
              out == .int8 || out == .uint8 else { return nil }
        let planes = xs[0] * xs[1], size = xs[2...].reduce(1, *), hasZero = ctx.hasInput(4)
        guard planes < Int(Int32.max), size < Int(Int32.max) else { return nil }
        let inUnsigned: Int32 = ctx.inputType(0) == .uint8 ? 1 : 0
        let unsigned: Int32 = out == .uint8 ? 1 : 0, (lo, hi): (Int32, Int32) = out == .uint8 ? (0, 255) : (-128, 127)
        return ClosureKernel { ins, outs in
            let zero = hasZero ? Int32(ins[4].double(at: 0)) : 0
            ck_lookup_mul_quantize(ins[0].u8(), inUnsigned, Int32(planes), Int32(size), table.ref.f32(), ins[2].f32(), ins[3].f32()[0], zero,
                                   lo, hi, unsigned, outs[0].u8())
        }
    }
}

/// DequantizeBinaryQuantize in C (`ck_qglue.h`): the optimized DequantizeLinear, binary and QuantizeLinear C
/// functions themselves, on L1 blocks.
enum OptimizedQuantizedBinary {
    static func make(_ ctx: KernelContext) throws -> Kernel? {
        guard ctx.inputCount == 8, let form = ReferenceKernels.QuantizedBinaryForm(ctx) else { return nil }
        let out = form.out, bFloat = form.bFloat, floatOut = form.floatOut
        let ops: [String: ck_binary_op] = ["Add": CK_BIN_ADD, "Sub": CK_BIN_SUB, "Mul": CK_BIN_MUL]
        guard let op = ops[ctx.node.string("binary") ?? "Add"] else { return nil }
        let act: ck_activation
        switch ctx.node.string("activation") {
        case nil: act = EpilogueActivation.make(CK_ACT_NONE)
        case "Relu": act = EpilogueActivation.make(CK_ACT_RELU)
        default: return nil
        }
        let n = ctx.inputShape(0).reduce(1, *), isa = KernelISA.selected
        let hasZero = [2, 5, 7].map { ctx.hasInput($0) }
        var p = ck_qglue_binary()
        p.a_unsigned = ctx.inputType(0) == .uint8 ? 1 : 0
        p.b_unsigned = ctx.inputType(3) == .uint8 ? 1 : 0
        p.b_float = bFloat ? 1 : 0
        p.out_unsigned = out == .uint8 ? 1 : 0
        (p.lo, p.hi) = out == .uint8 ? (0, 255) : (-128, 127)
        p.op = Int32(op.rawValue)
        p.act = act
        return ClosureKernel { ins, outs in
            var q = p
            q.a_scale = ins[1].f32()[0]
            q.b_scale = bFloat ? 1 : ins[4].f32()[0]
            q.y_scale = ins[6].f32()[0]
            q.a_zero = hasZero[0] ? Int32(ins[2].double(at: 0)) : 0
            q.b_zero = hasZero[1] ? Int32(ins[5].double(at: 0)) : 0
            q.y_zero = hasZero[2] ? Int32(ins[7].double(at: 0)) : 0
            ck_qglue_binary_run(isa.level, &q, ins[0].data, ins[3].data, n, outs[0].data, floatOut ? outs[1].f32() : nil)
        }
    }
}
