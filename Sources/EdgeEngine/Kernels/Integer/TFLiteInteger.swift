import CEdgeKernels
import EdgeIR
import Foundation

/// TFLite's integer builtins as LiteRT's reference kernels compute them (tensorflow/lite/kernels/internal/
/// reference/integer_ops and the kernels' Prepare functions), for fully-quantized int8 models.
///
/// The importer keeps a quantized operator as `tflite:<BUILTIN>` with its tensors' scales and zero points
/// as attributes (`x<i>_scale`, `x<i>_zero_point`, `y_scale`, `y_zero_point`; per-channel lists for
/// weights). The arithmetic:
/// - multipliers: `QuantizeMultiplier(double)` → a Q31 significand and a power-of-two shift (frexp, the
///   significand rounded half away from zero); applied by `MultiplyByQuantizedMultiplier`
///   (SaturatingRoundingDoublingHighMul, then RoundingDivideByPOT) — ``ck_multiply_by_quantized_multiplier``.
/// - CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED: `acc = Σ w·(x − x_zp) + bias` exactly in int32;
///   per output channel `M = x_scale·w_scale[c]/y_scale` in double; `y = clamp(MBQM(acc) + y_zp)`;
///   taps outside the image are skipped (SAME padding: begin = ⌊total/2⌋). FULLY_CONNECTED applies M
///   with a single rounding (``mbqmSingle(_:_:)``), as LiteRT 2.3.0 does.
/// - ADD: both inputs `(x − zp)·2^20`, scaled by `x_scale/(2·max scale)` each, summed, scaled by
///   `2·max scale/(2^20·y_scale)` (all three multipliers < 1).
/// - MUL: `MBQM((a − a_zp)·(b − b_zp), a_scale·b_scale/y_scale) + y_zp`.
/// - AVERAGE_POOL_2D: integer sum of in-image taps divided by their count, rounded half away from zero;
///   MAX_POOL_2D: max of in-image taps; both then clamped to the fused activation's range.
/// - MEAN: keep_dims over H,W of a 4-D tensor: Σ(x − x_zp), MBQM by x_scale/y_scale, then ÷count rounded
///   half away; same parameters in and out: Σx / count truncated; otherwise `MBQM(Σx − x_zp·count, M')
///   + y_zp` where M' folds 1/count into x_scale/y_scale's significand (shifted by ⌊log2 count⌋).
/// - QUANTIZE: float → `round(x / scale) + zp` (float32 division, half away from zero); integer →
///   `MBQM(x − x_zp, x_scale/y_scale) + y_zp` (uint8 ↔ int8 at the model's edges).
/// - SOFTMAX: gemmlowp fixed point, as TFLite's reference kernel (``TFLiteSoftmax``).
/// - RESHAPE, CONCATENATION (equal parameters), PAD (with the input's zero point): byte moves.
enum TFLiteInteger {
    /// TFLite's QuantizeMultiplier: `m ≈ significand / 2^31 · 2^shift`.
    static func quantizeMultiplier(_ m: Double) -> (Int32, Int32) {
        if m == 0 { return (0, 0) }
        let f = frexp(m)
        var q = (f.0 * Double(1 << 31)).rounded(.toNearestOrAwayFromZero)
        var shift = f.1
        if q == Double(1 << 31) { q /= 2; shift += 1 }
        if shift < -31 { return (0, 0) }
        if shift > 30 { return (Int32.max, 30) }
        return (Int32(q), Int32(shift))
    }

    @inline(__always) static func mbqm(_ x: Int32, _ m: (Int32, Int32)) -> Int32 {
        ck_multiply_by_quantized_multiplier(x, m.0, m.1)
    }

    /// MultiplyByQuantizedMultiplier with TFLITE_SINGLE_ROUNDING: one rounding of x·M·2^shift,
    /// `(x·significand + 2^(30 − shift)) >> (31 − shift)` in int64 (half rounded up). LiteRT 2.3.0's int8
    /// FULLY_CONNECTED rounds this way (measured: 0 of 8,400 FC outputs of digits_cnn differ, against 10
    /// with the double rounding its CONV_2D, ADD and MUL match exactly).
    @inline(__always) static func mbqmSingle(_ x: Int32, _ m: (Int32, Int32)) -> Int32 {
        let total = Int64(31 - m.1)
        let result = (Int64(x) * Int64(m.0) + (Int64(1) << (total - 1))) >> total
        return Int32(truncatingIfNeeded: result)
    }

