import EdgeIR
import EdgeTestSupport
@testable import EdgeEngine

/// Helpers for checking optimized kernels against the reference kernels.
enum OptimizedCheck {
    /// What optimized kernels' outputs are pre-filled with: any element left unwritten shows up.
    static let sentinel: Float = -7.25e30

    static func tensor(_ values: [Float], _ shape: [Int]) -> HostTensor { HostTensor(values, shape: shape) }

    static func random(_ shape: [Int], _ rng: inout SeededRNG, _ lo: Float = -1, _ hi: Float = 1) -> HostTensor {
        HostTensor((0..<shape.reduce(1, *)).map { _ in rng.float(lo, hi) }, shape: shape)
    }

    static func context(_ node: Node, inputs: [HostTensor?], output: [Int], constant: Set<Int>, reference: Bool = false) -> KernelContext {
        var consts: [Int: HostTensor] = [:]
        for i in constant where i < inputs.count { if let t = inputs[i] { consts[i] = t } }
        return KernelContext(node: node,
                             inputTypes: inputs.map { $0.map { TensorType($0.dtype, Shape($0.shape)) } },
                             outputTypes: [TensorType(.float32, Shape(output))], constants: consts,
                             options: EngineOptions(forceReference: reference))
    }

    /// Runs `kernel` on `inputs` into a sentinel-filled output.
    static func run(_ kernel: Kernel, _ inputs: [HostTensor?], output: [Int]) throws -> [Float] {
        let out = HostTensor(Array(repeating: sentinel, count: output.reduce(1, *)), shape: output)
        try kernel.run(inputs: inputs.map { $0?.ref ?? ExecutionPlan.absentRef }, outputs: [out.ref])
        return out.floats()
    }

    /// The reference kernel's output for the same node.
    static func reference(_ node: Node, _ inputs: [HostTensor?], output: [Int], constant: Set<Int>) throws -> [Float] {
        let k = try KernelRegistry.make(context(node, inputs: inputs, output: output, constant: constant, reference: true))
        return try run(k, inputs, output: output)
    }

    /// The reference kernel of a unary op (an activation) applied to `values`.
    static func referenceUnary(_ op: OpType, _ values: [Float], attributes: [String: Attribute] = [:]) throws -> [Float] {
        let node = Node(name: "act", op: op, inputs: ["x"], outputs: ["y"], attributes: attributes)
        return try reference(node, [tensor(values, [values.count])], output: [values.count], constant: [])
    }

    /// First index where `got` differs from `want` beyond |d| ≤ tol·(1 + |want|), or a sentinel survived.
    static func mismatch(_ got: [Float], _ want: [Float], tol: Float) -> String? {
        guard got.count == want.count else { return "count \(got.count) vs \(want.count)" }
        for i in got.indices {
            if got[i] == sentinel { return "element \(i) never written" }
            if want[i].isNaN != got[i].isNaN || abs(got[i] - want[i]) > tol * (1 + abs(want[i])) {
                return "element \(i): got \(got[i]), reference \(want[i])"
            }
        }
        return nil
    }
}
