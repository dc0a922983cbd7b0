import EdgeIR

/// Data movement that ignores values: Reshape family (a copy unless the buffers alias), Transpose,
/// Concat, Split, Slice, Expand, Tile, DepthToSpace / SpaceToDepth. Every type works: elements are
/// moved by their byte size.
extension ReferenceKernels {
    static let layout: [OpType: KernelSpec] = [
        .reshape: KernelSpec(.plain) { _ in copyKernel() },
        .flatten: KernelSpec(.plain) { _ in copyKernel() },
        .squeeze: KernelSpec(.plain) { _ in copyKernel() },
        .unsqueeze: KernelSpec(.plain) { _ in copyKernel() },
        .transpose: KernelSpec(.plain) { try makeTranspose($0) },
        .concat: KernelSpec(.plain) { try makeConcat($0) },
        .split: KernelSpec(.plain) { try makeSplit($0) },
        .slice: KernelSpec(.plain) { try makeSlice($0) },
        "Expand": KernelSpec(.plain) { try makeExpand($0) },
        "Tile": KernelSpec(.plain) { try makeTile($0) },
        "DepthToSpace": KernelSpec(.plain) { try makeDepthSpace($0, toSpace: true) },
        "SpaceToDepth": KernelSpec(.plain) { try makeDepthSpace($0, toSpace: false) },
    ]

    /// Copies `shape`-many elements of `size` bytes from `src` (element offsets `base + Σ idx·srcStrides`)
    /// to `dst` in row-major order.
    static func stridedCopy(size: Int, dst: UnsafeMutableRawPointer, src: UnsafeRawPointer, base: Int,
                            shape: [Int], srcStrides: [Int]) {
        let total = shape.reduce(1, *)
        guard total > 0 else { return }
        if shape.isEmpty { dst.copyMemory(from: src + base * size, byteCount: size); return }
        let r = shape.count, inner = shape[r - 1], step = srcStrides[r - 1]
        var index = [Int](repeating: 0, count: r)
        var off = base, out = 0
        func run<T>(_: T.Type) {
            let d = dst.assumingMemoryBound(to: T.self), s = src.assumingMemoryBound(to: T.self)
            while true {
                if step == 1 {
                    (d + out).update(from: s + off, count: inner)
                } else {
                    for i in 0..<inner { d[out + i] = s[off + i * step] }
                }
                out += inner
                var k = r - 2
                while k >= 0 {
                    index[k] += 1
                    off += srcStrides[k]
                    if index[k] < shape[k] { break }
                    off -= srcStrides[k] * shape[k]
                    index[k] = 0
                    k -= 1
                }
                if k < 0 { return }
            }
        }
        switch size {
        case 1: run(UInt8.self)
        case 2: run(UInt16.self)
        case 4: run(UInt32.self)
        case 8: run(UInt64.self)
        default: for _ in 0..<0 {}
        }
    }

    static func elementSize(_ ctx: KernelContext) throws -> Int {
        guard let dt = ctx.inputType(0), elementType(dt) != nil || dt == .bfloat16 else {
            throw ctx.unsupported("\(ctx.inputType(0)?.rawValue ?? "?") tensors")
        }
        return dt.bytesPerBlock
    }

    static func makeTranspose(_ ctx: KernelContext) throws -> Kernel {
        let es = try elementSize(ctx)
        let x = ctx.inputShape(0)
        let perm = ctx.node.ints("perm") ?? Array((0..<x.count).reversed())
        guard perm.count == x.count, Set(perm) == Set(0..<x.count) else { throw ctx.unsupported("perm \(perm)") }
        let st = strides(x)
        let outShape = perm.map { x[$0] }, srcStrides = perm.map { st[$0] }
        return ClosureKernel { ins, outs in
            stridedCopy(size: es, dst: outs[0].data, src: ins[0].data, base: 0, shape: outShape, srcStrides: srcStrides)
        }
    }

