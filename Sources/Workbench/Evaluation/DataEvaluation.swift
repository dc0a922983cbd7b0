import EdgeEngine
import EdgeIR
import EdgeOptimize
import Foundation

/// What running the original and the tuned model on the workspace's evaluation data measured.
public struct DataMeasurement: Sendable, Equatable, Codable {
    public var samples: Int
    /// Output SQNR of the tuned model against the original, all float outputs of all samples together (dB),
    /// as ``PipelineRunner`` measures a pipeline step.
    public var outputSQNR: Double
    /// Share of samples whose top-1 class is the original model's (classifier-shaped outputs only).
    public var top1Agreement: Double?
    /// Task accuracy of the tuned model on the labels, and of the original (when the data is labelled).
    public var accuracy: Double?
    public var originalAccuracy: Double?
    /// The evaluation set in words.
    public var data: String
    /// How the tuned model was built, in words.
    public var method: String
}

/// The measured quality evaluation: the original and the tuned model run on the engine over the workspace's
/// evaluation data.
///
/// The tuned model is the original graph with every weighted layer's weight quantized at the layer's assigned
/// precision and settings and dequantized back to float (``WeightQuantizer/dequantize(_:channels:)``), so it
/// computes with exactly the weights the strategy stores; activations stay float (static activation
/// quantization is measured by `edgewise optimize`). The comparison is ``PipelineRunner/compare(_:_:names:)``'s.
/// The original's outputs depend only on the model and the data, so they are computed once per model and reused
/// by every later evaluation (``ReferenceOutputs``).
public enum DataEvaluation {
    /// - Throws: ``EvaluationError/cancelled`` between samples once `cancel` is set; `.failed` with the reason.
    public static func run(model: WorkbenchModel, strategy: Strategy, assignment: PrecisionAssignment, data: EvalData,
                           cancel: CancellationFlag, progress: (Double) -> Void) throws(EvaluationError) -> DataMeasurement {
        let set = try EvalSet.load(data, graph: model.graph, cancel: cancel)
        guard !set.feeds.isEmpty else { throw .failed("the evaluation data is empty") }
        let opset = model.metadata.properties["onnx.opset.ai.onnx"].flatMap { Int($0) } ?? 99
        let names = model.graph.outputs.map(\.name)
        let n = set.feeds.count
        let key = model.slot.reference + "|" + "\(data.inputs.map { "\($0.name)=\($0.path)" })|\(data.features)|\(data.perClass ?? 0)"
        var reference = ReferenceOutputs.shared.get(key)
        let total = Double((reference == nil ? n : 0) + n)
        var done = 0.0
        func run(_ graph: Graph) throws(EvaluationError) -> [[String: HostTensor]] {
            var outs: [[String: HostTensor]] = []
            do {
                let plan = try ExecutionPlan(graph: graph, inputShapes: set.feeds[0].mapValues(\.shape), opset: opset)
                for feed in set.feeds {
                    if cancel.isCancelled { throw EvaluationError.cancelled }
                    outs.append(try plan.run(feed))
                    done += 1
                    progress(done / total)
                }
            } catch let e as EvaluationError {
                throw e
            } catch {
                throw .failed("the engine cannot run the model on the evaluation data: \(error)")
            }
            return outs
        }
        if reference == nil {
            let r = try run(model.graph)
            ReferenceOutputs.shared.put(key, r)
            reference = r
        }
        let (tuned, changed) = tunedGraph(model, strategy, assignment)
        let test = try run(tuned)
        let (sqnr, top1) = PipelineRunner.compare(reference!, test, names: names)
        var accuracy: Double?, original: Double?
        if let labels = set.labels, let out = classifier(reference![0], names) {
            accuracy = hits(test, out, labels)
            original = hits(reference!, out, labels)
        }
        return DataMeasurement(samples: n, outputSQNR: sqnr, top1Agreement: top1, accuracy: accuracy, originalAccuracy: original,
                               data: set.summary,
                               method: "\(changed) weights quantized as assigned and dequantized to float; activations float")
    }

    /// The original graph with each weighted float layer's weight replaced by its quantize–dequantize image.
    static func tunedGraph(_ model: WorkbenchModel, _ strategy: Strategy, _ a: PrecisionAssignment) -> (Graph, Int) {
        var g = model.graph
        let q = strategy.quantize ?? QuantizeSettings(precision: .int8)
        var changed = 0
        for i in model.isWeighted.indices where model.isWeighted[i] && i < a.layers.count {
            let p = a.layers[i]
            guard p != .fp32, p != .skip, let w = model.weightName[i], let t = g.constants[w], t.dtype == .float32,
                  let (values, synthetic) = WeightSource.values(of: t), !synthetic else { continue }
            let quantizer = WeightQuantizer(precision: p, granularity: q.granularity, groupSize: q.groupSize, symmetric: q.symmetric,
                                            calibration: q.calibration, percentile: q.percentile)
            let channels = max(1, t.shape.dims.first?.value ?? 1)
            g.setConstant(.float32(w, quantizer.dequantize(values, channels: channels).values, shape: t.shape))
            changed += 1
        }
        return (g, changed)
    }

    /// The first float output shaped `[…, classes]` with more than one class.
    static func classifier(_ outputs: [String: HostTensor], _ names: [String]) -> String? {
        names.first { n in outputs[n].map { $0.dtype == .float32 && ($0.shape.last ?? 1) > 1 } ?? false }
    }

    /// Share of samples whose arg-max class on `output` is the label (first row of each sample).
    static func hits(_ outs: [[String: HostTensor]], _ output: String, _ labels: [Int]) -> Double {
        var right = 0
        for (o, label) in zip(outs, labels) {
            guard let t = o[output], let c = t.shape.last, c > 0 else { continue }
            let v = t.floats()
            var best = 0
            for k in 1..<min(c, v.count) where v[k] > v[best] { best = k }
            if best == label { right += 1 }
        }
        return labels.isEmpty ? 0 : Double(right) / Double(labels.count)
    }
}

/// The original model's outputs on an evaluation set, per model and data (a model's reference never changes).
final class ReferenceOutputs: @unchecked Sendable {
    static let shared = ReferenceOutputs()
    private let lock = NSLock()
    private var store: [String: [[String: HostTensor]]] = [:]

    func get(_ key: String) -> [[String: HostTensor]]? {
        lock.lock()
        defer { lock.unlock() }
        return store[key]
    }

    func put(_ key: String, _ value: [[String: HostTensor]]) {
        lock.lock()
        if store.count >= 8 { store.removeAll() }
        store[key] = value
        lock.unlock()
    }
}
