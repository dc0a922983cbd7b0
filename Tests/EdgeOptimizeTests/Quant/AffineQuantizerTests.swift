import EdgeIR
import Testing
@testable import EdgeOptimize

/// int8 weights per tensor and per channel: parameters and codes identical to onnxruntime's
/// `compute_scale_zp` + `quantize_nparray` (what `quantize_static` puts in a QDQ model).
@Suite struct AffineQuantizerTests {
    @Test func handWorkedPerChannelSymmetric() throws {
        // Row 0: absmax 2 → scale 2·2/254 = 0.015748…; 1 / 0.015748 = 63.5 → ties to even 64; −2 → −127.
        // Row 1: absmax 0.5 → scale 1/254; 0.25 / (1/254) = 63.5 → 64; 0 → 0.
        let w: [Float] = [2, 1, -2, 0.5, 0.25, 0]
        let q = try AffineQuantizer.quantize(w, shape: [2, 3], axis: 0, format: .int8Symmetric, symmetric: true)
        #expect(q.parameters.map(\.zeroPoint) == [0, 0])
        #expect(q.parameters[0].scale == Float(4.0 / 254.0))
        #expect((0..<6).map { q.code($0) } == [127, 64, -127, 127, 64, 0])
        guard case .perAxis(let axis, let scales, _) = q.quantization else { Issue.record("not per-axis"); return }
        #expect(axis == 0 && scales.count == 2)
    }

    @Test func handWorkedAsymmetricUInt8() throws {
        // [0, 1, 3]: range [0, 3] → scale 3/255; zp = round(0 − 0/scale) = 0; 1/(3/255) = 85 → 85; 3 → 255.
        let q = try AffineQuantizer.quantize([0, 1, 3], shape: [3], axis: nil, format: .uint8, symmetric: false)
        #expect(q.parameters == [AffineParameters(scale: Float(3.0 / 255.0), zeroPoint: 0)])
        #expect((0..<3).map { q.code($0) } == [0, 85, 255])
        // [−1, 1]: scale 2/255, zp = round(0 + 1/(2/255)) = round(127.5) = 128 (half to even).
        let r = try AffineQuantizer.quantize([-1, 1], shape: [2], axis: nil, format: .uint8, symmetric: false)
        #expect(r.parameters[0].zeroPoint == 128)
    }

    @Test(arguments: [(-1, true), (0, true), (1, true), (-1, false), (0, false), (1, false)])
    func matchesOnnxRuntime(_ axis: Int, _ symmetric: Bool) throws {
        let ref = try QuantReference()
        defer { ref.remove() }
        let rows = 17, cols = 45
        var w = QuantData.gaussianish(rows * cols, seed: UInt64(40 + axis))
        for c in 0..<cols { w[3 * cols + c] = 0 }                  // an all-zero channel
        for c in 0..<cols { w[5 * cols + c] = abs(w[5 * cols + c]) + 0.1 }  // one-signed channel
        let input = try ref.write(w, "w.f32")
        let json = try ref.run("ort-int8", input, String(rows), String(cols), String(axis), symmetric ? "1" : "0", ref.path("codes.i32"))
        let params = (json["params"] as? [[Any]]) ?? []
        let expectedCodes = try ref.int32s("codes.i32")
        let format: IntegerFormat = symmetric ? .int8Symmetric : .uint8
        let q = try AffineQuantizer.quantize(w, shape: [rows, cols], axis: axis < 0 ? nil : axis, format: format, symmetric: symmetric)
        #expect(q.parameters.count == params.count)
        for (p, e) in zip(q.parameters, params) {
            #expect(p.scale == Float((e[0] as? Double) ?? .nan))
            #expect(Int(p.zeroPoint) == (e[1] as? Int))
        }
        let codes = (0..<w.count).map { q.code($0) }
        let firstDiff = zip(codes, expectedCodes).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstDiff == nil, "code \(firstDiff?.offset ?? -1): \(firstDiff?.element.0 ?? 0) vs onnxruntime \(firstDiff?.element.1 ?? 0)")
    }

    @Test func rejectsBadInput() {
        #expect(throws: OptimizeError.self) { try IntegerFormat(bits: 9, signed: true) }
        #expect(throws: OptimizeError.self) { try IntegerFormat(bits: 1, signed: false) }
        #expect(throws: OptimizeError.self) { try AffineQuantizer.quantize([1, 2, 3], shape: [2, 2], axis: 0, format: .int8, symmetric: true) }
        #expect(throws: OptimizeError.self) { try AffineQuantizer.quantize([1, 2], shape: [2], axis: 1, format: .int8, symmetric: true) }
        #expect(throws: OptimizeError.self) { try AffineQuantizer.quantize([1, .nan], shape: [2], axis: nil, format: .int8, symmetric: true) }
        #expect(throws: OptimizeError.self) { try AffineQuantizer.quantize([1, .infinity], shape: [2], axis: nil, format: .int8, symmetric: true) }
        // The one-pass path (channel axis first): a NaN or infinity in a later channel, after earlier
        // channels were already encoded, in the SIMD body (16 per channel) and in the scalar tail (3).
        for inner in [16, 3] {
            for bad in [Float.nan, -.infinity] {
                var w = [Float](repeating: 0.5, count: 4 * inner)
                w[2 * inner + inner - 1] = bad
                #expect(throws: OptimizeError.self) { try AffineQuantizer.quantize(w, shape: [4, inner], axis: 0, format: .int8Symmetric, symmetric: true) }
            }
        }
    }
}
