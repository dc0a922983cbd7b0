import EdgeEngine
import EdgeIR
import Foundation
import Testing
@testable import EdgeOptimize

/// `finetune` and `distill` steps: YAML in and out, and what the runner rejects before any work.
@Suite struct PipelineSpecFinetuneTests {
    @Test func parsesFinetuneAndDistillAndWritesThemBack() throws {
        let yaml = """
            name: sparse-int8
            steps:
              - prune: {method: "n:m", pattern: "2:4", exclude: [conv1]}
              - finetune: {epochs: 10, lr: 0.05, optimizer: sgd, weight_decay: 0.0005}
              - distill: {epochs: 3, lr: 0.001, optimizer: adam, temperature: 2, alpha: 0.5}
              - quantize: {precision: int8}
            """
        let p = try PipelineSpec.parse(yaml: yaml, file: "p.yaml")
        #expect(p.summary == "prune(2:4, except conv1) → finetune(sgd, lr 0.05, 10 epochs) → distill(adam, lr 0.001, 3 epochs, T 2.0, α 0.5) → quantize(int8, per-channel, minmax)")
        guard case .finetune(let f) = p.steps[1], case .finetune(let k) = p.steps[2] else { Issue.record("not finetune steps"); return }
        #expect(f.epochs == 10 && f.optimizer == .sgd && f.weightDecay == 0.0005 && !f.distill && f.keepZeros)
        #expect(k.distill && k.temperature == 2 && k.alpha == 0.5 && k.optimizer == .adam)
        let again = try PipelineSpec.parse(yaml: p.yamlLines().joined(separator: "\n") + "\n", file: "again.yaml")
        #expect(again == p)
        try PipelineRunner.check(p)
    }

    @Test func mistakesNameLineAndColumn() {
        func expectError(_ yaml: String, line: Int, contains text: String) {
            #expect {
                try PipelineSpec.parse(yaml: yaml, file: "bad.yaml")
            } throws: { e in
                "\(e)".contains("bad.yaml:\(line):") && "\(e)".contains(text)
            }
        }
        expectError("name: x\nsteps:\n  - finetune: {epochs: 0}\n", line: 3, contains: "epochs")
        expectError("name: x\nsteps:\n  - finetune: {lr: -1}\n", line: 3, contains: "lr must be in (0, 10]")
        expectError("name: x\nsteps:\n  - finetune: {optimizer: rmsprop}\n", line: 3, contains: "optimizer 'rmsprop' is not one of")
        expectError("name: x\nsteps:\n  - finetune: {epoch: 3}\n", line: 3, contains: "did you mean 'epochs'")
        // Temperature belongs to distillation only.
        expectError("name: x\nsteps:\n  - finetune: {temperature: 2}\n", line: 3, contains: "temperature")
        expectError("name: x\nsteps:\n  - distill: {alpha: 1.5}\n", line: 3, contains: "alpha")
    }

    @Test func runnerRejectsImpossibleFinetunesBeforeWork() throws {
        // After quantization there are no float weights left to train.
        let late = PipelineSpec(name: "late", steps: [.quantize(QuantizeSettings(precision: .int8)), .finetune(TrainingSettings())])
        #expect { try PipelineRunner.check(late) } throws: { "\($0)".contains("step 2") && "\($0)".contains("before the quantize step") }

        let g = try TrainableGraphTests.convGemm()
        let model = Model(graph: g, metadata: ModelMetadata(format: "onnx", source: "test"))
        let x = HostTensor([Float](repeating: 0.5, count: 2 * 4 * 7 * 6), shape: [2, 4, 7, 6])
        let spec = PipelineSpec(name: "ft", steps: [.finetune(TrainingSettings(epochs: 1))])
        // No labels for the calibration set.
        let unlabelled = PipelineRunner(evaluation: [["x": x]])
        #expect { try unlabelled.run(spec, on: model) } throws: { "\($0)".contains("step 1") && "\($0)".contains("labelled calibration data") }
        // A label outside the classes.
        var bad = PipelineRunner(evaluation: [["x": x]])
        bad.calibrationLabels = [[0, 7]]
        #expect { try bad.run(spec, on: model) } throws: { "\($0)".contains("label of sample 1") }
        // An op training cannot differentiate, named before any work.
        var b = GraphBuilder(name: "sig")
        let input = b.input("x", .float32, Shape([.symbol("N"), .value(3)]))
        let w = b.weight("w", .float32, Shape([3, 2]), storage: .memory([Float](repeating: 0.1, count: 6).withUnsafeBytes { Array($0) }))
        let h = try b.apply(.sigmoid, [try b.apply(.matMul, [input, w], name: "mm")], name: "squash")
        b.output(h)
        var r = PipelineRunner(evaluation: [["x": HostTensor([1, 2, 3], shape: [1, 3])]])
        r.calibrationLabels = [[0]]
        let sig = Model(graph: try b.finish(), metadata: ModelMetadata(format: "onnx", source: "test"))
        #expect { try r.run(spec, on: sig) } throws: { "\($0)".contains("step 1") && "\($0)".contains("'squash'") }
    }

    @Test func finetuneTrainsOnTheCalibrationLabelsAndReportsAccuracy() throws {
        let g = try TrainableGraphTests.convGemm()
        let model = Model(graph: g, metadata: ModelMetadata(format: "onnx", source: "test"))
        var rng = SplitMix64(seed: 8)
        let x = HostTensor((0..<(16 * 168)).map { _ in rng.unit() * 2 - 1 }, shape: [16, 4, 7, 6])
        let labels = (0..<16).map { $0 % 5 }
        var r = PipelineRunner(evaluation: [["x": x]], calibration: [["x": x]])
        r.labels = [labels]
        r.calibrationLabels = [labels]
        let spec = PipelineSpec(name: "ft", steps: [.finetune(TrainingSettings(epochs: 40, batchSize: 4, learningRate: 0.01, optimizer: .adam))])
        let (out, report) = try r.run(spec, on: model)
        let before = try #require(report.originalAccuracy), after = try #require(report.steps[0].accuracy)
        // 16 samples memorised by training on themselves: accuracy rises, and the weights changed.
        #expect(after > before)
        #expect(after >= 0.75)
        #expect(out.graph.constants["g"]!.storage.withBytes { Array($0) } != g.constants["g"]!.storage.withBytes { Array($0) })
        #expect(report.steps[0].layers == 4)
    }
}

