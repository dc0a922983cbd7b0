import EdgeEngine
import EdgeImport
import EdgeIR
import Foundation

/// A pipeline step failed: one line naming the step (1-based) and what went wrong.
public struct PipelineRunError: Error, Sendable, Equatable, CustomStringConvertible {
    /// 1-based step number; 0 for a problem with the evaluation set itself.
    public var step: Int
    public var summary: String
    public var message: String

    public var description: String {
        let m = message.replacingOccurrences(of: "\n", with: " ")
        return step == 0 ? m : "step \(step) \(summary): \(m)"
    }
}

/// Applies a ``PipelineSpec``'s steps in order to a model and measures each one on the engine.
///
/// Every step receives the previous step's model and returns a new one (the caller's model is never
/// changed). After each step the runner measures, against the *original* model on the same inputs:
/// the size as exported to ONNX (bytes), the output SQNR (dB, all float outputs together: Σ ref² /
/// Σ (ref − test)²), and for an output shaped `[…, classes]` the top-1 agreement over its rows; pruning
/// steps also report the sparsity they reached. All settings are checked against the model before
/// the first step runs, so an impossible pipeline fails before any work.
public struct PipelineRunner: Sendable {
    public struct StepReport: Sendable, Codable, Equatable {
        public var index: Int
        public var step: String
        public var bytesBefore: Int
        public var bytesAfter: Int
        /// Output SQNR in dB of this step's model vs the original (+∞ when identical).
        public var sqnr: Double
        /// Top-1 agreement of the first classifier-shaped output vs the original, if there is one.
        public var top1Agreement: Double?
        /// Fraction of zero weights in the layers a pruning step touched.
        public var sparsity: Double?
        /// Layers (weights) the step changed.
        public var layers: Int
        public var seconds: Double
        /// Top-1 accuracy against the evaluation labels, when labels are given.
        public var accuracy: Double? = nil
        /// The per-layer table of an `analyze: sensitivity` step.
        public var sensitivity: SensitivityAnalysis.Report? = nil
        /// The chosen precisions of a `mixed_precision` step.
        public var mixedPrecision: MixedPrecisionSearch.Result? = nil
        /// What the step left out or assumed (skipped layers and why), one line each.
        public var notes: [String]? = nil
    }

    public struct Report: Sendable, Codable, Equatable {
        public var pipeline: String
        public var summary: String
        public var originalBytes: Int
        public var finalBytes: Int
        /// Number of evaluation feeds, and whether they were generated (seeded) rather than given.
        public var evaluationInputs: Int
        public var seededInputs: Bool
        public var steps: [StepReport]
        /// The original model's top-1 accuracy against the evaluation labels, when labels are given.
        public var originalAccuracy: Double? = nil
        /// Whether the run was stopped (``PipelineRunner/run(_:on:progress:isCancelled:)``) before its last
        /// step finished; `steps` then holds the finished ones and the model returned is theirs.
        public var cancelled = false
        public var totalSteps = 0
    }

    /// Where a run is: step (1-based) of `steps`, the phase within it, and units done of `total`.
    public struct Progress: Sendable, Equatable {
        public var step: Int
        public var steps: Int
        /// `calibration`, `evaluation`, `sensitivity`, `search`.
        public var phase: String
        public var done: Int
        public var total: Int
    }

    /// Thrown inside a step when the run is cancelled; the step's partial work is dropped.
    struct Cancelled: Error {}

    /// Feeds the models are compared on.
    public var evaluation: [[String: HostTensor]]
    /// Feeds static quantization calibrates on (the evaluation set when nil).
    public var calibration: [[String: HostTensor]]?
    public var seeded = false
    public var opset: Int
    /// Class labels of the evaluation feeds (one array per feed, one label per row of the classifier
    /// output): each step then reports top-1 accuracy.
    public var labels: [[Int]]?
    /// Class labels of the calibration feeds, which `finetune` steps train on.
    public var calibrationLabels: [[Int]]?
    /// Computes a device's latency for `mixed_precision` steps with `objective: latency`; set by the layer
    /// above (the Workbench builds one on the simulator). Nil: such steps are refused before any work.
    public var latencyObjective: LatencyObjectiveProvider?

    public init(evaluation: [[String: HostTensor]], calibration: [[String: HostTensor]]? = nil, opset: Int = 99) {
        self.evaluation = evaluation
        self.calibration = calibration
        self.opset = opset
    }

    /// The ai.onnx opset a model was imported with (99, meaning the newest, otherwise).
    public static func opset(of model: Model) -> Int {
        model.metadata.properties["onnx.opset.ai.onnx"].flatMap { Int($0) } ?? 99
    }

