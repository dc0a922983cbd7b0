import EdgeIR

/// Plan passes for per-channel affine arithmetic written as separate nodes (PaddlePaddle's learnable
/// affine blocks in PP-OCRv4, Caffe's BatchNorm + Scale in DenseNet, decomposed hard-swish): each pass
/// turns several passes over a large activation into one, keeping results equal within
/// floating-point tolerance (products and sums are reassociated, nothing else).
///
/// - ``batchNormToConv(_:)``: a BatchNormalization not after a Conv (DenseNet's pre-activation BN
///   after a Concat) becomes a 1×1 depthwise Conv with weights `s = γ/√(σ²+ε)` and bias `β − μ·s`, so
///   the passes below and activation fusion apply to it;
/// - ``fuseScale(_:)``: `Conv → Mul(constant per channel or scalar)` scales the Conv's weights and bias;
/// - ``affineToConv(_:)``: `Mul(x, a) → Add(·, b)` with per-channel or scalar constants becomes a 1×1
///   depthwise Conv `x·a + b` (one pass, and the activation after it fuses);
/// - ``fuseHardSwish(_:)``: `x · Clip(x + 3, 0, 6) / 6` becomes `HardSwish(x)`
///   (`x · max(0, min(1, x/6 + 1/2))`, the same function).
extension PlanPasses {
    /// The values of constant `c` per channel of a `shape`-shaped output, channel axis `axis`, when `c`
    /// is a scalar or varies along that axis only (NumPy broadcasting); nil otherwise.
    static func channelVector(_ c: HostTensor, outputShape y: [Int], axis: Int) -> [Float]? {
        guard c.dtype == .float32, axis < y.count, c.shape.count <= y.count else { return nil }
        let v = c.ref.f32()
        if c.elementCount == 1 { return Array(repeating: v[0], count: y[axis]) }
        let padded = Array(repeating: 1, count: y.count - c.shape.count) + c.shape
        guard padded.enumerated().allSatisfy({ $0.offset == axis || $0.element == 1 }), padded[axis] == y[axis] else { return nil }
        return (0..<y[axis]).map { v[$0] }
    }

    /// The channel axis of a Conv's output.
    static func channelAxis(_ conv: Node, rank: Int) -> Int { conv.string("layout") == "NHWC" ? rank - 1 : 1 }

    /// Adds a float32 constant to the graph and returns its name.
    static func addConstant(_ g: inout LoweredGraph, _ name: String, _ values: [Float], shape: [Int]) -> String {
        let t = HostTensor(values, shape: shape)
        g.constants[name] = t
        g.types[name] = TensorType(.float32, Shape(shape))
        return name
    }

    /// A 1×1 depthwise Conv over NCHW (or N·C·L) `x` computing `x·scale[c] + shift[c]`.
    static func depthwiseAffine(_ g: inout LoweredGraph, name: String, x: String, output: String, rank: Int,
                                scale: [Float], shift: [Float]) -> Node {
        let c = scale.count
        let ones = Array(repeating: 1, count: rank - 2)
        let w = addConstant(&g, "\(name)/affine_weight", scale, shape: [c, 1] + ones)
        let b = addConstant(&g, "\(name)/affine_bias", shift, shape: [c])
        return Node(name: name, op: .conv, inputs: [x, w, b], outputs: [output],
                    attributes: ["group": .int(c), "kernel_shape": .ints(ones)])
    }

    static func batchNormToConv(_ g: inout LoweredGraph) -> Int {
        var count = 0
        for i in g.nodes.indices {
            let bn = g.nodes[i]
            guard bn.op == .batchNorm, bn.outputs.count == 1 || bn.outputs.dropFirst().allSatisfy(\.isEmpty),
                  bn.int("training_mode", default: 0) == 0, bn.string("layout") != "NHWC", bn.inputs.count == 5,
                  let x = bn.input(0), isFloat32(g, x), let shape = g.types[x]?.shape.values, shape.count == 3 || shape.count == 4,
                  let scale = g.constants[bn.inputs[1]], let bias = g.constants[bn.inputs[2]],
                  let mean = g.constants[bn.inputs[3]], let variance = g.constants[bn.inputs[4]],
                  [scale, bias, mean, variance].allSatisfy({ $0.dtype == .float32 && $0.elementCount == shape[1] })
            else { continue }
            let eps = Float(bn.float("epsilon", default: 1e-5))
            let s = (0..<shape[1]).map { scale.ref.f32()[$0] / (variance.ref.f32()[$0] + eps).squareRoot() }
            let t = (0..<shape[1]).map { bias.ref.f32()[$0] - mean.ref.f32()[$0] * s[$0] }
            g.nodes[i] = depthwiseAffine(&g, name: bn.name, x: x, output: bn.outputs[0], rank: shape.count, scale: s, shift: t)
            count += 1
        }
        return count
    }

