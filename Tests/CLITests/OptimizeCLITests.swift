import EdgeTestSupport
import Foundation
import Testing

/// `edgewise optimize` through the real binary on Magika: the written model runs in onnxruntime, the
/// reported SQNR and top-1 agreement match what onnxruntime measures on the same inputs, and every
/// bad input is one line with nothing written.
@Suite(.serialized) struct OptimizeCLITests {
    static let magika = TestPaths.assets.path + "/magika-1.0.3/magika/models/standard_v3_3/model.onnx"

    static func write(_ dir: URL, _ name: String, _ text: String) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    @Test func prunedInt8MatchesOnnxruntimeOnTheSameInputs() throws {
        try #require(FileManager.default.fileExists(atPath: Self.magika), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("optimize")
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = dir.appendingPathComponent("x.npy").path
        _ = try Python.run("import numpy as np, sys\nnp.save(sys.argv[1], np.random.default_rng(0).integers(0, 257, (8, 2048)).astype(np.int32))\nprint('{}')",
                           arguments: [x])
        let p = try Self.write(dir, "p.yaml", """
            name: pruned-int8
            steps:
              - prune: {method: magnitude, sparsity: 0.5}
              - quantize: {precision: int8, mode: weight-only, granularity: per-channel}
            """)
        let out = dir.appendingPathComponent("o.onnx").path
        let r = try CLI.run(["optimize", Self.magika, "--pipeline", p, "--out", out, "--eval", "bytes=" + x, "--json"], timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let steps = try #require(j["steps"] as? [[String: Any]])
        #expect(steps.count == 2)
        #expect(steps.first?["sparsity"] as? Double == 0.5)
        let sqnr = try #require(steps.last?["sqnr"] as? Double), top1 = try #require(steps.last?["top1Agreement"] as? Double)
        let finalBytes = try #require(j["finalBytes"] as? Int)
        // onnxruntime, an independent runtime, on the written file and the original with the same 8 inputs.
        let check = """
            import numpy as np, onnxruntime as ort, onnx, os, sys, json
            from onnx import numpy_helper
            x = np.load(sys.argv[3])
            run = lambda f: ort.InferenceSession(f, providers=["CPUExecutionProvider"]).run(None, {"bytes": x})[0].astype(np.float64)
            a, b = run(sys.argv[1]), run(sys.argv[2])
            m = onnx.load(sys.argv[2])
            codes = [numpy_helper.to_array(i) for i in m.graph.initializer if i.name.endswith("_quantized")]
            print(json.dumps({"sqnr": float(10 * np.log10((a ** 2).sum() / ((a - b) ** 2).sum())),
                              "top1": float((a.argmax(1) == b.argmax(1)).mean()), "size": os.path.getsize(sys.argv[2]),
                              "int8": [str(c.dtype) for c in codes], "zeros": [float((c == 0).mean()) for c in codes]}))
            """
        let o = try #require(try Python.run(check, arguments: [Self.magika, out, x]) as? [String: Any])
        let ortSQNR = try #require(o["sqnr"] as? Double)
        print("magika prune 0.5 + int8 weight-only: engine SQNR \(sqnr) dB top-1 \(top1); onnxruntime SQNR \(ortSQNR) dB top-1 \(o["top1"] ?? 0); \(finalBytes) B")
        #expect(abs(sqnr - ortSQNR) < 0.1, "engine \(sqnr) dB vs onnxruntime \(ortSQNR) dB")
        #expect(top1 == o["top1"] as? Double)
        #expect(finalBytes == o["size"] as? Int, "reported size is the written file's")
        #expect(o["int8"] as? [String] == ["int8", "int8", "int8"])
        #expect((o["zeros"] as? [Double] ?? []).allSatisfy { $0 >= 0.5 }, "\(o["zeros"] ?? [])")
        // The text report: one row per step and the before/after line.
        let t = try CLI.run(["optimize", Self.magika, "--pipeline", p, "--out", out, "--samples", "2"], timeout: 300)
        #expect(t.status == 0, "\(t.stderr)")
        #expect(t.stdout.contains("1  prune(magnitude, 0.5)") && t.stdout.contains("2  quantize(int8, weight-only, per-channel)"), "\(t.stdout)")
        #expect(t.stdout.contains("measured on 2 generated (seed 0)") && t.stdout.contains("written to \(out)"), "\(t.stdout)")
    }

    @Test func twoFourPruningWithAnExclusionKeepsTheFileRunnable() throws {
        try #require(FileManager.default.fileExists(atPath: Self.magika), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("optimize")
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = dir.appendingPathComponent("x.npy").path
        _ = try Python.run("import numpy as np, sys\nnp.save(sys.argv[1], np.random.default_rng(1).integers(0, 257, (8, 2048)).astype(np.int32))\nprint('{}')",
                           arguments: [x])
        // The byte embedding (K = 257) cannot be 2:4; it is excluded by node name, the other two layers are pruned.
        let p = try Self.write(dir, "p.yaml", """
            name: sparse
            steps:
              - prune: {method: "n:m", pattern: "2:4", exclude: ["jax2tf_get_logits_/pjit_get_logits_/MagikaV2/Dense_0/einsum/Einsum"]}
            """)
        let out = dir.appendingPathComponent("s.onnx").path
        let r = try CLI.run(["optimize", Self.magika, "--pipeline", p, "--out", out, "--eval", "bytes=" + x, "--json"], timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let step = try #require((j["steps"] as? [[String: Any]])?.first)
        #expect(step["layers"] as? Int == 2)
        #expect(step["sparsity"] as? Double == 0.5)
        let sqnr = try #require(step["sqnr"] as? Double)
        // onnxruntime reads the weights back: at most 2 non-zeros in every group of 4 along the reduction axis
        // (Conv [O, I, kh, kw]: I, axis 1; MatMul [K, N]: K, axis 0), and the embedding is unchanged.
        let check = """
            import numpy as np, onnxruntime as ort, onnx, sys, json
            from onnx import numpy_helper
            w = lambda f: {i.name: numpy_helper.to_array(i) for i in onnx.load(f).graph.initializer}
            a, b = w(sys.argv[1]), w(sys.argv[2])
            conv = b["jax2tf_get_logits_/pjit_get_logits_/MagikaV2/Conv_0/transpose_3:0"]
            dense = b["jax2tf_get_logits_/Const_24:0"]
            g1 = (conv.reshape(512, 64, 4, 5, 1) != 0).sum(axis=2).max()
            g2 = (dense.reshape(128, 4, 214) != 0).sum(axis=1).max()
            emb = bool((a["jax2tf_get_logits_/Const:0"] == b["jax2tf_get_logits_/Const:0"]).all())
            x = np.load(sys.argv[3])
            run = lambda f: ort.InferenceSession(f, providers=["CPUExecutionProvider"]).run(None, {"bytes": x})[0].astype(np.float64)
            r, t = run(sys.argv[1]), run(sys.argv[2])
            print(json.dumps({"g": int(max(g1, g2)), "emb": emb, "sqnr": float(10 * np.log10((r ** 2).sum() / ((r - t) ** 2).sum()))}))
            """
        let o = try #require(try Python.run(check, arguments: [Self.magika, out, x]) as? [String: Any])
        print("magika 2:4 (embedding excluded): engine SQNR \(sqnr) dB, onnxruntime \(o["sqnr"] ?? 0) dB")
        #expect(o["g"] as? Int == 2)
        #expect(o["emb"] as? Bool == true)
        #expect(abs(sqnr - (o["sqnr"] as? Double ?? 0)) < 0.1)
    }

    /// `count` real files in Magika's input layout, saved as .npy (the reference script picks the files).
    static func realFeatures(_ dir: URL, _ name: String, count: Int, offset: Int) throws -> String {
        let raw = dir.appendingPathComponent(name + ".i32").path, npy = dir.appendingPathComponent(name + ".npy").path
        _ = try ReferenceScript.json("quant_reference.py", ["magika-features", String(count), String(offset), raw])
        _ = try Python.run("import numpy as np, sys\nnp.save(sys.argv[2], np.fromfile(sys.argv[1], dtype='<i4').reshape(-1, 2048))\nprint('{}')",
                           arguments: [raw, npy])
        return npy
    }

    @Test func staticInt8CalibratesOnGivenFilesAndRunsInOnnxruntime() throws {
        try #require(FileManager.default.fileExists(atPath: Self.magika), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("optimize")
        defer { try? FileManager.default.removeItem(at: dir) }
        let calib = try Self.realFeatures(dir, "calib", count: 32, offset: 0)
        let eval = try Self.realFeatures(dir, "eval", count: 16, offset: 1)
        let p = try Self.write(dir, "p.yaml", "name: s8\nsteps:\n  - quantize: {precision: int8, granularity: per-channel, calibration: minmax}\n")
        let out = dir.appendingPathComponent("q.onnx").path
        let r = try CLI.run(["optimize", Self.magika, "--pipeline", p, "--out", out, "--calib", "bytes=" + calib, "--eval", "bytes=" + eval,
                             "--json"], timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(j["seededInputs"] as? Bool == false)
        let step = try #require((j["steps"] as? [[String: Any]])?.first)
        let sqnr = try #require(step["sqnr"] as? Double), top1 = try #require(step["top1Agreement"] as? Double)
        let check = """
            import numpy as np, onnxruntime as ort, onnx, sys, json, collections
            x = np.load(sys.argv[3])
            def run(f, fuse):
                so = ort.SessionOptions()
                if not fuse:
                    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
                return ort.InferenceSession(f, so, providers=["CPUExecutionProvider"]).run(None, {"bytes": x})[0].astype(np.float64)
            sq = lambda a, b: float(10 * np.log10((a ** 2).sum() / ((a - b) ** 2).sum()))
            a, b = run(sys.argv[1], False), run(sys.argv[2], False)
            fused = sq(run(sys.argv[1], True), run(sys.argv[2], True))
            ops = collections.Counter(n.op_type for n in onnx.load(sys.argv[2]).graph.node)
            print(json.dumps({"sqnr": sq(a, b), "fused": fused, "top1": float((a.argmax(1) == b.argmax(1)).mean()),
                              "q": ops["QuantizeLinear"], "dq": ops["DequantizeLinear"]}))
            """
        let o = try #require(try Python.run(check, arguments: [Self.magika, out, eval]) as? [String: Any])
        let ortSQNR = try #require(o["sqnr"] as? Double)
        print("magika static int8 minmax via optimize (32 calib / 16 eval real files): engine SQNR \(sqnr) dB top-1 \(top1); "
              + "onnxruntime on the written file SQNR \(ortSQNR) dB (fused integer kernels \(o["fused"] ?? 0) dB) top-1 \(o["top1"] ?? 0); "
              + "\(j["originalBytes"] ?? 0) → \(j["finalBytes"] ?? 0) B")
        // Three weights DQ'd; activations Q/DQ'd (at least the inputs and outputs of the three layers).
        #expect((o["dq"] as? Int ?? 0) > (o["q"] as? Int ?? 0) && (o["q"] as? Int ?? 0) >= 3)
        // onnxruntime with graph optimizations off runs the QDQ graph as written (no fusion into integer kernels,
        // which round differently: about 1 dB lower on these files); quantization noise dominates both runtimes.
        #expect(abs(sqnr - ortSQNR) < 0.5, "engine \(sqnr) dB vs onnxruntime \(ortSQNR) dB")
        #expect(top1 == o["top1"] as? Double)
        #expect(sqnr > 15)
    }

    @Test func badInputIsOneLineAndWritesNothing() throws {
        try #require(FileManager.default.fileExists(atPath: Self.magika), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("optimize")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("o.onnx").path
        try "previous".write(toFile: out, atomically: true, encoding: .utf8)
        let cases: [(String, String)] = [
            ("name: x\nsteps:\n  - quantise: {precision: int8}\n", "t.yaml:3:5: unknown key 'quantise'; did you mean 'quantize'?"),
            ("name: x\nsteps:\n  - prune: {sparsity: 1.0}\n", "sparsity must be in [0, 1)"),
            ("name: x\nsteps:\n  - lowrank: {energy: 0.9, finetune_steps: 5}\n", "step 1 lowrank(energy 0.9, finetune 5): fine-tuning the factors: training needs a model with one float32 input"),
            // Magika's byte embedding [257, 64] has K = 257: fails in step 2, after step 1 ran — still nothing written.
            ("name: x\nsteps:\n  - prune: {sparsity: 0.2}\n  - prune: {method: \"n:m\", pattern: \"2:4\"}\n",
             "step 2 prune(2:4): tensor 'jax2tf_get_logits_/Const:0'"),
        ]
        for (yaml, mentions) in cases {
            let p = try Self.write(dir, "t.yaml", yaml)
            let r = try CLI.run(["optimize", Self.magika, "--pipeline", p, "--out", out, "--samples", "1"], timeout: 300)
            #expect(r.status != 0 && r.status < 128, "\(yaml)")
            let lines = r.stderr.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            #expect(lines.count == 1 && r.stderr.contains(mentions), "\(r.stderr)")
        }
        let good = try Self.write(dir, "g.yaml", "name: g\nsteps: []\n")
        // Calibration and evaluation files that do not fit Magika's int32 [N, 2048] input.
        let wrong = dir.appendingPathComponent("w.npy").path
        _ = try Python.run("import numpy as np, sys\nnp.save(sys.argv[1], np.zeros((2, 1024), np.int32))\nprint('{}')", arguments: [wrong])
        let s8 = try Self.write(dir, "s8.yaml", "name: s8\nsteps:\n  - quantize: {precision: int8}\n")
        for flag in ["--calib", "--eval"] {
            let r = try CLI.run(["optimize", Self.magika, "--pipeline", s8, "--out", out, flag, "bytes=" + wrong], timeout: 300)
            let lines = r.stderr.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            let what = flag == "--calib" ? "calibration" : "evaluation"
            #expect(r.status != 0 && lines.count == 1 && r.stderr.contains("the \(what) set does not fit the model: feed 0 'bytes' int32[2, 1024]"),
                    "\(flag): \(r.stderr)")
        }
        for (args, mentions) in [(["--eval", "bytes=/no/such.npy"], "no such file"),
                                 (["--out", dir.path + "/o.tflite"], "--out must name an .onnx file"),
                                 (["--out", "/no/such/dir/o.onnx"], "no such directory"),
                                 (["--pipeline", dir.path + "/none.yaml"], "no such pipeline file")] {
            var a = ["optimize", Self.magika, "--pipeline", good, "--out", out]
            for k in stride(from: 0, to: args.count, by: 2) {
                if let i = a.firstIndex(of: args[k]) { a[i + 1] = args[k + 1] } else { a += [args[k], args[k + 1]] }
            }
            let r = try CLI.run(a)
            #expect(r.status != 0 && r.stderr.contains(mentions), "\(a): \(r.stderr)")
        }
        #expect(try String(contentsOfFile: out, encoding: .utf8) == "previous", "OUT is untouched on failure")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix(".") }
        #expect(left.isEmpty, "temporary files left: \(left)")
    }
}