    static func makeConcat(_ ctx: KernelContext) throws -> Kernel {
        let es = try elementSize(ctx)
        let y = ctx.outputShape(0)
        guard let axis = normalizedAxis(ctx.node.int("axis", default: 0), rank: y.count) else { throw ctx.unsupported("axis") }
        let outer = y[..<axis].reduce(1, *), inner = y[(axis + 1)...].reduce(1, *)
        let lens = (0..<ctx.inputCount).map { ctx.hasInput($0) ? (ctx.inputShape($0).count > axis ? ctx.inputShape($0)[axis] : 0) : 0 }
        let rowBytes = y[axis] * inner * es
        return ClosureKernel { ins, outs in
            var start = 0
            for (k, len) in lens.enumerated() where len > 0 {
                let chunk = len * inner * es
                for o in 0..<outer {
                    (outs[0].data + o * rowBytes + start).copyMemory(from: ins[k].data + o * chunk, byteCount: chunk)
                }
                start += chunk
            }
        }
    }

    static func makeSplit(_ ctx: KernelContext) throws -> Kernel {
        let es = try elementSize(ctx)
        let x = ctx.inputShape(0)
        guard let axis = normalizedAxis(ctx.node.int("axis", default: 0), rank: x.count) else { throw ctx.unsupported("axis") }
        let outer = x[..<axis].reduce(1, *), inner = x[(axis + 1)...].reduce(1, *)
        let lens = ctx.outputTypes.map { $0.shape.values?[axis] ?? 0 }
        let rowBytes = x[axis] * inner * es
        return ClosureKernel { ins, outs in
            var start = 0
            for (k, len) in lens.enumerated() {
                let chunk = len * inner * es
                if k < outs.count, chunk > 0 {
                    for o in 0..<outer { (outs[k].data + o * chunk).copyMemory(from: ins[0].data + o * rowBytes + start, byteCount: chunk) }
                }
                start += chunk
            }
        }
    }

    /// Slice's per-axis (start, step) after clamping, from inputs (opset ≥ 10) or attributes.
    static func sliceParameters(_ ctx: KernelContext, shape x: [Int]) throws -> [(start: Int, step: Int)] {
        let starts: [Int], ends: [Int], axes: [Int]?, steps: [Int]?
        if ctx.inputCount > 1 {
            guard let s = ctx.ints(1), let e = ctx.ints(2) else { throw ctx.unsupported("starts/ends must be known when the plan is specialised") }
            starts = s
            ends = e
            axes = ctx.hasInput(3) ? ctx.ints(3) : nil
            steps = ctx.hasInput(4) ? ctx.ints(4) : nil
            if (ctx.hasInput(3) && axes == nil) || (ctx.hasInput(4) && steps == nil) { throw ctx.unsupported("axes/steps must be known") }
        } else {
            starts = ctx.node.ints("starts") ?? []
            ends = ctx.node.ints("ends") ?? []
            axes = ctx.node.ints("axes")
            steps = nil
        }
        var out = x.map { _ in (start: 0, step: 1) }
        for (k, a) in (axes ?? Array(0..<starts.count)).enumerated() {
            guard let axis = normalizedAxis(a, rank: x.count), k < starts.count, k < ends.count else { throw ctx.unsupported("axes") }
            let step = steps.map { $0[k] } ?? 1
            guard step != 0 else { throw ctx.unsupported("step 0") }
            let dim = x[axis]
            var s = starts[k]
            if s < 0 { s += dim }
            s = step > 0 ? Swift.min(Swift.max(s, 0), dim) : Swift.min(Swift.max(s, -1), dim - 1)
            out[axis] = (s, step)
        }
        return out
    }

