import EdgeEngine
import EdgeIR
import Foundation

/// Per-layer precision (fp32 / fp16 / int8 / int4) chosen to minimise an objective — stored weight
/// bytes by default, or any closure such as a device's simulated latency — while the model keeps a
/// maximum accuracy drop or a minimum output SQNR, within a time budget.
///
/// The search is anytime: it starts from the original model (which meets any constraint) and only
/// ever replaces its best model by one that was *measured* on the engine to meet the constraint and to
/// score lower, so stopping it at any moment — time budget, cancellation — returns a valid model.
///
/// 1. Sensitivity: each layer alone in each candidate precision (one engine evaluation each), narrowest
///    first so the biggest savings are known soonest.
/// 2. Greedy descent: from the current assignment, the move (one layer to a narrower precision) with the
///    largest objective gain per unit of estimated extra output noise is applied and the whole model
///    measured; it is kept if the constraint holds, otherwise that layer is not narrowed that far again.
///    Noise is estimated as the sum of the single-layer noise energies (quantization errors of different
///    layers are close to independent, so their output noise powers add).
///
/// EdgeOptimize knows no device: a `mixed_precision` step with `objective: latency` takes its objective from
/// ``PipelineRunner/latencyObjective``, which the Workbench builds on the simulator's per-layer composed
/// latency (`LatencyObjectiveProvider.simulated`) and `edgewise optimize` sets.
public struct MixedPrecisionSearch: Sendable {
    /// What the returned model must keep.
    public enum Constraint: Sendable, Equatable, Codable {
        /// Accuracy on the labels may fall by at most this fraction (0.01 = one point).
        case maxAccuracyDrop(Double)
        /// Output SQNR against the original, dB, at least this.
        case minOutputSQNR(Double)
    }

    /// Node name → precision, for every quantizable layer (fp32 when absent).
    public typealias Assignment = [String: LayerPrecision]

    public struct Result: Sendable, Codable, Equatable {
        public var assignment: Assignment
        /// Objective of the returned assignment and of the original (all fp32).
        public var objective: Double
        public var originalObjective: Double
        /// Stored bytes of the quantizable weights in their formats (codes, scales) and in fp32.
        public var weightBytes: Int
        public var originalWeightBytes: Int
        /// The returned model measured on the evaluation set.
        public var score: OutputScorer.Score
        public var baselineAccuracy: Double?
        /// Engine evaluations made, and whether the search stopped on its time budget or cancellation
        /// before trying every move.
        public var evaluations: Int
        public var stoppedEarly: Bool
        public var seconds: Double
    }

    public let scorer: OutputScorer
    /// Precisions a layer may take besides fp32.
    public var precisions: [LayerPrecision] = [.fp16, .int8, .int4]

    public init(scorer: OutputScorer) { self.scorer = scorer }

    /// - Throws: ``OptimizeError`` for an empty or ill-fitting evaluation set or bad labels.
    public init(model: Model, evaluation: [[String: HostTensor]], labels: [Int]? = nil) throws {
        scorer = try OutputScorer(graph: model.graph, evaluation: evaluation, labels: labels, opset: PipelineRunner.opset(of: model))
    }

    /// Checks a constraint against what the scorer can measure.
    public func check(_ constraint: Constraint) throws {
        switch constraint {
        case .maxAccuracyDrop(let d):
            guard d >= 0, d <= 1 else { throw OptimizeError.invalidSetting(name: "max_drop", value: "\(d)", expected: "a fraction in [0, 1]") }
            guard scorer.labels != nil else {
                throw OptimizeError.invalidSetting(name: "max_drop", value: "\(d)", expected: "labels for the evaluation set (or use min_sqnr)")
            }
        case .minOutputSQNR(let s):
            guard s.isFinite, s > 0 else { throw OptimizeError.invalidSetting(name: "min_sqnr", value: "\(s)", expected: "a finite dB value > 0") }
        }
    }

    /// Whether a measured score meets the constraint.
    public func meets(_ score: OutputScorer.Score, _ constraint: Constraint) -> Bool {
        switch constraint {
        case .maxAccuracyDrop(let d):
            guard let a = score.accuracy, let b = scorer.baselineAccuracy else { return false }
            return b - a <= d + 1e-12
        case .minOutputSQNR(let s):
            return score.sqnr >= s
        }
    }

    /// The model each search candidate is measured as: int8 layers as int8 codes with a
    /// `DequantizeLinear` (QDQ, as exported); fp16 and int4 layers hold the float32 values their format
    /// decodes to, sizes counted in the format. ``run(_:constraint:timeBudget:objective:progress:isCancelled:)``
    /// returns the best one as ``store(_:to:)`` writes it (the same values, stored in the formats).
    public static func apply(_ assignment: Assignment, to model: Model) throws -> (Model, weightBytes: Int) {
        let (layers, _) = QuantizableLayer.find(in: model.graph)
        var g = model.graph
        var bytes = 0
        var int8Nodes = Set<String>()
        for layer in layers {
            let p = assignment[layer.node] ?? .fp32
            let w = try layer.matrix(in: model.graph)
            let rt = try p.format.roundTrip(w, rows: layer.rows, columns: layer.columns, name: layer.weight)
            bytes += rt.storedBytes
            switch p {
            case .int8: int8Nodes.insert(layer.node)
            case .fp16, .int4: g = layer.replacing(in: g, with: rt.dequantized)
            case .fp32, .skip: break
            }
        }
        if !int8Nodes.isEmpty {
            let others = g.nodes.filter { [.conv, .gemm, .matMul].contains($0.op) && !int8Nodes.contains($0.name) }.map(\.name)
            (g, _) = try StaticQuantizer.quantizeWeights(g, perChannel: true, symmetric: true, exclude: others)
        }
        var m = model
        m.graph = g
        return (m, bytes)
    }

