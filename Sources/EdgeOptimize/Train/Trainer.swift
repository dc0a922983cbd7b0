import EdgeEngine
import EdgeIR
import Foundation

/// Samples for training: each input is one sample's values (the model's input without its batch
/// dimension), each label a class index. Labels may be empty for pure distillation (α = 1), which
/// learns from the teacher alone — e.g. fine-tuning low-rank factors on an unlabelled calibration set.
public struct LabelledSet: Sendable {
    public var inputs: [[Float]]
    public var labels: [Int]

    public init(inputs: [[Float]], labels: [Int]) {
        self.inputs = inputs
        self.labels = labels
    }

    public var count: Int { inputs.count }
    public var isLabelled: Bool { !labels.isEmpty }

    /// Splits batched feeds of the model input `name` along axis 0 into samples, paired with labels
    /// (one label array per feed, one label per row).
    /// - Throws: ``OptimizeError/invalidSetting(name:value:expected:)`` when the labels do not match the rows.
    public init(feeds: [[String: HostTensor]], labels: [[Int]]?, input name: String) throws {
        let unlabelled = labels == nil
        let labels = labels ?? feeds.map { _ in [] }
        guard feeds.count == labels.count else {
            throw OptimizeError.invalidSetting(name: "labels", value: "\(labels.count) label set(s)", expected: "one per input feed (\(feeds.count))")
        }
        var xs: [[Float]] = []
        var ys: [Int] = []
        for (k, (feed, l)) in zip(feeds, labels).enumerated() {
            guard let t = feed[name], t.dtype == .float32, let rows = t.shape.first, rows > 0 else {
                throw OptimizeError.invalidSetting(name: "feed \(k)", value: "no float32 '\(name)'", expected: "the model's input")
            }
            guard unlabelled || l.count == rows else {
                throw OptimizeError.invalidSetting(name: "labels of feed \(k)", value: "\(l.count)", expected: "one per row (\(rows))")
            }
            let v = t.floats()
            let per = v.count / rows
            for r in 0..<rows { xs.append(Array(v[(r * per)..<((r + 1) * per)])) }
            ys += l
        }
        self.init(inputs: xs, labels: ys)
    }
}

/// How to train or fine-tune: optimizer, schedule, and the loss.
public struct TrainingSettings: Sendable, Equatable, Codable {
    public enum OptimizerKind: String, Sendable, Codable, CaseIterable { case sgd, adam }

    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var optimizer: OptimizerKind
    /// SGD momentum μ.
    public var momentum: Double
    public var weightDecay: Double
    /// Seeds the sample order of every epoch.
    public var seed: UInt64
    /// Hold weights that are exactly zero at zero (a pruned model stays pruned, e.g. its 2:4 pattern).
    public var keepZeros: Bool
    /// Train on the soft targets of a teacher (the model before the pipeline) as well as the labels.
    public var distill: Bool
    public var temperature: Double
    /// Weight α of the distillation term: `α·L_KD + (1 − α)·L_CE`.
    public var alpha: Double
    /// Stop after this many updates (nil: run every epoch) — "fine-tune for N steps".
    public var maxUpdates: Int?

    /// Distillation from the teacher alone, which needs no labels.
    public var needsLabels: Bool { !(distill && alpha == 1) }

    public init(epochs: Int = 5, batchSize: Int = 32, learningRate: Double = 0.001, optimizer: OptimizerKind = .adam,
                momentum: Double = 0.9, weightDecay: Double = 0, seed: UInt64 = 0, keepZeros: Bool = true,
                distill: Bool = false, temperature: Double = 4, alpha: Double = 0.7, maxUpdates: Int? = nil) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.optimizer = optimizer
        self.momentum = momentum
        self.weightDecay = weightDecay
        self.seed = seed
        self.keepZeros = keepZeros
        self.distill = distill
        self.temperature = temperature
        self.alpha = alpha
        self.maxUpdates = maxUpdates
    }

    public var summary: String {
        "\(distill ? "distill" : "finetune")(\(optimizer.rawValue), lr \(learningRate), "
            + (maxUpdates.map { "\($0) step\($0 == 1 ? "" : "s")" } ?? "\(epochs) epoch\(epochs == 1 ? "" : "s")")
            + (distill ? ", T \(temperature), α \(alpha)" : "") + ")"
    }

    /// Rejects settings no training run can use.
    public func check() throws {
        func bad(_ n: String, _ v: Any, _ e: String) -> OptimizeError { .invalidSetting(name: n, value: "\(v)", expected: e) }
        guard (1...100_000).contains(epochs) else { throw bad("epochs", epochs, "1…100000") }
        guard (1...65_536).contains(batchSize) else { throw bad("batch_size", batchSize, "1…65536") }
        guard learningRate > 0, learningRate.isFinite, learningRate <= 10 else { throw bad("lr", learningRate, "a rate in (0, 10]") }
        guard momentum >= 0, momentum < 1 else { throw bad("momentum", momentum, "[0, 1)") }
        guard weightDecay >= 0, weightDecay.isFinite else { throw bad("weight_decay", weightDecay, "≥ 0") }
        guard temperature > 0, temperature.isFinite else { throw bad("temperature", temperature, "> 0") }
        guard alpha >= 0, alpha <= 1 else { throw bad("alpha", alpha, "[0, 1]") }
        if let m = maxUpdates { guard m >= 1 else { throw bad("steps", m, "≥ 1") } }
    }
}

