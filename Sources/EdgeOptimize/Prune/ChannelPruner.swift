import EdgeIR

/// Structured channel pruning: whole output channels of Conv, Gemm and MatMul layers are removed, the
/// layers that carry those channels along are narrowed, and the layers that consume them lose the
/// matching input channels — so the pruned model is smaller and cheaper, not merely sparse.
///
/// Which channels: in each layer the fraction `ratio` (rounded down; at least one channel always stays)
/// whose filters have the smallest L1 norm (Li, Kadav, Durdanovic, Samet & Graf 2017, "Pruning Filters
/// for Efficient ConvNets") or L2 norm; the earlier channel goes first on a tie.
///
/// **Following the channels.** From the layer's output, the pruner walks forward through every node
/// that keeps channel `c` in channel `c`:
/// - element-wise activations (Relu, Clip, HardSigmoid, HardSwish, Sigmoid, Tanh, LeakyRelu …), pools and
///   global pools: nothing to change;
/// - BatchNormalization: its scale, bias, mean and variance are sliced;
/// - element-wise binary ops (Add, Sub, Mul, Div, Max, Min, Pow, PRelu) with a constant operand: the
///   operand is sliced where it varies per channel (a scalar or size-1 axis is kept);
/// - depthwise convolutions (`group` = channels, one filter each): their filters and bias are sliced and
///   `group` shrinks with them;
/// - and stops at the **consumers**: a group-1 Conv (its weight loses input channels, axis 1), a Gemm or
///   MatMul reading the channels as its K (weight rows), when the channel axis is the last one.
///
/// **Residual and gating groups.** An element-wise op whose other operand is *not* a constant — a
/// residual `Add`, the `Mul` of a squeeze-and-excitation gate — combines channel `c` of this layer with
/// channel `c` of whatever produced the other operand, so both must lose the same channels. The pruner
/// walks that operand backwards (through the ops above, and through both operands of earlier joins) to
/// the layers producing it, adds them to a **group**, walks forward from all of them together, and
/// repeats until the group is closed. Every member then loses the same channels — those with the
/// smallest norm summed over all members' filters — and every consumer of any member's channels is
/// narrowed. The group is refused (and named in ``Report/skipped``) when a join reaches a graph input,
/// an op not followed, a grouped convolution, an excluded layer or one with another channel count; the
/// same happens when the channels reach a graph output, a Concat, Reshape, Flatten, Transpose or any op
/// not listed above (their layout would change), or a constant shared with nodes outside the walk. A
/// layer pruned as a group member is not pruned again on its own.
///
/// Removing a channel also drops what it contributed after its bias and activation (a constant per
/// position), which is why the output changes more than the removed weights alone suggest; the output
/// SQNR against the original is the measure. The input graph is not modified.
public enum ChannelPruner {
    public enum Norm: String, Sendable, Codable { case l1, l2 }

    public struct Layer: Sendable, Equatable, Codable {
        public var node: String
        public var channelsBefore: Int
        public var channelsAfter: Int
        /// Nodes narrowed along with it (pass-through and consumers).
        public var narrowed: [String]
        /// The other layers whose outputs join this one's element-wise (a residual or gating group),
        /// pruned of the same channels; nil when it was pruned alone.
        public var group: [String]? = nil
    }

    public struct Report: Sendable, Equatable, Codable {
        public var layers: [Layer] = []
        public var skipped: [LowRankFactorizer.Skip] = []
        public var channelsRemoved: Int { layers.reduce(0) { $0 + $1.channelsBefore - $1.channelsAfter } }
    }

    static let unary: Set<OpType> = [.relu, .clip, .sigmoid, .tanh, .hardSwish, .hardSigmoid, .leakyRelu, .silu, .gelu,
                                     "Identity", "Elu", "Selu", "Softplus", "Neg", "Abs", "Sqrt", "Exp", "Erf", "Dropout"]
    static let binary: Set<OpType> = [.add, .sub, .mul, .div, .prelu, "Max", "Min", "Pow"]
    static let pools: Set<OpType> = [.maxPool, .averagePool, .globalAveragePool, .globalMaxPool]

