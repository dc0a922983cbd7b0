import EdgeIR
import Foundation

/// LSTM (gate order i, o, f, c; peepholes, clip, input_forget), GRU (z, r, h; linear_before_reset) and
/// RNN: forward, reverse or bidirectional, layout 0 (`[seq, batch, …]`) or 1 (`[batch, seq, …]`),
/// per-batch `sequence_lens`, initial states, and the ONNX activation list.
extension ReferenceKernels {
    enum Cell: Sendable { case lstm, gru, rnn }

    static let recurrent: [OpType: KernelSpec] = [
        "LSTM": KernelSpec(.floats.union([.int32])) { try makeRecurrent($0, .lstm) },
        "GRU": KernelSpec(.floats.union([.int32])) { try makeRecurrent($0, .gru) },
        "RNN": KernelSpec(.floats.union([.int32])) { try makeRecurrent($0, .rnn) },
    ]

    /// An ONNX recurrent activation by name, with its alpha/beta.
    static func rnnActivation(_ name: String, _ alpha: Double?, _ beta: Double?) throws -> (Double) -> Double {
        switch name.lowercased() {
        case "sigmoid": return { 1 / (1 + Foundation.exp(-$0)) }
        case "tanh": return { Foundation.tanh($0) }
        case "relu": return { Swift.max($0, 0) }
        case "leakyrelu": let a = alpha ?? 0.01; return { $0 < 0 ? a * $0 : $0 }
        case "thresholdedrelu": let a = alpha ?? 1; return { $0 > a ? $0 : 0 }
        case "scaledtanh": let a = alpha ?? 1, b = beta ?? 1; return { a * Foundation.tanh(b * $0) }
        case "hardsigmoid": let a = alpha ?? 0.2, b = beta ?? 0.5; return { Swift.max(0, Swift.min(1, a * $0 + b)) }
        case "elu": let a = alpha ?? 1; return { $0 < 0 ? a * (Foundation.exp($0) - 1) : $0 }
        case "softsign": return { $0 / (1 + Swift.abs($0)) }
        case "softplus": return { Foundation.log1p(Foundation.exp($0)) }
        case "affine": let a = alpha ?? 1, b = beta ?? 0; return { a * $0 + b }
        default: throw EngineError.unsupported(node: "?", op: "LSTM", detail: "activation \(name)")
        }
    }

