import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Static int8 QDQ on Magika: calibrated with the engine on real files, run by the engine and by
/// onnxruntime, and compared in the same run with onnxruntime's `quantize_static` (same calibration
/// batch, QDQ, S8S8, per-channel, same calibrator, Conv/Gemm/MatMul).
@Suite(.serialized) struct StaticQuantizerTests {
    static let magika = TestPaths.assets.appendingPathComponent("magika-1.0.3/magika/models/standard_v3_3/model.onnx").path

    static func features(_ ref: QuantReference, count: Int, offset: Int) throws -> HostTensor {
        try ref.run("magika-features", String(count), String(offset), ref.path("f\(offset).i32"))
        let b = try ref.bytes("f\(offset).i32")
        let v = b.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
        return HostTensor(values: v, shape: [count, 2048])
    }

    @Test(arguments: [("MinMax", RangeCalibrator.Method.minMax), ("Entropy", .entropy(quantizedBins: 128)),
                      ("Percentile", .percentile(99.999))])
    func magikaNoWorseThanOnnxRuntime(_ ortMethod: String, _ method: RangeCalibrator.Method) throws {
        guard FileManager.default.fileExists(atPath: Self.magika) else {
            Issue.record("missing \(Self.magika): run Scripts/fetch-models.sh"); return
        }
        let ref = try QuantReference()
        defer { ref.remove() }
        var model = try ModelLoader.load(path: Self.magika)
        let opset = model.metadata.properties["onnx.opset.ai.onnx"].flatMap { Int($0) } ?? 99
        let calib = try Self.features(ref, count: 32, offset: 0)
        // onnxruntime's histogram calibrators start with 128 (entropy) / 2048 (percentile) bins: our defaults.
        let (q, report) = try StaticQuantizer.quantize(model.graph, calibration: [["bytes": calib]], method: method, opset: opset)
        #expect(report.weights.layers.count == 3)
        #expect(!report.ranges.isEmpty)

        // Accuracy measured by the engine: fp32 and int8 graphs on 16 other real files.
        let eval = try Self.features(ref, count: 16, offset: 1)
        let fp32 = try ExecutionPlan(graph: model.graph, inputShapes: ["bytes": [16, 2048]], opset: opset).run(["bytes": eval])
        let int8 = try ExecutionPlan(graph: q, inputShapes: ["bytes": [16, 2048]], opset: opset).run(["bytes": eval])
        let name = model.graph.outputs[0].name
        let a = try #require(fp32[name]).floats(), b = try #require(int8[name]).floats()
        let engineSQNR = ErrorMetrics.sqnr(reference: a, test: b)
        let engineTop1 = ErrorMetrics.top1Agreement(reference: a, test: b, classes: a.count / 16)

        // Export and compare with onnxruntime's quantize_static on the same calibration batch.
        model.graph = q
        let ours = ref.path("ours.onnx")
        try ONNXExporter.write(model, to: ours)
        try Data(bytes: calib.storage.pointer, count: calib.byteCount).write(to: URL(fileURLWithPath: ref.path("calib.i32")))
        let json = try ref.run("ort-static", Self.magika, ours, ref.path("calib.i32"), ortMethod, "256", ref.path("ort.onnx"))
        let o = json["ours"] as? [String: Any] ?? [:], r = json["ort"] as? [String: Any] ?? [:]
        let oursSQNR = o["sqnr"] as? Double ?? -.infinity, ortSQNR = r["sqnr"] as? Double ?? .infinity
        print("magika static int8 \(ortMethod): engine (16 files) SQNR \(engineSQNR) dB top-1 \(engineTop1); onnxruntime (\(json["inputs"] ?? 0) files): "
              + "ours SQNR \(oursSQNR) dB top-1 \(o["top1_agreement"] ?? 0) KL \(o["kl"] ?? 0) size \(json["size_ours"] ?? 0) B; "
              + "quantize_static SQNR \(ortSQNR) dB top-1 \(r["top1_agreement"] ?? 0) KL \(r["kl"] ?? 0) size \(json["size_ort"] ?? 0) B; fp32 \(json["size_fp32"] ?? 0) B")
        #expect(oursSQNR >= ortSQNR - 0.01, "ours \(oursSQNR) dB vs quantize_static \(ortSQNR) dB")
        #expect(engineSQNR > 15)
    }

    @Test func badCalibrationSetsFailBeforeAnyWork() throws {
        guard FileManager.default.fileExists(atPath: Self.magika) else { return }
        let model = try ModelLoader.load(path: Self.magika)
        let g = model.graph
        #expect(throws: OptimizeError.self) { try StaticQuantizer.quantize(g, calibration: []) }
        let wrongType = HostTensor([Float](repeating: 0, count: 2048), shape: [1, 2048])
        #expect(throws: OptimizeError.self) { try StaticQuantizer.quantize(g, calibration: [["bytes": wrongType]]) }
        let wrongShape = HostTensor(values: [Int32](repeating: 0, count: 1024), shape: [1, 1024])
        #expect(throws: OptimizeError.self) { try StaticQuantizer.quantize(g, calibration: [["bytes": wrongShape]]) }
        let wrongName = HostTensor(values: [Int32](repeating: 0, count: 2048), shape: [1, 2048])
        #expect(throws: OptimizeError.self) { try StaticQuantizer.quantize(g, calibration: [["input": wrongName]]) }
    }
}
