import EdgeIR
import EdgeTestSupport
import Testing
@testable import EdgeEngine

/// Optimized LSTM against the reference LSTM (double-precision gates): seeded weights and inputs,
/// sentinel-filled outputs, ragged sizes (hidden 7 and 13, not multiples of the vector width).
@Suite struct OptimizedLSTMTests {
    @Test(arguments: [(seq: 3, batch: 2, input: 5, hidden: 7, full: true), (seq: 1, batch: 1, input: 16, hidden: 13, full: false),
                      (seq: 4, batch: 3, input: 9, hidden: 13, full: true)])
    func matchesReference(_ c: (seq: Int, batch: Int, input: Int, hidden: Int, full: Bool)) throws {
        var rng = SeededRNG(seed: 61)
        let H = c.hidden, G = 4 * H
        let x = OptimizedCheck.random([c.seq, c.batch, c.input], &rng)
        let w = OptimizedCheck.random([1, G, c.input], &rng, -0.5, 0.5), r = OptimizedCheck.random([1, G, H], &rng, -0.5, 0.5)
        let b = OptimizedCheck.random([1, 8 * H], &rng, -0.5, 0.5)
        let h0 = OptimizedCheck.random([1, c.batch, H], &rng), c0 = OptimizedCheck.random([1, c.batch, H], &rng)
        let inputs: [HostTensor?] = c.full ? [x, w, r, b, nil, h0, c0] : [x, w, r]
        let names = c.full ? ["x", "w", "r", "b", "", "h0", "c0"] : ["x", "w", "r"]
        let node = Node(name: "lstm", op: "LSTM", inputs: names, outputs: ["y", "yh", "yc"], attributes: ["hidden_size": .int(H)])
        let shapes = [[c.seq, 1, c.batch, H], [1, c.batch, H], [1, c.batch, H]]
        func context(reference: Bool) -> KernelContext {
            var consts: [Int: HostTensor] = [1: w, 2: r]
            if c.full { consts[3] = b }
            return KernelContext(node: node, inputTypes: inputs.map { $0.map { TensorType($0.dtype, Shape($0.shape)) } },
                                 outputTypes: shapes.map { TensorType(.float32, Shape($0)) }, constants: consts,
                                 options: EngineOptions(forceReference: reference))
        }
        func run(_ k: Kernel) throws -> [[Float]] {
            let outs = shapes.map { HostTensor(Array(repeating: OptimizedCheck.sentinel, count: $0.reduce(1, *)), shape: $0) }
            try k.run(inputs: inputs.map { $0?.ref ?? ExecutionPlan.absentRef }, outputs: outs.map(\.ref))
            return outs.map { $0.floats() }
        }
        let opt = try #require(try OptimizedLSTM.make(context(reference: false)))
        let ref = try KernelRegistry.make(context(reference: true))
        let got = try run(opt), want = try run(ref)
        for k in 0..<3 {
            let problem = OptimizedCheck.mismatch(got[k], want[k], tol: 1e-5)
            #expect(problem == nil, "\(c) output \(k): \(problem ?? "")")
        }
    }

    @Test func declinesWhatItDoesNotHandle() throws {
        let w = HostTensor(Array(repeating: 0, count: 2 * 12 * 3), shape: [2, 12, 3]), r = HostTensor(Array(repeating: 0, count: 2 * 12 * 3), shape: [2, 12, 3])
        let node = Node(name: "lstm", op: "LSTM", inputs: ["x", "w", "r"], outputs: ["y"],
                        attributes: ["hidden_size": .int(3), "direction": .string("bidirectional")])
        let ctx = KernelContext(node: node, inputTypes: [TensorType(.float32, Shape([2, 1, 3])), TensorType(.float32, Shape([2, 12, 3])), TensorType(.float32, Shape([2, 12, 3]))],
                                outputTypes: [TensorType(.float32, Shape([2, 2, 1, 3]))], constants: [1: w, 2: r], options: EngineOptions())
        #expect(try OptimizedLSTM.make(ctx) == nil)
    }
}