    static func makeRecurrent(_ ctx: KernelContext, _ cell: Cell) throws -> Kernel {
        let node = ctx.node
        let x = ctx.inputShape(0), w = ctx.inputShape(1)
        let gates = cell == .lstm ? 4 : (cell == .gru ? 3 : 1)
        let dirs = w[0], hidden = w[1] / gates, inputSize = w[2]
        let batchFirst = node.int("layout", default: 0) == 1
        let (seq, batch) = batchFirst ? (x[1], x[0]) : (x[0], x[1])
        let direction = node.string("direction") ?? "forward"
        let clip = node.float("clip", default: .infinity)
        let inputForget = node.int("input_forget", default: 0) != 0
        let lbr = node.int("linear_before_reset", default: 0) != 0
        let names = node.stringList("activations") ?? (cell == .lstm ? ["Sigmoid", "Tanh", "Tanh"] : cell == .gru ? ["Sigmoid", "Tanh"] : ["Tanh"])
        let alphas = node.floats("activation_alpha") ?? [], betas = node.floats("activation_beta") ?? []
        var acts: [(Double) -> Double] = []
        for (i, n) in names.enumerated() {
            acts.append(try rnnActivation(n, i < alphas.count ? alphas[i] : nil, i < betas.count ? betas[i] : nil))
        }
        let perDir = cell == .lstm ? 3 : (cell == .gru ? 2 : 1)
        guard acts.count == perDir * dirs || acts.count == perDir else { throw ctx.unsupported("activations \(names)") }
        let outputs = node.outputs.count
        return ClosureKernel { ins, outs in
            func v(_ t: TensorRef, _ i: Int) -> Double { t.double(at: i) }
            let hasB = node.input(3) != nil, hasLens = node.input(4) != nil, hasH0 = node.input(5) != nil
            let hasC0 = cell == .lstm && node.input(6) != nil, hasP = cell == .lstm && node.input(7) != nil
            let Y: TensorRef? = outputs > 0 && !node.outputs[0].isEmpty ? outs[0] : nil
            for d in 0..<dirs {
                let reverse = direction == "reverse" || (direction == "bidirectional" && d == 1)
                let a = acts.count == perDir ? 0 : d * perDir
                let f = acts[a], g = perDir > 1 ? acts[a + 1] : acts[a], hAct = perDir > 2 ? acts[a + 2] : acts[a]
                for b in 0..<batch {
                    let len = hasLens ? Swift.min(Int(v(ins[4], b)), seq) : seq
                    var h = (0..<hidden).map { hasH0 ? v(ins[5], (d * batch + b) * hidden + $0) : 0 }
                    var c = (0..<hidden).map { hasC0 ? v(ins[6], (d * batch + b) * hidden + $0) : 0 }
                    for step in 0..<seq {
                        let t = reverse ? len - 1 - step : step
                        if step >= len {
                            // Past this sequence's length: Y is zero (states stay as they were).
                            if let Y {
                                for k in 0..<hidden {
                                    let yi = batchFirst ? ((b * seq + step) * dirs + d) * hidden + k : ((step * dirs + d) * batch + b) * hidden + k
                                    store(0, Y, yi)
                                }
                            }
                            continue
                        }
                        let xBase = batchFirst ? (b * seq + t) * inputSize : (t * batch + b) * inputSize
                        // Pre-activations: W·x + Wb, and separately R·h + Rb (GRU needs them apart).
                        var wx = [Double](repeating: 0, count: gates * hidden), rh = wx
                        for r in 0..<(gates * hidden) {
                            var s = hasB ? v(ins[3], d * 2 * gates * hidden + r) : 0
                            for i in 0..<inputSize { s += v(ins[1], (d * gates * hidden + r) * inputSize + i) * v(ins[0], xBase + i) }
                            wx[r] = s
                            var q = hasB ? v(ins[3], d * 2 * gates * hidden + gates * hidden + r) : 0
                            for i in 0..<hidden { q += v(ins[2], (d * gates * hidden + r) * hidden + i) * h[i] }
                            rh[r] = q
                        }
                        func clipped(_ z: Double) -> Double { Swift.min(Swift.max(z, -clip), clip) }
                        switch cell {
                        case .lstm:
                            for k in 0..<hidden {
                                func pre(_ gate: Int) -> Double { wx[gate * hidden + k] + rh[gate * hidden + k] }
                                let p = { (j: Int) -> Double in hasP ? v(ins[7], d * 3 * hidden + j * hidden + k) : 0 }
                                let i = f(clipped(pre(0) + p(0) * c[k]))
                                var fg = f(clipped(pre(2) + p(2) * c[k]))
                                if inputForget { fg = 1 - i }
                                let cc = g(clipped(pre(3)))
                                c[k] = fg * c[k] + i * cc
                                let o = f(clipped(pre(1) + p(1) * c[k]))
                                h[k] = o * hAct(c[k])
                            }
                        case .gru:
                            var newH = h
                            for k in 0..<hidden {
                                let z = f(clipped(wx[k] + rh[k]))
                                let r = f(clipped(wx[hidden + k] + rh[hidden + k]))
                                var cand: Double
                                if lbr {
                                    cand = wx[2 * hidden + k] + r * rh[2 * hidden + k]
                                } else {
                                    var q = hasB ? v(ins[3], d * 6 * hidden + 5 * hidden + k) : 0
                                    for i in 0..<hidden { q += v(ins[2], (d * 3 * hidden + 2 * hidden + k) * hidden + i) * r * h[i] }
                                    cand = wx[2 * hidden + k] + q
                                }
                                let hh = g(clipped(cand))
                                newH[k] = (1 - z) * hh + z * h[k]
                            }
                            h = newH
                        case .rnn:
                            for k in 0..<hidden { h[k] = f(clipped(wx[k] + rh[k])) }
                        }
                        if let Y {
                            for k in 0..<hidden {
                                let yi = batchFirst ? ((b * seq + t) * dirs + d) * hidden + k : ((t * dirs + d) * batch + b) * hidden + k
                                store(h[k], Y, yi)
                            }
                        }
                    }
                    for k in 0..<hidden {
                        let si = batchFirst ? (b * dirs + d) * hidden + k : (d * batch + b) * hidden + k
                        if outputs > 1, !node.outputs[1].isEmpty { store(h[k], outs[1], si) }
                        if cell == .lstm, outputs > 2, !node.outputs[2].isEmpty { store(c[k], outs[2], si) }
                    }
                }
            }
        }
    }
}

extension Node {
    /// A list-of-strings attribute.
    func stringList(_ key: String) -> [String]? {
        if case .strings(let v)? = attributes[key] { return v }
        return nil
    }
}