/// Mini-batch training of an IR graph (see ``TrainableGraph`` for the ops it supports).
///
/// Deterministic on one thread: the sample order of each epoch is a Fisher–Yates shuffle driven by a
/// SplitMix64 stream seeded with ``TrainingSettings/seed``, and each batch's gradient is the mean of
/// the per-sample gradients added in sample order.
public enum Trainer {
    public struct Report: Sendable, Codable, Equatable {
        /// Mean training loss of each epoch.
        public var epochLoss: [Double]
        /// Fraction of training samples classified right during the last epoch (before each update).
        public var trainAccuracy: Double
        public var samples: Int
        public var updates: Int
        /// Weights held at zero by ``TrainingSettings/keepZeros``.
        public var frozenZeros: Int
        /// Wall-clock seconds, and CPU seconds of the training thread (meaningful on a busy machine).
        public var seconds: Double
        public var cpuSeconds: Double
    }

    /// CPU time of the calling thread, in seconds.
    static func threadCPUTime() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Trains `graph` on `data`; returns the graph with new weights.
    /// - Parameters:
    ///   - teacher: the model whose soft targets ``TrainingSettings/distill`` learns from.
    ///   - trainable: names of the parameters to update (nil: all); the others keep their values, e.g.
    ///     only the factors of a low-rank step are fine-tuned.
    /// - Throws: ``OptimizeError`` for unsupported ops (node named), settings, or data that do not fit —
    ///   all before the first update; a `trainable` name that is no parameter of the graph.
    public static func train(_ graph: Graph, on data: LabelledSet, settings: TrainingSettings, teacher: Graph? = nil,
                             trainable: Set<String>? = nil,
                             progress: ((_ epoch: Int, _ loss: Double, _ model: Graph) -> Void)? = nil) throws -> (Graph, Report) {
        try settings.check()
        var model = try TrainableGraph(graph)
        if let trainable, let missing = trainable.subtracting(model.parameters.map(\.name)).sorted().first {
            throw OptimizeError.invalidSetting(name: "trainable", value: missing, expected: "a float weight the graph's trainable ops read")
        }
        let fixed = trainable.map { t in model.parameters.indices.filter { !t.contains(model.parameters[$0].name) } } ?? []
        let teacherModel = try settings.distill ? TrainableGraph(teacher ?? graph) : nil
        try check(data, fits: model, labelled: settings.needsLabels)
        if let teacherModel {
            guard teacherModel.sampleSize == model.sampleSize, teacherModel.classes == model.classes else {
                throw OptimizeError.unsupported("the teacher's input (\(teacherModel.sampleShape)) or classes (\(teacherModel.classes)) differ from the student's")
            }
        }
        let started = Date(), cpuStarted = threadCPUTime()
        let soft: [[Float]]? = teacherModel.map { t in data.inputs.map { t.logits(t.forward($0)) } }
        var values = model.parameters.map(\.values)
        let masks: [[Bool]?] = values.map { v in settings.keepZeros && v.contains(0) ? v.map { $0 != 0 } : nil }
        let frozen = masks.reduce(0) { $0 + ($1?.filter { !$0 }.count ?? 0) }
        var optimizer = Optimizer(settings.optimizer == .adam ? .adam(beta1: 0.9, beta2: 0.999, epsilon: 1e-8) : .sgd(momentum: Float(settings.momentum)),
                                  learningRate: Float(settings.learningRate), weightDecay: Float(settings.weightDecay))
        var rng = SplitMix64(seed: settings.seed)
        var order = Array(0..<data.count)
        var epochLoss: [Double] = []
        var correct = 0
        training: for epoch in 0..<settings.epochs {
            for i in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(i, Int(rng.next() % UInt64(i + 1)))
            }
            var total = 0.0
            correct = 0
            for start in stride(from: 0, to: order.count, by: settings.batchSize) {
                let batch = order[start..<min(start + settings.batchSize, order.count)]
                var grads = values.map { [Float](repeating: 0, count: $0.count) }
                for s in batch {
                    let acts = model.forward(data.inputs[s])
                    let z = model.logits(acts)
                    // The label to score against: the given one, or the teacher's choice when unlabelled.
                    let target = data.isLabelled ? data.labels[s] : soft.map { Self.argmax($0[s]) } ?? 0
                    if Self.argmax(z) == target { correct += 1 }
                    var (loss, dz) = settings.needsLabels ? Loss.crossEntropy(z, label: target) : (0, [Float](repeating: 0, count: z.count))
                    if let soft {
                        let (kd, dkd) = Loss.distillation(z, teacher: soft[s], temperature: settings.temperature)
                        let a = settings.alpha
                        loss = a * kd + (1 - a) * loss
                        dz = zip(dkd, dz).map { Float(a) * $0 + Float(1 - a) * $1 }
                    }
                    total += loss
                    model.backward(acts, dLogits: dz, into: &grads)
                }
                let scale = 1 / Float(batch.count)
                for p in grads.indices { for i in grads[p].indices { grads[p][i] *= scale } }
                let held = fixed.map { values[$0] }
                optimizer.step(&values, grads: grads, masks: masks)
                for (p, v) in zip(fixed, held) { values[p] = v }
                model.setParameters(values)
                if let m = settings.maxUpdates, optimizer.steps >= m {
                    epochLoss.append(total / Double(min(order.count, start + batch.count)))
                    break training
                }
            }
            let mean = total / Double(data.count)
            guard mean.isFinite else {
                throw OptimizeError.invalidSetting(name: "lr", value: "\(settings.learningRate)", expected: "a rate that does not diverge (loss became \(mean) in epoch \(epoch + 1))")
            }
            epochLoss.append(mean)
            if let progress { progress(epoch + 1, mean, model.trainedGraph) }
        }
        let report = Report(epochLoss: epochLoss, trainAccuracy: Double(correct) / Double(data.count), samples: data.count,
                            updates: optimizer.steps, frozenZeros: frozen, seconds: Date().timeIntervalSince(started),
                            cpuSeconds: threadCPUTime() - cpuStarted)
        return (model.trainedGraph, report)
    }

    /// Every sample has the model's per-sample size and a label among its classes.
    static func argmax(_ z: [Float]) -> Int {
        var best = 0
        for j in z.indices.dropFirst() where z[j] > z[best] { best = j }
        return best
    }

    static func check(_ data: LabelledSet, fits model: TrainableGraph, labelled: Bool = true) throws {
        guard data.count > 0 else { throw OptimizeError.invalidSetting(name: "training set", value: "empty", expected: "at least one sample") }
        guard data.inputs.count == data.labels.count || (!labelled && data.labels.isEmpty) else {
            throw OptimizeError.invalidSetting(name: "training set", value: "\(data.inputs.count) inputs, \(data.labels.count) labels", expected: "one label per input")
        }
        if let k = data.inputs.firstIndex(where: { $0.count != model.sampleSize }) {
            throw OptimizeError.invalidSetting(name: "sample \(k)", value: "\(data.inputs[k].count) values", expected: "\(model.sampleSize) (shape \(model.sampleShape))")
        }
        if let k = data.labels.firstIndex(where: { !(0..<model.classes).contains($0) }) {
            throw OptimizeError.invalidSetting(name: "label of sample \(k)", value: "\(data.labels[k])", expected: "a class in 0…\(model.classes - 1)")
        }
        if let k = data.inputs.firstIndex(where: { $0.contains { !$0.isFinite } }) {
            throw OptimizeError.invalidSetting(name: "sample \(k)", value: "a non-finite value", expected: "finite inputs")
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a small seeded generator for sample order and weight init.
public struct SplitMix64: Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 24 bits.
    public mutating func unit() -> Float { Float(next() >> 40) / Float(1 << 24) }
}
