import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Static int8 on every fetched real fp32 ONNX model, against onnxruntime's `quantize_static` run at test
/// time (Scripts/reference/ort_static.py) with the same calibration feeds, format (QDQ, S8S8, per-channel,
/// Conv/Gemm/MatMul) and calibrator (MinMax); both results and the fp32 model are run by onnxruntime on the
/// same evaluation inputs and compared by the SQNR of the first output. Inputs are real where the shared
/// models.md gives them (Magika: files from the wheels; PP-OCR: scikit-image photos and page.png text
/// strips), seeded speech-like audio for Silero (no recording ships in the fetched wheels); the script's
/// docstring gives each set.
///
/// Not covered: the ONNX backend "light" model-zoo graphs — every weight is `ConstantOfShape` filled with
/// 0.02 (models.md §0: the architecture is real, the weights are not), so no quantization is measured on
/// real weights; `silero_vad_16k_sequence.onnx` and `silero_vad_openvino_16k.onnx` are the same network
/// as the Silero files below (models.md §2.1, probabilities equal to 0.0).
@Suite(.serialized) struct StaticQuantizerORTTests {
    static let assets = TestPaths.assets.path

    static let models: [(label: String, key: String, path: String)] = [
        ("magika", "magika", "magika-1.0.3/magika/models/standard_v3_3/model.onnx"),
        ("ppocr-det v4", "ppocr-det", "rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx"),
        ("ppocr-rec v4", "ppocr-rec", "rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx"),
        ("ppocr-cls v2", "ppocr-cls", "rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx"),
        ("silero 16k op15", "silero", "silero_vad-6.2.3/silero_vad/data/silero_vad_16k_op15.onnx"),
        ("silero op18 ifless", "silero", "silero_vad-6.2.3/silero_vad/data/silero_vad_op18_ifless.onnx"),
        ("silero (LSTM, If)", "silero", "silero_vad-6.2.3/silero_vad/data/silero_vad.onnx"),
        ("silero half ckpt", "silero", "silero_vad-6.2.3/silero_vad/data/silero_vad_half.onnx"),
    ]

    /// Feeds `prefix_<k>_<input>.npy` of `dir`, in order of k.
    static func feeds(_ dir: URL, _ prefix: String) throws -> [[String: HostTensor]] {
        var out: [Int: [String: HostTensor]] = [:]
        for f in try FileManager.default.contentsOfDirectory(atPath: dir.path) where f.hasPrefix(prefix + "_") && f.hasSuffix(".npy") {
            let rest = f.dropFirst(prefix.count + 1).dropLast(4)
            guard let sep = rest.firstIndex(of: "_"), let k = Int(rest[..<sep]) else { continue }
            out[k, default: [:]][String(rest[rest.index(after: sep)...])] = try NPY.read(path: dir.appendingPathComponent(f).path)
        }
        return out.keys.sorted().map { out[$0]! }
    }

    static func db(_ x: Any?) -> String { (x as? Double).map { String(format: "%.3f", $0) } ?? "∞ (lossless)" }

    @Test(arguments: models.indices)
    func noWorseThanOnnxRuntime(_ index: Int) throws {
        let (label, key, relative) = Self.models[index]
        let path = Self.assets + "/" + relative
        try #require(FileManager.default.fileExists(atPath: path), "missing \(path): run Scripts/fetch-models.sh")
        let dir = try TestPaths.temporaryDirectory("edgewise-ort-static")
        defer { try? FileManager.default.removeItem(at: dir) }
        let made = try ReferenceScript.json("ort_static.py", ["inputs", key, path, dir.path])
        let calibration = try Self.feeds(dir, "calib")
        #expect(calibration.count == made["calib"] as? Int)

        var model = try ModelLoader.load(path: path)
        let opset = model.metadata.properties["onnx.opset.ai.onnx"].flatMap { Int($0) } ?? 99
        let (q, report) = try StaticQuantizer.quantize(model.graph, calibration: calibration, method: .minMax, opset: opset)
        model.graph = q
        let ours = dir.appendingPathComponent("ours.onnx").path
        try ONNXExporter.write(model, to: ours)

        let r = try ReferenceScript.json("ort_static.py", ["compare", path, ours, dir.path, "MinMax", dir.appendingPathComponent("ort.onnx").path])
        let oursDB = r["ours"] as? Double ?? .infinity, ortDB = r["ort"] as? Double ?? .infinity
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        print("| \(pad(label, 18)) | ours \(pad(Self.db(r["ours"]), 12)) dB | ORT \(pad(Self.db(r["ort"]), 12)) dB | weights \(report.weights.layers.count)"
              + " | Q nodes ours \(r["q_ours"] ?? "?") ORT \(r["q_ort"] ?? "?") | size fp32 \(r["size_fp32"] ?? "?") ours \(r["size_ours"] ?? "?") ORT \(r["size_ort"] ?? "?") B"
              + " | \(calibration.count) calib, \(r["eval"] ?? "?") eval feeds |")
        // 0.01 dB: the two are run by the same runtime on the same inputs; only the quantization differs.
        #expect(oursDB >= ortDB - 0.01, "\(label): ours \(oursDB) dB vs quantize_static \(ortDB) dB")
    }
}