    /// Searches; returns the best model found and its measurement.
    ///
    /// - Parameters:
    ///   - objective: lower is better; by default the stored weight bytes of the assignment.
    ///   - timeBudget: seconds; the search stops starting new evaluations after it.
    ///   - progress: called after each evaluation with a one-line status.
    ///   - isCancelled: polled between evaluations.
    /// - Throws: ``OptimizeError`` for an impossible constraint; engine errors.
    public func run(_ model: Model, constraint: Constraint, timeBudget: Double,
                    objective: ((Assignment) -> Double)? = nil,
                    progress: (String) -> Void = { _ in }, isCancelled: () -> Bool = { false }) throws -> (Model, Result) {
        try check(constraint)
        let started = Date()
        let (layers, _) = QuantizableLayer.find(in: model.graph)
        // Stored bytes per layer and precision, for the default objective.
        var sizes: [String: [LayerPrecision: Int]] = [:]
        for layer in layers {
            sizes[layer.node] = [.fp32: 4 * layer.elements]
        }
        func weightBytes(_ a: Assignment) -> Int {
            layers.reduce(0) { $0 + (sizes[$1.node]?[a[$1.node] ?? .fp32] ?? 4 * $1.elements) }
        }
        let narrowest = precisions.sorted { $0.bits < $1.bits }
        for layer in layers {
            let w = try layer.matrix(in: model.graph)
            for p in narrowest {
                sizes[layer.node]?[p] = try p.format.roundTrip(w, rows: layer.rows, columns: layer.columns, name: layer.weight).storedBytes
            }
        }
        let cost: (Assignment) -> Double = objective ?? { Double(weightBytes($0)) }
        var evaluations = 0
        var stopped = false
        func outOfTime() -> Bool {
            if Date().timeIntervalSince(started) >= timeBudget || isCancelled() || Task.isCancelled { stopped = true }
            return stopped
        }
        let original = try scorer.score(model.graph)
        evaluations += 1
        var best = (assignment: Assignment(), objective: cost([:]), score: original, model: model)
        let originalObjective = best.objective

        // 1. Single-layer sensitivity: noise energy relative to the signal, 10^(−SQNR/10).
        var noise: [String: [LayerPrecision: Double]] = [:]
        var accepted: [String: [LayerPrecision: Bool]] = [:]
        search: do {
            for p in narrowest {
                for layer in layers {
                    if outOfTime() { break search }
                    let (m, _) = try Self.apply([layer.node: p], to: model)
                    let s = try scorer.score(m.graph)
                    evaluations += 1
                    noise[layer.node, default: [.fp32: 0]][p] = s.sqnr.isFinite ? Foundation.pow(10, -s.sqnr / 10) : 0
                    let ok = meets(s, constraint)
                    accepted[layer.node, default: [:]][p] = ok
                    let a = [layer.node: p]
                    if ok, cost(a) < best.objective { best = (a, cost(a), s, m) }
                    progress("sensitivity \(layer.node) \(p.rawValue): \(String(format: "%.2f", s.sqnr)) dB")
                }
            }
            // 2. Greedy descent from the original, one verified move at a time.
            var current = Assignment()
            var banned: [String: Int] = [:]   // layer → narrowest bits known to fail from a state like this
            while true {
                var choice: (node: String, p: LayerPrecision, ratio: Double, noise: Double)?
                let here = cost(current)
                for layer in layers {
                    let now = current[layer.node] ?? .fp32
                    for p in narrowest where p.bits < now.bits && p.bits > (banned[layer.node] ?? 0) {
                        guard accepted[layer.node]?[p] == true, let n = noise[layer.node]?[p] else { continue }
                        var next = current
                        next[layer.node] = p
                        let gain = here - cost(next)
                        guard gain > 0 else { continue }
                        let extra = Swift.max(n - (noise[layer.node]?[now] ?? 0), 1e-12)
                        let ratio = gain / extra
                        if choice == nil || ratio > choice!.ratio { choice = (layer.node, p, ratio, extra) }
                    }
                }
                guard let move = choice else { break }
                if outOfTime() { break search }
                var next = current
                next[move.node] = move.p
                let (m, _) = try Self.apply(next, to: model)
                let s = try scorer.score(m.graph)
                evaluations += 1
                if meets(s, constraint) {
                    current = next
                    let c = cost(next)
                    if c < best.objective { best = (next, c, s, m) }
                    progress("kept \(move.node) → \(move.p.rawValue): \(String(format: "%.2f", s.sqnr)) dB, objective \(c)")
                } else {
                    banned[move.node] = move.p.bits
                    progress("rejected \(move.node) → \(move.p.rawValue): \(String(format: "%.2f", s.sqnr)) dB")
                }
            }
        }
        var full = best.assignment
        for layer in layers where full[layer.node] == nil { full[layer.node] = .fp32 }
        let result = Result(assignment: full, objective: best.objective, originalObjective: originalObjective,
                            weightBytes: weightBytes(best.assignment), originalWeightBytes: weightBytes([:]), score: best.score,
                            baselineAccuracy: scorer.baselineAccuracy, evaluations: evaluations, stoppedEarly: stopped,
                            seconds: Date().timeIntervalSince(started))
        return (best.assignment.isEmpty ? best.model : try Self.store(best.assignment, to: model), result)
    }
}
