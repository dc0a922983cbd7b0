import EdgeIR
import Testing
@testable import EdgeOptimize

/// Magnitude and N:M pruning on tiny graphs whose results are worked out by hand.
@Suite struct MagnitudePrunerTests {
    /// x[1,8] → Gemm(w, transB) → y; w is [2,8] with transB = 1 (K = 8 on axis 1), or [8,2] without.
    func gemm(_ w: [Float], transB: Bool = true, k: Int = 8) throws -> Graph {
        var b = GraphBuilder(name: "g")
        let x = b.input("x", .float32, Shape([1, k]))
        let shape = transB ? Shape([2, k]) : Shape([k, 2])
        let y = try b.apply(.gemm, [x, b.weight("w", .float32, shape)], transB ? ["transB": .int(1)] : [:], name: "fc")
        b.output(y)
        var g = try b.finish()
        g.setConstant(.float32("w", w, shape: shape))
        return g
    }

    func weights(_ g: Graph, _ name: String = "w") -> [Float] {
        g.constants[name]!.storage.withBytes { raw in
            (0..<(raw.count / 4)).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) }
        }
    }

    static let w: [Float] = [0.5, -0.1, 0.3, -0.7, 0.2, 0.05, -0.4, 0.6,
                             -0.9, 0.15, 0.25, -0.35, 0.8, -0.05, 0.45, 0.1]

    @Test func unstructuredZeroesTheSmallestMagnitudes() throws {
        let g = try gemm(Self.w)
        let (p, r) = try MagnitudePruner.prune(g, sparsity: 0.5)
        // floor(0.5 × 16) = 8 smallest |w|: 0.05 (i5), 0.05 (i13), 0.1 (i1), 0.1 (i15), 0.15 (i9),
        // 0.2 (i4), 0.25 (i10), 0.3 (i2). Kept: 0.5, −0.7, −0.4, 0.6, −0.9, −0.35, 0.8, 0.45.
        #expect(weights(p) == [0.5, 0, 0, -0.7, 0, 0, -0.4, 0.6, -0.9, 0, 0, -0.35, 0.8, 0, 0.45, 0])
        #expect(r.zeros == 8 && r.elements == 16 && r.sparsity == 0.5)
        #expect(weights(g) == Self.w, "the input graph is untouched")
        // 0.3 × 16 = 4.8 → 4 zeroed: the two 0.05s and the two 0.1s.
        let (p3, r3) = try MagnitudePruner.prune(g, sparsity: 0.3)
        #expect(weights(p3) == [0.5, 0, 0.3, -0.7, 0.2, 0, -0.4, 0.6, -0.9, 0.15, 0.25, -0.35, 0.8, 0, 0.45, 0])
        #expect(r3.zeros == 4)
        // Sparsity 0 changes nothing.
        #expect(weights(try MagnitudePruner.prune(g, sparsity: 0).0) == Self.w)
    }

    @Test func globalScopeUsesOneThreshold() throws {
        // Two Gemms: w1 = [1, 2, 3, 4] ([1,4] transB), w2 = [0.1, 0.2, 5, 6]. Global 50 %: the 4 smallest of all
        // 8 are 0.1, 0.2, 1, 2 → w1 = [0, 0, 3, 4], w2 = [0, 0, 5, 6]. Per layer it would keep 3, 4 and 5, 6 too,
        // so take 25 %: global zeroes 0.1, 0.2 (w1 untouched); per layer zeroes one of each (1 and 0.1).
        var b = GraphBuilder(name: "two")
        let x = b.input("x", .float32, Shape([1, 4]))
        var y = try b.apply(.gemm, [x, b.weight("w1", .float32, Shape([1, 4]))], ["transB": .int(1)], name: "a")
        y = try b.apply(.gemm, [x, b.weight("w2", .float32, Shape([1, 4]))], ["transB": .int(1)], name: "b")
        b.output(y)
        var g = try b.finish()
        g.setConstant(.float32("w1", [1, 2, 3, 4], shape: Shape([1, 4])))
        g.setConstant(.float32("w2", [0.1, 0.2, 5, 6], shape: Shape([1, 4])))
        let (pg, _) = try MagnitudePruner.prune(g, sparsity: 0.25, global: true)
        #expect(weights(pg, "w1") == [1, 2, 3, 4] && weights(pg, "w2") == [0, 0, 5, 6])
        let (pl, _) = try MagnitudePruner.prune(g, sparsity: 0.25)
        #expect(weights(pl, "w1") == [0, 2, 3, 4] && weights(pl, "w2") == [0, 0.2, 5, 6])
    }

    @Test func twoFourKeepsTheTwoLargestOfEveryFourAlongK() throws {
        // transB = 1: rows of w are output features, groups of 4 run along each row (K).
        // Row 0 groups: [0.5, −0.1, 0.3, −0.7] keep 0.5, −0.7; [0.2, 0.05, −0.4, 0.6] keep −0.4, 0.6.
        // Row 1: [−0.9, 0.15, 0.25, −0.35] keep −0.9, −0.35; [0.8, −0.05, 0.45, 0.1] keep 0.8, 0.45.
        let (p, r) = try MagnitudePruner.pruneNM(try gemm(Self.w), n: 2, m: 4)
        #expect(weights(p) == [0.5, 0, 0, -0.7, 0, 0, -0.4, 0.6, -0.9, 0, 0, -0.35, 0.8, 0, 0.45, 0])
        #expect(r.sparsity == 0.5)
        // Without transB, w is [K=8, N=2]: groups run down each column (stride 2). Column 0 is w[0,2,4,…,14]
        // = [0.5, 0.3, 0.2, −0.4 | −0.9, 0.25, 0.8, 0.45] → keep 0.5, −0.4 | −0.9, 0.8;
        // column 1 = [−0.1, −0.7, 0.05, 0.6 | 0.15, −0.35, −0.05, 0.1] → keep −0.7, 0.6 | 0.15, −0.35.
        let (q, _) = try MagnitudePruner.pruneNM(try gemm(Self.w, transB: false), n: 2, m: 4)
        #expect(weights(q) == [0.5, 0, 0, -0.7, 0, 0, -0.4, 0.6, -0.9, 0.15, 0, -0.35, 0.8, 0, 0, 0])
        // Ties: [1, 1, 1, 1] keeps the first two.
        let (t, _) = try MagnitudePruner.pruneNM(try gemm([Float](repeating: 1, count: 16)), n: 2, m: 4)
        #expect(weights(t) == [1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0])
    }

    @Test func badSettingsFailBeforeAnyWork() throws {
        let g = try gemm(Self.w)
        for s in [1.0, -0.1, 1.5, .nan] {
            #expect(throws: OptimizeError.self) { try MagnitudePruner.prune(g, sparsity: s) }
        }
        #expect(throws: OptimizeError.self) { try MagnitudePruner.pruneNM(g, n: 4, m: 4) }
        #expect(throws: OptimizeError.self) { try MagnitudePruner.pruneNM(g, n: 0, m: 4) }
        // K = 6 is not a multiple of 4.
        let six = try gemm(Array(Self.w.prefix(12)), k: 6)
        do {
            _ = try MagnitudePruner.pruneNM(six, n: 2, m: 4)
            Issue.record("2:4 accepted K = 6")
        } catch let e as OptimizeError {
            #expect(e.description.contains("tensor 'w'") && e.description.contains("size 6") && e.description.contains("multiple of 4"), "\(e)")
        }
    }
}
