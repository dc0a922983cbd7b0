import EdgeIR
import EdgeOptimize
import Foundation

/// Each layer's sensitivity to quantization, measured by the pipeline's analysis (``SensitivityAnalysis``):
/// the layer's weight alone stored int8 per channel, the rest float, the model's output SQNR on the workspace's
/// evaluation data. Lower is more sensitive (a layer to keep wide). Model files with eval data only; catalog
/// models keep the int8 weight-SQNR estimate of ``QualityEvaluation``.
public struct LayerSensitivity: Sendable, Equatable {
    /// Node name → output SQNR (dB) with only that layer quantized.
    public var outputSQNR: [String: Double]
    /// The format each layer was tried in (the analysis' description).
    public var format: String
    public var samples: Int
}

/// The background job computing ``LayerSensitivity`` for one model (once per model; cached by the UI).
public struct LayerSensitivityRequest: Sendable {
    public var model: WorkbenchModel
    public var data: EvalData

    public init(model: WorkbenchModel, data: EvalData) {
        self.model = model
        self.data = data
    }

    /// - Throws: ``EvaluationError/cancelled`` once `cancel` is set (checked between layers); `.failed` otherwise.
    public func run(cancel: CancellationFlag, progress: (Double) -> Void) throws(EvaluationError) -> LayerSensitivity {
        let set = try EvalSet.load(data, graph: model.graph, cancel: cancel)
        let m = Model(graph: model.graph, metadata: model.metadata)
        let report: SensitivityAnalysis.Report
        do {
            let analysis = try SensitivityAnalysis(model: m, evaluation: set.feeds, labels: set.labels)
            report = try analysis.run(m, progress: { p in progress(p.total > 0 ? Double(p.done) / Double(p.total) : 1) },
                                      isCancelled: { cancel.isCancelled })
        } catch {
            throw .failed("sensitivity analysis: \(error)")
        }
        if report.cancelled { throw .cancelled }
        var values: [String: Double] = [:]
        for l in report.layers { values[l.node] = l.outputSQNR }
        return LayerSensitivity(outputSQNR: values, format: report.format, samples: report.evaluationInputs)
    }
}
