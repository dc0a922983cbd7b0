import EdgeIR

/// Magnitude pruning of the weights of Conv, Gemm and MatMul: the smallest weights by |w| become zero.
///
/// - Unstructured: a fraction `sparsity` of each layer's weights (scope `layer`), or of all the
///   targeted weights together under one threshold (scope `global`, so layers with many small weights
///   lose more). `floor(sparsity × count)` weights are zeroed; on equal magnitudes the earlier index
///   (row-major) goes first, so the result does not depend on sort stability.
/// - N:M (e.g. 2:4, as NVIDIA's sparse tensor cores run it): in every group of M consecutive weights
///   along the reduction axis, the N largest by |w| are kept (the earlier index wins a tie). The
///   reduction axis is the one the op sums over: input channels (axis 1) for Conv `[O, I, kh, kw]`,
///   K for MatMul `[…, K, N]` (axis rank−2) and Gemm (`[K, N]`, or `[N, K]` with `transB = 1`).
///
/// `exclude` names nodes or op types (`Conv`, `MatMul` …) whose weights stay as they are.
///
/// Weights are rewritten as zeros in place of the pruned values (the tensor keeps its shape and dtype;
/// the saving shows once a sparse or compressed format stores it). Every weight and every setting is
/// checked before any weight is changed; the input graph is not modified.
public enum MagnitudePruner {
    public struct Layer: Sendable, Equatable, Codable {
        public var node: String
        public var weight: String
        public var elements: Int
        /// Weights equal to zero after pruning (including those that were zero before).
        public var zeros: Int
        public var sparsity: Double { elements == 0 ? 0 : Double(zeros) / Double(elements) }
    }

    public struct Report: Sendable, Equatable, Codable {
        public var layers: [Layer] = []
        public var elements: Int { layers.reduce(0) { $0 + $1.elements } }
        public var zeros: Int { layers.reduce(0) { $0 + $1.zeros } }
        /// Fraction of all pruned-layer weights that are zero.
        public var sparsity: Double { elements == 0 ? 0 : Double(zeros) / Double(elements) }
    }

    struct Target {
        var node: Node
        var weight: String
        var dims: [Int]
        var values: [Float]
    }

