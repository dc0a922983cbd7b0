import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Structured channel pruning on PP-OCR's direction classifier (MobileNetV3-style: expand/depthwise/
/// project blocks, squeeze-and-excitation gates, residual adds): fewer parameters and MACs, the model
/// still runs on the engine and in onnxruntime, output SQNR measured on real page crops.
@Suite(.serialized) struct ChannelPrunerTests {
    @Test(arguments: [(ChannelPruner.Norm.l1, 0.25), (.l2, 0.5)])
    func clsPrunedRunsOnEngineAndOnnxRuntime(_ norm: ChannelPruner.Norm, _ ratio: Double) throws {
        let f = try CompressionFixture()
        defer { f.remove() }
        let model = try CompressionFixture.load(CompressionFixture.clsPath)
        let opset = CompressionFixture.opset(model)
        let x = try f.ocrInputs(count: 16)
        let input = model.graph.inputs[0].name
        let fp32 = try CompressionFixture.engine(model.graph, input, x, opset: opset)
        let (g, report) = try ChannelPruner.prune(model.graph, ratio: ratio, norm: norm)
        #expect(!report.layers.isEmpty)
        // Residual adds and squeeze-and-excitation gates are pruned as groups (ChannelPrunerGroupTests).
        #expect(report.layers.contains { $0.group != nil })
        for l in report.layers {
            // ⌊ratio·C⌋ channels go, at least one stays.
            #expect(l.channelsAfter == l.channelsBefore - min(Int((ratio * Double(l.channelsBefore)).rounded(.down)), l.channelsBefore - 1), "\(l.node)")
        }
        let before = try CompressionFixture.cost(model.graph, input, [1, 3, 48, 192])
        let after = try CompressionFixture.cost(g, input, [1, 3, 48, 192])
        #expect(after.params < before.params && after.macs < before.macs)
        let out = try CompressionFixture.engine(g, input, x, opset: opset)
        #expect(out.count == fp32.count)
        let sqnr = ErrorMetrics.sqnr(reference: fp32, test: out)
        let top1 = ErrorMetrics.top1Agreement(reference: fp32, test: out, classes: 2)
        var m = model
        m.graph = g
        let ort = try f.ortCheck(original: CompressionFixture.clsPath, test: m, x: x, engineOut: out, tag: "cls-prune")
        print("ppocr cls channel prune \(norm.rawValue) \(ratio): \(report.layers.count) layers pruned, \(report.channelsRemoved) channels removed, "
              + "\(report.skipped.count) kept (\(Set(report.skipped.map { $0.reason.components(separatedBy: " '").first ?? "" }).sorted())); "
              + "params \(before.params) → \(after.params), MACs \(before.macs) → \(after.macs); engine SQNR \(sqnr) dB top-1 \(top1) (16 page crops); "
              + "onnxruntime SQNR \(ort.sqnr) dB top-1 \(ort.top1); engine vs onnxruntime \(ort.engineVsOrt) dB")
        #expect(ort.engineVsOrt > 60)
        #expect(abs(ort.sqnr - sqnr) < 1)
    }

    @Test func badRatiosFailBeforeAnyWork() throws {
        let model = try CompressionFixture.load(CompressionFixture.clsPath)
        for bad in [-0.1, 1, 1.5, .nan] {
            #expect(throws: OptimizeError.self, "\(bad)") { try ChannelPruner.prune(model.graph, ratio: bad) }
        }
        // Ratio 0 removes nothing: every layer is reported as kept, the graph computes the same.
        let (g, r) = try ChannelPruner.prune(model.graph, ratio: 0)
        #expect(r.layers.isEmpty && g.nodes.count == model.graph.nodes.count)
        let spec = try PipelineSpec.parse(yaml: "name: p\nsteps:\n  - prune: {method: channel, norm: l1, ratio: 0.25}\n", file: "p.yaml")
        #expect(spec.steps == [.prune(PruneSettings(method: .channel, sparsity: 0.25, norm: .l1))])
        #expect(throws: (any Error).self) { try PipelineSpec.parse(yaml: "name: p\nsteps:\n  - prune: {method: channel, ratio: 1.0}\n", file: "p.yaml") }
    }

    @Test func pipelineChannelStep() throws {
        let f = try CompressionFixture()
        defer { f.remove() }
        let model = try CompressionFixture.load(CompressionFixture.clsPath)
        let x = try f.ocrInputs(count: 8)
        let runner = PipelineRunner(evaluation: [[model.graph.inputs[0].name: x]], opset: CompressionFixture.opset(model))
        let spec = try PipelineSpec.parse(yaml: "name: p\nsteps:\n  - prune: {method: channel, norm: l1, ratio: 0.25}\n", file: "p.yaml")
        let (_, report) = try runner.run(spec, on: model)
        let s = report.steps[0]
        print("pipeline \(s.step) on ppocr cls: \(s.bytesBefore) → \(s.bytesAfter) B, SQNR \(s.sqnr) dB, top-1 \(s.top1Agreement ?? -1), layers \(s.layers)")
        #expect(s.layers > 0 && s.bytesAfter < s.bytesBefore)
    }
}
