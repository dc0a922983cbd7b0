import EdgeIR

/// Pad: constant, reflect, edge and wrap modes; pads from the second input (opset ≥ 11, with optional
/// `axes` from 18) or the attribute (older); negative pads crop.
extension ReferenceKernels {
    static let movement: [OpType: KernelSpec] = [
        .pad: KernelSpec(.plain) { try makePad($0) },
    ]

    static func makePad(_ ctx: KernelContext) throws -> Kernel {
        let es = try elementSize(ctx)
        let x = ctx.inputShape(0), y = ctx.outputShape(0)
        let r = x.count
        var pads: [Int]
        if ctx.inputCount > 1 && ctx.hasInput(1) {
            guard let p = ctx.ints(1) else { throw ctx.unsupported("pads must be known when the plan is specialised") }
            pads = p
        } else {
            pads = ctx.node.ints("pads") ?? []
        }
        if ctx.hasInput(3) {
            guard let axes = ctx.ints(3) else { throw ctx.unsupported("axes must be known") }
            var full = [Int](repeating: 0, count: 2 * r)
            for (k, a) in axes.enumerated() {
                guard let ax = normalizedAxis(a, rank: r), k + axes.count < pads.count + 1 else { throw ctx.unsupported("axes") }
                full[ax] = pads[k]
                full[ax + r] = pads[k + axes.count]
            }
            pads = full
        }
        guard pads.count == 2 * r else { throw ctx.unsupported("pads \(pads) for rank \(r)") }
        let mode = ctx.node.string("mode") ?? "constant"
        guard ["constant", "reflect", "edge", "wrap"].contains(mode) else { throw ctx.unsupported("mode \(mode)") }
        let attrValue = ctx.node.float("value", default: 0)
        let hasValue = ctx.hasInput(2)
        let xs = strides(x)
        // For each output axis, the input index of every output position (−1 = padding).
        var maps: [[Int]] = []
        for k in 0..<r {
            let n = x[k], before = pads[k]
            maps.append((0..<y[k]).map { o in
                var i = o - before
                if i >= 0 && i < n { return i }
                if n == 0 { return -1 }
                switch mode {
                case "edge": i = Swift.min(Swift.max(i, 0), n - 1)
                case "wrap": i = ((i % n) + n) % n
                case "reflect":
                    if n == 1 { i = 0 } else {
                        let period = 2 * (n - 1)
                        i = ((i % period) + period) % period
                        if i >= n { i = period - i }
                    }
                default: return -1
                }
                return i
            })
        }
        return ClosureKernel { ins, outs in
            let fill = HostTensor(dtype: outs[0].dtype, shape: [1])
            store(hasValue && ins[2].count > 0 ? ins[2].double(at: 0) : attrValue, fill.ref, 0)
            let total = outs[0].count
            guard total > 0 else { return }
            var index = [Int](repeating: 0, count: r)
            for o in 0..<total {
                var src = 0, inside = true
                for k in 0..<r {
                    let i = maps[k][index[k]]
                    if i < 0 { inside = false; break }
                    src += i * xs[k]
                }
                (outs[0].data + o * es).copyMemory(from: inside ? ins[0].data + src * es : fill.storage.pointer, byteCount: es)
                var k = r - 1
                while k >= 0 {
                    index[k] += 1
                    if index[k] < y[k] { break }
                    index[k] = 0
                    k -= 1
                }
            }
        }
    }
}