    /// One change to make once a layer's walk is accepted.
    enum Edit {
        /// Keep only the kept channels of constant `name` along `axis`.
        case slice(name: String, axis: Int)
        /// Set a depthwise conv's `group` to the kept count (node index).
        case group(Int)
    }

    struct Walk {
        var edits: [Edit] = []
        var narrowed: [String] = []
    }

    /// - Parameters:
    ///   - ratio: fraction of each layer's output channels removed, in [0, 1).
    ///   - exclude: node names or op types never pruned (they may still be narrowed as consumers).
    /// - Throws: ``OptimizeError`` for a ratio outside [0, 1), before any change.
    public static func prune(_ graph: Graph, ratio: Double, norm: Norm = .l1, exclude: [String] = []) throws -> (Graph, Report) {
        guard ratio >= 0, ratio < 1, ratio.isFinite else {
            throw OptimizeError.invalidSetting(name: "channel ratio", value: "\(ratio)", expected: "a fraction in [0, 1)")
        }
        var g = graph
        foldConstantReshapes(&g)
        _ = try g.inferShapes(strict: false)
        var report = Report()
        let sources = graph.nodes.filter { [.conv, .gemm, .matMul].contains($0.op) }.map(\.name)
        var done = Set<String>()
        for name in sources where !done.contains(name) {
            guard let index = g.nodes.firstIndex(where: { $0.name == name }) else { continue }
            func skip(_ r: String) { report.skipped.append(LowRankFactorizer.Skip(node: name, reason: r)) }
            let first: Member
            switch member(g, index, exclude: exclude) {
            case .failure(let why): skip(why.why); continue
            case .success(let m): first = m
            }
            let channels = first.channels
            let remove = min(Int((ratio * Double(channels)).rounded(.down)), channels - 1)
            guard remove > 0 else { skip("ratio \(ratio) removes no channel of \(channels)"); continue }
            // The group: this layer and every layer whose channels join it element-wise (residual Adds,
            // gating Muls), grown until the joint walk meets no foreign producer.
            var group = [first]
            var walk = Walk()
            var failure: String?
            growing: while true {
                walk = Walk()
                for m in group { walk.edits += m.edits }
                var foreign: [String] = []
                if let reason = follow(g, from: group.map(\.output), axis: first.axis, channels: channels, into: &walk,
                                       sources: Set(group.map(\.index)), foreign: &foreign) {
                    failure = reason
                    break
                }
                if foreign.isEmpty { break }
                for value in foreign {
                    switch producers(g, of: value) {
                    case .failure(let why):
                        failure = "its channels meet '\(value)' at a join: \(why.why)"
                        break growing
                    case .success(let found):
                        for i in found where !group.contains(where: { $0.index == i }) {
                            switch member(g, i, exclude: exclude) {
                            case .failure(let why):
                                failure = "its channels join those of \(g.nodes[i].op.rawValue) '\(g.nodes[i].name)', which cannot be pruned with them: \(why.why)"
                                break growing
                            case .success(let m):
                                guard m.channels == channels, m.axis == first.axis else {
                                    failure = "its channels join those of '\(m.node)' (\(m.channels) channels on axis \(m.axis))"
                                    break growing
                                }
                                group.append(m)
                            }
                        }
                    }
                }
            }
            if let failure { skip(failure); continue }
            // Channels to remove: smallest norm summed over the group's filters first, earlier index on ties.
            var norms = [Double](repeating: 0, count: channels)
            for m in group {
                let t = g.constants[m.weight]!
                let dims = t.shape.values!
                let values = WeightValues.floats(t)
                let inner = dims[(m.wAxis + 1)...].reduce(1, *), outer = dims[..<m.wAxis].reduce(1, *)
                for o in 0..<outer { for c in 0..<channels { for i in 0..<inner {
                    let x = Double(values[(o * channels + c) * inner + i])
                    norms[c] += norm == .l1 ? abs(x) : x * x
                } } }
            }
            let order = (0..<channels).sorted { norms[$0] < norms[$1] || (norms[$0] == norms[$1] && $0 < $1) }
            let removed = Set(order.prefix(remove))
            let kept = (0..<channels).filter { !removed.contains($0) }
            for edit in walk.edits {
                switch edit {
                case .slice(let name, let ax):
                    let t = g.constants[name]!
                    g.setConstant(slice(t, axis: ax, keep: kept))
                case .group(let i):
                    g.nodes[i].attributes["group"] = .int(kept.count)
                }
            }
            _ = try g.inferShapes(strict: false)
            for m in group { done.insert(m.node) }
            report.layers.append(Layer(node: name, channelsBefore: channels, channelsAfter: kept.count,
                                       narrowed: walk.narrowed, group: group.count > 1 ? group.dropFirst().map(\.node) : nil))
        }
        if report.layers.isEmpty { return (graph, report) }   // nothing pruned: not even the folded reshapes
        return (g, report)
    }

