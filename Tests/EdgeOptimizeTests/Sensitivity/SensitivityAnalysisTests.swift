import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Shared fixture: Magika and every ninth file of its labelled corpus (extension labels, built by
/// `Scripts/reference/magika_corpus.py` from the fetched wheels), loaded once per test run.
struct MagikaCorpus: Sendable {
    static let path = TestPaths.assets.appendingPathComponent("magika-1.0.3/magika/models/standard_v3_3/model.onnx").path
    static let shared = Result { try MagikaCorpus() }
    let model: Model
    let features: HostTensor
    let labels: [Int]

    static func load() throws -> MagikaCorpus {
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        return try shared.get()
    }

    private init() throws {
        let dir = try TestPaths.temporaryDirectory("edgewise-corpus")
        defer { try? FileManager.default.removeItem(at: dir) }
        model = try ModelLoader.load(path: Self.path)
        let raw = dir.appendingPathComponent("features.i32").path
        let json = try ReferenceScript.json("sensitivity_reference.py", ["corpus", raw, "9"])
        let labels = try #require(json["labels"] as? [Int])
        self.labels = labels
        let bytes = try Data(contentsOf: URL(fileURLWithPath: raw))
        let values = bytes.withUnsafeBytes { Array($0.bindMemory(to: Int32.self)) }
        features = HostTensor(values: values, shape: [labels.count, 2048])
    }

    /// `rows` files spread evenly over the corpus (which is ordered by class) as one feed, and their labels.
    func feed(rows: Int) -> ([String: HostTensor], [Int]) {
        let n = min(rows, labels.count)
        let picks = (0..<n).map { $0 * labels.count / n }
        let t = HostTensor(dtype: .int32, shape: [n, 2048])
        for (k, r) in picks.enumerated() {
            (t.storage.pointer + k * 2048 * 4).copyMemory(from: features.storage.pointer + r * 2048 * 4, byteCount: 2048 * 4)
        }
        return (["bytes": t], picks.map { labels[$0] })
    }

    /// SQNR / top-1 agreement / accuracy of `test` against the original, both run by onnxruntime on the
    /// first `rows` files.
    func ort(_ test: Model, rows: Int) throws -> [String: Any] {
        let dir = try TestPaths.temporaryDirectory("edgewise-ort")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("test.onnx").path, raw = dir.appendingPathComponent("x.i32").path
        try ONNXExporter.write(test, to: out)
        let (f, l) = feed(rows: rows)
        let t = f["bytes"]!
        try Data(bytes: t.storage.pointer, count: t.byteCount).write(to: URL(fileURLWithPath: raw))
        let labelsJSON = String(decoding: try JSONEncoder().encode(l), as: UTF8.self)
        return try ReferenceScript.json("sensitivity_reference.py", ["ort-score", Self.path, out, raw, labelsJSON])
    }
}

@Suite(.serialized) struct SensitivityAnalysisTests {
    /// Each layer's int8 output SQNR on the engine equals onnxruntime's on a QDQ model with only that
    /// layer quantized (StaticQuantizer's weight-only export, every other layer excluded), same files.
    @Test func int8PerLayerMatchesOnnxRuntimeOnSingleLayerQDQModels() throws {
        let c = try MagikaCorpus.load()
        let (feed, labels) = c.feed(rows: 12)
        let analysis = try SensitivityAnalysis(model: c.model, evaluation: [feed], labels: labels)
        var seen: [SensitivityAnalysis.Progress] = []
        let report = try analysis.run(c.model, progress: { seen.append($0) })
        // Magika's three weighted layers (in graph order): a MatMul [257, 64], a Conv with 512·256·5 weights
        // and a MatMul [512, 214].
        #expect(report.layers.count == 3 && !report.cancelled)
        #expect(seen.map(\.done) == [0, 1, 2, 3] && seen.allSatisfy { $0.total == 3 })
        #expect(report.layers.map(\.params).reduce(0, +) == 781_376)   // 16,448 + 655,360 + 109,568
        let baseline = try #require(report.baselineAccuracy)
        var allNodes = Set(c.model.graph.nodes.filter { ["Conv", "MatMul", "Gemm"].contains($0.op.rawValue) }.map(\.name))
        for layer in report.layers {
            allNodes.remove(layer.node)
            var single = c.model
            (single.graph, _) = try StaticQuantizer.quantizeWeights(c.model.graph, exclude: Array(allNodes))
            allNodes.insert(layer.node)
            let ort = try c.ort(single, rows: 12)
            let ortSQNR = try #require(ort["sqnr"] as? Double)
            let ortTop1 = try #require(ort["top1_agreement"] as? Double)
            let ortAcc = try #require(ort["accuracy_test"] as? Double), ortBase = try #require(ort["accuracy_ref"] as? Double)
            print("sensitivity int8 \(layer.node) \(layer.shape): engine \(layer.outputSQNR) dB top-1 \(layer.top1Agreement ?? -1) "
                  + "acc \(layer.accuracy ?? -1) (base \(baseline)); onnxruntime QDQ \(ortSQNR) dB top-1 \(ortTop1) acc \(ortAcc) (base \(ortBase))")
            #expect(abs(layer.outputSQNR - ortSQNR) < 0.05, "\(layer.node)")
            #expect(abs((layer.top1Agreement ?? -1) - ortTop1) <= 1.0 / Double(labels.count) + 1e-9)
            #expect(abs((layer.accuracy ?? -1) - ortAcc) <= 1.0 / Double(labels.count) + 1e-9)
            #expect(abs(baseline - ortBase) < 1e-9)
            // int8 weights: 1 byte per value plus one float scale per output channel.
            #expect(layer.bytesAfter == layer.params + 4 * layer.shape[layer.op == "Conv" ? 0 : 1])
        }
    }

    /// Wider formats disturb each layer less: fp16 > int8 per channel > int4 g128, both for the weight
    /// and for the model's output (each a separate measurement on the engine).
    @Test func errorGrowsAsTheFormatNarrows() throws {
        let c = try MagikaCorpus.load()
        let analysis = try SensitivityAnalysis(model: c.model, evaluation: [c.feed(rows: 4).0])
        let fp16 = try analysis.run(c.model, format: LayerPrecision.fp16.format)
        let int8 = try analysis.run(c.model, format: LayerPrecision.int8.format)
        let int4 = try analysis.run(c.model, format: LayerPrecision.int4.format)
        for ((a, b), d) in zip(zip(fp16.layers, int8.layers), int4.layers) {
            print("sensitivity \(a.node): output SQNR fp16 \(a.outputSQNR) int8 \(b.outputSQNR) int4 \(d.outputSQNR) dB; "
                  + "weight SQNR \(a.weightSQNR) / \(b.weightSQNR) / \(d.weightSQNR)")
            #expect(a.outputSQNR > b.outputSQNR && b.outputSQNR > d.outputSQNR, "\(a.node)")
            #expect(a.weightSQNR > b.weightSQNR && b.weightSQNR > d.weightSQNR, "\(a.node)")
            // Rounding to a b-bit grid gains ≈ 6.02 dB per bit: int8 → int4 loses ≈ 24 dB of weight SQNR
            // (4 bits × 6.02), give or take the grid differences (per-channel vs groups of 128).
            #expect((b.weightSQNR - d.weightSQNR) > 15 && (b.weightSQNR - d.weightSQNR) < 30, "\(a.node)")
            // fp16 keeps 11 significant bits: its relative error is ≤ 2⁻¹¹, i.e. ≥ 66 dB.
            #expect(a.weightSQNR > 66)
            // Stored bytes: fp16 2 per value; int4 (MatMulNBits' layout) half a byte per value of every
            // row padded to whole groups of 128, plus a float scale per group.
            #expect(a.bytesAfter == 2 * a.params)
            let rows = d.op == "Conv" ? d.shape[0] : d.shape[1], columns = d.params / rows
            let groups = rows * ((columns + 127) / 128)
            #expect(d.bytesAfter == groups * 128 / 2 + 4 * groups, "\(d.node) \(d.shape)")
        }
    }

    @Test func cancellationKeepsTheLayersAlreadyMeasured() throws {
        let c = try MagikaCorpus.load()
        let eval = c.feed(rows: 2).0["bytes"]!
        let analysis = try SensitivityAnalysis(model: c.model, evaluation: [["bytes": eval]])
        var calls = 0
        // Cancelled as soon as the first progress call has come: checked before layer 1 (false: no call
        // yet), progress, layer 1 measured; checked before layer 2 → stop.
        let report = try analysis.run(c.model, progress: { _ in calls += 1 }, isCancelled: { calls >= 1 })
        #expect(report.cancelled)
        #expect(report.layers.count == 1)
        // Labels that do not match the classifier rows are refused before any work.
        #expect(throws: OptimizeError.self) {
            try SensitivityAnalysis(model: c.model, evaluation: [["bytes": eval]], labels: [1, 2, 3])
        }
        #expect(throws: OptimizeError.self) {
            try SensitivityAnalysis(model: c.model, evaluation: [["bytes": eval]], labels: [Int](repeating: 999, count: 2))
        }
    }
}
