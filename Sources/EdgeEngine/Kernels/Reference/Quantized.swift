import EdgeIR

/// QuantizeLinear / DequantizeLinear (per-tensor, per-axis, blocked), MatMulInteger and QLinearMatMul:
/// the ONNX quantization ops as the specification computes them.
///
/// - QuantizeLinear: `y = saturate(round_half_even(x / scale) + zero_point)`, the division in the scale's
///   float type (float32 or float16, as numpy rounds it), saturating to the output type's range.
/// - DequantizeLinear: `y = (x − zero_point) · scale`, in float32, rounded to the scale's type.
/// - MatMulInteger: `(A − a_zp) · (B − b_zp)` accumulated exactly in int32 (a_zp per row of A or
///   scalar, b_zp per column of B or scalar), NumPy-batched.
/// - QLinearMatMul: the same integer product, then `round_half_even(acc · (a_scale · b_scale / y_scale))
///   + y_zp` saturated; the multiplier is formed in float32 and applied in double (numpy's promotion of
///   int32 × float32).
///
/// Integer element types only (int8/uint8/int16/uint16 quantized values, int32 for dequantized biases);
/// float8 and 4-bit types are not claimed.
extension ReferenceKernels {
    static let quantized: [OpType: KernelSpec] = [
        "QuantizeLinear": KernelSpec([.float32, .float16, .int8, .uint8, .int16, .uint16]) { try makeQuantizeLinear($0) },
        "DequantizeLinear": KernelSpec([.float32, .float16, .int8, .uint8, .int16, .uint16, .int32]) { try makeDequantizeLinear($0) },
        "MatMulInteger": KernelSpec([.int8, .uint8, .int32]) { try makeMatMulInteger($0, requantize: false) },
        "QLinearMatMul": KernelSpec([.int8, .uint8, .float32, .float16]) { try makeMatMulInteger($0, requantize: true) },
        "ConvInteger": KernelSpec([.int8, .uint8, .int32]) { try makeConvInteger($0, requantize: false) },
        "QLinearConv": KernelSpec([.int8, .uint8, .int32, .float32]) { try makeConvInteger($0, requantize: true) },
        "DynamicQuantizeLinear": KernelSpec([.float32, .uint8]) { try makeDynamicQuantizeLinear($0) },
    ]

    /// `a · b / c` as numpy forms it from 0-d arrays of the scale type (each operation rounded to float16
    /// when the scales are float16), then widened to double for the int32 × float product.
    static func requantizeMultiplier(_ a: Double, _ b: Double, _ c: Double, half: Bool) -> Double {
        if half {
            let ab = Float16(Float(Float16(a)) * Float(Float16(b)))
            return Double(Float16(Float(ab) / Float(Float16(c))))
        }
        return Double(Float(a) * Float(b) / Float(c))
    }

    /// The saturation range of a quantized type.
    static func quantizedRange(_ t: DType) -> ClosedRange<Double>? {
        switch t {
        case .int8: return -128...127
        case .uint8: return 0...255
        case .int16: return -32768...32767
        case .uint16: return 0...65535
        case .int32: return -2147483648...2147483647
        default: return nil
        }
    }

    /// For each element of `x`, the index of its scale / zero point: 0 (per tensor), its coordinate on
    /// `axis` (per axis), or its block's index in the scale tensor (blocked).
    static func quantizationParameterIndex(_ ctx: KernelContext, x: [Int], scale: [Int]) throws -> (Int) -> Int {
        let scaleCount = scale.reduce(1, *)
        if scale.isEmpty || scaleCount == 1 && scale.count <= 1 { return { _ in 0 } }
        var axis = ctx.node.int("axis", default: 1)
        if axis < 0 { axis += x.count }
        guard axis >= 0, axis < x.count else { throw ctx.unsupported("axis \(axis) outside rank \(x.count)") }
        let block = ctx.node.int("block_size", default: 0)
        let inner = x[(axis + 1)...].reduce(1, *), len = x[axis]
        if block <= 0 {
            guard scale.count == 1, scale[0] == len else { throw ctx.unsupported("per-axis scale \(scale) for axis \(axis) of \(x)") }
            return { i in (i / inner) % len }
        }
        // Blocked: the scale has x's shape with ceil(x[axis] / block) on the axis.
        guard scale.count == x.count, scale[axis] == (len + block - 1) / block,
              zip(scale.indices, zip(scale, x)).allSatisfy({ $0 == axis || $1.0 == $1.1 }) else {
            throw ctx.unsupported("blocked scale \(scale) for \(x) with block \(block) on axis \(axis)")
        }
        let blocks = scale[axis]
        return { i in
            let outer = i / (inner * len), a = (i / inner) % len, r = i % inner
            return (outer * blocks + a / block) * inner + r
        }
    }

