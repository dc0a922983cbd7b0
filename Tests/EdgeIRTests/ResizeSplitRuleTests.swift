import EdgeIR
import EdgeTestSupport
import Testing

/// Shape rules fixed while running the ONNX conformance suite through the engine.
@Suite struct ResizeSplitRuleTests {
    func type(_ g: Graph, _ v: String) -> Shape? { g.valueTypes[v]?.shape }

    /// Split whose sizes come from a runtime input must not fall back to an equal split:
    /// x[5] split by an unknown `split` input into 2 → both sizes unknown (an equal split would
    /// wrongly claim [3] and [2]).
    @Test func splitWithRuntimeSizesIsUnknown() throws {
        var g = Graph(name: "s", inputs: [ValueInfo(name: "x", type: TensorType(.float32, Shape([5]))),
                                          ValueInfo(name: "split", type: TensorType(.int64, Shape([2])))])
        g.nodes = [Node(name: "sp", op: .split, inputs: ["x", "split"], outputs: ["a", "b"])]
        g.outputs = [ValueInfo(name: "a", type: TensorType(.float32, Shape([Dim.unknown]))),
                     ValueInfo(name: "b", type: TensorType(.float32, Shape([Dim.unknown])))]
        try g.inferShapes()
        #expect(type(g, "a") == Shape([Dim.unknown]))
        #expect(type(g, "b") == Shape([Dim.unknown]))
    }

    func resize(_ attrs: [String: Attribute], x: [Int], scales: [Float]? = nil, sizes: [Int64]? = nil) throws -> Shape? {
        var g = Graph(name: "r", inputs: [ValueInfo(name: "x", type: TensorType(.float32, Shape(x)))])
        if let scales { g.setConstant(.float32("scales", scales, shape: Shape([scales.count]))) }
        if let sizes { g.setConstant(.int64("sizes", sizes)) }
        g.nodes = [Node(name: "r", op: .resize, inputs: ["x", "", scales == nil ? "" : "scales", sizes == nil ? "" : "sizes"],
                        outputs: ["y"], attributes: attrs)]
        g.outputs = [ValueInfo(name: "y", type: TensorType(.float32, Shape(x)))]
        try g.inferShapes()
        return type(g, "y")
    }

    /// keep_aspect_ratio_policy (ONNX opset 18, from the spec's test `resize_upsample_sizes_nearest_not_larger`):
    /// x[1,1,2,2], sizes [7, 8] on axes H, W: ratios 3.5 and 4; not_larger takes 3.5 → 2·3.5 = 7 on both
    /// axes → [1,1,7,7]; not_smaller takes 4 → [1,1,8,8].
    @Test func keepAspectRatioPolicy() throws {
        #expect(try resize(["keep_aspect_ratio_policy": .string("not_larger"), "axes": .ints([2, 3])], x: [1, 1, 2, 2], sizes: [7, 8])
                == Shape([1, 1, 7, 7]))
        #expect(try resize(["keep_aspect_ratio_policy": .string("not_smaller"), "axes": .ints([2, 3])], x: [1, 1, 2, 2], sizes: [7, 8])
                == Shape([1, 1, 8, 8]))
    }

    /// Scales for listed axes only: x[1,1,2,2], axes [3, 2], scales [3, 2] → W·3 = 6, H·2 = 4 → [1,1,4,6].
    @Test func scalesWithAxes() throws {
        #expect(try resize(["axes": .ints([3, 2])], x: [1, 1, 2, 2], scales: [3, 2]) == Shape([1, 1, 4, 6]))
    }
}
