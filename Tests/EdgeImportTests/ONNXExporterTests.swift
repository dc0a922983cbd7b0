import EdgeIR
@testable import EdgeImport
import EdgeTestSupport
import EdgeZoo
import Foundation
import Testing

/// Exported files, checked by the official `onnx` checker and run by onnxruntime
/// (Scripts/reference/onnx_export_check.py), against the original file, against onnxruntime's native
/// op, or against a numpy formula.
@Suite(.serialized) struct ONNXExporterTests {
    /// Runs the check script on `cases` and returns its per-case results.
    static func check(_ cases: [[String: Any]], synthetic: [[String: Any]] = []) throws -> (cases: [[String: Any]], synthetic: [[String: Any]]) {
        let request = try JSONSerialization.data(withJSONObject: ["cases": cases, "synthetic": synthetic])
        let out = try #require(try ReferencePython.json("onnx_export_check.py", stdin: String(decoding: request, as: UTF8.self)) as? [String: Any])
        return ((out["cases"] as? [[String: Any]]) ?? [], (out["synthetic"] as? [[String: Any]]) ?? [])
    }

    static func write(_ model: Model, _ dir: URL, _ name: String, opset: Int = 17) throws -> String {
        let path = dir.appendingPathComponent(name).path
        try ONNXExporter.write(model, to: path, options: .init(opset: opset))
        return path
    }

    static func model(_ g: Graph) -> Model { Model(graph: g, metadata: ModelMetadata(format: "zoo", source: "test")) }

    // MARK: real models round-trip

    @Test func importedModelsExportAndRunLikeTheOriginals() throws {
        try ONNXTestFiles.requireAssets()
        let dir = try TestPaths.temporaryDirectory("onnx-roundtrip")
        defer { try? FileManager.default.removeItem(at: dir) }
        // Whole models, light, pytorch-operator, simple, and every 6th node test (about 300 files).
        let node = ONNXTestFiles.backendModels.filter { $0.contains("/node/") }
        let files = ONNXTestFiles.wholeModels + ONNXTestFiles.backendModels.filter { !$0.contains("/node/") }
            + node.enumerated().filter { $0.offset % 6 == 0 }.map(\.element)
        var cases: [[String: Any]] = []
        for (i, path) in files.enumerated() {
            guard let model = try? ModelLoader.load(path: path) else { continue }  // unsupported types: see importer tests
            do {
                let out = try Self.write(model, dir, "\(i).onnx")
                cases.append(["model": out, "reference": path, "seed": i])
            } catch {
                Issue.record("\(path): export failed: \(error)")
            }
        }
        let results = try Self.check(cases).cases
        #expect(results.count == cases.count)
        var compared = 0, failures: [String] = []
        for (c, r) in zip(cases, results) {
            let name = (c["reference"] as? String ?? "").split(separator: "/").suffix(2).joined(separator: "/")
            let originalRuns = r["reference_run"] as? String == "ok"
            if r["checker"] as? String != "ok", originalRuns { failures.append("\(name): checker: \(r["checker"] ?? "")") }
            guard originalRuns else { continue }  // onnxruntime cannot run the original either (opset 6, exotic ops)
            guard r["run"] as? String == "ok" else { failures.append("\(name): run: \(r["run"] ?? "")"); continue }
            compared += 1
            let abs = r["max_abs_diff"] as? Double ?? .infinity, rel = r["max_rel_diff"] as? Double ?? .infinity
            if r["same_shapes"] as? Bool != true || (abs > 1e-5 && rel > 1e-5) {
                failures.append("\(name): outputs differ (abs \(abs), rel \(rel), same shapes \(r["same_shapes"] ?? "?"))")
            }
        }
        print("ONNX export round trip: \(cases.count) files exported, \(compared) run by onnxruntime and compared, \(failures.count) failures")
        for f in failures.prefix(30) { Issue.record("\(f)") }
        #expect(failures.isEmpty)
        #expect(compared > 300)
    }

    // MARK: catalog-style graphs with synthetic weights

