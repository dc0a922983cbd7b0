import CEdgeKernels
import EdgeIR
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// The packed SGEMM behind Gemm / MatMul / FullyConnected, on every ISA this CPU runs, against the
/// reference kernels on ragged shapes around each ISA's micro-tile (MR×NR) and cache blocks (KC 256,
/// MC 144, NC 768).
@Suite struct OptimizedMatrixTests {
    static let isas = KernelISA.supported.filter { $0 == .portable || $0 == .avx2 || $0 == .avx512 }

    static func tile(_ isa: KernelISA) -> (mr: Int, nr: Int) {
        var mr: Int32 = 0, nr: Int32 = 0
        ck_sgemm_tile(isa.level, &mr, &nr)
        return (Int(mr), Int(nr))
    }

    /// Gemm with constant B (packed once) and run-time B, K ∈ {1…8, 118…122}, M and N one off the tile.
    @Test(arguments: isas) func gemmRaggedShapes(isa: KernelISA) throws {
        let (mr, nr) = Self.tile(isa)
        var rng = SeededRNG(seed: 11)
        let ks = Array(1...8) + Array(118...122)
        for k in ks {
            for (m, n) in [(mr + 1, nr + 3), (1, 1), (2 * mr - 1, 2 * nr + 1)] {
                for constantB in [true, false] {
                    for transB in [false, true] {
                        let a = OptimizedCheck.random([m, k], &rng)
                        let b = OptimizedCheck.random(transB ? [n, k] : [k, n], &rng)
                        let node = Node(name: "g", op: .gemm, inputs: ["a", "b"], outputs: ["y"],
                                        attributes: ["transB": .int(transB ? 1 : 0)])
                        let constant: Set<Int> = constantB ? [1] : []
                        let ctx = OptimizedCheck.context(node, inputs: [a, b], output: [m, n], constant: constant)
                        let kernel = try #require(try OptimizedMatrix.makeGemm(ctx, isa: isa))
                        let got = try OptimizedCheck.run(kernel, [a, b], output: [m, n])
                        let want = try OptimizedCheck.reference(node, [a, b], output: [m, n], constant: constant)
                        let config = "isa \(isa) m \(m) n \(n) k \(k) constantB \(constantB) transB \(transB)"
                        #expect(OptimizedCheck.mismatch(got, want, tol: 1e-5) == nil, "\(config): \(OptimizedCheck.mismatch(got, want, tol: 1e-5) ?? "")")
                    }
                }
            }
        }
    }