    static func makeSlice(_ ctx: KernelContext) throws -> Kernel {
        let es = try elementSize(ctx)
        let x = ctx.inputShape(0), y = ctx.outputShape(0)
        let params = try sliceParameters(ctx, shape: x)
        let st = strides(x)
        let base = zip(params, st).reduce(0) { $0 + Swift.max($1.0.start, 0) * $1.1 }
        let srcStrides = zip(params, st).map { $0.step * $1 }
        return ClosureKernel { ins, outs in
            stridedCopy(size: es, dst: outs[0].data, src: ins[0].data, base: base, shape: y, srcStrides: srcStrides)
        }
    }

    static func makeExpand(_ ctx: KernelContext) throws -> Kernel {
        let es = try elementSize(ctx)
        let x = ctx.inputShape(0), y = ctx.outputShape(0)
        let padded = Array(repeating: 1, count: y.count - x.count) + x
        let st = strides(padded)
        let srcStrides = (0..<y.count).map { padded[$0] == 1 ? 0 : st[$0] }
        return ClosureKernel { ins, outs in
            stridedCopy(size: es, dst: outs[0].data, src: ins[0].data, base: 0, shape: y, srcStrides: srcStrides)
        }
    }

    /// Tile: each output axis of length `reps·n` reads input index `i mod n`: one strided copy over a
    /// doubled shape `[reps, n]` per axis with strides `[0, stride]`.
    static func makeTile(_ ctx: KernelContext) throws -> Kernel {
        let es = try elementSize(ctx)
        let x = ctx.inputShape(0), y = ctx.outputShape(0)
        let reps = zip(y, x).map { $1 == 0 ? 0 : $0 / $1 }
        let st = strides(x)
        var shape: [Int] = [], srcStrides: [Int] = []
        for k in 0..<x.count {
            shape += [reps[k], x[k]]
            srcStrides += [0, st[k]]
        }
        // Row-major order over [r0, n0, r1, n1, …] is the output's order over [r0·n0 + i0, …].
        return ClosureKernel { ins, outs in
            stridedCopy(size: es, dst: outs[0].data, src: ins[0].data, base: 0, shape: shape, srcStrides: srcStrides)
        }
    }

    /// DepthToSpace (DCR or CRD) and SpaceToDepth, NCHW or NHWC (TFLite, DCR).
    static func makeDepthSpace(_ ctx: KernelContext, toSpace: Bool) throws -> Kernel {
        let es = try elementSize(ctx)
        let b = ctx.node.int("blocksize", default: 1)
        let nhwc = ctx.node.string("layout") == "NHWC"
        let x = ctx.inputShape(0), y = ctx.outputShape(0)
        guard x.count == 4 else { throw ctx.unsupported("rank \(x.count)") }
        let crd = ctx.node.string("mode") == "CRD"
        // Express as a reshape to 6-D, a transpose, and a reshape back.
        let (n, c, h, w) = nhwc ? (x[0], x[3], x[1], x[2]) : (x[0], x[1], x[2], x[3])
        var six: [Int], perm: [Int]
        if toSpace {
            let co = c / (b * b)
            if nhwc {
                six = [n, h, w, b, b, co]; perm = [0, 1, 3, 2, 4, 5]
            } else if crd {
                six = [n, co, b, b, h, w]; perm = [0, 1, 4, 2, 5, 3]
            } else {
                six = [n, b, b, co, h, w]; perm = [0, 3, 4, 1, 5, 2]
            }
        } else {
            let (ho, wo) = (h / b, w / b)
            if nhwc {
                six = [n, ho, b, wo, b, c]; perm = [0, 1, 3, 2, 4, 5]
            } else {
                six = [n, c, ho, b, wo, b]; perm = [0, 3, 5, 1, 2, 4]
            }
        }
        let st = strides(six)
        let outShape = perm.map { six[$0] }, srcStrides = perm.map { st[$0] }
        _ = y
        return ClosureKernel { ins, outs in
            stridedCopy(size: es, dst: outs[0].data, src: ins[0].data, base: 0, shape: outShape, srcStrides: srcStrides)
        }
    }
}
