import CEdgeKernels
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// The int8 GEMM (exact int32 results on every ISA this CPU runs) and the requantization epilogue
/// (TFLite's MultiplyByQuantizedMultiplier, checked on values worked out by hand from gemmlowp's
/// definitions and against an Int64 transcription of the formula written here).
@Suite struct OptimizedIntegerTests {
    static let isas = KernelISA.supported.filter { $0 != .avx512 }  // avx512 without VNNI runs the AVX2 / AVX-VNNI int8 kernel

    static func tile(_ isa: KernelISA) -> (mr: Int, nr: Int) {
        var mr: Int32 = 0, nr: Int32 = 0
        ck_qgemm_tile(isa.level, &mr, &nr)
        return (Int(mr), Int(nr))
    }

    /// C = A·B over the full int8 range (−128 included), int8 and uint8 (XOR 0x80) A, ragged shapes.
    @Test(arguments: isas) func exactProducts(isa: KernelISA) throws {
        let (mr, nr) = Self.tile(isa)
        var rng = SeededRNG(seed: 31)
        for k in Array(1...8) + Array(118...122) {
            for (m, n) in [(mr + 1, nr + 3), (1, 1), (2 * mr - 1, 2 * nr + 1)] {
                for axor: UInt8 in [0, 0x80] {
                    let a = (0..<(m * k)).map { _ in Int8(truncatingIfNeeded: rng.next()) }
                    let b = (0..<(k * n)).map { _ in Int8(truncatingIfNeeded: rng.next()) }
                    let packed = AlignedBytes(count: ck_qgemm_packed_b_size(isa.level, Int32(k), Int32(n)))
                    var sums = [Int32](repeating: 0, count: n)
                    ck_qgemm_pack_b(isa.level, Int32(k), Int32(n), b, n, 1, packed.pointer, &sums)
                    let ws = AlignedBytes(count: ck_qgemm_workspace_size(isa.level, Int32(k)))
                    var c = [Int32](repeating: Int32.min + 7, count: m * n)  // sentinel
                    ck_qgemm(isa.level, Int32(m), Int32(n), Int32(k), a, k, axor, packed.pointer, &c, n, ws.pointer)
                    var bad: String?
                    for i in 0..<m where bad == nil {
                        for j in 0..<n {
                            var s: Int32 = 0
                            for p in 0..<k { s += Int32(Int8(bitPattern: UInt8(bitPattern: a[i * k + p]) ^ axor)) * Int32(b[p * n + j]) }
                            if c[i * n + j] != s { bad = "C[\(i)][\(j)] = \(c[i * n + j]), expected \(s)"; break }
                        }
                    }
                    let colOK = (0..<n).allSatisfy { j in sums[j] == (0..<k).reduce(Int32(0)) { $0 + Int32(b[$1 * n + j]) } }
                    #expect(bad == nil && colOK, "isa \(isa) m \(m) n \(n) k \(k) xor \(axor): \(bad ?? "column sums differ")")
                }
            }
        }
    }

    /// MultiplyByQuantizedMultiplier on hand-worked values (multiplier M/2^31, gemmlowp rounding).
    @Test func multiplyByQuantizedMultiplier() {
        let half: Int32 = 1 << 30  // 0.5
        // 1000·2^30 = 1073741824000; + 2^30 nudge = 1074815565824; / 2^31 = 500.5 → truncates to 500.
        #expect(ck_multiply_by_quantized_multiplier(1000, half, 0) == 500)
        // 3·2^30 + 2^30 = 2^32; / 2^31 = 2: 1.5 rounds up.
        #expect(ck_multiply_by_quantized_multiplier(3, half, 0) == 2)
        // −3·2^30 + (1 − 2^30) = −4294967295; / 2^31 = −1.9999999995 → truncates to −1 (gemmlowp's negative-half quirk).
        #expect(ck_multiply_by_quantized_multiplier(-3, half, 0) == -1)
        // M ≈ 1 (2^31 − 1), shift −1: SRDHM(5) = (5·(2^31 − 1) + 2^30) / 2^31 = 5.4999… → 5; 5 / 2 = 2.5 → 3 (away from 0).
        #expect(ck_multiply_by_quantized_multiplier(5, Int32.max, -1) == 3)
        // −5: (−10737418235 + 1 − 2^30) / 2^31 = −5.4999… → −5; −5 / 2: remainder 1 is not above threshold 1 → −5 >> 1 = −3.
        #expect(ck_multiply_by_quantized_multiplier(-5, Int32.max, -1) == -3)
        // shift +2: 100·4 = 400, · 0.5 = 200.
        #expect(ck_multiply_by_quantized_multiplier(100, half, 2) == 200)
        // The one overflowing case saturates: INT32_MIN · INT32_MIN → INT32_MAX.
        #expect(ck_multiply_by_quantized_multiplier(Int32.min, Int32.min, 0) == Int32.max)
        // 1 · 0.75 (M = 3·2^29) with shift −3: SRDHM = (3·2^29 + 2^30)/2^31 = 1.25 → 1; 1/8 = 0.125 → 0.
        #expect(ck_multiply_by_quantized_multiplier(1, 3 << 29, -3) == 0)
    }