    struct Params {
        let scales: [Double]
        let zeroPoints: [Int32]
        var scale: Double { scales[0] }
        var zero: Int32 { zeroPoints.first ?? 0 }
    }

    static func params(_ ctx: KernelContext, _ prefix: String) throws -> Params {
        guard let s = ctx.node.floats(prefix + "_scale"), !s.isEmpty else {
            throw ctx.unsupported("no quantization parameters for \(prefix) (not a fully-quantized operator)")
        }
        let z = ctx.node.ints(prefix + "_zero_point") ?? []
        return Params(scales: s, zeroPoints: z.map { Int32(clamping: $0) })
    }

    static func range(_ t: DType?) -> (Int32, Int32)? {
        switch t {
        case .int8: return (-128, 127)
        case .uint8: return (0, 255)
        default: return nil
        }
    }

    /// CalculateActivationRangeQuantized: the fused activation's bounds in the output's integers.
    static func activationRange(_ ctx: KernelContext, _ y: Params, _ t: DType?) throws -> (Int32, Int32) {
        guard let (lo, hi) = range(t) else { throw ctx.unsupported("output type \(t?.rawValue ?? "?")") }
        func q(_ f: Float) -> Int32 { Int32(y.zero) + Int32((f / Float(y.scale)).rounded(.toNearestOrAwayFromZero)) }
        switch ctx.node.string("activation") {
        case nil: return (lo, hi)
        case "Relu": return (max(lo, q(0)), hi)
        case "Relu6": return (max(lo, q(0)), min(hi, q(6)))
        case "ReluN1To1": return (max(lo, q(-1)), min(hi, q(1)))
        case let a?: throw ctx.unsupported("fused activation \(a) on integers")
        }
    }

    /// The integer values of an int8/uint8 tensor.
    static func load(_ t: TensorRef) -> [Int32] {
        let n = t.count
        switch t.dtype {
        case .uint8: return (0..<n).map { Int32(t.u8()[$0]) }
        case .int8: return (0..<n).map { Int32(t.i8()[$0]) }
        case .int32: return (0..<n).map { t.i32()[$0] }
        default: return (0..<n).map { Int32(t.double(at: $0)) }
        }
    }

    @inline(__always) static func put(_ v: Int32, _ t: TensorRef, _ i: Int) {
        if t.dtype == .uint8 { t.u8()[i] = UInt8(truncatingIfNeeded: v) } else { t.i8()[i] = Int8(truncatingIfNeeded: v) }
    }

    /// SAME (begin = ⌊total/2⌋) or VALID padding of one spatial axis.
    static func padBegin(_ ctx: KernelContext, input: Int, output: Int, stride: Int, kernel: Int, dilation: Int) -> Int {
        guard ctx.node.string("auto_pad") == "SAME_UPPER" else { return 0 }
        let eff = (kernel - 1) * dilation + 1
        return max(((output - 1) * stride + eff - input) / 2, 0)
    }

    static let kernels: [OpType: KernelSpec] = {
        let types: Set<DType> = [.int8, .uint8, .int32, .int64, .float32]
        return [
            "tflite:CONV_2D": KernelSpec(types) { try conv($0, depthwise: false) },
            "tflite:DEPTHWISE_CONV_2D": KernelSpec(types) { try conv($0, depthwise: true) },
            "tflite:FULLY_CONNECTED": KernelSpec(types) { try fullyConnected($0) },
            "tflite:ADD": KernelSpec(types) { try add($0) },
            "tflite:MUL": KernelSpec(types) { try mul($0) },
            "tflite:AVERAGE_POOL_2D": KernelSpec(types) { try pool($0, average: true) },
            "tflite:MAX_POOL_2D": KernelSpec(types) { try pool($0, average: false) },
            "tflite:RESHAPE": KernelSpec(types) { try reshape($0) },
            "tflite:CONCATENATION": KernelSpec(types) { try concatenation($0) },
            "tflite:MEAN": KernelSpec(types) { try mean($0) },
            "tflite:QUANTIZE": KernelSpec(types) { try quantize($0) },
            "tflite:SOFTMAX": KernelSpec(types) { try softmax($0) },
            "tflite:PAD": KernelSpec(types) { try pad($0) },
            "tflite:PADV2": KernelSpec(types) { try pad($0) },
        ]
    }()

    // MARK: convolution and fully connected

