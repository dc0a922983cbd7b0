import EdgeTestSupport
import Foundation
import Testing

/// `edgewise optimize` with `analyze: sensitivity` and `mixed_precision`, and `edgewise compare A B`,
/// through the real binary on Magika; numbers cross-checked with onnxruntime on the written files.
@Suite(.serialized) struct OptimizeSensitivityCLITests {
    static let magika = TestPaths.assets.path + "/magika-1.0.3/magika/models/standard_v3_3/model.onnx"

    static let ortSQNR = """
        import numpy as np, onnxruntime as ort, sys, json
        x = np.load(sys.argv[3])
        run = lambda f: ort.InferenceSession(f, providers=["CPUExecutionProvider"]).run(None, {"bytes": x})[0].astype(np.float64)
        a, b = run(sys.argv[1]), run(sys.argv[2])
        print(json.dumps({"sqnr": float(10 * np.log10((a ** 2).sum() / ((a - b) ** 2).sum())), "top1": float((a.argmax(1) == b.argmax(1)).mean())}))
        """

    static func inputs(_ dir: URL, rows: Int) throws -> String {
        let x = dir.appendingPathComponent("x.npy").path
        _ = try Python.run("import numpy as np, sys\nnp.save(sys.argv[1], np.random.default_rng(1).integers(0, 257, (\(rows), 2048)).astype(np.int32))\nprint('{}')",
                           arguments: [x])
        return x
    }

