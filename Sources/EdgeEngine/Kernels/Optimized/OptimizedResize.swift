import CEdgeKernels
import EdgeIR

/// Resize / Upsample (float32, nearest or two-tap linear, the last two axes): each output row and column
/// reads at most two input rows / columns with weights planned once, by the same tap planner as the
/// reference kernel (``ReferenceKernels/resizeSetup(_:upsample:)``, the specification).
///
/// The reference resamples one axis at a time in Double through whole intermediate tensors; here each
/// distinct input row is resampled along the width once (integer-factor nearest upsampling as runs of
/// copies), repeated nearest output rows are copies of the row above, and linear rows blend two cached
/// resampled rows. Nearest is the reference bit for bit (weight-1 taps); linear rounds in Float. PP-OCR's
/// FPN upsampling (nearest, asymmetric, floor, ×2/×4/×8) was 38 % of its detector's time on the reference.
/// Declines cubic, antialias with more than two taps, tf_crop_and_resize, NHWC layout, run-time scales.
final class OptimizedResize: Kernel {
    var params: ck_resize2d_params
    let indices: UnsafeMutablePointer<Int32>
    let weights: UnsafeMutablePointer<Float>
    let workspace: AlignedBytes

    /// Row and column taps as (i0, i1, w0, w1); nil weights: nearest on that axis.
    init(planes: Int, ih: Int, iw: Int, rows: (i0: [Int32], i1: [Int32], w: ([Float], [Float])?),
         cols: (i0: [Int32], i1: [Int32], w: ([Float], [Float])?)) {
        let oh = rows.i0.count, ow = cols.i0.count
        indices = .allocate(capacity: 2 * (oh + ow))
        weights = .allocate(capacity: 2 * (oh + ow))
        for (k, v) in (rows.i0 + rows.i1 + cols.i0 + cols.i1).enumerated() { indices[k] = v }
        for (k, v) in ((rows.w?.0 ?? []) + (rows.w?.1 ?? [])).enumerated() { weights[k] = v }
        for (k, v) in ((cols.w?.0 ?? []) + (cols.w?.1 ?? [])).enumerated() { weights[2 * oh + k] = v }
        params = ck_resize2d_params(planes: Int32(planes), ih: Int32(ih), iw: Int32(iw), oh: Int32(oh), ow: Int32(ow),
                                    row_i0: indices, row_i1: indices + oh,
                                    row_w0: rows.w == nil ? nil : UnsafePointer(weights),
                                    row_w1: rows.w == nil ? nil : UnsafePointer(weights + oh),
                                    col_i0: indices + 2 * oh, col_i1: indices + 2 * oh + ow,
                                    col_w0: cols.w == nil ? nil : UnsafePointer(weights + 2 * oh),
                                    col_w1: cols.w == nil ? nil : UnsafePointer(weights + 2 * oh + ow))
        var p = params
        workspace = AlignedBytes(count: ck_resize2d_workspace_size(&p) * 4)
    }

    deinit {
        indices.deallocate()
        weights.deallocate()
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        ck_resize2d(&params, 0, params.planes, inputs[0].f32(), outputs[0].f32(),
                    workspace.pointer.assumingMemoryBound(to: Float.self))
    }

    static func make(_ ctx: KernelContext, upsample: Bool) throws -> Kernel? {
        let x = ctx.inputShape(0), y = ctx.outputShape(0)
        guard ctx.inputType(0) == .float32, x.count >= 2, y.count == x.count, ctx.node.string("layout") != "NHWC",
              x.allSatisfy({ $0 > 0 }), y.allSatisfy({ $0 > 0 }),
              y.suffix(2).reduce(1, *) <= Int(Int32.max), x.suffix(2).reduce(1, *) <= Int(Int32.max)
        else { return nil }
        let setup = try ReferenceKernels.resizeSetup(ctx, upsample: upsample)
        guard setup.coord != "tf_crop_and_resize", let passes = setup.fixed else { return nil }
        let r = x.count
        guard passes.allSatisfy({ $0.axis >= r - 2 }), x[..<(r - 2)] == y[..<(r - 2)] else { return nil }
        typealias Taps = (i0: [Int32], i1: [Int32], w: ([Float], [Float])?)
        /// One axis as two-tap tables; identity when the axis is not resized.
        func taps(_ axis: Int) -> Taps? {
            guard let pass = passes.first(where: { $0.axis == axis }) else {
                let id = (0..<Int32(x[axis])).map { $0 }
                return (id, id, nil)
            }
            guard pass.outLength == y[axis], pass.taps.count == y[axis] else { return nil }
            if pass.taps.allSatisfy({ $0.count == 1 && $0[0].1 == 1 }) {
                let i = pass.taps.map { Int32($0[0].0) }
                return (i, i, nil)
            }
            guard pass.taps.allSatisfy({ $0.count == 2 }) else { return nil }
            return (pass.taps.map { Int32($0[0].0) }, pass.taps.map { Int32($0[1].0) },
                    (pass.taps.map { Float($0[0].1) }, pass.taps.map { Float($0[1].1) }))
        }
        guard let rows = taps(r - 2), let cols = taps(r - 1), x[..<(r - 2)].reduce(1, *) <= Int(Int32.max) else { return nil }
        return OptimizedResize(planes: x[..<(r - 2)].reduce(1, *), ih: x[r - 2], iw: x[r - 1], rows: rows, cols: cols)
    }
}
