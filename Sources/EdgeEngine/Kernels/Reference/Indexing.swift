import EdgeIR

/// Gather, GatherElements, GatherND, ScatterElements, ScatterND, OneHot, NonZero, TopK, Trilu, CumSum.
///
/// Indices may be negative (counted from the end); an index out of range is a ``KernelFailure``
/// naming it, never a read outside the tensor.
extension ReferenceKernels {
    static let indexing: [OpType: KernelSpec] = [
        .gather: KernelSpec(.plain) { try makeGather($0) },
        "GatherElements": KernelSpec(.plain) { try makeGatherElements($0) },
        "GatherND": KernelSpec(.plain) { try makeGatherND($0) },
        "ScatterElements": KernelSpec(.plain) { try makeScatterElements($0) },
        "ScatterND": KernelSpec(.plain) { try makeScatterND($0) },
        "OneHot": KernelSpec(.plain) { try makeOneHot($0) },
        "NonZero": KernelSpec(.plain, sizesOutputs: true) { _ in
            AllocatingKernel { ins in
                let x = ins[0], r = x.rank, st = strides(x.shape)
                var hits: [Int] = []
                for i in 0..<x.count where x.double(at: i) != 0 { hits.append(i) }
                let out = HostTensor(dtype: .int64, shape: [r, hits.count])
                for (j, h) in hits.enumerated() {
                    var rem = h
                    for k in 0..<r { out.ref.i64()[k * hits.count + j] = Int64(rem / st[k]); rem %= st[k] }
                }
                return [out]
            }
        },
        "TopK": KernelSpec(.numeric, sizesOutputs: true) { try makeTopK($0) },
        "Trilu": KernelSpec(.plain) { try makeTrilu($0) },
        "CumSum": KernelSpec(.numeric) { try makeCumSum($0) },
    ]

    /// Reads index `i` of an int32/int64 tensor, resolving negatives against `bound`.
    @inline(__always) static func index(_ t: TensorRef, _ i: Int, bound: Int) throws -> Int {
        var v = t.dtype == .int64 ? Int(t.i64()[i]) : Int(t.i32()[i])
        if v < 0 { v += bound }
        guard v >= 0 && v < bound else { throw KernelFailure("index \(v < 0 ? v - bound : v) out of range for axis of size \(bound)") }
        return v
    }

    static func requireIndices(_ ctx: KernelContext, _ i: Int) throws {
        guard let t = ctx.inputType(i), t == .int64 || t == .int32 else { throw ctx.unsupported("indices must be int32 or int64") }
    }

    static func makeGather(_ ctx: KernelContext) throws -> Kernel {
        let es = try elementSize(ctx)
        try requireIndices(ctx, 1)
        let x = ctx.inputShape(0)
        guard let axis = normalizedAxis(ctx.node.int("axis", default: 0), rank: x.count) else { throw ctx.unsupported("axis") }
        let outer = x[..<axis].reduce(1, *), n = x[axis], inner = x[(axis + 1)...].reduce(1, *)
        let chunk = inner * es
        return ClosureKernel { ins, outs in
            let idx = ins[1], m = idx.count
            for o in 0..<outer {
                for j in 0..<m {
                    let k = try index(idx, j, bound: n)
                    (outs[0].data + (o * m + j) * chunk).copyMemory(from: ins[0].data + (o * n + k) * chunk, byteCount: chunk)
                }
            }
        }
    }

    static func makeGatherElements(_ ctx: KernelContext) throws -> Kernel {
        let es = try elementSize(ctx)
        try requireIndices(ctx, 1)
        let x = ctx.inputShape(0), ishape = ctx.inputShape(1)
        guard let axis = normalizedAxis(ctx.node.int("axis", default: 0), rank: x.count) else { throw ctx.unsupported("axis") }
        let xs = strides(x), ist = strides(ishape)
        return ClosureKernel { ins, outs in
            for i in 0..<ins[1].count {
                var rem = i, src = 0
                for k in 0..<ishape.count {
                    let c = rem / ist[k]; rem %= ist[k]
                    src += (k == axis ? try index(ins[1], i, bound: x[axis]) : c) * xs[k]
                }
                (outs[0].data + i * es).copyMemory(from: ins[0].data + src * es, byteCount: es)
            }
        }
    }

