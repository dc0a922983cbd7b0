import CEdgeKernels
import EdgeIR
import Foundation

/// TFLite's fully-quantized CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED (nodes marked
/// `tflite_quantized`) on the fused int8 convolution (``OptimizedQConv``, `ck_qconv.h`): weights
/// reordered OHWI → OIHW (depthwise 1HWO → [C][KH·KW]) and packed once; per call the NHWC input is
/// transposed to NCHW bytes, convolved, and the NCHW result transposed back (a FULLY_CONNECTED is a
/// 1×1 convolution over its rows). The requantization is TFLite's fixed point (`q_mult`/`q_shift` in
/// the epilogue: gemmlowp's two roundings for the convolutions, one rounding for FULLY_CONNECTED).
///
/// Numerics are ``TFLiteInteger``'s reference loops' bit for bit: `acc = Σ w·(x − x_zp) + bias` in
/// wrapping int32 (taps outside the image read x_zp, adding nothing; the x_zp·Σw term is folded into a
/// per-channel constant), the weight zero point ignored as the reference ignores it, then
/// `clamp(MBQM(acc) + y_zp)` to the fused activation's range. Declines (nil, the reference runs)
/// non-int8 inputs or weights, non-constant weights or bias, depth multipliers other than 1 and
/// activations the reference rejects.
final class OptimizedTFLiteQConv: Kernel {
    enum Kind { case conv, depthwise, fullyConnected }
    let inner: OptimizedQConv
    /// Per image: input pixels × input channels, output channels × output pixels.
    let images: Int, inPixels: Int, inChannels: Int, outChannels: Int, outPixels: Int
    let xBuf: AlignedBytes, yBuf: AlignedBytes
    /// The fixed-point multipliers and shifts the epilogue points at.
    let buffers: [AlignedBytes]

    init(inner: OptimizedQConv, images: Int, inPixels: Int, inChannels: Int, outChannels: Int, outPixels: Int,
         buffers: [AlignedBytes]) {
        self.inner = inner
        self.images = images
        self.inPixels = inPixels
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.outPixels = outPixels
        self.buffers = buffers
        xBuf = AlignedBytes(count: images * inPixels * inChannels + 64)
        yBuf = AlignedBytes(count: images * outPixels * outChannels + 64)
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        let x = inputs[0].u8(), y = outputs[0].u8()
        let xb = xBuf.pointer.assumingMemoryBound(to: UInt8.self), yb = yBuf.pointer.assumingMemoryBound(to: UInt8.self)
        let inImage = inPixels * inChannels, outImage = outPixels * outChannels
        for b in 0..<images { ck_transpose_u8(Int64(inPixels), Int64(inChannels), x + b * inImage, xb + b * inImage) }
        inner.run(x: xb, y: yBuf.pointer)
        for b in 0..<images { ck_transpose_u8(Int64(outChannels), Int64(outPixels), yb + b * outImage, y + b * outImage) }
    }

    static func make(_ ctx: KernelContext, kind: Kind) throws -> Kernel? { make(ctx, kind: kind, isa: .selected) }

