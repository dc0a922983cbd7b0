import EdgeIR
import Foundation

/// BatchNormalization (inference), LayerNormalization, RMSNorm / RMSNormalization,
/// InstanceNormalization, GroupNormalization, LRN, MeanVarianceNormalization and LpNormalization.
///
/// Statistics accumulate in Double, so the reference is as exact as float32 outputs allow.
extension ReferenceKernels {
    static let normalization: [OpType: KernelSpec] = [
        .batchNorm: KernelSpec(.floats, accepts: { $0.int("training_mode", default: 0) == 0 && $0.outputs.count == 1 }) {
            try makeBatchNorm($0)
        },
        .layerNorm: KernelSpec(.floats) { try makeLastAxisNorm($0, rms: false) },
        .rmsNorm: KernelSpec(.floats) { try makeLastAxisNorm($0, rms: true) },
        "RMSNormalization": KernelSpec(.floats) { try makeLastAxisNorm($0, rms: true) },
        "InstanceNormalization": KernelSpec(.floats) { try makeGroupNorm($0, instance: true) },
        "GroupNormalization": KernelSpec(.floats) { try makeGroupNorm($0, instance: false) },
        "LRN": KernelSpec(.floats) { try makeLRN($0) },
        "MeanVarianceNormalization": KernelSpec(.floats) { try makeMVN($0) },
        "LpNormalization": KernelSpec(.floats) { try makeLpNorm($0) },
    ]

    /// Reads element `i` of a float tensor of any float type as Double.
    @inline(__always) static func f(_ t: TensorRef, _ i: Int) -> Double { t.double(at: i) }

    static func makeBatchNorm(_ ctx: KernelContext) throws -> Kernel {
        guard ctx.node.int("training_mode", default: 0) == 0 else { throw ctx.unsupported("training-mode BatchNormalization") }
        let x = ctx.inputShape(0)
        let nhwc = ctx.node.string("layout") == "NHWC"
        let c = nhwc ? x[x.count - 1] : x[1]
        let inner = nhwc ? 1 : x[2...].reduce(1, *)
        let total = x.reduce(1, *)
        let eps = ctx.node.float("epsilon", default: 1e-5)
        let f32 = ctx.inputTypes.compactMap({ $0 }).allSatisfy { $0.dtype == .float32 }
        return ClosureKernel { ins, outs in
            var scale = [Double](repeating: 0, count: c), shift = [Double](repeating: 0, count: c)
            for k in 0..<c {
                let s = f(ins[1], k) / (f(ins[4], k) + eps).squareRoot()
                scale[k] = s
                shift[k] = f(ins[2], k) - f(ins[3], k) * s
            }
            if f32 {
                let X = ins[0].f32(), Y = outs[0].f32()
                let sc = scale.map(Float.init), sh = shift.map(Float.init)
                for i in 0..<total { let ch = (i / inner) % c; Y[i] = X[i] * sc[ch] + sh[ch] }
            } else {
                for i in 0..<total { let ch = (i / inner) % c; store(f(ins[0], i) * scale[ch] + shift[ch], outs[0], i) }
            }
        }
    }

    /// LayerNormalization / RMSNorm over the axes from `axis` to the end, scale (and bias) broadcast
    /// over those axes; LayerNormalization's optional Mean and InvStdDev outputs.
    static func makeLastAxisNorm(_ ctx: KernelContext, rms: Bool) throws -> Kernel {
        let x = ctx.inputShape(0)
        guard let axis = normalizedAxis(ctx.node.int("axis", default: -1), rank: x.count) else { throw ctx.unsupported("axis") }
        let outer = x[..<axis].reduce(1, *), inner = x[axis...].reduce(1, *)
        let eps = ctx.node.float("epsilon", default: 1e-5)
        let norm = Array(x[axis...])
        let scaleMap = ctx.hasInput(1) ? broadcastOffsets(input: ctx.inputShape(1), output: norm) : nil
        let biasMap = ctx.hasInput(2) ? broadcastOffsets(input: ctx.inputShape(2), output: norm) : nil
        let outs = ctx.node.outputs.count
        return ClosureKernel { ins, o in
            for r in 0..<outer {
                let base = r * inner
                var mean = 0.0
                if !rms {
                    for i in 0..<inner { mean += f(ins[0], base + i) }
                    mean /= Double(inner)
                }
                var v = 0.0
                for i in 0..<inner { let d = f(ins[0], base + i) - mean; v += d * d }
                let inv = 1 / (v / Double(inner) + eps).squareRoot()
                for i in 0..<inner {
                    var y = (f(ins[0], base + i) - mean) * inv
                    if let s = scaleMap { y *= f(ins[1], s[i]) }
                    if let b = biasMap { y += f(ins[2], b[i]) }
                    store(y, o[0], base + i)
                }
                if !rms, outs > 1, o.count > 1 { store(mean, o[1], r) }
                if !rms, outs > 2, o.count > 2 { store(inv, o[2], r) }
            }
        }
    }

