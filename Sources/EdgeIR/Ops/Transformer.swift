/// Fused attention, rotary position embedding and the KV-cache append that LLM decode graphs use.
///
/// - `Attention(Q, K, V [, mask, past_key, past_value])`: 4-D `[B, H, S, D]` operands (or 3-D
///   `[B, S, H·D]` with `q_num_heads`/`kv_num_heads`), grouped-query when K/V have fewer heads.
///   Work: `B·Hq·S·T·(Dk + Dv)` MACs for QKᵀ and AV, ≈ 5 flops per score for scale and softmax.
/// - `RoPE(x)` rotates pairs of the last axis (≈ 3 flops per element); `RotaryEmbedding` is ONNX's form.
/// - `KVCacheUpdate(cache[B, H, C, D], new[B, H, S, D]) → [B, H, C+S, D]` writes the new rows in
///   place, so its traffic is the new rows only (read at their type, written at the cache's type),
///   not the whole cache.
extension OpRegistry {
    static let transformerSchemas: [OpSchema] = [
        OpSchema(.attention, nonParameterInputs: [3], infer: { ctx in try AttentionRule.infer(&ctx) }, work: AttentionRule.work),
        OpSchema(.rope, infer: { ctx in
            let x = try ctx.input(0)
            guard x.shape.rank >= 2 else { throw ctx.shapeError("input \(x.shape) must have rank ≥ 2") }
            if let d = x.shape.dims.last?.value, d % 2 != 0 { throw ctx.shapeError("rotated dimension \(d) is odd") }
            return [TensorType(x.dtype, x.shape)]
        }, work: { w in Work(otherFlops: 3 * w.elements(ofOutput: 0)) }),
        OpSchema("RotaryEmbedding", nonParameterInputs: [3], infer: { ctx in
            let x = try ctx.input(0)
            return [TensorType(x.dtype, x.shape)]
        }, work: { w in Work(otherFlops: 3 * w.elements(ofOutput: 0)) }),
        OpSchema("KVCacheUpdate", infer: { ctx in
            let cache = try ctx.input(0), new = try ctx.input(1)
            guard cache.shape.rank == 4, new.shape.rank == 4 else {
                throw ctx.shapeError("cache \(cache.shape) and new rows \(new.shape) must be [B, H, T, D]")
            }
            for k in [0, 1, 3] {
                if let a = cache.shape[k].value, let b = new.shape[k].value, a != b {
                    throw ctx.shapeError("cache \(cache.shape) and new rows \(new.shape) differ on axis \(k)")
                }
            }
            var dims = cache.shape.dims
            if let c = cache.shape[2].value, let s = new.shape[2].value { dims[2] = .value(c + s) } else { dims[2] = .unknown }
            return [TensorType(cache.dtype, Shape(dims))]
        }, work: { w in
            // Reads the new rows at their type and writes them at the cache's type (an f32 row
            // appended to an f16 cache writes half its bytes).
            let new = w.inputs.count > 1 ? w.inputs[1] : nil
            let newBytes = new?.byteCount ?? 0
            let cacheType = w.inputs.first??.dtype ?? new?.dtype
            let written = new.flatMap { n in n.shape.elementCount.flatMap { cacheType?.byteCount(elements: $0) } } ?? newBytes
            return Work(bytesRead: newBytes, bytesWritten: written)
        }),
    ]
}

