import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing

/// The plan passes change how a graph is computed, not what: fused and unfused plans agree, on a
/// hand-worked example and on real models; the arena reproduces the IR's liveness peak for the
/// plan's schedule.
@Suite struct PlanPassesTests {
    /// x[1,1,2,2] → Conv(1×1, w = 2, b = 1) → BatchNorm(scale 3, bias 0.5, mean 1, var 3, ε 1) → Relu.
    /// BN(y) = 3·(y − 1)/√(3 + 1) + 0.5 = 1.5·y − 1; y = 2x + 1, so out = relu(3x + 0.5):
    /// x = [1, −1, 0, 0.5] → [3.5, 0, 0.5, 2].
    @Test func convBatchNormReluFoldsToOneConv() throws {
        var b = GraphBuilder(name: "fold")
        let x = b.input("x", .float32, Shape([1, 1, 2, 2]))
        func c(_ name: String, _ v: [Float], _ shape: [Int]) -> String {
            b.weight(name, .float32, Shape(shape), storage: .memory(v.withUnsafeBytes { Array($0) }))
        }
        var y = try b.apply(.conv, [x, c("w", [2], [1, 1, 1, 1]), c("b", [1], [1])], name: "conv")
        y = try b.apply(.batchNorm, [y, c("s", [3], [1]), c("bb", [0.5], [1]), c("m", [1], [1]), c("v", [3], [1])],
                        ["epsilon": .float(1)], name: "bn")
        y = try b.apply(.relu, [y], name: "relu")
        b.output(y)
        let g = try b.finish()
        let input = HostTensor([1, -1, 0, 0.5], shape: [1, 1, 2, 2])
        for fuse in [true, false] {
            let plan = try ExecutionPlan(graph: g, options: EngineOptions(fuse: fuse))
            #expect(plan.steps.count == (fuse ? 1 : 3))
            let out = try #require(try plan.run(["x": input])[y]).floats()
            #expect(out == [3.5, 0, 0.5, 2], "fuse \(fuse): \(out)")
        }
    }

    static let models = TestPaths.assets.path + "/rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/"

    @Test(arguments: ["ch_ppocr_mobile_v2.0_cls_infer.onnx", "ch_PP-OCRv4_rec_infer.onnx"])
    func fusedAndUnfusedAgreeOnRealModels(_ file: String) throws {
        let path = Self.models + file
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        let model = try ModelLoader.load(path: path)
        let shape = file.contains("cls") ? [1, 3, 48, 192] : [1, 3, 48, 320]
        var rng = SeededRNG(seed: 9)
        let x = HostTensor((0..<shape.reduce(1, *)).map { _ in rng.float() }, shape: shape)
        let fused = try ExecutionPlan(model: model, inputShapes: ["x": shape])
        let plain = try ExecutionPlan(model: model, inputShapes: ["x": shape], options: EngineOptions(fuse: false))
        print("\(file): passes \(fused.report.passes.sorted { $0.key < $1.key }); steps \(fused.report.steps) fused vs \(plain.report.steps)")
        #expect((fused.report.passes["fuse-activation"] ?? 0) > 0)
        if file.contains("cls") { #expect((fused.report.passes["fold-batchnorm"] ?? 0) > 0) }
        #expect(fused.report.steps < plain.report.steps)
        let a = try #require(try fused.run(["x": x]).values.first).floats()
        let b = try #require(try plain.run(["x": x]).values.first).floats()
        let maxRef = b.map { abs($0) }.max() ?? 1
        let maxErr = zip(a, b).map { abs($0 - $1) }.max() ?? 0
        #expect(maxErr <= 1e-5 * maxRef, "max error \(maxErr) of \(maxRef)")
    }

    /// The arena holds the IR's peak for the same schedule (identical liveness rules), plus only
    /// fragmentation and 64-byte alignment. Against the graph as imported the figures differ for
    /// known reasons, printed for the record: folding and fusion remove values (lower), inlined `If`
    /// branches expose values the IR does not count inside subgraphs (higher).
    @Test(arguments: [
        ("rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx", ["x": [1, 3, 736, 1472]]),
        ("rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx", ["x": [1, 3, 48, 320]]),
        ("rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx", ["x": [1, 3, 48, 192]]),
        ("magika-1.0.3/magika/models/standard_v3_3/model.onnx", ["bytes": [1, 2048]]),
        ("silero_vad-6.2.3/silero_vad/data/silero_vad_op18_ifless.onnx", ["input": [1, 576], "state": [2, 1, 128]]),
        ("mediapipe-0.10.21/mediapipe/modules/face_detection/face_detection_short_range.tflite", [:]),
    ])
    func arenaVersusIRPeak(_ file: String, _ shapes: [String: [Int]]) throws {
        let path = TestPaths.assets.path + "/" + file
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        let model = try ModelLoader.load(path: path)
        let plan = try ExecutionPlan(model: model, inputShapes: shapes)
        let r = plan.report
        var g = model.graph
        for i in g.inputs.indices { if let s = shapes[g.inputs[i].name] { g.inputs[i].type.shape = Shape(s) } }
        try g.inferShapes(strict: false)
        let original = ActivationMemory(graph: g).peakBytes
        print("memory \(URL(fileURLWithPath: file).lastPathComponent): arena \(r.arenaBytes) B, live peak \(r.peakLiveBytes) B, IR peak for the plan's schedule \(r.irPeakBytesForSchedule) B, IR peak of the imported graph \(original) B; \(r.removedNodes) nodes folded/fused/removed")
        #expect(r.peakLiveBytes == r.irPeakBytesForSchedule)
        #expect(r.arenaBytes >= r.peakLiveBytes)
        if !model.graph.nodes.contains(where: { $0.op == "If" }) { #expect(r.peakLiveBytes <= original) }
    }
}
