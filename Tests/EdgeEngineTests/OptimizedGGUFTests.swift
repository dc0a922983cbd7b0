import CEdgeKernels
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeEngine

/// GGUF block dot products against the `gguf` Python package's dequantization, computed at test time.
///
/// Weight rows are random bytes with sane fp16 scales (every bit pattern of the quantized values is a
/// valid block); the activation row is quantized by the kernel library and dequantized here from its
/// documented layout. Expected: Σ dequant(W)·dequant(x) in float64; the fused kernels may differ only
/// by float rounding (and for Q4_1 by the fp16 rounding of the stored s = d·Σq).
@Suite struct OptimizedGGUFTests {
    static let types: [(name: String, id: Int32)] = [("Q4_0", 2), ("Q4_1", 3), ("Q8_0", 8), ("Q4_K", 12), ("Q6_K", 14)]
    static let isas = KernelISA.supported.filter { $0 == .portable || $0 == .avx2 }

    static let dequantizeScript = """
        import json, sys, numpy as np
        from gguf import quants, GGMLQuantizationType as T
        d = json.load(sys.stdin)
        w = np.frombuffer(bytes(d["w"]), dtype=np.uint8)
        print(json.dumps(quants.dequantize(w, T(d["type"])).astype(np.float64).reshape(-1).tolist()))
        """

    /// Random blocks with small positive fp16 scales at the format's scale offsets.
    static func blocks(_ type: Int32, values n: Int, _ rng: inout SeededRNG) -> [UInt8] {
        let bb = Int(ck_gguf_block_bytes(type)), bv = Int(ck_gguf_block_values(type))
        var w = (0..<(n / bv * bb)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        for b in 0..<(n / bv) {
            let d = ck_fp32_to_fp16(0.002 + Float(rng.next() % 100) * 1e-4), m = ck_fp32_to_fp16(-0.01 + Float(rng.next() % 100) * 2e-4)
            func put(_ h: UInt16, _ at: Int) { w[b * bb + at] = UInt8(h & 0xFF); w[b * bb + at + 1] = UInt8(h >> 8) }
            switch type {
            case 14: put(d, 208)
            case 3, 12: put(d, 0); put(m, 2)
            default: put(d, 0)
            }
        }
        return w
    }

    /// The activation row as the kernel quantized it, dequantized from its documented layout.
    static func dequantizedActivation(_ type: Int32, _ act: [UInt8], n: Int) -> [Double] {
        var out: [Double] = []
        func half(_ i: Int) -> Double { Double(ck_fp16_to_fp32(UInt16(act[i]) | UInt16(act[i + 1]) << 8)) }
        switch type {
        case 12, 14:  // {float d; int8 q[256]; int16 bsums[16]}
            for b in 0..<(n / 256) {
                let base = b * 292
                let d = Double(Float(bitPattern: UInt32(act[base]) | UInt32(act[base + 1]) << 8 | UInt32(act[base + 2]) << 16 | UInt32(act[base + 3]) << 24))
                for i in 0..<256 { out.append(d * Double(Int8(bitPattern: act[base + 4 + i]))) }
            }
        default:  // {fp16 d; [fp16 s;] int8 q[32]}
            let size = type == 3 ? 36 : 34, off = type == 3 ? 4 : 2
            for b in 0..<(n / 32) {
                let d = half(b * size)
                for i in 0..<32 { out.append(d * Double(Int8(bitPattern: act[b * size + off + i]))) }
            }
        }
        return out
    }

    @Test(arguments: isas) func dotAgainstGGUFPackage(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 41)
        for (name, type) in Self.types {
            let n = 512, rows = 3
            let bytesPerRow = n / Int(ck_gguf_block_values(type)) * Int(ck_gguf_block_bytes(type))
            var w: [UInt8] = []
            for _ in 0..<rows { w += Self.blocks(type, values: n, &rng) }
            let x = (0..<n).map { _ in rng.float(-2, 2) }
            var act = [UInt8](repeating: 0, count: ck_gguf_act_size(type, Int32(n)))
            ck_gguf_quantize_act(type, x, Int32(n), &act)
            let deq = try #require(try Python.run(Self.dequantizeScript, input: ["w": w.map(Int.init), "type": Int(type)]) as? [Double])
            let xa = Self.dequantizedActivation(type, act, n: n)
            var y = [Float](repeating: -7.25e30, count: rows)
            ck_gguf_matvec(isa.level, type, Int32(n), Int32(rows), w, bytesPerRow, act, &y)
            for r in 0..<rows {
                var want = 0.0, magnitude = 0.0
                for i in 0..<n { want += deq[r * n + i] * xa[i]; magnitude += abs(deq[r * n + i] * xa[i]) }
                let err = abs(Double(y[r]) - want)
                #expect(err <= 1e-3 * magnitude + 1e-6, "isa \(isa) \(name) row \(r): got \(y[r]), expected \(want) (Σ|terms| \(magnitude))")
            }
            // Our dequantization agrees with the package's (float rounding only).
            var mine = [Float](repeating: 0, count: n)
            ck_gguf_dequantize_row(type, Int32(n), w, &mine)
            let worst = (0..<n).map { abs(Double(mine[$0]) - deq[$0]) / max(1e-3, abs(deq[$0])) }.max() ?? 0
            #expect(worst <= 1e-5, "\(name) dequantize differs from gguf by \(worst) (relative)")
        }
    }