    /// gemmlowp's definitions transcribed with Int64 arithmetic (independent of the C code).
    static func mbqm(_ x: Int32, _ m: Int32, _ shift: Int32) -> Int32 {
        let left = max(shift, 0), right = max(-shift, 0)
        let a = Int64(Int32(truncatingIfNeeded: Int64(x) << Int64(left)))
        if a == Int64(Int32.min) && m == Int32.min { return Int32.max }
        let ab = a * Int64(m)
        let nudge: Int64 = ab >= 0 ? 1 << 30 : 1 - (1 << 30)
        let high = Int32((ab + nudge) / (1 << 31))  // Swift's / truncates toward zero, like C's
        let mask = Int32((Int64(1) << Int64(right)) - 1)
        let remainder = high & mask
        let threshold = (mask >> 1) + (high < 0 ? 1 : 0)
        return (high >> right) + (remainder > threshold ? 1 : 0)
    }

    /// The full epilogue: bias, both zero points, per-channel multipliers and shifts, clamping, int8 and uint8 output.
    @Test func requantizePerChannel() {
        var rng = SeededRNG(seed: 32)
        let (m, n, k) = (5, 7, 19)
        let acc = (0..<(m * n)).map { _ in Int32(truncatingIfNeeded: rng.next() % 200_000) - 100_000 }
        let bias = (0..<n).map { _ in Int32(truncatingIfNeeded: rng.next() % 2000) - 1000 }
        let mult = (0..<n).map { _ in Int32(1 << 30) + Int32(truncatingIfNeeded: rng.next() % (1 << 29)) }
        let shift: [Int32] = [-9, -8, -7, -10, -6, -1, 1]
        let colSums = (0..<n).map { _ in Int32(truncatingIfNeeded: rng.next() % 4000) - 2000 }
        let rowSums = (0..<m).map { _ in Int32(truncatingIfNeeded: rng.next() % 4000) - 2000 }
        let bZero: [Int32] = [0, 3, -2, 1, 0, 5, -1]
        for unsigned in [false, true] {
            let (zOut, lo, hi): (Int32, Int32, Int32) = unsigned ? (128, 0, 255) : (-3, -128, 100)
            var out = [UInt8](repeating: 0xEE, count: m * n)
            bias.withUnsafeBufferPointer { bp in mult.withUnsafeBufferPointer { mp in shift.withUnsafeBufferPointer { sp in
                colSums.withUnsafeBufferPointer { cp in bZero.withUnsafeBufferPointer { zp in
                    var p = ck_requant_params(k: Int32(k), bias: bp.baseAddress, multiplier: mp.baseAddress, shift: sp.baseAddress,
                                              quant_per_channel: 1, a_zero: 4, col_sums: cp.baseAddress, b_zero: zp.baseAddress,
                                              b_zero_per_channel: 1, out_zero: zOut, act_min: lo, act_max: hi,
                                              out_unsigned: unsigned ? 1 : 0)
                    ck_requantize(KernelISA.selected.level, Int32(m), Int32(n), acc, n, rowSums, &p, &out, n)
                }}
            }}}
            for i in 0..<m {
                for j in 0..<n {
                    let v = Int64(acc[i * n + j]) + Int64(bias[j]) - 4 * Int64(colSums[j]) - Int64(bZero[j]) * Int64(rowSums[i])
                        + Int64(k) * 4 * Int64(bZero[j])
                    let r = min(max(Self.mbqm(Int32(v), mult[j], shift[j]) + zOut, lo), hi)
                    let got = unsigned ? Int32(out[i * n + j]) : Int32(Int8(bitPattern: out[i * n + j]))
                    #expect(got == r, "unsigned \(unsigned) [\(i)][\(j)]: got \(got), expected \(r)")
                }
            }
        }
    }
}