    /// Shapes that cross every cache block (K > 256, M > 144, N > 768), transA, alpha, beta and each C form.
    @Test(arguments: isas) func gemmBlocksAndBias(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 12)
        let cases: [(m: Int, n: Int, k: Int, transA: Bool, cShape: [Int]?)] = [
            (150, 37, 300, false, [37]),
            (9, 800, 261, true, [1, 800]),
            (13, 21, 5, false, [13, 1]),
            (13, 21, 5, true, [1]),
            (17, 19, 33, false, [17, 19]),
            (17, 19, 1, false, nil),
        ]
        for c in cases {
            let a = OptimizedCheck.random(c.transA ? [c.k, c.m] : [c.m, c.k], &rng)
            let b = OptimizedCheck.random([c.k, c.n], &rng)
            var inputs: [HostTensor?] = [a, b]
            var names = ["a", "b"]
            if let s = c.cShape { inputs.append(OptimizedCheck.random(s, &rng)); names.append("c") }
            let node = Node(name: "g", op: .gemm, inputs: names, outputs: ["y"],
                            attributes: ["transA": .int(c.transA ? 1 : 0), "alpha": .float(0.75), "beta": .float(-1.5)])
            let constant: Set<Int> = c.cShape == nil ? [1] : [1, 2]
            let ctx = OptimizedCheck.context(node, inputs: inputs, output: [c.m, c.n], constant: constant)
            let kernel = try #require(try OptimizedMatrix.makeGemm(ctx, isa: isa))
            let got = try OptimizedCheck.run(kernel, inputs, output: [c.m, c.n])
            let want = try OptimizedCheck.reference(node, inputs, output: [c.m, c.n], constant: constant)
            let problem = OptimizedCheck.mismatch(got, want, tol: 2e-5)
            #expect(problem == nil, "isa \(isa) \(c): \(problem ?? "")")
        }
    }

    /// Fused activations in the epilogue equal the reference Gemm followed by the reference activation.
    @Test(arguments: isas) func gemmFusedActivations(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 13)
        let (m, n, k) = (Self.tile(isa).mr + 2, Self.tile(isa).nr + 5, 21)
        let a = OptimizedCheck.random([m, k], &rng, -2, 2), b = OptimizedCheck.random([k, n], &rng, -2, 2)
        let bias = OptimizedCheck.random([n], &rng)
        let plain = Node(name: "g", op: .gemm, inputs: ["a", "b", "c"], outputs: ["y"])
        let linear = try OptimizedCheck.reference(plain, [a, b, bias], output: [m, n], constant: [1, 2])
        let unary: [(String, OpType, [String: Attribute])] = [
            ("Relu", .relu, [:]), ("Sigmoid", .sigmoid, [:]), ("Tanh", .tanh, [:]), ("HardSwish", .hardSwish, [:]),
            ("HardSigmoid", .hardSigmoid, ["alpha": .float(0.2), "beta": .float(0.5)]),
            ("LeakyRelu", .leakyRelu, ["alpha": .float(0.1)]), ("SiLU", .silu, [:]),
        ]
        for (name, op, attrs) in unary {
            var fused = plain
            fused.attributes["activation"] = .string(name)
            if let a = attrs["alpha"] { fused.attributes["activation_alpha"] = a }
            if let b = attrs["beta"] { fused.attributes["activation_beta"] = b }
            let kernel = try #require(try OptimizedMatrix.makeGemm(
                OptimizedCheck.context(fused, inputs: [a, b, bias], output: [m, n], constant: [1, 2]), isa: isa))
            let got = try OptimizedCheck.run(kernel, [a, b, bias], output: [m, n])
            let want = try OptimizedCheck.referenceUnary(op, linear, attributes: attrs)
            let problem = OptimizedCheck.mismatch(got, want, tol: 1e-5)
            #expect(problem == nil, "isa \(isa) activation \(name): \(problem ?? "")")
        }
        // Clip (ReLU6 and a general range): min(max(v, lo), hi) of the reference Gemm, by hand.
        for (name, lo, hi) in [("Relu6", Float(0), Float(6)), ("Clip", Float(-0.5), Float(1.25))] {
            var fused = plain
            fused.attributes["activation"] = .string(name)
            if name == "Clip" { fused.attributes["activation_alpha"] = .float(Double(lo)); fused.attributes["activation_beta"] = .float(Double(hi)) }
            let kernel = try #require(try OptimizedMatrix.makeGemm(
                OptimizedCheck.context(fused, inputs: [a, b, bias], output: [m, n], constant: [1, 2]), isa: isa))
            let got = try OptimizedCheck.run(kernel, [a, b, bias], output: [m, n])
            let want = linear.map { min(max($0, lo), hi) }
            let problem = OptimizedCheck.mismatch(got, want, tol: 1e-5)
            #expect(problem == nil, "isa \(isa) activation \(name): \(problem ?? "")")
        }
    }

    /// MatMul: batched with a shared constant weight (folded into M), broadcast batches, run-time B, 1-D operands.
    @Test(arguments: isas) func matMulBatchedAndBroadcast(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 14)
        let cases: [(a: [Int], b: [Int], constantB: Bool)] = [
            ([2, 3, 7, 122], [122, 35], true),
            ([4, 9, 8], [1, 8, 33], true),
            ([3, 1, 5, 6], [2, 6, 19], false),
            ([2, 7, 119], [2, 119, 17], false),
            ([121], [121, 18], true),
            ([5, 120], [120], false),
        ]
        for c in cases {
            let a = OptimizedCheck.random(c.a, &rng), b = OptimizedCheck.random(c.b, &rng)
            let node = Node(name: "mm", op: .matMul, inputs: ["a", "b"], outputs: ["y"])
            let out = try matMulShape(c.a, c.b)
            let constant: Set<Int> = c.constantB ? [1] : []
            let ctx = OptimizedCheck.context(node, inputs: [a, b], output: out, constant: constant)
            let kernel = try #require(try OptimizedMatrix.makeMatMul(ctx, isa: isa))
            let got = try OptimizedCheck.run(kernel, [a, b], output: out)
            let want = try OptimizedCheck.reference(node, [a, b], output: out, constant: constant)
            let problem = OptimizedCheck.mismatch(got, want, tol: 1e-5)
            #expect(problem == nil, "isa \(isa) a \(c.a) b \(c.b) constantB \(c.constantB): \(problem ?? "")")
        }
    }

    /// NumPy's matmul output shape, worked out here rather than by the code under test.
    func matMulShape(_ a: [Int], _ b: [Int]) throws -> [Int] {
        let a2 = a.count == 1 ? [1] + a : a, b2 = b.count == 1 ? b + [1] : b
        let ba = Array(a2.dropLast(2)), bb = Array(b2.dropLast(2))
        let r = max(ba.count, bb.count)
        let pa = Array(repeating: 1, count: r - ba.count) + ba, pb = Array(repeating: 1, count: r - bb.count) + bb
        var out = zip(pa, pb).map { max($0, $1) } + [a2[a2.count - 2], b2[b2.count - 1]]
        if a.count == 1 { out.remove(at: out.count - 2) }
        if b.count == 1 { out.removeLast() }
        return out
    }

    /// FullyConnected (W [N, K], bias, ReLU) equals Gemm(transB) followed by ReLU in the reference.
    @Test(arguments: isas) func fullyConnected(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 15)
        let (m, n, k) = (3, 29, 120)
        let x = OptimizedCheck.random([m, k], &rng), w = OptimizedCheck.random([n, k], &rng), b = OptimizedCheck.random([n], &rng)
        let fc = Node(name: "fc", op: .fullyConnected, inputs: ["x", "w", "b"], outputs: ["y"], attributes: ["activation": .string("Relu")])
        let kernel = try #require(try OptimizedMatrix.makeFullyConnected(
            OptimizedCheck.context(fc, inputs: [x, w, b], output: [m, n], constant: [1, 2]), isa: isa))
        let got = try OptimizedCheck.run(kernel, [x, w, b], output: [m, n])
        let gemm = Node(name: "g", op: .gemm, inputs: ["x", "w", "b"], outputs: ["y"], attributes: ["transB": .int(1)])
        let linear = try OptimizedCheck.reference(gemm, [x, w, b], output: [m, n], constant: [1, 2])
        let want = try OptimizedCheck.referenceUnary(.relu, linear)
        let problem = OptimizedCheck.mismatch(got, want, tol: 1e-5)
        #expect(problem == nil, "isa \(isa): \(problem ?? "")")
    }
}
