/// Concat, Split, Slice, Gather, Embedding, Pad, TopK and the data-dependent selectors.
extension OpRegistry {
    static let indexingSchemas: [OpSchema] = [
        OpSchema(.concat, infer: { ctx in
            let first = try ctx.input(0)
            let a = ctx.node.int("axis", default: 0)
            guard let axis = first.shape.axis(a) else { throw ctx.attributeError("axis", "\(a) out of range for \(first.shape)") }
            var dims = first.shape.dims
            var total: Int? = first.shape[axis].value
            var values: [Int64]? = ctx.value(0)
            for i in 1..<max(1, ctx.inputCount) {
                let t = try ctx.input(i)
                guard t.shape.rank == first.shape.rank else {
                    throw ctx.shapeError("input \(i) \(t.shape) has rank \(t.shape.rank), input 0 \(first.shape) has \(first.shape.rank)")
                }
                for k in 0..<dims.count where k != axis {
                    if let x = dims[k].value, let y = t.shape[k].value, x != y {
                        throw ctx.shapeError("input \(i) \(t.shape) differs from \(first.shape) on axis \(k)")
                    }
                    if dims[k].isSymbolic, !t.shape[k].isSymbolic { dims[k] = t.shape[k] }
                }
                if let s = total, let v = t.shape[axis].value, case (let sum, false) = s.addingReportingOverflow(v) {
                    total = sum
                } else {
                    total = nil
                }
                if let v = values, let w = ctx.value(i) { values = v + w } else { values = nil }
            }
            dims[axis] = total.map { .value($0) } ?? .unknown
            if first.shape.rank == 1, let values, values.count <= 64 { ctx.outputValues[0] = values }
            return [TensorType(first.dtype, Shape(dims))]
        }),
        OpSchema(.split, nonParameterInputs: [1], infer: { ctx in
            let x = try ctx.input(0)
            let a = ctx.node.int("axis", default: 0)
            guard let axis = x.shape.axis(a) else { throw ctx.attributeError("axis", "\(a) out of range for \(x.shape)") }
            let n = ctx.node.outputs.count
            guard n >= 1 else { throw IRError.arity(node: ctx.node.name, op: ctx.node.op, detail: "no outputs") }
            var sizes: [Dim]
            if let s = ctx.value(1) ?? ctx.node.ints("split").map({ $0.map(Int64.init) }) {
                guard s.count == n, s.allSatisfy({ $0 >= 0 }) else {
                    throw ctx.shapeError("split sizes \(s) do not match \(n) outputs")
                }
                let sum = s.reduce((0 as Int64, false)) { acc, v in
                    let r = acc.0.addingReportingOverflow(v)
                    return (r.partialValue, acc.1 || r.overflow)
                }
                if let len = x.shape[axis].value, sum.1 || sum.0 != Int64(len) {
                    throw ctx.shapeError("split sizes \(s) do not sum to axis length \(len)")
                }
                sizes = s.map { .value(Int($0)) }
            } else if ctx.optionalInput(1) != nil {
                // Sizes given by a value not known statically: unknown, not an equal split.
                sizes = Array(repeating: .unknown, count: n)
            } else if let len = x.shape[axis].value {
                let parts = max(1, ctx.node.int("num_outputs", default: n))
                let chunk = len / parts + (len % parts == 0 ? 0 : 1)  // ⌈len / parts⌉ without overflow
                sizes = (0..<n).map { i in
                    let (used, o) = i.multipliedReportingOverflow(by: chunk)
                    return .value(o || used >= len ? 0 : min(chunk, len - used))
                }
            } else {
                sizes = Array(repeating: .unknown, count: n)
            }
            return sizes.map { d in
                var dims = x.shape.dims
                dims[axis] = d
                return TensorType(x.dtype, Shape(dims))
            }
        }),
        OpSchema(.slice, nonParameterInputs: [1, 2, 3, 4], infer: { ctx in
            let x = try ctx.input(0)
            let starts = ctx.value(1) ?? ctx.node.ints("starts").map { $0.map(Int64.init) }
            let ends = ctx.value(2) ?? ctx.node.ints("ends").map { $0.map(Int64.init) }
            guard let starts, let ends, starts.count == ends.count else {
                if let d = ctx.declaredOutputs.first ?? nil { return [TensorType(x.dtype, d.shape)] }
                return [TensorType(x.dtype, Shape(Array(repeating: Dim.unknown, count: x.shape.rank)))]
            }
            let axes = ctx.value(3) ?? ctx.node.ints("axes").map { $0.map(Int64.init) } ?? (0..<starts.count).map(Int64.init)
            let steps = ctx.value(4) ?? Array(repeating: 1, count: starts.count)
            guard axes.count == starts.count, steps.count == starts.count else {
                throw ctx.shapeError("starts, ends, axes and steps have different lengths")
            }
            var dims = x.shape.dims
            var valueRange: (Int, Int, Int)?
            for k in 0..<starts.count {
                guard let axis = x.shape.axis(Int(clamping: axes[k])) else { throw ctx.shapeError("axis \(axes[k]) out of range for \(x.shape)") }
                guard steps[k] != 0 else { throw ctx.shapeError("step 0 on axis \(axis)") }
                guard let len = x.shape[axis].value else { dims[axis] = .unknown; continue }
                let (s, e, st) = SliceRule.clamp(start: starts[k], end: ends[k], step: steps[k], length: len)
                // ⌈|e − s| / |step|⌉ without forming e − s + step (a file's step can be ±2⁶³).
                let count = st > 0 ? (e > s ? Int(UInt(e - s - 1) / st.magnitude) + 1 : 0)
                                   : (s > e ? Int(UInt(s - e - 1) / st.magnitude) + 1 : 0)
                dims[axis] = .value(count)
                if x.shape.rank == 1 { valueRange = (s, st, count) }
            }
            if let v = ctx.value(0), let (s, st, count) = valueRange {
                ctx.outputValues[0] = (0..<count).compactMap { i in
                    let j = s + i * st
                    return j >= 0 && j < v.count ? v[j] : nil
                }
            }
            return [TensorType(x.dtype, Shape(dims))]
        }, work: { w in
            // A partial read, like Gather: only the selected elements are read (a position table's
            // first rows, a prompt's last token), not the whole input.
            Work(bytesRead: w.outputs.first?.byteCount ?? 0)
        }),
        OpSchema(.gather, nonParameterInputs: [1], infer: { ctx in
            let data = try ctx.input(0), idx = try ctx.input(1)
            let a = ctx.node.int("axis", default: 0)
            guard let axis = data.shape.axis(a) else { throw ctx.attributeError("axis", "\(a) out of range for \(data.shape)") }
            let dims = Array(data.shape.dims[..<axis]) + idx.shape.dims + Array(data.shape.dims[(axis + 1)...])
            if data.shape.rank == 1, let v = ctx.value(0), let ix = ctx.value(1) {
                ctx.outputValues[0] = ix.compactMap { i in
                    let j = Int(i < 0 ? i + Int64(v.count) : i)
                    return j >= 0 && j < v.count ? v[j] : nil
                }
            }
            return [TensorType(data.dtype, Shape(dims))]
        }, work: { w in Work(bytesRead: (w.outputs.first?.byteCount ?? 0) + (w.inputs.count > 1 ? (w.inputs[1]?.byteCount ?? 0) : 0)) }),
        OpSchema(.embedding, nonParameterInputs: [], infer: { ctx in
            // Embedding(ids, table[V, D]) → ids.shape + [D]; reads only the selected rows.
            let ids = try ctx.input(0), table = try ctx.input(1)
            guard table.shape.rank == 2 else { throw ctx.shapeError("table \(table.shape) must be [vocabulary, dim]") }
            return [TensorType(table.dtype.isBlockFormat ? .float32 : table.dtype, Shape(ids.shape.dims + [table.shape[1]]))]
        }, work: { w in
            let rows = w.elements(ofInput: 0)
            let t = w.inputs.count > 1 ? w.inputs[1] : nil
            let rowBytes = t.flatMap { t in t.shape.values.flatMap { v in v.count == 2 ? t.dtype.byteCount(elements: v[1]) : nil } } ?? 0
            return Work(bytesRead: rows * rowBytes + (w.inputs.first??.byteCount ?? 0))
        }),
        OpSchema("GatherElements", nonParameterInputs: [1], infer: { ctx in
            let data = try ctx.input(0), idx = try ctx.input(1)
            return [TensorType(data.dtype, idx.shape)]
        }),
        OpSchema("ScatterND", infer: { ctx in
            let data = try ctx.input(0)
            return [TensorType(data.dtype, data.shape)]
        }),
        OpSchema("ScatterElements", infer: { ctx in
            let data = try ctx.input(0)
            return [TensorType(data.dtype, data.shape)]
        }),
        OpSchema(.pad, nonParameterInputs: [1, 2, 3], infer: { ctx in
            let x = try ctx.input(0)
            guard let pads = ctx.value(1) ?? ctx.node.ints("pads").map({ $0.map(Int64.init) }) else {
                return [TensorType(x.dtype, Shape(Array(repeating: Dim.unknown, count: x.shape.rank)))]
            }
            let axes: [Int]
            if let ax = ctx.value(3) {
                axes = try ax.map { a in
                    guard let n = x.shape.axis(Int(clamping: a)) else { throw ctx.shapeError("axis \(a) out of range") }
                    return n
                }
            } else {
                axes = Array(0..<x.shape.rank)
            }
            guard pads.count == 2 * axes.count else {
                throw ctx.shapeError("pads has \(pads.count) values, expected \(2 * axes.count)")
            }
            var dims = x.shape.dims
            for (k, a) in axes.enumerated() {
                guard let v = dims[a].value else { continue }
                let n = Int64(v) + pads[k] + pads[k + axes.count]
                guard n >= 0 else { throw ctx.shapeError("padding \(pads) makes axis \(a) negative") }
                dims[a] = .value(Int(n))
            }
            return [TensorType(x.dtype, Shape(dims))]
        }),
        OpSchema("TopK", nonParameterInputs: [1], infer: { ctx in
            let x = try ctx.input(0)
            let a = ctx.node.int("axis", default: -1)
            guard let axis = x.shape.axis(a) else { throw ctx.attributeError("axis", "\(a) out of range") }
            var dims = x.shape.dims
            dims[axis] = ctx.value(1)?.first.map { .value(Int($0)) } ?? ctx.node.int("k").map { .value($0) } ?? .unknown
            return [TensorType(x.dtype, Shape(dims)), TensorType(.int64, Shape(dims))]
        }),
        OpSchema("NonZero", infer: { ctx in
            let x = try ctx.input(0)
            return [TensorType(.int64, Shape([.value(x.shape.rank), .symbol("nonzero")]))]
        }),
        OpSchema("NonMaxSuppression", nonParameterInputs: [2, 3, 4], infer: { _ in
            [TensorType(.int64, Shape([.symbol("selected"), 3]))]
        }),
    ]
}

enum SliceRule {
    /// ONNX Slice clamping of start/end for one axis: (start, end, step) in index space.
    static func clamp(start: Int64, end: Int64, step: Int64, length: Int) -> (Int, Int, Int) {
        let n = Int64(length)
        func norm(_ v: Int64) -> Int64 { v < 0 ? v &+ n : v }
        var s = norm(start), e = norm(end)
        if step > 0 {
            s = min(max(s, 0), n)
            e = min(max(e, 0), n)
        } else {
            s = min(max(s, -1), n - 1)
            e = min(max(e, -1), n - 1)
        }
        let st = Int(clamping: step)
        return (Int(s), Int(e), st)
    }
}