    static func makeGatherND(_ ctx: KernelContext) throws -> Kernel {
        let es = try elementSize(ctx)
        guard ctx.inputType(1) == .int64 else { throw ctx.unsupported("indices must be int64") }
        let x = ctx.inputShape(0), ishape = ctx.inputShape(1)
        let b = ctx.node.int("batch_dims", default: 0)
        let q = ishape.last ?? 0
        let batch = x[..<b].reduce(1, *)
        let perBatchIdx = ishape[b..<(ishape.count - 1)].reduce(1, *)
        let sliceShape = Array(x[(b + q)...]), slice = sliceShape.reduce(1, *)
        let xb = x[b...].reduce(1, *)
        let xs = strides(Array(x[b...]))
        return ClosureKernel { ins, outs in
            let I = ins[1].i64()
            for bi in 0..<batch {
                for j in 0..<perBatchIdx {
                    var src = 0
                    for k in 0..<q {
                        var v = Int(I[(bi * perBatchIdx + j) * q + k])
                        if v < 0 { v += x[b + k] }
                        guard v >= 0 && v < x[b + k] else { throw KernelFailure("GatherND index out of range") }
                        src += v * xs[k]
                    }
                    (outs[0].data + (bi * perBatchIdx + j) * slice * es)
                        .copyMemory(from: ins[0].data + (bi * xb + src) * es, byteCount: slice * es)
                }
            }
        }
    }

    enum ScatterReduction: String { case none, add, mul, max, min }

    @inline(__always) static func combine(_ r: ScatterReduction, _ old: Double, _ new: Double) -> Double {
        switch r {
        case .none: return new
        case .add: return old + new
        case .mul: return old * new
        case .max: return Swift.max(old, new)
        case .min: return Swift.min(old, new)
        }
    }

    static func makeScatterElements(_ ctx: KernelContext) throws -> Kernel {
        let es = try elementSize(ctx)
        try requireIndices(ctx, 1)
        let x = ctx.inputShape(0), ishape = ctx.inputShape(1)
        guard let axis = normalizedAxis(ctx.node.int("axis", default: 0), rank: x.count),
              let red = ScatterReduction(rawValue: ctx.node.string("reduction") ?? "none") else { throw ctx.unsupported("axis/reduction") }
        let xs = strides(x), ist = strides(ishape)
        return ClosureKernel { ins, outs in
            outs[0].data.copyMemory(from: ins[0].data, byteCount: ins[0].byteCount)
            for i in 0..<ins[1].count {
                var rem = i, dst = 0
                for k in 0..<ishape.count {
                    let c = rem / ist[k]; rem %= ist[k]
                    dst += (k == axis ? try index(ins[1], i, bound: x[axis]) : c) * xs[k]
                }
                if red == .none {
                    (outs[0].data + dst * es).copyMemory(from: ins[2].data + i * es, byteCount: es)
                } else {
                    store(combine(red, outs[0].double(at: dst), ins[2].double(at: i)), outs[0], dst)
                }
            }
        }
    }

    static func makeScatterND(_ ctx: KernelContext) throws -> Kernel {
        let es = try elementSize(ctx)
        guard ctx.inputType(1) == .int64, let red = ScatterReduction(rawValue: ctx.node.string("reduction") ?? "none") else {
            throw ctx.unsupported("indices must be int64")
        }
        let x = ctx.inputShape(0), ishape = ctx.inputShape(1)
        let q = ishape.last ?? 0, updates = ishape.dropLast().reduce(1, *)
        let slice = x[q...].reduce(1, *)
        let xs = strides(x)
        return ClosureKernel { ins, outs in
            outs[0].data.copyMemory(from: ins[0].data, byteCount: ins[0].byteCount)
            let I = ins[1].i64()
            for u in 0..<updates {
                var dst = 0
                for k in 0..<q {
                    var v = Int(I[u * q + k])
                    if v < 0 { v += x[k] }
                    guard v >= 0 && v < x[k] else { throw KernelFailure("ScatterND index out of range") }
                    dst += v * xs[k]
                }
                for e in 0..<slice {
                    if red == .none {
                        (outs[0].data + (dst + e) * es).copyMemory(from: ins[2].data + (u * slice + e) * es, byteCount: es)
                    } else {
                        store(combine(red, outs[0].double(at: dst + e), ins[2].double(at: u * slice + e)), outs[0], dst + e)
                    }
                }
            }
        }
    }

