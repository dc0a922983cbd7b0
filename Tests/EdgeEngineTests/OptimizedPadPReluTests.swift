import EdgeIR
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// Constant Pad and float PRelu (``OptimizedPad``, ``OptimizedPRelu``) against the reference kernels on
/// ragged shapes: seeded inputs, outputs pre-filled with a sentinel, bytes identical.
@Suite struct OptimizedPadPReluTests {
    typealias Q = OptimizedQuantizedTests

    static func floats(_ shape: [Int], _ rng: inout SeededRNG) -> HostTensor {
        HostTensor((0..<shape.reduce(1, *)).map { _ in rng.float(-2, 2) }, shape: shape)
    }

    @Test func padAgainstReference() throws {
        var rng = SeededRNG(seed: 11)
        // (input shape, pads [begins…, ends…], value)
        let cases: [([Int], [Int], Float)] = [
            ([1, 16, 16, 24], [0, 0, 0, 0, 0, 0, 0, 8], 0),        // BlazeFace's channel pad
            ([1, 7, 5, 3], [0, 1, 2, 0, 0, 2, 1, 0], 0),            // spatial, NHWC
            ([2, 3, 4, 5], [0, 0, 1, 1, 0, 0, 2, 3], 1.5),          // NCHW, nonzero value
            ([3, 5], [1, 0, 0, 2], -7),
            ([4, 6], [0, 0, 0, 0], 0),                              // nothing padded: a copy
            ([2, 1, 3], [2, 0, 0, 0, 3, 0], 0),                     // outermost axis only
        ]
        for (ci, (xs, pads, value)) in cases.enumerated() {
            let r = xs.count
            let ys = (0..<r).map { xs[$0] + pads[$0] + pads[$0 + r] }
            let x = Self.floats(xs, &rng)
            let inputs: [HostTensor?] = [x, HostTensor(values: pads.map(Int64.init), shape: [2 * r]), HostTensor([value], shape: [])]
            let node = Node(name: "pad", op: .pad, inputs: ["x", "p", "v"], outputs: ["y"], attributes: [:])
            let out = TensorType(.float32, Shape(ys))
            let ref = try Q.run(try KernelRegistry.make(Q.context(node, inputs, output: out, constant: [1, 2], reference: true)), inputs, out)
            let k = try #require(try OptimizedPad.make(Q.context(node, inputs, output: out, constant: [1, 2], reference: false)), "case \(ci) declined")
            let got = try Q.run(k, inputs, out)
            #expect(got == ref, "case \(ci): \(zip(got, ref).filter { $0 != $1 }.count) bytes differ")
        }
        // Reflect mode stays on the reference.
        let node = Node(name: "pad", op: .pad, inputs: ["x", "p"], outputs: ["y"], attributes: ["mode": .string("reflect")])
        let inputs: [HostTensor?] = [Self.floats([3, 4], &rng), HostTensor(values: [Int64(1), 1, 1, 1], shape: [4])]
        #expect(try OptimizedPad.make(Q.context(node, inputs, output: TensorType(.float32, Shape([5, 6])), constant: [1], reference: false)) == nil)
    }

    @Test func preluAgainstReference() throws {
        var rng = SeededRNG(seed: 12)
        // (x, slope): TFLite NHWC per channel, ONNX [C,1,1], ONNX 1-D [C] read over axis 1, one slope, [H,W,C].
        let cases: [([Int], [Int])] = [
            ([1, 9, 7, 19], [1, 1, 19]), ([2, 5, 6, 7], [5, 1, 1]), ([2, 5, 3, 4], [5]), ([3, 37], [1]), ([1, 4, 3, 10], [4, 3, 10]),
        ]
        for (ci, (xs, ss)) in cases.enumerated() {
            let inputs: [HostTensor?] = [Self.floats(xs, &rng), Self.floats(ss, &rng)]
            let node = Node(name: "prelu", op: .prelu, inputs: ["x", "s"], outputs: ["y"], attributes: [:])
            let out = TensorType(.float32, Shape(xs))
            let ref = try Q.run(try KernelRegistry.make(Q.context(node, inputs, output: out, constant: [1], reference: true)), inputs, out)
            for isa in Q.isas {
                let k = try #require(OptimizedPRelu.make(Q.context(node, inputs, output: out, constant: [1], reference: false), isa: isa),
                                     "case \(ci) declined")
                let got = try Q.run(k, inputs, out)
                #expect(got == ref, "case \(ci) isa \(isa): \(zip(got, ref).filter { $0 != $1 }.count) bytes differ")
            }
        }
    }
}