    /// `count` deterministic feeds for a model's inputs: floats uniform in [−1, 1), integers uniform in
    /// 0…255, booleans 0/1, from a SplitMix64 stream started at `seed`. Symbolic dimensions take
    /// `bindings[name]` or 1.
    /// - Throws: ``OptimizeError/unsupported(_:)`` for an input type that cannot be generated.
    public static func seededInputs(for graph: Graph, count: Int, seed: UInt64, bindings: [String: Int] = [:]) throws -> [[String: HostTensor]] {
        var state = seed
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        var feeds: [[String: HostTensor]] = []
        for _ in 0..<count {
            var feed: [String: HostTensor] = [:]
            for input in graph.inputs where !graph.isConstant(input.name) {
                let shape = input.type.shape.dims.map { d -> Int in
                    if let v = d.value { return v }
                    if case .symbol(let s) = d { return bindings[s] ?? 1 }
                    return 1
                }
                let t = HostTensor(dtype: input.type.dtype, shape: shape)
                let r = t.ref
                for i in 0..<t.elementCount {
                    let u = next()
                    switch input.type.dtype {
                    case .float32: r.f32()[i] = Float(u >> 40) / Float(1 << 24) * 2 - 1
                    case .int32: r.i32()[i] = Int32(u % 256)
                    case .int64: r.i64()[i] = Int64(u % 256)
                    case .bool, .uint8: r.u8()[i] = UInt8(u % (input.type.dtype == .bool ? 2 : 256))
                    default:
                        throw OptimizeError.unsupported("cannot generate inputs of type \(input.type.dtype.rawValue) for '\(input.name)'; give an evaluation set")
                    }
                }
                feed[input.name] = t
            }
            feeds.append(feed)
        }
        return feeds
    }

    /// Rejects steps the runner cannot apply, with the step named, before any work.
    public static func check(_ spec: PipelineSpec) throws {
        for (i, step) in spec.steps.enumerated() {
            func fail(_ m: String) -> PipelineRunError { PipelineRunError(step: i + 1, summary: step.summary, message: m) }
            switch step {
            case .quantize(let q):
                switch (q.precision, q.mode) {
                case (.int8, .static):
                    if !q.symmetric { throw fail("static int8 weights are symmetric (onnxruntime's S8S8); asymmetric is weight-only") }
                    if q.granularity == .group { throw fail("static int8 is per-tensor or per-channel") }
                case (.int8, .weightOnly):
                    if q.granularity == .group { throw fail("group-wise int8 cannot be written as ONNX QDQ; use per-channel") }
                case (.int8, .dynamic), (.fp16, _), (.bf16, _):
                    if q.granularity == .group && q.precision == .int8 { throw fail("dynamic int8 is per-tensor or per-channel") }
                default:
                    throw fail("the pipeline runner applies int8 (static or weight-only) so far; \(q.precision.rawValue) \(q.mode.rawValue) is not available yet")
                }
            case .prune(let p):
                switch p.method {
                case .magnitude:
                    guard p.sparsity >= 0, p.sparsity < 1 else { throw fail("sparsity must be in [0, 1), got \(p.sparsity)") }
                case .nm:
                    guard p.n >= 1, p.n < p.m else { throw fail("N:M needs 1 ≤ N < M, got \(p.n):\(p.m)") }
                case .channel:
                    guard p.sparsity >= 0, p.sparsity < 1 else { throw fail("channel ratio must be in [0, 1), got \(p.sparsity)") }
                }
            case .lowRank(let l):
                do { try LowRankFactorizer.check(rank(l)) } catch { throw fail("\(error)") }
                if l.finetuneSteps > 0, spec.steps[..<i].contains(where: { if case .quantize = $0 { return true } else { return false } }) {
                    throw fail("fine-tuning the factors trains float weights; put the lowrank step before the quantize step")
                }
            case .finetune(let f):
                do { try f.check() } catch { throw fail("\(error)") }
                if spec.steps[..<i].contains(where: { if case .quantize = $0 { return true } else { return false } }) {
                    throw fail("fine-tuning trains float weights; put it before the quantize step")
                }
            case .analyze, .mixedPrecision:
                break
            }
        }
    }

