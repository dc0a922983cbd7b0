import Foundation
import SwiftProtobuf
import Testing

@testable import EdgeImport

/// The locator's field table against the generated messages: a model with every declared field set,
/// compacted and decoded, must come back equal except for what compaction changes on purpose.
@Suite struct ONNXWireSchemaTests {
    static func entry(_ k: String, _ v: String) -> Onnx_StringStringEntryProto {
        var e = Onnx_StringStringEntryProto()
        e.key = k
        e.value = v
        return e
    }

    static func shape() -> Onnx_TensorShapeProto {
        var a = Onnx_TensorShapeProto.Dimension()
        a.dimValue = 3
        a.denotation = "DATA_CHANNEL"
        var b = Onnx_TensorShapeProto.Dimension()
        b.dimParam = "N"
        var s = Onnx_TensorShapeProto()
        s.dim = [b, a]
        return s
    }

    static func types() -> [Onnx_TypeProto] {
        var t = Onnx_TypeProto()
        t.tensorType.elemType = 1
        t.tensorType.shape = shape()
        t.denotation = "TENSOR"
        var seq = Onnx_TypeProto()
        seq.sequenceType.elemType = t
        var map = Onnx_TypeProto()
        map.mapType.keyType = 7
        map.mapType.valueType = t
        var opt = Onnx_TypeProto()
        opt.optionalType.elemType = seq
        var sparse = Onnx_TypeProto()
        sparse.sparseTensorType.elemType = 10
        sparse.sparseTensorType.shape = shape()
        return [t, seq, map, opt, sparse]
    }

    static func tensor(_ name: String) -> Onnx_TensorProto {
        var t = Onnx_TensorProto()
        t.name = name
        t.dims = [2, 3]
        t.dataType = 1
        t.rawData = Data([1, 2, 3, 4])
        t.floatData = [1.5, 2.5]
        t.int32Data = [-1, 70000]
        t.stringData = [Data("a".utf8), Data([0xFF])]
        t.int64Data = [-(1 << 40), 5]
        t.doubleData = [0.125]
        t.uint64Data = [UInt64.max]
        t.externalData = [entry("location", "w.bin"), entry("offset", "0")]
        t.dataLocation = .external
        t.docString = "unused"
        t.metadataProps = [entry("unused", "x")]
        return t
    }

    static func valueInfo(_ name: String, _ type: Onnx_TypeProto) -> Onnx_ValueInfoProto {
        var v = Onnx_ValueInfoProto()
        v.name = name
        v.type = type
        v.docString = "unused"
        v.metadataProps = [entry("unused", "x")]
        return v
    }

    static func attributes(_ sub: Onnx_GraphProto?) -> [Onnx_AttributeProto] {
        var a = Onnx_AttributeProto()
        a.name = "everything"
        a.refAttrName = "ref"
        a.docString = "unused"
        a.type = .tensors
        a.f = 0.5
        a.i = -3
        a.s = Data([0, 0xFF])
        a.t = tensor("t")
        a.floats = [1, 2]
        a.ints = [3, -4]
        a.strings = [Data("s".utf8)]
        a.tensors = [tensor("t1"), tensor("t2")]
        var sp = Onnx_SparseTensorProto()
        sp.values = tensor("v")
        sp.indices = tensor("i")
        sp.dims = [4, 5]
        a.sparseTensor = sp
        a.sparseTensors = [sp]
        a.tp = types()[1]
        a.typeProtos = types()
        if let sub {
            a.g = sub
            a.graphs = [sub, sub]
        }
        return [a]
    }

    static func graph(_ depth: Int) -> Onnx_GraphProto {
        var n = Onnx_NodeProto()
        n.input = ["x", ""]
        n.output = ["y"]
        n.name = "n"
        n.opType = "If"
        n.domain = "com.example"
        n.docString = "unused"
        n.metadataProps = [entry("unused", "x")]
        n.attribute = attributes(depth > 0 ? graph(depth - 1) : nil)
        var sp = Onnx_SparseTensorProto()
        sp.values = tensor("sv")
        sp.indices = tensor("si")
        sp.dims = [7]
        var g = Onnx_GraphProto()
        g.node = [n, n]
        g.name = "g\(depth)"
        g.initializer = [tensor("w0"), tensor("w1")]
        g.sparseInitializer = [sp]
        g.docString = "unused"
        g.input = [valueInfo("x", types()[0])]
        g.output = types().enumerated().map { valueInfo("o\($0.offset)", $0.element) }
        g.valueInfo = [valueInfo("y", types()[2])]
        g.metadataProps = [entry("unused", "x")]
        return g
    }

    static func model() -> Onnx_ModelProto {
        var m = Onnx_ModelProto()
        m.irVersion = 10
        var o = Onnx_OperatorSetIdProto()
        o.domain = "ai.onnx.ml"
        o.version = 4
        m.opsetImport = [o, o]
        m.producerName = "p"
        m.producerVersion = "1"
        m.domain = "d"
        m.modelVersion = 7
        m.docString = "kept: the model's doc string is shown"
        m.graph = graph(2)
        m.metadataProps = [entry("k", "v")]
        var f = Onnx_FunctionProto()
        f.name = "f"
        f.input = ["a"]
        f.output = ["b"]
        f.attribute = ["alpha"]
        f.attributeProto = attributes(nil)
        f.node = graph(0).node
        f.docString = "unused"
        f.opsetImport = [o]
        f.domain = "local"
        f.valueInfo = [valueInfo("a", types()[0])]
        f.metadataProps = [entry("unused", "x")]
        m.functions = [f]
        return m
    }