    static func makeQuantizeLinear(_ ctx: KernelContext) throws -> Kernel {
        let x = ctx.inputShape(0)
        guard let out = ctx.outputTypes.first?.dtype, let range = quantizedRange(out), out != .int32 else {
            throw ctx.unsupported("QuantizeLinear to \(ctx.outputTypes.first?.dtype.rawValue ?? "?")")
        }
        let half = ctx.inputType(1) == .float16
        let index = try quantizationParameterIndex(ctx, x: x, scale: ctx.inputShape(1))
        let hasZero = ctx.hasInput(2)
        if ctx.node.int("saturate", default: 1) == 0 { throw ctx.unsupported("saturate = 0 (float8 only)") }
        let n = x.reduce(1, *)
        return ClosureKernel { ins, outs in
            for i in 0..<n {
                let j = index(i)
                let xv = Float(ins[0].double(at: i)), s = Float(ins[1].double(at: j))
                var q = xv / s
                if half { q = Float(Float16(q)) }
                var v = Double(q).rounded(.toNearestOrEven)
                if hasZero { v += ins[2].double(at: j) }
                store(v.isNaN ? 0 : Swift.min(Swift.max(v, range.lowerBound), range.upperBound), outs[0], i)
            }
        }
    }

    static func makeDequantizeLinear(_ ctx: KernelContext) throws -> Kernel {
        let x = ctx.inputShape(0)
        guard let t = ctx.inputType(0), quantizedRange(t) != nil || t == .int4 || t == .uint4 else {
            throw ctx.unsupported("DequantizeLinear of \(ctx.inputType(0)?.rawValue ?? "?")")
        }
        let index = try quantizationParameterIndex(ctx, x: x, scale: ctx.inputShape(1))
        let hasZero = ctx.hasInput(2)
        let n = x.reduce(1, *)
        return ClosureKernel { ins, outs in
            for i in 0..<n {
                let j = index(i)
                var d = Float(element(ins[0], i))
                if hasZero { d -= Float(element(ins[2], j)) }
                store(Double(d * Float(ins[1].double(at: j))), outs[0], i)
            }
        }
    }

    /// Element `i` of a quantized tensor; int4/uint4 hold two values a byte, the first in the low
    /// nibble (ONNX's packing), int4 sign-extended.
    @inline(__always) static func element(_ t: TensorRef, _ i: Int) -> Double {
        switch t.dtype {
        case .int4, .uint4:
            let b = t.u8()[i >> 1]
            let v = i & 1 == 0 ? b & 0x0F : b >> 4
            return t.dtype == .int4 ? Double(Int8(bitPattern: v << 4) >> 4) : Double(v)
        default: return t.double(at: i)
        }
    }

