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

    /// Assigns precisions for `strategy` on `model`.
    /// - Complexity: one pass over the graph plus one cost report (O(nodes)).
    public init(model: WorkbenchModel, strategy: Strategy) {
        let estimate = StrategyEstimate(graph: model.graph, pipeline: strategy.pipeline, overrides: strategy.overrides)
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
        if let report = try? estimate.graph.costReport() {
            weightBytes = report.total.weightBytes
            parameters = report.total.parameters
            macs = report.total.macs
            peakActivationBytes = report.peakActivationBytes
        } else {
            weightBytes = model.inspection.summary.weightBytes
            parameters = model.inspection.summary.parameters
            macs = model.inspection.summary.macs
            peakActivationBytes = model.inspection.summary.peakActivationBytes
            notes.append("the strategy's graph could not be costed; size shown unchanged")
        }
    }
}
