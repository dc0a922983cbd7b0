import EdgeOptimize
import Foundation

/// A cancellation flag shared between the UI thread and a background job.
///
/// Jobs poll ``isCancelled`` between units of work (a layer, a chunk of a tensor) and stop with
/// ``EvaluationError/cancelled``; the UI sets it and forgets the job.
public final class CancellationFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false

    public init() {}

    public func cancel() {
        lock.lock()
        cancelled = true
        lock.unlock()
    }

    public var isCancelled: Bool {
        lock.lock()
        defer { lock.unlock() }
        return cancelled
    }
}

public enum EvaluationError: Error, Sendable, Equatable {
    case cancelled
    case failed(String)
}

/// What a quality evaluation measured for one strategy.
public struct EvaluationResult: Sendable, Equatable {
    /// The strategy evaluated (the result is stale once the current strategy differs).
    public var strategy: Strategy
    /// What was measured, as the screens label it ("weight SQNR").
    public var metric: String
    /// Model-level value: 10·log10(Σ signal / Σ noise) over every weighted layer at its precision (dB).
    public var value: Double
    /// Per weighted layer (by name): SQNR at the layer's own precision (dB).
    public var layerValues: [String: Double]
    /// Per weighted layer: SQNR at int8 with the strategy's settings — how much the layer suffers from 8 bits
    /// (the sensitivity column; lower is more sensitive).
    public var sensitivity: [String: Double]
    /// Where the weights came from, in words (the model's own, or synthetic for an architecture-only model).
    public var weightsNote: String
    public var notes: [String]
    public var elapsed: Double
    /// The measured run on the workspace's evaluation data, when the model is a file with eval data
    /// (then `value` is its output SQNR and `metric` says so).
    public var measured: DataMeasurement? = nil
}

/// The background quality evaluation the Tune screen runs.
///
/// Per layer it measures weight-quantization SQNR (``WeightQuantizer``) at the layer's assigned precision, plus
/// each layer's int8 sensitivity. The model-level value depends on what the workspace gives: for a model file
/// with evaluation data (``EvalData``) it is measured on the engine — the original and the tuned model run over
/// the data, output SQNR, top-1 agreement and task accuracy (``DataEvaluation``); otherwise (a catalog
/// architecture, or a file without eval data) it is the weight-SQNR estimate, labelled so.
public struct QualityEvaluation: Sendable {
    public var model: WorkbenchModel
    public var strategy: Strategy
    public var assignment: PrecisionAssignment
    public var data: EvalData?

    public init(model: WorkbenchModel, strategy: Strategy, assignment: PrecisionAssignment, data: EvalData? = nil) {
        self.model = model
        self.strategy = strategy
        self.assignment = assignment
        self.data = data
    }

    /// True when the run measures on evaluation data (a model file with eval data), not weights alone.
    public var measuresOnData: Bool { data != nil && model.metadata.format != "zoo" }

    /// Runs the evaluation, reporting progress in [0, 1] (by weight elements processed).
    /// - Throws: ``EvaluationError/cancelled`` as soon as `cancel` is set (checked between layers).
    public func run(cancel: CancellationFlag, now: () -> Double = { Date().timeIntervalSinceReferenceDate },
                    progress: (Double) -> Void) throws(EvaluationError) -> EvaluationResult {
        let start = now()
        let q = strategy.quantize ?? QuantizeSettings(precision: .int8)
        let jobs: [(index: Int, name: String, elements: Int)] = model.isWeighted.indices.compactMap { i in
            guard model.isWeighted[i], let w = model.weightName[i], let t = model.graph.constants[w],
                  let n = t.shape.elementCount else { return nil }
            return (i, w, n)
        }
        let total = max(1, jobs.reduce(0) { $0 + $1.elements })
        // With eval data the weights take the first tenth of the bar, the engine runs the rest.
        let weightShare = measuresOnData ? 0.1 : 1.0
        var done = 0
        var sum = WeightQuantizer.Energy()
        var perLayer: [String: Double] = [:]
        var sensitivity: [String: Double] = [:]
        var synthetic = false, real = false
        progress(0)
        for job in jobs {
            if cancel.isCancelled { throw .cancelled }
            guard let t = model.graph.constants[job.name], let (values, isSynthetic) = WeightSource.values(of: t) else { continue }
            if cancel.isCancelled { throw .cancelled }
            synthetic = synthetic || isSynthetic
            real = real || !isSynthetic
            let channels = max(1, t.shape.dims.first?.value ?? 1)
            let layer = model.graph.nodes[job.index].name
            let precision = assignment.layers[job.index]
            let quantizer = WeightQuantizer(precision: precision, granularity: q.granularity, groupSize: q.groupSize,
                                            symmetric: q.symmetric, calibration: q.calibration, percentile: q.percentile)
            let e = quantizer.energy(values, channels: channels)
            sum = sum + e
            perLayer[layer] = e.sqnr
            if cancel.isCancelled { throw .cancelled }
            if precision == .int8 {
                sensitivity[layer] = e.sqnr
            } else {
                var s = quantizer
                s.precision = .int8
                sensitivity[layer] = s.energy(values, channels: channels).sqnr
            }
            done += job.elements
            progress(weightShare * Double(done) / Double(total))
        }
        var notes: [String] = []
        if q.calibration == .entropy {
            notes.append("entropy calibration is defined on activation histograms; weights use the MSE clip search")
        }
        let source = real && !synthetic ? "the model's own weights"
            : real ? "the model's weights, synthetic where absent"
            : "synthetic He-normal weights (catalog models are architectures without weights)"
        if measuresOnData, let data {
            let m = try DataEvaluation.run(model: model, strategy: strategy, assignment: assignment, data: data, cancel: cancel) {
                progress(weightShare + (1 - weightShare) * $0)
            }
            notes.append(m.method)
            return EvaluationResult(strategy: strategy, metric: "output SQNR on eval data", value: m.outputSQNR, layerValues: perLayer,
                                    sensitivity: sensitivity, weightsNote: m.data, notes: notes, elapsed: now() - start, measured: m)
        }
        notes.append(model.metadata.format == "zoo"
                     ? "estimate: a catalog architecture has no weights or data to measure accuracy on"
                     : "estimate: the workspace names no eval data for this model (see docs/workspaces.md, eval:)")
        return EvaluationResult(strategy: strategy, metric: "weight SQNR (estimate)", value: sum.sqnr, layerValues: perLayer,
                                sensitivity: sensitivity, weightsNote: source, notes: notes, elapsed: now() - start)
    }
}
