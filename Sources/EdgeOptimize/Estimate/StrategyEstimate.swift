import EdgeIR

/// A layer's numeric precision as the Tune screen and per-layer overrides name it.
public enum LayerPrecision: String, Sendable, Codable, CaseIterable {
    case fp32, fp16, int8, int4
    /// Leave the layer exactly as the model has it.
    case skip
}

/// What a strategy does to a model, estimated on its architecture before any weight is touched.
///
/// Edgewise shows size, compute and device latency for every strategy on every device instantly, so it
/// cannot run calibration and SVDs on each keypress. This estimate changes what is knowable from the
/// architecture alone: each weight's stored type (so size is exact for that format, scales included),
/// each node's activation type (`activation_dtype`, so memory traffic and peak memory shrink), and
/// pruning sparsity (`sparsity`, for devices that exploit it). Numbers that depend on the weights —
/// the rank an energy threshold keeps, accuracy — are not guessed here: they are listed in ``notes``
/// and come from the measured pipeline run.
public struct StrategyEstimate: Sendable {
    /// The model with weights retyped and nodes annotated.
    public var graph: Graph
    /// Per-layer precision after the strategy and overrides, for nodes that have weights.
    public var layerPrecision: [String: LayerPrecision]
    /// What could not be estimated from the architecture, one line each.
    public var notes: [String]

    /// Ops whose weights quantization acts on.
    public static let weightedOps: Set<OpType> = [.conv, .convTranspose, .gemm, .matMul, .fullyConnected, .embedding, .gather]

    /// Applies `pipeline` (and per-layer `overrides`, which win) to `graph`.
    public init(graph input: Graph, pipeline: PipelineSpec, overrides: [String: LayerPrecision] = [:]) {
        var g = input
        var notes: [String] = []
        var precision: [String: LayerPrecision] = [:]
        var sparsity = 0.0
        for step in pipeline.steps {
            switch step {
            case .quantize(let q):
                for n in g.nodes where StrategyEstimate.weightedOps.contains(n.op) && !q.exclude.contains(n.name)
                    && !q.exclude.contains(n.op.rawValue) {
                    precision[n.name] = StrategyEstimate.layerPrecision(q.precision)
                }
                StrategyEstimate.quantize(&g, q, notes: &notes)
            case .prune(let p):
                sparsity = 1 - (1 - sparsity) * (1 - p.effectiveSparsity)
                if p.method == .channel {
                    notes.append("channel pruning changes shapes; its params/MACs come from the measured pipeline run")
                }
            case .lowRank(let l):
                notes.append("low-rank rank for \(l.summary) depends on the weights; measured by the pipeline run")
            case .finetune:
                break   // changes weight values only: same size, params and MACs
            }
        }
        if sparsity > 0 {
            for i in g.nodes.indices where StrategyEstimate.weightedOps.contains(g.nodes[i].op) {
                g.nodes[i].attributes["sparsity"] = .float(sparsity)
            }
        }
        graph = g
        layerPrecision = precision
        self.notes = notes
        applyOverrides(overrides, original: input)
    }

    /// This estimate with per-layer `overrides` applied on top (they win over the pipeline's precisions), where
    /// `original` is the graph the estimate was made from: the same result as
    /// `init(graph: original, pipeline: pipeline, overrides: overrides)` without running the pipeline again.
    /// - Complexity: O(nodes × overrides).
    public func overriding(_ overrides: [String: LayerPrecision], original: Graph) -> StrategyEstimate {
        var e = self
        e.applyOverrides(overrides, original: original)
        return e
    }

    mutating func applyOverrides(_ overrides: [String: LayerPrecision], original: Graph) {
        for (name, p) in overrides {
            guard let i = graph.nodes.firstIndex(where: { $0.name == name }) else { continue }
            layerPrecision[name] = p
            StrategyEstimate.setPrecision(&graph, node: i, p, original: original)
        }
    }

    static func layerPrecision(_ p: QuantPrecision) -> LayerPrecision {
        switch p {
        case .fp16, .bf16: return .fp16
        case .int8, .q8_0: return .int8
        case .int4, .q4_0, .q4_1, .q4_K, .q6_K: return .int4
        }
    }

