import EdgeEngine
import EdgeIR

/// Labelled data in a pipeline run: task accuracy per step, and the checks `finetune` steps need.
extension PipelineRunner {
    /// Top-1 accuracy of the first classifier-shaped output (float, last dimension above 1) over every
    /// feed: row r of feed k is right when its largest score (the first on ties) is at `labels[k][r]`.
    /// - Throws: ``OptimizeError/invalidSetting(name:value:expected:)`` when a feed's label count is not its row count.
    static func accuracy(_ outputs: [[String: HostTensor]], labels: [[Int]], names: [String]) throws -> Double {
        guard labels.count == outputs.count else {
            throw OptimizeError.invalidSetting(name: "labels", value: "\(labels.count) set(s)", expected: "one per evaluation feed (\(outputs.count))")
        }
        guard let name = names.first(where: { n in outputs.first?[n].map { $0.dtype == .float32 && ($0.shape.last ?? 1) > 1 } ?? false }) else {
            throw OptimizeError.unsupported("labels were given but the model has no classifier-shaped output ([…, classes])")
        }
        var right = 0, total = 0
        for (out, l) in zip(outputs, labels) {
            let t = out[name]!
            let c = t.shape.last!
            let v = t.floats()
            guard v.count / c == l.count else {
                throw OptimizeError.invalidSetting(name: "labels", value: "\(l.count)", expected: "one per output row (\(v.count / c))")
            }
            for (r, label) in l.enumerated() {
                var best = 0
                for j in 1..<c where v[r * c + j] > v[r * c + best] { best = j }
                if best == label { right += 1 }
                total += 1
            }
        }
        return total == 0 ? 0 : Double(right) / Double(total)
    }

    /// Before any step runs: a `finetune` step has labelled calibration data, and the model's ops are
    /// ones training supports (checked on the original model when no earlier step changes the ops).
    func checkTraining(_ spec: PipelineSpec, _ graph: Graph) throws {
        for (i, step) in spec.steps.enumerated() {
            guard case .finetune(let settings) = step else { continue }
            func fail(_ m: String) -> PipelineRunError { PipelineRunError(step: i + 1, summary: step.summary, message: m) }
            let l = calibrationLabels
            guard l != nil || !settings.needsLabels else {
                throw fail("fine-tuning needs labelled calibration data (calibration feeds and their class labels); distill with alpha 1 needs none")
            }
            let trainable: TrainableGraph
            do {
                trainable = try TrainableGraph(graph)
            } catch {
                if spec.steps[..<i].contains(where: { if case .lowRank = $0 { return true } else { return false } }) { continue }
                throw fail("\(error)")
            }
            do {
                try Trainer.check(try LabelledSet(feeds: calibration ?? evaluation, labels: l, input: trainable.inputName), fits: trainable,
                                  labelled: settings.needsLabels)
            } catch {
                throw fail("the calibration set does not fit: \(error)")
            }
            if let labels {
                guard labels.count == evaluation.count else {
                    throw PipelineRunError(step: 0, summary: "", message: "\(labels.count) label set(s) for \(evaluation.count) evaluation feed(s)")
                }
            }
        }
    }
}

/// Fine-tuning the factors of a `lowrank` step (``LowRankFactorizer/finetune(_:report:on:teacher:settings:)``).
extension PipelineRunner {
    /// Trains the factors on the calibration set (the evaluation set when none is given): on the
    /// calibration labels when given, else by distillation from `teacher` (the model before the pipeline).
    func finetuneFactors(_ l: LowRankSettings, _ g: Graph, _ r: LowRankFactorizer.Report, teacher: Graph,
                         notes: inout [String]?) throws -> Graph {
        let t = try TrainableGraph(g)
        let data = try LabelledSet(feeds: calibration ?? evaluation, labels: calibrationLabels, input: t.inputName)
        let settings = LowRankFactorizer.Finetune(steps: l.finetuneSteps, learningRate: l.finetuneRate ?? 0.001)
        let (trained, report) = try LowRankFactorizer.finetune(g, report: r, on: data, teacher: teacher, settings: settings)
        if let report {
            let loss = report.epochLoss.map { String(format: "%.4f", $0) }
            notes = (notes ?? []) + ["fine-tuned \(LowRankFactorizer.factorTensors(g, r).count) factor tensors: \(report.updates) Adam steps on \(data.count) calibration samples, "
                + (data.isLabelled ? "cross-entropy on their labels" : "distilled from the original model")
                + ", loss \(loss.first ?? "-") → \(loss.last ?? "-") (per epoch)"]
        }
        return trained
    }

    /// Before any step: a `lowrank` step that fine-tunes its factors without calibration labels needs
    /// the original model (its teacher) to be trainable, and the calibration set to fit it.
    func checkFactorFinetune(_ spec: PipelineSpec, _ graph: Graph) throws {
        for (i, step) in spec.steps.enumerated() {
            guard case .lowRank(let l) = step, l.finetuneSteps > 0 else { continue }
            do {
                let teacher = try TrainableGraph(graph)
                try Trainer.check(try LabelledSet(feeds: calibration ?? evaluation, labels: calibrationLabels, input: teacher.inputName),
                                  fits: teacher, labelled: calibrationLabels != nil)
            } catch {
                throw PipelineRunError(step: i + 1, summary: step.summary, message: "fine-tuning the factors: \(error)")
            }
        }
    }
}