    static func fuseScale(_ g: inout LoweredGraph) -> Int {
        var count = 0
        var i = 0
        while i < g.nodes.count {
            defer { i += 1 }
            let mul = g.nodes[i]
            guard mul.op == .mul, mul.inputs.count == 2, mul.string("activation") == nil else { continue }
            let producers = g.producers(), uses = g.consumerCounts()
            let pairs = [(mul.inputs[0], mul.inputs[1]), (mul.inputs[1], mul.inputs[0])]
            guard let (x, cname) = pairs.first(where: { producers[$0.0] != nil && g.constants[$0.1] != nil }),
                  let c = g.constants[cname], isFloat32(g, x), let p = producers[x], soleConsumer(x, in: g, uses: uses) == i,
                  let outType = g.types[mul.outputs[0]], outType == g.types[x], let y = outType.shape.values
            else { continue }
            var conv = g.nodes[p]
            guard conv.op == .conv, conv.string("activation") == nil, conv.outputs.count == 1,
                  let w = conv.input(1).flatMap({ g.constants[$0] }), w.dtype == .float32,
                  let s = channelVector(c, outputShape: y, axis: channelAxis(conv, rank: y.count))
            else { continue }
            let oldBias = conv.input(2).flatMap { g.constants[$0] }
            if conv.input(2) != nil && (oldBias?.dtype != .float32 || oldBias?.elementCount != s.count) { continue }
            let layout = weightLayout(conv)
            let nw = (0..<w.elementCount).map { w.ref.f32()[$0] * s[outputChannel($0, layout: layout, shape: w.shape)] }
            var inputs = [conv.inputs[0], addConstant(&g, "\(conv.name)/scaled_weight", nw, shape: w.shape)]
            if let b = oldBias {
                inputs.append(addConstant(&g, "\(conv.name)/scaled_bias", (0..<s.count).map { b.ref.f32()[$0] * s[$0] }, shape: [s.count]))
            }
            conv.inputs = inputs
            conv.outputs = [mul.outputs[0]]
            g.nodes[p] = conv
            g.nodes.remove(at: i)
            i -= 1
            count += 1
        }
        return count
    }

    static func affineToConv(_ g: inout LoweredGraph) -> Int {
        var count = 0
        var i = 0
        while i < g.nodes.count {
            defer { i += 1 }
            let mul = g.nodes[i]
            guard mul.op == .mul, mul.inputs.count == 2, mul.string("activation") == nil else { continue }
            let pairs = [(mul.inputs[0], mul.inputs[1]), (mul.inputs[1], mul.inputs[0])]
            guard let (x, aName) = pairs.first(where: { g.constants[$0.0] == nil && g.constants[$0.1] != nil }),
                  let a = g.constants[aName], isFloat32(g, x), let outType = g.types[mul.outputs[0]], outType == g.types[x],
                  let y = outType.shape.values, y.count == 3 || y.count == 4, y[1] > 1,
                  let scale = channelVector(a, outputShape: y, axis: 1),
                  let j = soleConsumer(mul.outputs[0], in: g, uses: g.consumerCounts()), j > i
            else { continue }
            let add = g.nodes[j]
            guard add.op == .add, add.inputs.count == 2, add.string("activation") == nil,
                  let bName = add.inputs.first(where: { $0 != mul.outputs[0] }), add.inputs.contains(mul.outputs[0]),
                  let b = g.constants[bName], g.types[add.outputs[0]] == outType,
                  let shift = channelVector(b, outputShape: y, axis: 1)
            else { continue }
            g.nodes[j] = depthwiseAffine(&g, name: add.name, x: x, output: add.outputs[0], rank: y.count, scale: scale, shift: shift)
            g.nodes.remove(at: i)
            i -= 1
            count += 1
        }
        return count
    }

    /// Whether `v` is a float32 constant holding the single value `value`.
    static func isScalarConstant(_ g: LoweredGraph, _ v: String, _ value: Float) -> Bool {
        guard let c = g.constants[v], c.dtype == .float32, c.elementCount == 1 else { return false }
        return c.ref.f32()[0] == value
    }

    static func fuseHardSwish(_ g: inout LoweredGraph) -> Int {
        var count = 0
        var i = 0
        while i < g.nodes.count {
            defer { i += 1 }
            let div = g.nodes[i]
            guard div.op == .div, div.inputs.count == 2, div.string("activation") == nil, isScalarConstant(g, div.inputs[1], 6),
                  isFloat32(g, div.inputs[0]) else { continue }
            let producers = g.producers(), uses = g.consumerCounts()
            guard let m = producers[div.inputs[0]], g.nodes[m].op == .mul, g.nodes[m].inputs.count == 2,
                  g.nodes[m].string("activation") == nil, soleConsumer(div.inputs[0], in: g, uses: uses) == i else { continue }
            let mul = g.nodes[m]
            // Mul(x, clip) in either order.
            let pairs = [(mul.inputs[0], mul.inputs[1]), (mul.inputs[1], mul.inputs[0])]
            guard let (x, clipOut) = pairs.first(where: { p in producers[p.1].map { g.nodes[$0].op == .clip } == true }),
                  let c = producers[clipOut], soleConsumer(clipOut, in: g, uses: uses) == m else { continue }
            let clip = g.nodes[c]
            guard clip.inputs.count == 3, isScalarConstant(g, clip.inputs[1], 0), isScalarConstant(g, clip.inputs[2], 6),
                  let a = producers[clip.inputs[0]], g.nodes[a].op == .add, soleConsumer(clip.inputs[0], in: g, uses: uses) == c
            else { continue }
            let add = g.nodes[a]
            guard add.inputs.count == 2, add.string("activation") == nil,
                  (add.inputs[0] == x && isScalarConstant(g, add.inputs[1], 3)) || (add.inputs[1] == x && isScalarConstant(g, add.inputs[0], 3)),
                  g.types[div.outputs[0]] == g.types[x]
            else { continue }
            g.nodes[i] = Node(name: div.name, op: .hardSwish, inputs: [x], outputs: [div.outputs[0]])
            for k in [a, c, m].sorted(by: >) { g.nodes.remove(at: k) }
            i -= 3
            count += 3
        }
        return count
    }
}
