import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Real models and real inputs for the compression tests (low-rank, channel pruning, dynamic int8,
/// fp16/bf16, bias correction), and the onnxruntime checks of what they export
/// (`Scripts/reference/compress_reference.py`).
struct CompressionFixture {
    static let magikaPath = TestPaths.assets.appendingPathComponent("magika-1.0.3/magika/models/standard_v3_3/model.onnx").path
    static let clsPath = TestPaths.assets.appendingPathComponent(
        "rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx").path

    let ref: QuantReference
    init() throws { ref = try QuantReference() }
    func remove() { ref.remove() }

    static func load(_ path: String) throws -> Model {
        try #require(FileManager.default.fileExists(atPath: path), "missing \(path): run Scripts/fetch-models.sh")
        return try ModelLoader.load(path: path)
    }

    static func opset(_ m: Model) -> Int { PipelineRunner.opset(of: m) }

    /// Magika features of `count` real files (from the fetched wheels), int32 `[count, 2048]`.
    func magikaFeatures(count: Int, offset: Int) throws -> HostTensor {
        try ref.run("magika-features", String(count), String(offset), ref.path("f\(offset).i32"))
        return HostTensor(values: try ref.int32s("f\(offset).i32"), shape: [count, 2048])
    }

    /// `count` 48 × 192 crops of scikit-image's page.png in PP-OCR's preprocessing, `[count, 3, 48, 192]`.
    func ocrInputs(count: Int) throws -> HostTensor {
        let p = ref.path("ocr\(count).npy")
        _ = try script("ocr-inputs", String(count), "48", "192", p)
        return try NPY.read(path: p)
    }

    @discardableResult
    func script(_ arguments: String...) throws -> [String: Any] {
        try ReferenceScript.json("compress_reference.py", arguments)
    }

    /// The model's first output on the engine.
    static func engine(_ g: Graph, _ input: String, _ x: HostTensor, opset: Int) throws -> [Float] {
        let out = try ExecutionPlan(graph: g, inputShapes: [input: x.shape], opset: opset).run([input: x])
        return try #require(out[g.outputs[0].name]).floats()
    }

    /// Exports `test` and runs it and the original file in onnxruntime on `x`; also compares the engine's
    /// output `engineOut` with onnxruntime's on the exported file.
    func ortCheck(original: String, test: Model, x: HostTensor, engineOut: [Float], tag: String) throws -> (sqnr: Double, top1: Double, engineVsOrt: Double, bytes: Int) {
        let path = ref.path("\(tag).onnx")
        try ONNXExporter.write(test, to: path)
        let xp = ref.path("\(tag)-x.npy"), ep = ref.path("\(tag)-engine.npy")
        try NPY.write(x, path: xp)
        try NPY.write(HostTensor(engineOut, shape: [engineOut.count]), path: ep)
        let j = try script("ort-check", original, path, xp, ep)
        let bytes = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        return (j["sqnr"] as? Double ?? .infinity, j["top1_agreement"] as? Double ?? 0,
                j["engine_vs_ort_sqnr"] as? Double ?? .infinity, bytes)
    }

    /// Parameters and multiply-accumulates of a graph at the given input shape (what `inspect` shows).
    static func cost(_ g: Graph, _ input: String, _ shape: [Int]) throws -> (params: Int, macs: Int) {
        var b = g
        b.inputs = b.inputs.map { v in
            guard v.name == input else { return v }
            return ValueInfo(name: v.name, type: TensorType(v.type.dtype, Shape(shape)))
        }
        _ = try b.inferShapes(strict: false)
        let c = try b.costReport(unresolvedShapes: .skipArithmetic)
        return (c.total.parameters, c.total.macs)
    }
}