    static func make(_ ctx: KernelContext, kind: Kind, isa: KernelISA, parts: Int? = nil) -> Kernel? {
        typealias T = TFLiteInteger
        guard ctx.inputType(0) == .int8, let wt = ctx.constants[1], wt.dtype == .int8,
              let out = ctx.outputTypes.first?.dtype, out == .int8 || out == .uint8,
              let xp = try? T.params(ctx, "x0"), let wp = try? T.params(ctx, "x1"), let yp = try? T.params(ctx, "y"),
              let range = try? T.activationRange(ctx, yp, out) else { return nil }
        let xs = ctx.inputShape(0), ws = wt.shape, ys = ctx.outputShape(0)
        // Geometry as an NCHW convolution of one image per `images`.
        let n: Int, c: Int, h: Int, w: Int, cout: Int, group: Int, kh: Int, kw: Int, oh: Int, ow: Int
        var sh = 1, sw = 1, dh = 1, dw = 1, pt = 0, pl = 0
        switch kind {
        case .fullyConnected:
            guard ws.count == 2 else { return nil }
            let total = xs.reduce(1, *)
            guard ws[1] > 0, total % ws[1] == 0, ys.reduce(1, *) == total / ws[1] * ws[0] else { return nil }
            (n, c, h, w, cout, group, kh, kw) = (1, ws[1], 1, total / ws[1], ws[0], 1, 1, 1)
            (oh, ow) = (1, w)
        case .conv, .depthwise:
            guard xs.count == 4, ws.count == 4, ys.count == 4, ys[0] == xs[0] else { return nil }
            (n, h, w, c) = (xs[0], xs[1], xs[2], xs[3])
            (oh, ow, cout) = (ys[1], ys[2], ys[3])
            (kh, kw) = (ws[1], ws[2])
            if kind == .depthwise {
                guard ws[0] == 1, ws[3] == cout, cout == c else { return nil }
                group = c
            } else {
                guard ws[0] == cout, ws[3] > 0, c % ws[3] == 0 else { return nil }
                group = c / ws[3]
                guard cout % group == 0 else { return nil }
            }
            let s = ctx.node.ints("strides") ?? [1, 1], d = ctx.node.ints("dilations") ?? [1, 1]
            guard s.count == 2, d.count == 2 else { return nil }
            (sh, sw, dh, dw) = (s[0], s[1], d[0], d[1])
            pt = T.padBegin(ctx, input: h, output: oh, stride: sh, kernel: kh, dilation: dh)
            pl = T.padBegin(ctx, input: w, output: ow, stride: sw, kernel: kw, dilation: dw)
        }
        let cinG = c / group, k = cinG * kh * kw
        let values = [n, c, h, w, cout, group, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow]
        guard values.allSatisfy({ $0 >= 0 && $0 <= Int(Int32.max) }), n > 0, oh > 0, ow > 0, k > 0, cout > 0,
              OptimizedMatrix.fits(n * c * h * w, n * cout * oh * ow, cout * k, (cout + 6) * (k + 2) * 4),
              wp.scales.count == 1 || wp.scales.count == cout else { return nil }
        var bias = [Int32](repeating: 0, count: cout)
        if ctx.hasInput(2) {
            guard let b = ctx.constants[2], b.dtype == .int32, b.elementCount == cout else { return nil }
            bias = (0..<cout).map { b.ref.i32()[$0] }
        }
        // TFLite's multipliers, as the reference forms them.
        let mults = (0..<cout).map { j in T.quantizeMultiplier(xp.scale * wp.scales[wp.scales.count > 1 ? j : 0] / yp.scale) }
        let qm = OptimizedQuantized.bytes(mults.map(\.0)), qs = OptimizedQuantized.bytes(mults.map(\.1))
        var epi = ck_qconv_epilogue()
        epi.q_mult = UnsafePointer(qm.pointer.assumingMemoryBound(to: Int32.self))
        epi.q_shift = UnsafePointer(qs.pointer.assumingMemoryBound(to: Int32.self))
        epi.q_single_rounding = kind == .fullyConnected ? 1 : 0
        epi.out_zero = yp.zero
        (epi.out_min, epi.out_max) = range
        epi.out_unsigned = out == .uint8 ? 1 : 0
        var buffers = [qm, qs]
        let p = ck_conv2d_params(n: Int32(n), c: Int32(c), h: Int32(h), w: Int32(w), cout: Int32(cout), group: Int32(group),
                                 kh: Int32(kh), kw: Int32(kw), sh: Int32(sh), sw: Int32(sw), dh: Int32(dh), dw: Int32(dw),
                                 pad_top: Int32(pt), pad_left: Int32(pl), oh: Int32(oh), ow: Int32(ow), nhwc: 0)
        let threads = min(max(1, ctx.options.threads), ProcessInfo.processInfo.activeProcessorCount)
        let az = xp.zero, padByte = UInt8(truncatingIfNeeded: az)
        let src = wt.ref.i8()
        let inner: OptimizedQConv
        if kind == .depthwise {
            // [1, KH, KW, C] → [C][KH·KW] as int16; v = Σ (x − x_zp)·w + bias.
            let w16 = AlignedBytes(count: cout * k * 2 + 64)
            let wp16 = w16.pointer.assumingMemoryBound(to: Int16.self)
            for j in 0..<cout { for t in 0..<k { wp16[j * k + t] = Int16(src[t * cout + j]) } }
            let cb = OptimizedQuantized.bytes(bias)
            buffers.append(cb)
            epi.c0 = UnsafePointer(cb.pointer.assumingMemoryBound(to: Int32.self))
            inner = OptimizedQConv(isa: isa, depthwise: true, params: p, weights: w16, epilogue: epi, buffers: buffers,
                                   xXor: 0, padByte: padByte, aZero: az, threads: threads, parts: parts)
        } else {
            // OHWI [Cout][KH][KW][Cin/g] → [Cout][Cin/g·KH·KW] in (ci, ky, kx) order; FULLY_CONNECTED is already [units][depth].
            var wi = [Int8](repeating: 0, count: cout * k)
            for j in 0..<cout {
                for ky in 0..<kh { for kx in 0..<kw { for ci in 0..<cinG {
                    wi[j * k + (ci * kh + ky) * kw + kx] = src[((j * kh + ky) * kw + kx) * cinG + ci]
                } } }
            }
            // c0 = bias − x_zp·Σw (wrapping), so Σ w·x + c0 over padded taps reading x_zp is the reference's sum.
            var c0 = [Int32](repeating: 0, count: cout)
            for j in 0..<cout {
                var s: Int32 = 0
                for t in 0..<k { s &+= Int32(wi[j * k + t]) }
                c0[j] = bias[j] &- az &* s
            }
            let cb = OptimizedQuantized.bytes(c0)
            buffers.append(cb)
            epi.c0 = UnsafePointer(cb.pointer.assumingMemoryBound(to: Int32.self))
            var pp = p
            let packed = AlignedBytes(count: ck_qconv_packed_weights_size(isa.level, &pp) + 64)
            wi.withUnsafeBufferPointer { ck_qconv_pack_weights(isa.level, &pp, $0.baseAddress!, packed.pointer) }
            inner = OptimizedQConv(isa: isa, depthwise: false, params: p, weights: packed, epilogue: epi, buffers: buffers,
                                   xXor: 0, padByte: padByte, aZero: az, threads: threads, parts: parts)
        }
        return OptimizedTFLiteQConv(inner: inner, images: n, inPixels: h * w, inChannels: c, outChannels: cout,
                                    outPixels: oh * ow, buffers: buffers)
    }
}

