import EdgeEngine
import EdgeIR

/// Bias correction for static int8 (Nagel, van Baalen, Blankevoort & Welling 2019, "Data-Free
/// Quantization Through Weight Equalization and Bias Correction", §4.2, the empirical variant).
///
/// Rounding the weights shifts each layer's expected output: with `ε = W_q − W` (dequantized minus
/// float), `E[W_q·x] − E[W·x] = ε·E[x]` per output channel, a bias error the next layers carry along.
/// `E[x]` is measured on the calibration set — per input channel of each layer's float input, averaged
/// over batch and spatial positions — and the layer's bias becomes `b − ε·E[x]`. For a grouped
/// convolution an output channel sums over its own group's input channels; border positions where the
/// kernel reads padding are counted as if they read the mean too (the usual approximation).
///
/// Where the bias lives: a Conv's third input and a Gemm's C (created when absent, as a `[N]`/`[O]`
/// vector); for a MatMul, the constant `[N]` operand of the single `Add` that consumes it (tf2onnx's
/// Dense layers). A MatMul with no such Add is listed as skipped.
extension StaticQuantizer {
    /// Running per-channel sums of an activation.
    struct ChannelMean {
        var sums: [Double] = []
        var count = 0

        /// Adds a tensor whose channels lie on `axis` (1 for NCHW convolution inputs, last for MatMul).
        mutating func add(_ t: HostTensor, axis: Int) {
            let shape = t.shape
            guard axis < shape.count else { return }
            let c = shape[axis], inner = shape[(axis + 1)...].reduce(1, *), outer = shape[..<axis].reduce(1, *)
            if sums.isEmpty { sums = [Double](repeating: 0, count: c) }
            guard sums.count == c else { return }
            let v = t.floats()
            var i = 0
            for _ in 0..<outer {
                for ch in 0..<c {
                    var s = 0.0
                    for _ in 0..<inner { s += Double(v[i]); i += 1 }
                    sums[ch] += s
                }
            }
            count += outer * inner
        }

        var mean: [Double] { count == 0 ? sums : sums.map { $0 / Double(count) } }
    }

    /// The axis of a target's input 0 that its weight reduces over.
    static func inputChannelAxis(_ node: Node, rank: Int) -> Int? {
        switch node.op {
        case .conv: return rank >= 3 ? 1 : nil
        case .gemm: return node.int("transA", default: 0) == 0 ? rank - 1 : nil
        default: return rank - 1
        }
    }

    /// Corrects the biases of the targets in `g`, from the float weights of `original`, the quantized
    /// weights of `quantized` and the calibrated input means. Returns the corrected nodes and the skipped.
    static func correctBiases(_ g: inout Graph, original: Graph, quantized: Graph, targets: [Node],
                              means: [String: ChannelMean]) -> (corrected: [String], skipped: [LowRankFactorizer.Skip]) {
        var corrected: [String] = [], skipped: [LowRankFactorizer.Skip] = []
        let consumers = original.consumers
        for (index, node) in g.nodes.enumerated() where targets.contains(where: { $0.name == node.name }) {
            func skip(_ r: String) { skipped.append(LowRankFactorizer.Skip(node: node.name, reason: r)) }
            guard let wName = node.input(1), let w = original.constants[wName], let dims = w.shape.values,
                  let q = quantized.constants[wName], let qp = q.quantization else { skip("weight not quantized"); continue }
            guard let mean = means[node.inputs[0]]?.mean, !mean.isEmpty else { skip("no calibrated input mean"); continue }
            let wf = WeightValues.floats(w)
            let codes: [Int8] = q.storage.withBytes { raw in raw.map { Int8(bitPattern: $0) } }
            guard codes.count == wf.count else { skip("weight size mismatch"); continue }
            func scale(_ ch: Int) -> (Float, Int32) {
                switch qp {
                case .perTensor(let s, let z): return (s, z)
                case .perAxis(_, let s, let z): return (s[ch], z[ch])
                default: return (1, 0)
                }
            }
            // δ[o] = Σ ε[o, i, …] · E[x_i]
            var delta: [Double]
            switch node.op {
            case .conv:
                let (o, ipg) = (dims[0], dims[1]), k = dims[2...].reduce(1, *)
                let groups = node.int("group", default: 1)
                guard groups >= 1, o % groups == 0, mean.count == ipg * groups else { skip("channel count mismatch"); continue }
                delta = [Double](repeating: 0, count: o)
                for oc in 0..<o {
                    let (s, z) = scale(oc), g0 = (oc / (o / groups)) * ipg
                    for ic in 0..<ipg {
                        for j in 0..<k {
                            let idx = (oc * ipg + ic) * k + j
                            let eps = Double(s) * Double(Int32(codes[idx]) - z) - Double(wf[idx])
                            delta[oc] += eps * mean[g0 + ic]
                        }
                    }
                }
            default:
                guard dims.count == 2 else { skip("weight is not 2-D"); continue }
                let transB = node.op == .gemm && node.int("transB", default: 0) == 1
                let (kk, n) = transB ? (dims[1], dims[0]) : (dims[0], dims[1])
                guard mean.count == kk else { skip("channel count mismatch"); continue }
                delta = [Double](repeating: 0, count: n)
                for r in 0..<kk {
                    for c in 0..<n {
                        let idx = transB ? c * kk + r : r * n + c
                        // Per-channel axis is the output feature: 0 for transB, 1 otherwise.
                        let (s, z) = scale(c)
                        let eps = Double(s) * Double(Int32(codes[idx]) - z) - Double(wf[idx])
                        delta[c] += eps * mean[r]
                    }
                }
            }
            // Apply to the bias.
            func shifted(_ old: [Float]?, _ count: Int) -> [Float] {
                (0..<count).map { Float(Double(old?[$0] ?? 0) - delta[$0]) }
            }
            if node.op == .conv || node.op == .gemm {
                if let b = node.input(2), let bt = g.constants[b], bt.dtype == .float32, bt.shape.elementCount == delta.count {
                    g.setConstant(.float32(b, shifted(WeightValues.floats(bt), delta.count), shape: bt.shape))
                } else if node.input(2) == nil && (node.op == .conv || node.inputs.count == 2) {
                    let b = wName + "_bias_corrected"
                    g.setConstant(.float32(b, shifted(nil, delta.count), shape: Shape([delta.count])))
                    g.nodes[index].inputs = Array(node.inputs.prefix(2)) + [b]
                } else { skip("bias is not a float vector of \(delta.count)"); continue }
            } else {
                // MatMul: the bias of the one Add that consumes it.
                let readers = consumers[node.outputs[0]] ?? []
                guard readers.count == 1, original.nodes[readers[0]].op == .add,
                      let b = original.nodes[readers[0]].inputs.first(where: { $0 != node.outputs[0] }),
                      let bt = g.constants[b], bt.dtype == .float32, bt.shape.elementCount == delta.count,
                      (consumers[b] ?? []).count == 1 else { skip("MatMul without a bias Add to correct"); continue }
                g.setConstant(.float32(b, shifted(WeightValues.floats(bt), delta.count), shape: bt.shape))
            }
            corrected.append(node.name)
        }
        return (corrected, skipped)
    }
}