    @Test func sensitivityTableAndMixedPrecisionUnderAnSQNRFloor() throws {
        try #require(FileManager.default.fileExists(atPath: Self.magika), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("optimize-mixed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = try Self.inputs(dir, rows: 4)
        let p = dir.appendingPathComponent("p.yaml").path
        try """
            name: mixed
            steps:
              - analyze: sensitivity
              - mixed_precision: {min_sqnr: 45, time_budget_s: 600}
            """.write(toFile: p, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("o.onnx").path
        let r = try CLI.run(["optimize", Self.magika, "--pipeline", p, "-o", out, "--eval", "bytes=" + x, "--json"], timeout: 1200)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let steps = try #require(j["steps"] as? [[String: Any]])
        let table = try #require(steps.first?["sensitivity"] as? [String: Any])
        let layers = try #require(table["layers"] as? [[String: Any]])
        #expect(layers.count == 3 && table["format"] as? String == "int8 per-channel")
        // The analysis leaves the model as it was: step 1's output is bit-identical (SQNR +∞).
        #expect(steps.first?["sqnr"] as? String == "inf")
        let mixed = try #require(steps.last?["mixedPrecision"] as? [String: Any])
        let wb = try #require(mixed["weightBytes"] as? Int), ob = try #require(mixed["originalWeightBytes"] as? Int)
        #expect(ob == 4 * 781_376 && wb < ob / 2)
        // The formats are stored for real (Magika is opset 15: int4 as packed nibbles + a decoding
        // subgraph, fp16 as FLOAT16): the file on disk is the size the report gives, and it shrank by the
        // weight bytes saved, less what the decoding nodes add (measured 7,850 B for 3 layers: Magika's
        // tensor names run to 70 characters and each subgraph names ~20 values; bounded at 4,000 B a layer).
        let onDisk = try #require(try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int)
        let before = try #require(j["originalBytes"] as? Int)
        #expect(onDisk == j["finalBytes"] as? Int && onDisk == steps.last?["bytesAfter"] as? Int)
        #expect(onDisk <= before - (ob - wb) + 12_000, "file \(onDisk) B, original \(before) B, weights \(wb) of \(ob) B")
        print("optimize mixed precision: file \(before) → \(onDisk) B on disk")
        // onnxruntime on the written file with the same inputs: the floor holds there too.
        let o = try #require(try Python.run(Self.ortSQNR, arguments: [Self.magika, out, x]) as? [String: Any])
        let ortSQNR = try #require(o["sqnr"] as? Double), reported = try #require(steps.last?["sqnr"] as? Double)
        print("optimize mixed precision: engine \(reported) dB, onnxruntime \(ortSQNR) dB, weights \(wb) of \(ob) B, \(mixed["assignment"] ?? "")")
        #expect(ortSQNR >= 45 - 0.05 && abs(ortSQNR - reported) < 0.1)
        #expect(!r.stderr.contains("["), "no progress bar when standard error is not a terminal")

        // Text: the per-layer table, most sensitive layer first.
        let t = try CLI.run(["optimize", Self.magika, "--pipeline", p, "-o", out, "--eval", "bytes=" + x], timeout: 1200)
        #expect(t.status == 0, "\(t.stderr)")
        #expect(t.stdout.contains("step 1 sensitivity, each layer alone in int8 per-channel"), "\(t.stdout)")
        #expect(t.stdout.contains("step 2 mixed precision: weights"), "\(t.stdout)")
        let sqnrs = layers.compactMap { $0["outputSQNR"] as? Double }.sorted()
        let shown = t.stdout.split(separator: "\n").filter { line in layers.contains { line.hasPrefix(($0["node"] as? String) ?? "?") } }
        #expect(shown.count >= 3 && sqnrs.count == 3)
    }

    @Test func compareTwoModelsLayerByLayer() throws {
        try #require(FileManager.default.fileExists(atPath: Self.magika), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("compare-models")
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = try Self.inputs(dir, rows: 2)
        let p = dir.appendingPathComponent("p.yaml").path
        try "name: p50w8\nsteps:\n  - prune: {method: magnitude, sparsity: 0.5}\n  - quantize: {precision: int8, mode: weight-only}\n".write(toFile: p, atomically: true, encoding: .utf8)
        let b = dir.appendingPathComponent("b.onnx").path
        let q = try CLI.run(["optimize", Self.magika, "--pipeline", p, "-o", b, "--samples", "1"], timeout: 600)
        #expect(q.status == 0, "\(q.stderr)")
        let r = try CLI.run(["compare", Self.magika, b, "--eval", "bytes=" + x, "--json"], timeout: 600)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(j["schema"] as? String == "edgewise.model-diff")
        let diff = try #require(j["diff"] as? [String: Any])
        let rows = try #require(diff["rows"] as? [[String: Any]])
        // B is A pruned to half and int8 weight-only (an output error far above the two runtimes' fp32
        // rounding differences). The three weighted layers: same op and parameter count, weight stored
        // float32 in A and int8 in B.
        let weighted = rows.filter { ($0["weightTypeB"] as? String) == "int8" && $0["opA"] != nil }
        #expect(weighted.count == 3, "\(weighted)")
        #expect(weighted.allSatisfy { $0["weightTypeA"] as? String == "float32" && ($0["paramsA"] as? Int) == ($0["paramsB"] as? Int) })
        #expect(weighted.allSatisfy { ($0["macsA"] as? Int ?? 0) > 0 && ($0["macsA"] as? Int) == ($0["macsB"] as? Int) })
        // The DequantizeLinear nodes are in B only.
        #expect(rows.filter { $0["opA"] == nil && $0["opB"] as? String == "DequantizeLinear" }.count == 3)
        // Layers before the first quantized one compute the same numbers (+∞); the quantized ones do not.
        #expect(rows.contains { $0["outputSQNR"] as? String == "inf" })
        #expect(weighted.allSatisfy { ($0["outputSQNR"] as? Double).map { $0 > 3 && $0 < 80 } ?? false }, "\(weighted)")
        // The models' outputs: onnxruntime measures the same SQNR on the same inputs.
        let o = try #require(try Python.run(Self.ortSQNR, arguments: [Self.magika, b, x]) as? [String: Any])
        let ortSQNR = try #require(o["sqnr"] as? Double), ours = try #require(diff["outputSQNR"] as? Double)
        print("compare fp32 vs int8 weight-only: engine \(ours) dB, onnxruntime \(ortSQNR) dB")
        #expect(abs(ours - ortSQNR) < 0.1)

        // Text table; the workspace form of `compare` still answers (one argument), and help names both.
        let t = try CLI.run(["compare", Self.magika, b, "--samples", "1"], timeout: 600)
        #expect(t.status == 0 && t.stdout.contains("float32 → int8") && t.stdout.contains("layers shown"), "\(t.stdout)\(t.stderr)")
        let h = try CLI.run(["compare", "--help"])
        #expect(h.stdout.contains("two model files"))
        let bad = try CLI.run(["compare", Self.magika, b, "x.yaml"])
        #expect(bad.status != 0 && bad.stderr.contains("two model files"))
    }
}