    /// MatMulInteger (int32 out) and QLinearMatMul (requantized): inputs are (A, B, a_zp?, b_zp?) or
    /// (a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp).
    static func makeMatMulInteger(_ ctx: KernelContext, requantize: Bool) throws -> Kernel {
        let ia = 0, ib = requantize ? 3 : 1
        let iaz = requantize ? 2 : 2, ibz = requantize ? 5 : 3
        var a = ctx.inputShape(ia), b = ctx.inputShape(ib)
        guard !a.isEmpty, !b.isEmpty else { throw ctx.unsupported("scalar operands") }
        if a.count == 1 { a = [1] + a }
        if b.count == 1 { b = b + [1] }
        let m = a[a.count - 2], k = a[a.count - 1], n = b[b.count - 1]
        guard b[b.count - 2] == k else { throw ctx.unsupported("inner dimensions \(k) and \(b[b.count - 2])") }
        let batchA = Array(a.dropLast(2)), batchB = Array(b.dropLast(2))
        guard let batchOut = broadcastShape([batchA, batchB]) else { throw ctx.unsupported("batch dimensions do not broadcast") }
        let offA = broadcastOffsets(input: batchA, output: batchOut), offB = broadcastOffsets(input: batchB, output: batchOut)
        let batches = batchOut.reduce(1, *)
        // Zero points: scalar, or per row of A ([M] or [..., M, 1]) / per column of B ([N] or [..., 1, N]).
        func zeroIndex(_ i: Int, count: Int, perRow: Bool) throws -> (Int, Int) -> Int {
            guard ctx.hasInput(i) else { return { _, _ in -1 } }
            let c = ctx.inputShape(i).reduce(1, *)
            if c == 1 { return { _, _ in 0 } }
            guard c == count else { throw ctx.unsupported("zero point of \(c) values for \(count) \(perRow ? "rows" : "columns")") }
            return perRow ? { r, _ in r } : { _, col in col }
        }
        let azIndex = try zeroIndex(iaz, count: m, perRow: true), bzIndex = try zeroIndex(ibz, count: n, perRow: false)
        var outRange: ClosedRange<Double> = quantizedRange(.int32)!
        if requantize {
            guard let t = ctx.outputTypes.first?.dtype, let r = quantizedRange(t), t != .int32 else { throw ctx.unsupported("QLinearMatMul output type") }
            guard [1, 4, 6].allSatisfy({ ctx.inputShape($0).reduce(1, *) == 1 }) else { throw ctx.unsupported("per-row/column scales") }
            outRange = r
        }
        let range = outRange
        return ClosureKernel { ins, outs in
            let A = ins[ia], B = ins[ib], Y = outs[0]
            let hasAZ = ctx.hasInput(iaz), hasBZ = ctx.hasInput(ibz)
            var multiplier = 1.0, yZero = 0.0
            if requantize {
                multiplier = requantizeMultiplier(ins[1].double(at: 0), ins[4].double(at: 0), ins[6].double(at: 0),
                                                  half: ins[1].dtype == .float16)
                yZero = ctx.hasInput(7) ? ins[7].double(at: 0) : 0
            }
            for bi in 0..<batches {
                let ab = offA[bi] * m * k, bb = offB[bi] * k * n, yb = bi * m * n
                for i in 0..<m {
                    let az = hasAZ ? Int32(ins[iaz].double(at: azIndex(i, 0))) : 0
                    for j in 0..<n {
                        let bz = hasBZ ? Int32(ins[ibz].double(at: bzIndex(0, j))) : 0
                        var acc: Int32 = 0
                        for p in 0..<k {
                            let av = Int32(A.double(at: ab + i * k + p)) - az
                            let bv = Int32(B.double(at: bb + p * n + j)) - bz
                            acc &+= av &* bv
                        }
                        if requantize {
                            let v = (Double(acc) * multiplier).rounded(.toNearestOrEven) + yZero
                            store(Swift.min(Swift.max(v, range.lowerBound), range.upperBound), Y, yb + i * n + j)
                        } else {
                            Y.i32()[yb + i * n + j] = acc
                        }
                    }
                }
            }
        }
    }

