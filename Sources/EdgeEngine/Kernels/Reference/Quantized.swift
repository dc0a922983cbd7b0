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
        "QLinearMatMul": KernelSpec([.int8, .uint8, .float32]) { try makeMatMulInteger($0, requantize: true) },
    ]

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
        guard let t = ctx.inputType(0), quantizedRange(t) != nil else { throw ctx.unsupported("DequantizeLinear of \(ctx.inputType(0)?.rawValue ?? "?")") }
        let index = try quantizationParameterIndex(ctx, x: x, scale: ctx.inputShape(1))
        let hasZero = ctx.hasInput(2)
        let n = x.reduce(1, *)
        return ClosureKernel { ins, outs in
            for i in 0..<n {
                let j = index(i)
                var d = Float(ins[0].double(at: i))
                if hasZero { d -= Float(ins[2].double(at: j)) }
                store(Double(d * Float(ins[1].double(at: j))), outs[0], i)
            }
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
                let s = Float(ins[1].double(at: 0)) * Float(ins[4].double(at: 0)) / Float(ins[6].double(at: 0))
                multiplier = Double(s)
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
}
