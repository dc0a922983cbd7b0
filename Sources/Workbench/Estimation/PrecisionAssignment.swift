import EdgeIR
import EdgeOptimize

/// The precision every layer of a model runs at under a strategy, and the exact size and compute that follow.
///
/// Weighted layers take the pipeline's precision (``StrategyEstimate``), overridden per layer by the user;
/// `skip` keeps the model's stored precision. Layers without weights (activations, pooling, adds) run in the
/// type of the values flowing into them, so they follow their first producer; layers fed only by graph inputs
/// take the dominant precision. Size, parameters and MACs are exact: they come from the cost report of the
/// strategy's retyped graph.
public struct PrecisionAssignment: Sendable, Equatable {
    /// One precision per workload layer (never `skip`: resolved to the stored precision).
    public var layers: [LayerPrecision]
    /// The precision carrying the most MACs; the simulation run the per-layer mix is composed on.
    public var dominant: LayerPrecision
    /// Distinct precisions used, in `LayerPrecision.allCases` order.
    public var used: [LayerPrecision]
    /// Exact weight bytes of the strategy's model (scales and zero points included).
    public var weightBytes: Int
    public var parameters: Int
    public var macs: Int
    /// Peak live activation bytes under the strategy's activation types.
    public var peakActivationBytes: Int
    /// What the architecture alone cannot tell (rank of a low-rank step, channel pruning), one line each.
    public var notes: [String]
    /// Fraction of weights pruned to zero (0 without a prune step).
    public var sparsity: Double

    /// Whether size, parameters and MACs came from a cost report (false: the model's own, with a note).
    var costed: Bool

    /// Assigns precisions for `strategy` on `model`.
    /// - Complexity: one pass over the graph plus one cost report (O(nodes)).
    public init(model: WorkbenchModel, strategy: Strategy) {
        let estimate = StrategyEstimate(graph: model.graph, pipeline: strategy.pipeline, overrides: strategy.overrides)
        self.init(model: model, strategy: strategy, estimate: estimate, totals: nil)
    }

    /// Assigns precisions for `strategy` from the assignment of its pipeline alone (`base`, made from `baseEstimate`):
    /// the overrides are applied on the pipeline's retyped graph and the totals follow from `base`'s — the same
    /// figures as ``init(model:strategy:)`` without a cost report. Retyping a weight changes neither its element
    /// count (parameters) nor any shape (MACs); the weight bytes change by each retyped weight's difference (scales
    /// and zero points included, counted once per weight as the cost report does); the activation peak is
    /// recomputed from the retyped graph.
    /// - Complexity: O(nodes × overrides) plus one liveness sweep (O(nodes + edges)).
    public init(model: WorkbenchModel, strategy: Strategy, over base: PrecisionAssignment, baseEstimate: StrategyEstimate) {
        guard base.costed, !strategy.overrides.isEmpty else {
            self.init(model: model, strategy: strategy)
            return
        }
        let estimate = baseEstimate.overriding(strategy.overrides, original: model.graph)
        let before = baseEstimate.graph, after = estimate.graph
        func bytes(_ name: String, _ g: Graph) -> Int {
            guard let c = g.constants[name] else { return 0 }
            return (g.valueTypes[name]?.byteCount ?? 0) + (c.quantization?.overheadBytes(elements: c.shape.elementCount ?? 0) ?? 0)
        }
        var touched = Set<String>()
        for name in strategy.overrides.keys {
            guard let n = after.nodes.first(where: { $0.name == name }) else { continue }
            let nonParameter = OpRegistry.schema(for: n.op)?.nonParameterInputs ?? []
            for (k, v) in n.inputs.enumerated() where !v.isEmpty && !nonParameter.contains(k) && after.isConstant(v) {
                touched.insert(v)
            }
        }
        var weightBytes = base.weightBytes
        for name in touched { weightBytes += bytes(name, after) - bytes(name, before) }
        let totals = (weightBytes: weightBytes, parameters: base.parameters, macs: base.macs,
                      peak: ActivationMemory(graph: after).peakBytes)
        self.init(model: model, strategy: strategy, estimate: estimate, totals: totals)
    }

    /// Assigns precisions for `strategy` from its already made `estimate`; `totals` when known without a cost report.
    init(model: WorkbenchModel, strategy: Strategy, estimate: StrategyEstimate,
         totals: (weightBytes: Int, parameters: Int, macs: Int, peak: Int)? = nil) {
        let stored = model.storedPrecision
        let n = model.layerCount
        var assigned = [LayerPrecision?](repeating: nil, count: n)
        for i in 0..<n where model.isWeighted[i] {
            var p = estimate.layerPrecision[model.graph.nodes[i].name] ?? stored
            if p == .skip { p = stored }
            assigned[i] = p
        }
        var macsBy: [LayerPrecision: Double] = [:]
        for i in 0..<n { if let p = assigned[i] { macsBy[p, default: 0] += model.workload.layers[i].macs } }
        let dominant = macsBy.max { a, b in a.value < b.value || (a.value == b.value && a.key.rawValue > b.key.rawValue) }?.key ?? stored
        var out = [LayerPrecision](repeating: dominant, count: n)
        for i in 0..<n {
            if let p = assigned[i] {
                out[i] = p
            } else if let first = model.workload.layers[i].producers.first(where: { $0.layer >= 0 && $0.layer < i }) {
                out[i] = out[first.layer]
            }
        }
        layers = out
        self.dominant = dominant
        let set = Set(out)
        used = LayerPrecision.allCases.filter { set.contains($0) }
        notes = estimate.notes
        var sparsity = 0.0
        for step in strategy.pipeline.steps { if case .prune(let p) = step { sparsity = 1 - (1 - sparsity) * (1 - p.effectiveSparsity) } }
        self.sparsity = sparsity
        costed = true
        if let totals {
            weightBytes = totals.weightBytes
            parameters = totals.parameters
            macs = totals.macs
            peakActivationBytes = totals.peak
        } else if let report = try? estimate.graph.costReport() {
            weightBytes = report.total.weightBytes
            parameters = report.total.parameters
            macs = report.total.macs
            peakActivationBytes = report.peakActivationBytes
        } else {
            costed = false
            weightBytes = model.inspection.summary.weightBytes
            parameters = model.inspection.summary.parameters
            macs = model.inspection.summary.macs
            peakActivationBytes = model.inspection.summary.peakActivationBytes
            notes.append("the strategy's graph could not be costed; size shown unchanged")
        }
    }
}
