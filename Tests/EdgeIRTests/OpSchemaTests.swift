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
