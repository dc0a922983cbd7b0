/// Gemm, MatMul (NumPy semantics, batched and broadcasting) and FullyConnected.
///
/// FullyConnected is TFLite's layer: `x[…, K] · W[N, K]ᵀ + b[N] → […, N]`; with `keep_num_dims = 0`
/// (TFLite's default) the leading dimensions are flattened to one.
extension OpRegistry {
    static let matMulSchemas: [OpSchema] = [
        OpSchema(.gemm, infer: { ctx in
            let a = try ctx.input(0), b = try ctx.input(1)
            guard a.shape.rank == 2, b.shape.rank == 2 else {
                throw ctx.shapeError("Gemm needs 2-D A and B, got \(a.shape) and \(b.shape)")
            }
            let ta = ctx.node.int("transA", default: 0) != 0, tb = ctx.node.int("transB", default: 0) != 0
            let m = ta ? a.shape[1] : a.shape[0], ka = ta ? a.shape[0] : a.shape[1]
            let kb = tb ? b.shape[1] : b.shape[0], n = tb ? b.shape[0] : b.shape[1]
            if let x = ka.value, let y = kb.value, x != y {
                throw ctx.shapeError("inner dimensions differ: A \(a.shape)\(ta ? "ᵀ" : "") · B \(b.shape)\(tb ? "ᵀ" : "") (\(x) vs \(y))")
            }
            let out = Shape([m, n])
            if let c = ctx.optionalInput(2), ShapeMath.broadcast(c.shape, out) == nil {
                throw ctx.shapeError("C \(c.shape) does not broadcast to \(out)")
            }
            return [TensorType(a.dtype, out)]
        }, work: { w in
            let a = w.dims(ofInput: 0)
            guard a.count == 2, let out = w.outputs.first?.shape.values, out.count == 2 else { return Work() }
            let k = w.node.int("transA", default: 0) != 0 ? a[0] : a[1]
            let mn = out[0] * out[1]
            let alphaBeta = (w.node.float("alpha", default: 1) != 1 ? mn : 0)
            let c = w.inputs.count > 2 && w.inputs[2] != nil ? mn : 0
            return Work(macs: mn * k, otherFlops: c + alphaBeta)
        }),
        OpSchema(.matMul, infer: { ctx in [try MatMulRule.infer(ctx)] }, work: MatMulRule.work),
        OpSchema("MatMulInteger", infer: { ctx in
            let t = try MatMulRule.infer(ctx)
            return [TensorType(.int32, t.shape)]
        }, work: MatMulRule.work),
        OpSchema("QLinearMatMul", infer: { ctx in
            // a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp
            let a = try ctx.input(0), b = try ctx.input(3)
            let shape = try MatMulRule.shape(ctx, a.shape, b.shape)
            return [TensorType(ctx.optionalInput(7)?.dtype ?? a.dtype, shape)]
        }, work: { w in
            MatMulRule.work(WorkContext(node: w.node, inputs: [w.inputs.first ?? nil, w.inputs.count > 3 ? w.inputs[3] : nil], outputs: w.outputs))
        }),
        OpSchema(.fullyConnected, infer: { ctx in
            let x = try ctx.input(0), wt = try ctx.input(1)
            guard wt.shape.rank == 2, x.shape.rank >= 1 else {
                throw ctx.shapeError("FullyConnected needs weight [N, K] and input [..., K], got \(wt.shape), \(x.shape)")
            }
            let k = wt.shape[1], n = wt.shape[0]
            let keep = ctx.node.int("keep_num_dims", default: 1) != 0
            if keep {
                if let a = x.shape.dims.last?.value, let b = k.value, a != b {
                    throw ctx.shapeError("input's last dimension \(a) ≠ weight's K \(b)")
                }
                return [TensorType(x.dtype, Shape(Array(x.shape.dims.dropLast()) + [n]))]
            }
            // TFLite flattens: rows = elements / K.
            if let total = x.shape.elementCount, let kv = k.value, kv > 0 {
                guard total % kv == 0 else { throw ctx.shapeError("input \(x.shape) is not a whole number of rows of \(kv)") }
                return [TensorType(x.dtype, Shape([.value(total / kv), n]))]
            }
            return [TensorType(x.dtype, Shape([.unknown, n]))]
        }, work: { w in
            let wt = w.dims(ofInput: 1)
            guard wt.count == 2 else { return Work() }
            let outs = w.elements(ofOutput: 0)
            let bias = w.inputs.count > 2 && w.inputs[2] != nil ? outs : 0
            let act = w.node.string("activation") != nil ? outs : 0
            return Work(macs: outs * wt[1], otherFlops: bias + act)
        }),
    ]
}

enum MatMulRule {
    static func infer(_ ctx: InferenceContext) throws -> TensorType {
        let a = try ctx.input(0), b = try ctx.input(1)
        let outType = a.dtype.isBlockFormat ? b.dtype : a.dtype
        return TensorType(outType, try shape(ctx, a.shape, b.shape))
    }

    /// NumPy matmul: 1-D operands are promoted and the added axis removed; batch axes broadcast.
    static func shape(_ ctx: InferenceContext, _ sa: Shape, _ sb: Shape) throws -> Shape {
        guard sa.rank >= 1, sb.rank >= 1 else { throw ctx.shapeError("MatMul of a scalar: \(sa) · \(sb)") }
        var a = sa.dims, b = sb.dims
        let aVec = a.count == 1, bVec = b.count == 1
        if aVec { a = [1] + a }
        if bVec { b = b + [1] }
        let ka = a[a.count - 1], kb = b[b.count - 2]
        if let x = ka.value, let y = kb.value, x != y {
            throw ctx.shapeError("inner dimensions differ: \(sa) · \(sb) (\(x) vs \(y))")
        }
        guard let batch = ShapeMath.broadcast(Shape(Array(a.dropLast(2))), Shape(Array(b.dropLast(2)))) else {
            throw ctx.shapeError("batch dimensions of \(sa) and \(sb) do not broadcast")
        }
        var out = batch.dims
        if !aVec { out.append(a[a.count - 2]) }
        if !bVec { out.append(b[b.count - 1]) }
        return Shape(out)
    }

    static func work(_ w: WorkContext) -> Work {
        let a = w.dims(ofInput: 0)
        guard !a.isEmpty else { return Work() }
        let k = a[a.count - 1]
        return Work(macs: w.elements(ofOutput: 0) * k)
    }
}
