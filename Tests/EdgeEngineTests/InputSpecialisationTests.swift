import EdgeIR
import Testing
@testable import EdgeEngine

/// Plans specialised for scalar control inputs (``InputSpecialiser``): same results as the generic
/// plan, the `If` inlined away, and the generic plan still used past the cache limit.
@Suite struct InputSpecialisationTests {
    static func floats(_ v: [Float]) -> TensorStorage { .memory(v.withUnsafeBytes { Array($0) }) }

    /// y = If(flag == 1) then x + 1 else x · 2, with x: float32[3], flag: int64 scalar.
    static func graph() -> Graph {
        let vec = TensorType(.float32, Shape([3])), scalar = TensorType(.float32, Shape([Int]()))
        var then = Graph(name: "then", outputs: [ValueInfo(name: "t", type: vec)],
                         nodes: [Node(name: "add", op: .add, inputs: ["x", "one"], outputs: ["t"])])
        then.setConstant(Tensor(name: "one", type: scalar, storage: floats([1])))
        var els = Graph(name: "else", outputs: [ValueInfo(name: "e", type: vec)],
                        nodes: [Node(name: "mul", op: .mul, inputs: ["x", "two"], outputs: ["e"])])
        els.setConstant(Tensor(name: "two", type: scalar, storage: floats([2])))
        var g = Graph(name: "branchy", inputs: [ValueInfo(name: "x", type: vec), ValueInfo(name: "flag", type: TensorType(.int64, Shape([Int]())))],
                      outputs: [ValueInfo(name: "y", type: vec)],
                      nodes: [Node(name: "eq", op: "Equal", inputs: ["flag", "k"], outputs: ["c"]),
                              Node(name: "if", op: "If", inputs: ["c"], outputs: ["y"],
                                   attributes: ["then_branch": .graph(then), "else_branch": .graph(els)])])
        g.setConstant(Tensor(name: "k", type: TensorType(.int64, Shape([Int]())), storage: .memory(withUnsafeBytes(of: Int64(1)) { Array($0) })))
        return g
    }

    @Test func specialisedRunsMatchTheBranches() throws {
        let plan = try ExecutionPlan(graph: Self.graph())
        let s = try #require(plan.specialiser, "a run-time If and a scalar int64 input: the plan specialises")
        #expect(s.names == ["flag"])
        let x = HostTensor([1.5, -2, 0.25], shape: [3])
        // flag 1: x + 1 = [2.5, -1, 1.25]; any other flag: x · 2 = [3, -4, 0.5].
        for (flag, want) in [(Int64(1), [Float](arrayLiteral: 2.5, -1, 1.25)), (0, [3, -4, 0.5]), (1, [2.5, -1, 1.25]), (7, [3, -4, 0.5])] {
            let out = try plan.run(["x": x, "flag": HostTensor(int64: [flag], shape: [])])
            #expect(try #require(out["y"]).floats() == want, "flag \(flag)")
        }
        #expect(s.plans.count == 3)  // flags 1, 0, 7
        // The specialised plans have no If left: the condition folded and the branch was inlined.
        for case let p? in s.plans.values { #expect(!p.steps.contains { $0.node.op == "If" }) }
        // Past the limit, the generic plan runs (and still gives the branch's result).
        for flag in Int64(10)..<Int64(10 + InputSpecialiser.limit) {
            let out = try plan.run(["x": x, "flag": HostTensor(int64: [flag], shape: [])])
            #expect(try #require(out["y"]).floats() == [3, -4, 0.5], "flag \(flag)")
        }
        #expect(s.plans.count == InputSpecialiser.limit)
        // A profiled run stays on the generic plan, whose steps the profile counts.
        let profile = StepProfile(steps: plan.steps.count)
        let out = try plan.run(["x": x, "flag": HostTensor(int64: [1], shape: [])], profile: profile)
        #expect(try #require(out["y"]).floats() == [2.5, -1, 1.25])
        // Inputs are still checked before specialising.
        #expect(throws: EngineError.missingInput("x")) { try plan.run(["flag": HostTensor(int64: [1], shape: [])]) }
    }

    @Test func noSpecialisationWithoutRuntimeIf() throws {
        var b = GraphBuilder(name: "plain")
        let x = b.input("x", .float32, Shape([3]))
        _ = b.input("n", .int64, Shape([Int]()))
        b.output(try b.apply(.relu, [x], name: "r"))
        let plan = try ExecutionPlan(graph: try b.finish())
        #expect(plan.specialiser == nil)
    }
}
