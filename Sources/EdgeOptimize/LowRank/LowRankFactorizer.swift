import EdgeIR

/// Low-rank factorisation of layer weights: one layer becomes two thinner ones, `W ≈ P · Q`, from a
/// truncated SVD (``SVD``) with the singular values split evenly, `P = U_r·√S_r`, `Q = √S_r·V_rᵀ`, so
/// both factors have the same scale (better for a later int8 step than putting S on one side).
///
/// - **MatMul / Gemm** with a constant 2-D weight `W [K, N]` (Gemm's `transB` read as `Bᵀ`):
///   `A·W ≈ (A·P)·Q`, i.e. `[K, r]` then `[r, N]`; a Gemm keeps its α, β and C on the second layer.
/// - **Conv, channel decomposition** (any kernel size, group 1): `W [O, I, k…]` as an `O × (I·k…)`
///   matrix; the first conv has `r` filters of the original kernel (same strides, pads, dilations), the
///   second is a 1×1 conv `[O, r]` carrying the bias. For 1×1 convs this is exactly the matrix case.
/// - **Conv, spatial decomposition** (`spatial: true`, k_h > 1 and k_w > 1, group 1; Jaderberg, Vedaldi
///   & Zisserman 2014, "Speeding up convolutional neural networks with low rank expansions", scheme 2,
///   with the SVD solution of Tai et al. 2016): `W` rearranged as the `(I·k_h) × (O·k_w)` matrix
///   `M[(i,h),(o,w)] = W[o,i,h,w]`; the first conv is `k_h × 1` with `r` outputs (vertical stride, pads
///   and dilation), the second `1 × k_w` with `O` outputs (horizontal ones) and the bias.
///
/// The rank per layer is the smallest keeping a fraction of Σσ² (``Rank/energy(_:)``), a fixed rank, or
/// the largest whose two layers hold at most `1/c` of the weights (``Rank/compression(_:)``). A layer is
/// only rewritten when the factors hold fewer parameters than the original (`r·(m+n) < m·n`); the others
/// are listed in ``Report/skipped`` with the reason. Every setting and every SVD is checked before the
/// graph is touched; the input graph is not modified.
public enum LowRankFactorizer {
    public enum Rank: Sendable, Equatable {
        /// Keep this fraction of singular-value energy, in (0, 1].
        case energy(Double)
        /// The same rank for every layer (≥ 1 and at most each layer's numerical rank).
        case fixed(Int)
        /// Factors at most `1/ratio` of the layer's weights (ratio > 1).
        case compression(Double)
    }

    public struct Layer: Sendable, Equatable, Codable {
        public var node: String
        public var op: String
        /// `matrix`, `channel` or `spatial`.
        public var kind: String
        public var rows: Int
        public var cols: Int
        public var rank: Int
        /// Numerical rank of the weight matrix.
        public var fullRank: Int
        public var paramsBefore: Int
        public var paramsAfter: Int
        /// Fraction of Σσ² the kept rank holds.
        public var energy: Double
    }

    public struct Report: Sendable, Equatable, Codable {
        public var layers: [Layer] = []
        /// Layers left as they were, with the reason.
        public var skipped: [Skip] = []
        public var paramsBefore: Int { layers.reduce(0) { $0 + $1.paramsBefore } }
        public var paramsAfter: Int { layers.reduce(0) { $0 + $1.paramsAfter } }
    }

    public struct Skip: Sendable, Equatable, Codable {
        public var node: String
        public var reason: String
    }

    /// One layer's plan: its matrix, SVD and the rewrite to apply.
    struct Plan {
        enum Kind: String { case matrix, channel, spatial }
        var node: Node
        var index: Int
        var kind: Kind
        var dims: [Int]
        var svd: SVD
    }

