import EdgeEngine
import EdgeImport
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeOptimize

/// Bias correction for static int8 on real models: the corrected bias cancels the mean output shift
/// of weight rounding on the calibration set, and the output SQNR with and without it is measured.
@Suite(.serialized) struct BiasCorrectionTests {
    static func floats(_ g: Graph, _ name: String) throws -> [Float] { WeightValues.floats(try #require(g.constants[name])) }

    /// Magika's Dense_1 (MatMul 512 × 214, then Add of a 214 bias). With x the layer's float input on the
    /// calibration batch (from the engine), the mean over rows of x·W_q + b' must equal that of x·W + b
    /// (the definition of the correction, linear in x), while x·W_q + b is off by the weight-rounding shift.
    @Test func correctedBiasCancelsTheMeanShift() throws {
        let f = try CompressionFixture()
        defer { f.remove() }
        let model = try CompressionFixture.load(CompressionFixture.magikaPath)
        let opset = CompressionFixture.opset(model)
        let calib = try f.magikaFeatures(count: 32, offset: 0)
        let (q, report) = try StaticQuantizer.quantize(model.graph, calibration: [["bytes": calib]], perChannel: false, opset: opset,
                                                       biasCorrection: true)
        let dense = try #require(model.graph.nodes.first { $0.op == .matMul && $0.name.contains("Dense_1") })
        #expect(report.biasCorrected.contains(dense.name), "\(report.biasCorrected) \(report.biasSkipped)")
        let add = try #require(model.graph.nodes.first { $0.op == .add && $0.inputs.contains(dense.outputs[0]) })
        let biasName = try #require(add.inputs.first { model.graph.isConstant($0) })
        let w = try Self.floats(model.graph, dense.inputs[1]), b = try Self.floats(model.graph, biasName)
        let b2 = try Self.floats(q, biasName)
        // W_q from the exported form: int8 codes × the per-tensor scale.
        let codes = try #require(q.constants[dense.inputs[1] + "_quantized"]).storage.withBytes { $0.map { Int8(bitPattern: $0) } }
        let scale = try Self.floats(q, dense.inputs[1] + "_scale")[0]
        let wq = codes.map { Float($0) * scale }
        // The layer's float input on the calibration batch.
        var probe = model.graph
        probe.outputs.append(ValueInfo(name: dense.inputs[0], type: try #require(model.graph.valueTypes[dense.inputs[0]])))
        let xs = try #require(try ExecutionPlan(graph: probe, inputShapes: ["bytes": calib.shape], opset: opset).run(["bytes": calib])[dense.inputs[0]])
        let xv = xs.floats(), k = 512, n = 214, rows = xv.count / k
        var shiftBefore = 0.0, shiftAfter = 0.0, scaleRef = 0.0
        for c in 0..<n {
            var ref = 0.0, raw = 0.0, fixed = 0.0
            for r in 0..<rows {
                var a = 0.0, aq = 0.0
                for i in 0..<k { a += Double(xv[r * k + i]) * Double(w[i * n + c]); aq += Double(xv[r * k + i]) * Double(wq[i * n + c]) }
                ref += a + Double(b[c]); raw += aq + Double(b[c]); fixed += aq + Double(b2[c])
            }
            shiftBefore = max(shiftBefore, abs(raw - ref) / Double(rows))
            shiftAfter = max(shiftAfter, abs(fixed - ref) / Double(rows))
            scaleRef = max(scaleRef, abs(ref) / Double(rows))
        }
        print("magika Dense_1 mean output shift per channel (32 calibration files): without correction \(shiftBefore), with \(shiftAfter) (max |mean| \(scaleRef))")
        #expect(shiftBefore > 0)
        #expect(shiftAfter <= 1e-3 * shiftBefore + 1e-6)
    }

    /// Output SQNR with and without bias correction, same calibration and evaluation files, on the engine.
    @Test(arguments: [("magika", false), ("magika", true), ("cls", false), ("cls", true)])
    func sqnrWithAndWithout(_ which: String, _ perChannel: Bool) throws {
        let f = try CompressionFixture()
        defer { f.remove() }
        let path = which == "magika" ? CompressionFixture.magikaPath : CompressionFixture.clsPath
        let model = try CompressionFixture.load(path)
        let opset = CompressionFixture.opset(model)
        let input = model.graph.inputs[0].name
        let (calib, eval): (HostTensor, HostTensor)
        if which == "magika" {
            (calib, eval) = (try f.magikaFeatures(count: 32, offset: 0), try f.magikaFeatures(count: 64, offset: 6))
        } else {
            let all = try f.ocrInputs(count: 32)
            let v = all.floats(), half = v.count / 2
            (calib, eval) = (HostTensor(Array(v[..<half]), shape: [16, 3, 48, 192]), HostTensor(Array(v[half...]), shape: [16, 3, 48, 192]))
        }
        let fp32 = try CompressionFixture.engine(model.graph, input, eval, opset: opset)
        var results: [Double] = []
        var corrected = 0
        for bc in [false, true] {
            let (q, r) = try StaticQuantizer.quantize(model.graph, calibration: [[input: calib]], perChannel: perChannel, opset: opset, biasCorrection: bc)
            if bc { corrected = r.biasCorrected.count }
            let out = try CompressionFixture.engine(q, input, eval, opset: opset)
            results.append(ErrorMetrics.sqnr(reference: fp32, test: out))
            // PP-OCR cls is opset 11: per-axis DequantizeLinear needs opset 13, so onnxruntime rejects the
            // per-channel file (a limit of the static QDQ export at the model's own opset, not of the correction).
            if bc && !(perChannel && opset < 13) {
                var m = model
                m.graph = q
                let ort = try f.ortCheck(original: path, test: m, x: eval, engineOut: out, tag: "bc")
                #expect(ort.engineVsOrt > 25, "engine vs onnxruntime on the bias-corrected QDQ model: \(ort.engineVsOrt) dB")
                print("\(which) static int8 \(perChannel ? "per-channel" : "per-tensor") MinMax: SQNR without bias correction \(results[0]) dB, "
                      + "with \(results[1]) dB (\(corrected) layers corrected; onnxruntime on the corrected file \(ort.sqnr) dB)")
            } else if bc {
                print("\(which) static int8 per-channel MinMax: SQNR without bias correction \(results[0]) dB, with \(results[1]) dB (\(corrected) layers corrected; engine only)")
            }
        }
        #expect(corrected > 0)
        let finite = results.allSatisfy { $0.isFinite }
        #expect(finite)
    }
}
