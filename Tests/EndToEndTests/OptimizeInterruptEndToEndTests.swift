import EdgeTestSupport
import Foundation
import Testing

/// `edgewise optimize` in a terminal (tmux): the progress bar is drawn on standard error while it
/// runs, and Ctrl-C stops it after the current unit, keeping and reporting what finished, exit 130.
@Suite(.serialized) struct OptimizeInterruptEndToEndTests {
    static let magika = TestPaths.assets.path + "/magika-1.0.3/magika/models/standard_v3_3/model.onnx"

    /// Runs the pipeline in tmux with stdout to a file, presses Ctrl-C once `stopAt` shows on the
    /// screen, and returns (exit status, stdout, screen, whether OUT exists, files left in the folder).
    func interrupt(_ steps: String, stopAt: String) throws -> (status: Int?, stdout: String, screen: String, written: Bool, files: [String]) {
        let dir = try TestPaths.temporaryDirectory("optimize-interrupt")
        defer { try? FileManager.default.removeItem(at: dir) }
        let pipeline = dir.appendingPathComponent("p.yaml").path
        try "name: interrupted\nsteps:\n\(steps)".write(toFile: pipeline, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out.onnx").path, stdout = dir.appendingPathComponent("stdout.txt").path
        let t = try Tmux("cd '\(dir.path)' && env LANG=C.UTF-8 '\(CLI.executable.path)' optimize '\(Self.magika)' --pipeline p.yaml "
                         + "-o out.onnx --samples 12 > stdout.txt; echo EXITED $?; sleep 120", cols: 160, rows: 20)
        let seen = t.wait(for: stopAt, timeout: 300)
        try #require(seen.ok, "never showed '\(stopAt)': \(seen.screen)")
        try t.send("C-c")
        let done = t.wait(for: "EXITED", timeout: 600)
        let status = done.screen.split(separator: "\n").first { $0.hasPrefix("EXITED") }.flatMap { Int($0.split(separator: " ")[1]) }
        let text = (try? String(contentsOfFile: stdout, encoding: .utf8)) ?? ""
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path))?.sorted() ?? []
        var valid = false
        if FileManager.default.fileExists(atPath: out) {
            // onnxruntime loads and runs what was written.
            let check = "import numpy as np, onnxruntime as ort, sys, json\n"
                + "s = ort.InferenceSession(sys.argv[1], providers=['CPUExecutionProvider'])\n"
                + "y = s.run(None, {'bytes': np.zeros((1, 2048), np.int32)})[0]\n"
                + "print(json.dumps({'shape': list(y.shape)}))"
            let o = try Python.run(check, arguments: [out]) as? [String: Any]
            valid = (o?["shape"] as? [Int]) == [1, 214]
        }
        return (status, text, seen.screen, valid, files)
    }

    @Test func ctrlCDuringTheSecondStepKeepsTheFirstStepsModel() throws {
        try #require(FileManager.default.fileExists(atPath: Self.magika), "run Scripts/fetch-models.sh")
        let r = try interrupt("  - prune: {method: magnitude, sparsity: 0.1}\n  - analyze: sensitivity\n", stopAt: "step 2/2 sensitivity")
        // The bar was drawn on the terminal (standard error), never into standard output.
        #expect(r.screen.contains("[") && r.screen.contains("/3"), "\(r.screen)")
        #expect(!r.stdout.contains("\r") && !r.stdout.contains("step 2/2 sensitivity"))
        #expect(r.status == 130)
        #expect(r.stdout.contains("stopped (Ctrl-C) after 1 of 2 steps (1 prune(magnitude, 0.1)); their model was written"),
                "\(r.stdout)")
        #expect(r.written, "the finished step's model runs in onnxruntime")
        // Nothing half-written: only the pipeline, the captured stdout and the model.
        #expect(r.files == ["out.onnx", "p.yaml", "stdout.txt"], "\(r.files)")
    }

    @Test func ctrlCDuringTheFirstStepWritesNothing() throws {
        try #require(FileManager.default.fileExists(atPath: Self.magika), "run Scripts/fetch-models.sh")
        let r = try interrupt("  - analyze: sensitivity\n  - prune: {method: magnitude, sparsity: 0.1}\n", stopAt: "step 1/2 sensitivity")
        #expect(r.status == 130)
        #expect(r.stdout.contains("stopped (Ctrl-C) before step 1 of 2 finished; nothing written"), "\(r.stdout)")
        #expect(!r.written)
        #expect(r.files == ["p.yaml", "stdout.txt"], "\(r.files)")
    }
}
