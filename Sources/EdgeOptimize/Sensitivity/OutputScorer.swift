import EdgeEngine
import EdgeIR
import Foundation

/// Measures how far a changed model's outputs are from the original's on fixed inputs, on the engine.
///
/// Built once per analysis: it runs the original model on every feed and keeps the outputs, so each
/// candidate costs one engine run per feed. SQNR is taken over every float output of every feed
/// together (Σ ref² / Σ (ref − test)²); top-1 agreement and accuracy use the first float output whose
/// last dimension is above 1 (a classifier), one row per sample, rows counted across feeds in order.
public struct OutputScorer: Sendable {
    public struct Score: Sendable, Codable, Equatable {
        /// Output SQNR in dB against the original (+∞ when identical).
        public var sqnr: Double
        /// Fraction of classifier rows whose arg-max matches the original's.
        public var top1Agreement: Double?
        /// Fraction of classifier rows whose arg-max is the label (labels given only).
        public var accuracy: Double?
    }

    public let evaluation: [[String: HostTensor]]
    public let labels: [Int]?
    public let opset: Int
    public let outputNames: [String]
    let reference: [[String: HostTensor]]
    /// The original model's accuracy on the labels.
    public private(set) var baselineAccuracy: Double?

    /// - Parameter labels: the true class of each classifier row, across feeds in order.
    /// - Throws: ``OptimizeError`` for an empty or ill-fitting evaluation set, labels whose count is not
    ///   the number of classifier rows or that are out of range; engine errors from the original model.
    public init(graph: Graph, evaluation: [[String: HostTensor]], labels: [Int]? = nil, opset: Int = 99) throws {
        try StaticQuantizer.checkCalibration(graph, evaluation)
        self.evaluation = evaluation
        self.labels = labels
        self.opset = opset
        outputNames = graph.outputs.map(\.name)
        reference = try evaluation.map { try ExecutionPlan(graph: graph, inputShapes: $0.mapValues(\.shape), opset: opset).run($0) }
        if let labels {
            guard let (name, classes) = classifier else {
                throw OptimizeError.invalidSetting(name: "labels", value: "\(labels.count)", expected: "a model with a classifier output [… , classes]")
            }
            let rows = reference.reduce(0) { $0 + ($1[name]?.elementCount ?? 0) / classes }
            guard labels.count == rows else {
                throw OptimizeError.invalidSetting(name: "labels", value: "\(labels.count)", expected: "one per classifier row (\(rows))")
            }
            guard labels.allSatisfy({ (0..<classes).contains($0) }) else {
                throw OptimizeError.invalidSetting(name: "labels", value: "out of range", expected: "classes 0..<\(classes)")
            }
            baselineAccuracy = accuracy(of: reference)
        }
    }

    /// The classifier output and its class count.
    var classifier: (String, Int)? {
        for name in outputNames {
            if let t = reference.first?[name], t.dtype == .float32, let c = t.shape.last, c > 1 { return (name, c) }
        }
        return nil
    }

    func accuracy(of outputs: [[String: HostTensor]]) -> Double? {
        guard let labels, let (name, classes) = classifier else { return nil }
        var right = 0, row = 0
        for o in outputs {
            guard let t = o[name] else { continue }
            let x = t.floats()
            for r in 0..<(x.count / classes) {
                if ErrorMetrics.argmax(x[(r * classes)..<((r + 1) * classes)]) == labels[row] { right += 1 }
                row += 1
            }
        }
        return row == 0 ? nil : Double(right) / Double(row)
    }

    /// Runs `graph` on every feed and scores it against the original.
    public func score(_ graph: Graph) throws -> Score {
        let outs = try evaluation.map { try ExecutionPlan(graph: graph, inputShapes: $0.mapValues(\.shape), opset: opset).run($0) }
        let (sqnr, top1) = PipelineRunner.compare(reference, outs, names: outputNames)
        return Score(sqnr: sqnr, top1Agreement: top1, accuracy: accuracy(of: outs))
    }
}
