import CEdgeKernels
import EdgeIR
import EdgeTestSupport
import Foundation
import Testing
@testable import EdgeEngine

/// Intra-op threading: a split kernel's output is bit-identical to the single-threaded call.
///
/// Two checks per kernel: the C part functions run one part after another with 2 and 3 parts (every
/// split point, no concurrency) and compared bit for bit with the whole call; and the Swift kernel made
/// with `threads: 2` (parts run concurrently) compared bit for bit with the one made with `threads: 1`.
/// The single-threaded result itself is anchored to a double-precision product or the reference Conv.
@Suite struct OptimizedThreadingTests {
    static let isas = OptimizedMatrixTests.isas
    static let cores = ProcessInfo.processInfo.activeProcessorCount

    static func bits(_ v: [Float]) -> [UInt32] { v.map(\.bitPattern) }

    static func buffer(_ count: Int) -> UnsafeMutablePointer<Float> {
        let p = UnsafeMutablePointer<Float>.allocate(capacity: count)
        p.initialize(repeating: OptimizedCheck.sentinel, count: count)
        return p
    }

    /// Shapes chosen so ck_sgemm_part takes each branch: N split (few rows, many columns), M split
    /// (many rows, few columns), and ragged edges in both (none a multiple of MR or NR).
    static let gemmShapes: [(m: Int, n: Int, k: Int)] = [(5, 301, 67), (203, 19, 300), (77, 93, 513), (1, 1000, 40)]

