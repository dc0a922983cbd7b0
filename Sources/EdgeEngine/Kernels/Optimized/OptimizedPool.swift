import CEdgeKernels
import EdgeIR

/// MaxPool and AveragePool (2-D and 1-D, NCHW, float32) over padded phase planes, and
/// GlobalAveragePool; fused activation. Declines NHWC, 3-D windows, MaxPool's indices output and
/// other element types.
final class OptimizedPool: Kernel {
    let isa: KernelISA
    var params: ck_pool2d_params
    let isMax: Bool
    let rowCount: [Float], colCount: [Float]
    let activation: ck_activation
    let workspace: AlignedBytes

    init(isa: KernelISA, params: ck_pool2d_params, isMax: Bool, rowCount: [Float], colCount: [Float], activation: ck_activation) {
        self.isa = isa
        self.params = params
        self.isMax = isMax
        self.rowCount = rowCount
        self.colCount = colCount
        self.activation = activation
        var p = params
        workspace = AlignedBytes(count: ck_pool2d_workspace_size(&p) * 4)
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        let ws = workspace.pointer.assumingMemoryBound(to: Float.self)
        if isMax {
            ck_maxpool2d(isa.level, &params, activation, inputs[0].f32(), outputs[0].f32(), ws)
        } else {
            ck_avgpool2d(isa.level, &params, rowCount, colCount, activation, inputs[0].f32(), outputs[0].f32(), ws)
        }
    }

    static func make(_ ctx: KernelContext, isMax: Bool) throws -> Kernel? { try make(ctx, isMax: isMax, isa: .selected) }

    static func make(_ ctx: KernelContext, isMax: Bool, isa: KernelISA) throws -> Kernel? {
        let node = ctx.node
        guard ctx.inputTypes.first??.dtype == .float32, ctx.outputTypes.count == 1 || node.outputs.dropFirst().allSatisfy(\.isEmpty),
              node.string("layout") != "NHWC", let act = EpilogueActivation.fused(node) else { return nil }
        let xs = ctx.inputShape(0), ys = ctx.outputShape(0)
        guard xs.count == 3 || xs.count == 4, ys.count == xs.count, let ks = node.ints("kernel_shape"), ks.count == xs.count - 2 else { return nil }
        let sp = xs.count - 2
        let strides = node.ints("strides") ?? Array(repeating: 1, count: sp)
        let dil = node.ints("dilations") ?? Array(repeating: 1, count: sp)
        guard strides.count == sp, dil.count == sp, strides.allSatisfy({ $0 >= 1 }), dil.allSatisfy({ $0 >= 1 }) else { return nil }
        var pads = node.ints("pads") ?? Array(repeating: 0, count: 2 * sp)
        guard pads.count == 2 * sp else { return nil }
        let inSp = Array(xs[2...]), outSp = Array(ys[2...])
        switch node.string("auto_pad") ?? "NOTSET" {
        case "SAME_UPPER", "SAME_LOWER":
            for i in 0..<sp {
                let (b, e) = ShapeMath.samePadding(input: inSp[i], kernel: ks[i], stride: strides[i], dilation: dil[i],
                                                   upper: node.string("auto_pad") == "SAME_UPPER")
                pads[i] = b
                pads[i + sp] = e
            }
        case "VALID": pads = Array(repeating: 0, count: 2 * sp)
        default: break
        }
        // Work in 2-D: a 1-D pool is a pool over a height-1 image.
        let (h, w) = sp == 1 ? (1, inSp[0]) : (inSp[0], inSp[1])
        let (oh, ow) = sp == 1 ? (1, outSp[0]) : (outSp[0], outSp[1])
        let (kh, kw) = sp == 1 ? (1, ks[0]) : (ks[0], ks[1])
        let (sh, sw) = sp == 1 ? (1, strides[0]) : (strides[0], strides[1])
        let (dh, dw) = sp == 1 ? (1, dil[0]) : (dil[0], dil[1])
        let (pt, pl) = sp == 1 ? (0, pads[0]) : (pads[0], pads[1])
        let (pb, pr) = sp == 1 ? (0, pads[1]) : (pads[2], pads[3])
        let values = [xs[0], xs[1], h, w, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow]
        guard values.allSatisfy({ $0 >= 0 && $0 < Int(Int32.max) }), oh > 0, ow > 0, pt < kh * dh || kh == 1, pl < kw * dw || kw == 1
        else { return nil }
        // Window positions that count, per axis (separable): inside the input, or inside the padded
        // input for count_include_pad.
        let includePad = node.int("count_include_pad", default: 0) != 0
        func counts(_ out: Int, _ k: Int, _ s: Int, _ d: Int, _ p0: Int, _ p1: Int, _ size: Int) -> [Float] {
            (0..<out).map { o in
                Float((0..<k).filter { t in
                    let i = o * s - p0 + t * d
                    return includePad ? (i >= -p0 && i < size + p1) : (i >= 0 && i < size)
                }.count)
            }
        }
        let rows = counts(oh, kh, sh, dh, pt, pb, h), cols = counts(ow, kw, sw, dw, pl, pr, w)
        if !isMax && (rows.contains(0) || cols.contains(0)) { return nil }
        let p = ck_pool2d_params(n: Int32(xs[0]), c: Int32(xs[1]), h: Int32(h), w: Int32(w), kh: Int32(kh), kw: Int32(kw),
                                 sh: Int32(sh), sw: Int32(sw), dh: Int32(dh), dw: Int32(dw), pad_top: Int32(pt), pad_left: Int32(pl),
                                 oh: Int32(oh), ow: Int32(ow))
        return OptimizedPool(isa: isa, params: p, isMax: isMax, rowCount: rows, colCount: cols, activation: act)
    }
}

/// GlobalAveragePool over contiguous planes (NCHW, float32).
final class OptimizedGlobalAveragePool: Kernel {
    let isa: KernelISA
    let planes: Int32, size: Int32

    init(isa: KernelISA, planes: Int32, size: Int32) {
        self.isa = isa
        self.planes = planes
        self.size = size
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        ck_global_avgpool(isa.level, planes, size, inputs[0].f32(), outputs[0].f32())
    }

    static func make(_ ctx: KernelContext) throws -> Kernel? { try make(ctx, isa: .selected) }

    static func make(_ ctx: KernelContext, isa: KernelISA) throws -> Kernel? {
        let xs = ctx.inputShape(0)
        guard ctx.inputTypes.first??.dtype == .float32, ctx.node.string("layout") != "NHWC", ctx.node.string("activation") == nil,
              xs.count >= 3 else { return nil }
        let planes = xs[0] * xs[1], size = xs[2...].reduce(1, *)
        guard planes < Int(Int32.max), size > 0, size < Int(Int32.max) else { return nil }
        return OptimizedGlobalAveragePool(isa: isa, planes: Int32(planes), size: Int32(size))
    }
}
