import CEdgeKernels
import EdgeIR

/// TableLookup in C (`ck_lookup.h`): the reference's `table[byte(x)]`, four lookups in flight.
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
