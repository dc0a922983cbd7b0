import EdgeIR

/// Short fine-tuning of low-rank factors on the calibration set, after ``LowRankFactorizer/factorize(_:rank:spatial:exclude:)``.
///
/// Truncating an SVD is optimal for the weight matrix alone, not for the network's outputs: a few
/// gradient steps on real inputs recover part of the accuracy the truncation lost (Denton et al. 2014,
/// "Exploiting Linear Structure Within Convolutional Networks", §3: fine-tune the layers above an
/// approximation). Only the factors and the bias of each rewritten layer are updated; every other
/// weight keeps its value, so the step changes nothing outside the layers it factorised.
///
/// The loss is cross-entropy on the calibration labels when they exist, and otherwise distillation
/// from a teacher alone (α = 1, temperature 1: the KL divergence between the teacher's and the
/// student's softmax), so an unlabelled calibration set suffices. The pipeline passes the model
/// before the pipeline as the teacher.
public extension LowRankFactorizer {
    /// How the factors are fine-tuned.
    struct Finetune: Sendable, Equatable {
        /// Optimizer updates (mini-batches).
        public var steps: Int
        public var learningRate: Double
        public var batchSize: Int
        public var seed: UInt64

        public init(steps: Int, learningRate: Double = 0.001, batchSize: Int = 32, seed: UInt64 = 0) {
            self.steps = steps
            self.learningRate = learningRate
            self.batchSize = batchSize
            self.seed = seed
        }

        /// Adam on the factors; distillation from the teacher alone when the data carry no labels.
        func settings(labelled: Bool) -> TrainingSettings {
            TrainingSettings(epochs: 100_000, batchSize: batchSize, learningRate: learningRate, optimizer: .adam, seed: seed,
                             keepZeros: false, distill: !labelled, temperature: 1, alpha: 1, maxUpdates: steps)
        }
    }

    /// The weights and biases of the layers a factorisation wrote (`<node>/lowrank_0` and `_1`).
    static func factorTensors(_ graph: Graph, _ report: Report) -> Set<String> {
        let written = Set(report.layers.flatMap { [$0.node + "/lowrank_0", $0.node + "/lowrank_1"] })
        var names = Set<String>()
        for node in graph.nodes where written.contains(node.name) {
            for i in 1..<max(1, node.inputs.count) { if let n = node.input(i), graph.isConstant(n) { names.insert(n) } }
        }
        return names
    }

    /// Fine-tunes the factors of a factorised graph on `data`.
    /// - Parameters:
    ///   - factorized: the graph ``factorize(_:rank:spatial:exclude:)`` returned, with its `report`.
    ///   - teacher: the model whose outputs an unlabelled `data` is matched to.
    /// - Returns: the graph with trained factors, and the training report (nil when nothing was factorised).
    /// - Throws: ``OptimizeError`` when the graph has ops training cannot differentiate (node named),
    ///   when `data` is unlabelled and no teacher is given, or data that do not fit — before any update.
    static func finetune(_ factorized: Graph, report: Report, on data: LabelledSet, teacher: Graph?,
                         settings: Finetune) throws -> (Graph, Trainer.Report?) {
        let factors = factorTensors(factorized, report)
        guard !factors.isEmpty else { return (factorized, nil) }
        guard data.isLabelled || teacher != nil else {
            throw OptimizeError.invalidSetting(name: "finetune_steps", value: "\(settings.steps)",
                                               expected: "labelled calibration data or a teacher model to distil from")
        }
        let (g, r) = try Trainer.train(factorized, on: data, settings: settings.settings(labelled: data.isLabelled),
                                       teacher: teacher, trainable: factors)
        return (g, r)
    }
}
