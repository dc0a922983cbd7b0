import EdgeEngine
import EdgeIR
import Foundation

/// Layer-by-layer sensitivity: each weight alone stored in a lower-precision format, the rest of the
/// model left in float, and the model's output error measured on the engine.
///
/// The layer's weight is replaced by its round trip through the format (the values a runtime computes
/// with after dequantizing), so one analysis covers int8 per channel, int4 g128, fp16 or any other
/// ``WeightFormat`` the same way. A layer whose output SQNR is low (or whose accuracy drop is high) is
/// one to keep wide in a mixed-precision model.
///
/// Runs one layer per unit of work: `progress` is called before each layer and `isCancelled` is
/// checked between layers (as is the current Swift task's cancellation), so a TUI can show and stop
/// it; a cancelled analysis returns the layers already measured with `cancelled` set.
public struct SensitivityAnalysis: Sendable {
    /// One layer's result.
    public struct Layer: Sendable, Codable, Equatable {
        public var node: String
        public var op: String
        public var weight: String
        public var shape: [Int]
        public var params: Int
        /// Weight bytes in float32 and in the format (codes plus scales and zero points).
        public var bytesBefore: Int
        public var bytesAfter: Int
        /// SQNR of the weight itself, dB.
        public var weightSQNR: Double
        /// The model's output SQNR with only this layer changed, dB (+∞ when the output is unchanged).
        public var outputSQNR: Double
        public var top1Agreement: Double?
        /// Accuracy on the labels with only this layer changed, and the drop from the original's (points
        /// of fraction, e.g. 0.01 = one point), when labels were given.
        public var accuracy: Double?
        public var accuracyDrop: Double?
        public var seconds: Double
    }

    public struct Progress: Sendable, Equatable {
        /// Layers finished so far, and in all.
        public var done: Int
        public var total: Int
        /// The layer about to be measured (empty when all are done).
        public var layer: String
    }

    public struct Report: Sendable, Codable, Equatable {
        public var format: String
        public var evaluationInputs: Int
        public var baselineAccuracy: Double?
        /// In graph order; fewer than the model's layers when cancelled.
        public var layers: [Layer]
        /// Weights not analysed, with the reason.
        public var skipped: [String]
        public var cancelled: Bool

        /// The layers from most to least sensitive (lowest output SQNR first).
        public var ranked: [Layer] { layers.sorted { $0.outputSQNR < $1.outputSQNR } }
    }

    public let scorer: OutputScorer

    /// - Parameters:
    ///   - evaluation: input feeds the outputs are compared on (each feed one engine run).
    ///   - labels: true classes of the classifier output's rows across feeds, for task accuracy.
    /// - Throws: ``OptimizeError`` for an empty or ill-fitting evaluation set or bad labels.
    public init(model: Model, evaluation: [[String: HostTensor]], labels: [Int]? = nil) throws {
        scorer = try OutputScorer(graph: model.graph, evaluation: evaluation, labels: labels, opset: PipelineRunner.opset(of: model))
    }

    public init(scorer: OutputScorer) { self.scorer = scorer }

    /// Measures every quantizable layer (or only those named in `layers`, by node or weight name).
    ///
    /// - Parameters:
    ///   - format: the format each layer is tried in (default int8 symmetric per channel).
    ///   - progress: called before each layer and once at the end.
    ///   - isCancelled: polled between layers; true stops the analysis and returns what is done.
    /// - Throws: ``OptimizeError`` for a format a weight cannot take; engine errors.
    public func run(_ model: Model, format: WeightFormat = .int8(perChannel: true, symmetric: true), layers only: [String]? = nil,
                    progress: (Progress) -> Void = { _ in }, isCancelled: () -> Bool = { false }) throws -> Report {
        let (found, skipped) = QuantizableLayer.find(in: model.graph)
        let targets = only.map { names in found.filter { names.contains($0.node) || names.contains($0.weight) } } ?? found
        var report = Report(format: format.description, evaluationInputs: scorer.evaluation.count,
                            baselineAccuracy: scorer.baselineAccuracy, layers: [], skipped: skipped, cancelled: false)
        for (i, layer) in targets.enumerated() {
            if isCancelled() || Task.isCancelled {
                report.cancelled = true
                break
            }
            progress(Progress(done: i, total: targets.count, layer: layer.node))
            let started = Date()
            let w = try layer.matrix(in: model.graph)
            let rt = try format.roundTrip(w, rows: layer.rows, columns: layer.columns, name: layer.weight)
            let score = try scorer.score(layer.replacing(in: model.graph, with: rt.dequantized))
            let e = ErrorMetrics.energies(reference: w, test: rt.dequantized)
            report.layers.append(Layer(node: layer.node, op: layer.op, weight: layer.weight, shape: layer.shape, params: layer.elements,
                                       bytesBefore: 4 * layer.elements, bytesAfter: rt.storedBytes,
                                       weightSQNR: e.noise == 0 ? .infinity : e.signal == 0 ? -.infinity : 10 * Foundation.log10(e.signal / e.noise),
                                       outputSQNR: score.sqnr, top1Agreement: score.top1Agreement, accuracy: score.accuracy,
                                       accuracyDrop: both(scorer.baselineAccuracy, score.accuracy).map { $0 - $1 },
                                       seconds: Date().timeIntervalSince(started)))
        }
        if !report.cancelled { progress(Progress(done: targets.count, total: targets.count, layer: "")) }
        return report
    }
}

/// Both values, if both are present.
func both<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
