import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// The pipeline runner on Magika (a real fetched model): steps applied in order to the previous
/// step's model, measured against the original on the engine, failures naming the step.
@Suite(.serialized) struct PipelineRunnerTests {
    static let magika = TestPaths.assets.appendingPathComponent("magika-1.0.3/magika/models/standard_v3_3/model.onnx").path

    func load() throws -> Model {
        try #require(FileManager.default.fileExists(atPath: Self.magika), "run Scripts/fetch-models.sh")
        return try ModelLoader.load(path: Self.magika)
    }

    func runner(_ m: Model, samples: Int = 2) throws -> PipelineRunner {
        var r = PipelineRunner(evaluation: try PipelineRunner.seededInputs(for: m.graph, count: samples, seed: 7),
                               opset: PipelineRunner.opset(of: m))
        r.seeded = true
        return r
    }

    static func floats(_ g: Graph, _ name: String) -> [Float] {
        g.constants[name]!.storage.withBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) }
        }
    }

    @Test func seededInputsAreDeterministicAndFitTheModel() throws {
        let m = try load()
        let a = try PipelineRunner.seededInputs(for: m.graph, count: 2, seed: 3)
        let b = try PipelineRunner.seededInputs(for: m.graph, count: 2, seed: 3)
        let c = try PipelineRunner.seededInputs(for: m.graph, count: 2, seed: 4)
        let x = try #require(a[0]["bytes"])
        #expect(x.dtype == .int32 && x.shape == [1, 2048])   // symbolic batch bound to 1
        #expect(x.values(as: Int32.self) == b[0]["bytes"]!.values(as: Int32.self))
        #expect(x.values(as: Int32.self) != c[0]["bytes"]!.values(as: Int32.self))
        #expect(x.values(as: Int32.self) != a[1]["bytes"]!.values(as: Int32.self))
        #expect(x.values(as: Int32.self).allSatisfy { (0...255).contains($0) })
    }

    @Test func aNoOpStepMeasuresAsIdentical() throws {
        let m = try load()
        let spec = PipelineSpec(name: "noop", steps: [.prune(PruneSettings(method: .magnitude, sparsity: 0))])
        let (out, report) = try runner(m).run(spec, on: m)
        let s = try #require(report.steps.first)
        // Sparsity 0 changes no weight: the outputs are bit-identical (SQNR +∞, all rows agree) and the
        // exported size is the original's.
        #expect(s.sqnr == .infinity)
        #expect(s.top1Agreement == 1)
        #expect(s.bytesBefore == s.bytesAfter && report.originalBytes == report.finalBytes)
        #expect(out.graph.nodes.count == m.graph.nodes.count)
    }

    @Test func stepsRunInOrderOnThePreviousModel() throws {
        let m = try load()
        let before = m.graph.constants.mapValues { $0.storage.withBytes { Array($0) } }
        let spec = PipelineSpec(name: "p", steps: [.prune(PruneSettings(method: .magnitude, sparsity: 0.5)),
                                                   .quantize(QuantizeSettings(precision: .int8, mode: .weightOnly))])
        let (out, report) = try runner(m).run(spec, on: m)
        #expect(report.steps.map(\.index) == [1, 2])
        #expect(report.steps.map(\.step) == ["prune(magnitude, 0.5)", "quantize(int8, weight-only, per-channel)"])
        // Magika's three weights: 257·64 + 512·256·5 + 512·214 = 16,448 + 655,360 + 109,568 = 781,376 values,
        // each layer exactly half zeroed (all three counts are even).
        #expect(report.steps[0].layers == 3 && report.steps[0].sparsity == 0.5)
        // Step 2 quantized the pruned weights: a zero stays a zero code (symmetric int8), so half of each
        // layer's codes are 0 — it ran on step 1's model, not the original.
        for name in out.graph.constants.keys where name.hasSuffix("_quantized") {
            let codes = out.graph.constants[name]!.storage.withBytes { Array($0) }
            #expect(codes.filter { $0 == 0 }.count * 2 >= codes.count, "\(name)")
        }
        // Sizes chain: step 2 starts where step 1 ended, int8 weights are about a quarter of fp32:
        // 781,376 × 3 B saved ≈ 2.34 MB of the 3.16 MB file.
        #expect(report.steps[1].bytesBefore == report.steps[0].bytesAfter)
        #expect(report.originalBytes - report.finalBytes > 781_376 * 3 - 20_000)
        #expect(report.steps.allSatisfy { $0.sqnr.isFinite && $0.sqnr > 10 })
        // The caller's model is untouched.
        #expect(m.graph.constants.mapValues { $0.storage.withBytes { Array($0) } } == before)
    }

    @Test func aFailingStepIsNamedAndImpossibleStepsFailBeforeWork() throws {
        let m = try load()
        let r = try runner(m, samples: 1)
        // Magika's byte embedding is [257, 64]: K = 257 is not a multiple of 4.
        let spec = PipelineSpec(name: "s", steps: [.prune(PruneSettings(method: .magnitude, sparsity: 0.3)),
                                                   .prune(PruneSettings(method: .nm, n: 2, m: 4))])
        #expect {
            try r.run(spec, on: m)
        } throws: { e in
            let d = "\(e)"
            return (e as? PipelineRunError)?.step == 2 && d.hasPrefix("step 2 prune(2:4): tensor 'jax2tf_get_logits_/Const:0'")
                && d.contains("size 257") && !d.contains("\n")
        }
        for (step, words) in [(PipelineStep.prune(PruneSettings(method: .magnitude, sparsity: 1.0)), "sparsity must be in [0, 1)"),
                              (.quantize(QuantizeSettings(precision: .q4_K, mode: .weightOnly)), "not available yet")] {
            #expect(throws: PipelineRunError.self) { try PipelineRunner.check(PipelineSpec(name: "x", steps: [step])) }
            do {
                _ = try r.run(PipelineSpec(name: "x", steps: [.prune(PruneSettings(method: .magnitude, sparsity: 0.1)), step]), on: m)
                Issue.record("accepted \(step.summary)")
            } catch let e as PipelineRunError {
                #expect(e.step == 2 && e.description.contains(words), "\(e)")
            }
        }
        // An evaluation set that does not fit the model's input.
        let bad = PipelineRunner(evaluation: [["bytes": HostTensor([Float](repeating: 0, count: 2048), shape: [1, 2048])]])
        #expect(throws: PipelineRunError.self) { try bad.run(PipelineSpec(name: "x", steps: []), on: m) }
    }
}
