import CEdgeKernels
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// ck_lookup_8 at every ISA level this CPU runs (AVX-512 VBMI permutes, AVX2 XOR-telescoped shuffles,
/// portable C) against plain indexing in Swift: lengths around each path's step (64, 32, 8) so that vector
/// bodies, masked or scalar tails and empty inputs are all taken, and sentinel bytes after the output that
/// no path may touch.
@Suite struct ByteLookupTests {
    @Test func everyLevelIndexesTheTable() {
        var rng = SeededRNG(seed: 2611)
        let lengths = [0, 1, 7, 8, 31, 32, 33, 63, 64, 65, 127, 128, 200, 1_000]
        for trial in 0..<4 {
            // A random table, and one whose entries are their own index (a wrong half or row shows as the
            // wrong byte, not only as a different random value).
            let table: [UInt8] = trial == 0 ? (0..<256).map { UInt8($0) } : (0..<256).map { _ in UInt8.random(in: 0...255, using: &rng) }
            for n in lengths {
                let codes = (0..<n).map { _ in UInt8.random(in: 0...255, using: &rng) }
                let expected = codes.map { table[Int($0)] }
                for isa in KernelISA.supported {
                    var out = [UInt8](repeating: 0xA5, count: n + 64)
                    codes.withUnsafeBufferPointer { c in
                        table.withUnsafeBufferPointer { t in
                            out.withUnsafeMutableBufferPointer { o in
                                ck_lookup_8_isa(isa.level, c.baseAddress, n, t.baseAddress, o.baseAddress)
                            }
                        }
                    }
                    #expect(Array(out[..<n]) == expected, "isa \(isa), n \(n), trial \(trial)")
                    #expect(out[n...].allSatisfy { $0 == 0xA5 }, "isa \(isa), n \(n): wrote past the output")
                }
            }
        }
    }
}
