import EdgeIR
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// Optimized ConvTranspose (SGEMM + col2im) against the reference scatter kernel: seeded inputs,
/// sentinel-filled outputs, strides, pads, output_padding, dilation, groups, bias.
@Suite struct OptimizedConvTransposeTests {
    struct Case: CustomStringConvertible {
        var x: [Int], cout: Int, k: [Int], group = 1, strides = [1, 1], pads = [0, 0, 0, 0], outPad = [0, 0], dil = [1, 1], bias = true
        var description: String { "x \(x) cout \(cout) k \(k) g \(group) s \(strides) p \(pads) op \(outPad) d \(dil)" }
        /// ONNX: out = s·(in − 1) + op + (k − 1)·d + 1 − pad_begin − pad_end.
        var y: [Int] {
            [x[0], cout] + (0..<2).map { i in strides[i] * (x[2 + i] - 1) + outPad[i] + (k[i] - 1) * dil[i] + 1 - pads[i] - pads[i + 2] }
        }
    }

    static let cases: [Case] = [
        Case(x: [1, 24, 9, 7], cout: 24, k: [2, 2], strides: [2, 2]),                   // PP-OCR det head shape
        Case(x: [2, 5, 6, 5], cout: 3, k: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], outPad: [1, 1]),
        Case(x: [1, 4, 5, 6], cout: 6, k: [3, 2], group: 2, strides: [1, 3], pads: [0, 1, 2, 0], bias: false),
        Case(x: [1, 3, 4, 4], cout: 5, k: [3, 3], dil: [2, 2]),
    ]

    @Test func matchesReference() throws {
        var rng = SeededRNG(seed: 71)
        for c in Self.cases {
            let x = OptimizedCheck.random(c.x, &rng)
            let w = OptimizedCheck.random([c.x[1], c.cout / c.group] + c.k, &rng)
            let b = c.bias ? OptimizedCheck.random([c.cout], &rng) : nil
            let node = Node(name: "ct", op: .convTranspose, inputs: c.bias ? ["x", "w", "b"] : ["x", "w"], outputs: ["y"],
                            attributes: ["group": .int(c.group), "strides": .ints(c.strides), "pads": .ints(c.pads),
                                         "output_padding": .ints(c.outPad), "dilations": .ints(c.dil), "kernel_shape": .ints(c.k),
                                         "activation": .string("Relu")])
            let inputs: [HostTensor?] = c.bias ? [x, w, b] : [x, w]
            let ctx = OptimizedCheck.context(node, inputs: inputs, output: c.y, constant: [1, 2])
            let k = try #require(try OptimizedConvTranspose.make(ctx))
            let got = try OptimizedCheck.run(k, inputs, output: c.y)
            let want = try OptimizedCheck.reference(node, inputs, output: c.y, constant: [1, 2])
            let problem = OptimizedCheck.mismatch(got, want, tol: 1e-5)
            #expect(problem == nil, "\(c): \(problem ?? "")")
        }
    }
}
