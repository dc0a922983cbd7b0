import Testing
@testable import EdgeIR

/// Flatten keeps a lone symbolic factor (the batch `N`) instead of turning it into `?`.
@Suite struct FlattenSymbolTests {
    func flatten(_ shape: Shape, axis: Int) throws -> Shape {
        var b = GraphBuilder(name: "f")
        let x = b.input("x", .float32, shape)
        let y = try b.apply(.flatten, [x], ["axis": .int(axis)], name: "flatten")
        return b.type(of: y).shape
    }

    @Test func batchSymbolSurvivesFlatten() throws {
        // [N, 512, 1, 1] (a global pool's output) → [N, 512·1·1] = [N, 512].
        #expect(try flatten(Shape(["N", 512, 1, 1]), axis: 1) == Shape(["N", 512]))
        // [N, 1, 192] axis 1 → [N, 1·192] = [N, 192].
        #expect(try flatten(Shape(["N", 1, 192]), axis: 1) == Shape(["N", 192]))
        // Two symbols multiply to an unknown: [N, S, 4] axis 2 → [?, 4].
        #expect(try flatten(Shape(["N", "S", 4]), axis: 2) == Shape([Dim.unknown, 4]))
        // Fully known shapes are unchanged: [2, 3, 4, 5] axis 2 → [6, 20].
        #expect(try flatten(Shape([2, 3, 4, 5]), axis: 2) == Shape([6, 20]))
    }
}