    /// Runs every step; returns the final model and one report row per step.
    /// - Throws: ``PipelineRunError`` naming the step that failed (step 0: the evaluation set).
    ///
    /// - Parameters:
    ///   - progress: called after each unit of work (a calibration or evaluation feed, a layer, a search
    ///     evaluation).
    ///   - isCancelled: polled after each unit; when true, the step in progress is dropped and the run
    ///     returns the model of the steps already finished with `cancelled` set in the report.
    public func run(_ spec: PipelineSpec, on model: Model, progress: (Progress) -> Void = { _ in },
                    isCancelled: () -> Bool = { false }) throws -> (Model, Report) {
        try Self.check(spec)
        try Self.check(spec, latency: latencyObjective)
        for (i, step) in spec.steps.enumerated() {
            if case .mixedPrecision(let m) = step, m.maxDrop != nil, labels == nil {
                throw PipelineRunError(step: i + 1, summary: step.summary,
                                       message: "max_drop needs labels for the evaluation set; give them or use min_sqnr")
            }
        }
        guard !evaluation.isEmpty else {
            throw PipelineRunError(step: 0, summary: "", message: "the evaluation set is empty")
        }
        for (what, feeds) in [("evaluation", evaluation), ("calibration", calibration)] {
            guard let feeds else { continue }
            do {
                try StaticQuantizer.checkCalibration(model.graph, feeds)
            } catch {
                let reason = "\(error)".replacingOccurrences(of: "calibration feed", with: "feed")
                throw PipelineRunError(step: 0, summary: "", message: "the \(what) set does not fit the model: \(reason)")
            }
        }
        let reference: [[String: HostTensor]]
        do {
            reference = try outputs(of: model.graph)
        } catch {
            throw PipelineRunError(step: 0, summary: "", message: "the original model does not run on the evaluation set: \(error)")
        }
        try checkTraining(spec, model.graph)
        try checkFactorFinetune(spec, model.graph)
        let originalBytes = try Self.size(model)
        var current = model
        var bytes = originalBytes
        var rows: [StepReport] = []
        var cancelled = false
        for (i, step) in spec.steps.enumerated() {
            let started = Date()
            func tick(_ phase: String, _ done: Int, _ total: Int) throws {
                progress(Progress(step: i + 1, steps: spec.steps.count, phase: phase, done: done, total: total))
                if isCancelled() { throw Cancelled() }
            }
            do {
                var sensitivity: SensitivityAnalysis.Report?
                var mixed: MixedPrecisionSearch.Result?
                var next = current
                var sparsity: Double?
                var layers = 0
                var notes: [String]?
                switch step {
                case .quantize(let q):
                    if let (g, n, extra) = try Self.applyOtherQuantize(q, to: current.graph) {
                        next.graph = g
                        layers = n
                        notes = extra
                    } else if q.mode == .static {
                        let (g, r) = try StaticQuantizer.quantize(current.graph, calibration: calibration ?? evaluation,
                                                                  method: Self.method(q), perChannel: q.granularity == .perChannel,
                                                                  exclude: q.exclude, opset: opset, biasCorrection: q.biasCorrection,
                                                                  afterFeed: { try tick("calibration", $0 + 1, (calibration ?? evaluation).count) })
                        next.graph = g
                        layers = r.weights.layers.count
                    } else {
                        let (g, r) = try StaticQuantizer.quantizeWeights(current.graph, perChannel: q.granularity == .perChannel,
                                                                         symmetric: q.symmetric, exclude: q.exclude)
                        next.graph = g
                        layers = r.layers.count
                    }
                case .prune(let p) where p.method == .channel:
                    let (g, r) = try ChannelPruner.prune(current.graph, ratio: p.sparsity, norm: p.norm == .l2 ? .l2 : .l1, exclude: p.exclude)
                    next.graph = g
                    layers = r.layers.count
                    notes = r.skipped.map { "kept \($0.node): \($0.reason)" }
                case .prune(let p):
                    let (g, r) = p.method == .nm
                        ? try MagnitudePruner.pruneNM(current.graph, n: p.n, m: p.m, exclude: p.exclude)
                        : try MagnitudePruner.prune(current.graph, sparsity: p.sparsity, global: p.scope == .global, exclude: p.exclude)
                    next.graph = g
                    sparsity = r.sparsity
                    layers = r.layers.count
                case .lowRank(let l):
                    let (g, r) = try LowRankFactorizer.factorize(current.graph, rank: Self.rank(l), spatial: l.spatial)
                    next.graph = g
                    layers = r.layers.count
                    notes = r.skipped.map { "kept \($0.node): \($0.reason)" }
                    if l.finetuneSteps > 0 { next.graph = try finetuneFactors(l, g, r, teacher: model.graph, notes: &notes) }
                case .finetune(let f):
                    let trainable = try TrainableGraph(current.graph)
                    let data = try LabelledSet(feeds: calibration ?? evaluation, labels: calibrationLabels, input: trainable.inputName)
                    let (g, _) = try Trainer.train(current.graph, on: data, settings: f, teacher: model.graph)
                    next.graph = g
                    layers = trainable.parameters.count
                case .analyze(let a):
                    let analysis = try SensitivityAnalysis(scorer: OutputScorer(graph: current.graph, evaluation: evaluation, labels: labels.map { $0.flatMap { $0 } }, opset: opset))
                    var stop = false
                    let r = try analysis.run(current, format: a.precision.format, progress: { p in
                        if p.done > 0 { do { try tick("sensitivity", p.done, p.total) } catch { stop = true } }
                    }, isCancelled: { stop })
                    if r.cancelled { throw Cancelled() }
                    sensitivity = r
                    layers = r.layers.count
                case .mixedPrecision(let s):
                    var search = try MixedPrecisionSearch(scorer: OutputScorer(graph: current.graph, evaluation: evaluation, labels: labels.map { $0.flatMap { $0 } }, opset: opset))
                    search.precisions = s.precisions
                    var evaluations = 0, stop = false
                    var objective: ((MixedPrecisionSearch.Assignment) -> Double)?
                    if s.objective == .latency, let provider = latencyObjective, let device = s.device {
                        objective = try provider.objective(device, current)
                    }
                    let (m, r) = try search.run(current, constraint: s.constraint, timeBudget: s.timeBudget, objective: objective, progress: { _ in
                        evaluations += 1
                        do { try tick("search", evaluations, 0) } catch { stop = true }
                    }, isCancelled: { stop })
                    if stop { throw Cancelled() }
                    next = m
                    mixed = r
                    layers = r.assignment.values.filter { $0 != .fp32 }.count
                    if s.objective == .latency, let provider = latencyObjective, let device = s.device {
                        notes = [provider.note(device: device, before: r.originalObjective, after: r.objective)]
                    }
                }
                let outs = try outputs(of: next.graph, tick: { try tick("evaluation", $0, evaluation.count) })
                let (sqnr, top1) = Self.compare(reference, outs, names: model.graph.outputs.map(\.name))
                let after = try Self.size(next)
                rows.append(StepReport(index: i + 1, step: step.summary, bytesBefore: bytes, bytesAfter: after, sqnr: sqnr,
                                       top1Agreement: top1, sparsity: sparsity, layers: layers,
                                       seconds: Date().timeIntervalSince(started),
                                       accuracy: try labels.map { try Self.accuracy(outs, labels: $0, names: model.graph.outputs.map(\.name)) },
                                       sensitivity: sensitivity, mixedPrecision: mixed, notes: notes))
                bytes = after
                current = next
            } catch is Cancelled {
                cancelled = true
                break
            } catch let e as PipelineRunError {
                throw e
            } catch {
                throw PipelineRunError(step: i + 1, summary: step.summary, message: "\(error)")
            }
        }
        return (current, Report(pipeline: spec.name, summary: spec.summary, originalBytes: originalBytes, finalBytes: bytes,
                                evaluationInputs: evaluation.count, seededInputs: seeded, steps: rows,
                                originalAccuracy: try labels.map { try Self.accuracy(reference, labels: $0, names: model.graph.outputs.map(\.name)) },
                                cancelled: cancelled, totalSteps: spec.steps.count))
    }