    /// What compaction is meant to change, applied to the original: unused fields dropped, payloads
    /// replaced by references (compared separately), private fields cleared.
    static func expected(_ m: Onnx_ModelProto) -> Onnx_ModelProto {
        var m = m
        m.graph = strip(m.graph, depth: 0)
        m.functions = m.functions.map { f in
            var f = f
            f.clearDocString()
            f.metadataProps = []
            f.attributeProto = f.attributeProto.map { strip($0, depth: 0) }
            f.node = f.node.map { strip($0, depth: 0) }
            f.valueInfo = f.valueInfo.map(strip)
            f.clearEdgewiseOffset()
            return f
        }
        return m
    }

    static func strip(_ g: Onnx_GraphProto, depth: Int) -> Onnx_GraphProto {
        var g = g
        g.clearDocString()
        g.metadataProps = []
        g.node = g.node.map { strip($0, depth: depth) }
        g.initializer = g.initializer.map(strip)
        g.sparseInitializer = g.sparseInitializer.map(strip)
        g.input = g.input.map(strip)
        g.output = g.output.map(strip)
        g.valueInfo = g.valueInfo.map(strip)
        g.clearEdgewiseOffset()
        return g
    }

    static func strip(_ n: Onnx_NodeProto, depth: Int) -> Onnx_NodeProto {
        var n = n
        n.clearDocString()
        n.metadataProps = []
        n.attribute = n.attribute.map { strip($0, depth: depth) }
        n.clearEdgewiseOffset()
        return n
    }

    static func strip(_ a: Onnx_AttributeProto, depth: Int) -> Onnx_AttributeProto {
        var a = a
        a.clearDocString()
        if a.hasT { a.t = strip(a.t) }
        a.tensors = a.tensors.map(strip)
        if a.hasSparseTensor { a.sparseTensor = strip(a.sparseTensor) }
        a.sparseTensors = a.sparseTensors.map(strip)
        if a.hasG { a.g = strip(a.g, depth: depth + 1) }
        a.graphs = a.graphs.map { strip($0, depth: depth + 1) }
        a.clearEdgewiseOffset()
        return a
    }

    static func strip(_ t: Onnx_TensorProto) -> Onnx_TensorProto {
        var t = t
        t.clearDocString()
        t.metadataProps = []
        t.clearRawData()
        t.floatData = []
        t.doubleData = []
        t.edgewisePayload = []
        t.clearEdgewiseOffset()
        return t
    }

    static func strip(_ s: Onnx_SparseTensorProto) -> Onnx_SparseTensorProto {
        var s = s
        s.values = strip(s.values)
        s.indices = strip(s.indices)
        s.clearEdgewiseOffset()
        return s
    }

    static func strip(_ v: Onnx_ValueInfoProto) -> Onnx_ValueInfoProto {
        var v = v
        v.clearDocString()
        v.metadataProps = []
        v.clearEdgewiseOffset()
        return v
    }

    @Test func compactionKeepsEveryDeclaredFieldItShould() throws {
        let original = Self.model()
        let bytes: [UInt8] = try original.serializedBytes()
        let (compact, payloads) = try bytes.withUnsafeBytes { try ONNXWireLocator.compact($0, file: "all-fields.onnx") }
        let decoded = try ONNXImporter.decode(compact, file: "all-fields.onnx")
        #expect(Self.expected(decoded) == Self.expected(original))

        // Payloads: every tensor has raw_data (4 bytes), float_data (2 × 4 bytes), double_data (1 × 8
        // bytes), each referenced once, in field order, and each reference names its bytes in the file.
        func check(_ t: Onnx_TensorProto) {
            let refs = t.edgewisePayload.map { payloads[Int($0)] }
            #expect(refs.map(\.field).sorted() == [4, 9, 10])
            for r in refs {
                let slice = Array(bytes[r.range])
                switch r.field {
                case 9: #expect(slice == [1, 2, 3, 4])
                case 4: #expect(slice == [Float(1.5), 2.5].withUnsafeBytes { Array($0) })
                default: #expect(slice == [Double(0.125)].withUnsafeBytes { Array($0) })
                }
            }
            #expect(t.hasEdgewiseOffset)
        }
        check(decoded.graph.initializer[1])
        check(decoded.graph.node[0].attribute[0].g.node[1].attribute[0].tensors[0])
        check(decoded.functions[0].attributeProto[0].sparseTensor.indices)
        // Tensors: `attributes` holds t + 2 tensors + 2 sparse values/indices pairs = 7; a graph at depth d
        // has 2 nodes × (7 + 3 subgraphs of depth d−1) + 2 initializers + 1 sparse pair:
        // T(0) = 2·7 + 4 = 18, T(1) = 18 + 6·18 = 126, T(2) = 18 + 6·126 = 774; the function adds 7 + 2·7 = 21.
        // 795 tensors × 3 payloads each = 2385.
        #expect(payloads.count == 2385)
    }
}
