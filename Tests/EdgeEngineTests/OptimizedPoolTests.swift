import CEdgeKernels
import EdgeIR
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// Optimized pooling and elementwise kernels against the reference kernels, on every ISA this CPU runs.
@Suite struct OptimizedPoolTests {
    static let isas = OptimizedMatrixTests.isas
    static var haveReferencePooling: Bool { KernelRegistry.reference[.maxPool] != nil && KernelRegistry.reference[.averagePool] != nil }

    /// (input shape, attributes): 2-D and 1-D windows, strides, dilation, explicit/asymmetric/auto pads,
    /// ceil_mode, count_include_pad.
    static let poolCases: [([Int], [String: Attribute])] = [
        ([1, 3, 9, 11], ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])]),
        ([2, 4, 8, 8], ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]),
        ([1, 5, 13, 12], ["kernel_shape": .ints([3, 3]), "strides": .ints([1, 1]), "pads": .ints([1, 1, 1, 1])]),
        ([1, 2, 10, 9], ["kernel_shape": .ints([3, 2]), "strides": .ints([2, 3]), "pads": .ints([0, 1, 1, 0]), "ceil_mode": .int(1)]),
        ([1, 3, 12, 12], ["kernel_shape": .ints([3, 3]), "strides": .ints([2, 2]), "auto_pad": .string("SAME_UPPER")]),
        ([1, 3, 7, 7], ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 1, 1, 1]), "count_include_pad": .int(1)]),
        ([1, 2, 11, 11], ["kernel_shape": .ints([3, 3]), "pads": .ints([1, 2, 2, 1]), "strides": .ints([3, 2]), "ceil_mode": .int(1),
                          "count_include_pad": .int(1)]),
        ([2, 3, 17], ["kernel_shape": .ints([4]), "strides": .ints([3]), "pads": .ints([1, 2])]),
        // 2×2 at stride 2 without padding reduces row pairs directly: 18 columns (16 in vectors, 2 after), a last
        // input row no window reads; PP-OCR's 2 × 96 planes; with ceil_mode a last window past the input (general path).
        ([1, 3, 5, 37], ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]),
        ([2, 5, 2, 96], ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]),
        ([1, 2, 6, 33], ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2]), "ceil_mode": .int(1)]),
    ]

    /// Output shape worked out here from the ONNX pooling formula (floor or ceil of (in + pads − window) / stride + 1).
    static func outShape(_ x: [Int], _ a: [String: Attribute]) -> [Int] {
        guard case .ints(let k) = a["kernel_shape"] else { return [] }
        let sp = x.count - 2
        var s = Array(repeating: 1, count: sp), p = Array(repeating: 0, count: 2 * sp)
        if case .ints(let v) = a["strides"] { s = v }
        if case .ints(let v) = a["pads"] { p = v }
        var ceil = false
        if case .int(let c) = a["ceil_mode"] { ceil = c != 0 }
        var out = Array(x[..<2])
        for i in 0..<sp {
            if case .string = a["auto_pad"] { out.append((x[2 + i] + s[i] - 1) / s[i]); continue }
            let span = x[2 + i] + p[i] + p[i + sp] - k[i]
            var o = (ceil ? (span + s[i] - 1) / s[i] : span / s[i]) + 1
            if ceil && (o - 1) * s[i] >= x[2 + i] + p[i] { o -= 1 }  // the last window must start inside input + begin pad
            out.append(o)
        }
        return out
    }

    @Test(.enabled(if: haveReferencePooling), arguments: isas) func poolsAgainstReference(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 51)
        for (shape, attrs) in Self.poolCases {
            for (op, isMax) in [(OpType.maxPool, true), (.averagePool, false)] {
                let x = OptimizedCheck.random(shape, &rng)
                if isMax { x.storage.pointer.assumingMemoryBound(to: Float.self)[3] = .nan }  // a NaN propagates to its windows
                let node = Node(name: "pool", op: op, inputs: ["x"], outputs: ["y"], attributes: attrs)
                let out = Self.outShape(shape, attrs)
                let ctx = OptimizedCheck.context(node, inputs: [x], output: out, constant: [])
                let kernel = try #require(try OptimizedPool.make(ctx, isMax: isMax, isa: isa), "declined \(op) \(shape) \(attrs)")
                let got = try OptimizedCheck.run(kernel, [x], output: out)
                let want = try OptimizedCheck.reference(node, [x], output: out, constant: [])
                let problem = OptimizedCheck.mismatch(got, want, tol: 1e-6)
                #expect(problem == nil, "isa \(isa) \(op) \(shape) \(attrs): \(problem ?? "")")
            }
        }
    }

    /// 2×2 max pooling at stride 2 on planted values, expected windows worked out here: NaN in a window's second
    /// row (vector columns) and in the scalar columns propagates; a window of −∞ gives −∞; −∞ beside a finite
    /// value gives the value.
    @Test(arguments: isas) func maxPool2x2Edges(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 54)
        let h = 4, w = 40, x = OptimizedCheck.random([1, 1, h, w], &rng)
        let v = x.ref.f32()
        v[1 * w + 5] = .nan
        v[0 * w + 38] = .nan
        for (r, c) in [(2, 0), (2, 1), (3, 0), (3, 1)] { v[r * w + c] = -.infinity }
        v[2 * w + 2] = -.infinity
        let attrs: [String: Attribute] = ["kernel_shape": .ints([2, 2]), "strides": .ints([2, 2])]
        let node = Node(name: "pool", op: .maxPool, inputs: ["x"], outputs: ["y"], attributes: attrs)
        let out = [1, 1, h / 2, w / 2]
        let kernel = try #require(try OptimizedPool.make(OptimizedCheck.context(node, inputs: [x], output: out, constant: []),
                                                         isMax: true, isa: isa))
        let got = try OptimizedCheck.run(kernel, [x], output: out)
        for oy in 0..<(h / 2) {
            for ox in 0..<(w / 2) {
                let window = [v[2 * oy * w + 2 * ox], v[2 * oy * w + 2 * ox + 1], v[(2 * oy + 1) * w + 2 * ox], v[(2 * oy + 1) * w + 2 * ox + 1]]
                let g = got[oy * (w / 2) + ox]
                if window.contains(where: \.isNaN) {
                    #expect(g.isNaN, "isa \(isa) (\(oy), \(ox))")
                } else {
                    #expect(g.bitPattern == window.max()!.bitPattern, "isa \(isa) (\(oy), \(ox)): \(g) vs \(window)")
                }
            }
        }
        #expect(got[1 * (w / 2) + 0] == -.infinity)
        #expect(got[0 * (w / 2) + 2].isNaN && got[0 * (w / 2) + 19].isNaN)
    }

    @Test(arguments: isas) func globalAveragePool(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 52)
        // 33 and 2·9 planes: blocks of eight planes summed side by side, and the rest one by one; either way
        // each plane's float sum runs in element order, which the last check repeats bit for bit.
        for shape in [[1, 7, 5, 9], [2, 3, 13], [1, 33, 7, 7], [2, 9, 2, 96]] {
            let x = OptimizedCheck.random(shape, &rng)
            let node = Node(name: "gap", op: .globalAveragePool, inputs: ["x"], outputs: ["y"])
            let out = Array(shape[..<2]) + Array(repeating: 1, count: shape.count - 2)
            let kernel = try #require(try OptimizedGlobalAveragePool.make(OptimizedCheck.context(node, inputs: [x], output: out, constant: []), isa: isa))
            let got = try OptimizedCheck.run(kernel, [x], output: out)
            let want = try OptimizedCheck.reference(node, [x], output: out, constant: [])
            let problem = OptimizedCheck.mismatch(got, want, tol: 1e-6)
            #expect(problem == nil, "isa \(isa) \(shape): \(problem ?? "")")
            let size = shape[2...].reduce(1, *), xs = x.ref.f32()
            let ordered = (0..<(shape[0] * shape[1])).map { p -> Float in
                var sum: Float = 0
                for k in 0..<size { sum += xs[p * size + k] }
                return sum / Float(size)
            }
            #expect(got.map(\.bitPattern) == ordered.map(\.bitPattern), "isa \(isa) \(shape)")
        }
    }

    /// Broadcast patterns: same shape, scalar, per-channel, row, column, both sides broadcast, rank mismatch.
    @Test(arguments: isas) func binaryBroadcasting(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 53)
        let cases: [([Int], [Int])] = [
            ([2, 3, 4, 5], [2, 3, 4, 5]), ([2, 3, 4, 5], []), ([1], [2, 3, 4, 5]), ([2, 3, 4, 5], [1, 3, 1, 1]),
            ([3, 1, 1], [2, 3, 4, 5]), ([4, 1], [1, 7]), ([2, 1, 5], [2, 3, 1]), ([6, 7], [7]), ([5, 1, 3], [5, 4, 3]),
        ]
        for (sa, sb) in cases {
            let a = OptimizedCheck.random(sa, &rng), b = OptimizedCheck.random(sb, &rng, 0.5, 2)
            let rank = max(sa.count, sb.count)
            let pa = Array(repeating: 1, count: rank - sa.count) + sa, pb = Array(repeating: 1, count: rank - sb.count) + sb
            let out = zip(pa, pb).map { max($0, $1) }
            for (op, cop) in [(OpType.add, CK_BIN_ADD), (.sub, CK_BIN_SUB), (.mul, CK_BIN_MUL), (.div, CK_BIN_DIV)] {
                let node = Node(name: "bin", op: op, inputs: ["a", "b"], outputs: ["y"])
                let kernel = try #require(try OptimizedBinary.make(OptimizedCheck.context(node, inputs: [a, b], output: out, constant: []),
                                                                   op: cop, isa: isa))
                let got = try OptimizedCheck.run(kernel, [a, b], output: out)
                let want = try OptimizedCheck.reference(node, [a, b], output: out, constant: [])
                let problem = OptimizedCheck.mismatch(got, want, tol: 1e-6)
                #expect(problem == nil, "isa \(isa) \(op) \(sa) with \(sb): \(problem ?? "")")
            }
        }
    }

    /// TFLite's NHWC pools (the same cases, channels last) against the reference kernel's NHWC path.
    @Test(.enabled(if: haveReferencePooling)) func nhwcPoolsAgainstReference() throws {
        var rng = SeededRNG(seed: 57)
        for (nchw, attrs) in Self.poolCases {
            let shape = [nchw[0]] + nchw[2...] + [nchw[1]]
            let outNCHW = Self.outShape(nchw, attrs)
            let out = [outNCHW[0]] + outNCHW[2...] + [outNCHW[1]]
            var a = attrs
            a["layout"] = .string("NHWC")
            for (op, isMax) in [(OpType.maxPool, true), (.averagePool, false)] {
                let x = OptimizedCheck.random(shape, &rng)
                if isMax { x.storage.pointer.assumingMemoryBound(to: Float.self)[5] = .nan }
                let node = Node(name: "pool", op: op, inputs: ["x"], outputs: ["y"], attributes: a)
                let ctx = OptimizedCheck.context(node, inputs: [x], output: out, constant: [])
                let kernel = try #require(try OptimizedPool.make(ctx, isMax: isMax, isa: .selected), "declined \(op) \(shape) \(a)")
                #expect(kernel is OptimizedPoolNHWC)
                let got = try OptimizedCheck.run(kernel, [x], output: out)
                let want = try OptimizedCheck.reference(node, [x], output: out, constant: [])
                let problem = OptimizedCheck.mismatch(got, want, tol: 1e-6)
                #expect(problem == nil, "NHWC \(op) \(shape) \(a): \(problem ?? "")")
            }
        }
    }

    /// Standalone activations against the reference unary kernels, including NaN, ±∞, ±0 and large magnitudes.
    @Test(arguments: isas) func activations(isa: KernelISA) throws {
        var rng = SeededRNG(seed: 54)
        var values = (0..<203).map { _ in rng.float(-12, 12) }
        values += [0, -0.0, 1e-6, -1e-6, 0.29, -0.31, 40, -40, 100, -100, .infinity, -.infinity, .nan]
        let x = OptimizedCheck.tensor(values, [values.count])
        let ops: [(OpType, [String: Attribute])] = [
            (.relu, [:]), (.sigmoid, [:]), (.tanh, [:]), (.hardSwish, [:]), (.silu, [:]),
            (.hardSigmoid, ["alpha": .float(0.25), "beta": .float(0.4)]), (.leakyRelu, ["alpha": .float(0.2)]),
        ]
        for (op, attrs) in ops {
            let node = Node(name: "act", op: op, inputs: ["x"], outputs: ["y"], attributes: attrs)
            let kernel = try #require(try OptimizedActivation.make(OptimizedCheck.context(node, inputs: [x], output: [values.count], constant: []),
                                                                   isa: isa))
            let got = try OptimizedCheck.run(kernel, [x], output: [values.count])
            let want = try OptimizedCheck.referenceUnary(op, values, attributes: attrs)
            // Relative 2e-6 away from zero; tanh and the logistic family are polynomial/exp approximations.
            let problem = OptimizedCheck.mismatch(got, want, tol: 2e-6)
            #expect(problem == nil, "isa \(isa) \(op): \(problem ?? "")")
        }
    }
}