    static func method(_ q: QuantizeSettings) -> RangeCalibrator.Method {
        switch q.calibration {
        case .minmax: return .minMax
        case .percentile: return .percentile(q.percentile)
        case .entropy: return .entropy(quantizedBins: 128)
        case .mse: return .mse
        }
    }

    /// Bytes of the model serialized as ONNX.
    static func size(_ model: Model) throws -> Int {
        try ONNXExporter.serialize(model).bytes.count
    }

    func outputs(of graph: Graph, tick: (Int) throws -> Void = { _ in }) throws -> [[String: HostTensor]] {
        var outs: [[String: HostTensor]] = []
        for feed in evaluation {
            outs.append(try ExecutionPlan(graph: graph, inputShapes: feed.mapValues(\.shape), opset: opset).run(feed))
            try tick(outs.count)
        }
        return outs
    }

    /// SQNR over every float output of every feed together; top-1 agreement on the first float output
    /// whose last dimension is above 1.
    public static func compare(_ ref: [[String: HostTensor]], _ test: [[String: HostTensor]], names: [String]) -> (Double, Double?) {
        var signal = 0.0, noise = 0.0
        var agree = 0, rows = 0
        var classifier: String?
        for name in names {
            if let t = ref.first?[name], t.dtype == .float32, (t.shape.last ?? 1) > 1 { classifier = name; break }
        }
        for (r, t) in zip(ref, test) {
            for name in names {
                guard let a = r[name], let b = t[name], a.dtype == .float32, b.dtype == .float32, a.elementCount == b.elementCount else { continue }
                let x = a.floats(), y = b.floats()
                let e = ErrorMetrics.energies(reference: x, test: y)
                signal += e.signal
                noise += e.noise
                if name == classifier, let c = a.shape.last, c > 0 {
                    let n = x.count / c
                    agree += Int((ErrorMetrics.top1Agreement(reference: x, test: y, classes: c) * Double(n)).rounded())
                    rows += n
                }
            }
        }
        let sqnr = noise == 0 ? Double.infinity : signal == 0 ? -Double.infinity : 10 * Foundation.log10(signal / noise)
        return (sqnr, rows > 0 ? Double(agree) / Double(rows) : nil)
    }
}
