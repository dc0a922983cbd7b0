import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Dynamic int8 (DynamicQuantizeLinear + MatMulInteger) and fp16/bf16 weights on Magika, run by the
/// engine and by onnxruntime, compared in the same run with onnxruntime's `quantize_dynamic`.
@Suite(.serialized) struct DynamicQuantizerTests {
    @Test(arguments: [false, true])
    func magikaDynamicInt8AgainstQuantizeDynamic(_ perChannel: Bool) throws {
        let f = try CompressionFixture()
        defer { f.remove() }
        var model = try CompressionFixture.load(CompressionFixture.magikaPath)
        let opset = CompressionFixture.opset(model)
        let x = try f.magikaFeatures(count: 16, offset: 3)
        let input = model.graph.inputs[0].name
        let fp32 = try CompressionFixture.engine(model.graph, input, x, opset: opset)
        // onnxruntime's quantize_dynamic covers MatMul only: exclude nothing else to compare like with like
        // (Magika has no Gemm).
        let (g, report) = try DynamicQuantizer.quantize(model.graph, perChannel: perChannel)
        // Magika's two MatMul weights: the 257 × 64 embedding and Dense_1 512 × 214.
        #expect(report.layers.map { [$0.k, $0.n] } == [[257, 64], [512, 214]])
        #expect(g.nodes.filter { $0.op.rawValue == "MatMulInteger" }.count == 2)
        #expect(g.nodes.filter { $0.op.rawValue == "DynamicQuantizeLinear" }.count == 2)
        let out = try CompressionFixture.engine(g, input, x, opset: opset)
        let sqnr = ErrorMetrics.sqnr(reference: fp32, test: out)
        model.graph = g
        let ours = f.ref.path("dyn.onnx")
        try ONNXExporter.write(model, to: ours)
        let xp = f.ref.path("x.npy")
        try NPY.write(x, path: xp)
        let j = try f.script("ort-dynamic", CompressionFixture.magikaPath, ours, xp, perChannel ? "1" : "0", f.ref.path("ort-dyn.onnx"))
        let o = j["ours"] as? [String: Any] ?? [:], r = j["ort"] as? [String: Any] ?? [:]
        let oursORT = o["sqnr"] as? Double ?? -.infinity, ortSQNR = r["sqnr"] as? Double ?? .infinity
        // The engine and onnxruntime agree on our file.
        let check = try f.ortCheck(original: CompressionFixture.magikaPath, test: model, x: x, engineOut: out, tag: "dyn-check")
        print("magika dynamic int8 \(perChannel ? "per-channel" : "per-tensor") (16 real files): engine SQNR \(sqnr) dB; onnxruntime on ours \(oursORT) dB "
              + "top-1 \(o["top1_agreement"] ?? 0) size \(o["size"] ?? 0) B; quantize_dynamic \(ortSQNR) dB top-1 \(r["top1_agreement"] ?? 0) size \(r["size"] ?? 0) B; "
              + "fp32 \(j["size_fp32"] ?? 0) B; engine vs onnxruntime on ours \(check.engineVsOrt) dB; weight SQNR \(report.layers.map(\.weightSQNR))")
        #expect(oursORT >= ortSQNR - 0.05, "ours \(oursORT) dB vs quantize_dynamic \(ortSQNR) dB")
        #expect(check.engineVsOrt > 50)
        #expect(abs(sqnr - oursORT) < 0.5)
    }

    @Test(arguments: [DType.float16, .bfloat16])
    func halfPrecisionWeights(_ dtype: DType) throws {
        let f = try CompressionFixture()
        defer { f.remove() }
        var model = try CompressionFixture.load(CompressionFixture.magikaPath)
        let opset = CompressionFixture.opset(model)
        let x = try f.magikaFeatures(count: 32, offset: 4)
        let input = model.graph.inputs[0].name
        let fp32 = try CompressionFixture.engine(model.graph, input, x, opset: opset)
        let (g, report) = try HalfPrecisionWeights.convert(model.graph, to: dtype)
        // Three weights (781,376 values) plus the conv's and Dense_1's biases where they are inputs of the layers.
        #expect(report.elements >= 781_376)
        // Round-to-nearest with p fraction bits on x = m·2^e (m in [1, 2)): error uniform over one ulp 2^(e−p),
        // variance 2^(2e−2p)/12, relative to x²: 2^(−2p)·E[1/m²]/12. With m log-uniform, E[1/m²] =
        // (1/ln 2)(1/2 − 1/8) = 0.541, so SQNR = 10·log10(2^(2p)·12/0.541) = 6.02·p + 13.46 dB:
        // fp16 (p = 10) 73.7 dB, bf16 (p = 7) 55.6 dB.
        let expected = dtype == .float16 ? 73.7 : 55.6
        #expect(abs(report.weightSQNR - expected) < 3, "weight SQNR \(report.weightSQNR)")
        let out = try CompressionFixture.engine(g, input, x, opset: opset)
        let sqnr = ErrorMetrics.sqnr(reference: fp32, test: out)
        let before = try ONNXExporter.serialize(model).bytes.count
        model.graph = g
        let check = try f.ortCheck(original: CompressionFixture.magikaPath, test: model, x: x, engineOut: out, tag: "half")
        print("magika \(dtype.rawValue) weights (32 real files): size \(before) → \(check.bytes) B; weight SQNR \(report.weightSQNR) dB; "
              + "engine output SQNR \(sqnr) dB; onnxruntime \(check.sqnr) dB top-1 \(check.top1); engine vs onnxruntime \(check.engineVsOrt) dB")
        // The weights are 99 % of the file: half the bytes, give or take the graph.
        #expect(Double(check.bytes) < 0.55 * Double(before))
        // Both runtimes see the rounding (the engine and onnxruntime differ by ≈ 70 dB on the unchanged fp32
        // model already, so the two SQNRs agree only to that floor).
        #expect(check.engineVsOrt > 60)
        #expect(sqnr > expected - 12 && check.sqnr > expected - 12)
    }

    @Test func pipelineDynamicAndHalfSteps() throws {
        let f = try CompressionFixture()
        defer { f.remove() }
        let model = try CompressionFixture.load(CompressionFixture.magikaPath)
        let x = try f.magikaFeatures(count: 16, offset: 5)
        let runner = PipelineRunner(evaluation: [["bytes": x]], opset: CompressionFixture.opset(model))
        for yaml in ["  - quantize: {precision: int8, mode: dynamic, granularity: per-tensor}\n", "  - quantize: {precision: fp16}\n",
                     "  - quantize: {precision: bf16}\n"] {
            let spec = try PipelineSpec.parse(yaml: "name: p\nsteps:\n" + yaml, file: "p.yaml")
            let (_, report) = try runner.run(spec, on: model)
            let s = report.steps[0]
            print("pipeline \(s.step) on magika: \(s.bytesBefore) → \(s.bytesAfter) B, SQNR \(s.sqnr) dB, top-1 \(s.top1Agreement ?? -1), notes \(s.notes ?? [])")
            #expect(s.bytesAfter < s.bytesBefore && s.sqnr.isFinite && s.layers > 0)
        }
    }
}
