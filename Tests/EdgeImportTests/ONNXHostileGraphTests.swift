import EdgeIR
@testable import EdgeImport
import EdgeTestSupport
import Foundation
import Testing

/// Files that are well-formed protobuf but hostile as graphs: shapes that would need exabytes, cycles,
/// values defined twice. Import must end quickly in a model or a one-line error, allocating nothing
/// the file does not justify.
@Suite struct ONNXHostileGraphTests {
    typealias R = ONNXGraphReaderTests
    typealias W = ONNXWireLocatorTests

    static func ints(_ name: String, _ v: [Int64]) -> Onnx_NodeProto {
        R.node("Constant", [], [name], [R.attr("value_ints") { $0.ints = v }])
    }

    @Test func shapeArithmeticWithAstronomicalSizesIsNotMaterialised() throws {
        let huge: Int64 = 1 << 40
        let nodes = [
            Self.ints("big", [huge, huge]),
            R.node("ConstantOfShape", ["big"], ["zeros"]),  // [2^40, 2^40]: 2^80 elements
            Self.ints("start", [0]), Self.ints("limit", [Int64.max]), Self.ints("delta", [1]),
            R.node("Range", ["start", "limit", "delta"], ["range"]),  // 2^63 − 1 elements
            R.node("Expand", ["x", "big"], ["expanded"]),
            Self.ints("reps", [huge, huge]),
            R.node("Tile", ["x", "reps"], ["tiled"]),
            Self.ints("shape", [-1, 0, huge]),
            R.node("Reshape", ["x", "shape"], ["reshaped"]),
        ]
        let m = R.model(nodes, inputs: [W.valueInfo("x", [2, 3])], outputs: ["zeros", "range", "expanded", "tiled", "reshaped"].map {
            var v = Onnx_ValueInfoProto()
            v.name = $0
            return v
        })
        let start = DispatchTime.now().uptimeNanoseconds
        do {
            let model = try R.load(m)
            #expect(model.graph.nodes.count == 5)
            // The 2^80-element output is typed, never allocated.
            #expect(model.graph.type(of: "zeros")?.shape == Shape([Int(huge), Int(huge)]))
            #expect(model.graph.type(of: "zeros")?.shape.elementCount == nil)
        } catch let e as ImportError {
            #expect(!e.description.contains("\n"))
        }
        // A hang guard (allocating 2^80 elements would never return), generous for a loaded CI machine.
        #expect(DispatchTime.now().uptimeNanoseconds - start < 60_000_000_000)
    }

    @Test func cyclesAndDoubleDefinitionsFailWithOneLine() throws {
        // a = Relu(b), b = Relu(a): a cycle.
        let cycle = R.model([R.node("Relu", ["b"], ["a"]), R.node("Relu", ["a"], ["b"])], outputs: [W.valueInfo("a", [1])])
        let e = try #require(W.importError(try W.bytes(cycle)))
        #expect(e.reason.contains("cycle"))
        #expect(!e.description.contains("\n"))

        // Two nodes write the same value.
        let twice = R.model([R.node("Relu", ["x"], ["y"]), R.node("Neg", ["x"], ["y"])], inputs: [W.valueInfo("x", [1])],
                            outputs: [W.valueInfo("y", [1])])
        let d = try #require(W.importError(try W.bytes(twice)))
        #expect(d.reason == "value 'y' is produced more than once")

        // A Constant node and an initializer with the same name.
        var w = Onnx_TensorProto()
        w.name = "w"
        w.dataType = 1
        w.dims = [1]
        w.floatData = [1]
        let clash = R.model([Self.ints("w", [1])], outputs: [W.valueInfo("w", [1])], initializers: [w])
        let c = try #require(W.importError(try W.bytes(clash)))
        #expect(c.field == "graph.node[0].output")
        #expect(c.reason == "value 'w' is defined more than once")
    }
}
