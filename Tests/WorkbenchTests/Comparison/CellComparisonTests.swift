import EdgeOptimize
import Testing
@testable import Workbench

@Suite struct CellComparisonTests {
    @Test func rowsExplainTheGapLargestFirst() throws {
        let m = try TinyModel.model()
        var cache = EstimationCache(model: m)
        let device = try TinyModel.device("rpi5")
        let fp32 = Strategy(pipeline: .baseline)
        let int8 = Strategy(pipeline: PipelineSpec(name: "int8", steps: [.quantize(QuantizeSettings(precision: .int8))]))
        let a = try cache.estimate(fp32, on: device, simulator: TinyModel.simulator).get()
        let b = try cache.estimate(int8, on: device, simulator: TinyModel.simulator).get()
        let c = CellComparison(model: m, titleA: "fp32", a: a, assignmentA: cache.assignment(fp32),
                               titleB: "int8", b: b, assignmentB: cache.assignment(int8))
        #expect(c.rows.count == 5)
        for (x, y) in zip(c.rows, c.rows.dropFirst()) { #expect(abs(x.delta) >= abs(y.delta)) }
        // Every layer changes precision (weighted ones by the step, the rest by following conv).
        #expect(c.differing.count == 5)
        #expect(c.rows.first { $0.layer == "conv" }?.precisionB == .int8)
        #expect(c.weightBytesA == 19_880 && c.weightBytesB == 5_264)
        #expect(c.latencyA == a.latency.value && c.latencyB == b.latency.value)
    }
}
