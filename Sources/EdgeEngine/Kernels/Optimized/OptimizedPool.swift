import CEdgeKernels
import EdgeIR

/// MaxPool and AveragePool (2-D and 1-D, float32): NCHW over padded phase planes (C), NHWC (TFLite) with
/// the channel loop innermost (``OptimizedPoolNHWC``); and GlobalAveragePool; fused activation. Declines
/// 3-D windows, MaxPool's indices output and other element types.
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
              let act = EpilogueActivation.fused(node) else { return nil }
        let nhwc = node.string("layout") == "NHWC"
        var xs = ctx.inputShape(0), ys = ctx.outputShape(0)
        // NHWC is parsed as NCHW with the channel axis moved; the NHWC kernel reads it back.
        if nhwc, xs.count >= 3, ys.count == xs.count {
            xs.insert(xs.removeLast(), at: 1)
            ys.insert(ys.removeLast(), at: 1)
        }
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
        if nhwc {
            return OptimizedPoolNHWC(isa: isa, isMax: isMax, n: xs[0], c: xs[1], h: h, w: w, kh: kh, kw: kw, sh: sh, sw: sw, dh: dh, dw: dw,
                                     pt: pt, pl: pl, oh: oh, ow: ow, rowCount: rows, colCount: cols, activation: act)
        }
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

/// MaxPool / AveragePool over NHWC float32 (TFLite's layout): for each output pixel, the window's input
/// pixels are combined channel-vector by channel-vector (contiguous, so the inner loop vectorizes). Max
/// keeps a NaN once seen, as the reference does; the average divides by the window's counted positions.
final class OptimizedPoolNHWC: Kernel {
    let isa: KernelISA
    let isMax: Bool
    let n: Int, c: Int, h: Int, w: Int, kh: Int, kw: Int, sh: Int, sw: Int, dh: Int, dw: Int, pt: Int, pl: Int, oh: Int, ow: Int
    let rowCount: [Float], colCount: [Float]
    let activation: ck_activation

    init(isa: KernelISA, isMax: Bool, n: Int, c: Int, h: Int, w: Int, kh: Int, kw: Int, sh: Int, sw: Int, dh: Int, dw: Int,
         pt: Int, pl: Int, oh: Int, ow: Int, rowCount: [Float], colCount: [Float], activation: ck_activation) {
        self.isa = isa
        self.isMax = isMax
        (self.n, self.c, self.h, self.w, self.kh, self.kw, self.sh, self.sw) = (n, c, h, w, kh, kw, sh, sw)
        (self.dh, self.dw, self.pt, self.pl, self.oh, self.ow) = (dh, dw, pt, pl, oh, ow)
        self.rowCount = rowCount
        self.colCount = colCount
        self.activation = activation
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        let X = inputs[0].f32(), Y = outputs[0].f32()
        let c = self.c
        if isMax {
            // C kernel (ck_pool_nhwc.h), channel vectors in registers; then the fused activation.
            var p = ck_conv2d_params(n: 1, c: Int32(c), h: Int32(h), w: Int32(w), cout: Int32(c), group: 1, kh: Int32(kh), kw: Int32(kw),
                                     sh: Int32(sh), sw: Int32(sw), dh: Int32(dh), dw: Int32(dw), pad_top: Int32(pt), pad_left: Int32(pl),
                                     oh: Int32(oh), ow: Int32(ow), nhwc: 1)
            for b in 0..<n {
                let out = Y + b * oh * ow * c
                ck_maxpool_nhwc(isa.level, &p, X + b * h * w * c, out, 0, Int32(oh))
                if activation.kind != Int32(CK_ACT_NONE.rawValue) { ck_activation_apply(isa.level, out, out, oh * ow * c, nil, nil, activation) }
            }
            return
        }
        for b in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let out = Y + ((b * oh + oy) * ow + ox) * c
                    let start: Float = isMax ? -.infinity : 0
                    for ch in 0..<c { out[ch] = start }
                    for ky in 0..<kh {
                        let iy = oy * sh - pt + ky * dh
                        if iy < 0 || iy >= h { continue }
                        for kx in 0..<kw {
                            let ix = ox * sw - pl + kx * dw
                            if ix < 0 || ix >= w { continue }
                            let inp = X + ((b * h + iy) * w + ix) * c
                            if isMax {
                                for ch in 0..<c {
                                    let v = inp[ch], m = out[ch]
                                    out[ch] = (v > m || v.isNaN) && !m.isNaN ? v : m
                                }
                            } else {
                                for ch in 0..<c { out[ch] += inp[ch] }
                            }
                        }
                    }
                    if !isMax {
                        let count = rowCount[oy] * colCount[ox]
                        for ch in 0..<c { out[ch] /= count }
                    }
                    if activation.kind != Int32(CK_ACT_NONE.rawValue) { ck_activation_apply(isa.level, out, out, c, nil, nil, activation) }
                }
            }
        }
    }
}