    /// Checks a rank setting on its own (no model needed).
    /// - Throws: ``OptimizeError/invalidSetting(name:value:expected:)``.
    public static func check(_ rank: Rank) throws {
        switch rank {
        case .energy(let e):
            guard e > 0, e <= 1, e.isFinite else {
                throw OptimizeError.invalidSetting(name: "energy", value: "\(e)", expected: "a fraction of Σσ² in (0, 1]")
            }
        case .fixed(let r):
            guard r >= 1 else { throw OptimizeError.invalidSetting(name: "rank", value: "\(r)", expected: "at least 1") }
        case .compression(let c):
            guard c > 1, c.isFinite else {
                throw OptimizeError.invalidSetting(name: "compression", value: "\(c)", expected: "a size ratio > 1 (2 = half the weights)")
            }
        }
    }

    /// Factorises every eligible Conv, Gemm and MatMul weight.
    /// - Parameters:
    ///   - spatial: decompose k×k convolutions spatially (k×1 then 1×k) instead of by channels.
    ///   - exclude: node names or op types left as they are.
    /// - Throws: ``OptimizeError`` for a bad setting, a fixed rank above a layer's numerical rank, or a
    ///   weight with non-finite values — before any change.
    public static func factorize(_ graph: Graph, rank: Rank, spatial: Bool = false, exclude: [String] = []) throws -> (Graph, Report) {
        try check(rank)
        var report = Report()
        var plans: [Plan] = []
        var readers: [String: Int] = [:]
        for n in graph.nodes { for i in n.inputs { readers[i, default: 0] += 1 } }
        for (index, node) in graph.nodes.enumerated() where [.conv, .gemm, .matMul].contains(node.op) {
            func skip(_ r: String) { report.skipped.append(Skip(node: node.name, reason: r)) }
            if exclude.contains(node.name) || exclude.contains(node.op.rawValue) { skip("excluded"); continue }
            guard let wName = node.input(1), let w = graph.constants[wName], let dims = w.shape.values else {
                skip("weight is not a constant"); continue
            }
            guard w.dtype == .float32, w.quantization == nil, w.storage.isPresent else {
                skip("weight stored as \(w.dtype.rawValue)\(w.quantization == nil ? "" : " (quantized)")"); continue
            }
            guard readers[wName, default: 0] == 1 else { skip("weight '\(wName)' is shared by several nodes"); continue }
            guard let a = node.input(0), !graph.isConstant(a) else { skip("activation input is a constant"); continue }
            let values = WeightValues.floats(w).map(Double.init)
            guard values.count == dims.reduce(1, *) else {
                throw OptimizeError.badTensor(name: wName, reason: "\(values.count) stored values for shape \(dims)")
            }
            var kind = Plan.Kind.matrix
            var matrix: [Double], rows: Int, cols: Int
            switch node.op {
            case .conv:
                guard dims.count >= 3, node.int("group", default: 1) == 1 else { skip("grouped or depthwise convolution"); continue }
                let kernel = Array(dims[2...])
                let wantSpatial = spatial && kernel.count == 2 && kernel[0] > 1 && kernel[1] > 1
                if wantSpatial {
                    let pad = node.string("auto_pad") ?? "NOTSET"
                    guard pad == "NOTSET" || pad == "VALID" else { skip("spatial decomposition needs explicit pads (auto_pad \(pad))"); continue }
                    let (o, i, kh, kw) = (dims[0], dims[1], kernel[0], kernel[1])
                    kind = .spatial
                    rows = i * kh
                    cols = o * kw
                    matrix = [Double](repeating: 0, count: rows * cols)
                    for oo in 0..<o { for ii in 0..<i { for h in 0..<kh { for x in 0..<kw {
                        matrix[(ii * kh + h) * cols + oo * kw + x] = values[((oo * i + ii) * kh + h) * kw + x]
                    } } } }
                } else {
                    kind = .channel
                    rows = dims[0]
                    cols = values.count / rows
                    matrix = values
                }
            case .gemm:
                guard dims.count == 2 else { skip("weight is not 2-D"); continue }
                let transB = node.int("transB", default: 0) == 1
                (rows, cols) = transB ? (dims[1], dims[0]) : (dims[0], dims[1])
                matrix = transB ? transpose(values, dims[0], dims[1]) : values
            default:
                guard dims.count == 2 else { skip("weight is not 2-D (batched MatMul)"); continue }
                (rows, cols) = (dims[0], dims[1])
                matrix = values
            }
            let svd = try SVD(matrix, rows: rows, cols: cols, name: wName)
            plans.append(Plan(node: node, index: index, kind: kind, dims: dims, svd: svd))
        }
        // Ranks (checked for every layer before any rewrite).
        var chosen: [(Plan, Int)] = []
        for plan in plans {
            let (m, n) = (plan.svd.rows, plan.svd.cols)
            let full = plan.svd.numericalRank
            let r: Int
            switch rank {
            case .energy(let e): r = plan.svd.rank(keepingEnergy: e)
            case .fixed(let k):
                guard k <= full else {
                    throw OptimizeError.invalidSetting(name: "rank", value: "\(k)",
                        expected: "at most the rank of '\(plan.node.name)' (\(full), a \(m) × \(n) \(plan.kind.rawValue) matrix); exclude that layer or pick a smaller rank")
                }
                r = k
            case .compression(let c): r = Int((Double(m * n) / (c * Double(m + n))).rounded(.down))
            }
            if r < 1 {
                report.skipped.append(Skip(node: plan.node.name, reason: full == 0 ? "all-zero weight" : "rank 0 would meet the target"))
                continue
            }
            guard r * (m + n) < m * n else {
                report.skipped.append(Skip(node: plan.node.name,
                                           reason: "rank \(r) of a \(m) × \(n) matrix saves nothing (\(r * (m + n)) ≥ \(m * n) weights)"))
                continue
            }
            chosen.append((plan, r))
        }
        var g = graph
        var replacements: [Int: [Node]] = [:]
        for (plan, r) in chosen {
            replacements[plan.index] = rewrite(plan, rank: r, in: &g)
            let (m, n) = (plan.svd.rows, plan.svd.cols)
            report.layers.append(Layer(node: plan.node.name, op: plan.node.op.rawValue, kind: plan.kind.rawValue, rows: m, cols: n,
                                       rank: r, fullRank: plan.svd.numericalRank, paramsBefore: m * n, paramsAfter: r * (m + n),
                                       energy: plan.svd.energy(rank: r)))
        }
        var nodes: [Node] = []
        for (i, n) in graph.nodes.enumerated() { nodes += replacements[i] ?? [n] }
        g.nodes = nodes
        _ = try g.inferShapes(strict: false)
        return (g, report)
    }

