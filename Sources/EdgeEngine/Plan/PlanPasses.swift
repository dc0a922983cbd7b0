import EdgeIR

/// Compile phase 2: rewrites of the lowered graph that change how it is computed, not what.
///
/// Each pass is separate and optional (``EngineOptions/fuse`` turns them all off, which the tests use
/// to check that fused and unfused plans agree within floating-point tolerance):
/// - ``foldBatchNorm(_:)``: `Conv → BatchNormalization` becomes one Conv with scaled weights and a
///   shifted bias (the BN's statistics are constants at inference);
/// - ``fuseBias(_:)``: `Conv → Add(per-channel constant)` and `Gemm → Add(row constant)` move the
///   constant into the bias;
/// - the affine passes (PlanPasses+Affine.swift): standalone BatchNorm as a 1×1 depthwise Conv,
///   `Conv → Mul(constant)` folded into the weights, `Mul → Add` by constants as one 1×1 depthwise Conv,
///   decomposed hard-swish as `HardSwish`;
/// - ``fuseActivation(_:)``: an elementwise activation after Conv/Gemm/MatMul/FullyConnected/Add/Sub/
///   Mul/Div becomes that node's `activation` attribute (TFLite's fused activations use the same one).
enum PlanPasses {
    static func run(_ g: inout LoweredGraph) throws {
        // Scale and bias folding repeat: Conv → Mul → Add → Mul → Add chains fold one pair per round.
        let scaleAndBias: (inout LoweredGraph) -> Int = { g in
            var total = 0
            for _ in 0..<4 {
                let n = fuseScale(&g) + fuseBias(&g)
                total += n
                if n == 0 { break }
            }
            return total
        }
        let passes: [(String, (inout LoweredGraph) -> Int)] = [
            ("fold-batchnorm", foldBatchNorm), ("batchnorm-to-conv", batchNormToConv), ("fuse-scale-bias", scaleAndBias),
            ("affine-to-conv", affineToConv), ("fuse-hardswish", fuseHardSwish), ("fuse-activation", fuseActivation),
        ]
        for (name, pass) in passes {
            let n = pass(&g)
            if name != "batchnorm-to-conv" { g.removedNodes += n }  // that one replaces nodes one for one
            g.passLog.append((name, n))
        }
        let before = g.nodes.count
        g.eliminateDeadNodes()
        g.passLog.append(("dead-nodes", before - g.nodes.count))
    }

    /// The single node reading `v`, if exactly one node reads it and it is not a graph output.
    static func soleConsumer(_ v: String, in g: LoweredGraph, uses: [String: Int]) -> Int? {
        guard uses[v] == 1, !g.outputs.contains(v) else { return nil }
        return g.nodes.firstIndex { $0.inputs.contains(v) }
    }

    static func isFloat32(_ g: LoweredGraph, _ v: String) -> Bool { g.types[v]?.dtype == .float32 }

    /// Output channel of weight element `i` for a Conv's weight layout.
    static func outputChannel(_ i: Int, layout: String, shape: [Int]) -> Int {
        switch layout {
        case "1HWO": return i % shape[shape.count - 1]
        default: return i / shape.dropFirst().reduce(1, *)
        }
    }

    static func weightLayout(_ n: Node) -> String {
        n.string("weight_layout") ?? (n.string("layout") == "NHWC" ? "OHWI" : "OIHW")
    }

    static func foldBatchNorm(_ g: inout LoweredGraph) -> Int {
        var count = 0
        var i = 0
        while i < g.nodes.count {
            defer { i += 1 }
            let bn = g.nodes[i]
            guard bn.op == .batchNorm, bn.outputs.count == 1 || bn.outputs.dropFirst().allSatisfy(\.isEmpty),
                  bn.int("training_mode", default: 0) == 0, let x = bn.input(0), isFloat32(g, x),
                  let scale = g.constants[bn.inputs[1]], let bias = g.constants[bn.inputs[2]],
                  let mean = g.constants[bn.inputs[3]], let variance = g.constants[bn.inputs[4]],
                  [scale, bias, mean, variance].allSatisfy({ $0.dtype == .float32 }),
                  let p = g.producers()[x], g.nodes[p].op == .conv, g.nodes[p].string("activation") == nil,
                  soleConsumer(x, in: g, uses: g.consumerCounts()) == i
            else { continue }
            let conv = g.nodes[p]
            let nhwc = conv.string("layout") == "NHWC"
            guard nhwc == (bn.string("layout") == "NHWC"), let w = conv.input(1).flatMap({ g.constants[$0] }), w.dtype == .float32 else { continue }
            let layout = weightLayout(conv)
            let cout = layout == "1HWO" ? w.shape[w.shape.count - 1] : w.shape[0]
            guard scale.elementCount == cout, bias.elementCount == cout, mean.elementCount == cout, variance.elementCount == cout else { continue }
            let oldBias = conv.input(2).flatMap { g.constants[$0] }
            if conv.input(2) != nil && oldBias?.dtype != .float32 { continue }
            let eps = Float(bn.float("epsilon", default: 1e-5))
            let s = (0..<cout).map { scale.ref.f32()[$0] / (variance.ref.f32()[$0] + eps).squareRoot() }
            let nw = HostTensor(dtype: .float32, shape: w.shape)
            for k in 0..<w.elementCount {
                nw.ref.f32()[k] = w.ref.f32()[k] * s[outputChannel(k, layout: layout, shape: w.shape)]
            }
            let nb = HostTensor(dtype: .float32, shape: [cout])
            for c in 0..<cout {
                let b0 = oldBias.map { $0.ref.f32()[c] } ?? 0
                nb.ref.f32()[c] = (b0 - mean.ref.f32()[c]) * s[c] + bias.ref.f32()[c]
            }
            let wName = "\(conv.name)/bn_folded_weight", bName = "\(conv.name)/bn_folded_bias"
            g.constants[wName] = nw
            g.constants[bName] = nb
            g.types[wName] = TensorType(.float32, Shape(w.shape))
            g.types[bName] = TensorType(.float32, Shape([cout]))
            var fused = conv
            fused.inputs = [conv.inputs[0], wName, bName]
            fused.outputs = [bn.outputs[0]]
            g.nodes[p] = fused
            g.nodes.remove(at: i)
            i -= 1
            count += 1
        }
        return count
    }