    /// BlockMatrix's two-thread split (rows in two contiguous halves, the first rounded up to 16 rows) gives
    /// the one-thread result bit for bit, for every block type, fused and float32: each row's dot product is
    /// the same code on the same bytes. 200 rows split 112 + 88; y starts as a sentinel, so a row that
    /// neither half wrote, or one written from the wrong weights, shows. 100 rows stay on one thread
    /// (rows / 64 < 2) and must give the same too.
    @Test(arguments: isas) func blockMatrixTwoThreadsMatchOne(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 43)
        let n = 256
        let x = (0..<n).map { _ in rng.float(-2, 2) }
        for rows in [200, 100] {
            var cases: [(String, DType, [UInt8])] = []
            for (name, id) in Self.types {
                var w: [UInt8] = []
                for _ in 0..<rows { w += Self.blocks(id, values: n, &rng) }
                cases.append((name, try #require(DType(ggmlTypeID: UInt32(id))), w))
            }
            let floats = (0..<rows * n).map { _ in rng.float(-1, 1) }
            cases.append(("F32", .float32, floats.withUnsafeBytes { Array($0) }))
            for (name, type, w) in cases {
                let ys: [[Float]] = try w.withUnsafeBytes { bytes in
                    let m = try BlockMatrix(name: name, type: type, rows: rows, cols: n, bytes: bytes)
                    let scratch = UnsafeMutableRawPointer.allocate(byteCount: max(m.scratchBytes, 1), alignment: 64)
                    defer { scratch.deallocate() }
                    var ys: [[Float]] = []
                    for threads in [1, 2] {
                        var y = [Float](repeating: .nan, count: rows)
                        x.withUnsafeBufferPointer { xp in
                            y.withUnsafeMutableBufferPointer { yp in
                                m.multiply(xp.baseAddress!, into: yp.baseAddress!, arithmetic: .fused, scratch: scratch, isa: isa,
                                           threads: threads)
                            }
                        }
                        ys.append(y)
                    }
                    return ys
                }
                let finite = ys[0].allSatisfy { $0.isFinite }
                let differs = (0..<rows).first { ys[0][$0].bitPattern != ys[1][$0].bitPattern }
                #expect(finite, "\(name) rows \(rows): a row left unwritten")
                #expect(differs == nil, "\(name) rows \(rows) isa \(isa): row \(differs ?? -1) differs with two threads")
            }
        }
    }

    /// fp16 conversions on values worked out by hand (IEEE 754 binary16).
    @Test func halfConversions() {
        #expect(ck_fp32_to_fp16(1.0) == 0x3C00)           // exponent 15, mantissa 0
        #expect(ck_fp32_to_fp16(-2.0) == 0xC000)
        #expect(ck_fp32_to_fp16(65504) == 0x7BFF)         // largest finite
        #expect(ck_fp32_to_fp16(65520) == 0x7C00)         // rounds to +inf
        #expect(ck_fp32_to_fp16(5.960464477539063e-8) == 0x0001)  // 2^-24, smallest subnormal
        #expect(ck_fp32_to_fp16(1.0 + 1.0 / 2048) == 0x3C00)      // tie → even (mantissa 0)
        #expect(ck_fp32_to_fp16(1.0 + 3.0 / 2048) == 0x3C02)      // tie → even (mantissa 2)
        #expect(ck_fp16_to_fp32(0x3555) == 0.333251953125)        // 1 + 341/1024 times 2^-2
        #expect(ck_fp16_to_fp32(0x0200) == 3.0517578125e-5)       // subnormal 512 · 2^-24
    }

    /// Group-wise int4 against dequantize-then-dot done here (value = scale·(q − zero)).
    @Test(arguments: isas) func int4Groups(isa: KernelISA) {
        var rng = SeededRNG(seed: 42)
        for (n, group) in [(96, 32), (100, 64), (130, 128)] {
            let q = (0..<((n + 1) / 2)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            let groups = (n + group - 1) / group
            let scales = (0..<groups).map { _ in rng.float(0.01, 0.1) }
            let zeros = (0..<groups).map { _ in UInt8(rng.next() % 16) }
            let x = (0..<n).map { _ in rng.float() }
            for useZeros in [false, true] {
                var want = 0.0
                for i in 0..<n {
                    let nib = Double((q[i / 2] >> (UInt8(i % 2) * 4)) & 0xF)
                    let z = useZeros ? Double(zeros[i / group]) : 8
                    want += Double(scales[i / group]) * (nib - z) * Double(x[i])
                }
                let got = useZeros ? ck_int4g_dot(isa.level, Int32(n), Int32(group), q, scales, zeros, x)
                    : ck_int4g_dot(isa.level, Int32(n), Int32(group), q, scales, nil, x)
                #expect(abs(Double(got) - want) <= 1e-4 * Double(n), "isa \(isa) n \(n) group \(group) zeros \(useZeros): \(got) vs \(want)")
            }
        }
    }
}
