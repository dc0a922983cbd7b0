import EdgeIR
import Foundation

/// Reduce* (axes from the attribute in older opsets or the second input, `keepdims`,
/// `noop_with_empty_axes`) and ArgMax / ArgMin (`select_last_index`), accumulating in Double.
extension ReferenceKernels {
    enum Reduction: Sendable { case sum, mean, max, min, prod, l1, l2, logSum, logSumExp, sumSquare }

    static let reductions: [OpType: KernelSpec] = [
        "ReduceSum": KernelSpec(.numeric) { try makeReduce($0, .sum) },
        "ReduceMean": KernelSpec(.numeric) { try makeReduce($0, .mean) },
        "ReduceMax": KernelSpec(.numeric.union([.bool])) { try makeReduce($0, .max) },
        "ReduceMin": KernelSpec(.numeric.union([.bool])) { try makeReduce($0, .min) },
        "ReduceProd": KernelSpec(.numeric) { try makeReduce($0, .prod) },
        "ReduceL1": KernelSpec(.numeric) { try makeReduce($0, .l1) },
        "ReduceL2": KernelSpec(.numeric) { try makeReduce($0, .l2) },
        "ReduceLogSum": KernelSpec(.floats) { try makeReduce($0, .logSum) },
        "ReduceLogSumExp": KernelSpec(.floats) { try makeReduce($0, .logSumExp) },
        "ReduceSumSquare": KernelSpec(.numeric) { try makeReduce($0, .sumSquare) },
        "ArgMax": KernelSpec(.numeric) { try makeArg($0, max: true) },
        "ArgMin": KernelSpec(.numeric) { try makeArg($0, max: false) },
    ]

    /// The reduced axes of a Reduce node, or nil for "none" (noop_with_empty_axes).
    static func reducedAxes(_ ctx: KernelContext, rank: Int) throws -> Set<Int>? {
        var axes: [Int]
        if ctx.hasInput(1) {
            guard let a = ctx.ints(1) else { throw ctx.unsupported("axes must be known when the plan is specialised") }
            axes = a
        } else {
            axes = ctx.node.ints("axes") ?? []
        }
        if axes.isEmpty {
            if ctx.node.int("noop_with_empty_axes", default: 0) != 0 { return nil }
            return Set(0..<rank)
        }
        var out = Set<Int>()
        for a in axes {
            guard let n = normalizedAxis(a, rank: rank) else { throw ctx.unsupported("axis \(a) for rank \(rank)") }
            out.insert(n)
        }
        return out
    }

    static func makeReduce(_ ctx: KernelContext, _ kind: Reduction) throws -> Kernel {
        let x = ctx.inputShape(0)
        guard let axes = try reducedAxes(ctx, rank: x.count) else { return copyKernel() }
        let kept = x.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        let groups = kept.reduce(1, *)
        let per = x.reduce(1, *) / max(groups, 1)
        let walk = Broadcast(inputs: [kept], output: x)
        let fastSum = ctx.inputType(0) == .float32 && (kind == .sum || kind == .mean)
        return ClosureKernel { ins, outs in
            let initial: Double
            switch kind {
            case .max: initial = -.infinity
            case .min: initial = .infinity
            case .prod: initial = 1
            default: initial = 0
            }
            var acc = [Double](repeating: initial, count: groups)
            if fastSum {
                let X = ins[0].f32()
                walk.forEachRun { o, offs, n, st in for i in 0..<n { acc[offs[0] + i * st[0]] += Double(X[o + i]) } }
            } else {
                walk.forEachRun { o, offs, n, st in
                    for i in 0..<n {
                        let v = ins[0].double(at: o + i), g = offs[0] + i * st[0]
                        switch kind {
                        case .sum, .mean, .logSum: acc[g] += v
                        case .max: if v > acc[g] || v.isNaN { acc[g] = v }
                        case .min: if v < acc[g] || v.isNaN { acc[g] = v }
                        case .prod: acc[g] *= v
                        case .l1: acc[g] += Swift.abs(v)
                        case .l2, .sumSquare: acc[g] += v * v
                        case .logSumExp: acc[g] += Foundation.exp(v)
                        }
                    }
                }
            }
            for g in 0..<groups {
                var v = acc[g]
                switch kind {
                case .mean: v /= Double(per)
                case .l2: v = v.squareRoot()
                case .logSum, .logSumExp: v = Foundation.log(v)
                default: break
                }
                if ins[0].dtype.isInteger, kind == .mean { v = v.rounded(.towardZero) }
                store(v, outs[0], g)
            }
        }
    }

    static func makeArg(_ ctx: KernelContext, max: Bool) throws -> Kernel {
        let x = ctx.inputShape(0)
        guard let axis = normalizedAxis(ctx.node.int("axis", default: 0), rank: x.count) else { throw ctx.unsupported("axis") }
        let last = ctx.node.int("select_last_index", default: 0) != 0
        let outer = x[..<axis].reduce(1, *), len = x[axis], inner = x[(axis + 1)...].reduce(1, *)
        return ClosureKernel { ins, outs in
            let Y = outs[0].i64()
            for o in 0..<outer {
                for i in 0..<inner {
                    var best = 0, bv = ins[0].double(at: o * len * inner + i)
                    for k in 1..<Swift.max(len, 1) {
                        let v = ins[0].double(at: (o * len + k) * inner + i)
                        if max ? (v > bv || (last && v == bv)) : (v < bv || (last && v == bv)) { best = k; bv = v }
                    }
                    Y[o * inner + i] = Int64(best)
                }
            }
        }
    }
}