enum AttentionRule {
    static func infer(_ ctx: inout InferenceContext) throws -> [TensorType] {
        let q = try ctx.input(0), k = try ctx.input(1), v = try ctx.input(2)
        if q.shape.rank == 4 {
            guard k.shape.rank == 4, v.shape.rank == 4 else {
                throw ctx.shapeError("Q \(q.shape), K \(k.shape), V \(v.shape) must all be [B, H, S, D]")
            }
            if let hq = q.shape[1].value, let hk = k.shape[1].value, hk == 0 || hq % hk != 0 {
                throw ctx.shapeError("query heads \(hq) are not a multiple of key/value heads \(hk)")
            }
            if let dq = q.shape[3].value, let dk = k.shape[3].value, dq != dk {
                throw ctx.shapeError("Q head size \(dq) ≠ K head size \(dk)")
            }
            if let a = k.shape[2].value, let b = v.shape[2].value, a != b {
                throw ctx.shapeError("K length \(a) ≠ V length \(b)")
            }
            var out = [TensorType(q.dtype, Shape([q.shape[0], q.shape[1], q.shape[2], v.shape[3]]))]
            if ctx.node.outputs.count > 1 {
                var total = k.shape[2]
                if let past = ctx.optionalInput(4) {
                    if let p = past.shape.dims.count == 4 ? past.shape[2].value : nil, let n = total.value {
                        total = ShapeMath.checked(p.addingReportingOverflow(n)).map { .value($0) } ?? .unknown
                    } else {
                        total = .unknown
                    }
                }
                out.append(TensorType(k.dtype, Shape([k.shape[0], k.shape[1], total, k.shape[3]])))
                out.append(TensorType(v.dtype, Shape([v.shape[0], v.shape[1], total, v.shape[3]])))
            }
            return Array(out.prefix(ctx.node.outputs.count))
        }
        guard q.shape.rank == 3, k.shape.rank == 3, v.shape.rank == 3 else {
            throw ctx.shapeError("Q \(q.shape), K \(k.shape), V \(v.shape) must be 4-D, or 3-D with head counts")
        }
        guard let hq = ctx.node.int("q_num_heads"), let hk = ctx.node.int("kv_num_heads"), hq > 0, hk > 0 else {
            throw ctx.attributeError("q_num_heads", "3-D attention needs q_num_heads and kv_num_heads")
        }
        if let vw = v.shape[2].value, vw % hk != 0 { throw ctx.shapeError("V width \(vw) not divisible by \(hk) heads") }
        let dv: Dim = v.shape[2].value.flatMap { ShapeMath.checked(($0 / hk).multipliedReportingOverflow(by: hq)) }.map { .value($0) } ?? .unknown
        var out = [TensorType(q.dtype, Shape([q.shape[0], q.shape[1], dv]))]
        if ctx.node.outputs.count > 1 {
            // present_key / present_value are 4-D [B, Hkv, past + S, width / Hkv] even for 3-D operands.
            if let kw = k.shape[2].value, kw % hk != 0 { throw ctx.shapeError("K width \(kw) not divisible by \(hk) heads") }
            var total = k.shape[1]
            if let past = ctx.optionalInput(4) {
                if past.shape.rank == 4, let p = past.shape[2].value, let n = total.value {
                    total = ShapeMath.checked(p.addingReportingOverflow(n)).map { .value($0) } ?? .unknown
                } else {
                    total = .unknown
                }
            }
            let perHead = { (d: Dim) -> Dim in d.value.map { .value($0 / hk) } ?? .unknown }
            out.append(TensorType(k.dtype, Shape([k.shape[0], .value(hk), total, perHead(k.shape[2])])))
            out.append(TensorType(v.dtype, Shape([v.shape[0], .value(hk), total, perHead(v.shape[2])])))
        }
        return Array(out.prefix(ctx.node.outputs.count))
    }

    static func work(_ w: WorkContext) -> Work {
        let q = w.dims(ofInput: 0), k = w.dims(ofInput: 1), v = w.dims(ofInput: 2)
        guard q.count == k.count, q.count >= 3, v.count == q.count else { return Work() }
        if q.count == 4 {
            let scores = q[0] * q[1] * q[2] * k[2]
            return Work(macs: scores * (q[3] + v[3]), otherFlops: 5 * scores)
        }
        let hq = w.node.int("q_num_heads", default: 1)
        let scores = q[0] * hq * q[1] * k[1]
        let dq = q[2] / max(1, hq), dv = v[2] / max(1, w.node.int("kv_num_heads", default: 1))
        return Work(macs: scores * (dq + dv), otherFlops: 5 * scores)
    }
}