    static func makeOneHot(_ ctx: KernelContext) throws -> Kernel {
        let ishape = ctx.inputShape(0), y = ctx.outputShape(0)
        guard let axis = normalizedAxis(ctx.node.int("axis", default: -1), rank: y.count) else { throw ctx.unsupported("axis") }
        let depth = y[axis]
        let outer = ishape[..<axis].reduce(1, *), inner = ishape[axis...].reduce(1, *)
        return ClosureKernel { ins, outs in
            let off = ins[2].double(at: 0), on = ins[2].double(at: 1)
            for i in 0..<outs[0].count { store(off, outs[0], i) }
            for o in 0..<outer {
                for i in 0..<inner {
                    var v = Int(ins[0].double(at: o * inner + i))
                    if v < 0 { v += depth }
                    if v >= 0 && v < depth { store(on, outs[0], (o * depth + v) * inner + i) }
                }
            }
        }
    }

    static func makeTopK(_ ctx: KernelContext) throws -> Kernel {
        let x = ctx.inputShape(0)
        guard let axis = normalizedAxis(ctx.node.int("axis", default: -1), rank: x.count) else { throw ctx.unsupported("axis") }
        let largest = ctx.node.int("largest", default: 1) != 0
        let outer = x[..<axis].reduce(1, *), len = x[axis], inner = x[(axis + 1)...].reduce(1, *)
        return AllocatingKernel { ins in
            let k = try ins[1].integers()?.first ?? { throw KernelFailure("k missing") }()
            guard k >= 0, k <= len else { throw KernelFailure("k = \(k) for an axis of \(len)") }
            var shape = x
            shape[axis] = k
            let values = HostTensor(dtype: ins[0].dtype, shape: shape), indices = HostTensor(dtype: .int64, shape: shape)
            for o in 0..<outer {
                for i in 0..<inner {
                    let order = (0..<len).sorted { a, b in
                        let va = ins[0].double(at: (o * len + a) * inner + i), vb = ins[0].double(at: (o * len + b) * inner + i)
                        if va != vb { return largest ? va > vb : va < vb }
                        return a < b
                    }
                    for j in 0..<k {
                        let src = (o * len + order[j]) * inner + i, dst = (o * k + j) * inner + i
                        let es = ins[0].dtype.bytesPerBlock
                        (values.storage.pointer + dst * es).copyMemory(from: ins[0].data + src * es, byteCount: es)
                        indices.ref.i64()[dst] = Int64(order[j])
                    }
                }
            }
            return [values, indices]
        }
    }

    static func makeTrilu(_ ctx: KernelContext) throws -> Kernel {
        let es = try elementSize(ctx)
        let x = ctx.inputShape(0)
        guard x.count >= 2 else { throw ctx.unsupported("rank < 2") }
        let upper = ctx.node.int("upper", default: 1) != 0
        let (rows, cols) = (x[x.count - 2], x[x.count - 1])
        let mats = x.dropLast(2).reduce(1, *)
        return ClosureKernel { ins, outs in
            let k = ctx.hasInput(1) ? Int(ins[1].double(at: 0)) : 0
            for m in 0..<mats { for r in 0..<rows { for c in 0..<cols {
                let i = (m * rows + r) * cols + c
                let keep = upper ? c - r >= k : c - r <= k
                if keep { (outs[0].data + i * es).copyMemory(from: ins[0].data + i * es, byteCount: es) } else {
                    (outs[0].data + i * es).initializeMemory(as: UInt8.self, repeating: 0, count: es)
                }
            } } }
        }
    }

    static func makeCumSum(_ ctx: KernelContext) throws -> Kernel {
        let x = ctx.inputShape(0)
        let exclusive = ctx.node.int("exclusive", default: 0) != 0, reverse = ctx.node.int("reverse", default: 0) != 0
        return ClosureKernel { ins, outs in
            guard let a = normalizedAxis(Int(ins[1].double(at: 0)), rank: x.count) else { throw KernelFailure("axis out of range") }
            let outer = x[..<a].reduce(1, *), len = x[a], inner = x[(a + 1)...].reduce(1, *)
            for o in 0..<outer { for i in 0..<inner {
                var acc = 0.0
                for step in 0..<len {
                    let k = reverse ? len - 1 - step : step
                    let j = (o * len + k) * inner + i
                    let v = ins[0].double(at: j)
                    if exclusive { store(acc, outs[0], j); acc += v } else { acc += v; store(acc, outs[0], j) }
                }
            } }
        }
    }
}