    /// A layer whose output channels can be removed: its weight's output axis, the channel axis of its
    /// output value, and the slices of its weight and bias.
    struct Member {
        var index: Int
        var node: String
        var weight: String
        var wAxis: Int
        var axis: Int
        var channels: Int
        var output: String
        var edits: [Edit]
    }

    /// Whether node `i` can lose output channels (group-1 Conv, Gemm or MatMul with a float32 weight).
    static func member(_ g: Graph, _ i: Int, exclude: [String]) -> Result<Member, Unfit> {
        let node = g.nodes[i]
        guard [.conv, .gemm, .matMul].contains(node.op) else { return .failure(Unfit("\(node.op.rawValue) '\(node.name)' has no weight to prune")) }
        if exclude.contains(node.name) || exclude.contains(node.op.rawValue) { return .failure(Unfit("excluded")) }
        guard let wName = node.input(1), let w = g.constants[wName], w.dtype == .float32, w.quantization == nil,
              let dims = w.shape.values, w.storage.isPresent else { return .failure(Unfit("weight is not a float32 constant")) }
        let wAxis: Int
        switch node.op {
        case .conv:
            guard node.int("group", default: 1) == 1, dims.count >= 3 else { return .failure(Unfit("grouped or depthwise convolution (narrowed with its input instead)")) }
            wAxis = 0
        case .gemm:
            guard dims.count == 2 else { return .failure(Unfit("weight is not 2-D")) }
            wAxis = node.int("transB", default: 0) == 1 ? 0 : 1
        default:
            guard dims.count == 2 else { return .failure(Unfit("weight is not 2-D")) }
            wAxis = 1
        }
        let channels = dims[wAxis]
        guard let outType = g.valueTypes[node.outputs[0]], let rank = outType.shape.rank as Int?, rank >= 2 else {
            return .failure(Unfit("output shape unknown"))
        }
        var edits: [Edit] = [.slice(name: wName, axis: wAxis)]
        if let b = node.input(2), let bt = g.constants[b] {
            let bd = bt.shape.values ?? []
            if bd.reduce(1, *) == channels { edits.append(.slice(name: b, axis: bd.count - 1)) }
            else if bd.reduce(1, *) != 1 { return .failure(Unfit("bias of shape \(bd) cannot be sliced per channel")) }
        }
        return .success(Member(index: i, node: node.name, weight: wName, wAxis: wAxis, axis: node.op == .conv ? 1 : rank - 1,
                               channels: channels, output: node.outputs[0], edits: edits))
    }