    /// A small CNN and a transformer block built with the catalog's layer helpers: Conv/BN, ReLU6 as
    /// Clip with attributes (moved to inputs), HardSwish, Resize, pooling, LayerNorm, Gelu, SiLU,
    /// Softmax, Gemm and MatMul.
    static func catalogStyleGraphs() throws -> [(String, Graph)] {
        var b = GraphBuilder(name: "cnn")
        var x = b.input("image", .float32, Shape([1, 3, 32, 32]))
        x = try b.convBN(x, out: 8, kernel: 3, stride: 2, activation: .relu6, name: "stem")
        x = try b.convBN(x, out: 8, kernel: 3, groups: 8, activation: .hardSwish, name: "dw")
        let skip = x
        x = try b.convBN(x, out: 8, kernel: 1, activation: .silu, name: "pw")
        x = try b.add(x, skip, name: "residual")
        x = try b.upsample(x, factor: 2, name: "up")
        x = try b.maxPool(x, kernel: 2, stride: 2, name: "pool")
        x = try b.globalAvgPool(x, name: "gap")
        x = try b.flatten(x, name: "flat")
        x = try b.linear(x, out: 10, name: "fc")
        x = try b.softmax(x, name: "probs")
        b.output(x)
        let cnn = try b.finish()

        var t = GraphBuilder(name: "encoder")
        var h = t.input("tokens", .float32, Shape([1, 6, 16]))
        let n1 = try t.layerNorm(h, name: "ln1")
        let up = try t.activation(try t.linear(n1, out: 32, name: "fc1"), .gelu, name: "gelu")
        h = try t.add(h, try t.linear(up, out: 16, name: "fc2"), name: "res")
        h = try t.activation(h, .leakyRelu, name: "leaky")
        t.output(h)
        // A tiny Llama decoder from the catalog's builder (RMSNorm, RoPE, GQA attention over a KV cache,
        // SiLU, embedding): 2 layers, hidden 32, 4 query / 2 K/V heads, float32 throughout.
        let tiny = LlamaConfig(name: "tiny", hiddenSize: 32, layers: 2, heads: 4, kvHeads: 2, ffnSize: 64, vocabulary: 100,
                               tiedEmbeddings: true, ropeTheta: 10_000, maxContext: 64)
        let prefill = try LlamaGraph.build(config: tiny, phase: .prefill(prompt: 5), defaultWeightType: .float32, kvCacheType: .float32)
        let decode = try LlamaGraph.build(config: tiny, phase: .decode(context: 7), defaultWeightType: .float32, kvCacheType: .float32)
        return [("cnn", cnn), ("encoder", try t.finish()), ("llama-prefill", prefill), ("llama-decode", decode)]
    }

    @Test func catalogStyleGraphsExportWithSyntheticWeightsAndRun() throws {
        let dir = try TestPaths.temporaryDirectory("onnx-catalog")
        defer { try? FileManager.default.removeItem(at: dir) }
        var graphs = try Self.catalogStyleGraphs()
        // Every catalog entry up to 6 M parameters (synthetic weights for bigger ones take long in a debug
        // build; the exporter has no size-dependent path).
        var skipped: [String] = []
        for e in Zoo.entries {
            guard let m = try? Zoo.model(e.id) else { continue }
            let params = m.graph.orderedConstants.reduce(0) { $0 + ($1.shape.elementCount ?? 0) }
            if params <= 6_000_000 { graphs.append(("zoo-" + e.id, m.graph)) } else { skipped.append(e.id) }
        }
        print("ONNX export: \(graphs.count) catalog-style graphs; skipped (> 6 M parameters): \(skipped.joined(separator: ", "))")
        var cases: [[String: Any]] = []
        var expectedShapes: [[[Int]]] = []
        for (name, g) in graphs {
            let report = try ONNXExporter.write(Self.model(g), to: dir.appendingPathComponent(name + ".onnx").path)
            #expect(report.syntheticTensors == g.constants.values.filter { !$0.storage.isPresent }.count, "\(name)")
            cases.append(["model": dir.appendingPathComponent(name + ".onnx").path, "seed": 1])
            expectedShapes.append(g.outputs.map { $0.type.shape.dims.map { $0.value ?? 1 } })
        }
        let results = try Self.check(cases).cases
        for ((name, _), (r, shapes)) in zip(graphs, zip(results, expectedShapes)) {
            #expect(r["checker"] as? String == "ok", "\(name): \(r["checker"] ?? "")")
            #expect(r["run"] as? String == "ok", "\(name): \(r["run"] ?? "")")
            let outs = (r["outputs"] as? [[String: Any]]) ?? []
            #expect(outs.map { $0["shape"] as? [Int] ?? [] } == shapes, "\(name)")
            #expect(outs.allSatisfy { $0["finite"] as? Bool == true }, "\(name): non-finite outputs")
        }
        // Softmax rows sum to 1: a numeric sanity check that the synthetic CNN computes something.
        if let probs = (results.first?["outputs"] as? [[String: Any]])?.first?["values"] as? [Double] {
            #expect(abs(probs.prefix(10).reduce(0, +) - 1) < 1e-5)
        }
    }

    @Test func syntheticWeightsFollowTheDocumentedRecipe() throws {
        let dir = try TestPaths.temporaryDirectory("onnx-synthetic")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (name, g) = try Self.catalogStyleGraphs()[0]
        let path = try Self.write(Self.model(g), dir, name + ".onnx")
        let again = try ONNXExporter.serialize(Self.model(g)).bytes
        #expect(Array(try Data(contentsOf: URL(fileURLWithPath: path))) == again)  // deterministic
        let tensors = ["stem.0.weight", "stem.1.running_var", "fc.bias"]  // rank 4 (fan-in 27), "var", rank 1
        let synthetic = tensors.map { ["model": path, "tensor": $0, "seed": Int(bitPattern: UInt(ONNXSyntheticWeights.defaultSeed))] as [String: Any] }
        let r = try Self.check([], synthetic: synthetic).synthetic
        #expect(r.count == 3)
        for (t, x) in zip(tensors, r) {
            #expect(x["match"] as? Bool == true, "\(t): \(x)")
        }
        #expect(r.first?["count"] as? Int == 8 * 3 * 3 * 3)  // 8 output channels × 3 inputs × 3×3 kernel
    }
}