    /// ConvInteger (int32 out) and QLinearConv (requantized, optional int32 bias): NCHW, 1- to 3-D, groups,
    /// dilations, pads (padding holds the input zero point, so it contributes nothing). Inputs are
    /// (x, w, x_zp?, w_zp?) or (x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp, B?); w_zp and w_scale
    /// may be per output channel.
    static func makeConvInteger(_ ctx: KernelContext, requantize: Bool) throws -> Kernel {
        let ix = 0, iw = requantize ? 3 : 1, ixz = 2, iwz = requantize ? 5 : 3
        let x = ctx.inputShape(ix), w = ctx.inputShape(iw), y = ctx.outputShape(0)
        guard x.count >= 3, x.count <= 5, w.count == x.count, y.count == x.count else { throw ctx.unsupported("Conv of rank \(x.count)") }
        let group = ctx.node.int("group", default: 1)
        let geo = try WindowGeometry(ctx.node, input: Array(x[2...]), kernel: Array(w[2...]))
        let (k, s, d, p) = geo.as3D()
        let xi = spatial3D(Array(x[2...])), yo = spatial3D(Array(y[2...]))
        let cinG = w[1], cout = w[0], batch = x[0], cin = x[1]
        guard group > 0, cout % group == 0, cinG * group == cin else { throw ctx.unsupported("groups \(group) for \(cin) → \(cout) channels") }
        let coutG = cout / group
        let inPlane = xi.reduce(1, *), outPlane = yo.reduce(1, *), kSize = k.reduce(1, *)
        let wzCount = ctx.hasInput(iwz) ? ctx.inputShape(iwz).reduce(1, *) : 0
        guard wzCount <= 1 || wzCount == cout else { throw ctx.unsupported("weight zero point of \(wzCount) values for \(cout) channels") }
        var range = quantizedRange(.int32)!
        var wsCount = 1
        if requantize {
            guard let t = ctx.outputTypes.first?.dtype, let r = quantizedRange(t), t != .int32 else { throw ctx.unsupported("QLinearConv output type") }
            range = r
            wsCount = ctx.inputShape(4).reduce(1, *)
            guard wsCount == 1 || wsCount == cout else { throw ctx.unsupported("weight scale of \(wsCount) values for \(cout) channels") }
        }
        let outRange = range, perChannelScale = wsCount > 1
        let hasBias = requantize && ctx.hasInput(8)
        return ClosureKernel { ins, outs in
            let X = ins[ix], W = ins[iw], Y = outs[0]
            let xz = ctx.hasInput(ixz) ? Int32(ins[ixz].double(at: 0)) : 0
            for n in 0..<batch {
                for co in 0..<cout {
                    let g = co / coutG
                    let wz = wzCount == 0 ? 0 : Int32(ins[iwz].double(at: wzCount == 1 ? 0 : co))
                    var multiplier = 1.0, yZero = 0.0
                    if requantize {
                        multiplier = requantizeMultiplier(ins[1].double(at: 0), ins[4].double(at: perChannelScale ? co : 0),
                                                          ins[6].double(at: 0), half: ins[1].dtype == .float16)
                        yZero = ctx.hasInput(7) ? ins[7].double(at: 0) : 0
                    }
                    let bias: Int32 = hasBias ? ins[8].i32()[co] : 0
                    for od in 0..<yo[0] {
                        for oh in 0..<yo[1] {
                            for ow in 0..<yo[2] {
                                var acc: Int32 = bias
                                for ci in 0..<cinG {
                                    let xBase = (n * cin + g * cinG + ci) * inPlane, wBase = (co * cinG + ci) * kSize
                                    for kd in 0..<k[0] {
                                        let id = od * s[0] - p[0] + kd * d[0]
                                        if id < 0 || id >= xi[0] { continue }
                                        for kh in 0..<k[1] {
                                            let ih = oh * s[1] - p[1] + kh * d[1]
                                            if ih < 0 || ih >= xi[1] { continue }
                                            for kw in 0..<k[2] {
                                                let iw = ow * s[2] - p[2] + kw * d[2]
                                                if iw < 0 || iw >= xi[2] { continue }
                                                let xv = Int32(X.double(at: xBase + (id * xi[1] + ih) * xi[2] + iw)) - xz
                                                let wv = Int32(W.double(at: wBase + (kd * k[1] + kh) * k[2] + kw)) - wz
                                                acc &+= xv &* wv
                                            }
                                        }
                                    }
                                }
                                let yi = (n * cout + co) * outPlane + (od * yo[1] + oh) * yo[2] + ow
                                if requantize {
                                    let v = (Double(acc) * multiplier + yZero).rounded(.toNearestOrEven)
                                    store(Swift.min(Swift.max(v, outRange.lowerBound), outRange.upperBound), Y, yi)
                                } else {
                                    Y.i32()[yi] = acc
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// DynamicQuantizeLinear: uint8 with the scale and zero point that map [min(x, 0), max(x, 0)] onto
    /// [0, 255]: scale = (max − min) / 255, zero point = saturate(round(−min / scale)).
    static func makeDynamicQuantizeLinear(_ ctx: KernelContext) throws -> Kernel {
        guard ctx.inputType(0) == .float32 else { throw ctx.unsupported("DynamicQuantizeLinear of \(ctx.inputType(0)?.rawValue ?? "?")") }
        let n = ctx.inputShape(0).reduce(1, *)
        return ClosureKernel { ins, outs in
            let X = ins[0].f32()
            var lo: Float = 0, hi: Float = 0
            for i in 0..<n { lo = Swift.min(lo, X[i]); hi = Swift.max(hi, X[i]) }
            let scale = (hi - lo) / 255
            let zero = scale == 0 ? 0 : Swift.min(Swift.max((-lo / scale).rounded(.toNearestOrEven), 0), 255)
            outs[1].f32()[0] = scale
            outs[2].u8()[0] = UInt8(zero)
            let Y = outs[0].u8()
            for i in 0..<n {
                let q = scale == 0 ? 0 : (X[i] / scale).rounded(.toNearestOrEven) + zero
                Y[i] = UInt8(Swift.min(Swift.max(q, 0), 255))
            }
        }
    }
}
