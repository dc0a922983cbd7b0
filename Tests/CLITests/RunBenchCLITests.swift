import EdgeTestSupport
import Foundation
import Testing

/// `edgewise run` and `edgewise bench` through the real binary: outputs written and checked against
/// onnxruntime, the summary's top-k and NaN flag, bench's measured table, and bad input as one-line
/// errors with a non-zero exit.
@Suite struct RunBenchCLITests {
    static let assets = TestPaths.assets.path
    static let cls = assets + "/rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx"
    static let face = assets + "/mediapipe-0.10.21/mediapipe/modules/face_detection/face_detection_short_range.tflite"

    /// Writes a float32 .npy with numpy (an independent writer) and returns its path.
    static func npy(_ dir: URL, _ name: String, _ expr: String) throws -> String {
        let p = dir.appendingPathComponent(name).path
        _ = try Python.run("import numpy as np, json, sys\nnp.save(sys.argv[1], \(expr))\nprint('{}')", arguments: [p])
        return p
    }

    func expectOneLineFailure(_ args: [String], mentions: String, environment: [String: String] = [:],
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try CLI.run(args, environment: environment)
        #expect(r.status != 0 && r.status < 128, "exit status \(r.status) for \(args)", sourceLocation: sourceLocation)
        #expect(!r.stderr.contains("Fatal error"), sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(lines.count == 1, "stderr for \(args): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(mentions), "stderr for \(args): \(r.stderr)", sourceLocation: sourceLocation)
    }

    @Test func runWritesOutputsThatAgreeWithOnnxruntime() throws {
        try #require(FileManager.default.fileExists(atPath: Self.cls), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = try Self.npy(dir, "x.npy", "np.random.default_rng(0).uniform(-1, 1, (1, 3, 48, 192)).astype(np.float32)")
        let r = try CLI.run(["run", Self.cls, "--input", "x=" + x, "--output-dir", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("top-2:"), "\(r.stdout)")
        let written = dir.appendingPathComponent("save_infer_model_scale_0.tmp_1.npy").path
        let check = """
            import numpy as np, onnxruntime as ort, sys, json
            s = ort.InferenceSession(sys.argv[1], providers=["CPUExecutionProvider"])
            ref = s.run(None, {"x": np.load(sys.argv[2])})[0]
            got = np.load(sys.argv[3])
            print(json.dumps([float(np.abs(ref - got).max()), float(np.abs(ref).max())]))
            """
        let errs = try #require(try Python.run(check, arguments: [Self.cls, x, written]) as? [Double])
        #expect(errs[0] <= 1e-4 * errs[1], "max error \(errs[0]) vs max reference \(errs[1])")
    }

    @Test func runFlagsNaNInputs() throws {
        try #require(FileManager.default.fileExists(atPath: Self.cls), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let x = try Self.npy(dir, "x.npy", "np.where(np.arange(1*3*48*192).reshape(1,3,48,192) == 7, np.nan, 0.5).astype(np.float32)")
        let r = try CLI.run(["run", Self.cls, "--input", "x=" + x, "--output-dir", dir.path])
        #expect(r.status == 0)
        #expect(r.stdout.contains("1 NaN, 0 Inf"), "\(r.stdout)")
        #expect(r.stdout.contains("warning: NaN or Inf present"), "\(r.stdout)")
    }

    @Test func runTakesPNGImages() throws {
        try #require(FileManager.default.fileExists(atPath: Self.face), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let png = Self.assets + "/scikit_image-0.26.0/skimage/data/astronaut.png"
        let r = try CLI.run(["run", Self.face, "--input", "input=" + png, "--mean", "0.5", "--std", "0.5", "--output-dir", dir.path])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("input  input float32[1, 128, 128, 3]  min -1"), "\(r.stdout)")
    }

    @Test func badInputIsOneLine() throws {
        try #require(FileManager.default.fileExists(atPath: Self.cls), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("run")
        defer { try? FileManager.default.removeItem(at: dir) }
        let wrongShape = try Self.npy(dir, "a.npy", "np.zeros((1, 4, 48, 192), np.float32)")
        let wrongType = try Self.npy(dir, "b.npy", "np.zeros((1, 3, 48, 192))")
        let good = try Self.npy(dir, "c.npy", "np.zeros((1, 3, 48, 192), np.float32)")
        try expectOneLineFailure(["run", Self.cls, "--input", "x=" + wrongShape], mentions: "input 'x': expected")
        try expectOneLineFailure(["run", Self.cls, "--input", "x=" + wrongType], mentions: "the file holds float64")
        try expectOneLineFailure(["run", Self.cls], mentions: "missing input 'x'")
        try expectOneLineFailure(["run", Self.cls, "--input", "x=" + good, "--input", "y=" + good], mentions: "no input named 'y'")
        try expectOneLineFailure(["run", Self.cls, "--input", "x=" + good], mentions: "refused before allocating",
                                 environment: ["EDGEWISE_MEMORY_LIMIT": "100000"])
        let attention = Self.assets + "/mediapipe-0.10.21/mediapipe/modules/face_landmark/face_landmark_with_attention.tflite"
        let img = try Self.npy(dir, "d.npy", "np.zeros((1, 192, 192, 3), np.float32)")
        try expectOneLineFailure(["run", attention, "--input", "input_1=" + img],
                                 mentions: "node 'landmarks_to_transform_matrix_v2': Landmarks2TransformMatrix is not supported")
        try expectOneLineFailure(["run", Self.cls, "--input", "x=/no/such.png"], mentions: "no such file")
    }

    /// A plan that fails on symbolic dimensions left at 1 says so and names --shape (PP-OCR cls: x is
    /// [?, 3, ?, ?]; a height of 1 cannot take its 2-wide MaxPool).
    @Test func benchPointsAtShapeForSymbolicDimensions() throws {
        try #require(FileManager.default.fileExists(atPath: Self.cls), "run Scripts/fetch-models.sh")
        try expectOneLineFailure(["bench", Self.cls, "--runs", "1"], mentions: "give the shape with --shape NAME=D1,D2")
        try expectOneLineFailure(["bench", Self.cls, "--runs", "1"], mentions: "'x' [?, 3, ?, ?]")
    }

    @Test func benchReportsMeasuredLatencies() throws {
        try #require(FileManager.default.fileExists(atPath: Self.cls), "run Scripts/fetch-models.sh")
        let r = try CLI.run(["bench", Self.cls, "--shape", "x=1,3,48,192", "--runs", "5", "--warmup", "1", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(j["label"] as? String == "measured, on this host")
        #expect(j["runs"] as? Int == 5)
        let p50 = try #require(j["p50Milliseconds"] as? Double), p99 = try #require(j["p99Milliseconds"] as? Double)
        #expect(p50 > 0 && p50 <= p99)
        let layers = try #require(j["topLayers"] as? [[String: Any]])
        #expect(layers.count == 10)
        let text = try CLI.run(["bench", Self.cls, "--shape", "x=1,3,48,192", "--runs", "3", "--warmup", "0"])
        #expect(text.stdout.contains("measured, on this host"))
        #expect(text.stdout.contains("slowest layers"))
    }
}
