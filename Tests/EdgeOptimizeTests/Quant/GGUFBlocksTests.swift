import Foundation
import EdgeIR
import Testing
@testable import EdgeOptimize

/// Block formats: bytes identical to the references (gguf-py for Q8_0/Q4_0/Q4_1, ggml's C reference
/// quantizers for Q4_K/Q6_K), decoding identical to gguf-py's dequantizer.
@Suite struct GGUFBlocksTests {
    @Test func q8_0HandWorkedBlock() throws {
        // absmax 127 → d = 127/127 = 1.0 = fp16 0x3C00; q = round(x · 1) → 127, −127 (0x81), 2, 0 …;
        // 2.5 rounds half away from zero to 3.
        var x = [Float](repeating: 0, count: 32)
        x[0] = 127; x[1] = -127; x[2] = 2; x[3] = 2.5
        let b = try GGUFBlocks.quantize(x, as: .q8_0)
        #expect(b.count == 34)
        #expect(Array(b[0..<6]) == [0x00, 0x3C, 127, 0x81, 2, 3])
        #expect(try GGUFBlocks.dequantize(b, as: .q8_0, count: 32)[0..<4] == [127, -127, 2, 3])
    }

    @Test func q4_0HandWorkedBlock() throws {
        // Largest magnitude −8 → d = −8/−8 = 1; q = trunc(x · 1 + 8.5): −8 → 0, 7 → 15, 0 → 8, 1.4 → 9.
        // Byte 0 packs element 0 (low nibble) and element 16 (high nibble).
        var x = [Float](repeating: 0, count: 32)
        x[0] = -8; x[16] = 7; x[1] = 1.4
        let b = try GGUFBlocks.quantize(x, as: .q4_0)
        #expect(Array(b[0..<4]) == [0x00, 0x3C, 0xF0, 0x89])
    }

    @Test(arguments: [DType.q8_0, .q4_0, .q4_1])
    func legacyFormatsMatchGGUFPy(_ type: DType) throws {
        let ref = try QuantReference()
        defer { ref.remove() }
        let x = QuantData.adversarial(blocks: 36, blockSize: 32, seed: 7) + QuantData.gaussianish(32 * 64, seed: 8)
        let input = try ref.write(x, "x.f32")
        try ref.run("gguf-quantize", type.rawValue, input, ref.path("ref.bin"))
        let expected = try ref.bytes("ref.bin")
        let ours = try GGUFBlocks.quantize(x, as: type)
        #expect(ours.count == expected.count)
        let firstDiff = zip(ours, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(firstDiff == nil, "\(type) first differing byte \(firstDiff ?? -1) (block \((firstDiff ?? 0) / type.bytesPerBlock))")
        try expectDequantizeMatches(ref, ours, type, count: x.count, row: 32)
    }

    @Test(arguments: [DType.q4_K, .q6_K])
    func kQuantsMatchGGMLReference(_ type: DType) throws {
        let ref = try QuantReference()
        defer { ref.remove() }
        let x = QuantData.adversarial(blocks: 18, blockSize: 256, seed: 11) + QuantData.gaussianish(256 * 24, seed: 12)
        let input = try ref.write(x, "x.f32")
        try ref.run("ggml-quantize", type.rawValue, input, ref.path("ref.bin"))
        let expected = try ref.bytes("ref.bin")
        let ours = try GGUFBlocks.quantize(x, as: type)
        #expect(ours.count == expected.count)
        let firstDiff = zip(ours, expected).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(firstDiff == nil, "\(type) first differing byte \(firstDiff ?? -1) (block \((firstDiff ?? 0) / type.bytesPerBlock))")
        // The round trip through gguf-py's dequantizer gives our decoder's values exactly.
        try expectDequantizeMatches(ref, ours, type, count: x.count, row: 256)
    }

    func expectDequantizeMatches(_ ref: QuantReference, _ bytes: [UInt8], _ type: DType, count: Int, row: Int,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        let q = ref.path("q.bin")
        try Data(bytes).write(to: URL(fileURLWithPath: q))
        try ref.run("dequantize", type.rawValue, q, ref.path("deq.f32"), String(row))
        let expected = try ref.floats("deq.f32")
        let ours = try GGUFBlocks.dequantize(bytes, as: type, count: count)
        let mismatch = zip(ours, expected).enumerated().first { $0.element.0.bitPattern != $0.element.1.bitPattern }
        #expect(mismatch == nil, "\(type) dequantized value \(mismatch?.offset ?? -1): \(mismatch?.element.0 ?? 0) vs \(mismatch?.element.1 ?? 0)",
                sourceLocation: sourceLocation)
    }

    @Test func rejectsWhatAFormatCannotHold() {
        #expect(throws: OptimizeError.self) { try GGUFBlocks.quantize([Float](repeating: 1, count: 100), as: .q4_K) }
        #expect(throws: OptimizeError.self) { try GGUFBlocks.quantize([Float](repeating: 1, count: 32), as: .q5_0) }
        #expect(throws: OptimizeError.self) { try GGUFBlocks.quantize([Float](repeating: .nan, count: 32), as: .q8_0) }
        #expect(throws: OptimizeError.self) { try GGUFBlocks.dequantize([UInt8](repeating: 0, count: 33), as: .q8_0, count: 32) }
    }
}