    static func quantize(_ g: inout Graph, _ q: QuantizeSettings, notes: inout [String]) {
        for i in g.nodes.indices {
            let n = g.nodes[i]
            guard weightedOps.contains(n.op), !q.exclude.contains(n.name), !q.exclude.contains(n.op.rawValue) else { continue }
            guard let wIndex = weightInput(n, g), let w = g.constants[n.inputs[wIndex]], w.dtype.isFloatingPoint else { continue }
            let (dtype, quant) = target(q, weight: w, op: n.op, notes: &notes)
            retype(&g, w.name, dtype, quant)
            if q.precision == .int8 && q.mode == .static {
                g.nodes[i].attributes["activation_dtype"] = .string(DType.int8.rawValue)
                // Biases become int32 (scale = input scale × weight scale), as TFLite and QDQ ONNX store them.
                if n.inputs.count > 2, let b = g.constants[n.inputs[2]], b.dtype.isFloatingPoint {
                    retype(&g, b.name, .int32, nil)
                }
            } else if q.precision == .fp16 || q.precision == .bf16 {
                g.nodes[i].attributes["activation_dtype"] = .string(q.precision == .fp16 ? "float16" : "bfloat16")
            }
        }
        if q.precision == .int8 && q.mode == .static {
            // Activations between quantized layers are int8 too (pooling, adds, activations).
            for i in g.nodes.indices where !weightedOps.contains(g.nodes[i].op)
                && !q.exclude.contains(g.nodes[i].name) && !q.exclude.contains(g.nodes[i].op.rawValue) {
                g.nodes[i].attributes["activation_dtype"] = .string(DType.int8.rawValue)
            }
        }
    }

    /// Weight type and quantization parameters a setting gives one weight.
    static func target(_ q: QuantizeSettings, weight w: Tensor, op: OpType, notes: inout [String]) -> (DType, Quantization?) {
        let rows = w.shape.dims.last?.value ?? 0
        let channels = w.shape.dims.first?.value ?? 1
        switch q.precision {
        case .fp16: return (.float16, nil)
        case .bf16: return (.bfloat16, nil)
        case .int8:
            if q.granularity == .group { return (.int8, .groupwise(groupSize: q.groupSize, symmetric: q.symmetric)) }
            if q.granularity == .perTensor { return (.int8, .perTensor(scale: 1, zeroPoint: 0)) }
            return (.int8, .perAxis(axis: 0, scales: Array(repeating: 1, count: channels),
                                    zeroPoints: q.symmetric ? [] : Array(repeating: 0, count: channels)))
        case .int4:
            return (.int4, .groupwise(groupSize: q.groupSize, symmetric: q.symmetric))
        case .q8_0, .q4_0, .q4_1, .q4_K, .q6_K:
            let t = DType(rawValue: q.precision.rawValue) ?? .q8_0
            // Block formats quantize along rows; llama.cpp falls back when a row is not a whole number of blocks.
            if rows % t.blockSize == 0 { return (t, .block) }
            let fallback: DType = rows % 32 == 0 ? .q8_0 : .float16
            notes.append("\(w.name): rows of \(rows) are not whole \(t.rawValue) blocks; stored as \(fallback.rawValue)")
            return (fallback, fallback == .q8_0 ? .block : nil)
        }
    }

    /// Index of the main weight input of a weighted node (the embedding table for lookups).
    static func weightInput(_ n: Node, _ g: Graph) -> Int? {
        switch n.op {
        case .gather: return g.isConstant(n.inputs.first ?? "") ? 0 : nil
        case .embedding: return n.inputs.count > 1 ? 1 : nil
        case .matMul, .gemm:
            if n.inputs.count > 1, g.isConstant(n.inputs[1]) { return 1 }
            return g.isConstant(n.inputs.first ?? "") ? 0 : nil
        default: return n.inputs.count > 1 && g.isConstant(n.inputs[1]) ? 1 : nil
        }
    }

    static func retype(_ g: inout Graph, _ name: String, _ dtype: DType, _ quant: Quantization?) {
        guard var t = g.constants[name] else { return }
        t.type.dtype = dtype
        t.quantization = quant
        t.storage = .absent
        g.setConstant(t)
    }

    static func setPrecision(_ g: inout Graph, node i: Int, _ p: LayerPrecision, original: Graph) {
        let n = g.nodes[i]
        guard let wi = weightInput(n, g), let w = original.constants[n.inputs[wi]] else { return }
        var notes: [String] = []
        switch p {
        case .skip, .fp32:
            g.setConstant(w)
            g.nodes[i].attributes["activation_dtype"] = nil
        case .fp16:
            retype(&g, w.name, .float16, nil)
            g.nodes[i].attributes["activation_dtype"] = .string("float16")
        case .int8:
            let (d, q) = target(QuantizeSettings(precision: .int8), weight: w, op: n.op, notes: &notes)
            retype(&g, w.name, d, q)
            g.nodes[i].attributes["activation_dtype"] = .string("int8")
        case .int4:
            retype(&g, w.name, .int4, .groupwise(groupSize: 128, symmetric: true))
            g.nodes[i].attributes["activation_dtype"] = nil
        }
    }
}
