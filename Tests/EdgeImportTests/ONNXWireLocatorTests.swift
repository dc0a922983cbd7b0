import EdgeIR
@testable import EdgeImport
import EdgeTestSupport
import Foundation
import SwiftProtobuf
import Testing

/// The wire walk: payloads stay in the file, protobuf semantics survive compaction, and malformed
/// structure fails with a field path and byte offset.
@Suite struct ONNXWireLocatorTests {
    // MARK: helpers

    /// Writes `bytes` to a temporary file and imports it.
    static func importBytes(_ bytes: [UInt8], name: String = "model.onnx") throws -> Model {
        let dir = try TestPaths.temporaryDirectory("onnx-wire")
        defer { try? FileManager.default.removeItem(at: dir) }
        let url = dir.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return try ONNXImporter.load(file: try MappedFile(path: url.path))
    }

    /// Imports and returns the error (or records that none came).
    static func importError(_ bytes: [UInt8]) -> ImportError? {
        do {
            _ = try importBytes(bytes)
            Issue.record("expected an ImportError")
            return nil
        } catch let e as ImportError {
            return e
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    /// A one-node model `y = x + w` with `w` a float initializer of the given values.
    static func addModel(_ w: [Float], configure: (inout Onnx_TensorProto) -> Void = { _ in }) -> Onnx_ModelProto {
        var t = Onnx_TensorProto()
        t.name = "w"
        t.dataType = 1
        t.dims = [Int64(w.count)]
        t.rawData = w.withUnsafeBytes { Data($0) }
        configure(&t)
        var m = Onnx_ModelProto()
        m.irVersion = 8
        var o = Onnx_OperatorSetIdProto()
        o.version = 17
        m.opsetImport = [o]
        var g = Onnx_GraphProto()
        g.name = "g"
        g.initializer = [t]
        g.input = [valueInfo("x", [Int64(w.count)])]
        g.output = [valueInfo("y", [Int64(w.count)])]
        var n = Onnx_NodeProto()
        n.opType = "Add"
        n.input = ["x", "w"]
        n.output = ["y"]
        g.node = [n]
        m.graph = g
        return m
    }

    static func valueInfo(_ name: String, _ dims: [Int64], elem: Int32 = 1) -> Onnx_ValueInfoProto {
        var v = Onnx_ValueInfoProto()
        v.name = name
        var tt = Onnx_TypeProto.Tensor()
        tt.elemType = elem
        var s = Onnx_TensorShapeProto()
        s.dim = dims.map { d in
            var x = Onnx_TensorShapeProto.Dimension()
            x.dimValue = d
            return x
        }
        tt.shape = s
        v.type.tensorType = tt
        return v
    }

    static func bytes(_ m: Onnx_ModelProto) throws -> [UInt8] { try m.serializedBytes() }

    /// A protobuf varint (written here by hand, independently of the importer's writer).
    static func varint(_ v: Int) -> [UInt8] {
        var v = UInt64(v), out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        return out + [UInt8(v)]
    }

    /// `model` serialized without its initializers, followed by a second `graph` field (key 0x3A)
    /// holding one `initializer` (key 0x2A) with exactly `tensor` as its bytes. Protobuf merges the two
    /// graph fields, so the tensor's wire form reaches the importer untouched by any re-encoding.
    static func withRawInitializer(_ model: Onnx_ModelProto, _ tensor: [UInt8]) throws -> [UInt8] {
        var m = model
        m.graph.initializer = []
        let graph = [0x2A] + varint(tensor.count) + tensor
        return try bytes(m) + [0x3A] + varint(graph.count) + graph
    }

    /// Offset of the first occurrence of `needle` in `haystack` (found independently of the importer).
    static func offset(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for i in 0...(haystack.count - needle.count) where haystack[i..<(i + needle.count)].elementsEqual(needle) { return i }
        return nil
    }

    // MARK: payloads stay in the file

    @Test func rawDataIsASliceOfTheMappedFileNotACopy() throws {
        let w: [Float] = [1.5, -2.25, 3.0, 1e-3]
        let file = try Self.bytes(Self.addModel(w))
        let model = try Self.importBytes(file)
        let t = try #require(model.graph.constants["w"])
        guard case .mapped(_, let offset, let length) = t.storage else {
            Issue.record("raw_data was copied: \(t.storage.location)")
            return
        }
        // The 16 raw bytes of the four floats sit somewhere in the file; find them by search.
        let raw = w.withUnsafeBytes { Array($0) }
        #expect(offset == Self.offset(of: raw, in: file))
        #expect(length == 16)  // 4 floats × 4 bytes
        #expect(t.floatValues() == w.map(Double.init))
    }

    @Test func aRepeatedRawDataFieldKeepsTheLastValueAsProtobufRequires() throws {
        // Append a second raw_data (field 9, wire type 2 → key 0x4A) to the tensor by serializing the
        // tensor, appending the field, and re-wrapping it as the graph's initializer.
        let first: [Float] = [1, 2]
        let second: [Float] = [7, 8]
        let m = Self.addModel(first)
        var tensorBytes: [UInt8] = try m.graph.initializer[0].serializedBytes()
        tensorBytes += [0x4A, 8] + second.withUnsafeBytes { Array($0) }
        // swift-protobuf itself (decoding a copy) agrees that the last raw_data wins:
        #expect(try Onnx_TensorProto(serializedBytes: tensorBytes).rawData == second.withUnsafeBytes { Data($0) })
        let file = try Self.withRawInitializer(m, tensorBytes)
        #expect(Self.offset(of: first.withUnsafeBytes { Array($0) }, in: file) != nil)  // both are in the file
        let model = try Self.importBytes(file)
        let w = try #require(model.graph.constants["w"])
        #expect(w.floatValues() == [7, 8])
        if case .mapped(_, let offset, _) = w.storage {
            #expect(offset == Self.offset(of: second.withUnsafeBytes { Array($0) }, in: file))
        } else {
            Issue.record("raw_data was copied")
        }
    }

    @Test func packedFloatDataInOneRunIsMappedAndSeveralRunsAreJoined() throws {
        let w: [Float] = [0.5, 0.25, -4]
        let m = Self.addModel(w) { t in
            t.clearRawData()
            t.floatData = w
        }
        var model = try Self.importBytes(try Self.bytes(m))
        var t = try #require(model.graph.constants["w"])
        if case .mapped = t.storage {} else { Issue.record("one packed run should be mapped: \(t.storage.location)") }
        #expect(t.floatValues() == w.map(Double.init))

        // Two packed runs (field 4, key 0x22): [0.5] then [0.25, -4]; they concatenate in order.
        var tb: [UInt8] = try { var x = m.graph.initializer[0]; x.floatData = []; return try x.serializedBytes() }()
        tb += [0x22, 4] + [Float(0.5)].withUnsafeBytes { Array($0) }
        tb += [0x22, 8] + [Float(0.25), -4].withUnsafeBytes { Array($0) }
        model = try Self.importBytes(try Self.withRawInitializer(m, tb))
        t = try #require(model.graph.constants["w"])
        if case .memory = t.storage {} else { Issue.record("two runs are joined in memory: \(t.storage.location)") }
        #expect(t.floatValues() == w.map(Double.init))
    }

    @Test func aPrivateReferenceInTheFileIsIgnored() throws {
        // A hostile file writes Edgewise's private field 1001 (key 1001<<3 = 8008 → varint 0xC8 0x3E)
        // with index 0 into a data-less tensor, hoping to borrow another tensor's payload.
        let m = Self.addModel([1, 2])
        var thief = Onnx_TensorProto()
        thief.name = "thief"
        thief.dataType = 1
        thief.dims = [2]
        var tb: [UInt8] = try thief.serializedBytes()
        tb += [0xC8, 0x3E, 0x00]
        let e = Self.importError(try Self.bytes(m) + [0x3A] + Self.varint(tb.count + 2) + [0x2A] + Self.varint(tb.count) + tb)
        #expect(e?.field == "graph.initializer[1]")
        #expect(e?.reason.contains("no data") == true)
    }

    @Test func fieldsOutsideTheSubsetAreDropped() throws {
        // training_info (ModelProto field 20, key 0xA2 0x01) holding 3 arbitrary bytes, and a varint
        // sent for the graph field (wire type 0 instead of 2: key 0x38), are skipped.
        var file = try Self.bytes(Self.addModel([1]))
        file += [0xA2, 0x01, 3, 0xFF, 0xFF, 0xFF, 0x38, 0x05]
        let model = try Self.importBytes(file)
        #expect(model.graph.nodes.count == 1)
    }

    // MARK: malformed structure

    @Test func aLengthBeyondTheFileFailsBeforeAnyAllocation() throws {
        // ir_version 8, then producer_name (field 2, key 0x12) declaring 2^32 bytes (varint 0x80 0x80 0x80 0x80 0x10)
        // in a 12-byte file.
        let file: [UInt8] = [0x08, 0x08, 0x12, 0x80, 0x80, 0x80, 0x80, 0x10, 0x41, 0x42, 0x43, 0x44]
        let e = try #require(Self.importError(file))
        #expect(e.field == "producer_name")
        #expect(e.offset == 3)  // the length varint follows the key at byte 2
        #expect(e.reason.contains("4294967296"))
        #expect(e.reason.contains("exceeds the 4 bytes that remain"))
    }

    @Test func aVarintLongerThanTenBytesFails() throws {
        let file: [UInt8] = [0x08] + [UInt8](repeating: 0xFF, count: 11) + [0x01]
        let e = try #require(Self.importError(file))
        #expect(e.field == "ir_version")
        #expect(e.offset == 1)
    }

    @Test func invalidUTF8InANodeNameNamesThePathAndOffset() throws {
        var m = Self.addModel([1])
        m.graph.node[0].name = "NODE"
        var file = try Self.bytes(m)
        let at = try #require(Self.offset(of: Array("NODE".utf8), in: file))
        file[at + 1] = 0xC0  // 0xC0 is never valid in UTF-8
        let e = try #require(Self.importError(file))
        #expect(e.field == "graph.node[0].name")
        #expect(e.offset == at)
        #expect(e.description.hasPrefix("\(e.file): onnx: graph.node[0].name at byte \(at): "))
    }

    @Test func subgraphsNestedBeyondTheLimitAreRefused() throws {
        // Graph.maxSubgraphDepth + 1 = 33 nested If bodies.
        func nest(_ depth: Int) -> Onnx_GraphProto {
            var g = Onnx_GraphProto()
            g.name = "g\(depth)"
            guard depth > 0 else { return g }
            var n = Onnx_NodeProto()
            n.opType = "If"
            var a = Onnx_AttributeProto()
            a.name = "then_branch"
            a.type = .graph
            a.g = nest(depth - 1)
            n.attribute = [a]
            g.node = [n]
            return g
        }
        var m = Self.addModel([1])
        m.graph.node.append(nest(Graph.maxSubgraphDepth + 1).node[0])
        let e = try #require(Self.importError(try Self.bytes(m)))
        #expect(e.reason.contains("subgraphs nested deeper than 32"))
        #expect(e.field.hasPrefix("graph.node[1].attribute[0].g.node[0]"))

        // 32 levels are fine and arrive as nested graph attributes.
        m.graph.node[1] = nest(Graph.maxSubgraphDepth).node[0]
        let model = try Self.importBytes(try Self.bytes(m))
        #expect(model.graph.allSubgraphs.count == 32)  // g31 (level 1) … g0 (level 32)
    }

    @Test func typesNestedBeyondTheMessageLimitAreRefused() throws {
        // sequence(sequence(…(tensor)…)) 200 deep: each level is two messages (TypeProto, Sequence).
        var t = Onnx_TypeProto()
        t.tensorType.elemType = 1
        for _ in 0..<200 {
            var s = Onnx_TypeProto()
            s.sequenceType.elemType = t
            t = s
        }
        var m = Self.addModel([1])
        m.graph.input[0].type = t
        let e = try #require(Self.importError(try Self.bytes(m)))
        #expect(e.reason.contains("nested deeper than 128"))
        #expect(e.field.hasPrefix("graph.input[0].type.sequence_type.elem_type"))
    }
}
