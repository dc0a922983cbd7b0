import Foundation
import EdgeTestSupport
import Testing
@testable import EdgeOptimize

/// float16 / bfloat16 rounding: identical to numpy's `astype(float16)` and gguf-py's BF16 quantizer.
@Suite struct HalfPrecisionTests {
    @Test func handWorkedEdges() {
        // 1.0 = 0x3C00; 65504 is the largest half; 65520 is halfway to 2^16 and rounds (to even) to ∞;
        // 2^-24 is the smallest subnormal (0x0001); 2^-25 is a tie between 0 and it → 0 (even);
        // 1 + 2^-11 is halfway between 1 and 1 + 2^-10 → 1 (even); 1 + 3·2^-11 → 1 + 2^-9 (0x3C02).
        #expect(HalfPrecision.float16Bits(1) == 0x3C00)
        #expect(HalfPrecision.float16Bits(65504) == 0x7BFF)
        #expect(HalfPrecision.float16Bits(65520) == 0x7C00)
        #expect(HalfPrecision.float16Bits(-65519.99) == 0xFBFF)
        #expect(HalfPrecision.float16Bits(Float(sign: .plus, exponent: -24, significand: 1)) == 0x0001)
        #expect(HalfPrecision.float16Bits(Float(sign: .plus, exponent: -25, significand: 1)) == 0x0000)
        #expect(HalfPrecision.float16Bits(1 + Float(sign: .plus, exponent: -11, significand: 1)) == 0x3C00)
        #expect(HalfPrecision.float16Bits(1 + 3 * Float(sign: .plus, exponent: -11, significand: 1)) == 0x3C02)
        #expect(HalfPrecision.float16Bits(-0.0) == 0x8000)
        #expect(HalfPrecision.float16Bits(.infinity) == 0x7C00)
        #expect(HalfPrecision.float16Bits(.nan) & 0x7E00 == 0x7E00)
        // bfloat16: 1 + 2^-8 is halfway between 1 (0x3F80) and 1 + 2^-7 → even: 0x3F80; 1 + 3·2^-8 → 0x3F82.
        #expect(HalfPrecision.bfloat16Bits(1 + Float(sign: .plus, exponent: -8, significand: 1)) == 0x3F80)
        #expect(HalfPrecision.bfloat16Bits(1 + 3 * Float(sign: .plus, exponent: -8, significand: 1)) == 0x3F82)
    }

    @Test func matchesNumpyAndGGUFOnManyValues() throws {
        let ref = try QuantReference()
        defer { ref.remove() }
        var rng = SeededRNG(seed: 3)
        var x: [Float] = []
        for _ in 0..<20_000 {
            // Random bit patterns over every exponent, finite only.
            let bits = UInt32(truncatingIfNeeded: rng.next())
            let f = Float(bitPattern: bits)
            if f.isFinite { x.append(f) }
        }
        // Every half subnormal and its midpoints, and values around the overflow threshold.
        for k in 0..<2048 { x.append(Float(k) * Float(sign: .plus, exponent: -25, significand: 1)) }
        x += [65504, 65505, 65519, 65520, 65536, 1e-8, 6.1e-5, 6.097e-5]
        let input = try ref.write(x, "x.f32")
        try ref.run("half", input, ref.path("h.bin"), ref.path("bf.bin"))
        let h = try ref.bytes("h.bin"), bf = try ref.bytes("bf.bin")
        #expect(HalfPrecision.float16Bytes(x) == h)
        #expect(HalfPrecision.bfloat16Bytes(x) == bf)
    }
}