/// TFLite's quantized ADD of two same-shaped 8-bit tensors (residual joins) in C (`ck_tfl_add`, AVX2 eight
/// lanes), the reference's arithmetic (``TFLiteInteger``: 2^20 left shift, three fixed-point multipliers)
/// element for element. Broadcasting ADDs stay on the reference.
final class OptimizedTFLiteAdd: Kernel {
    let isa: KernelISA
    var params: ck_tfl_add_params

    init(isa: KernelISA, params: ck_tfl_add_params) {
        self.isa = isa
        self.params = params
    }

    func run(inputs: [TensorRef], outputs: [TensorRef]) throws {
        ck_tfl_add(isa.level, Int64(outputs[0].count), inputs[0].u8(), inputs[1].u8(), outputs[0].u8(), &params)
    }

    static func make(_ ctx: KernelContext) throws -> Kernel? { make(ctx, isa: .selected) }

    static func make(_ ctx: KernelContext, isa: KernelISA) -> Kernel? {
        typealias T = TFLiteInteger
        let is8 = { (t: DType?) in t == .int8 || t == .uint8 }
        guard is8(ctx.inputType(0)), is8(ctx.inputType(1)), let out = ctx.outputTypes.first?.dtype, is8(out),
              ctx.inputShape(0) == ctx.outputShape(0), ctx.inputShape(1) == ctx.outputShape(0),
              let a = try? T.params(ctx, "x0"), let b = try? T.params(ctx, "x1"), let y = try? T.params(ctx, "y"),
              let range = try? T.activationRange(ctx, y, out) else { return nil }
        let (ma, mb, my) = T.addMultipliers(a, b, y)
        let p = ck_tfl_add_params(a_zero: a.zero, a_mult: ma.0, a_shift: ma.1, b_zero: b.zero, b_mult: mb.0, b_shift: mb.1,
                                  y_mult: my.0, y_shift: my.1, y_zero: y.zero, lo: range.0, hi: range.1,
                                  left_shift: T.addLeftShift, a_unsigned: ctx.inputType(0) == .uint8 ? 1 : 0,
                                  b_unsigned: ctx.inputType(1) == .uint8 ? 1 : 0, y_unsigned: out == .uint8 ? 1 : 0)
        return OptimizedTFLiteAdd(isa: isa, params: p)
    }
}