    static func fuseBias(_ g: inout LoweredGraph) -> Int {
        var count = 0
        var i = 0
        while i < g.nodes.count {
            defer { i += 1 }
            let add = g.nodes[i]
            guard add.op == .add, add.inputs.count == 2, add.string("activation") == nil else { continue }
            let producers = g.producers(), uses = g.consumerCounts()
            // Which operand is the node output and which the constant.
            let pairs = [(add.inputs[0], add.inputs[1]), (add.inputs[1], add.inputs[0])]
            guard let (x, cname) = pairs.first(where: { producers[$0.0] != nil && g.constants[$0.1] != nil }),
                  let c = g.constants[cname], c.dtype == .float32, isFloat32(g, x),
                  let p = producers[x], soleConsumer(x, in: g, uses: uses) == i,
                  let outType = g.types[add.outputs[0]], outType == g.types[x]
            else { continue }
            var node = g.nodes[p]
            guard node.string("activation") == nil, let y = outType.shape.values else { continue }
            let channels: Int
            let values: [Float]
            switch node.op {
            case .conv:
                // The constant must vary along the channel axis only (or be a scalar).
                guard let v = channelVector(c, outputShape: y, axis: channelAxis(node, rank: y.count)) else { continue }
                channels = v.count
                values = v
            case .gemm:
                guard node.input(2) == nil, c.shape == [y[1]] || c.shape == [1, y[1]] else { continue }
                channels = y[1]
                values = (0..<channels).map { c.ref.f32()[$0] }
                node.attributes["beta"] = .float(1)
            default: continue
            }
            let old = node.input(2).flatMap { g.constants[$0] }
            if node.input(2) != nil && (old?.dtype != .float32 || old?.elementCount != channels) { continue }
            let nb = HostTensor(dtype: .float32, shape: [channels])
            for k in 0..<channels { nb.ref.f32()[k] = (old?.ref.f32()[k] ?? 0) + values[k] }
            let bName = "\(node.name)/fused_bias"
            g.constants[bName] = nb
            g.types[bName] = TensorType(.float32, Shape([channels]))
            node.inputs = Array(node.inputs.prefix(2)) + [bName]
            node.outputs = [add.outputs[0]]
            g.nodes[p] = node
            g.nodes.remove(at: i)
            i -= 1
            count += 1
        }
        return count
    }

    /// Producers that apply an `activation` attribute in their float32 kernels.
    static let activationHosts: Set<OpType> = [.conv, .gemm, .matMul, .fullyConnected, .add, .sub, .mul, .div, .convTranspose]

    static func fuseActivation(_ g: inout LoweredGraph) -> Int {
        var count = 0
        var i = 0
        while i < g.nodes.count {
            defer { i += 1 }
            let act = g.nodes[i]
            guard let x = act.input(0), isFloat32(g, x), let attrs = activationAttributes(act, g),
                  let p = g.producers()[x], activationHosts.contains(g.nodes[p].op),
                  g.nodes[p].string("activation") == nil, g.nodes[p].outputs.count == 1,
                  soleConsumer(x, in: g, uses: g.consumerCounts()) == i
            else { continue }
            var node = g.nodes[p]
            for (k, v) in attrs { node.attributes[k] = v }
            node.outputs = [act.outputs[0]]
            g.nodes[p] = node
            g.nodes.remove(at: i)
            i -= 1
            count += 1
        }
        return count
    }

    /// The `activation` attributes equivalent to an activation node, if it is one with constant parameters.
    static func activationAttributes(_ n: Node, _ g: LoweredGraph) -> [String: Attribute]? {
        guard n.outputs.count == 1 else { return nil }
        switch n.op {
        case .relu: return ["activation": .string("Relu")]
        case "Relu6": return ["activation": .string("Relu6")]
        case .sigmoid: return ["activation": .string("Sigmoid")]
        case .tanh: return ["activation": .string("Tanh")]
        case .hardSwish: return ["activation": .string("HardSwish")]
        case .hardSigmoid:
            return ["activation": .string("HardSigmoid"), "activation_alpha": .float(n.float("alpha", default: 0.2)),
                    "activation_beta": .float(n.float("beta", default: 0.5))]
        case .leakyRelu:
            return ["activation": .string("LeakyRelu"), "activation_alpha": .float(n.float("alpha", default: 0.01))]
        case .clip:
            var lo = -Double.infinity, hi = Double.infinity
            if n.inputs.count > 1 {
                for (k, idx) in [(0, 1), (1, 2)] where idx < n.inputs.count && !n.inputs[idx].isEmpty {
                    guard let c = g.constants[n.inputs[idx]], c.elementCount == 1 else { return nil }
                    if k == 0 { lo = c.ref.double(at: 0) } else { hi = c.ref.double(at: 0) }
                }
            } else {
                lo = n.float("min", default: -.infinity)
                hi = n.float("max", default: .infinity)
            }
            return ["activation": .string("Clip"), "activation_alpha": .float(lo), "activation_beta": .float(hi)]
        default: return nil
        }
    }
}
