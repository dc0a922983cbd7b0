import EdgeIR
@testable import EdgeImport
import EdgeTestSupport
import Foundation
import Testing

/// Graph-level import rules on hand-built models; expected values are worked out beside each check.
@Suite struct ONNXGraphReaderTests {
    typealias W = ONNXWireLocatorTests

    static func node(_ op: String, _ inputs: [String], _ outputs: [String], _ attrs: [Onnx_AttributeProto] = []) -> Onnx_NodeProto {
        var n = Onnx_NodeProto()
        n.opType = op
        n.input = inputs
        n.output = outputs
        n.attribute = attrs
        return n
    }

    static func attr(_ name: String, _ set: (inout Onnx_AttributeProto) -> Void) -> Onnx_AttributeProto {
        var a = Onnx_AttributeProto()
        a.name = name
        set(&a)
        return a
    }

    static func model(_ nodes: [Onnx_NodeProto], inputs: [Onnx_ValueInfoProto] = [], outputs: [Onnx_ValueInfoProto],
                      initializers: [Onnx_TensorProto] = [], opset: Int64 = 17) -> Onnx_ModelProto {
        var m = Onnx_ModelProto()
        m.irVersion = 8
        var o = Onnx_OperatorSetIdProto()
        o.version = opset
        m.opsetImport = [o]
        m.graph.name = "g"
        m.graph.node = nodes
        m.graph.input = inputs
        m.graph.output = outputs
        m.graph.initializer = initializers
        return m
    }

    static func load(_ m: Onnx_ModelProto) throws -> Model { try W.importBytes(try W.bytes(m)) }

    @Test func constantNodesOfEveryKindBecomeConstants() throws {
        var t = Onnx_TensorProto()
        t.dataType = 10  // FLOAT16
        t.dims = [2]
        t.int32Data = [0x3C00, 0xC000]  // binary16 bit patterns of 1.0 and −2.0
        let nodes = [
            Self.node("Constant", [], ["f"], [Self.attr("value_float") { $0.f = 2.5 }]),
            Self.node("Constant", [], ["fs"], [Self.attr("value_floats") { $0.floats = [1, -1] }]),
            Self.node("Constant", [], ["i"], [Self.attr("value_int") { $0.i = -7 }]),
            Self.node("Constant", [], ["is"], [Self.attr("value_ints") { $0.ints = [1, 2, 3] }]),
            Self.node("Constant", [], ["s"], [Self.attr("value_strings") { $0.strings = [Data("a".utf8), Data("b".utf8)] }]),
            Self.node("Constant", [], ["h"], [Self.attr("value") { $0.t = t }]),
            Self.node("Add", ["f", "fs"], ["y"]),
        ]
        let g = try Self.load(Self.model(nodes, outputs: [W.valueInfo("y", [2])])).graph
        #expect(g.nodes.map(\.op) == ["Add"])  // the six Constant nodes are folded
        #expect(g.constantOrder == ["f", "fs", "i", "is", "s", "h"])
        #expect(g.constants["f"]?.type == TensorType(.float32, .scalar))
        #expect(g.constants["f"]?.floatValues() == [2.5])
        #expect(g.constants["fs"]?.floatValues() == [1, -1])
        #expect(g.constants["i"]?.integerValues() == [-7])
        #expect(g.constants["is"]?.type == TensorType(.int64, Shape([3])))
        #expect(g.constants["s"]?.type == TensorType(.string, Shape([2])))
        #expect(g.constants["h"]?.floatValues() == [1, -2])
        #expect(g.type(of: "y") == TensorType(.float32, Shape([2])))  // scalar + [2] broadcasts to [2]
    }

    @Test func typedDataFieldsAreCheckedAgainstDims() throws {
        var i4 = Onnx_TensorProto()
        i4.name = "q"
        i4.dataType = 22  // INT4: two values per int32_data entry
        i4.dims = [3]
        i4.int32Data = [0x21, 0x0F]  // 2, 1 | −1 (0xF), pad: ⌈3/2⌉ = 2 bytes
        var i64 = Onnx_TensorProto()
        i64.name = "k"
        i64.dataType = 7
        i64.dims = [2]
        i64.int64Data = [40, -2]
        let g = try Self.load(Self.model([], outputs: [W.valueInfo("q", [3], elem: 22)], initializers: [i4, i64])).graph
        #expect(g.constants["q"]?.storage.withBytes { Array($0) } == [0x21, 0x0F])
        #expect(g.constants["k"]?.integerValues() == [40, -2])

        i64.dims = [3]  // 3 elements declared, 2 given
        let e = try #require(W.importError(try W.bytes(Self.model([], outputs: [W.valueInfo("k", [3], elem: 7)], initializers: [i64]))))
        #expect(e.field == "graph.initializer[0].int64_data")
        #expect(e.reason == "2 values for int64[3]")
        #expect(e.offset != nil)

        i64.dims = [Int64.max, 4]  // element count overflows 64 bits
        let o = try #require(W.importError(try W.bytes(Self.model([], outputs: [W.valueInfo("k", [1], elem: 7)], initializers: [i64]))))
        #expect(o.reason.contains("overflows"))
    }

