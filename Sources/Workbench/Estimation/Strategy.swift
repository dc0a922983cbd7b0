import EdgeOptimize
import EdgeSim

/// A compression strategy as the workbench compares it: a pipeline, plus the per-layer precision overrides the
/// user set on the Tune screen (which win over the pipeline).
public struct Strategy: Sendable, Equatable, Hashable {
    public var name: String
    public var pipeline: PipelineSpec
    public var overrides: [String: LayerPrecision]

    public init(name: String? = nil, pipeline: PipelineSpec, overrides: [String: LayerPrecision] = [:]) {
        self.name = name ?? pipeline.name
        self.pipeline = pipeline
        self.overrides = overrides
    }

    /// A one-line description: the pipeline's arrow form and the number of overridden layers.
    public var summary: String {
        overrides.isEmpty ? pipeline.summary : pipeline.summary + " + \(overrides.count) layer override\(overrides.count == 1 ? "" : "s")"
    }

    public func hash(into h: inout Hasher) {
        h.combine(name)
        h.combine(pipeline.summary)
        h.combine(pipeline.steps.count)
        for (k, v) in overrides.sorted(by: { $0.key < $1.key }) {
            h.combine(k)
            h.combine(v)
        }
    }

    /// The first quantize step's settings, if the pipeline quantizes.
    public var quantize: QuantizeSettings? {
        for s in pipeline.steps { if case .quantize(let q) = s { return q } }
        return nil
    }

    /// The prune step's settings, if any.
    public var prune: PruneSettings? {
        for s in pipeline.steps { if case .prune(let p) = s { return p } }
        return nil
    }

    /// The low-rank step's settings, if any.
    public var lowRank: LowRankSettings? {
        for s in pipeline.steps { if case .lowRank(let l) = s { return l } }
        return nil
    }
}

extension LayerPrecision {
    /// The simulator precision a layer at this precision runs at.
    ///
    /// int4 is weight-only (the Tune screen's int4 keeps float activations, as ``StrategyEstimate`` does), which is
    /// the simulator's `w4a16`: 4-bit group-quantized weights with fp16 compute. `skip` keeps the model's own
    /// weights and is resolved by ``PrecisionAssignment`` before this is asked.
    public var simulatorPrecision: Precision {
        switch self {
        case .fp32, .skip: return .fp32
        case .fp16: return .fp16
        case .int8: return .int8
        case .int4: return .w4a16
        }
    }

    /// The next precision in the Tune screen's cycle (fp32 → fp16 → int8 → int4 → skip → fp32).
    public var next: LayerPrecision {
        let all = LayerPrecision.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    public var previous: LayerPrecision {
        let all = LayerPrecision.allCases
        return all[(all.firstIndex(of: self)! + all.count - 1) % all.count]
    }
}
