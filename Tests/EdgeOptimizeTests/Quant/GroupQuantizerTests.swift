import Testing
@testable import EdgeOptimize

/// Group-wise int4: codes, scales and zero points identical to onnxruntime's MatMulNBits quantizer.
@Suite struct GroupQuantizerTests {
    @Test func handWorkedSymmetricGroup() throws {
        // Largest magnitude −4 → scale −4 / −8 = 0.5, zp 8; q = round(x / 0.5) + 8:
        // −4 → 0, 1 → 10, 0.25 → round(0.5) = 1 (half away from zero) → 9, 3.6 → 7.2 → 7 → 15.
        var w = [Float](repeating: 0, count: 32)
        w[0] = -4; w[1] = 1; w[2] = 0.25; w[3] = 3.6
        let q = try GroupQuantizer.quantize(w, rows: 1, columns: 32, groupSize: 32, symmetric: true)
        #expect(q.scales == [0.5])
        #expect(q.zeroPoints == [8])
        #expect(Array(q.codes[0..<5]) == [0, 10, 9, 15, 8])
        #expect(q.packedNibbles()[0..<2] == [0xA0, 0xF9])
    }

    @Test(arguments: [(32, true), (64, false), (128, true), (128, false)])
    func matchesOnnxRuntimeMatMulNBits(_ groupSize: Int, _ symmetric: Bool) throws {
        let ref = try QuantReference()
        defer { ref.remove() }
        let rows = 24, cols = 384
        var w = QuantData.gaussianish(rows * cols, seed: UInt64(groupSize))
        for c in 0..<cols { w[2 * cols + c] = 0 }
        for c in 0..<cols { w[4 * cols + c] = abs(w[4 * cols + c]) + 1 }
        let input = try ref.write(w, "w.f32")
        try ref.run("ort-int4", input, String(rows), String(cols), String(groupSize), symmetric ? "1" : "0",
                    ref.path("codes.u8"), ref.path("scales.f32"), ref.path("zp.u8"))
        let q = try GroupQuantizer.quantize(w, rows: rows, columns: cols, groupSize: groupSize, symmetric: symmetric)
        #expect(q.scales == (try ref.floats("scales.f32")))
        #expect(q.zeroPoints == (try ref.bytes("zp.u8")))
        let expected = try ref.bytes("codes.u8")
        let firstDiff = zip(q.codes, expected).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(firstDiff == nil, "code \(firstDiff?.offset ?? -1): \(firstDiff?.element.0 ?? 0) vs onnxruntime \(firstDiff?.element.1 ?? 0)")
    }

    @Test func rejectsBadSettings() {
        let w = [Float](repeating: 1, count: 64)
        #expect(throws: OptimizeError.self) { try GroupQuantizer.quantize(w, rows: 1, columns: 64, groupSize: 48, symmetric: true) }
        #expect(throws: OptimizeError.self) { try GroupQuantizer.quantize(w, rows: 1, columns: 64, bits: 9, groupSize: 32, symmetric: true) }
        #expect(throws: OptimizeError.self) { try GroupQuantizer.quantize(w, rows: 2, columns: 64, groupSize: 32, symmetric: true) }
    }
}