    /// The layers whose output channels reach `value` unchanged in position: walked backwards through
    /// the ops ``follow`` passes (activations, pools, BatchNormalization, depthwise convolutions,
    /// element-wise ops — both operands of a join) to Conv, Gemm or MatMul nodes.
    static func producers(_ g: Graph, of value: String) -> Result<[Int], Unfit> {
        var producer: [String: Int] = [:]
        for (i, n) in g.nodes.enumerated() { for o in n.outputs where !o.isEmpty { producer[o] = i } }
        var found: [Int] = []
        var seen = Set<String>()
        var queue = [value]
        while let v = queue.popLast() {
            guard seen.insert(v).inserted else { continue }
            guard let i = producer[v] else { return .failure(Unfit("'\(v)' is a graph input, not a layer's output")) }
            let n = g.nodes[i]
            if [.conv, .gemm, .matMul].contains(n.op), !(n.op == .conv && n.int("group", default: 1) != 1) {
                found.append(i)
            } else if n.op == .conv {
                // Depthwise (one filter per channel): channel c comes from input channel c.
                guard let w = n.input(1), let d = g.constants[w]?.shape.values, d.count >= 2, d[1] == 1, n.int("group", default: 1) == d[0] else {
                    return .failure(Unfit("'\(v)' comes from the grouped convolution '\(n.name)'"))
                }
                queue.append(n.inputs[0])
            } else if unary.contains(n.op) || pools.contains(n.op) || n.op == .batchNorm {
                queue.append(n.inputs[0])
            } else if binary.contains(n.op) {
                for x in n.inputs where !x.isEmpty && !g.isConstant(x) { queue.append(x) }
            } else {
                return .failure(Unfit("'\(v)' comes from \(n.op.rawValue) '\(n.name)', which is not followed"))
            }
        }
        return .success(found)
    }

    /// Walks the channels forward from `value`; returns why the layer cannot be pruned, or nil with the
    /// edits recorded in `walk`.
    static func follow(_ g: Graph, from values: [String], axis: Int, channels: Int, into walk: inout Walk, sources: Set<Int>,
                       foreign: inout [String]) -> String? {
        let consumers = g.consumers
        var members = Set(values)
        var queue = values
        var visited = Set<Int>()
        var joins: [(Int, [String])] = []
        var edited: Set<String> = []
        var readers: [String: Set<Int>] = [:]
        for (i, n) in g.nodes.enumerated() { for x in n.inputs where g.isConstant(x) { readers[x, default: []].insert(i) } }
        func sliceConst(_ name: String, at i: Int, valueRank: Int) -> String? {
            guard let t = g.constants[name], let d = t.shape.values else { return "constant '\(name)' has no static shape" }
            let a = axis - (valueRank - d.count)
            guard a >= 0, d[a] != 1 else { return nil }   // broadcast along the channels
            guard d[a] == channels, t.dtype == .float32, t.quantization == nil else { return "constant '\(name)' of shape \(d) does not match \(channels) channels" }
            guard readers[name] == [i] else { return "constant '\(name)' is shared with other nodes" }
            if !edited.contains(name) { walk.edits.append(.slice(name: name, axis: a)); edited.insert(name) }
            return nil
        }
        while let v = queue.popLast() {
            if g.outputs.contains(where: { $0.name == v }) { return "its channels reach the graph output '\(v)'" }
            let rank = g.valueTypes[v]?.shape.rank ?? 0
            for i in consumers[v] ?? [] where !visited.contains(i) {
                visited.insert(i)
                let n = g.nodes[i]
                let label = "\(n.op.rawValue) '\(n.name)'"
                func pass() { walk.narrowed.append(n.name); for o in n.outputs.prefix(1) where !members.contains(o) { members.insert(o); queue.append(o) } }
                if unary.contains(n.op) || pools.contains(n.op) {
                    if pools.contains(n.op) && axis != 1 { return "\(label) pools a layout whose channels are not axis 1" }
                    guard n.inputs.first == v else { return "the channels are a parameter of \(label)" }
                    pass()
                } else if n.op == .batchNorm {
                    guard n.inputs.first == v, axis == 1 else { return "\(label) normalises another axis" }
                    for p in n.inputs.dropFirst() where !p.isEmpty {
                        if let r = sliceConst(p, at: i, valueRank: 2) { return r }
                    }
                    pass()
                } else if binary.contains(n.op) {
                    var others: [String] = []
                    for x in n.inputs where x != v && !x.isEmpty {
                        if g.isConstant(x) {
                            if let r = sliceConst(x, at: i, valueRank: rank) { return r }
                        } else { others.append(x) }
                    }
                    joins.append((i, others))
                    pass()
                } else if n.op == .conv, n.inputs.first == v, let wn = n.input(1), let wt = g.constants[wn], let d = wt.shape.values {
                    let group = n.int("group", default: 1)
                    if group == 1 {
                        guard axis == 1, d[1] == channels else { return "\(label) reads \(d[1]) input channels, not \(channels)" }
                        guard readers[wn] == [i] else { return "weight of \(label) is shared" }
                        walk.edits.append(.slice(name: wn, axis: 1))
                        walk.narrowed.append(n.name)
                    } else if group == channels && d[0] == channels && d[1] == 1 {
                        guard readers[wn] == [i] else { return "weight of \(label) is shared" }
                        walk.edits.append(.slice(name: wn, axis: 0))
                        if let b = n.input(2), let r = sliceConst(b, at: i, valueRank: 1 + axis) { return r }
                        walk.edits.append(.group(i))
                        pass()
                    } else {
                        return "\(label) is a grouped convolution (\(group) groups)"
                    }
                } else if n.op == .gemm || n.op == .matMul, n.inputs.first == v, let wn = n.input(1), let wt = g.constants[wn], let d = wt.shape.values, d.count == 2 {
                    guard axis == rank - 1 else { return "\(label) reads these channels through another axis" }
                    if n.op == .gemm && n.int("transA", default: 0) != 0 { return "\(label) has transA" }
                    let kAxis = n.op == .gemm && n.int("transB", default: 0) == 1 ? 1 : 0
                    guard d[kAxis] == channels else { return "\(label) reads \(d[kAxis]) features, not \(channels)" }
                    guard readers[wn] == [i] else { return "weight of \(label) is shared" }
                    walk.edits.append(.slice(name: wn, axis: kAxis))
                    walk.narrowed.append(n.name)
                } else {
                    return "its channels reach \(label), which is not followed"
                }
            }
        }
        for (_, others) in joins { for x in others where !members.contains(x) && !foreign.contains(x) { foreign.append(x) } }
        return nil
    }