    @Test func sparseInitializersAreDensified() throws {
        var values = Onnx_TensorProto()
        values.name = "sp"
        values.dataType = 1
        values.dims = [2]
        values.floatData = [5, 7]
        var indices = Onnx_TensorProto()
        indices.dataType = 7
        indices.dims = [2]
        indices.int64Data = [1, 5]  // linear positions in a 2×3 tensor
        var s = Onnx_SparseTensorProto()
        s.values = values
        s.indices = indices
        s.dims = [2, 3]
        var m = Self.model([], outputs: [W.valueInfo("sp", [2, 3])])
        m.graph.sparseInitializer = [s]
        let t = try #require(try Self.load(m).graph.constants["sp"])
        #expect(t.type == TensorType(.float32, Shape([2, 3])))
        #expect(t.floatValues() == [0, 5, 0, 0, 0, 7])

        m.graph.sparseInitializer[0].indices.int64Data = [1, 6]  // 6 is outside 2×3
        let e = try #require(W.importError(try W.bytes(m)))
        #expect(e.reason.contains("outside [2,3]"))
    }

    @Test func modelFactsAndLegacyOpsetsAreReported() throws {
        var w = Onnx_TensorProto()
        w.name = "w"
        w.dataType = 1
        w.dims = [1]
        w.floatData = [3]
        // Old exporters list initializers among the inputs; such an input is a constant.
        var m = Self.model([Self.node("Mul", ["x", "w"], ["y"])], inputs: [W.valueInfo("x", [1]), W.valueInfo("w", [1])],
                           outputs: [W.valueInfo("y", [1])], initializers: [w], opset: 6)
        m.producerName = "exporter"
        m.producerVersion = "2.1"
        var ml = Onnx_OperatorSetIdProto()
        ml.domain = "ai.onnx.ml"
        ml.version = 3
        m.opsetImport.append(ml)
        var p = Onnx_StringStringEntryProto()
        p.key = "author"
        p.value = "someone"
        m.metadataProps = [p]
        let model = try Self.load(m)
        #expect(model.graph.inputs.map(\.name) == ["x"])
        #expect(model.metadata.producer == "exporter 2.1")
        #expect(model.metadata.formatVersion == "ai.onnx 6, ai.onnx.ml 3")
        #expect(model.metadata.properties["author"] == "someone")
        #expect(model.metadata.properties["onnx.ir_version"] == "8")
        #expect(model.metadata.notes.contains { $0.hasPrefix("legacy opset ai.onnx 6 (< 7)") })
        #expect(model.metadata.notes.contains("1 graph input(s) have initializers and are treated as constants"))
    }

    @Test func unsupportedElementTypesFailWithTheirName() throws {
        // COMPLEX64 (14, onnx.proto) is the one ONNX element type family the IR has no DType for.
        let m = Self.model([], inputs: [W.valueInfo("x", [2], elem: 14)], outputs: [W.valueInfo("x", [2], elem: 14)])
        let e = try #require(W.importError(try W.bytes(m)))
        #expect(e.field == "graph.input[0].type.tensor_type.elem_type")
        #expect(e.reason == "data type COMPLEX64 (14) is not supported by Edgewise")
    }

    @Test func untypedIfBranchOutputsAreTypedFromTheEnclosingGraph() throws {
        // If(cond) then Relu(x) else Neg(x); x is float32[2,3] in the main graph and the branches
        // declare their outputs without any type, as some exporters do.
        func branch(_ op: String, _ out: String) -> Onnx_GraphProto {
            var g = Onnx_GraphProto()
            g.name = op
            g.node = [Self.node(op, ["x"], [out])]
            var v = Onnx_ValueInfoProto()
            v.name = out
            g.output = [v]
            return g
        }
        let ifNode = Self.node("If", ["c"], ["y"], [
            Self.attr("then_branch") { $0.type = .graph; $0.g = branch("Relu", "r") },
            Self.attr("else_branch") { $0.type = .graph; $0.g = branch("Neg", "n") },
        ])
        var out = Onnx_ValueInfoProto()
        out.name = "y"
        let m = Self.model([ifNode], inputs: [W.valueInfo("x", [2, 3]), W.valueInfo("c", [], elem: 9)], outputs: [out])
        let model = try Self.load(m)
        let then = try #require(model.graph.allSubgraphs.first)
        #expect(then.outputs.first?.type == TensorType(.float32, Shape([2, 3])))
        #expect(model.graph.type(of: "y") == TensorType(.float32, Shape([2, 3])))
        #expect(model.metadata.notes.contains("2 subgraph output(s) declare no type or rank; 2 typed by inference"))
        #expect(model.metadata.notes.contains { $0.hasPrefix("2 subgraph(s) imported as graph attributes (If ×2)") })
    }
}
