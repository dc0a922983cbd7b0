import EdgeTestSupport
import Foundation
import Testing

/// `edgewise optimize --labels/--calib-labels` through the real binary on the sklearn digits set: the
/// accuracies it reports match onnxruntime's on the original and on the written model.
@Suite(.serialized) struct OptimizeLabelsCLITests {
    static let csv = TestPaths.assets.path + "/scikit_learn-1.9.1/sklearn/datasets/data/digits.csv.gz"

    /// Writes the digits .npy files and a least-squares linear classifier (Flatten → Gemm → Softmax,
    /// fitted by numpy on the training rows) as ONNX; returns onnxruntime's accuracy of `model` on the test rows.
    static let script = """
        import json, sys, numpy as np, onnx, onnxruntime as ort
        from onnx import helper, numpy_helper, TensorProto
        req = json.load(sys.stdin)
        d = req["dir"]
        if req["op"] == "make":
            x, y = np.load(d + "/x_train.npy"), np.load(d + "/y_train.npy")
            a = np.hstack([x.reshape(len(x), -1), np.ones((len(x), 1), np.float32)])
            w = np.linalg.lstsq(a, np.eye(10)[y], rcond=None)[0].astype(np.float32)
            g = helper.make_graph([
                helper.make_node("Flatten", ["image"], ["f"], name="flatten", axis=1),
                helper.make_node("Gemm", ["f", "W", "B"], ["logits"], name="fc"),
                helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=-1)],
                "linear", [helper.make_tensor_value_info("image", TensorProto.FLOAT, ["N", 1, 8, 8])],
                [helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 10])],
                [numpy_helper.from_array(w[:64], "W"), numpy_helper.from_array(w[64], "B")])
            onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), d + "/linear.onnx")
            print("{}")
        else:
            s = ort.InferenceSession(req["model"], providers=["CPUExecutionProvider"])
            p = s.run(None, {"image": np.load(d + "/x_test.npy")})[0].argmax(1)
            print(json.dumps({"correct": int((p == np.load(d + "/y_test.npy")).sum())}))
        """

    @Test func reportsAccuracyThatOnnxruntimeConfirms() throws {
        try #require(FileManager.default.fileExists(atPath: Self.csv), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("optimize-labels")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Python.runFile("Scripts/reference/digits.py", input: ["op": "data", "csv": Self.csv, "out": dir.path])
        _ = try Python.run(Self.script, input: ["op": "make", "dir": dir.path])
        let p = dir.appendingPathComponent("p.yaml").path
        try "name: tuned-int8\nsteps:\n  - finetune: {epochs: 2, lr: 0.01, optimizer: sgd}\n  - quantize: {precision: int8}\n"
            .write(toFile: p, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("o.onnx").path
        let model = dir.appendingPathComponent("linear.onnx").path
        let args = ["optimize", model, "--pipeline", p, "--out", out, "--eval", "image=\(dir.path)/x_test.npy",
                    "--labels", "\(dir.path)/y_test.npy", "--calib", "image=\(dir.path)/x_train.npy",
                    "--calib-labels", "\(dir.path)/y_train.npy"]
        let r = try CLI.run(args + ["--json"], timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let steps = try #require(j["steps"] as? [[String: Any]])
        let before = try #require(j["originalAccuracy"] as? Double), after = try #require(steps.last?["accuracy"] as? Double)
        func ort(_ m: String) throws -> Int { try #require((try Python.run(Self.script, input: ["op": "accuracy", "dir": dir.path, "model": m]) as? [String: Any])?["correct"] as? Int) }
        let ortBefore = try ort(model), ortAfter = try ort(out)
        print("digits linear classifier via the CLI: accuracy \(before) → \(after); onnxruntime \(Double(ortBefore) / 797) → \(Double(ortAfter) / 797)")
        // The float model: the same predictions as onnxruntime on all 797 test rows.
        #expect(Int((before * 797).rounded()) == ortBefore)
        // The int8 QDQ file: onnxruntime's integer kernels may move a borderline row or two.
        #expect(abs(Int((after * 797).rounded()) - ortAfter) <= 3)
        #expect(before > 0.85)
        // The text report has an accuracy column and the before/after line.
        let t = try CLI.run(args, timeout: 300)
        #expect(t.status == 0, "\(t.stderr)")
        #expect(t.stdout.contains("accuracy") && t.stdout.contains(String(format: "accuracy %.2f%% →", before * 100)), "\(t.stdout)")
        // Labels without the inputs they label: one line, nothing written.
        let bad = dir.appendingPathComponent("bad.onnx").path
        let e = try CLI.run(["optimize", model, "--pipeline", p, "--out", bad, "--labels", "\(dir.path)/y_test.npy"])
        #expect(e.status != 0 && e.stderr.contains("--labels needs --eval"), "\(e.stderr)")
        #expect(!FileManager.default.fileExists(atPath: bad))
    }
}