    @Test(arguments: isas) func sgemmPartsAreBitIdentical(isa: KernelISA) {
        var rng = SeededRNG(seed: 41)
        for (m, n, k) in Self.gemmShapes {
            let a = (0..<(m * k)).map { _ in rng.float(-1, 1) }, b = (0..<(k * n)).map { _ in rng.float(-1, 1) }
            let rowBias = (0..<m).map { _ in rng.float(-1, 1) }
            // Anchor: C = relu(A·B + bias_row) in double precision.
            var want = [Float](repeating: 0, count: m * n)
            for i in 0..<m {
                for j in 0..<n {
                    var s = Double(rowBias[i])
                    for p in 0..<k { s += Double(a[i * k + p]) * Double(b[p * n + j]) }
                    want[i * n + j] = Float(max(0, s))
                }
            }
            for packedA in [false, true] {
                a.withUnsafeBufferPointer { ap in
                    b.withUnsafeBufferPointer { bp in
                        rowBias.withUnsafeBufferPointer { biasp in
                            let pa = UnsafeMutablePointer<Float>.allocate(capacity: ck_sgemm_packed_a_size(isa.level, Int32(m), Int32(k)))
                            defer { pa.deallocate() }
                            ck_sgemm_pack_a(isa.level, Int32(m), Int32(k), ap.baseAddress, k, 1, pa)
                            var g = ck_sgemm_args()
                            g.m = Int32(m); g.n = Int32(n); g.k = Int32(k)
                            g.a = packedA ? UnsafePointer(pa) : ap.baseAddress
                            g.a_rs = k; g.a_cs = 1; g.a_packed = packedA ? 1 : 0
                            g.b_kind = Int32(CK_B_STRIDED.rawValue)
                            g.b = bp.baseAddress; g.b_rs = n; g.b_cs = 1
                            g.ldc = n
                            g.epilogue.bias = biasp.baseAddress
                            g.epilogue.bias_per_row = 1
                            g.epilogue.act = EpilogueActivation.make(CK_ACT_RELU)
                            let wsFloats = ck_sgemm_workspace_size(isa.level, &g) + 16
                            let ws = UnsafeMutablePointer<Float>.allocate(capacity: wsFloats)
                            defer { ws.deallocate() }
                            let whole = Self.buffer(m * n), split = Self.buffer(m * n)
                            defer { whole.deallocate(); split.deallocate() }
                            g.c = whole
                            ck_sgemm(isa.level, &g, ws)
                            let wholeValues = Array(UnsafeBufferPointer(start: whole, count: m * n))
                            let problem = OptimizedCheck.mismatch(wholeValues, want, tol: 1e-5)
                            #expect(problem == nil, "isa \(isa) \(m)×\(n)×\(k): \(problem ?? "")")
                            for parts in [2, 3] {
                                split.update(repeating: OptimizedCheck.sentinel, count: m * n)
                                g.c = split
                                for part in 0..<parts { ck_sgemm_part(isa.level, &g, Int32(part), Int32(parts), ws) }
                                let got = Array(UnsafeBufferPointer(start: split, count: m * n))
                                #expect(Self.bits(got) == Self.bits(wholeValues),
                                        "isa \(isa) \(m)×\(n)×\(k) packedA \(packedA) parts \(parts)")
                            }
                        }
                    }
                }
            }
        }
    }

    /// Convolutions large enough to pass the threading threshold (≥ 2²⁰ multiply-adds).
    static let convCases: [ConvCase] = [
        ConvCase(c: 19, h: 23, w: 29, cout: 45, k: (3, 3), pads: [1, 1, 1, 1]),                     // im2col GEMM, K = 171
        ConvCase(n: 2, c: 64, h: 14, w: 13, cout: 70, k: (1, 1)),                                   // pointwise
        ConvCase(c: 40, h: 9, w: 9, cout: 300, k: (3, 3), stride: (2, 2), pads: [1, 1, 1, 1]),     // few pixels: M split
        ConvCase(c: 64, h: 113, w: 97, cout: 64, k: (3, 3), stride: (2, 2), pads: [1, 1, 1, 1], group: 64),  // depthwise
        ConvCase(c: 33, h: 40, w: 50, cout: 33, k: (5, 5), pads: [2, 2, 2, 2], group: 33, bias: false),     // depthwise
    ]

    static func convNode(_ c: ConvCase, nhwc: Bool, bias: Bool) -> Node {
        var attrs = OptimizedConvTests.attributes(c)
        attrs["activation"] = .string("Relu")
        if nhwc { attrs["layout"] = .string("NHWC"); attrs["weight_layout"] = .string("OHWI") }
        return Node(name: "conv", op: .conv, inputs: bias ? ["x", "w", "b"] : ["x", "w"], outputs: ["y"], attributes: attrs)
    }

    static func context(_ node: Node, _ inputs: [HostTensor?], output: [Int], threads: Int) -> KernelContext {
        var consts: [Int: HostTensor] = [:]
        for i in 1..<inputs.count { if let t = inputs[i] { consts[i] = t } }
        return KernelContext(node: node, inputTypes: inputs.map { $0.map { TensorType($0.dtype, Shape($0.shape)) } },
                             outputTypes: [TensorType(.float32, Shape(output))], constants: consts,
                             options: EngineOptions(threads: threads))
    }

    @Test(arguments: isas) func convPartsAreBitIdentical(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 42)
        for c in Self.convCases {
            for nhwc in [false, true] {
                let (oh, ow, _) = OptimizedConvTests.geometry(c)
                let depthwise = c.group > 1
                let xShape = nhwc ? [c.n, c.h, c.w, c.c] : [c.n, c.c, c.h, c.w]
                let wShape = nhwc ? [c.cout, c.k.0, c.k.1, c.c / c.group] : [c.cout, c.c / c.group, c.k.0, c.k.1]
                let yShape = nhwc ? [c.n, oh, ow, c.cout] : [c.n, c.cout, oh, ow]
                let x = OptimizedCheck.random(xShape, &rng), w = OptimizedCheck.random(wShape, &rng)
                let b = c.bias ? OptimizedCheck.random([c.cout], &rng) : nil
                let inputs: [HostTensor?] = b == nil ? [x, w] : [x, w, b]
                let node = Self.convNode(c, nhwc: nhwc, bias: b != nil)
                let k1 = try #require(try OptimizedConv.make(Self.context(node, inputs, output: yShape, threads: 1), isa: isa) as? OptimizedConv)
                let k2 = try #require(try OptimizedConv.make(Self.context(node, inputs, output: yShape, threads: 2), isa: isa) as? OptimizedConv)
                #expect(k1.parts == 1)
                #expect(k2.parts == min(2, Self.cores), "\(c): below the threshold, the test would not split")
                #expect(k1.path == (depthwise ? .depthwise : .gemm))
                let one = try OptimizedCheck.run(k1, inputs, output: yShape)
                if !nhwc {
                    // Anchor the single-threaded output to the reference Conv (+ Relu).
                    var plain = OptimizedConvTests.attributes(c)
                    plain["group"] = .int(c.group)
                    let refNode = Node(name: "conv", op: .conv, inputs: node.inputs, outputs: ["y"], attributes: plain)
                    let ref = try OptimizedCheck.reference(refNode, inputs, output: yShape, constant: [1, 2]).map { max(0, $0) }
                    let problem = OptimizedCheck.mismatch(one, ref, tol: 1e-5)
                    #expect(problem == nil, "isa \(isa) \(c): \(problem ?? "")")
                }
                // The chooser probes one part on a kernel's first call and the split on its second.
                for call in 0..<2 {
                    let two = try OptimizedCheck.run(k2, inputs, output: yShape)
                    #expect(Self.bits(two) == Self.bits(one), "isa \(isa) \(c) nhwc \(nhwc): 2 threads, call \(call)")
                }
                // 2 and 3 parts, one after another, through the C entry points.
                for parts in [2, 3] {
                    let out = HostTensor(Array(repeating: OptimizedCheck.sentinel, count: yShape.reduce(1, *)), shape: yShape)
                    let ws = k1.workspace.pointer.assumingMemoryBound(to: Float.self)
                    let wp = k1.weights.pointer.assumingMemoryBound(to: Float.self)
                    let bp = k1.bias.map { UnsafePointer($0.pointer.assumingMemoryBound(to: Float.self)) }
                    var p = k1.params
                    for part in 0..<parts {
                        if depthwise {
                            ck_dwconv2d_part(isa.level, &p, wp, bp, k1.activation, x.ref.f32(), out.ref.f32(), ws, Int32(part), Int32(parts))
                        } else {
                            ck_conv2d_part(isa.level, &p, wp, bp, k1.activation, x.ref.f32(), out.ref.f32(), ws, Int32(part), Int32(parts))
                        }
                    }
                    #expect(Self.bits(out.floats()) == Self.bits(one), "isa \(isa) \(c) nhwc \(nhwc): \(parts) parts")
                }
            }
        }
    }

    @Test func matMulThreadsAreBitIdentical() throws {
        var rng = SeededRNG(seed: 43)
        // Constant B folded into one 520-row GEMM (split inside), and runtime batched B (split by batch).
        let cases: [(a: [Int], b: [Int], constantB: Bool)] = [([8, 65, 97], [97, 81], true), ([6, 64, 96], [6, 96, 80], false)]
        for (aShape, bShape, constantB) in cases {
            let a = OptimizedCheck.random(aShape, &rng), b = OptimizedCheck.random(bShape, &rng)
            let yShape = Array(aShape.dropLast()) + [bShape.last!]
            let node = Node(name: "mm", op: .matMul, inputs: ["a", "b"], outputs: ["y"])
            func make(_ threads: Int) throws -> OptimizedMatrix {
                var ctx = Self.context(node, [a, b], output: yShape, threads: threads)
                if !constantB { ctx = KernelContext(node: node, inputTypes: ctx.inputTypes, outputTypes: ctx.outputTypes, constants: [:], options: ctx.options) }
                return try #require(try OptimizedMatrix.makeMatMul(ctx, isa: .selected) as? OptimizedMatrix)
            }
            let k1 = try make(1), k2 = try make(2)
            #expect(k2.parts == min(2, Self.cores))
            #expect(k2.splitBatches == (!constantB && Self.cores >= 2))
            let one = try OptimizedCheck.run(k1, [a, b], output: yShape)
            for call in 0..<2 {  // call 0 probes one part, call 1 the split
                let two = try OptimizedCheck.run(k2, [a, b], output: yShape)
                #expect(Self.bits(two) == Self.bits(one), "\(aShape)·\(bShape) call \(call)")
            }
            // Anchor one element: y[0,0,0] = Σ_p a[0,0,p]·b[0,p,0], summed in double precision here.
            let av = a.floats(), bv = b.floats(), k = aShape.last!, n = bShape.last!
            let y00 = (0..<k).reduce(0.0) { $0 + Double(av[$1]) * Double(bv[$1 * n]) }
            #expect(abs(Double(one[0]) - y00) <= 1e-5 * (1 + abs(y00)))
        }
    }

    @Test func threadsFromEnvironment() {
        #expect(IntraOp.environmentThreads(["EDGEWISE_THREADS": "2"]) == 2)
        #expect(IntraOp.environmentThreads(["EDGEWISE_THREADS": " 3 "]) == 3)
        #expect(IntraOp.environmentThreads(["EDGEWISE_THREADS": "0"]) == 1)
        #expect(IntraOp.environmentThreads(["EDGEWISE_THREADS": "two"]) == 1)
        #expect(IntraOp.environmentThreads([:]) == 1)
    }

    @Test func smallWorkStaysSingleThreaded() {
        // 2¹⁸ − 1 multiply-adds: one part; 2¹⁸: a candidate for splitting.
        #expect(IntraOp.parts(threads: 2, work: (1 << 18) - 1) == 1)
        #expect(IntraOp.parts(threads: 2, work: 1 << 18) == 2)
        #expect(IntraOp.parts(threads: 1, work: 1 << 30) == 1)
        #expect(IntraOp.parts(threads: 4, work: 1 << 30, maxParts: 3) == 3)
    }

    /// The chooser's policy on made-up timings: probes alternate 1 and 2 parts, the split is kept only
    /// when its probes' total is under 0.85 × the single-threaded probes' total, and the next round re-probes.
    @Test func splitChooserFollowsMeasuredTimes() {
        let c = SplitChooser(candidate: 2)
        func round(one: UInt64, split: UInt64) -> [Int] {
            var used: [Int] = []
            for _ in 0..<(2 * SplitChooser.trials) {
                let p = c.next
                used.append(p)
                c.record(parts: p, nanoseconds: p == 1 ? one : split)
            }
            return used
        }
        #expect(c.next == 1)
        #expect(round(one: 1000, split: 800) == [1, 2, 1, 2, 1, 2])
        #expect(c.chosen == 2)  // 3 · 800 = 2400 < 0.85 · 3 · 1000 = 2550
        for _ in (2 * SplitChooser.trials)..<SplitChooser.period { #expect(c.next == 2); c.record(parts: 2, nanoseconds: 800) }
        _ = round(one: 1000, split: 900)
        #expect(c.chosen == 1)  // 3 · 900 = 2700 ≥ 2550: a split that does not pay 15 % is not kept
        #expect(c.next == 1)
        let single = SplitChooser(candidate: 1)
        #expect(single.next == 1)
    }
}
