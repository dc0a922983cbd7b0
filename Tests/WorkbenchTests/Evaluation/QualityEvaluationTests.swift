import EdgeOptimize
import Foundation
import Testing
@testable import Workbench

@Suite struct QualityEvaluationTests {
    /// fc.w rows of 32 values with row maximum 127/128, so int8 per-channel scales are 1/128: values k/128 are
    /// exact and (k + ½)/128 ties to even k, off by 1/256.
    func fcWeights() -> [Float] {
        var w: [Float] = []
        for r in 0..<10 {
            var row = [Float](repeating: 0, count: 32)
            row[0] = 127.0 / 128
            row[1] = Float(r) / 128            // exact
            if r == 3 { row[2] = 48.5 / 128 }  // the one tie: 48.5 → 48
            w += row
        }
        return w
    }

    @Test func measuresWeightSQNRFromTheModelsOwnWeights() throws {
        // conv.w all 0.25: per channel max 0.25, scale 0.25/127, 0.25 → 127 exactly: no noise.
        let m = try TinyModel.model(fcWeights: fcWeights(), convWeights: Array(repeating: 0.25, count: 4_608))
        let strategy = Strategy(pipeline: PipelineSpec(name: "int8", steps: [.quantize(QuantizeSettings(precision: .int8))]))
        let eval = QualityEvaluation(model: m, strategy: strategy, assignment: PrecisionAssignment(model: m, strategy: strategy))
        var progress: [Double] = []
        let r = try eval.run(cancel: CancellationFlag()) { progress.append($0) }
        // Signal: conv 4,608 × 0.0625 = 288; fc 10 × (127/128)² + Σ r² / 128² (r = 0…9: 285) + (48.5/128)².
        let fcSignal = 10 * (127.0 / 128) * (127.0 / 128) + 285.0 / 16_384 + (48.5 / 128) * (48.5 / 128)
        let noise = (0.5 / 128) * (0.5 / 128)
        #expect(abs(r.value - 10 * log10((288 + fcSignal) / noise)) < 1e-9)
        #expect(r.layerValues["conv"] == .infinity)
        #expect(abs(r.layerValues["fc"]! - 10 * log10(fcSignal / noise)) < 1e-9)
        // Both layers are int8 already, so sensitivity is the same measurement.
        #expect(r.sensitivity["fc"] == r.layerValues["fc"])
        #expect(r.weightsNote == "the model's own weights")
        #expect(progress.first == 0 && progress.last == 1)
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func architectureOnlyModelsUseLabelledSyntheticWeights() throws {
        let m = try TinyModel.model()
        let strategy = Strategy(pipeline: PipelineSpec(name: "fp16", steps: [.quantize(QuantizeSettings(precision: .fp16))]))
        let r = try QualityEvaluation(model: m, strategy: strategy, assignment: PrecisionAssignment(model: m, strategy: strategy))
            .run(cancel: CancellationFlag()) { _ in }
        #expect(r.weightsNote.contains("synthetic"))
        // fp16 keeps 11 significant bits: relative error ≤ 2⁻¹¹ per value, SQNR ≥ 20·log10(2¹¹) ≈ 66 dB.
        #expect(r.value > 66)
        // Sensitivity is measured at int8: far noisier than fp16 (int8 SQNR of Gaussian weights is ~40 dB).
        #expect(r.sensitivity["conv"]! < r.layerValues["conv"]!)
    }

    @Test func cancellationStopsTheRun() throws {
        let m = try TinyModel.model()
        let s = Strategy(pipeline: .baseline)
        let flag = CancellationFlag()
        flag.cancel()
        #expect(throws: EvaluationError.cancelled) {
            try QualityEvaluation(model: m, strategy: s, assignment: PrecisionAssignment(model: m, strategy: s))
                .run(cancel: flag) { _ in }
        }
    }
}
