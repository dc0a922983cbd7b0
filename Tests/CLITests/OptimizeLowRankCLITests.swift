import EdgeTestSupport
import Foundation
import Testing

/// `edgewise optimize` with `Pipelines/lowrank-finetune.yaml` on the sklearn digits set: the factors of
/// a low-rank step fine-tuned on an unlabelled calibration set (distilled from the original model)
/// score better on the held-out test rows than the factorisation alone, and onnxruntime confirms the
/// written model's accuracy.
@Suite(.serialized) struct OptimizeLowRankCLITests {
    @Test func finetunedFactorsBeatTheFactorisationAlone() throws {
        try #require(FileManager.default.fileExists(atPath: OptimizeLabelsCLITests.csv), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("optimize-lowrank")
        defer { try? FileManager.default.removeItem(at: dir) }
        _ = try Python.runFile("Scripts/reference/digits.py", input: ["op": "data", "csv": OptimizeLabelsCLITests.csv, "out": dir.path])
        _ = try Python.run(OptimizeLabelsCLITests.script, input: ["op": "make", "dir": dir.path])
        let model = dir.appendingPathComponent("linear.onnx").path
        let alone = dir.appendingPathComponent("alone.yaml").path
        try "name: lowrank\nsteps:\n  - lowrank: {energy: 0.9}\n".write(toFile: alone, atomically: true, encoding: .utf8)
        func run(_ pipeline: String, _ out: String) throws -> (Double, [String: Any]) {
            let r = try CLI.run(["optimize", model, "--pipeline", pipeline, "--out", out, "--eval", "image=\(dir.path)/x_test.npy",
                                 "--labels", "\(dir.path)/y_test.npy", "--calib", "image=\(dir.path)/x_train.npy", "--json"], timeout: 300)
            #expect(r.status == 0, "\(r.stderr)")
            let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
            let step = try #require((j["steps"] as? [[String: Any]])?.first)
            return (try #require(step["accuracy"] as? Double), step)
        }
        let outAlone = dir.appendingPathComponent("alone.onnx").path, outTuned = dir.appendingPathComponent("tuned.onnx").path
        let (a, _) = try run(alone, outAlone)
        let (t, step) = try run(TestPaths.repoRoot.appendingPathComponent("Pipelines/lowrank-finetune.yaml").path, outTuned)
        let notes = (step["notes"] as? [String]) ?? []
        #expect(notes.contains { $0.contains("distilled from the original model") && $0.contains("300 Adam steps on 1000 calibration samples") }, "\(notes)")
        #expect((step["step"] as? String) == "lowrank(energy 0.9, finetune 300)")
        func ort(_ m: String) throws -> Int {
            try #require((try Python.run(OptimizeLabelsCLITests.script, input: ["op": "accuracy", "dir": dir.path, "model": m]) as? [String: Any])?["correct"] as? Int)
        }
        let ortAlone = try ort(outAlone), ortTuned = try ort(outTuned)
        print("digits linear classifier, lowrank energy 0.9 via the CLI: alone \(a) (onnxruntime \(Double(ortAlone) / 797)), fine-tuned factors \(t) (onnxruntime \(Double(ortTuned) / 797))")
        #expect(abs(Int((a * 797).rounded()) - ortAlone) <= 1 && abs(Int((t * 797).rounded()) - ortTuned) <= 1)
        #expect(t > a, "fine-tuned \(t) vs alone \(a)")
    }
}
