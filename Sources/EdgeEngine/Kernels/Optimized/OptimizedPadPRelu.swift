import CEdgeKernels
import EdgeIR
import Foundation

/// Constant-mode Pad as block copies: the output is filled with the pad value once per call, then every
/// input row — the contiguous run from the innermost padded axis inwards — is copied to its place
/// (TFLite's channel padding in BlazeFace's residual joins copies one pixel's channels at a time). Same
/// element moves as the reference ``ReferenceKernels/makePad``. Declines (nil) other modes, negative
/// pads (crops), `axes` inputs and pads not known at plan time.
final class OptimizedPad: Kernel {
    let elementSize: Int
    let x: [Int], y: [Int], begins: [Int]
    /// Last axis with a nonzero pad; rows are x[axis...] (contiguous), one per index of x[..<axis].
    let axis: Int
    let attrValue: Double, hasValue: Bool

    init(elementSize: Int, x: [Int], y: [Int], begins: [Int], axis: Int, attrValue: Double, hasValue: Bool) {
        self.elementSize = elementSize
        self.x = x
        self.y = y
        self.begins = begins
        self.axis = axis
        self.attrValue = attrValue
        self.hasValue = hasValue
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        let out = outputs[0], es = elementSize
        let total = out.count
        guard total > 0 else { return }
        // Fill: the value's bytes (all zero for 0 → memset).
        let fill = HostTensor(dtype: out.dtype, shape: [1])
        store(hasValue && inputs.count > 2 && inputs[2].count > 0 ? inputs[2].double(at: 0) : attrValue, fill.ref, 0)
        let fb = UnsafeRawBufferPointer(start: fill.storage.pointer, count: es)
        if fb.allSatisfy({ $0 == 0 }) {
            out.data.initializeMemory(as: UInt8.self, repeating: 0, count: total * es)
        } else {
            for i in 0..<total { (out.data + i * es).copyMemory(from: fill.storage.pointer, byteCount: es) }
        }
        guard x.allSatisfy({ $0 > 0 }) else { return }
        let r = x.count
        let ys = strides(y)
        let rowLen = x[axis...].reduce(1, *) * es
        // Output offset (bytes) of row start: Σ_{k≤axis} (i_k + begin_k)·ystride_k, i_axis = 0; further axes have begin 0.
        var base = 0
        for k in 0...axis { base += begins[k] * ys[k] }
        for k in (axis + 1)..<r { base += begins[k] * ys[k] }
        let rows = x[..<axis].reduce(1, *)
        var index = [Int](repeating: 0, count: axis)
        let src = inputs[0].data, dst = out.data
        var offset = base
        for row in 0..<rows {
            (dst + offset * es).copyMemory(from: src + row * rowLen, byteCount: rowLen)
            // Odometer over x[..<axis], keeping `offset` in step.
            var k = axis - 1
            while k >= 0 {
                index[k] += 1
                offset += ys[k]
                if index[k] < x[k] { break }
                offset -= ys[k] * x[k]
                index[k] = 0
                k -= 1
            }
        }
    }

    static func make(_ ctx: KernelContext) throws -> Kernel? {
        guard (ctx.node.string("mode") ?? "constant") == "constant", !ctx.hasInput(3),
              let dt = ctx.inputType(0), dt.blockSize == 1, [1, 2, 4, 8].contains(dt.bytesPerBlock), dt != .string else { return nil }
        let x = ctx.inputShape(0), y = ctx.outputShape(0), r = x.count
        let pads: [Int]
        if ctx.inputCount > 1 && ctx.hasInput(1) {
            guard let p = ctx.ints(1) else { return nil }
            pads = p
        } else {
            pads = ctx.node.ints("pads") ?? []
        }
        guard r > 0, pads.count == 2 * r, pads.allSatisfy({ $0 >= 0 }), y.count == r,
              (0..<r).allSatisfy({ y[$0] == x[$0] + pads[$0] + pads[$0 + r] }) else { return nil }
        // Rows run from the last padded axis inwards (axis 0 when nothing is padded: one row, a copy).
        let axis = (0..<r).last { pads[$0] != 0 || pads[$0 + r] != 0 } ?? 0
        return OptimizedPad(elementSize: dt.bytesPerBlock, x: x, y: y, begins: Array(pads[..<r]), axis: axis,
                            attrValue: ctx.node.float("value", default: 0), hasValue: ctx.hasInput(2))
    }
}

/// PRelu over float32 with the slope broadcast along one contiguous group of axes: TFLite's per-channel
/// NHWC slope (`ck_prelu_columns`), ONNX's `[C, 1, 1]` over NCHW planes or a single slope
/// (`ck_prelu_blocks`). `x < 0 ? x·slope : x` element for element, as the reference.
final class OptimizedPRelu: Kernel {
    let isa: KernelISA
    /// columns: rows × cols with slope[c]; otherwise blocks × len with slope[b % nslope].
    let columns: Bool
    let outer: Int, inner: Int, nslope: Int

    init(isa: KernelISA, columns: Bool, outer: Int, inner: Int, nslope: Int) {
        self.isa = isa
        self.columns = columns
        self.outer = outer
        self.inner = inner
        self.nslope = nslope
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        let x = inputs[0].f32(), s = inputs[1].f32(), y = outputs[0].f32()
        if columns {
            ck_prelu_columns(isa.level, Int64(outer), Int64(inner), x, s, y)
        } else {
            ck_prelu_blocks(isa.level, Int64(outer), Int64(inner), Int64(nslope), x, s, y)
        }
    }

    static func make(_ ctx: KernelContext) throws -> Kernel? { make(ctx, isa: .selected) }

    static func make(_ ctx: KernelContext, isa: KernelISA) -> Kernel? {
        guard ctx.inputType(0) == .float32, ctx.inputType(1) == .float32 else { return nil }
        let x = ctx.inputShape(0), y = ctx.outputShape(0)
        var slope = ctx.inputShape(1)
        guard x == y, !x.isEmpty, x.allSatisfy({ $0 > 0 }), slope.count <= x.count else { return nil }
        // The reference's reading of a 1-D ONNX slope that does not broadcast: [C] over axis 1.
        if broadcastShape([x, slope]) != x, slope.count == 1, x.count >= 2, slope[0] == x[1] {
            slope = [slope[0]] + Array(repeating: 1, count: x.count - 2)
        }
        guard broadcastShape([x, slope]) == x else { return nil }
        let s = Array(repeating: 1, count: x.count - slope.count) + slope
        let total = x.reduce(1, *)
        guard let a = s.firstIndex(where: { $0 != 1 }) else {
            return OptimizedPRelu(isa: isa, columns: false, outer: 1, inner: total, nslope: 1)
        }
        let b = s.lastIndex(where: { $0 != 1 })! + 1
        // The slope's non-1 axes must be one contiguous group equal to x's.
        guard (a..<b).allSatisfy({ s[$0] == x[$0] }) else { return nil }
        let n = x[a..<b].reduce(1, *)
        if b == x.count { return OptimizedPRelu(isa: isa, columns: true, outer: total / n, inner: n, nslope: n) }
        let len = x[b...].reduce(1, *)
        return OptimizedPRelu(isa: isa, columns: false, outer: total / len, inner: len, nslope: n)
    }
}