    static func transpose(_ v: [Double], _ r: Int, _ c: Int) -> [Double] {
        var out = [Double](repeating: 0, count: v.count)
        for i in 0..<r { for j in 0..<c { out[j * r + i] = v[i * c + j] } }
        return out
    }

    /// The two nodes replacing `plan.node`, with their weights stored in `g` (the old weight removed).
    static func rewrite(_ plan: Plan, rank r: Int, in g: inout Graph) -> [Node] {
        let node = plan.node, svd = plan.svd
        let (m, n, k) = (svd.rows, svd.cols, svd.k)
        // P = U_r √S_r  (m × r),  Q = √S_r V_rᵀ  (r × n).
        var p = [Float](repeating: 0, count: m * r), q = [Float](repeating: 0, count: r * n)
        for j in 0..<r {
            let root = svd.s[j].squareRoot()
            for i in 0..<m { p[i * r + j] = Float(svd.u[i * k + j] * root) }
            for i in 0..<n { q[j * n + i] = Float(svd.v[i * k + j] * root) }
        }
        let weight = node.input(1)!
        g.removeConstant(named: weight)
        let first = node.name + "/lowrank_0", second = node.name + "/lowrank_1", mid = node.outputs[0] + "_lowrank"
        let w0 = weight + "_lowrank_0", w1 = weight + "_lowrank_1"
        let bias = node.input(2)
        switch plan.kind {
        case .matrix:
            g.setConstant(.float32(w0, p, shape: Shape([m, r])))
            g.setConstant(.float32(w1, q, shape: Shape([r, n])))
            if node.op == .matMul {
                return [Node(name: first, op: .matMul, inputs: [node.inputs[0], w0], outputs: [mid]),
                        Node(name: second, op: .matMul, inputs: [mid, w1], outputs: node.outputs)]
            }
            var a0: [String: Attribute] = [:]
            if let t = node.attributes["transA"] { a0["transA"] = t }
            var a1: [String: Attribute] = [:]
            for key in ["alpha", "beta"] { if let v = node.attributes[key] { a1[key] = v } }
            return [Node(name: first, op: .gemm, inputs: [node.inputs[0], w0], outputs: [mid], attributes: a0),
                    Node(name: second, op: .gemm, inputs: [mid, w1] + (bias.map { [$0] } ?? []), outputs: node.outputs, attributes: a1)]
        case .channel:
            // First conv: r filters of the original kernel (Q reshaped), original geometry, no bias.
            let kernel = Array(plan.dims[2...])
            g.setConstant(.float32(w0, q, shape: Shape([r, plan.dims[1]] + kernel)))
            g.setConstant(.float32(w1, p, shape: Shape([m, r] + kernel.map { _ in 1 })))
            var a0 = node.attributes
            a0["kernel_shape"] = .ints(kernel)
            let a1: [String: Attribute] = ["kernel_shape": .ints(kernel.map { _ in 1 })]
            return [Node(name: first, op: .conv, inputs: [node.inputs[0], w0], outputs: [mid], attributes: a0),
                    Node(name: second, op: .conv, inputs: [mid, w1] + (bias.map { [$0] } ?? []), outputs: node.outputs, attributes: a1)]
        case .spatial:
            let (o, i, kh, kw) = (plan.dims[0], plan.dims[1], plan.dims[2], plan.dims[3])
            // Vertical: V[c, i, h, 0] = P[(i,h), c]; horizontal: H[o, c, 0, w] = Q[c, (o,w)].
            var vert = [Float](repeating: 0, count: r * i * kh), horiz = [Float](repeating: 0, count: o * r * kw)
            for c in 0..<r { for ii in 0..<i { for h in 0..<kh { vert[(c * i + ii) * kh + h] = p[(ii * kh + h) * r + c] } } }
            for oo in 0..<o { for c in 0..<r { for x in 0..<kw { horiz[(oo * r + c) * kw + x] = q[c * n + oo * kw + x] } } }
            g.setConstant(.float32(w0, vert, shape: Shape([r, i, kh, 1])))
            g.setConstant(.float32(w1, horiz, shape: Shape([o, r, 1, kw])))
            let strides = node.ints("strides") ?? [1, 1], dil = node.ints("dilations") ?? [1, 1]
            let pads = node.ints("pads") ?? [0, 0, 0, 0]   // [top, left, bottom, right]
            var a0: [String: Attribute] = ["kernel_shape": .ints([kh, 1]), "strides": .ints([strides[0], 1]),
                                           "dilations": .ints([dil[0], 1]), "pads": .ints([pads[0], 0, pads[2], 0])]
            var a1: [String: Attribute] = ["kernel_shape": .ints([1, kw]), "strides": .ints([1, strides[1]]),
                                           "dilations": .ints([1, dil[1]]), "pads": .ints([0, pads[1], 0, pads[3]])]
            if node.string("auto_pad") == "VALID" { a0["pads"] = .ints([0, 0, 0, 0]); a1["pads"] = .ints([0, 0, 0, 0]) }
            return [Node(name: first, op: .conv, inputs: [node.inputs[0], w0], outputs: [mid], attributes: a0),
                    Node(name: second, op: .conv, inputs: [mid, w1] + (bias.map { [$0] } ?? []), outputs: node.outputs, attributes: a1)]
        }
    }
}

/// Reading a float32 constant's stored values.
enum WeightValues {
    static func floats(_ t: Tensor) -> [Float] {
        t.storage.withBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
    }
}