    /// InstanceNormalization (a group per channel) and GroupNormalization (scale/bias per channel
    /// from opset 21, per group before).
    static func makeGroupNorm(_ ctx: KernelContext, instance: Bool) throws -> Kernel {
        let x = ctx.inputShape(0)
        let (n, c) = (x[0], x[1])
        let spatial = x[2...].reduce(1, *)
        let groups = instance ? c : ctx.node.int("num_groups", default: 1)
        guard groups > 0, c % groups == 0 else { throw ctx.unsupported("num_groups \(groups) does not divide \(c) channels") }
        let perGroupParams = !instance && ctx.inputShape(1).reduce(1, *) == groups && groups != c
        let eps = ctx.node.float("epsilon", default: 1e-5)
        let cg = c / groups
        return ClosureKernel { ins, outs in
            for b in 0..<n {
                for g in 0..<groups {
                    let base = (b * c + g * cg) * spatial, len = cg * spatial
                    var mean = 0.0
                    for i in 0..<len { mean += f(ins[0], base + i) }
                    mean /= Double(len)
                    var v = 0.0
                    for i in 0..<len { let d = f(ins[0], base + i) - mean; v += d * d }
                    let inv = 1 / (v / Double(len) + eps).squareRoot()
                    for i in 0..<len {
                        let ch = perGroupParams ? g : g * cg + i / spatial
                        store((f(ins[0], base + i) - mean) * inv * f(ins[1], ch) + f(ins[2], ch), outs[0], base + i)
                    }
                }
            }
        }
    }

    /// Local response normalization across channels (NCHW).
    static func makeLRN(_ ctx: KernelContext) throws -> Kernel {
        let x = ctx.inputShape(0)
        let size = ctx.node.int("size", default: 1)
        let alpha = ctx.node.float("alpha", default: 1e-4), beta = ctx.node.float("beta", default: 0.75)
        let bias = ctx.node.float("bias", default: 1)
        let (n, c) = (x[0], x[1]), plane = x[2...].reduce(1, *)
        let lo = (size - 1) / 2, hi = size - 1 - lo
        return ClosureKernel { ins, outs in
            for b in 0..<n { for ch in 0..<c { for p in 0..<plane {
                var s = 0.0
                for k in max(0, ch - lo)...min(c - 1, ch + hi) { let v = f(ins[0], (b * c + k) * plane + p); s += v * v }
                let i = (b * c + ch) * plane + p
                store(f(ins[0], i) / Foundation.pow(bias + alpha / Double(size) * s, beta), outs[0], i)
            } } }
        }
    }

    /// (x − mean) / sqrt(var) over `axes` (default N, H, W).
    static func makeMVN(_ ctx: KernelContext) throws -> Kernel {
        let x = ctx.inputShape(0)
        let axes = Set((ctx.node.ints("axes") ?? [0, 2, 3]).compactMap { normalizedAxis($0, rank: x.count) })
        let keptShape = x.enumerated().map { axes.contains($0.offset) ? 1 : $0.element }
        let map = broadcastOffsets(input: keptShape, output: x)
        let groups = keptShape.reduce(1, *), per = x.reduce(1, *) / max(groups, 1)
        return ClosureKernel { ins, outs in
            var sum = [Double](repeating: 0, count: groups), sq = [Double](repeating: 0, count: groups)
            for i in 0..<map.count { let v = f(ins[0], i); sum[map[i]] += v; sq[map[i]] += v * v }
            for i in 0..<map.count {
                let m = sum[map[i]] / Double(per), variance = sq[map[i]] / Double(per) - m * m
                store((f(ins[0], i) - m) / (variance.squareRoot() + 1e-9), outs[0], i)
            }
        }
    }

    static func makeLpNorm(_ ctx: KernelContext) throws -> Kernel {
        let x = ctx.inputShape(0)
        guard let axis = normalizedAxis(ctx.node.int("axis", default: -1), rank: x.count) else { throw ctx.unsupported("axis") }
        let p = ctx.node.int("p", default: 2)
        let outer = x[..<axis].reduce(1, *), len = x[axis], inner = x[(axis + 1)...].reduce(1, *)
        return ClosureKernel { ins, outs in
            for o in 0..<outer { for i in 0..<inner {
                var s = 0.0
                for k in 0..<len { let v = f(ins[0], (o * len + k) * inner + i); s += p == 1 ? Swift.abs(v) : v * v }
                let norm = p == 1 ? s : s.squareRoot()
                for k in 0..<len { let j = (o * len + k) * inner + i; store(norm == 0 ? 0 : f(ins[0], j) / norm, outs[0], j) }
            } }
        }
    }
}
