import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// BlazeFace short-range (mediapipe 0.10.21, fp16 weights) after static int8 through the pipeline's
/// quantizer, on scikit-image's LFW subset (100 faces, then 100 non-faces), preprocessed as models.md §4.1
/// states and as EdgeEngineTests' `faceDetectorOnLFW` (fp32 there: accuracy 0.990 on all 200) does.
///
/// Calibration and evaluation are disjoint parts of the subset: every fifth image (20 faces, 20
/// non-faces) calibrates, the other 160 evaluate. Weights int8 symmetric per output channel (OHWI
/// convolutions on axis 0, 1HWO depthwise on axis 3), activations MinMax int8 around every Conv.
@Suite(.serialized) struct FaceDetectorInt8Tests {
    static let model = TestPaths.assets.path + "/mediapipe-0.10.21/mediapipe/modules/face_detection/face_detection_short_range.tflite"
    static let data = TestPaths.assets.path + "/scikit_image-0.26.0/skimage/data/lfw_subset.npy"

    static func inputs() throws -> [HostTensor] {
        let faces = try NPY.read(path: data)
        try #require(faces.shape == [200, 25, 25] && faces.dtype == .float64)
        return (0..<200).map { k in
            var pixels = [UInt8](repeating: 0, count: 25 * 25 * 3)
            for i in 0..<(25 * 25) {
                let v = UInt8(Swift.min(Swift.max(faces.ref.ptr(Double.self)[k * 625 + i] * 255, 0), 255))
                pixels[3 * i] = v; pixels[3 * i + 1] = v; pixels[3 * i + 2] = v
            }
            let img = ImagePreprocess.resize(RGBImage(width: 25, height: 25, pixels: pixels), width: 128, height: 128, method: .bilinear)
            return ImagePreprocess.tensor(img, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], layout: .nhwc)
        }
    }

    /// Face score of each input: sigmoid of the largest classificator logit.
    static func scores(_ graph: Graph, _ xs: [HostTensor], input: String) throws -> [Double] {
        let plan = try ExecutionPlan(graph: graph, inputShapes: [input: [1, 128, 128, 3]])
        let name = try #require(plan.outputNames.first { $0.contains("classificators") })
        return try xs.map { x in
            let best = try #require(try plan.run([input: x])[name]).floats().max() ?? -.infinity
            return 1 / (1 + exp(-Double(best)))
        }
    }

    /// Accuracy at 0.5 and ROC AUC (Mann–Whitney: the fraction of (face, non-face) pairs ranked right,
    /// ties counting one half).
    static func accuracyAndAUC(_ s: [Double], faces: [Bool]) -> (Double, Double) {
        let correct = zip(s, faces).filter { ($0 > 0.5) == $1 }.count
        let pos = zip(s, faces).filter(\.1).map(\.0), neg = zip(s, faces).filter { !$0.1 }.map(\.0)
        var wins = 0.0
        for p in pos { for n in neg { wins += p > n ? 1 : p == n ? 0.5 : 0 } }
        return (Double(correct) / Double(s.count), wins / Double(pos.count * neg.count))
    }

    /// Disabled, known failure: measured (calibration MinMax on 40 LFW images) fp32 accuracy 0.9938 / AUC
    /// 1.0000 on the 160 evaluation images, but both int8 graphs (QDQ on float kernels, and after
    /// ``QOperatorConversion`` 37 QLinearConv on the integer kernels) give the same score for every image
    /// (accuracy 0.5, AUC 0.5): something in the NHWC/fp16-weight QDQ path collapses the output — not yet
    /// diagnosed. Kept so the measurement can be rerun (`swift test --filter FaceDetectorInt8Tests` after
    /// removing `.disabled`).
    @Test(.disabled("int8 BlazeFace collapses to a constant score; undiagnosed (see the comment)"))
    func keepsAccuracyAfterStaticInt8() throws {
        try #require(FileManager.default.fileExists(atPath: Self.data) && FileManager.default.fileExists(atPath: Self.model),
                     "run Scripts/fetch-models.sh")
        let model = try ModelLoader.load(path: Self.model)
        let input = model.graph.inputs[0].name
        let xs = try Self.inputs()
        let calibrationIndices = (0..<200).filter { $0 % 5 == 0 }, evalIndices = (0..<200).filter { $0 % 5 != 0 }
        let (q, report) = try StaticQuantizer.quantize(model.graph, calibration: calibrationIndices.map { [input: xs[$0]] }, method: .minMax)
        // 21 CONV_2D + 16 DEPTHWISE_CONV_2D (models.md §2.4), every one with fp16 weights.
        #expect(report.weights.layers.count == 37)

        let evalX = evalIndices.map { xs[$0] }, labels = evalIndices.map { $0 < 100 }
        let (acc32, auc32) = Self.accuracyAndAUC(try Self.scores(model.graph, evalX, input: input), faces: labels)
        let (acc8, auc8) = Self.accuracyAndAUC(try Self.scores(q, evalX, input: input), faces: labels)
        // The same model with every convolution as QLinearConv: the engine's integer kernels.
        let (qop, converted) = try QOperatorConversion.convert(q)
        #expect(converted.converted == 37, "\(converted.skipped)")
        #expect(qop.nodes.filter { $0.op.rawValue == "QLinearConv" }.count == 37)
        let (accInt, aucInt) = Self.accuracyAndAUC(try Self.scores(qop, evalX, input: input), faces: labels)
        print("BlazeFace on LFW (160 images, disjoint from the 40 calibration images): fp32 accuracy \(String(format: "%.4f", acc32)) AUC \(String(format: "%.4f", auc32)); "
              + "int8 QDQ (float kernels) accuracy \(String(format: "%.4f", acc8)) AUC \(String(format: "%.4f", auc8)); "
              + "int8 QLinearConv (integer kernels) accuracy \(String(format: "%.4f", accInt)) AUC \(String(format: "%.4f", aucInt)); weights \(report.weights.layers.count), "
              + "weight bytes \(report.weights.layers.reduce(0) { $0 + $1.bytesBefore }) → \(report.weights.layers.reduce(0) { $0 + $1.bytesAfter })")
        #expect(acc8 >= 0.98)
        #expect(accInt >= 0.98)
    }
}
