import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing

/// A real int8 model (QOperator: QLinearConv between QuantizeLinear / DequantizeLinear) made at test time
/// by onnxruntime.quantization.quantize_static (Scripts/reference/quantize_int8.py, cached in
/// ~/.cache/edgewise/int8/) from PP-OCR's text-direction classifier (real weights; 53 QLinearConv, depthwise
/// and pointwise, squeeze-excitation blocks with float HardSigmoid/Mul between Dequantize/Quantize).
@Suite(.serialized) struct Int8AgreementTests {
    static let source = TestPaths.assets.path + "/rapidocr_onnxruntime-1.4.4/rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx"
    static let shape = [1, 3, 48, 192]

    /// (int8 model, the same model with every QLinearConv output exposed).
    static func models() throws -> (String, String) {
        try #require(FileManager.default.fileExists(atPath: source), "run Scripts/fetch-models.sh")
        let dir = TestPaths.assets.deletingLastPathComponent().appendingPathComponent("int8")
        let dst = dir.appendingPathComponent("ppocr_cls_int8.onnx").path
        let exposed = try TestPaths.temporaryDirectory("int8").appendingPathComponent("exposed.onnx").path
        let answer = try ReferenceRuntime.script("quantize_int8.py", ["src": source, "dst": dst, "shape": shape, "exposed": exposed])
        let ops = answer["ops"] as? [String: Int] ?? [:]
        try #require((ops["QLinearConv"] ?? 0) > 0, "no QLinearConv in \(dst): \(ops)")
        return (dst, exposed)
    }

    /// A seeded image in the classifier's normalised range [−1, 1].
    static func input() -> HostTensor {
        var rng = SeededRNG(seed: 2024)
        return HostTensor((0..<shape.reduce(1, *)).map { _ in rng.float(-1, 1) }, shape: shape)
    }

    /// The optimized int8 kernels reproduce the reference kernels on the real model: every QLinearConv
    /// output identical byte for byte; the final float output (softmax after float ops that have their own
    /// optimized kernels) within 1e-5 relative.
    @Test func optimizedMatchesReference() throws {
        let (_, exposed) = try Self.models()
        let model = try ModelLoader.load(path: exposed)
        let name = model.graph.inputs[0].name
        var outs: [[String: HostTensor]] = []
        for reference in [false, true] {
            let plan = try ExecutionPlan(model: model, inputShapes: [name: Self.shape], options: EngineOptions(forceReference: reference))
            outs.append(try plan.run([name: Self.input()]))
        }
        var compared = 0
        for (key, fast) in outs[0] {
            let ref = try #require(outs[1][key])
            if fast.dtype == .uint8 {
                let a = fast.ref.u8(), b = ref.ref.u8()
                let diff = (0..<fast.elementCount).filter { a[$0] != b[$0] }.count
                #expect(diff == 0, "\(key): \(diff) of \(fast.elementCount) bytes differ")
                compared += 1
            } else {
                let f = fast.floats(), r = ref.floats()
                for i in f.indices { #expect(abs(f[i] - r[i]) <= 1e-5 * max(1, abs(r[i])), "\(key)[\(i)]: \(f[i]) vs \(r[i])") }
            }
        }
        #expect(compared >= 50, "only \(compared) quantized outputs compared")
    }

    /// Agreement with onnxruntime. Tolerance 0.05 absolute on the two class probabilities (the
    /// reference's are 0.525 / 0.475 here, so the top class is also the same). Why not tighter: the engine computes QLinearConv's requantization as the ONNX specification
    /// and its reference do (acc · multiplier in double, round half to even); onnxruntime's MLAS multiplies
    /// in float32, and the float ops between the quantized convolutions (HardSigmoid, Mul, Add, then
    /// QuantizeLinear's round(x / scale)) can land one quantization step apart. A one-step change of an input
    /// moves a convolution's output by up to Σ|w|·s_w·s_x / s_y steps, so the differences grow through the
    /// 53 layers (measured on this input: first two QLinearConv outputs identical, the last within 1 step on
    /// 8 % of elements, the probabilities 0.012 apart; the engine's reference kernels give the same 0.012).
    @Test func agreesWithOnnxruntime() throws {
        let (path, _) = try Self.models()
        let model = try ModelLoader.load(path: path)
        let a = try ReferenceRuntime.onnxruntime.agreement(model: path, feeds: [(model.graph.inputs[0].name, Self.input())],
                                                           label: "int8 ppocr cls")
        #expect(a.count == 1)
        for x in a { #expect(x.maxError <= 0.05, "\(x)") }
    }
}
