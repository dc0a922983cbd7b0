import Testing
@testable import EdgeIR

/// `InferenceContext` accessors on contexts whose type list is shorter than the node's inputs.
@Suite struct OpSchemaTests {
    /// ConvInteger(x, w, x_zero_point, w_zero_point) passes only [x, w] to the shared Conv rule, which
    /// asks for optional input 2 (a Conv bias). That used to index past the type list and trap; it must
    /// read as "no bias". Output: x[1,2,5,5] with w[3,2,3,3], no padding → [1, 3, 5−3+1, 5−3+1] = [1,3,3,3].
    @Test func wrapperRulesWithFewerTypesThanInputsDoNotTrap() throws {
        var g = Graph(name: "g", inputs: [ValueInfo(name: "x", type: TensorType(.uint8, Shape([1, 2, 5, 5])))])
        g.setConstant(Tensor(name: "w", type: TensorType(.uint8, Shape([3, 2, 3, 3]))))
        g.setConstant(Tensor(name: "xz", type: TensorType(.uint8, .scalar)))
        g.setConstant(Tensor(name: "wz", type: TensorType(.uint8, .scalar)))
        g.nodes = [Node(name: "ci", op: "ConvInteger", inputs: ["x", "w", "xz", "wz"], outputs: ["y"])]
        g.outputs = [ValueInfo(name: "y", type: TensorType(.int32, .scalar))]
        try g.inferShapes()
        #expect(g.type(of: "y") == TensorType(.int32, Shape([1, 3, 3, 3])))

        let ctx = InferenceContext(node: g.nodes[0], inputs: [g.type(of: "x")], inputValues: [], declaredOutputs: [nil])
        #expect(ctx.optionalInput(2) == nil)
        #expect(throws: IRError.self) { try ctx.input(1) }
    }
}

/// Shape rules fed hostile data (ranks and ranges read from a file) fail or stay unknown; they never trap
/// or size an array from the file's numbers.
@Suite struct HostileShapeDataTests {
    /// A graph with one int64 input of `shape` feeding `op`, inferred leniently.
    func infer(_ op: OpType, shapeInput: Shape, constants: [Tensor] = [], inputs extra: [String] = []) throws -> (Graph, InferenceReport) {
        var g = Graph(name: "g", inputs: [ValueInfo(name: "s", type: TensorType(.int64, shapeInput)),
                                          ValueInfo(name: "x", type: TensorType(.float32, Shape([2, 3])))])
        for c in constants { g.setConstant(c) }
        g.nodes = [Node(name: "n", op: op, inputs: extra.isEmpty ? ["s"] : extra, outputs: ["y"])]
        g.outputs = [ValueInfo(name: "y", type: TensorType(.float32, .scalar))]
        let report = try g.inferShapes(strict: false)
        return (g, report)
    }

    @Test func ranksFromHugeOrNegativeShapeVectorsAreRefused() throws {
        // A shape vector of 2^40 elements would mean a rank-2^40 output.
        for (op, inputs) in [(OpType("ConstantOfShape"), ["s"]), (.reshape, ["x", "s"]), (OpType("Expand"), ["x", "s"])] {
            let (_, r) = try infer(op, shapeInput: Shape([1 << 40]), inputs: inputs)
            #expect(r.issues.count == 1, "\(op)")
            #expect(r.issues.first?.contains("rank 1099511627776 is out of range (0…64)") == true, "\(op): \(r.issues)")
        }
        let (g, r) = try infer("ConstantOfShape", shapeInput: Shape([3]))
        #expect(r.issues.isEmpty)
        #expect(g.type(of: "y")?.shape.rank == 3)  // an unknown shape of known rank 3
    }

    @Test func rangeCountsBeyondInt64StayUnknownAndValuesNeverOverflow() throws {
        // Range(Int64.min, Int64.max, 1): 2^64 − 1 elements, more than any Int.
        var (g, r) = try infer("Range", shapeInput: .scalar, constants: [.int64("a", [.min], shape: .scalar),
            .int64("b", [.max], shape: .scalar), .int64("d", [1], shape: .scalar)], inputs: ["a", "b", "d"])
        #expect(r.issues.isEmpty)
        #expect(g.type(of: "y")?.shape == Shape([Dim.unknown]))
        // Range(Int64.min, Int64.max, 2^62): ⌈(2^64 − 1) / 2^62⌉ = 4 elements: −2^63, −2^62, 0, 2^62.
        (g, r) = try infer("Range", shapeInput: .scalar, constants: [.int64("a", [.min], shape: .scalar),
            .int64("b", [.max], shape: .scalar), .int64("d", [1 << 62], shape: .scalar)], inputs: ["a", "b", "d"])
        #expect(g.type(of: "y")?.shape == Shape([4]))
        #expect(g.knownValues["y"] == [.min, -(1 << 62), 0, 1 << 62])
    }
}