    /// Replaces every Reshape of a float32 constant by a constant constant of the new shape — PaddlePaddle's
    /// exports add a conv bias as `Add(conv, Reshape(bias [C], [1, C, 1, 1]))` — so the walk sees a
    /// constant operand it can slice, not a join. The values and every other node are unchanged.
    static func foldConstantReshapes(_ g: inout Graph) {
        var used: [String: Int] = [:]
        for n in g.nodes { for x in n.inputs { used[x, default: 0] += 1 } }
        g.nodes = g.nodes.filter { n in
            guard n.op == .reshape, n.outputs.count == 1, let data = n.input(0), let shapeName = n.input(1),
                  let t = g.constants[data], t.dtype == .float32, t.quantization == nil, t.storage.isPresent,
                  let dims = t.shape.values, let target = g.constants[shapeName]?.integerValues(),
                  !g.outputs.contains(where: { $0.name == n.outputs[0] }), n.int("allowzero", default: 0) == 0 else { return true }
            let count = dims.reduce(1, *)
            var out = target.enumerated().map { i, d in d == 0 && i < dims.count ? dims[i] : Int(d) }
            if let k = out.firstIndex(of: -1) {
                let known = out.enumerated().filter { $0.offset != k }.reduce(1) { $0 * $1.element }
                guard known > 0, count % known == 0 else { return true }
                out[k] = count / known
            }
            guard out.allSatisfy({ $0 >= 0 }), out.reduce(1, *) == count else { return true }
            g.setConstant(.float32(n.outputs[0], WeightValues.floats(t), shape: Shape(out)))
            if used[data] == 1 { g.removeConstant(named: data) }
            return false
        }
    }

    /// `t` with only the `keep` indices along `axis`.
    static func slice(_ t: Tensor, axis: Int, keep: [Int]) -> Tensor {
        let d = t.shape.values!
        let v = WeightValues.floats(t)
        let outer = d[..<axis].reduce(1, *), inner = d[(axis + 1)...].reduce(1, *), n = d[axis]
        var out: [Float] = []
        out.reserveCapacity(outer * keep.count * inner)
        for o in 0..<outer { for c in keep { out.append(contentsOf: v[((o * n + c) * inner)..<((o * n + c) * inner + inner)]) } }
        var nd = d
        nd[axis] = keep.count
        return .float32(t.name, out, shape: Shape(nd))
    }
}
