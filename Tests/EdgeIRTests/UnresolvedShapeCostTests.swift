import Testing
@testable import EdgeIR

/// `costReport(unresolvedShapes:)`: a file's data-dependent shapes are costed for their weights only.
@Suite struct UnresolvedShapeCostTests {
    /// x[S,4] → MatMul(w[4,8]) → Relu, with S left unbound; beside it y[1,2] → Relu, fully known.
    func graph() throws -> Graph {
        var b = GraphBuilder(name: "symbolic")
        let x = b.input("x", .float32, Shape([.symbol("S"), 4]))
        let y = b.input("y", .float32, Shape([1, 2]))
        let w = b.weight("w", .float32, Shape([4, 8]))
        let mm = try b.apply(.matMul, [x, w], name: "mm")
        b.output(try b.apply(.relu, [mm], name: "relu"))
        b.output(try b.apply(.relu, [y], name: "known"))
        return try b.finish()
    }

    @Test func failIsTheDefault() throws {
        #expect(throws: IRError.self) { try graph().costReport() }
    }

    @Test func skipArithmeticCountsWeightsAndListsTheNodes() throws {
        let report = try graph().costReport(unresolvedShapes: .skipArithmetic)
        #expect(report.unresolvedNodes == ["mm", "relu"])
        // w is 4·8 = 32 float32 parameters = 128 B, counted although mm's shape is unknown.
        #expect(report.total.parameters == 32)
        #expect(report.total.weightBytes == 128)
        let mm = try #require(report.nodes.first { $0.name == "mm" })
        #expect(mm.cost.macs == 0 && mm.cost.otherFlops == 0 && mm.cost.bytesWritten == 0)
        // Only the weights are read bytes of mm: 128 B (the activation x[S,4] has no size).
        #expect(mm.cost.bytesRead == 128)
        // The known Relu over 2 values: 2 FLOPs, reads 8 B, writes 8 B.
        let known = try #require(report.nodes.first { $0.name == "known" })
        #expect(known.cost.otherFlops == 2 && known.cost.bytesRead == 8 && known.cost.bytesWritten == 8)
        #expect(report.total.flops == 2)
    }

    @Test func bindingStillResolves() throws {
        let report = try graph().costReport(bindings: ["S": 3], unresolvedShapes: .skipArithmetic)
        #expect(report.unresolvedNodes.isEmpty)
        // MatMul [3,4]·[4,8]: 3·8·4 = 96 MACs.
        #expect(report.total.macs == 96)
    }
}