    /// The float32 weights of Conv/Gemm/MatMul with stored values, each taken once.
    static func targets(_ graph: Graph, exclude: [String]) throws -> [Target] {
        var out: [Target] = []
        var seen = Set<String>()
        for node in graph.nodes where [.conv, .gemm, .matMul].contains(node.op) {
            guard let w = node.input(1), !seen.contains(w), let t = graph.constants[w], t.dtype == .float32,
                  t.quantization == nil, let dims = t.shape.values, t.storage.isPresent else { continue }
            seen.insert(w)
            if exclude.contains(node.name) || exclude.contains(node.op.rawValue) { continue }
            let values: [Float] = t.storage.withBytes { raw in
                (0..<(raw.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
            }
            guard values.count == dims.reduce(1, *) else {
                throw OptimizeError.badTensor(name: w, reason: "\(values.count) stored values for shape \(dims)")
            }
            if let bad = values.first(where: { !$0.isFinite }) {
                throw OptimizeError.badTensor(name: w, reason: "holds \(bad); magnitude pruning needs finite weights")
            }
            out.append(Target(node: node, weight: w, dims: dims, values: values))
        }
        return out
    }

    static func store(_ values: [Float], _ t: Target, in g: inout Graph, report: inout Report) {
        let old = g.constants[t.weight]!
        g.setConstant(.float32(t.weight, values, shape: old.shape))
        report.layers.append(Layer(node: t.node.name, weight: t.weight, elements: values.count,
                                   zeros: values.reduce(0) { $0 + ($1 == 0 ? 1 : 0) }))
    }

    /// The `k` indices of smallest magnitude, the earlier index first on ties: everything below the
    /// k-th smallest magnitude, then values equal to it in index order until k are taken.
    static func smallest(_ v: [Float], _ k: Int) -> [Int] {
        guard k > 0 else { return [] }
        let mags = v.map { abs($0) }
        let threshold = mags.sorted()[k - 1]
        var out = v.indices.filter { mags[$0] < threshold }
        for i in v.indices where out.count < k && mags[i] == threshold { out.append(i) }
        return out
    }

    /// Unstructured magnitude pruning.
    /// - Throws: ``OptimizeError/invalidSetting(name:value:expected:)`` for a sparsity outside [0, 1);
    ///   ``OptimizeError/unsupported(_:)`` when the graph has no float weight to prune.
    public static func prune(_ graph: Graph, sparsity: Double, global: Bool = false, exclude: [String] = []) throws -> (Graph, Report) {
        guard sparsity >= 0, sparsity < 1, sparsity.isFinite else {
            throw OptimizeError.invalidSetting(name: "sparsity", value: "\(sparsity)", expected: "a fraction in [0, 1)")
        }
        let ts = try targets(graph, exclude: exclude)
        guard !ts.isEmpty else { throw OptimizeError.unsupported("no float32 Conv/Gemm/MatMul weight to prune") }
        var g = graph
        var report = Report()
        if global {
            // One threshold over every weight: concatenate, rank, zero the smallest k.
            let all = ts.flatMap(\.values)
            let k = Int((sparsity * Double(all.count)).rounded(.down))
            var zero = [Bool](repeating: false, count: all.count)
            for i in smallest(all, k) { zero[i] = true }
            var offset = 0
            for t in ts {
                var v = t.values
                for i in v.indices where zero[offset + i] { v[i] = 0 }
                offset += v.count
                store(v, t, in: &g, report: &report)
            }
        } else {
            for t in ts {
                var v = t.values
                let k = Int((sparsity * Double(v.count)).rounded(.down))
                for i in smallest(v, k) { v[i] = 0 }
                store(v, t, in: &g, report: &report)
            }
        }
        return (g, report)
    }

    /// The axis a node sums its weight over (see the type's documentation).
    static func reductionAxis(_ node: Node, rank: Int) -> Int {
        switch node.op {
        case .conv: return rank >= 2 ? 1 : 0
        case .gemm:
            let transB = node.attributes["transB"].flatMap { if case .int(let v) = $0 { return v } else { return nil } } ?? 0
            return transB == 1 ? 1 : 0
        default: return max(0, rank - 2)
        }
    }

    /// N:M structured pruning (keep `n` of every `m` along the reduction axis).
    /// - Throws: ``OptimizeError/invalidSetting(name:value:expected:)`` unless 1 ≤ n < m;
    ///   ``OptimizeError/badTensor(name:reason:)`` naming the first weight whose reduction axis is not
    ///   a multiple of m — before any weight is changed.
    public static func pruneNM(_ graph: Graph, n: Int, m: Int, exclude: [String] = []) throws -> (Graph, Report) {
        guard n >= 1, n < m else {
            throw OptimizeError.invalidSetting(name: "N:M pattern", value: "\(n):\(m)", expected: "1 ≤ N < M, e.g. 2:4")
        }
        let ts = try targets(graph, exclude: exclude)
        guard !ts.isEmpty else { throw OptimizeError.unsupported("no float32 Conv/Gemm/MatMul weight to prune") }
        for t in ts {
            let axis = reductionAxis(t.node, rank: t.dims.count)
            guard t.dims[axis] % m == 0 else {
                throw OptimizeError.badTensor(name: t.weight, reason: "\(n):\(m) pruning needs its reduction axis \(axis) (size \(t.dims[axis]), shape \(t.dims)) to be a multiple of \(m)")
            }
        }
        var g = graph
        var report = Report()
        for t in ts {
            let axis = reductionAxis(t.node, rank: t.dims.count)
            let d = t.dims[axis]
            let inner = t.dims[(axis + 1)...].reduce(1, *)
            let outer = t.dims[..<axis].reduce(1, *)
            var v = t.values
            for o in 0..<outer {
                for start in stride(from: 0, to: d, by: m) {
                    for i in 0..<inner {
                        let idx = (0..<m).map { o * d * inner + (start + $0) * inner + i }
                        let order = idx.sorted { abs(v[$0]) > abs(v[$1]) || (abs(v[$0]) == abs(v[$1]) && $0 < $1) }
                        for j in order.dropFirst(n) { v[j] = 0 }
                    }
                }
            }
            store(v, t, in: &g, report: &report)
        }
        return (g, report)
    }
}
