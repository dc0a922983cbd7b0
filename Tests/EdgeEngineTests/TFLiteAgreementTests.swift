import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing

/// Every fetched fp32 / fp16-weight TFLite model (mediapipe 0.10.21) agrees with LiteRT on a real
/// image (skimage's astronaut, resized to the model's input, scaled to [−1, 1]):
/// max |engine − LiteRT| ≤ 1e-4 × max |LiteRT| per output, LiteRT running its builtin reference
/// kernels (its XNNPACK kernels differ from those by up to 2.1e-4 on pose_landmark_full's
/// segmentation output; see docs/DECISIONS.md). Models LiteRT itself cannot run (MediaPipe
/// custom ops) or whose sparse weights the importer does not yet carry are listed as not covered.
@Suite(.serialized) struct TFLiteAgreementTests {
    static let modules = TestPaths.assets.path + "/mediapipe-0.10.21/mediapipe/modules/"

    static func astronaut() throws -> RGBImage {
        let path = TestPaths.assets.path + "/scikit_image-0.26.0/skimage/data/astronaut.png"
        return try PNG.decode([UInt8](try Data(contentsOf: URL(fileURLWithPath: path))), name: path)
    }

    @Test(arguments: [
        "face_detection/face_detection_short_range.tflite", "face_landmark/face_landmark.tflite",
        "hand_landmark/hand_landmark_full.tflite", "hand_landmark/hand_landmark_lite.tflite",
        "holistic_landmark/hand_recrop.tflite", "iris_landmark/iris_landmark.tflite",
        "palm_detection/palm_detection_full.tflite", "palm_detection/palm_detection_lite.tflite",
        "pose_landmark/pose_landmark_full.tflite",
    ])
    func agreesWithLiteRT(_ file: String) throws {
        let path = Self.modules + file
        try #require(FileManager.default.fileExists(atPath: path), "run Scripts/fetch-models.sh")
        let model = try ModelLoader.load(path: path)
        let input = try #require(model.graph.inputs.first)
        let s = input.type.shape.dims.map { $0.value ?? 1 }
        let img = ImagePreprocess.resize(try Self.astronaut(), width: s[2], height: s[1], method: .bilinear)
        let x = ImagePreprocess.tensor(img, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], layout: .nhwc)
        // pose_landmark_full's segmentation logits (Identity_2, |max| 1.6e3) cancel heavily: LiteRT's own two
        // kernel sets differ there by 2.1e-4, the engine's reference kernels are 8.3e-5 from LiteRT's and the
        // optimized Conv (other summation order) 1.33e-4. That model is held to 1e-4 with the reference kernels;
        // the optimized kernels are checked against those separately (Optimized*Tests).
        let options = EngineOptions(forceReference: file.hasPrefix("pose_landmark/"))
        let a = try ReferenceRuntime.litert.agreement(model: path, feeds: [(input.name, x)], options: options)
        #expect(!a.isEmpty)
        for r in a { #expect(r.ratio <= 1e-4, "\(r)") }
    }

    /// BlazeFace short-range on scikit-image's LFW subset (100 faces, then 100 non-faces), preprocessed
    /// as models.md §4.1 states: uint8 = clip(x·255), gray → RGB, half-pixel bilinear 25 → 128,
    /// x/127.5 − 1; score = sigmoid(max classificator logit). Published here: accuracy 0.990 at 0.5
    /// (LiteRT 2.3.0, the shared models.md §4.1).
    @Test func faceDetectorOnLFW() throws {
        let modelPath = Self.modules + "face_detection/face_detection_short_range.tflite"
        let dataPath = TestPaths.assets.path + "/scikit_image-0.26.0/skimage/data/lfw_subset.npy"
        try #require(FileManager.default.fileExists(atPath: dataPath), "run Scripts/fetch-models.sh")
        let faces = try NPY.read(path: dataPath)
        try #require(faces.shape == [200, 25, 25] && faces.dtype == .float64)
        let model = try ModelLoader.load(path: modelPath)
        let plan = try ExecutionPlan(model: model)
        let input = model.graph.inputs[0].name
        let logitsName = try #require(plan.outputNames.first { $0.contains("classificators") })
        var correct = 0
        for k in 0..<200 {
            var pixels = [UInt8](repeating: 0, count: 25 * 25 * 3)
            for i in 0..<(25 * 25) {
                let v = UInt8(Swift.min(Swift.max(faces.ref.ptr(Double.self)[k * 625 + i] * 255, 0), 255))
                pixels[3 * i] = v; pixels[3 * i + 1] = v; pixels[3 * i + 2] = v
            }
            let img = ImagePreprocess.resize(RGBImage(width: 25, height: 25, pixels: pixels), width: 128, height: 128, method: .bilinear)
            let x = ImagePreprocess.tensor(img, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], layout: .nhwc)
            let logits = try #require(try plan.run([input: x])[logitsName])
            let best = logits.floats().max() ?? -.infinity
            let score = 1 / (1 + exp(-Double(best)))
            if (score > 0.5) == (k < 100) { correct += 1 }
        }
        let accuracy = Double(correct) / 200
        print("BlazeFace on LFW subset: accuracy \(String(format: "%.3f", accuracy)) at threshold 0.5 (published 0.990)")
        #expect(accuracy == 0.99)
    }
}
