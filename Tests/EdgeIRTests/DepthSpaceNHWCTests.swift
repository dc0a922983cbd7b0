import Testing
@testable import EdgeIR

/// TFLite forms added to the IR's rules: DepthToSpace/SpaceToDepth in NHWC, and Densify.
@Suite struct DepthSpaceNHWCTests {
    @Test func depthToSpaceNHWC() throws {
        var b = GraphBuilder(name: "d2s")
        let x = b.input("x", .float32, Shape([1, 8, 10, 12]))
        // Block 2: H 8→16, W 10→20, C 12→12/4 = 3.
        let y = try b.apply("DepthToSpace", [x], ["blocksize": .int(2), "layout": .string("NHWC")])
        #expect(b.dims(of: y) == [1, 16, 20, 3])
        // The same input read as NCHW: C 8→2, H 10→20, W 12→24.
        let z = try b.apply("DepthToSpace", [x], ["blocksize": .int(2)])
        #expect(b.dims(of: z) == [1, 2, 20, 24])
    }

    @Test func spaceToDepthNHWC() throws {
        var b = GraphBuilder(name: "s2d")
        let x = b.input("x", .float32, Shape([1, 8, 10, 3]))
        // Block 2: H 8→4, W 10→5, C 3→3·4 = 12.
        let y = try b.apply("SpaceToDepth", [x], ["blocksize": .int(2), "layout": .string("NHWC")])
        #expect(b.dims(of: y) == [1, 4, 5, 12])
        #expect(throws: IRError.self) { try b.apply("SpaceToDepth", [x], ["blocksize": .int(3), "layout": .string("NHWC")]) }
    }

    @Test func absurdBlockSizeIsAnError() throws {
        var b = GraphBuilder(name: "s2d")
        let x = b.input("x", .float32, Shape([1, 8, 10, 3]))
        #expect(throws: IRError.self) { try b.apply("DepthToSpace", [x], ["blocksize": .int(1 << 40)]) }
    }

    @Test func densifyKeepsTheDenseType() throws {
        var b = GraphBuilder(name: "densify")
        let w = b.weight("w", .float16, Shape([16, 3, 3, 8]))
        let y = try b.apply("Densify", [w])
        #expect(b.type(of: y) == TensorType(.float16, Shape([16, 3, 3, 8])))
    }
}