    static func conv(_ ctx: KernelContext, depthwise: Bool) throws -> Kernel {
        let x = ctx.inputShape(0), w = ctx.inputShape(1), y = ctx.outputShape(0)
        guard x.count == 4, w.count == 4, y.count == 4, ctx.inputType(0) == .int8, ctx.inputType(1) == .int8 else {
            throw ctx.unsupported("int8 NHWC input and int8 weights expected, got \(ctx.inputType(0)?.rawValue ?? "?")\(x) and \(ctx.inputType(1)?.rawValue ?? "?")\(w)")
        }
        let xp = try params(ctx, "x0"), wp = try params(ctx, "x1"), yp = try params(ctx, "y")
        let (lo, hi) = try activationRange(ctx, yp, ctx.outputTypes.first?.dtype)
        let (n, ih, iw, ic) = (x[0], x[1], x[2], x[3]), (oh, ow, oc) = (y[1], y[2], y[3])
        let kh = w[1], kw = w[2]
        let strides = ctx.node.ints("strides") ?? [1, 1], dil = ctx.node.ints("dilations") ?? [1, 1]
        let padT = padBegin(ctx, input: ih, output: oh, stride: strides[0], kernel: kh, dilation: dil[0])
        let padL = padBegin(ctx, input: iw, output: ow, stride: strides[1], kernel: kw, dilation: dil[1])
        let wc = depthwise ? 1 : w[3]   // input channels per group
        let groups = depthwise ? ic : ic / max(wc, 1)
        guard depthwise ? w[3] == oc && oc % ic == 0 : (wc * groups == ic && w[0] == oc && oc % groups == 0) else {
            throw ctx.unsupported("weights \(w) do not fit input \(x) and output \(y)")
        }
        let multipliers = (0..<oc).map { c in
            quantizeMultiplier(xp.scale * wp.scales[wp.scales.count > 1 ? c : 0] / yp.scale)
        }
        let hasBias = ctx.hasInput(2)
        let xz = xp.zero
        return ClosureKernel { ins, outs in
            let xv = load(ins[0]), wv = load(ins[1])
            let bias = hasBias ? load(ins[2]) : [Int32](repeating: 0, count: oc)
            let perGroup = oc / groups, depthMultiplier = oc / ic
            for b in 0..<n {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        for c in 0..<oc {
                            var acc: Int32 = 0
                            let g = depthwise ? c / depthMultiplier : c / perGroup
                            for fy in 0..<kh {
                                let iy = oy * strides[0] - padT + fy * dil[0]
                                if iy < 0 || iy >= ih { continue }
                                for fx in 0..<kw {
                                    let ix = ox * strides[1] - padL + fx * dil[1]
                                    if ix < 0 || ix >= iw { continue }
                                    let base = ((b * ih + iy) * iw + ix) * ic
                                    if depthwise {
                                        acc &+= wv[(fy * kw + fx) * oc + c] &* (xv[base + g] &- xz)
                                    } else {
                                        let wb = ((c * kh + fy) * kw + fx) * wc
                                        for k in 0..<wc { acc &+= wv[wb + k] &* (xv[base + g * wc + k] &- xz) }
                                    }
                                }
                            }
                            acc &+= bias[c]
                            let v = min(max(mbqm(acc, multipliers[c]) &+ yp.zero, lo), hi)
                            put(v, outs[0], ((b * oh + oy) * ow + ox) * oc + c)
                        }
                    }
                }
            }
        }
    }

    static func fullyConnected(_ ctx: KernelContext) throws -> Kernel {
        let w = ctx.inputShape(1)
        guard w.count == 2, ctx.inputType(0) == .int8, ctx.inputType(1) == .int8 else {
            throw ctx.unsupported("int8 input and int8 [out, in] weights expected")
        }
        let xp = try params(ctx, "x0"), wp = try params(ctx, "x1"), yp = try params(ctx, "y")
        let (lo, hi) = try activationRange(ctx, yp, ctx.outputTypes.first?.dtype)
        let (units, depth) = (w[0], w[1])
        let total = ctx.inputShape(0).reduce(1, *)
        guard depth > 0, total % depth == 0 else { throw ctx.unsupported("input \(ctx.inputShape(0)) is not a multiple of \(depth)") }
        let rows = total / depth
        let multipliers = (0..<units).map { c in quantizeMultiplier(xp.scale * wp.scales[wp.scales.count > 1 ? c : 0] / yp.scale) }
        let hasBias = ctx.hasInput(2)
        return ClosureKernel { ins, outs in
            let xv = load(ins[0]), wv = load(ins[1])
            let bias = hasBias ? load(ins[2]) : [Int32](repeating: 0, count: units)
            for r in 0..<rows {
                for c in 0..<units {
                    var acc: Int32 = 0
                    for k in 0..<depth { acc &+= wv[c * depth + k] &* (xv[r * depth + k] &- xp.zero) }
                    acc &+= bias[c]
                    put(min(max(mbqmSingle(acc, multipliers[c]) &+ yp.zero, lo), hi), outs[0], r * units + c)
                }
            }
        }
    }

    // MARK: elementwise

    static func add(_ ctx: KernelContext) throws -> Kernel {
        let a = try params(ctx, "x0"), b = try params(ctx, "x1"), yp = try params(ctx, "y")
        let (lo, hi) = try activationRange(ctx, yp, ctx.outputTypes.first?.dtype)
        let leftShift = addLeftShift
        let (ma, mb, my) = addMultipliers(a, b, yp)
        let ia = broadcastOffsets(input: ctx.inputShape(0), output: ctx.outputShape(0))
        let ib = broadcastOffsets(input: ctx.inputShape(1), output: ctx.outputShape(0))
        return ClosureKernel { ins, outs in
            let av = load(ins[0]), bv = load(ins[1])
            for i in 0..<ia.count {
                let sa = mbqm((av[ia[i]] - a.zero) << leftShift, ma)
                let sb = mbqm((bv[ib[i]] - b.zero) << leftShift, mb)
                put(min(max(mbqm(sa &+ sb, my) &+ yp.zero, lo), hi), outs[0], i)
            }
        }
    }

    static let addLeftShift: Int32 = 20

    /// ADD's three multipliers (LiteRT's Prepare, in float as it computes them).
    static func addMultipliers(_ a: Params, _ b: Params, _ yp: Params) -> ((Int32, Int32), (Int32, Int32), (Int32, Int32)) {
        let twiceMax = 2 * Double(max(Float(a.scale), Float(b.scale)))
        let ma = quantizeMultiplier(Double(Float(a.scale)) / twiceMax)
        let mb = quantizeMultiplier(Double(Float(b.scale)) / twiceMax)
        let my = quantizeMultiplier(twiceMax / Double(Float(1 << addLeftShift) * Float(yp.scale)))
        return (ma, mb, my)
    }

    static func mul(_ ctx: KernelContext) throws -> Kernel {
        let a = try params(ctx, "x0"), b = try params(ctx, "x1"), yp = try params(ctx, "y")
        let (lo, hi) = try activationRange(ctx, yp, ctx.outputTypes.first?.dtype)
        let m = quantizeMultiplier(a.scale * b.scale / yp.scale)
        let ia = broadcastOffsets(input: ctx.inputShape(0), output: ctx.outputShape(0))
        let ib = broadcastOffsets(input: ctx.inputShape(1), output: ctx.outputShape(0))
        return ClosureKernel { ins, outs in
            let av = load(ins[0]), bv = load(ins[1])
            for i in 0..<ia.count {
                let p = (av[ia[i]] - a.zero) * (bv[ib[i]] - b.zero)
                put(min(max(mbqm(p, m) &+ yp.zero, lo), hi), outs[0], i)
            }
        }
    }

    // MARK: pooling and reductions

    static func pool(_ ctx: KernelContext, average: Bool) throws -> Kernel {
        let x = ctx.inputShape(0), y = ctx.outputShape(0)
        guard x.count == 4, y.count == 4, range(ctx.inputType(0)) != nil else { throw ctx.unsupported("8-bit NHWC input expected") }
        let yp = try params(ctx, "y")
        let (lo, hi) = try activationRange(ctx, yp, ctx.outputTypes.first?.dtype)
        let k = ctx.node.ints("kernel_shape") ?? [1, 1], s = ctx.node.ints("strides") ?? [1, 1]
        let (n, ih, iw, c, oh, ow) = (x[0], x[1], x[2], x[3], y[1], y[2])
        let padT = padBegin(ctx, input: ih, output: oh, stride: s[0], kernel: k[0], dilation: 1)
        let padL = padBegin(ctx, input: iw, output: ow, stride: s[1], kernel: k[1], dilation: 1)
        return ClosureKernel { ins, outs in
            let xv = load(ins[0])
            for b in 0..<n {
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        for ch in 0..<c {
                            var acc: Int32 = 0, count: Int32 = 0, best = Int32.min
                            for fy in 0..<k[0] {
                                let iy = oy * s[0] - padT + fy
                                if iy < 0 || iy >= ih { continue }
                                for fx in 0..<k[1] {
                                    let ix = ox * s[1] - padL + fx
                                    if ix < 0 || ix >= iw { continue }
                                    let v = xv[((b * ih + iy) * iw + ix) * c + ch]
                                    acc += v; count += 1; best = max(best, v)
                                }
                            }
                            var r = best
                            if average {
                                r = count == 0 ? 0 : acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count
                            }
                            put(min(max(r, lo), hi), outs[0], ((b * oh + oy) * ow + ox) * c + ch)
                        }
                    }
                }
            }
        }
    }

    static func mean(_ ctx: KernelContext) throws -> Kernel {
        let x = ctx.inputShape(0)
        guard let rawAxes = ctx.ints(1), range(ctx.inputType(0)) != nil else { throw ctx.unsupported("constant axes and an 8-bit input expected") }
        let axes = Set(rawAxes.map { $0 < 0 ? $0 + x.count : $0 })
        let xp = try params(ctx, "x0"), yp = try params(ctx, "y")
        guard let (lo, hi) = range(ctx.outputTypes.first?.dtype) else { throw ctx.unsupported("8-bit output expected") }
        let keep = ctx.node.int("keepdims", default: 0) == 1
        let count = axes.reduce(1) { $0 * x[$1] }
        let outCount = x.indices.filter { !axes.contains($0) }.reduce(1) { $0 * x[$1] }
        // The output element of each input element (row-major over the kept axes).
        let st = strides(x)
        let kept = x.indices.filter { !axes.contains($0) }
        let keptStrides = strides(kept.map { x[$0] })
        let special = keep && x.count == 4 && axes == [1, 2]
        let same = xp.scale == yp.scale && xp.zero == yp.zero
        let m = quantizeMultiplier(Double(Float(xp.scale)) / Double(Float(yp.scale)))
        // The general path folds 1/count into the multiplier: shift by ⌊log2 count⌋ (at most 32 and
        // 31 + shift), divide the significand by count in int64 (truncating).
        let log2Count = Int32(Int.bitWidth - 1 - count.leadingZeroBitCount)
        let extra = min(log2Count, 32, 31 + m.1)
        let divided = (Int32(truncatingIfNeeded: (Int64(m.0) << Int64(extra)) / Int64(count)), m.1 - extra)
        return ClosureKernel { ins, outs in
            let xv = load(ins[0])
            var sums = [Int32](repeating: 0, count: outCount)
            for i in 0..<xv.count {
                var o = 0
                for (j, a) in kept.enumerated() { o += (i / st[a]) % x[a] * keptStrides[j] }
                sums[o] &+= special ? xv[i] - xp.zero : xv[i]
            }
            for o in 0..<outCount {
                let v: Int32
                if special {
                    let acc = mbqm(sums[o], m), c = Int32(count)
                    v = (acc > 0 ? (acc + c / 2) / c : (acc - c / 2) / c) + yp.zero
                } else if same {
                    v = sums[o] / Int32(count)
                } else {
                    v = mbqm(sums[o] &- xp.zero &* Int32(count), divided) &+ yp.zero
                }
                put(min(max(v, lo), hi), outs[0], o)
            }
        }
    }

    // MARK: data movement and conversion

    static func reshape(_ ctx: KernelContext) throws -> Kernel {
        let n = ctx.inputShape(0).reduce(1, *)
        guard n == ctx.outputShape(0).reduce(1, *) else { throw ctx.unsupported("element count changes") }
        return ClosureKernel { ins, outs in outs[0].data.copyMemory(from: ins[0].data, byteCount: n * ins[0].dtype.bytesPerBlock / max(ins[0].dtype.blockSize, 1)) }
    }

    static func concatenation(_ ctx: KernelContext) throws -> Kernel {
        let y = ctx.outputShape(0)
        guard let axis = normalizedAxis(ctx.node.int("axis", default: 0), rank: y.count) else { throw ctx.unsupported("axis") }
        let yp = try params(ctx, "y")
        let shapes = (0..<ctx.inputCount).map { ctx.inputShape($0) }
        var scales: [(Float, Int32)] = []
        for i in shapes.indices { let p = try params(ctx, "x\(i)"); scales.append((Float(p.scale), p.zero)) }
        let outer = y[..<axis].reduce(1, *), inner = y[(axis + 1)...].reduce(1, *)
        let inverse = 1 / Float(yp.scale)
        guard let (lo, hi) = range(ctx.outputTypes.first?.dtype) else { throw ctx.unsupported("8-bit output expected") }
        return ClosureKernel { ins, outs in
            var offset = 0
            for (i, s) in shapes.enumerated() {
                let xv = load(ins[i]), run = s[axis] * inner
                let same = scales[i].0 == Float(yp.scale) && scales[i].1 == yp.zero
                let scale = scales[i].0 * inverse, bias = -Float(scales[i].1) * scale
                for o in 0..<outer {
                    for j in 0..<run {
                        var v = xv[o * run + j]
                        if !same { v = Int32((Float(v) * scale + bias).rounded(.toNearestOrAwayFromZero)) + yp.zero }
                        put(min(max(v, lo), hi), outs[0], o * y[axis] * inner + offset + j)
                    }
                }
                offset += run
            }
        }
    }

    static func pad(_ ctx: KernelContext) throws -> Kernel {
        let x = ctx.inputShape(0), y = ctx.outputShape(0)
        guard let pads = ctx.ints(1), pads.count == 2 * x.count else { throw ctx.unsupported("constant paddings expected") }
        let xp = try params(ctx, "x0")
        let fill = ctx.hasInput(2) ? nil : xp.zero
        let st = strides(y)
        return ClosureKernel { ins, outs in
            let xv = load(ins[0])
            let value = fill ?? load(ins[2])[0]
            for i in 0..<y.reduce(1, *) { put(value, outs[0], i) }
            let xs = strides(x)
            for i in 0..<xv.count {
                var o = 0
                for a in x.indices { o += ((i / xs[a]) % x[a] + pads[a]) * st[a] }
                put(xv[i], outs[0], o)
            }
        }
    }

    static func quantize(_ ctx: KernelContext) throws -> Kernel {
        let yp = try params(ctx, "y")
        guard let (lo, hi) = range(ctx.outputTypes.first?.dtype) else { throw ctx.unsupported("8-bit output expected") }
        let n = ctx.inputShape(0).reduce(1, *)
        if ctx.inputType(0) == .float32 {
            let s = Float(yp.scale)
            return ClosureKernel { ins, outs in
                let p = ins[0].f32()
                for i in 0..<n {
                    let q = (p[i] / s).rounded(.toNearestOrAwayFromZero)
                    let v = q.isNaN ? yp.zero : Int32(q.clamped(-2_147_483_648, 2_147_483_520)) &+ yp.zero
                    put(min(max(v, lo), hi), outs[0], i)
                }
            }
        }
        guard range(ctx.inputType(0)) != nil else { throw ctx.unsupported("QUANTIZE from \(ctx.inputType(0)?.rawValue ?? "?")") }
        let xp = try params(ctx, "x0")
        let m = quantizeMultiplier(xp.scale / yp.scale)
        return ClosureKernel { ins, outs in
            let xv = load(ins[0])
            for i in 0..<n { put(min(max(mbqm(xv[i] - xp.zero, m) &+ yp.zero, lo), hi), outs[0], i) }
        }
    }

    static func softmax(_ ctx: KernelContext) throws -> Kernel {
        let x = ctx.inputShape(0)
        guard let depth = x.last, depth > 0 else { throw ctx.unsupported("empty input") }
        let xp = try params(ctx, "x0"), yp = try params(ctx, "y")
        guard ctx.inputType(0) == .int8, ctx.outputTypes.first?.dtype == .int8, Float(yp.scale) == 1.0 / 256, yp.zero == -128 else {
            throw ctx.unsupported("int8 SOFTMAX needs int8 input and an int8 output with scale 1/256 and zero point −128")
        }
        let prepared = TFLiteSoftmax.prepare(beta: ctx.node.float("beta", default: 1), inputScale: Float(xp.scale))
        let rows = x.reduce(1, *) / depth
        return ClosureKernel { ins, outs in
            let xv = load(ins[0])
            for r in 0..<rows {
                for (j, v) in TFLiteSoftmax.row(xv[(r * depth)..<((r + 1) * depth)], prepared).enumerated() {
                    put(v, outs[0], r * depth + j)
                }
            }
        }
    }
}

extension Float {
    fileprivate func clamped(_ lo: Float, _ hi: Float) -> Float { Swift.min(Swift.max(self, lo), hi) }
}