/// Fine-tuning without labels (distillation from the teacher alone) and a step budget, as low-rank
/// factor fine-tuning on an unlabelled calibration set needs.
@Suite struct UnlabelledFinetuneTests {
    @Test func pureDistillationNeedsNoLabelsAndStopsAtTheStepBudget() throws {
        let teacher = try TrainableGraphTests.convGemm()
        // The student: the teacher with its Gemm weight halved, so it starts away from the teacher.
        var student = teacher
        let g = TrainableGraphTests.floats(teacher, "g")
        student.setConstant(.float32("g", g.map { $0 / 2 }, shape: teacher.constants["g"]!.shape))
        var rng = SplitMix64(seed: 21)
        let x = HostTensor((0..<(8 * 168)).map { _ in rng.unit() * 2 - 1 }, shape: [8, 4, 7, 6])
        let data = try LabelledSet(feeds: [["x": x]], labels: nil, input: "x")
        #expect(data.count == 8 && !data.isLabelled)
        let s = TrainingSettings(batchSize: 4, learningRate: 0.01, optimizer: .adam, distill: true, temperature: 1, alpha: 1, maxUpdates: 5)
        #expect(!s.needsLabels && s.summary == "distill(adam, lr 0.01, 5 steps, T 1.0, α 1.0)")
        let (_, r) = try Trainer.train(student, on: data, settings: s, teacher: teacher)
        #expect(r.updates == 5)   // 2 batches per epoch: epochs 1, 2 and the first batch of 3
        let (_, longer) = try Trainer.train(student, on: data, settings: { var t = s; t.maxUpdates = 40; return t }(), teacher: teacher)
        #expect(longer.epochLoss.last! < r.epochLoss.first!)
        // Cross-entropy still needs labels.
        var ce = s
        ce.alpha = 0.5
        #expect(throws: OptimizeError.self) { try Trainer.train(student, on: data, settings: ce, teacher: teacher) }
        // The pipeline runs it without calibration labels.
        let spec = PipelineSpec(name: "d", steps: [.finetune(s)])
        let (_, report) = try PipelineRunner(evaluation: [["x": x]]).run(spec, on: Model(graph: student, metadata: ModelMetadata(format: "onnx", source: "t")))
        #expect(report.steps.count == 1)
        let yaml = try PipelineSpec.parse(yaml: "name: d\nsteps:\n  - distill: {steps: 5, alpha: 1}\n", file: "d.yaml")
        guard case .finetune(let f) = yaml.steps[0] else { Issue.record("not a finetune step"); return }
        #expect(f.maxUpdates == 5 && f.alpha == 1 && !f.needsLabels)
        #expect(try PipelineSpec.parse(yaml: yaml.yamlLines().joined(separator: "\n") + "\n", file: "again.yaml") == yaml)
    }
}

extension TrainableGraphTests {
    static func floats(_ g: Graph, _ name: String) -> [Float] {
        g.constants[name]!.storage.withBytes { raw in (0..<(raw.count / 4)).map { raw.loadUnaligned(fromByteOffset: 4 * $0, as: Float.self) } }
    }
}
